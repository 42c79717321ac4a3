import { U32, U64 } from './common.ts';
import { separableBounds, separableKernel } from './separable.ts';
import type { GradientKernel } from './common.ts';

/** The constants of an exp-sum instance (src/problems/exp-sum.ts): f(x) = sum_i a_i exp(b_i x_i). */
export interface ExpSumData {
  readonly a: ArrayLike<number>;
  readonly b: ArrayLike<number>;
}

/**
 * WGSL gradient pass for exp-sum (P0's witness for the e^{gamma L1 ||A||} factor, src/problems/exp-sum.ts):
 *   grad f(x)_i = a_i b_i exp(b_i x_i),   f(x) = sum_i a_i exp(b_i x_i),
 * in the CPU's order ((a b) exp(b x)). Float32 overflows once b x > 88.7 (float64: 709.8).
 * Layout and bindings: {@link separableKernel} (data per quad: ab, b, a). Error bound: {@link expSumBounds}.
 */
export function expSumGradientKernel(data: ExpSumData, options: { wx?: number; wy?: number } = {}): GradientKernel {
  const d = data.a.length;
  const ab = Array.from({ length: d }, (_, i) => data.a[i] * data.b[i]);
  return separableKernel(
    'exp-sum',
    d,
    ['ab', 'b', 'a'],
    [ab, data.b, data.a],
    `    let ex = exp(pd.b * xv);
    let ge = pd.ab * ex;
    let fe = pd.a * ex;`,
    '',
    options,
  );
}

/**
 * Float32 + float64 error bounds of {@link expSumGradientKernel}, first order, u = 2^-24:
 * t = b x: |dt| <= 2u|t| (b rounded, product); exp: relative |dt| + (6 + 4|t|)u (WGSL: 3 + 2|x| ULP),
 * plus an absolute 2^-126 where the result may be flushed to zero; g = (ab) e: + 2u (ab rounded, product);
 * fe = a e: + 2u. Float64 CPU: |dt| <= 2u64|t|, Math.exp within 1 ulp, two roundings.
 */
export function expSumBounds(data: ExpSumData, x: Float64Array, R: number, wx: number): { eg: Float64Array; ef: Float64Array } {
  const d = data.a.length;
  return separableBounds(d, R, x, wx, (i, xi) => {
    const a = data.a[i];
    const b = data.b[i];
    const t = b * xi;
    const e = Math.exp(t);
    const rel32 = Math.expm1(2 * U32 * Math.abs(t)) + (6 + 4 * Math.abs(t)) * U32;
    const rel64 = Math.expm1(2 * U64 * Math.abs(t)) + 2 * U64;
    const g = a * b * e;
    const eg = Math.abs(g) * (rel32 + 2 * U32 + rel64 + 2 * U64) + Math.abs(a * b) * 2 ** -126;
    const fe = a * e;
    const efe = Math.abs(fe) * (rel32 + 2 * U32 + rel64 + U64) + Math.abs(a) * 2 ** -126;
    return { eg, fe, efe };
  });
}
