import { UserInputError, shown } from '../../src/core/errors.ts';
import { runCpu } from '../../src/engine/cpu.ts';
import { specFromRecipe, type RunRecipe } from '../../src/engine/recipe.ts';
import { metricValue } from '../../src/theorems/runner.ts';
import type { MetricName } from '../../src/theorems/types.ts';

/**
 * One tuned hyperparameter on an integer-indexed grid: value(i) for lo <= i <= hi (e.g. a step size
 * 2^(i/2)). The grid is the set of values the search may visit; its ends are the "grid edges".
 */
export interface TuneAxis {
  readonly name: string;
  readonly lo: number;
  readonly hi: number;
  value(i: number): number;
  /**
   * Grid ends that are ends of the hyperparameter's domain (a batch of 1, beta = 1), not cut-offs
   * of the search: an optimum there is not an edge artefact and is not reported in `edge`.
   */
  readonly domainEnds?: readonly ('lo' | 'hi')[];
}

/** A log2 grid: value(i) = 2^(i / perOctave) for i in [lo, hi]. */
export function log2Axis(name: string, lo: number, hi: number, perOctave = 1, domainEnds: readonly ('lo' | 'hi')[] = []): TuneAxis {
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo <= hi)) throw new UserInputError(`${name} grid`, 'needs integer ends lo <= hi', `got [${lo}, ${hi}]`);
  if (!(Number.isInteger(perOctave) && perOctave >= 1)) throw new UserInputError(`${name} grid perOctave`, 'must be an integer >= 1', `got ${shown(perOctave)}`);
  return { name, lo, hi, value: (i) => Math.pow(2, i / perOctave), domainEnds };
}

/** What {@link patternSearch} returns. */
export interface SearchResult {
  /** Grid indices of the best point found. */
  readonly best: number[];
  readonly score: number;
  /**
   * Names of the axes on which the best point sits at a grid end that is a cut-off of the search
   * (empty: an interior optimum, or one at an end of the hyperparameter's domain, see `atDomainEnd`).
   */
  readonly edge: string[];
  /** Names of the axes on which the best point sits at an end of the hyperparameter's domain. */
  readonly atDomainEnd: string[];
  /** Points evaluated. */
  readonly evaluations: number;
}

/**
 * Deterministic pattern search over an integer grid: from `start`, evaluate the full 3^k
 * neighbourhood (clipped to the grid), move to its best point, and repeat until the centre is the
 * best of its neighbourhood (a discrete local minimum of `score`); evaluations are memoised. Ties
 * keep the earlier point. A result whose best point sits at a grid end on some axis is reported in
 * `edge` (the optimum may lie outside the grid): the experiments record it in their rows.
 */
export function patternSearch(axes: readonly TuneAxis[], start: readonly number[], score: (idx: readonly number[]) => number, maxMoves = 64): SearchResult {
  if (start.length !== axes.length) throw new UserInputError('start', `must have one index per axis (${axes.length})`, `got ${start.length}`);
  const memo = new Map<string, number>();
  const clip = (i: number, a: TuneAxis) => Math.min(a.hi, Math.max(a.lo, i));
  const evalAt = (idx: number[]): number => {
    const key = idx.join(',');
    let v = memo.get(key);
    if (v === undefined) {
      v = score(idx);
      if (Number.isNaN(v)) v = Infinity;
      memo.set(key, v);
    }
    return v;
  };
  let centre = start.map((i, k) => clip(i, axes[k]));
  let best = evalAt(centre);
  for (let move = 0; move < maxMoves; move++) {
    let next = centre;
    let nextScore = best;
    const offsets: number[][] = [[]];
    for (let k = 0; k < axes.length; k++) {
      const grown: number[][] = [];
      for (const o of offsets) for (const s of [-1, 0, 1]) grown.push([...o, s]);
      offsets.splice(0, offsets.length, ...grown);
    }
    for (const o of offsets) {
      const idx = centre.map((i, k) => clip(i + o[k], axes[k]));
      const v = evalAt(idx);
      if (v < nextScore) {
        next = idx;
        nextScore = v;
      }
    }
    if (next === centre) break;
    centre = next;
    best = nextScore;
  }
  const endOf = (a: TuneAxis, i: number): 'lo' | 'hi' | null => (i === a.lo ? 'lo' : i === a.hi ? 'hi' : null);
  const edge: string[] = [];
  const atDomainEnd: string[] = [];
  axes.forEach((a, k) => {
    const end = endOf(a, centre[k]);
    if (end === null) return;
    if (a.domainEnds?.includes(end)) atDomainEnd.push(a.name);
    else edge.push(a.name);
  });
  return { best: centre, score: best, edge, atDomainEnd, evaluations: memo.size };
}

/**
 * A coarse scan, then {@link patternSearch}: every `stride`-th index on each axis (both ends
 * included) is evaluated, and the pattern search starts from the best of them, sharing the memo.
 * Used for the first budget of a sweep, where no earlier optimum can warm-start the search and a
 * purely local search can stop in a poor local minimum (e.g. SignSGD's biased floor at beta = 1).
 */
export function scanThenSearch(axes: readonly TuneAxis[], stride: number, score: (idx: readonly number[]) => number): SearchResult {
  const memo = new Map<string, number>();
  const cached = (idx: readonly number[]): number => {
    const key = idx.join(',');
    let v = memo.get(key);
    if (v === undefined) {
      v = score(idx);
      if (Number.isNaN(v)) v = Infinity;
      memo.set(key, v);
    }
    return v;
  };
  const ticks = axes.map((a) => {
    const t: number[] = [];
    for (let i = a.lo; i < a.hi; i += stride) t.push(i);
    t.push(a.hi);
    return t;
  });
  let points: number[][] = [[]];
  for (const t of ticks) points = points.flatMap((p) => t.map((i) => [...p, i]));
  let best = points[0];
  let bestScore = Infinity;
  for (const p of points) {
    const v = cached(p);
    if (v < bestScore) {
      best = p;
      bestScore = v;
    }
  }
  const res = patternSearch(axes, best, cached);
  return { ...res, evaluations: memo.size };
}

let tuningRuns = 0;

/**
 * How many engine runs {@link aggregateMetric} has made in this process. The declaration contract
 * (experiments/theorems/contract.test.ts) reads it to tell sweeps whose cells are tuned by running
 * the engine, whose full profile is too slow for a unit test.
 */
export function tuningRunCount(): number {
  return tuningRuns;
}

/**
 * The replica mean (or median) of `metric` over one run of `recipe` on the CPU engine; Infinity
 * when a replica diverged (a diverging setting is never the best).
 */
export function aggregateMetric(recipe: RunRecipe, metric: MetricName, aggregation: 'mean' | 'median' = 'mean'): number {
  tuningRuns++;
  const res = runCpu(specFromRecipe(recipe));
  const values: number[] = [];
  for (let r = 0; r < recipe.replicas; r++) {
    if (res.divergedAt[r] >= 0) return Infinity;
    const v = metricValue(res, metric, r);
    if (!Number.isFinite(v)) return Infinity;
    values.push(v);
  }
  if (aggregation === 'mean') return values.reduce((a, b) => a + b, 0) / values.length;
  values.sort((a, b) => a - b);
  const m = values.length >> 1;
  return values.length % 2 ? values[m] : 0.5 * (values[m - 1] + values[m]);
}

/** One budget's result in {@link tunePath}. */
export interface PathPoint extends SearchResult {
  readonly budget: number;
  /** The tuned values by axis name. */
  readonly values: Record<string, number>;
}

/**
 * Tunes along increasing budgets: the first budget by {@link scanThenSearch} (coarse scan with
 * `stride`, then pattern search), every later one by {@link patternSearch} started from the previous
 * optimum moved once more by the last observed move of the optimum (a warm start that extrapolates
 * only what the search itself found; clipped to the grid). `axesFor(budget)` gives the grids,
 * `score(budget, values)` the objective (smaller is better).
 */
export function tunePath(
  budgets: readonly number[],
  axesFor: (budget: number) => TuneAxis[],
  score: (budget: number, values: Record<string, number>) => number,
  stride: number,
): PathPoint[] {
  const out: PathPoint[] = [];
  for (const budget of budgets) {
    const axes = axesFor(budget);
    const f = (idx: readonly number[]) => score(budget, Object.fromEntries(axes.map((a, k) => [a.name, a.value(idx[k])])));
    let res: SearchResult;
    if (out.length === 0) res = scanThenSearch(axes, stride, f);
    else {
      const last = out[out.length - 1].best;
      const before = out.length > 1 ? out[out.length - 2].best : last;
      res = patternSearch(axes, last.map((i, k) => i + (i - before[k])), f);
    }
    out.push({ ...res, budget, values: Object.fromEntries(axes.map((a, k) => [a.name, a.value(res.best[k])])) });
  }
  return out;
}

/** Memoises a deterministic computation by key for the life of the process (cells() may be called more than once). */
export function memoised<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  let v = cache.get(key);
  if (v === undefined) {
    v = compute();
    cache.set(key, v);
  }
  return v;
}
