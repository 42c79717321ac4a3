import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { shardRows, shardedLogisticFamily } from './sharded-logistic.ts';

describe('sharded-logistic', () => {
  it('skew 0 splits at random, skew 1 sorts by label; shards are disjoint and equal-sized', () => {
    // 10 rows, 4 positive: with skew 1 the sorted order puts the 4 positives first
    const y = Float64Array.from([1, -1, -1, 1, -1, -1, 1, -1, 1, -1]);
    const sorted = shardRows(y, 2, 1, 3);
    expect(sorted.size).toBe(5);
    expect(Array.from(sorted.shards[0]).filter((i) => y[i] > 0).length).toBe(4);
    expect(Array.from(sorted.shards[1]).every((i) => y[i] < 0)).toBe(true);
    for (const skew of [0, 0.5, 1]) {
      const { shards } = shardRows(y, 3, skew, 7);
      const all = shards.flatMap((s) => Array.from(s));
      expect(new Set(all).size).toBe(9); // 3 x 3 rows, one row dropped
      expect(shards.every((s) => s.length === 3)).toBe(true);
    }
  });

  it('f is the mean of the workers\' f_j and grad f the mean of their gradients (mushrooms, n = 4, skew 0.8)', () => {
    const p = shardedLogisticFamily.create({ workers: 4, skew: 0.8, lambda: 0.01, shardSeed: 1 });
    expect(p.workers).toBe(4);
    expect(p.d).toBe(112);
    const w = Float64Array.from({ length: p.d }, (_, k) => Math.sin(k) * 0.3);
    let fMean = 0;
    const gMean = new Float64Array(p.d);
    const gj = new Float64Array(p.d);
    for (let j = 0; j < 4; j++) {
      fMean += p.fWorker(w, j) / 4;
      p.gradWorker(w, j, gj);
      for (let k = 0; k < p.d; k++) gMean[k] += gj[k] / 4;
    }
    const g = new Float64Array(p.d);
    p.grad(w, g);
    // both sides sum the same rows in a different order: relative agreement to ~1e-13
    expect(Math.abs(p.f(w) - fMean)).toBeLessThan(1e-12);
    for (let k = 0; k < p.d; k++) expect(Math.abs(g[k] - gMean[k])).toBeLessThan(1e-12);
    // label skew: the shards' positive fractions spread out (the data set has about 48% positives)
    const fr = Array.from(p.shardPositive);
    expect(Math.max(...fr) - Math.min(...fr)).toBeGreaterThan(0.5);
    const iid = shardedLogisticFamily.create({ workers: 4, skew: 0, lambda: 0.01 });
    const fr0 = Array.from(iid.shardPositive);
    expect(Math.max(...fr0) - Math.min(...fr0)).toBeLessThan(0.1);
  });

  it('rejects bad parameters with the parameter and the rule', () => {
    expect(() => shardedLogisticFamily.create({ skew: 1.5 })).toThrow(/sharded-logistic\.skew: must lie in \[0, 1\]/);
    expect(() => shardedLogisticFamily.create({ workers: 0 })).toThrow(UserInputError);
    expect(() => shardedLogisticFamily.create({ nope: 1 } as never)).toThrow(UserInputError);
  });
});
