import { describe, expect, it } from 'vitest';
import { aggregateMetric, log2Axis, patternSearch, scanThenSearch, tunePath, type TuneAxis } from './hyperparameter-tuning.ts';

const axis = (name: string, lo: number, hi: number, domainEnds: ('lo' | 'hi')[] = []): TuneAxis => ({ name, lo, hi, value: (i) => i, domainEnds });

describe('patternSearch', () => {
  it('finds the minimum of a bowl from a far start, interior: no edge flag', () => {
    const f = ([i, j]: readonly number[]) => (i - 3) ** 2 + 2 * (j + 5) ** 2 + 0.5 * (i - 3) * (j + 5);
    const r = patternSearch([axis('a', -10, 10), axis('b', -10, 10)], [-9, 9], f);
    expect(r.best).toEqual([3, -5]);
    expect(r.score).toBe(0);
    expect(r.edge).toEqual([]);
    expect(r.atDomainEnd).toEqual([]);
  });

  it('flags an optimum outside the grid as an edge, and a domain end separately', () => {
    const f = ([i, j]: readonly number[]) => (i - 20) ** 2 + (j + 20) ** 2;
    const r = patternSearch([axis('a', -10, 10), axis('b', -10, 10, ['lo'])], [0, 0], f);
    expect(r.best).toEqual([10, -10]);
    expect(r.edge).toEqual(['a']);
    expect(r.atDomainEnd).toEqual(['b']);
  });

  it('stops in a local minimum from a bad start; the coarse scan finds the other basin', () => {
    // two basins: shallow one at 8 (value 1), deep one at -6 (value 0), separated by a ridge
    const f = ([i]: readonly number[]) => Math.min(1 + (i - 8) ** 2, (i + 6) ** 2);
    const local = patternSearch([axis('a', -10, 10)], [9], f);
    expect(local.best).toEqual([8]);
    const scanned = scanThenSearch([axis('a', -10, 10)], 4, f);
    expect(scanned.best).toEqual([-6]);
    expect(scanned.score).toBe(0);
  });

  it('treats NaN scores as +Infinity (never chosen)', () => {
    const r = patternSearch([axis('a', 0, 4)], [2], ([i]) => (i === 1 ? Number.NaN : Math.abs(i - 1)));
    expect(r.best).not.toEqual([1]);
  });
});

describe('tunePath', () => {
  it('follows a minimum that moves with the budget and reports the tuned values', () => {
    const budgets = [1, 2, 3, 4];
    const path = tunePath(budgets, () => [log2Axis('lr', -30, 0)], (b, v) => (Math.log2(v.lr) + 4 * b) ** 2, 4);
    expect(path.map((p) => p.values.lr)).toEqual([2 ** -4, 2 ** -8, 2 ** -12, 2 ** -16]);
    expect(path.every((p) => p.edge.length === 0)).toBe(true);
  });
});

describe('aggregateMetric', () => {
  it('is +Infinity when a replica diverges, finite otherwise; mean and median of one run', () => {
    const base = {
      algorithm: 'sgd',
      problem: { family: 'separable-quadratic', params: { d: 2 } },
      noise: { model: 'gaussian', sigma: 0.1 },
      T: 2000,
      workers: 1,
      replicas: 3,
      seed: 1,
    };
    expect(aggregateMetric({ ...base, hyper: { lr: 1e6 } }, 'grad_l1_final')).toBe(Infinity);
    const mean = aggregateMetric({ ...base, hyper: { lr: 0.1 } }, 'grad_l1_avg', 'mean');
    const median = aggregateMetric({ ...base, hyper: { lr: 0.1 } }, 'grad_l1_avg', 'median');
    expect(Number.isFinite(mean) && Number.isFinite(median)).toBe(true);
    expect(mean).toBeGreaterThan(0);
  });
});
