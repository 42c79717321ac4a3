/**
 * Float64 helpers shared by every layer: the rounding constants of floating-point error analysis
 * (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., ch. 2-3), sign with
 * sign(0) = 0, norms, inner products and distances. Nothing here imports another module, so any
 * layer (problems, engines, GPU bounds, lemmas, theorems) may use it.
 */

/** Unit roundoff of float64 with rounding to nearest: u = 2^-53 (Higham, Thm 2.2). */
export const UNIT_ROUNDOFF = 2 ** -53;

/**
 * gamma_n = n u / (1 - n u) (Higham, Lemma 3.1): a quantity computed with n roundings, each with
 * relative error <= u, has relative error <= gamma_n; a recursive sum of n terms a_i has absolute
 * error <= gamma_{n-1} sum_i |a_i| (Higham, eq. (4.4)). `u` defaults to the float64 unit roundoff;
 * the float32 bounds pass their own. Defined for n u < 1 only: throws otherwise.
 */
export function gamma(n: number, u: number = UNIT_ROUNDOFF): number {
  const nu = n * u;
  if (nu >= 1) throw new Error(`gamma(${n}) with u = ${u}: n u >= 1, gamma_n is undefined`);
  return nu / (1 - nu);
}

/**
 * Absolute error of one rounding in the subnormal range: fl(a op b) = (a op b)(1 + delta) + eta with
 * |eta| <= 2^-1075 (Higham, Thm 2.2); n roundings contribute at most n ETA (ETA = 2^-1074, doubled
 * for simplicity).
 */
export const ETA = 2 ** -1074;

/** sign(t) in {-1, 0, 1} with sign(0) = 0 (also for -0; THEORY.md notation). */
export function sgn(t: number): number {
  return t > 0 ? 1 : t < 0 ? -1 : 0;
}

/** ||a||_1 = sum_i |a_i|, summed in index order. */
export function norm1(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
  return s;
}

/**
 * ||a||_2 = sqrt(sum_i a_i^2), summed in index order; rescaled by max |a_i| when the plain sum of
 * squares would underflow into the subnormal range or overflow (then sqrt(sum a_i^2) would lose
 * its relative accuracy).
 */
export function norm2(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  if (s > 1e-290 && s < 1e290) return Math.sqrt(s);
  const m = normInf(a);
  if (m === 0 || !Number.isFinite(m)) return m;
  let t = 0;
  for (let i = 0; i < a.length; i++) {
    const q = a[i] / m;
    t += q * q;
  }
  return m * Math.sqrt(t);
}

/** ||a||_inf = max_i |a_i| (0 for an empty vector). */
export function normInf(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i]));
  return s;
}

/** <a, b> = sum_i a_i b_i, summed in index order. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** ||a - b||_1. */
export function dist1(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s;
}

/** ||a - b||_2 (plain sum of squares, no rescaling). */
export function dist2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const t = a[i] - b[i];
    s += t * t;
  }
  return Math.sqrt(s);
}

/** sum_i |a_i| |b_i|. */
export function absDot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] * b[i]);
  return s;
}
