/**
 * The declaration contract of every registered rate theorem (experiments/theorems/index.ts): what
 * the sweep runner, the analysis and the reports rely on, checked for each entry of
 * `theorems.all()` so that a new declaration is covered the moment it is registered.
 *
 * - the text fields the report prints are filled, the tolerance is positive and carries its reason;
 * - `bound` (and `valueBound`) parse over the symbols the analysis declares (swept variables, T, d,
 *   n, constants, series params, param symbols), and every swept variable is a symbol of the bound;
 * - the cells of the quick and full profiles build valid runs (specFromRecipe), with at least two
 *   replicas, the series params present and one cell per swept point per series;
 * - the bound has a value at every cell (from the row columns, numeric params or constants, never
 *   two different values) and its log-log slopes are computable over each series' cells, which is
 *   what the verdict compares the fitted exponents with;
 * - a gradient bound G (hyper.G) is one value per sweep, recorded as the cell param G, and cells on
 *   heterogeneous quadratics start exactly at x* (the MVSM sweeps, experiments/lib/mvsm-heterogeneous-quadratics.ts);
 * - negative results name a stall variable among the swept ones and contrast values that occur;
 * - reports/baseline/rates.json holds an entry made from this declaration (same bound, metric,
 *   variables, tolerance and aggregation);
 * - a wrong variant varies a registered theorem, names its kind and change, keeps the claim (bound,
 *   metric, variables, tolerance, aggregation) and runs different recipes in at least one cell;
 * - every theorem declares at least two wrong variants, except those listed in VARIANTS_PENDING
 *   with the reason (the list must be exact: a theorem that gets its variants leaves it).
 *
 * Sweeps whose cells are tuned by running the engine (counted by tuningRunCount) are checked on
 * their quick cells only: building their full cells takes minutes.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { specFromRecipe } from '../../src/engine/recipe.ts';
import { parseBound, type Bound } from '../../src/theorems/bound.ts';
import { rowParams } from '../../src/theorems/runner.ts';
import type { ProfileName, RateTheorem, SweepCell } from '../../src/theorems/types.ts';
import { tuningRunCount } from '../lib/hyperparameter-tuning.ts';
import { deltaAt } from '../lib/mvsm-heterogeneous-quadratics.ts';
import { VARIANT_KINDS } from '../../src/theorems/types.ts';
import { theorems, VARIANTS_PENDING } from './index.ts';

const BASELINE = JSON.parse(fs.readFileSync(new URL('../../reports/baseline/rates.json', import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;

/** The symbols the analysis declares for a theorem's bounds (src/theorems/analyze.ts). */
function symbolsOf(th: RateTheorem): string[] {
  return [...new Set([...th.variables, 'T', 'd', 'n', ...Object.keys(th.constants), ...(th.series ?? []), ...(th.paramSymbols ?? [])])];
}

/** One cell as the results rows see it: T, d, n and the flattened params. */
interface CellRow {
  readonly cell: SweepCell;
  readonly algorithm: string;
  readonly seed: number;
  readonly T: number;
  readonly d: number;
  readonly n: number;
  readonly params: Readonly<Record<string, unknown>>;
}

function rowOf(cell: SweepCell): CellRow {
  const spec = specFromRecipe(cell.recipe);
  expect(spec.replicas, 'replicas per cell').toBeGreaterThanOrEqual(2);
  return { cell, algorithm: spec.algorithm.id, seed: spec.seed, T: spec.T, d: spec.problem.d, n: spec.workers, params: rowParams(cell) };
}

/** The value of a swept variable or bound symbol at a cell, as the analysis reads it. */
function columnValue(row: CellRow, s: string): number | undefined {
  if (s === 'T' || s === 'd' || s === 'n') return row[s];
  const v = row.params[s];
  return typeof v === 'number' ? v : undefined;
}

/** The bound's point at a cell: every used symbol from the row or the constants, never both with different values. */
function boundPoint(th: RateTheorem, bound: Bound, row: CellRow): Record<string, number> {
  const point: Record<string, number> = {};
  for (const s of bound.used) {
    const fromRow = columnValue(row, s);
    const fromConst = th.constants[s];
    if (fromRow !== undefined && fromConst !== undefined) expect(fromRow, `symbol ${s}: row and constant`).toBe(fromConst);
    const v = fromRow ?? fromConst;
    expect(v, `symbol ${s} has a value at cell ${JSON.stringify(row.params)}`).toBeTypeOf('number');
    point[s] = v!;
  }
  return point;
}

/** Checks one profile's cells against the declaration; returns how many cells there were. */
function checkCells(th: RateTheorem, profile: ProfileName, bound: Bound, valueBound: Bound | null): number {
  const cells = th.cells(profile);
  expect(cells.length, `${profile} cells`).toBeGreaterThan(2);
  const series = new Map<string, CellRow[]>();
  for (const cell of cells) {
    const row = rowOf(cell);
    for (const p of th.series ?? []) expect(row.params[p], `series param ${p}`).toBeDefined();
    const noise = cell.recipe.noise ? cell.recipe.noise.model : 'none';
    const key = [row.algorithm, cell.recipe.problem.family, noise, row.seed, ...(th.series ?? []).map((p) => JSON.stringify(row.params[p]))].join('|');
    let list = series.get(key);
    if (!list) series.set(key, (list = []));
    list.push(row);
  }
  for (const [key, rows] of series) {
    const seen = new Set<string>();
    const points: Record<string, number>[] = [];
    for (const row of rows) {
      const x = th.variables.map((v) => columnValue(row, v));
      for (const [j, v] of x.entries()) expect(v, `${th.variables[j]} in series ${key}`).toBeGreaterThan(0);
      const at = x.join(',');
      expect(seen.has(at), `two cells at (${th.variables.join(', ')}) = (${at}) in series ${key}`).toBe(false);
      seen.add(at);
      const point = { ...boundPoint(th, bound, row), ...Object.fromEntries(th.variables.map((v, j) => [v, x[j]!])) };
      expect(bound.evaluate(point)).toBeGreaterThan(0);
      if (valueBound) expect(Number.isFinite(valueBound.evaluate({ ...boundPoint(th, valueBound, row), ...point }))).toBe(true);
      points.push(point);
    }
    const slopes = bound.sweepSlopes(th.variables, points);
    for (const s of slopes) expect(Number.isFinite(s), `bound slopes in series ${key}`).toBe(true);
  }
  const guards = new Set(cells.filter((c) => c.recipe.hyper.G !== undefined).map((c) => c.recipe.hyper.G));
  if (guards.size > 0) {
    expect(guards.size, 'one gradient bound G per sweep').toBe(1);
    for (const c of cells) expect(c.params.G, 'G recorded as a cell param').toBe(c.recipe.hyper.G);
  }
  for (const c of cells.filter((c) => c.recipe.problem.family === 'heterogeneous-quadratic')) {
    const p = c.recipe.problem.params as { d: number; workers: number };
    expect(deltaAt(p.d, p.workers), 'a heterogeneous-quadratic cell starts exactly at x*').toBe(0);
  }
  if (th.stall?.contrast) {
    const { param, values } = th.stall.contrast;
    const present = new Set(cells.map((c) => rowParams(c)[param]));
    for (const v of values) expect(present.has(v), `contrast ${param} = ${String(v)} occurs in the cells`).toBe(true);
  }
  return cells.length;
}

describe.each(theorems.all().map((th) => [th.id, th] as const))('theorem declaration %s', (_id, th) => {
  it('fills the fields the report prints; the tolerance is positive and carries its reason', () => {
    for (const [field, value] of Object.entries({ summary: th.summary, title: th.title, statement: th.statement, source: th.source, schedule: th.schedule, design: th.design, tolWhy: th.tolWhy, aggregationWhy: th.aggregationWhy })) {
      expect(value.trim().length, field).toBeGreaterThan(0);
    }
    expect(th.assumptions.length).toBeGreaterThan(0);
    expect(th.tol).toBeGreaterThan(0);
    expect(th.variables.length).toBeGreaterThan(0);
    if (th.kind === 'negative') {
      expect(th.stall).toBeDefined();
      expect(th.variables).toContain(th.stall!.variable);
    }
  });

  it('bound and valueBound parse over the declared symbols; every swept variable is a symbol of the bound', () => {
    const b = parseBound(th.bound, symbolsOf(th));
    for (const v of th.variables) expect(b.symbols).toContain(v);
    if (th.valueBound !== undefined) parseBound(th.valueBound, symbolsOf(th));
  });

  it('quick cells, and full cells where building them runs no engine, are valid runs on which the bound and its slopes are computable', () => {
    const bound = parseBound(th.bound, symbolsOf(th));
    const valueBound = th.valueBound !== undefined ? parseBound(th.valueBound, symbolsOf(th)) : null;
    const before = tuningRunCount();
    checkCells(th, 'quick', bound, valueBound);
    const tuned = tuningRunCount() > before;
    if (!tuned) checkCells(th, 'full', bound, valueBound);
  });

  it('has an entry in reports/baseline/rates.json made from this declaration', () => {
    const entry = BASELINE[th.id];
    expect(entry, `baseline entry for ${th.id}`).toBeDefined();
    expect(entry.theorem).toBe(th.id);
    expect(entry.bound).toBe(th.bound);
    expect(entry.metric).toBe(th.metric);
    expect(entry.variables).toEqual(th.variables);
    expect(entry.tol).toBe(th.tol);
    expect(entry.aggregation).toBe(th.aggregation);
  });
});

describe('theorem registry', () => {
  it('the baseline holds no entry for an unregistered theorem', () => {
    for (const id of Object.keys(BASELINE)) expect(theorems.has(id), id).toBe(true);
  });
  it('every theorem has at least two wrong variants, or is listed in VARIANTS_PENDING with a reason', () => {
    const few = theorems
      .all()
      .filter((th) => !th.variantOf && theorems.all().filter((v) => v.variantOf?.theorem === th.id).length < 2)
      .map((th) => th.id);
    expect(few).toEqual(Object.keys(VARIANTS_PENDING));
    for (const why of Object.values(VARIANTS_PENDING)) expect(why.length).toBeGreaterThan(20);
  });
});

describe.each(theorems.all().filter((v) => v.variantOf).map((v) => [v.id, v] as const))('wrong variant %s', (_id, v) => {
  const of = v.variantOf!;
  it('varies a registered theorem, names its kind and change, and keeps the claim', () => {
    const th = theorems.get(of.theorem);
    expect(th.variantOf).toBeUndefined();
    expect(VARIANT_KINDS).toContain(of.kind);
    expect(of.change.length).toBeGreaterThan(10);
    for (const k of ['kind', 'bound', 'valueBound', 'metric', 'variables', 'tol', 'aggregation', 'stall'] as const) expect(v[k], k).toEqual(th[k]);
  });
  it('runs different recipes from its theorem in at least one quick cell', () => {
    const th = theorems.get(of.theorem);
    const a = th.cells('quick').map((c) => JSON.stringify(c.recipe));
    const b = v.cells('quick').map((c) => JSON.stringify(c.recipe));
    expect(b.some((r, i) => r !== a[i])).toBe(true);
  });
});
