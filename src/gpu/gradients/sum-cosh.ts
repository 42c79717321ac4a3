import { U32, U64 } from './common.ts';
import { diffError, EXPM1_V4_WGSL, expm1Rel, separableBounds, separableKernel } from './separable.ts';
import type { GradientKernel } from './common.ts';

/** The constants of a sum-cosh instance (src/problems/sum-cosh.ts): f(x) = sum_i a_i cosh(b_i (x_i - c_i)). */
export interface SumCoshData {
  readonly a: ArrayLike<number>;
  readonly b: ArrayLike<number>;
  readonly center: ArrayLike<number>;
}

/**
 * WGSL gradient pass for sum-cosh (P0's (L0, L1)-smooth example, src/problems/sum-cosh.ts):
 *   grad f(x)_i = a_i b_i sinh(b_i (x_i - c_i)),   f(x) = sum_i a_i cosh(b_i (x_i - c_i)).
 * WGSL's sinh/cosh are specified only as their exp formulas (absolute error, useless near 0), so with
 * t = b (x - c) and E = expm1(|t|) (gr_expm1, relative accuracy at every |t|):
 *   sinh t = sign(t) (E + E / (E + 1)) / 2,   cosh t = ((1 + E) + 1 / (1 + E)) / 2,
 * sums of nonnegative terms (no cancellation). Float32 overflows (g = inf) once |t| > 88.7 where the
 * float64 CPU problem is still finite (|t| < 710): the engine's divergence check sees the inf.
 * Layout and bindings: {@link separableKernel} (data per quad: ab = a b, b, c, a).
 * Error bound: {@link sumCoshBounds}.
 */
export function sumCoshGradientKernel(data: SumCoshData, options: { wx?: number; wy?: number } = {}): GradientKernel {
  const d = data.a.length;
  const ab = Array.from({ length: d }, (_, i) => data.a[i] * data.b[i]);
  return separableKernel(
    'sum-cosh',
    d,
    ['ab', 'b', 'c', 'a'],
    [ab, data.b, data.center, data.a],
    `    let t = pd.b * (xv - pd.c);
    let e = gr_expm1(abs(t));
    let sh = (e + e / (e + 1.0)) * 0.5;
    let ge = pd.ab * select(sh, -sh, t < zero);
    let fe = pd.a * (((1.0 + e) + 1.0 / (1.0 + e)) * 0.5);`,
    EXPM1_V4_WGSL,
    options,
  );
}

/**
 * Float32 + float64 error bounds of {@link sumCoshGradientKernel} at R x d iterates x (float32 values).
 * Per coordinate, first order, u = 2^-24:
 *   r = x - c: |dr| <= u|c| + u|r| (c rounded, subtraction); t = b r: |dt| <= |b| |dr| + 2u|t|;
 *   E = expm1|t|: relative expm1Rel(|t|); sinh: relative rel(E) + 7u (E/(E+1): rel(E) + 6u, the sum: + u),
 *   plus cosh(t) |dt| from t; g = (ab) sinh: + 2u|g|.  cosh: relative rel(E) + 7u, plus |sinh t| |dt|;
 *   fe = a cosh: + 2u.
 * Float64 CPU: t has relative error 2u64, sinh/cosh within 2 ulp (4u64), two products: added.
 */
export function sumCoshBounds(data: SumCoshData, x: Float64Array, R: number, wx: number): { eg: Float64Array; ef: Float64Array } {
  const d = data.a.length;
  return separableBounds(d, R, x, wx, (i, xi) => {
    const a = data.a[i];
    const b = data.b[i];
    const c = data.center[i];
    const r = xi - c;
    const t = b * r;
    const at = Math.abs(t);
    const dt = Math.abs(b) * diffError(r, c) + 2 * U32 * at;
    const sh = Math.sinh(at);
    const chv = Math.cosh(t);
    const relE = expm1Rel(at);
    const g = a * b * Math.sinh(t);
    const e32g = Math.abs(a * b) * (sh * (relE + 7 * U32) + chv * dt) + 2 * U32 * Math.abs(g);
    const e64g = Math.abs(a * b) * (chv * 2 * U64 * at + 4 * U64 * sh) + 3 * U64 * Math.abs(g);
    const fe = a * chv;
    const e32f = Math.abs(a) * (chv * (relE + 7 * U32) + sh * dt) + 2 * U32 * Math.abs(fe);
    const e64f = Math.abs(a) * (sh * 2 * U64 * at + 4 * U64 * chv) + U64 * Math.abs(fe);
    return { eg: e32g + e64g, fe, efe: e32f + e64f };
  });
}
