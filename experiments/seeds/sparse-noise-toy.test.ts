import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiments/runner.ts';
import { mean, weightedChiSquareMeanInterval } from '../../src/stats/index.ts';
import { sgdFinalVariances, sparseNoiseToy } from './sparse-noise-toy.ts';

describe('sparse-noise-toy (tiny)', () => {
  it("SGD's final losses follow the exact law of the toy (engine + noise + bookkeeping)", async () => {
    const exp = sparseNoiseToy;
    const res = await runExperiment(exp, { profile: 'tiny', processes: 1 });
    const sgd = res.jobs.filter((j) => j.method === 'sgd').map((j) => j.values.finalLoss as number);
    // x_T is exactly Gaussian: the mean of n final losses lies in this interval with probability
    // 0.999 (Satterthwaite, nearly exact here), so a false alarm has probability about 1e-3.
    const acc = weightedChiSquareMeanInterval(sgdFinalVariances(), sgd.length, 0.999);
    expect(mean(sgd)).toBeGreaterThan(acc.lo);
    expect(mean(sgd)).toBeLessThan(acc.hi);
    const a = exp.analyze(res);
    const sgdRow = a.tables[0].rows.find((r) => r.label === 'SGD')!;
    expect(sgdRow.ours).toBeCloseTo(mean(sgd), 12);
    expect(a.figures.map((f) => f.id)).toEqual(['sparse-noise-toy-curves', 'sparse-noise-toy-dots']);
    expect(a.claims.length).toBe(2);
  });
});
