import { gamma } from '../../core/numerics.ts';
import { checkShape, defaultShape, FIXED_BINDINGS, fTree, gridEntry, moduleHeader, packQuads, U32, U64, type GradientKernel } from './common.ts';

/**
 * Builder shared by the coordinate-wise (separable, non-quadratic) families: sum-cosh, exp-sum,
 * quartic-sum. One pass over (quad, replica) like the engine's grid kernels; thread (q, r) loads x as
 * a vec4, its quad's constants (`struct Dat` at dat[q], chunk-local, bound at offset
 * q0 * perQuadBytes) and runs `body`, which must define `ge` (gradient) and `fe` (f terms) as
 * vec4<f32>. Lanes past d write g = 0 and contribute 0 to f. Coordinate-split chunks are allowed.
 * fpart: P = ceil(dq / wx) partials per replica at r * P + wgx0 + wid.x.
 */
export function separableKernel(
  family: string,
  d: number,
  fields: readonly string[],
  values: readonly ArrayLike<number>[],
  body: string,
  prelude: string,
  options: { wx?: number; wy?: number } = {},
): GradientKernel {
  const dq = Math.ceil(d / 4);
  const shape = defaultShape(dq);
  const wx = options.wx ?? shape.wx;
  const wy = options.wy ?? (options.wx ? Math.max(1, 64 / wx) : shape.wy);
  checkShape(wx, wy);
  const P = Math.ceil(dq / wx);
  const wgsl = `// signcheck gradient pass: ${family} (separable, coordinate-wise)
${moduleHeader(wx, wy)}struct Dat { ${fields.map((f) => `${f}: vec4<f32>`).join(', ')} }
@group(0) @binding(4) var<storage, read> dat: array<Dat>;
${prelude}
${gridEntry('grad', wx, wy)}
  let zero = vec4<f32>(0.0);
  let one = vec4<f32>(1.0);
  var acc = 0.0;
  if (inRange) {
    let xv = xs[idx];
    let pd = dat[q];
${body}
    gs[idx] = select(zero, ge, valid);
    acc = dot(select(zero, fe, valid), one);
  }
${fTree('acc', wx, P, 'ch.wgx0')}
}
`;
  return {
    family,
    d,
    dq,
    wgsl,
    wx,
    wy,
    bindings: [...FIXED_BINDINGS, { role: 'data', name: 'dat', kind: 'read-only-storage', data: packQuads(d, values), perQuadBytes: 16 * fields.length }],
    passes: [{ entry: 'grad', grid: 'quads' }],
    dataRows: 0,
    fPartialsPerReplica: P,
    fConstant: 0,
    coordinateSplit: true,
    scratchFloatsPerReplica: 0,
  };
}

/** Per-coordinate bounds of one replica: |g_gpu - g_cpu| and the f term's |fe_gpu - fe_exact| with |fe|. */
export interface TermBounds {
  /** Bound on |g_f32 - g_f64|, float32 and float64 rounding together. */
  eg: number;
  /** The f term's value and its float32 + float64 error bounds. */
  fe: number;
  efe: number;
}

/**
 * Bounds for a separable kernel over R x d iterates: per coordinate from `term`, and for f(x) as the
 * kernel sums it: each thread's 4 lanes (dot: <= 3 roundings per term), then the workgroup tree
 * (log2 wx levels): gamma_{3 + log2 wx} sum |fe| in float32, plus the CPU's sequential float64 sum
 * gamma_d sum |fe|, plus each term's own bound.
 */
export function separableBounds(d: number, R: number, x: Float64Array, wx: number, term: (i: number, xi: number) => TermBounds): { eg: Float64Array; ef: Float64Array } {
  const eg = new Float64Array(R * d);
  const ef = new Float64Array(R);
  const levels = 3 + Math.log2(wx);
  for (let r = 0; r < R; r++) {
    let abs = 0;
    let e = 0;
    for (let i = 0; i < d; i++) {
      const t = term(i, x[r * d + i]);
      eg[r * d + i] = t.eg;
      abs += Math.abs(t.fe);
      e += t.efe;
    }
    ef[r] = e + (gamma(levels, U32) + gamma(d, U64)) * (abs + e);
  }
  return { eg, ef };
}

/**
 * Bound on the float32 subtraction r = x - fround(c) against the float64 x - c (x exactly a float32
 * value): |dr| <= u|c| + u|r|, and the float64 subtraction's own u64 |r|.
 */
export function diffError(r: number, c: number): number {
  return U32 * Math.abs(c) + U32 * Math.abs(r) + U64 * Math.abs(r);
}

/**
 * WGSL expm1 for a >= 0 (the scheme of sc_expm1 in noise.wgsl.ts: Taylor to a^9/9! below 1/4,
 * else exp(a) - 1), vectorised. Relative error: 3u below 1/4 (truncation < 1e-12 a); else
 * (6 + 4a)u of exp amplified by e^a / (e^a - 1), plus u ({@link expm1Rel}).
 */
export const EXPM1_V4_WGSL = /* wgsl */ `
fn gr_expm1(a: vec4<f32>) -> vec4<f32> {
  var p = vec4<f32>(1.0 / 362880.0);
  p = p * a + 1.0 / 40320.0;
  p = p * a + 1.0 / 5040.0;
  p = p * a + 1.0 / 720.0;
  p = p * a + 1.0 / 120.0;
  p = p * a + 1.0 / 24.0;
  p = p * a + 1.0 / 6.0;
  p = p * a + 0.5;
  let small = a + a * a * p;
  return select(exp(a) - 1.0, small, a < vec4<f32>(0.25));
}
`;

/** Relative error of gr_expm1(a), a >= 0 (see {@link EXPM1_V4_WGSL}). */
export function expm1Rel(a: number): number {
  if (a < 0.25) return 3 * U32;
  return ((6 + 4 * a) * U32 * Math.exp(a)) / Math.expm1(a) + U32;
}
