/**
 * Finite-difference gradient checks for the problem tests. Their tolerances are written with
 * gamma_n of src/core/numerics.ts (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd
 * ed., Lemma 3.1 and eq. (4.4)): a sum of n terms, each computed with at most k roundings, is
 * accurate to gamma_{n+k} sum_i |t_i|.
 */
import { UNIT_ROUNDOFF } from '../core/numerics.ts';

/**
 * Central difference (f(x + h e_i) - f(x - h e_i)) / (x_i^+ - x_i^-) with the steps actually
 * representable (x_i^+ = fl(x_i + h), x_i^- = fl(x_i - h)), so no error comes from the step itself.
 * Returns the quotient and the half-width hUsed = (x_i^+ - x_i^-)/2.
 */
export function centralDifference(f: (x: Float64Array) => number, x: Float64Array, i: number, h: number): { value: number; hUsed: number } {
  const xp = x.slice();
  const xm = x.slice();
  xp[i] = x[i] + h;
  xm[i] = x[i] - h;
  const width = xp[i] - xm[i];
  return { value: (f(xp) - f(xm)) / width, hUsed: width / 2 };
}

/**
 * Tolerance of a central difference against the exact partial derivative:
 *   truncation h^2 M3 / 6 (Taylor with the third derivative bounded by M3 on [x - h, x + h])
 * + evaluation  2 fErr / (2h)   (each f value off by at most fErr)
 * + the division's own rounding (u |value|).
 */
export function centralDifferenceTolerance(h: number, M3: number, fErr: number, value: number): number {
  return (h * h * M3) / 6 + fErr / h + UNIT_ROUNDOFF * Math.abs(value);
}

/** One coordinate of a finite-difference gradient check. */
export interface FdCheck {
  readonly i: number;
  readonly fd: number;
  readonly grad: number;
  readonly tolerance: number;
  readonly ok: boolean;
}

/**
 * Compares grad f(x) with central differences in every coordinate. The tolerance for coordinate i is
 * {@link centralDifferenceTolerance}(h, M3(i), fErr, fd) + gErr(i), where fErr bounds the evaluation
 * error of f at x +- h e_i (given by `fErr(point)`, maximised over the two points) and gErr(i) the
 * rounding error of the computed gradient coordinate.
 */
export function checkGradientFd(
  f: (x: Float64Array) => number,
  grad: (x: Float64Array, out: Float64Array) => void,
  x: Float64Array,
  h: number,
  bounds: { M3: (i: number) => number; fErr: (point: Float64Array) => number; gErr: (i: number) => number },
): FdCheck[] {
  const g = new Float64Array(x.length);
  grad(x, g);
  const out: FdCheck[] = [];
  for (let i = 0; i < x.length; i++) {
    const { value, hUsed } = centralDifference(f, x, i, h);
    const xp = x.slice();
    const xm = x.slice();
    xp[i] = x[i] + h;
    xm[i] = x[i] - h;
    const fErr = Math.max(bounds.fErr(xp), bounds.fErr(xm));
    const tolerance = centralDifferenceTolerance(hUsed, bounds.M3(i), fErr, value) + bounds.gErr(i);
    out.push({ i, fd: value, grad: g[i], tolerance, ok: Math.abs(value - g[i]) <= tolerance });
  }
  return out;
}
