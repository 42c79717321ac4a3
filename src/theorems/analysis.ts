/**
 * From the result rows of one rate theorem to fitted exponents, verdicts and a plain-JSON summary
 * (for reports and CI baselines). Comparison with a baseline: ./baseline.ts.
 *
 * Pipeline for each series (rows sharing algorithm, problem, noise, engine, seed and the declared
 * series parameters):
 * 1. group rows into cells; every cell must hold the same replicas; cells whose swept-variable
 *    values coincide are an error (an undeclared variable differs between them);
 * 2. exclude cells that cannot enter a log-log fit, and say so: a diverged replica (value null;
 *    never averaged) or a value <= 0 (its log, or a resample's, would be undefined);
 * 3. joint OLS of $\log \bar m_c$ on $(1, \log v_{1,c}, ..., \log v_{k,c})$ over the remaining cells,
 *    $\bar m_c$ the replica mean or median; bootstrap over replicas ({@link bootstrapReplicas}) for
 *    expanded percentile CIs of every coefficient ({@link expandedLevel}: the percentile interval
 *    corrected for its under-coverage at few replicas); Theil-Sen ({@link theilSenPartial}) beside it, with its
 *    own bootstrap CI from the same resamples;
 * 4. the bound's slope over the same cells ({@link Bound.sweepSlopes}: the same regression applied
 *    to $\log B$), its local slopes there (min and max), and the verdict ({@link slopeVerdict});
 * 5. optionally the bound-value check (replica mean vs B per cell, simultaneous CIs) and the stall
 *    check of a negative result.
 */
import { UserInputError, requireInteger, requireInterval, requireNonNegative, shown } from '../core/errors.ts';
import { parseBound, type Bound, type SymbolValues } from './bound.ts';
import {
  MIN_RESAMPLES,
  bootstrapReplicas,
  expandedLevel,
  olsFit,
  olsProjector,
  partialPairs,
  percentileInterval,
  theilSenPartial,
  type Aggregation,
} from '../stats/index.ts';
import type { ParamValue, ResultRow } from './results/index.ts';
import type { RateTheorem } from './types.ts';
import {
  combineValueStatus,
  slopeVerdict,
  stallVerdict,
  valueRank,
  valueStatus,
  verdictRank,
  type StallStatus,
  type ValueStatus,
  type SlopeVerdict,
} from './verdict.ts';

/** What to analyse and how; one per (theorem, metric). */
export interface RateAnalysisSpec {
  /** Theorem id; rows of other theorems are ignored. */
  readonly theorem: string;
  /** Metric to fit; rows of other metrics are ignored. */
  readonly metric: string;
  /** The theorem's bound ({@link parseBound}). */
  readonly bound: Bound;
  /**
   * Values of bound symbols that are not row columns (T, d, n) or numeric row params, e.g.
   * `{ eta0: 0.5, L: 1 }`. A symbol given both here and by a row must agree.
   */
  readonly constants?: SymbolValues;
  /** Swept variables fitted jointly: T, d, n or numeric params (e.g. kappa). */
  readonly variables: readonly string[];
  /** Verdict tolerance on slopes (>= 0). */
  readonly tol: number;
  /** Replica aggregation (default 'mean'; 'median' for heavy-tailed metrics, see {@link Aggregation}). */
  readonly aggregation?: Aggregation;
  /** Bootstrap resamples, >= 1000 (default 2000). */
  readonly resamples?: number;
  /** u32 bootstrap seed (default 1). */
  readonly seed?: number;
  /** Confidence level (default 0.95). */
  readonly level?: number;
  /**
   * Bootstrap interval of the slopes: 'expanded' (default; the expanded percentile interval, which
   * covers at the nominal rate at few replicas: src/theorems/coverage.test.ts) or 'percentile'.
   */
  readonly interval?: 'expanded' | 'percentile';
  /** Check E[metric] <= B at every cell (only for bounds with explicit constants). */
  readonly valueCheck?: boolean;
  /**
   * The bound the value check uses, when it differs from `bound` (e.g. `bound` is the claimed
   * rate up to constants, `valueBound` the theorem's explicit right-hand side). Default: `bound`.
   */
  readonly valueBound?: Bound;
  /**
   * Negative result: the metric stalls. `floor`: the metric at the largest value of `variable`
   * stays above it; `claimedSlope`: the fitted slope in `variable` excludes it (lower CI limit >
   * claimed + tol). At least one of the two.
   */
  readonly stall?: { readonly variable: string; readonly floor?: number; readonly claimedSlope?: number };
  /** Names of params whose values separate series (besides algorithm, problem, noise, engine, seed). */
  readonly series?: readonly string[];
}

/** The fit of one swept variable. */
export interface VariableFit {
  readonly variable: string;
  /** OLS slope (exponent) of log metric in log variable, from the joint fit. */
  readonly slope: number;
  /** Classical OLS standard error over cells (null when cells = coefficients). */
  readonly se: number | null;
  /** Bootstrap percentile CI of the slope. */
  readonly ci: [number, number];
  readonly ciWidth: number;
  /** Theil-Sen slope over pairs of cells differing only in this variable (null if none). */
  readonly theilSen: number | null;
  /** Bootstrap percentile CI of the Theil-Sen slope (null if none). */
  readonly theilSenCi: [number, number] | null;
  /** The bound's slope over the sweep range (OLS of log B over the fitted cells). */
  readonly boundSlope: number;
  /** Smallest and largest local slope v dB/dv / B over the fitted cells. */
  readonly boundLocalSlope: { readonly min: number; readonly max: number };
  /** Smallest and largest value of the variable over the fitted cells. */
  readonly range: [number, number];
  readonly verdict: SlopeVerdict;
  readonly reason: string;
}

/** Bound-value check of one cell. */
export interface ValueCellCheck {
  readonly cell: string;
  readonly point: Record<string, number>;
  /** Replica mean of the metric. */
  readonly mean: number;
  /** Bootstrap CI of the mean at the Bonferroni-adjusted level. */
  readonly ci: [number, number];
  readonly bound: number;
  readonly status: ValueStatus;
}

/** Summary of one series. */
export interface SeriesSummary {
  /** Stable key: algorithm/problem/noise/engine/seed=S/series params. */
  readonly key: string;
  readonly series: {
    readonly algorithm: string;
    readonly problem: string;
    readonly noise: string;
    readonly engine: string;
    readonly seed: number;
    readonly params: Record<string, ParamValue>;
  };
  /** Replicas per cell. */
  readonly replicas: number;
  /** Cells in the series, and those used by the fit. */
  readonly cellCount: number;
  readonly fittedCells: number;
  /** Cells left out of the fit, with why. */
  readonly excluded: { readonly cell: string; readonly reason: 'diverged' | 'non-positive'; readonly detail: string }[];
  /** Joint fit; null when too few usable cells remain (see `insufficient`). */
  readonly fit: null | {
    readonly intercept: number;
    readonly r2: number | null;
    readonly residualStdError: number | null;
    readonly variables: VariableFit[];
  };
  /** Why there is no fit (every variable is then INCONCLUSIVE by absence). */
  readonly insufficient: string | null;
  /** Bound-value check, when requested. */
  readonly value: null | {
    readonly status: ValueStatus;
    /** Per-cell confidence level (Bonferroni: 1 - (1 - level)/cells). */
    readonly cellLevel: number;
    readonly cells: ValueCellCheck[];
    readonly note: string | null;
  };
  /** Stall check, when requested. */
  readonly stall: null | {
    readonly status: StallStatus;
    readonly reasons: string[];
    readonly variable: string;
    readonly at: number | null;
    readonly cells: { readonly cell: string; readonly estimate: number; readonly ci: [number, number] }[];
  };
}

/** The plain-JSON result of {@link analyzeRate}; stable field names, no NaN/Infinity. */
export interface RateSummary {
  readonly schema: 'signcheck.rate-summary/1';
  readonly theorem: string;
  readonly metric: string;
  /** The bound as written, and as LaTeX (for reports). */
  readonly bound: string;
  readonly boundTex: string;
  readonly variables: string[];
  readonly tol: number;
  readonly aggregation: Aggregation;
  readonly resamples: number;
  readonly seed: number;
  readonly level: number;
  readonly series: SeriesSummary[];
}

function variableValue(row: ResultRow, v: string): number {
  if (v === 'T' || v === 'd' || v === 'n') return row[v];
  const x = row.params[v];
  if (typeof x !== 'number') {
    throw new UserInputError(`variable ${v}`, 'must be T, d, n or a numeric param of every row', `cell ${shown(row.cell)} has ${shown(x)}`);
  }
  return x;
}

function boundPoint(row: ResultRow, bound: Bound, constants: SymbolValues): Record<string, number> {
  const point: Record<string, number> = {};
  for (const s of bound.used) {
    let fromRow: number | undefined;
    if (s === 'T' || s === 'd' || s === 'n') fromRow = row[s];
    else if (typeof row.params[s] === 'number') fromRow = row.params[s] as number;
    const fromConst = constants[s];
    if (fromRow !== undefined && fromConst !== undefined && fromRow !== fromConst) {
      throw new UserInputError(`bound symbol ${s}`, 'must not be given different values by the rows and the constants', `cell ${shown(row.cell)}: ${fromRow} vs ${fromConst}`);
    }
    const v = fromRow ?? fromConst;
    if (v === undefined) {
      throw new UserInputError(`bound symbol ${s}`, 'needs a value: a row column, a numeric param or a constant', `missing in cell ${shown(row.cell)}`);
    }
    point[s] = v;
  }
  return point;
}

interface Cell {
  key: string;
  first: ResultRow;
  x: number[];
  values: Map<number, ResultRow>;
}

function seriesOf(row: ResultRow, seriesParams: readonly string[]): { key: string; series: SeriesSummary['series'] } {
  const params: Record<string, ParamValue> = {};
  for (const p of seriesParams) {
    const v = row.params[p];
    if (v === undefined) throw new UserInputError(`series param ${p}`, 'must be present in every row', `missing in cell ${shown(row.cell)}`);
    params[p] = v;
  }
  const series = { algorithm: row.algorithm, problem: row.problem, noise: row.noise, engine: row.engine, seed: row.seed, params };
  return { key: formatSeriesKey(series), series };
}

/** The key of the series a row belongs to, given the theorem's series parameters ({@link SeriesSummary.key}). */
export function seriesKeyOfRow(row: ResultRow, seriesParams: readonly string[]): string {
  return seriesOf(row, seriesParams).key;
}

/**
 * The key of a series:
 * algorithm/problem/noise/engine/seed=S/p1=v1,p2=v2 (URI-encoded, values as JSON, params in their
 * declared order); with `digits`, numeric values rounded to that many significant digits.
 */
export function formatSeriesKey(series: SeriesSummary['series'], digits?: number): string {
  const { algorithm, problem, noise, engine, seed, params } = series;
  const enc = encodeURIComponent;
  const value = (v: ParamValue): ParamValue => (digits !== undefined && typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(digits)) : v);
  return (
    [algorithm, problem, noise, engine].map(enc).join('/') +
    `/seed=${seed}/` +
    Object.keys(params)
      .map((p) => `${enc(p)}=${enc(JSON.stringify(value(params[p])))}`)
      .join(',')
  );
}

/**
 * Analyses the rows of one theorem and metric (see the module doc). Throws UserInputError for
 * inconsistent input: no matching rows, unequal replica sets across cells, two cells at the same
 * swept point, a design in which the variables do not vary independently, a bound symbol without
 * a value. Deterministic: same rows and spec give the same summary.
 */
export function analyzeRate(rows: readonly ResultRow[], spec: RateAnalysisSpec): RateSummary {
  const aggregation = spec.aggregation ?? 'mean';
  if (aggregation !== 'mean' && aggregation !== 'median') throw new UserInputError('aggregation', 'must be "mean" or "median"', `got ${shown(aggregation)}`);
  const resamples = requireInteger('resamples', spec.resamples ?? 2000, MIN_RESAMPLES);
  const seed = requireInteger('seed', spec.seed ?? 1, 0, 0xffffffff);
  const level = requireInterval('level', spec.level ?? 0.95, 0, 1, 'open', 'open');
  const tol = requireNonNegative('tol', spec.tol);
  const variables = [...spec.variables];
  if (variables.length === 0) throw new UserInputError('variables', 'must name at least one swept variable');
  if (new Set(variables).size !== variables.length) throw new UserInputError('variables', 'must be distinct', variables.join(', '));
  for (const v of variables) {
    if (!spec.bound.symbols.includes(v)) {
      throw new UserInputError('variables', `must be symbols of the bound "${spec.bound.source}"`, `got ${shown(v)}`);
    }
  }
  if (spec.stall) {
    const st = spec.stall;
    if (!variables.includes(st.variable)) throw new UserInputError('stall.variable', `must be one of the fitted variables (${variables.join(', ')})`, `got ${shown(st.variable)}`);
    if (st.floor === undefined && st.claimedSlope === undefined) throw new UserInputError('stall', 'needs a floor, a claimedSlope, or both');
  }
  const constants = spec.constants ?? {};
  const seriesParams = spec.series ?? [];

  const selected = rows.filter((r) => r.theorem === spec.theorem && r.metric === spec.metric);
  if (selected.length === 0) {
    throw new UserInputError('rows', `must include rows of theorem ${shown(spec.theorem)} with metric ${shown(spec.metric)}`, `got ${rows.length} rows, none matching`);
  }
  const bySeries = new Map<string, { series: SeriesSummary['series']; cells: Map<string, Cell> }>();
  for (const row of selected) {
    const s = seriesOf(row, seriesParams);
    let entry = bySeries.get(s.key);
    if (!entry) bySeries.set(s.key, (entry = { series: s.series, cells: new Map() }));
    let cell = entry.cells.get(row.cell);
    if (!cell) entry.cells.set(row.cell, (cell = { key: row.cell, first: row, x: variables.map((v) => variableValue(row, v)), values: new Map() }));
    if (cell.values.has(row.replica)) throw new UserInputError('rows', 'must hold one row per (cell, replica, metric)', `replica ${row.replica} twice in ${shown(row.cell)}`);
    cell.values.set(row.replica, row);
  }

  const series: SeriesSummary[] = [];
  for (const key of [...bySeries.keys()].sort()) {
    const entry = bySeries.get(key)!;
    series.push(analyzeSeries(key, entry.series, [...entry.cells.values()], spec, { aggregation, resamples, seed, level, interval: spec.interval ?? 'expanded', tol, variables, constants }));
  }
  return {
    schema: 'signcheck.rate-summary/1',
    theorem: spec.theorem,
    metric: spec.metric,
    bound: spec.bound.source,
    boundTex: spec.bound.tex,
    variables,
    tol,
    aggregation,
    resamples,
    seed,
    level,
    series,
  };
}

interface Settings {
  aggregation: Aggregation;
  resamples: number;
  seed: number;
  level: number;
  interval: 'expanded' | 'percentile';
  tol: number;
  variables: string[];
  constants: SymbolValues;
}

function analyzeSeries(
  key: string,
  seriesInfo: SeriesSummary['series'],
  cellsIn: Cell[],
  spec: RateAnalysisSpec,
  st: Settings,
): SeriesSummary {
  const { variables } = st;
  // Cells in a canonical order: by swept values, then key.
  const cells = [...cellsIn].sort((a, b) => {
    for (let j = 0; j < a.x.length; j++) if (a.x[j] !== b.x[j]) return a.x[j] - b.x[j];
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
  for (let i = 1; i < cells.length; i++) {
    if (cells[i].x.every((v, j) => v === cells[i - 1].x[j])) {
      throw new UserInputError(
        'sweep',
        `must have one cell per value of (${variables.join(', ')}) in a series; declare what else differs as a variable or a series param`,
        `${shown(cells[i - 1].key)} and ${shown(cells[i].key)}`,
      );
    }
  }
  const replicaIds = [...cells[0].values.keys()].sort((a, b) => a - b);
  for (const c of cells) {
    const ids = [...c.values.keys()].sort((a, b) => a - b);
    if (ids.length !== replicaIds.length || ids.some((r, i) => r !== replicaIds[i])) {
      throw new UserInputError('replicas', 'must be the same set in every cell of a series (the bootstrap resamples replicas jointly)', `${shown(cells[0].key)} has [${replicaIds.join(',')}], ${shown(c.key)} has [${ids.join(',')}]`);
    }
  }
  const R = replicaIds.length;
  if (R < 2) throw new UserInputError('replicas', 'must number at least 2 per cell for a bootstrap CI', `series ${shown(key)} has ${R}`);
  // A design that cannot identify the slopes even with every cell is a declaration error.
  const logX = (c: Cell) => c.x.map((v) => {
    if (!(v > 0)) throw new UserInputError(`variable value`, 'must be > 0 for a log-log fit', `${shown(v)} in ${shown(c.key)}`);
    return Math.log(v);
  });
  try {
    olsProjector(cells.map(logX), variables);
  } catch (err) {
    if (!(err instanceof UserInputError)) throw err;
    throw new UserInputError('sweep', `must have cells that identify every slope (${variables.join(', ')}) in series ${shown(key)}`, `${cells.length} cell(s): ${err.message}`);
  }

  const excluded: SeriesSummary['excluded'] = [];
  const usable: Cell[] = [];
  const divergedCells = new Set<string>();
  for (const c of cells) {
    const rs = replicaIds.map((r) => c.values.get(r)!);
    const div = rs.filter((r) => r.value === null);
    if (div.length > 0) {
      const steps = div.map((r) => r.diverged?.step ?? -1);
      excluded.push({ cell: c.key, reason: 'diverged', detail: `${div.length} of ${R} replicas diverged (first at step ${Math.min(...steps)})` });
      divergedCells.add(c.key);
      continue;
    }
    const nonPos = rs.filter((r) => (r.value as number) <= 0).length;
    if (nonPos > 0) {
      excluded.push({ cell: c.key, reason: 'non-positive', detail: `${nonPos} of ${R} replicas have value <= 0 (no log)` });
      continue;
    }
    usable.push(c);
  }
  const valuesOf = (c: Cell) => replicaIds.map((r) => c.values.get(r)!.value as number);

  let fit: SeriesSummary['fit'] = null;
  let insufficient: string | null = null;
  let slopeCIs: Map<string, [number, number]> | null = null;
  let bootAgg: { estimate: readonly number[]; replicates: readonly Float64Array[]; offset: number } | null = null;
  const p = variables.length;
  let projector: ReturnType<typeof olsProjector> | null = null;
  if (usable.length < p + 1) {
    insufficient = `${usable.length} usable cell(s); a fit of ${p} slope(s) needs at least ${p + 1}`;
  } else {
    try {
      projector = olsProjector(usable.map(logX), variables);
    } catch (err) {
      if (!(err instanceof UserInputError)) throw err;
      insufficient = `the usable cells do not identify every slope (${err.message})`;
    }
  }
  if (projector) {
    const X = usable.map(logX);
    const P = projector;
    const K = usable.length;
    const pairs = variables.map((_, j) => partialPairs(X, j));
    const logAgg = new Float64Array(K);
    // Statistic: [intercept, slopes..., theil-sen per variable (with pairs)..., aggregates...].
    const statistic = (agg: Float64Array): Float64Array => {
      for (let c = 0; c < K; c++) logAgg[c] = Math.log(agg[c]);
      const out = new Float64Array(P.p + p + K);
      for (let i = 0; i < P.p; i++) {
        let s = 0;
        for (let c = 0; c < K; c++) s += P.matrix[i * K + c] * logAgg[c];
        out[i] = s;
      }
      let o = P.p;
      for (let j = 0; j < p; j++) {
        const ts = pairs[j].length > 0 ? theilSenPartial(X, Array.from(logAgg), j) : 0;
        out[o++] = ts ?? 0;
      }
      for (let c = 0; c < K; c++) out[o++] = agg[c];
      return out;
    };
    const boot = bootstrapReplicas(usable.map(valuesOf), statistic, { aggregation: st.aggregation, resamples: st.resamples, seed: st.seed, level: st.level, interval: st.interval });
    const ols = olsFit(X, Array.from(usable, (_, c) => Math.log(boot.estimate[P.p + p + c])), variables);
    const points = usable.map((c) => boundPoint(c.first, spec.bound, st.constants));
    // The bound's slopes use the same regression on the same cells.
    const boundSlopes = spec.bound.sweepSlopes(variables, points.map((pt, i) => ({ ...pt, ...Object.fromEntries(variables.map((v, j) => [v, usable[i].x[j]])) })));
    slopeCIs = new Map();
    const vfits: VariableFit[] = variables.map((v, j) => {
      const ci: [number, number] = [boot.lo[1 + j], boot.hi[1 + j]];
      slopeCIs!.set(v, ci);
      const hasTs = pairs[j].length > 0;
      const locals = usable.map((c, i) => spec.bound.localSlope(v, { ...points[i], [v]: c.x[j] }));
      const xs = usable.map((c) => c.x[j]);
      const verdict = slopeVerdict(ci, boundSlopes[j], st.tol);
      return {
        variable: v,
        slope: ols.coefficients[1 + j],
        se: ols.standardErrors[1 + j],
        ci,
        ciWidth: ci[1] - ci[0],
        theilSen: hasTs ? boot.estimate[P.p + j] : null,
        theilSenCi: hasTs ? [boot.lo[P.p + j], boot.hi[P.p + j]] : null,
        boundSlope: boundSlopes[j],
        boundLocalSlope: { min: Math.min(...locals), max: Math.max(...locals) },
        range: [Math.min(...xs), Math.max(...xs)],
        verdict: verdict.verdict,
        reason: verdict.reason,
      };
    });
    fit = { intercept: ols.coefficients[0], r2: ols.r2, residualStdError: ols.residualStdError, variables: vfits };
    bootAgg = { estimate: boot.estimate, replicates: boot.replicates, offset: P.p + p };
  }

  // Bound-value check: replica MEAN against B (the theorems bound an expectation), every
  // non-diverged cell, simultaneous CIs by Bonferroni.
  let value: SeriesSummary['value'] = null;
  if (spec.valueCheck) {
    const vcells = cells.filter((c) => !divergedCells.has(c.key));
    if (vcells.length === 0) {
      value = { status: 'inconclusive', cellLevel: st.level, cells: [], note: 'every cell diverged' };
    } else {
      const cellLevel = 1 - (1 - st.level) / vcells.length;
      const boot = bootstrapReplicas(vcells.map(valuesOf), (agg) => agg, { aggregation: 'mean', resamples: st.resamples, seed: st.seed, level: st.level });
      const checks: ValueCellCheck[] = vcells.map((c, i) => {
        const vb = spec.valueBound ?? spec.bound;
        const point = boundPoint(c.first, vb, st.constants);
        const b = vb.evaluate(point);
        const ci = percentileInterval(boot.replicates[i], expandedLevel(cellLevel, valuesOf(c).length, st.resamples));
        return { cell: c.key, point, mean: boot.estimate[i], ci, bound: b, status: valueStatus(ci, b) };
      });
      let status = combineValueStatus(checks.map((c) => c.status));
      let note: string | null = null;
      if (divergedCells.size > 0) {
        note = `${divergedCells.size} diverged cell(s) not checked`;
        if (status === 'holds') status = 'inconclusive';
      }
      value = { status, cellLevel, cells: checks, note };
    }
  }

  let stall: SeriesSummary['stall'] = null;
  if (spec.stall) {
    const sv = spec.stall;
    const j = variables.indexOf(sv.variable);
    if (!fit || !bootAgg || !slopeCIs) {
      stall = { status: 'not reproduced', reasons: [`no fit: ${insufficient}`], variable: sv.variable, at: null, cells: [] };
    } else {
      const at = Math.max(...usable.map((c) => c.x[j]));
      const idx = usable.map((c, i) => (c.x[j] === at ? i : -1)).filter((i) => i >= 0);
      const cellLevel = 1 - (1 - st.level) / idx.length;
      const levelCells = idx.map((i) => ({
        cell: usable[i].key,
        estimate: bootAgg!.estimate[bootAgg!.offset + i],
        ci: percentileInterval(bootAgg!.replicates[bootAgg!.offset + i], expandedLevel(cellLevel, valuesOf(usable[i]).length, st.resamples)),
      }));
      const res = stallVerdict({
        level: sv.floor !== undefined ? { cis: levelCells.map((c) => c.ci), floor: sv.floor } : undefined,
        slope: sv.claimedSlope !== undefined ? { ci: slopeCIs.get(sv.variable)!, claimed: sv.claimedSlope, tol: st.tol } : undefined,
      });
      stall = { status: res.status, reasons: res.reasons, variable: sv.variable, at, cells: levelCells };
    }
  }

  return {
    key,
    series: seriesInfo,
    replicas: R,
    cellCount: cells.length,
    fittedCells: fit ? usable.length : 0,
    excluded,
    fit,
    insufficient,
    value,
    stall,
  };
}

/**
 * Fits a theorem's results: the bound is parsed over its swept variables and declared constants,
 * and analysed with the theorem's metric, aggregation, tolerance, value check and stall claim.
 */
export function analyzeTheorem(th: RateTheorem, rows: readonly ResultRow[], resamples = 2000): RateSummary {
  // series params and declared param symbols may be bound symbols too: they take their values from the rows
  const symbols = [...new Set([...th.variables, 'T', 'd', 'n', ...Object.keys(th.constants), ...(th.series ?? []), ...(th.paramSymbols ?? [])])];
  const common = {
    theorem: th.id,
    metric: th.metric,
    constants: th.constants,
    variables: th.variables,
    tol: th.tol,
    aggregation: th.aggregation,
    resamples,
    seed: 1,
    ...(th.stall ? { stall: th.stall } : {}),
    ...(th.series ? { series: th.series } : {}),
  };
  const symbolsOk = parseBound(th.bound, symbols);
  return analyzeRate(rows, {
    ...common,
    bound: symbolsOk,
    valueCheck: th.valueBound !== undefined,
    ...(th.valueBound ? { valueBound: parseBound(th.valueBound, symbols) } : {}),
  });
}
