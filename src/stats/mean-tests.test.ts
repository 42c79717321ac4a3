import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { weightedChiSquareMeanInterval, welchDiffCi } from './mean-tests.ts';
import { tQuantile } from './quantiles.ts';

describe('welchDiffCi', () => {
  it('Welch-Satterthwaite df and half-width t_{df} se, by hand', () => {
    // a = (1, 2, 3, 4): mean 2.5, s^2 = 5/3; b = (2, 4, 6, 8, 10): mean 6, s^2 = 10.
    // va = s_a^2 / 4 = 5/12, vb = s_b^2 / 5 = 2; df = (va + vb)^2 / (va^2 / 3 + vb^2 / 4) = 5.5208.
    const a = [1, 2, 3, 4];
    const b = [2, 4, 6, 8, 10];
    const w = welchDiffCi(a, b);
    const va = 5 / 3 / 4;
    const vb = 10 / 5;
    const df = (va + vb) ** 2 / (va ** 2 / 3 + vb ** 2 / 4);
    expect(w.diff).toBe(-3.5);
    expect(w.df).toBeCloseTo(df, 12);
    expect(w.df).toBeCloseTo(5.5208, 3);
    expect(w.hi - w.diff).toBeCloseTo(tQuantile(0.975, df) * Math.sqrt(va + vb), 10);
    expect(w.diff - w.lo).toBeCloseTo(w.hi - w.diff, 12);
    expect(() => welchDiffCi([1], b)).toThrow(UserInputError);
  });
  it('equal sizes and variances: df = 2(n - 1), the pooled t interval', () => {
    // n = 5 each, s^2 = 2.5 each: df = (2 v)^2 / (2 v^2 / 4) = 8, se = sqrt(2 * 2.5 / 5) = 1,
    // t_{0.975, 8} = 2.306004135 (R: qt(0.975, 8)).
    const w = welchDiffCi([3, 4, 5, 6, 7], [1, 2, 3, 4, 5]);
    expect(w.diff).toBe(2);
    expect(w.df).toBeCloseTo(8, 12);
    expect(w.hi).toBeCloseTo(2 + 2.306004135, 8);
    expect(w.lo).toBeCloseTo(2 - 2.306004135, 8);
  });
  it('no spread: a point interval with infinite df', () => {
    expect(welchDiffCi([1, 1], [3, 3])).toEqual({ diff: -2, lo: -2, hi: -2, df: Infinity });
  });
});

describe('weightedChiSquareMeanInterval', () => {
  it('is exact for one weight: mean of n copies of v Z^2 / 2 is v chi2_n / (2n)', () => {
    // chi2_{0.025, 10} = 3.24697278, chi2_{0.975, 10} = 20.48317735 (R: qchisq).
    const r = weightedChiSquareMeanInterval([1], 10);
    expect(r.nu).toBe(10);
    expect(r.lo).toBeCloseTo(3.24697278 / 20, 7);
    expect(r.hi).toBeCloseTo(20.48317735 / 20, 7);
    expect(r.mean).toBe(0.5);
  });
  it('equal weights v: c = v and nu = n k (exact: sum of k chi2_n is chi2_{nk})', () => {
    // k = 2 weights of 3, n = 5: c = 18 / 6 = 3, nu = 5 * 36 / 18 = 10, mean E Q = 3.
    const r = weightedChiSquareMeanInterval([3, 3], 5);
    expect(r.nu).toBe(10);
    expect(r.mean).toBe(3);
    expect(r.lo).toBeCloseTo((3 * 3.24697278) / 10, 7);
    expect(r.hi).toBeCloseTo((3 * 20.48317735) / 10, 7);
    expect(() => weightedChiSquareMeanInterval([1], 0)).toThrow(UserInputError);
  });
});
