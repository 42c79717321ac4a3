import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { chiSquareQuantile, percentileInterval, tQuantile } from './quantiles.ts';

// Reference quantiles from standard tables (R: qt, qchisq), 7+ significant digits; the closed forms
// are checked where they exist.
describe('tQuantile', () => {
  it.each([
    [0.975, 1, 12.70620474],
    [0.975, 10, 2.228138852],
    [0.995, 19, 2.860934606],
    [0.95, 4, 2.131846786],
    [0.975, 1000, 1.962339081],
  ])('t_{%s, %s} = %s', (p, nu, q) => {
    expect(tQuantile(p, nu)).toBeCloseTo(q, 7);
    expect(tQuantile(1 - p, nu)).toBeCloseTo(-q, 7);
  });
  it('closed forms: Cauchy (nu = 1) tan(pi (p - 1/2)), nu = 2 (2p - 1) sqrt(2 / (4p(1-p)))', () => {
    for (const p of [0.6, 0.9, 0.99]) {
      expect(tQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 9);
      expect(tQuantile(p, 2)).toBeCloseTo((2 * p - 1) * Math.sqrt(2 / (4 * p * (1 - p))), 9);
    }
  });
  it('is 0 at the median and rejects p outside (0, 1)', () => {
    expect(tQuantile(0.5, 3)).toBe(0);
    expect(() => tQuantile(1, 3)).toThrow(UserInputError);
    expect(() => tQuantile(0.5, 0)).toThrow(/nu/);
  });
});

describe('chiSquareQuantile', () => {
  it.each([
    [0.975, 1, 5.023886187],
    [0.025, 10, 3.24697278],
    [0.975, 10, 20.48317735],
    [0.5, 2, 1.386294361],
  ])('chi2_{%s, %s} = %s', (p, nu, q) => expect(chiSquareQuantile(p, nu)).toBeCloseTo(q, 6));
  it('closed form for nu = 2 (exponential with mean 2): -2 ln(1 - p)', () => {
    for (const p of [0.1, 0.5, 0.95]) expect(chiSquareQuantile(p, 2)).toBeCloseTo(-2 * Math.log(1 - p), 9);
    expect(() => chiSquareQuantile(0, 2)).toThrow(UserInputError);
    expect(() => chiSquareQuantile(0.5, -1)).toThrow(/nu/);
  });
});

describe('percentileInterval', () => {
  it('type-7 sample quantiles (Hyndman & Fan 1996): h = (n - 1) p, linear between order statistics', () => {
    // 0..100: h = 100 p, so the 2.5% and 97.5% quantiles are 2.5 and 97.5.
    const sorted = Float64Array.from({ length: 101 }, (_, i) => i);
    const [lo, hi] = percentileInterval(sorted, 0.95);
    expect(lo).toBeCloseTo(2.5, 12);
    expect(hi).toBeCloseTo(97.5, 12);
    // (10, 20, 30, 40, 50) at level 0.5: h = 4 * 0.25 = 1 and 4 * 0.75 = 3, exactly x(1) and x(3).
    expect(percentileInterval([10, 20, 30, 40, 50], 0.5)).toEqual([20, 40]);
    // (0, 10) at level 0.8: h = 0.1 and 0.9, so 1 and 9 (numpy's default gives the same).
    const [a, b] = percentileInterval([0, 10], 0.8);
    expect(a).toBeCloseTo(1, 14);
    expect(b).toBeCloseTo(9, 14);
    expect(() => percentileInterval(sorted, 1)).toThrow(UserInputError);
    expect(() => percentileInterval([], 0.9)).toThrow(UserInputError);
  });
});
