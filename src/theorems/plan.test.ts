import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { theorems } from '../testing/pool-theorems.ts';
import { BUILTIN_COST_MODEL, calibrationCells, estimateReplicaMs, fitCostModel, parseCostModel, type CostFeatures, type MeasuredCell } from './cost.ts';
import { assignLongestFirst, planSweeps, shardCells } from './plan.ts';
import { makeRow } from './results/index.ts';

/** The optimal makespan of jobs on m machines, by trying every assignment (small inputs only). */
function optimum(costs: number[], m: number): number {
  let best = Infinity;
  const load = new Array<number>(m).fill(0);
  const go = (i: number) => {
    if (i === costs.length) return void (best = Math.min(best, Math.max(...load)));
    for (let s = 0; s < m; s++) {
      load[s] += costs[i];
      if (Math.max(...load) < best) go(i + 1);
      load[s] -= costs[i];
    }
  };
  go(0);
  return best;
}

describe('longest-first shard assignment', () => {
  it('is deterministic, puts every job on one shard, and its largest load is within 4/3 of the optimum (Graham)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 3 }), (costs, m) => {
        const a = assignLongestFirst(costs, m);
        expect(assignLongestFirst(costs, m)).toEqual(a);
        expect(a.every((s) => Number.isInteger(s) && s >= 0 && s < m)).toBe(true);
        const load = new Array<number>(m).fill(0);
        costs.forEach((c, i) => (load[a[i]] += c));
        expect(Math.max(...load)).toBeLessThanOrEqual((4 / 3) * optimum(costs, m) + 1e-9);
      }),
      { seed: 20, numRuns: 200 },
    );
  });

  it('takes the largest job first and breaks ties by position and lowest shard', () => {
    expect(assignLongestFirst([1, 5, 5, 2], 2)).toEqual([1, 0, 1, 0]);
    expect(() => assignLongestFirst([1], 0)).toThrow(/--shards/);
  });

  it('a plan splits a theorem\'s cells over shards, each cell once', async () => {
    const th = theorems.get('fixture-pool');
    const plan = await planSweeps([th], (t) => t.cells('quick'), 3);
    const parts = [0, 1, 2].map((i) => shardCells(plan, i).get(th.id) ?? new Set<number>());
    const all = parts.flatMap((p) => [...p]).sort((a, b) => a - b);
    expect(all).toEqual(th.cells('quick').map((_, i) => i));
    expect(plan.loadMs.reduce((a, b) => a + b, 0)).toBeCloseTo(plan.cells.reduce((a, c) => a + c.estimatedMs, 0), 9);
    // the large cell (T = 4096, 9 replicas) is alone on its shard's first place
    const large = plan.cells.find((c) => c.T === 4096)!;
    expect(large.estimatedMs).toBe(Math.max(...plan.cells.map((c) => c.estimatedMs)));
  });
});

describe('the cost model', () => {
  const truth = { b0: -2, T: 0.9, d: 0.3, n: 1.1, batch: 0.7, problem: { p: 0.4, q: -0.4 }, algorithm: { a: 0.5, b: -0.5 } } as const;
  const cells: MeasuredCell[] = [];
  for (const problem of ['p', 'q'] as const)
    for (const algorithm of ['a', 'b'] as const)
      for (const T of [64, 1024])
        for (const d of [2, 32])
          for (const n of [1, 4])
            for (const batch of [1, 8]) {
              const features: CostFeatures = { problem, algorithm, T, d, n, replicas: 4, batch };
              const log = truth.b0 + truth.problem[problem] + truth.algorithm[algorithm] + truth.T * Math.log(T) + truth.d * Math.log(d) + truth.n * Math.log(n) + truth.batch * Math.log(batch);
              cells.push({ theorem: 'x', cell: `${problem}${algorithm}${T}${d}${n}${batch}`, features, msPerReplica: Math.exp(log) });
            }

  it('recovers the slopes of noise-free times exactly, and the offsets up to the ridge shrinkage', () => {
    const m = fitCostModel(cells, 'test');
    expect(m.slopes.T).toBeCloseTo(truth.T, 9);
    expect(m.slopes.d).toBeCloseTo(truth.d, 9);
    expect(m.slopes.n).toBeCloseTo(truth.n, 9);
    expect(m.slopes.batch).toBeCloseTo(truth.batch, 9);
    // balanced design: the penalised offsets keep their signs and order, shrunk towards 0
    expect(m.problem.p).toBeGreaterThan(0);
    expect(m.problem.q).toBeCloseTo(-m.problem.p, 9);
    expect(m.algorithm.a).toBeGreaterThan(0);
    expect(m.algorithm.a).toBeLessThanOrEqual(0.5 + 1e-9);
    expect(m.r2).toBeGreaterThan(0.99);
  });

  it('fixes the slope of a variable that does not vary (T, d, n: 1; batch: 0) and needs 3 cells', () => {
    const flat = cells.filter((c) => c.features.batch === 1 && c.features.n === 1);
    const m = fitCostModel(flat, 'test');
    expect(m.slopes.n).toBe(1);
    expect(m.slopes.batch).toBe(0);
    expect(() => fitCostModel(cells.slice(0, 2), 'test')).toThrow(/at least 3/);
  });

  it('reads a cell\'s time per replica from its rows, each replica once', () => {
    const spec = { theorem: 't', algorithm: 'signum', problem: 'separable-quadratic', noise: 'none', engine: 'cpu', seed: 1, T: 8, d: 2, n: 1, params: { 'hyper.batch': 4 } };
    const rows = [0, 1].flatMap((replica) => ['grad_l1_avg', 'f_gap_final'].map((metric) => makeRow({ ...spec, replica, metric, value: 1, gitSha: 'x', wallMs: replica === 0 ? 10 : 30 })));
    const [c] = calibrationCells(rows);
    expect(c.msPerReplica).toBe(20);
    expect(c.features).toEqual({ problem: 'separable-quadratic', algorithm: 'signum', T: 8, d: 2, n: 1, replicas: 2, batch: 4 });
  });

  it('estimates grow with T, and a saved model must carry its schema', () => {
    const f: CostFeatures = { problem: 'separable-quadratic', algorithm: 'signum', T: 1024, d: 16, n: 1, replicas: 1, batch: 1 };
    expect(estimateReplicaMs({ ...f, T: 4096 })).toBeGreaterThan(estimateReplicaMs(f));
    expect(parseCostModel(JSON.parse(JSON.stringify(BUILTIN_COST_MODEL)), 'x')).toEqual(BUILTIN_COST_MODEL);
    expect(() => parseCostModel({ schema: 'nope' }, 'f.json')).toThrow(/--cost-model/);
  });
});
