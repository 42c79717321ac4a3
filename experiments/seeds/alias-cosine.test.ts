import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiments/runner.ts';
import { aliasCosine, pearson, scheduleShape } from './alias-cosine.ts';

describe('alias-cosine', () => {
  it('shape statistics: a cosine correlates 1 with the cosine reference, a t^{-1/2} decay with the other', () => {
    const T = 400;
    const cos = Float64Array.from({ length: T }, (_, t) => 0.3 * 0.5 * (1 + Math.cos((Math.PI * t) / T)));
    const a = scheduleShape(cos);
    expect(a.corrCos).toBeCloseTo(1, 12);
    expect(a.relGapCos).toBeCloseTo(0, 12);
    expect(a.corrInvSqrt).toBeLessThan(0.99);
    const inv = Float64Array.from({ length: T }, (_, t) => 0.2 / Math.sqrt(t + 1));
    const b = scheduleShape(inv);
    expect(b.corrInvSqrt).toBeCloseTo(1, 12);
    expect(b.relGapInvSqrt).toBeCloseTo(0, 12);
    expect(b.corrCos).toBeLessThan(0.9);
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 14);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 14);
  });

  it('tiny profile: gamma_t recorded for every step, curves normalised by the peak, a row per instance and option', async () => {
    const res = await runExperiment(aliasCosine, { profile: 'tiny', processes: 1 });
    for (const j of res.jobs) {
      expect(j.divergedAt).toBeNull();
      expect(Math.max(...(j.curves.gammaOverPeak as number[]))).toBeLessThanOrEqual(1);
      expect(j.values.peak as number).toBeGreaterThan(0);
      expect(j.values.corrCos as number).toBeGreaterThan(-1);
    }
    const a = aliasCosine.analyze(res);
    expect(a.tables[0].rows.length).toBe(2 * 2);
    expect(a.claims.length).toBe(2);
  });
});
