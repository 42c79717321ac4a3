/**
 * The plan of a sweep run: every cell of the chosen theorems with its estimated cost (./cost.ts),
 * and the assignment of cells to shards by cost.
 *
 * Sharding rule (longest processing time first, deterministic): the cells of every theorem, in
 * theorem order then cell order, are sorted by estimated cost, largest first (ties: the earlier
 * cell first); each goes to the shard with the least estimated load so far (ties: the lowest shard
 * index). The classic bound holds: the largest shard's load is at most 4/3 of the optimum (Graham
 * 1969). Every shard process computes the same plan from the same cells and model and runs its own
 * cells, so shards never overlap and together run every cell once: merging them gives the unsharded
 * results (the cell contents do not depend on where a cell runs).
 */
import { UserInputError } from '../core/errors.ts';
import { specFromRecipe } from '../engine/recipe.ts';
import { BUILTIN_COST_MODEL, estimateCellMs, featuresOfRecipe, type CostModel } from './cost.ts';
import { cellKey } from './results/index.ts';
import { cellSpecOf, type EngineName } from './runner.ts';
import type { RateTheorem, SweepCell } from './types.ts';

/** One cell in the plan. */
export interface PlannedCell {
  readonly theorem: string;
  /** Position of the cell in its theorem's (transformed) cell list. */
  readonly index: number;
  readonly key: string;
  readonly algorithm: string;
  readonly T: number;
  readonly d: number;
  readonly n: number;
  readonly replicas: number;
  /** Estimated wall milliseconds of the whole cell. */
  readonly estimatedMs: number;
  /** 0-based shard (0 when the plan has one shard). */
  readonly shard: number;
}

/** A plan: its cells in theorem and cell order, the shard count, and each shard's estimated load. */
export interface SweepPlan {
  readonly shards: number;
  readonly cells: readonly PlannedCell[];
  readonly loadMs: readonly number[];
  readonly model: CostModel;
}

/**
 * Assigns jobs of the given costs to `shards` shards by the rule of the module doc; returns the
 * 0-based shard of each job.
 */
export function assignLongestFirst(costs: readonly number[], shards: number): number[] {
  if (!Number.isInteger(shards) || shards < 1) throw new UserInputError('--shards', 'must be an integer >= 1', `got ${shards}`);
  const order = costs.map((c, i) => i).sort((a, b) => costs[b] - costs[a] || a - b);
  const load = new Array<number>(shards).fill(0);
  const out = new Array<number>(costs.length).fill(0);
  for (const i of order) {
    let best = 0;
    for (let s = 1; s < shards; s++) if (load[s] < load[best]) best = s;
    out[i] = best;
    load[best] += costs[i];
  }
  return out;
}

/**
 * The plan of the module doc over theorems and their final cells (`cellsOf` gives each theorem's
 * cells after overrides, as the sweep runs them); keys use `engine`.
 */
export async function planSweeps(
  theorems: readonly RateTheorem[],
  cellsOf: (th: RateTheorem) => SweepCell[] | Promise<SweepCell[]>,
  shards = 1,
  model: CostModel = BUILTIN_COST_MODEL,
  engine: EngineName = 'cpu',
): Promise<SweepPlan> {
  const rows: Omit<PlannedCell, 'shard'>[] = [];
  for (const th of theorems) {
    const cells = await cellsOf(th);
    cells.forEach((cell, index) => {
      const spec = specFromRecipe(cell.recipe);
      const estimatedMs = estimateCellMs(featuresOfRecipe(cell.recipe, spec.problem.d), model);
      rows.push({ theorem: th.id, index, key: cellKey(cellSpecOf(th.id, cell, spec, engine)), algorithm: cell.recipe.algorithm, T: spec.T, d: spec.problem.d, n: spec.workers, replicas: spec.replicas, estimatedMs });
    });
  }
  const assigned = assignLongestFirst(rows.map((r) => r.estimatedMs), shards);
  const loadMs = new Array<number>(shards).fill(0);
  const cells = rows.map((r, i) => {
    loadMs[assigned[i]] += r.estimatedMs;
    return { ...r, shard: assigned[i] };
  });
  return { shards, cells, loadMs, model };
}

/** The cell positions of each theorem that shard `index` (0-based) runs. */
export function shardCells(plan: SweepPlan, index: number): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const c of plan.cells) {
    if (c.shard !== index) continue;
    let s = out.get(c.theorem);
    if (!s) out.set(c.theorem, (s = new Set()));
    s.add(c.index);
  }
  return out;
}
