import { UserInputError } from '../core/errors.ts';
import { philox4x32 } from './philox.ts';

/**
 * How every random number in signcheck is addressed, identically on the CPU and GPU engines.
 *
 * key     = (seed, purpose)             seed: u32 chosen by the user; purpose: one of {@link Purpose}
 * counter = (block, step, lane, replica)
 *   block   = coordinate block: coordinates are consumed in groups of 4 (Gaussian: four normals per
 *             Philox call) or 2 (two-uniform transforms: two samples per call);
 *   step    = iteration t (0-based);
 *   lane    = worker | (batchIndex << 16): worker < 2^16, minibatch draw index < 2^16;
 *   replica = Monte-Carlo replica (independent seed stream within one run).
 *
 * Changing any of these gives an independent stream (Philox is a bijection of the counter for a
 * fixed key), so replicas, workers, steps and minibatch draws never share numbers.
 */
export const Purpose = {
  /** Additive gradient noise. */
  noise: 0x6e6f6973,
  /** Starting points drawn at random. */
  init: 0x696e6974,
  /** Uniform iterate index tau in 1..T and other per-run scalars. */
  tau: 0x74617500,
  /** Stochastic sign operators (S_R) and other per-coordinate randomised compressors. */
  compress: 0x636d7072,
  /** Data-sample selection for dataset oracles. */
  sample: 0x73616d70,
} as const;
export type PurposeName = keyof typeof Purpose;

/** Largest worker index + 1 and minibatch size that fit in the lane word. */
export const MAX_WORKERS = 1 << 16;
export const MAX_BATCH = 1 << 16;

/** The lane word of the counter: worker in the low 16 bits, minibatch draw in the high 16. */
export function laneWord(worker: number, batchIndex: number): number {
  if (worker < 0 || worker >= MAX_WORKERS) throw new UserInputError('workers', `must be < ${MAX_WORKERS}`, `worker index ${worker}`);
  if (batchIndex < 0 || batchIndex >= MAX_BATCH) throw new UserInputError('batch', `must be <= ${MAX_BATCH}`, `draw index ${batchIndex}`);
  return (worker | (batchIndex << 16)) >>> 0;
}

const TWO_POW_M32 = 1 / 4294967296;

/** u32 word -> uniform in the open interval (0, 1): (w + 1/2) 2^-32. Never 0, never 1 in float64. */
export function uniformOpen(word: number): number {
  return (word + 0.5) * TWO_POW_M32;
}

/** Taylor coefficients of sin(theta)/theta in theta^2 (to theta^16), used by {@link sinCos2PiSource}. */
export const SIN_TAYLOR = [1, -1 / 6, 1 / 120, -1 / 5040, 1 / 362880, -1 / 39916800, 1 / 6227020800, -1 / 1307674368000, 1 / 355687428096000];
/** Taylor coefficients of cos(theta) in theta^2 (to theta^18), used by {@link sinCos2PiSource}. */
export const COS_TAYLOR = [1, -1 / 2, 1 / 24, -1 / 720, 1 / 40320, -1 / 3628800, 1 / 479001600, -1 / 87178291200, 1 / 20922789888000, -1 / 6402373705728000];
const horner = (coef: number[], v: string) => coef.map(String).reduceRight((acc, c, i) => (i === coef.length - 1 ? c : `${c} + ${v} * (${acc})`));

/**
 * JavaScript source computing sin(2 pi u) and cos(2 pi u) into `sOut`, `cOut` for u in (0, 1):
 * 2 pi u = q pi/2 + theta with q = round(4u) and |theta| <= pi/4 (the reduction 4u - q is exact
 * in float64), then Taylor polynomials to theta^17 / theta^18 (truncation < 1e-19) and a quadrant
 * rotation through the tables QS = [1, 0, -1, 0], QC = [0, 1, 0, -1] (branch-free). Absolute error
 * below 1e-15 against Math.sin/Math.cos (tested); about 1.5x faster than calling them.
 */
export function sinCos2PiSource(u: string, sOut: string, cOut: string, tag = ''): string {
  return `const v${tag} = 4 * ${u}; const q${tag} = Math.floor(v${tag} + 0.5) & 3; const th${tag} = (v${tag} - Math.floor(v${tag} + 0.5)) * 1.5707963267948966; const tt${tag} = th${tag} * th${tag};
    const sn${tag} = th${tag} * (${horner(SIN_TAYLOR, `tt${tag}`)});
    const cs${tag} = ${horner(COS_TAYLOR, `tt${tag}`)};
    ${sOut} = QS[q${tag}] * sn${tag} + QC[q${tag}] * cs${tag};
    ${cOut} = QS[q${tag}] * cs${tag} - QC[q${tag}] * sn${tag};`;
}

/**
 * Coefficients 2/(2n+3), n = 0..8, of the natural logarithm on the centred mantissa range: for
 * m in [sqrt(1/2), sqrt(2)], s = (m - 1)/(m + 1) and z = s^2,
 *   ln m = 2 atanh s = 2s + s z R(z),   R(z) = sum_{n=0}^{8} 2 z^n / (2n + 3).
 * |s| <= (sqrt 2 - 1)/(sqrt 2 + 1) < 0.1716, so z < 0.02944 and the first omitted term is below
 * z^9 * 2/21 relative to 2s: < 2.4e-17 (under half an ulp).
 */
export const LOG_ATANH = Array.from({ length: 9 }, (_, n) => 2 / (2 * n + 3));
/** ln 2 rounded to 32 significant bits (2977044471 / 2^32): e * LN2_HI is exact for |e| < 2^21. */
export const LN2_HI = 2977044471 / 4294967296;
/** ln 2 - LN2_HI (from 40 decimal digits of ln 2), so e ln 2 = e LN2_HI + e LN2_LO to ~2^-85 relative. */
export const LN2_LO = 1.908214929270588e-10;
/** LOG_POW2[k + 1] = 2^-k for k = -1..31: scales w + 1/2 to its mantissa in [1, 2) without division. */
export const LOG_POW2 = Float64Array.from({ length: 33 }, (_, j) => 2 ** (1 - j));

/**
 * JavaScript source computing ln u for u = (w + 1/2) 2^-32, w a u32 held in the variable named `w`,
 * into the variable named `out` (declared by the caller), with IEEE operations only (no Math.log), so
 * that the WebAssembly kernel (src/engine/wasm/normals.ts) computes the same bits:
 *   k = floor(log2(w + 1/2)) = 31 - clz32(w)   (w = 0 gives k = -1: w + 1/2 = 2^-1),
 *   m = (w + 1/2) 2^-k in [1, 2); h = [m > sqrt 2]; m <- m 2^-h; e = k + h - 32,
 *   ln u = e LN2_HI + (2s + (e LN2_LO + s (z R(z))))   with s, z, R as in {@link LOG_ATANH}.
 * Every step before s is exact; max relative error against Math.log over the tested words (all
 * extremes, all powers of two and the sqrt 2 thresholds, and a stride through all 2^32 words) is
 * 2.3e-16 (tested in streams.test.ts). Needs the table LOG_POW2 in scope as `LP2`.
 */
export function lnOpenSource(w: string, out: string, tag: string): string {
  const t = tag;
  return `const k${t} = 31 - Math.clz32(${w}); let m${t} = (${w} + 0.5) * LP2[k${t} + 1];
    const h${t} = +(m${t} > ${Math.SQRT2}); m${t} = m${t} * (1 - 0.5 * h${t}); const e${t} = k${t} + h${t} - 32;
    const s${t} = (m${t} - 1) / (m${t} + 1); const z${t} = s${t} * s${t};
    ${out} = e${t} * ${LN2_HI} + (2 * s${t} + (e${t} * ${LN2_LO} + s${t} * (z${t} * (${horner(LOG_ATANH, `z${t}`)}))));`;
}

/**
 * JavaScript source of the Box-Muller transform of four words w0..w3 into z0..z3 (declared by the
 * caller): u = (w + 1/2) 2^-32, r = sqrt(-2 ln u_even), (z_even, z_odd) = r (cos, sin)(2 pi u_odd),
 * with ln from {@link lnOpenSource} and (cos, sin) from {@link sinCos2PiSource}. Shared by
 * {@link normals4} and the CPU engine's fused step, and reproduced operation for operation by the
 * WebAssembly kernel, so all three draw identical numbers. Needs QS, QC and LP2 (= LOG_POW2) in scope.
 */
export function boxMullerSource(): string {
  return `{ let l0 = 0, l1 = 0;
    ${lnOpenSource('w0', 'l0', 'la')}
    ${lnOpenSource('w2', 'l1', 'lb')}
    const r0 = Math.sqrt(-2 * l0);
    const r1 = Math.sqrt(-2 * l1);
    let s0 = 0, c0 = 0, s1 = 0, c1 = 0;
    ${sinCos2PiSource('((w1 + 0.5) * 2.3283064365386963e-10)', 's0', 'c0', 'a')}
    ${sinCos2PiSource('((w3 + 0.5) * 2.3283064365386963e-10)', 's1', 'c1', 'b')}
    z0 = r0 * c0; z1 = r0 * s0; z2 = r1 * c1; z3 = r1 * s1; }`;
}

/** ln u for u = (w + 1/2) 2^-32: the logarithm of {@link lnOpenSource} as a function (reference and tests). */
export const lnOpen = new Function('LP2', 'w', `let r = 0; ${lnOpenSource('w', 'r', '')} return r;`).bind(null, LOG_POW2) as (w: number) => number;

/** Quadrant tables used by {@link sinCos2PiSource}. */
export const QS = new Float64Array([1, 0, -1, 0]);
export const QC = new Float64Array([0, 1, 0, -1]);

/**
 * Box-Muller on four words: (w0, w1) -> r0 (cos a0, sin a0), (w2, w3) -> r1 (cos a1, sin a1),
 * r = sqrt(-2 ln u_even), a = 2 pi u_odd, u = (w + 1/2) 2^-32 ({@link boxMullerSource}: ln, sin and
 * cos by own polynomials, not Math.log/Math.sin/Math.cos). Writes four standard normals at
 * out[offset..offset+3]. (The GPU engine computes the same transform in f32.)
 */
export const normals4 = new Function(
  'QS',
  'QC',
  'LP2',
  'words',
  'out',
  'offset',
  `const w0 = words[0], w1 = words[1], w2 = words[2], w3 = words[3]; let z0 = 0, z1 = 0, z2 = 0, z3 = 0;
  ${boxMullerSource()}
  out[offset] = z0; out[offset + 1] = z1; out[offset + 2] = z2; out[offset + 3] = z3;`,
).bind(null, QS, QC, LOG_POW2) as (words: Uint32Array, out: Float64Array, offset: number) => void;

/**
 * A keyed stream: fills `out` with the words of consecutive blocks for one (step, lane, replica).
 * `out.length` must be a multiple of 4; block b writes out[4b..4b+3].
 */
export function fillWords(
  seed: number,
  purpose: number,
  step: number,
  lane: number,
  replica: number,
  out: Uint32Array,
  firstBlock = 0,
): void {
  const blocks = out.length >>> 2;
  for (let b = 0; b < blocks; b++) philox4x32(firstBlock + b, step, lane, replica, seed, purpose, out, 4 * b);
}

/** Standard normals for coordinates 0..out.length-1 of one (step, lane, replica) stream. */
export function fillNormals(
  seed: number,
  purpose: number,
  step: number,
  lane: number,
  replica: number,
  out: Float64Array,
): void {
  const words = new Uint32Array(4);
  const tmp = new Float64Array(4);
  const n = out.length;
  for (let b = 0; 4 * b < n; b++) {
    philox4x32(b, step, lane, replica, seed, purpose, words, 0);
    normals4(words, tmp, 0);
    for (let k = 0; k < 4 && 4 * b + k < n; k++) out[4 * b + k] = tmp[k];
  }
}
