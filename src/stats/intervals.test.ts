import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { empiricalBernsteinLower, meanCi, medianCi, wilsonInterval } from './intervals.ts';

describe('meanCi', () => {
  it('is mean +- t s / sqrt(n)', () => {
    // (1..5): mean 3, s^2 = 10/4 = 2.5; t_{0.975, 4} = 2.776445105 (R: qt(0.975, 4)).
    const ci = meanCi([1, 2, 3, 4, 5]);
    const h = 2.776445105 * Math.sqrt(2.5 / 5);
    expect(ci.mean).toBe(3);
    expect(ci.sd).toBeCloseTo(Math.sqrt(2.5), 14);
    expect(ci.lo).toBeCloseTo(3 - h, 8);
    expect(ci.hi).toBeCloseTo(3 + h, 8);
    expect(ci).toMatchObject({ n: 5, level: 0.95 });
    expect(meanCi([7])).toMatchObject({ mean: 7, lo: 7, hi: 7, sd: 0 });
    expect(() => meanCi([1, 2], 0)).toThrow(UserInputError);
  });
});

describe('medianCi', () => {
  it('uses the binomial order statistics (n = 20: x(6), x(15)) and says when n is too small', () => {
    // Binomial(20, 1/2): P(B <= 5) = (1 + 20 + 190 + 1140 + 4845 + 15504) / 2^20 = 0.0207 <= 0.025
    // and P(B <= 6) = 0.0577 > 0.025, so k = 6: [x(6), x(15)] = [6, 15] for the values 1..20.
    const xs = Array.from({ length: 20 }, (_, i) => 20 - i); // unsorted on purpose
    expect(medianCi(xs)).toEqual({ median: 10.5, lo: 6, hi: 15, exact: true });
    expect(medianCi([5, 1, 4, 2, 3, 6])).toEqual({ median: 3.5, lo: 1, hi: 6, exact: true }); // P(B<=0) = 1/64 <= 0.025
    expect(medianCi([5, 1, 4, 2, 3])).toEqual({ median: 3, lo: 1, hi: 5, exact: false }); // P(B<=0) = 1/32 > 0.025
    expect(() => medianCi([])).toThrow(UserInputError);
  });
});

describe('wilsonInterval', () => {
  it.each([
    // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Stat. Med. 17,
    // Table I, method 3 (Wilson score, no continuity correction), 4 decimals.
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%s of %s: [%s, %s]', (x, n, lo, hi) => {
    const w = wilsonInterval(x, n);
    expect(w.lo).toBeCloseTo(lo, 4);
    expect(w.hi).toBeCloseTo(hi, 4);
    expect(w.p).toBe(x / n);
    expect(w.centre - w.half).toBe(w.lo);
  });
  it('closed form at x = 0: upper limit z^2 / (n + z^2); no data gives NaN', () => {
    expect(wilsonInterval(0, 20).hi).toBeCloseTo(1.96 ** 2 / (20 + 1.96 ** 2), 14);
    expect(wilsonInterval(0, 0).p).toBeNaN();
  });
});

describe('empiricalBernsteinLower', () => {
  it('matches the formula on a known sample', () => {
    const r = empiricalBernsteinLower([0, 1, 2, 3], 4, 0.1);
    // mean 1.5, unbiased variance 5/3, ln(20)
    const l = Math.log(20);
    expect(r.mean).toBe(1.5);
    expect(r.variance).toBeCloseTo(5 / 3, 15);
    expect(r.gap).toBeCloseTo(Math.sqrt((2 * (5 / 3) * l) / 4) + (7 * 4 * l) / 9, 14);
    expect(r.lower).toBeCloseTo(1.5 - r.gap, 14);
  });

  it('clips samples at b (the limit then bounds E min(Y, b) <= E Y)', () => {
    const r = empiricalBernsteinLower([10, 10, 10], 1, 0.5);
    expect(r.mean).toBe(1);
    expect(r.variance).toBe(0);
    expect(r.lower).toBeCloseTo(1 - (7 * Math.log(4)) / 6, 15);
  });

  it('rejects bad input', () => {
    expect(() => empiricalBernsteinLower([1], 1, 0.1)).toThrow(/at least 2/);
    expect(() => empiricalBernsteinLower([1, 2], 0, 0.1)).toThrow(/b > 0/);
    expect(() => empiricalBernsteinLower([1, -2], 1, 0.1)).toThrow(/>= 0/);
    expect(() => empiricalBernsteinLower([1, 2], 1, 1)).toThrow(/delta/);
  });

  it('covers the mean at least at the nominal rate (Bernoulli(0.3), n = 40, delta = 0.1)', () => {
    // 4000 repetitions from a fixed-seed LCG; the bound is conservative (true miss rate far below
    // delta), so asserting miss rate <= delta = 0.1 fails only if the limit is wrong: with a true
    // miss rate of 0.1 the count would exceed 400 about half the time, and we see far fewer.
    let state = 12345;
    const next = (): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 4294967296;
    };
    let misses = 0;
    const reps = 4000;
    for (let r = 0; r < reps; r++) {
      const s = Array.from({ length: 40 }, () => (next() < 0.3 ? 1 : 0));
      if (empiricalBernsteinLower(s, 1, 0.1).lower > 0.3) misses++;
    }
    expect(misses / reps).toBeLessThanOrEqual(0.1);
  });
});
