import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { chiSquareQuantile, mean, meanCi, meanCurve, medianCi, paperRange, seedBootstrap, tQuantile, variance, varianceOverIterations, weightedChiSquareMeanInterval, welchDiffCi } from './stats.ts';

// Reference quantiles from standard tables (R: qt, qchisq), 7+ significant digits.
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
  it('is 0 at the median and rejects p outside (0, 1)', () => {
    expect(tQuantile(0.5, 3)).toBe(0);
    expect(() => tQuantile(1, 3)).toThrow(UserInputError);
    expect(() => tQuantile(0.5, 0)).toThrow(/nu/);
  });
});

describe('chiSquareQuantile', () => {
  it.each([
    [0.975, 1, 5.023886187],
    [0.025, 10, 3.246972780],
    [0.975, 10, 20.48317735],
    [0.5, 2, 1.386294361],
  ])('chi2_{%s, %s} = %s', (p, nu, q) => expect(chiSquareQuantile(p, nu)).toBeCloseTo(q, 6));
});

describe('means, variances, intervals', () => {
  it('mean and variance with ddof 0 and 1', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(variance([1, 2, 3, 4], 1)).toBeCloseTo(5 / 3, 14);
    expect(variance([1, 2, 3, 4], 0)).toBeCloseTo(1.25, 14);
    expect(() => variance([1], 1)).toThrow(UserInputError);
    expect(() => mean([])).toThrow(UserInputError);
  });
  it('meanCi is mean +- t s / sqrt(n)', () => {
    const ci = meanCi([1, 2, 3, 4, 5]);
    const h = 2.776445105 * Math.sqrt(2.5 / 5); // t_{0.975,4} s/sqrt(n)
    expect(ci.mean).toBe(3);
    expect(ci.lo).toBeCloseTo(3 - h, 8);
    expect(ci.hi).toBeCloseTo(3 + h, 8);
    expect(meanCi([7])).toMatchObject({ mean: 7, lo: 7, hi: 7, sd: 0 });
  });
  it('welchDiffCi: Welch-Satterthwaite df and half-width t_{df} se', () => {
    const a = [1, 2, 3, 4];
    const b = [2, 4, 6, 8, 10];
    const w = welchDiffCi(a, b);
    const va = 5 / 3 / 4;
    const vb = 10 / 5;
    const df = (va + vb) ** 2 / (va ** 2 / 3 + vb ** 2 / 4);
    expect(w.diff).toBe(-3.5);
    expect(w.df).toBeCloseTo(df, 12);
    expect(w.df).toBeCloseTo(5.5208, 3); // (5/12 + 2)^2 / ((5/12)^2 / 3 + 4 / 4)
    expect(w.hi - w.diff).toBeCloseTo(tQuantile(0.975, df) * Math.sqrt(va + vb), 10);
    expect(() => welchDiffCi([1], b)).toThrow(UserInputError);
  });
  it('medianCi uses the binomial order statistics (n = 20: x(6), x(15)) and says when n is too small', () => {
    const xs = Array.from({ length: 20 }, (_, i) => 20 - i); // unsorted on purpose
    expect(medianCi(xs)).toEqual({ median: 10.5, lo: 6, hi: 15, exact: true });
    expect(medianCi([5, 1, 4, 2, 3, 6])).toEqual({ median: 3.5, lo: 1, hi: 6, exact: true }); // P(B<=0) = 1/64 <= 0.025
    expect(medianCi([5, 1, 4, 2, 3]).exact).toBe(false); // P(B<=0) = 1/32 > 0.025
  });
  it('varianceOverIterations is the population variance of the seed-mean curve', () => {
    const curves = [
      [4, 2, 0],
      [2, 2, 2],
    ];
    expect(meanCurve(curves)).toEqual([3, 2, 1]);
    expect(varianceOverIterations(curves)).toBeCloseTo(2 / 3, 14);
    expect(() => meanCurve([[1, 2], [1]])).toThrow(UserInputError);
  });
});

describe('weightedChiSquareMeanInterval', () => {
  it('is exact for one weight: mean of n copies of v Z^2 / 2 is v chi2_n / (2n)', () => {
    const r = weightedChiSquareMeanInterval([1], 10);
    expect(r.nu).toBe(10);
    expect(r.lo).toBeCloseTo(3.24697278 / 20, 7);
    expect(r.hi).toBeCloseTo(20.48317735 / 20, 7);
    expect(r.mean).toBe(0.5);
  });
});

describe('bootstrap over seeds', () => {
  it('is deterministic and collapses for a constant statistic', () => {
    const xs = [3, 1, 4, 1, 5, 9, 2, 6];
    const stat = (idx: ArrayLike<number>) => {
      let s = 0;
      for (let k = 0; k < idx.length; k++) s += xs[idx[k]];
      return s / idx.length;
    };
    expect(seedBootstrap(xs.length, stat, { seed: 3 })).toEqual(seedBootstrap(xs.length, stat, { seed: 3 }));
    expect(seedBootstrap(xs.length, () => 2)).toMatchObject({ lo: 2, hi: 2 });
    expect(paperRange(xs.length, () => 2, 5)).toMatchObject({ lo: 2, hi: 2 });
  });

  it('paperRange covers a paper-sized mean from the same distribution about 95% of the time', () => {
    // 300 trials: ours = 40 N(0,1) draws, paper = mean of 5 fresh draws (deterministic LCG + Box-Muller).
    // The bootstrap range approximates the law of (paper - ours) ~ N(0, 1/5 + 1/40); its coverage is
    // near 0.95. With 300 trials the binomial sd of the observed rate is sqrt(.95 .05 / 300) = 0.0126;
    // we accept [0.88, 0.99], i.e. > 5 sd below and > 3 sd above 0.95 (false alarm < 1e-3 even if the
    // true coverage were 0.93 or 0.96, the bootstrap's plausible range here).
    let state = 12345;
    const unif = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state + 0.5) / 4294967296;
    };
    const normal = () => Math.sqrt(-2 * Math.log(unif())) * Math.cos(2 * Math.PI * unif());
    let hits = 0;
    const trials = 300;
    for (let k = 0; k < trials; k++) {
      const ours = Array.from({ length: 40 }, normal);
      const paper = (normal() + normal() + normal() + normal() + normal()) / 5;
      const r = paperRange(ours.length, (idx) => {
        let s = 0;
        for (let i = 0; i < idx.length; i++) s += ours[idx[i]];
        return s / idx.length;
      }, 5, { resamples: 600, seed: k + 1 });
      if (paper >= r.lo && paper <= r.hi) hits++;
    }
    expect(hits / trials).toBeGreaterThan(0.88);
    expect(hits / trials).toBeLessThan(0.99);
  });
});
