import { U32, U64 } from './common.ts';
import { diffError, separableBounds, separableKernel } from './separable.ts';
import type { GradientKernel } from './common.ts';

/** The constants of a quartic-sum instance (src/problems/quartic-sum.ts): f(x) = 1/4 sum_i a_i (x_i - c_i)^4. */
export interface QuarticSumData {
  readonly a: ArrayLike<number>;
  readonly center: ArrayLike<number>;
}

/**
 * WGSL gradient pass for quartic-sum (src/problems/quartic-sum.ts):
 *   grad f(x)_i = a_i r_i^3 (r = x - c, evaluated ((a r) r) r as the CPU does),   f(x) = 1/4 sum_i a_i r_i^4
 * (term 0.25 a r^2 r^2). Layout and bindings: {@link separableKernel} (data per quad: a, c).
 * Error bound: {@link quarticSumBounds}.
 */
export function quarticSumGradientKernel(data: QuarticSumData, options: { wx?: number; wy?: number } = {}): GradientKernel {
  const d = data.a.length;
  return separableKernel(
    'quartic-sum',
    d,
    ['a', 'c'],
    [data.a, data.center],
    `    let rr = xv - pd.c;
    let ge = ((pd.a * rr) * rr) * rr;
    let r2 = rr * rr;
    let fe = 0.25 * ((pd.a * r2) * r2);`,
    '',
    options,
  );
}

/**
 * Float32 + float64 error bounds of {@link quarticSumGradientKernel}, first order, u = 2^-24:
 * |dr| <= u|c| + u|r|; g = a r^3: |dg| <= 3|a| r^2 |dr| + 4u|g| (a rounded, three products);
 * fe = a r^4 / 4: 4|a| |r|^3 |dr| / 4 + 4u|fe| (0.25 exact). Float64 CPU: the same with u64 (|dr| = u64|r|).
 */
export function quarticSumBounds(data: QuarticSumData, x: Float64Array, R: number, wx: number): { eg: Float64Array; ef: Float64Array } {
  const d = data.a.length;
  return separableBounds(d, R, x, wx, (i, xi) => {
    const a = data.a[i];
    const c = data.center[i];
    const r = xi - c;
    const ar = Math.abs(r);
    const dr = diffError(r, c);
    const g = a * r * r * r;
    const eg = 3 * Math.abs(a) * ar * ar * dr + 4 * U32 * Math.abs(g) + 4 * U64 * Math.abs(g);
    const fe = 0.25 * a * r * r * r * r;
    const efe = Math.abs(a) * ar ** 3 * dr + 4 * U32 * Math.abs(fe) + 4 * U64 * Math.abs(fe);
    return { eg, fe, efe };
  });
}
