import { gamma } from '../../core/numerics.ts';
import { checkShape, defaultShape, FIXED_BINDINGS, fTree, gridEntry, moduleHeader, U32, U64, type GradientKernel } from './common.ts';
import { diffError } from './separable.ts';

/**
 * What the pass needs from a rotated quadratic (src/problems/rotated-quadratic.ts): its stored
 * Hessian H = Q diag(L) Q^T (row-major d x d, symmetric) and its center c (= constants.xStar).
 * A RotatedQuadraticProblem provides both: { d, hessian, center: constants.xStar }.
 */
export interface RotatedQuadraticData {
  readonly d: number;
  readonly hessian: ArrayLike<number>;
  readonly center: ArrayLike<number>;
}

/**
 * WGSL gradient pass for the rotated quadratic f(x) = 1/2 (x - c)^T H (x - c) of
 * src/problems/rotated-quadratic.ts (declared there with H = Q diag(L) Q^T stored as a dense matrix;
 * its grad is matVec(H, x - c), evaluated here the same way):
 *   g_i = sum_{j < d} H_ij (x_j - c_j)  (j ascending, the CPU's order),   f = 1/2 sum_i (x_i - c_i) g_i.
 * Thread (q, r) owns g_{4q..4q+3} of replica r and runs over the whole row of x (x_j - c_j masked to 0
 * past d), so chunks must hold whole replica rows (coordinateSplit = false: ch.q0 = 0, ch.quads = dq).
 * Data: `hp`, H packed as d4 = 4 dq rows of dq vec4 (hp[j dq + q] = H[j][4q..4q+3] = H[4q..4q+3][j] by
 * symmetry, rows and lanes past d zero): adjacent threads read adjacent vec4 (coalesced), and `cen`
 * (dq vec4). Bytes: 16 d4 dq for H (64 MiB at the family's largest d = 4096: within a 128 MiB binding).
 * fpart: P = ceil(dq / wx) partials per replica. Error bound: {@link rotatedQuadraticBounds}.
 */
export function rotatedQuadraticGradientKernel(data: RotatedQuadraticData, options: { wx?: number; wy?: number } = {}): GradientKernel {
  const d = data.d;
  if (data.hessian.length !== d * d || data.center.length !== d) throw new Error(`rotated-quadratic gradient kernel: H must be d x d and c of length d (d = ${d})`);
  const dq = Math.ceil(d / 4);
  const shape = defaultShape(dq);
  const wx = options.wx ?? shape.wx;
  const wy = options.wy ?? (options.wx ? Math.max(1, 64 / wx) : shape.wy);
  checkShape(wx, wy);
  const P = Math.ceil(dq / wx);
  const hp = new Float32Array(4 * dq * dq * 4);
  for (let j = 0; j < d; j++) for (let i = 0; i < d; i++) hp[(j * dq + (i >> 2)) * 4 + (i & 3)] = data.hessian[i * d + j];
  const cen = new Float32Array(dq * 4);
  for (let i = 0; i < d; i++) cen[i] = data.center[i];
  const wgsl = `// signcheck gradient pass: rotated-quadratic (dense symmetric H, d = ${d})
${moduleHeader(wx, wy)}@group(0) @binding(4) var<storage, read> hp: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read> cen: array<vec4<f32>>;
const DQ: u32 = ${dq}u;
${gridEntry('grad', wx, wy)}
  let zero = vec4<f32>(0.0);
  var acc = 0.0;
  if (inRange) {
    let base = rl * DQ;
    var g = vec4<f32>(0.0);
    for (var jq = 0u; jq < DQ; jq = jq + 1u) {
      let jv = (vec4<u32>(jq * 4u) + vec4<u32>(0u, 1u, 2u, 3u)) < vec4<u32>(ch.D);
      let rj = select(zero, xs[base + jq] - cen[jq], jv);
      let h = 4u * jq * DQ + q;
      g = g + hp[h] * rj.x;
      g = g + hp[h + DQ] * rj.y;
      g = g + hp[h + 2u * DQ] * rj.z;
      g = g + hp[h + 3u * DQ] * rj.w;
    }
    let gm = select(zero, g, valid);
    gs[idx] = gm;
    let ri = select(zero, xs[idx] - cen[q], valid);
    acc = 0.5 * dot(ri, gm);
  }
${fTree('acc', wx, P, 'ch.wgx0')}
}
`;
  return {
    family: 'rotated-quadratic',
    d,
    dq,
    wgsl,
    wx,
    wy,
    bindings: [
      ...FIXED_BINDINGS,
      { role: 'data', name: 'hp', kind: 'read-only-storage', data: hp },
      { role: 'data', name: 'cen', kind: 'read-only-storage', data: cen },
    ],
    passes: [{ entry: 'grad', grid: 'quads' }],
    dataRows: 0,
    fPartialsPerReplica: P,
    fConstant: 0,
    coordinateSplit: false,
    scratchFloatsPerReplica: 0,
  };
}

/**
 * Float32 + float64 error bounds of {@link rotatedQuadraticGradientKernel} at R x d iterates (float32
 * values), first order (u = 2^-24, u64 = 2^-53, gamma_n = n u / (1 - n u)):
 *   r_j = x_j - c_j: |dr_j| <= u|c_j| + u|r_j| (+ u64 |r_j| for the CPU's own subtraction);
 *   g_i: H_ij rounded (u|H_ij|), and a sequential sum of d products (each term <= d roundings):
 *     |dg_i| <= sum_j |H_ij| (|dr_j| + u|r_j|) + (gamma_d(u) + gamma_d(u64)) sum_j |H_ij| |r_j|
 *   (the float64 matVec's own error is the gamma_d(u64) part);
 *   f: each thread's dot of 4 lanes (<= 4 roundings per term) and the tree (log2 wx levels), the
 *     0.5 exact: |df| <= 1/2 [ sum_i (|r_i| |dg_i| + |g_i| |dr_i|) + (gamma_{4 + log2 wx}(u) + gamma_{d+1}(u64)) sum_i |r_i g_i| ].
 * Linear in d (a worst case: 7e-5 relative to sum |H_ij||r_j| at d = 1024); measured errors are far smaller.
 */
export function rotatedQuadraticBounds(data: RotatedQuadraticData, x: Float64Array, R: number, wx: number): { eg: Float64Array; ef: Float64Array } {
  const d = data.d;
  const H = data.hessian;
  const eg = new Float64Array(R * d);
  const ef = new Float64Array(R);
  const r = new Float64Array(d);
  const dr = new Float64Array(d);
  const gd = gamma(d, U32) + gamma(d, U64);
  for (let k = 0; k < R; k++) {
    for (let j = 0; j < d; j++) {
      r[j] = x[k * d + j] - data.center[j];
      dr[j] = diffError(r[j], data.center[j]);
    }
    let fabs = 0;
    let fe = 0;
    for (let i = 0; i < d; i++) {
      let g = 0;
      let absSum = 0;
      let prop = 0;
      for (let j = 0; j < d; j++) {
        const h = H[i * d + j];
        g += h * r[j];
        absSum += Math.abs(h * r[j]);
        prop += Math.abs(h) * (dr[j] + U32 * Math.abs(r[j]));
      }
      const e = prop + gd * absSum;
      eg[k * d + i] = e;
      fabs += Math.abs(r[i] * g);
      fe += Math.abs(r[i]) * e + Math.abs(g) * dr[i];
    }
    ef[k] = 0.5 * (fe + (gamma(4 + Math.log2(wx), U32) + gamma(d + 1, U64)) * fabs);
  }
  return { eg, ef };
}
