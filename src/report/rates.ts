/**
 * Report pages of rate theorems and negative results, from `reports/rates.json` (theorem id ->
 * RateSummary of src/theorems/analysis.ts) and the results rows in `<results>/<theorem>.jsonl`
 * (src/theorems/results). Declarations (statement, schedule, design) come from the theorem
 * registry when the theorem is registered; everything numeric comes from the files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LEVEL } from '../experiments/compare.ts';
import { meanCi, medianCi } from '../stats/index.ts';
import type { Registry } from '../core/registry.ts';
import { seriesKeyOfRow, type RateSummary, type SeriesSummary, type VariableFit } from '../theorems/analysis.ts';
import { declarationOf, theoremOutcome } from '../theorems/outcome.ts';
import { readResults, type ResultRow } from '../theorems/results/index.ts';
import { METRICS, type RateTheorem } from '../theorems/types.ts';
import { fmt, seriesLabel as formatSeriesLabel, slug } from './format.ts';
import type { Figure, ReportPage, Series, Table } from './model.ts';

function variableValue(row: ResultRow, v: string): number {
  if (v === 'T' || v === 'd' || v === 'n') return row[v];
  const x = row.params[v];
  return typeof x === 'number' ? x : Number.NaN;
}

/** Per-cell aggregate of one metric: replica mean (t-interval) or median (order-statistic interval). */
interface CellPoint {
  readonly key: string;
  readonly at: Record<string, number>;
  readonly y: number;
  readonly lo: number;
  readonly hi: number;
  readonly replicas: number;
}

function cellPoints(rows: readonly ResultRow[], variables: readonly string[], aggregation: 'mean' | 'median'): CellPoint[] {
  const cells = new Map<string, ResultRow[]>();
  for (const r of rows) {
    let c = cells.get(r.cell);
    if (!c) cells.set(r.cell, (c = []));
    c.push(r);
  }
  const out: CellPoint[] = [];
  for (const [key, rs] of cells) {
    if (rs.some((r) => r.value === null || r.value <= 0)) continue; // excluded from the fit; the table says why
    const vals = rs.map((r) => r.value as number);
    const at = Object.fromEntries(variables.map((v) => [v, variableValue(rs[0], v)]));
    if (aggregation === 'median') {
      const m = medianCi(vals, LEVEL);
      out.push({ key, at, y: m.median, lo: m.lo, hi: m.hi, replicas: vals.length });
    } else {
      const m = meanCi(vals, LEVEL);
      out.push({ key, at, y: m.mean, lo: m.lo, hi: m.hi, replicas: vals.length });
    }
  }
  return out.sort((a, b) => {
    for (const v of variables) if (a.at[v] !== b.at[v]) return a.at[v] - b.at[v];
    return a.key < b.key ? -1 : 1;
  });
}

const seriesLabel = (s: SeriesSummary) => formatSeriesLabel(s.series, 'noise ');

/**
 * The log-log figure of one series and variable: cell aggregates with 95% intervals against the
 * variable (one colour per combination of the other swept variables), the joint OLS fit, and a
 * line with the bound's slope through the fit at the middle of the range; with the paper's
 * constants, the bound's values per cell as a dotted line.
 */
export function rateFigure(id: string, s: SeriesSummary, v: VariableFit, points: readonly CellPoint[], summary: RateSummary): Figure {
  const others = summary.variables.filter((u) => u !== v.variable);
  const groups = new Map<string, CellPoint[]>();
  for (const p of points) {
    const label = others.map((u) => `${u}=${p.at[u]}`).join(', ');
    let g = groups.get(label);
    if (!g) groups.set(label, (g = []));
    g.push(p);
  }
  const series: Series[] = [];
  const agg = summary.aggregation === 'median' ? 'median' : 'mean';
  for (const [label, g] of groups) {
    series.push({ name: `cells: replica ${agg}, 95% CI${label ? ` (${label})` : ''}`, mark: 'points', points: g.map((p) => ({ x: p.at[v.variable], y: p.y, lo: p.lo, hi: p.hi })) });
  }
  const fit = s.fit;
  if (fit) {
    const predict = (at: Record<string, number>) => Math.exp(fit.intercept + fit.variables.reduce((acc, fv) => acc + fv.slope * Math.log(at[fv.variable]), 0));
    const [x0, x1] = v.range;
    let first = true;
    for (const [label, g] of groups) {
      const base = { ...g[0].at };
      series.push({ name: `OLS fit, slope ${fmt(v.slope, 3)}${label ? ` (${label})` : ''}`, mark: 'line', points: [x0, x1].map((x) => ({ x, y: predict({ ...base, [v.variable]: x }) })) });
      if (first) {
        const xm = Math.sqrt(x0 * x1);
        const ym = predict({ ...base, [v.variable]: xm });
        series.push({ name: `bound slope ${fmt(v.boundSlope, 3)}, through the fit at mid-range`, mark: 'dashed', points: [x0, x1].map((x) => ({ x, y: ym * (x / xm) ** v.boundSlope })) });
        first = false;
      }
    }
  }
  if (s.value && others.length === 0) {
    const pts = s.value.cells.map((c) => ({ x: c.point[v.variable], y: c.bound })).filter((p) => Number.isFinite(p.x) && p.y > 0).sort((a, b) => a.x - b.x);
    if (pts.length) series.push({ name: "bound with the paper's constants", mark: 'dotted', points: pts });
  }
  return {
    kind: 'xy',
    id,
    title: `${summary.theorem}: ${summary.metric} against ${v.variable}`,
    caption: `${seriesLabel(s)}. Points: replica ${agg} per cell with its 95% ${agg === 'mean' ? 't-interval' : 'order-statistic interval'} (${s.replicas} replicas); solid: the joint OLS fit of log ${summary.metric} (slope ${fmt(v.slope, 3)}, 95% bootstrap CI [${fmt(v.ci[0], 3)}, ${fmt(v.ci[1], 3)}]); dashed: the bound's slope ${fmt(v.boundSlope, 3)} drawn through the fit at the middle of the range, so the two slopes can be compared by eye. Verdict ${v.verdict}.`,
    x: { label: v.variable, log: true },
    y: { label: `${summary.metric} (${agg})`, log: true },
    series,
  };
}

/** The fields that tell a theorem's series apart (those that differ between them), as "k=v, ...". */
export function shortSeriesLabels(series: readonly SeriesSummary[]): string[] {
  const fields = (x: SeriesSummary): Record<string, string> => ({
    algorithm: x.series.algorithm,
    problem: x.series.problem,
    noise: x.series.noise,
    engine: x.series.engine,
    seed: String(x.series.seed),
    ...Object.fromEntries(Object.entries(x.series.params).map(([k, v]) => [k, String(v)])),
  });
  const all = series.map(fields);
  const keys = [...new Set(all.flatMap((f) => Object.keys(f)))].filter((k) => new Set(all.map((f) => f[k])).size > 1);
  return all.map((f, i) => (keys.length ? keys.map((k) => (k === 'algorithm' ? f[k] : `${k}=${f[k]}`)).join(', ') : `series ${i + 1}`));
}

/**
 * One log-log figure with every series of a theorem against one variable (cell aggregates with
 * CIs and each series' fitted line, one colour per series): the n-scaling, kappa sweep, v1-vs-v2
 * view. Only for single-variable fits (with more variables the per-series figures group cells).
 */
export function overlayFigure(id: string, summary: RateSummary, variable: string, perSeries: readonly { s: SeriesSummary; points: readonly CellPoint[] }[]): Figure {
  const labels = shortSeriesLabels(perSeries.map((p) => p.s));
  const series: Series[] = [];
  perSeries.forEach(({ s, points }, k) => {
    const v = s.fit?.variables.find((f) => f.variable === variable);
    // cells and fit under one name: one colour and one legend entry per series
    const name = v ? `${labels[k]}: slope ${fmt(v.slope, 3)} (bound ${fmt(v.boundSlope, 3)})` : `${labels[k]}: no fit`;
    series.push({ name, mark: 'points', points: points.map((p) => ({ x: p.at[variable], y: p.y, lo: p.lo, hi: p.hi })) });
    if (v && s.fit) {
      const fit = s.fit;
      series.push({ name, mark: 'line', points: v.range.map((x) => ({ x, y: Math.exp(fit.intercept + v.slope * Math.log(x)) })) });
    }
  });
  const agg = summary.aggregation === 'median' ? 'median' : 'mean';
  return {
    kind: 'xy',
    id,
    title: `${summary.theorem}: all series against ${variable}`,
    caption: `Every series of ${summary.theorem}: replica ${agg} per cell with its 95% interval and the series' OLS fit in the same colour (fitted slope and the bound's slope in the legend).`,
    x: { label: variable, log: true },
    y: { label: `${summary.metric} (${agg})`, log: true },
    series,
  };
}

/** Empirical slope (95% CI) beside the bound's slope for every series: the sweep over series at a glance. */
export function slopesFigure(id: string, summary: RateSummary, variable: string): Figure | null {
  const withFit = summary.series.filter((s) => s.fit?.variables.some((v) => v.variable === variable));
  if (withFit.length < 2) return null;
  const labels = shortSeriesLabels(withFit);
  const items = withFit.flatMap((s, k) => {
    const v = s.fit!.variables.find((f) => f.variable === variable)!;
    return [
      { category: labels[k], source: 'empirical slope, 95% bootstrap CI', value: v.slope, lo: v.ci[0], hi: v.ci[1] },
      { category: labels[k], source: "bound's slope (local range over the sweep)", value: v.boundSlope, lo: v.boundLocalSlope.min, hi: v.boundLocalSlope.max },
    ];
  });
  return {
    kind: 'dots',
    id,
    title: `${summary.theorem}: fitted exponent in ${variable} per series`,
    caption: `Slope of log ${summary.metric} against log ${variable} per series, with its bootstrap CI, beside the bound's slope over the same cells (its bar: the smallest and largest local slope). Verdict tolerance ${summary.tol}.`,
    x: { label: `log-log slope in ${variable}` },
    categories: labels,
    sources: ['empirical slope, 95% bootstrap CI', "bound's slope (local range over the sweep)"],
    items,
  };
}

function fitTable(id: string, summary: RateSummary): Table {
  const rows: Record<string, string | number | null>[] = [];
  for (const s of summary.series) {
    for (const v of s.fit?.variables ?? []) {
      rows.push({
        series: seriesLabel(s),
        variable: v.variable,
        range: `${v.range[0]}..${v.range[1]}`,
        slope: v.slope,
        ci: `[${fmt(v.ci[0], 3)}, ${fmt(v.ci[1], 3)}]`,
        theilSen: v.theilSen,
        bound: v.boundSlope,
        local: `${fmt(v.boundLocalSlope.min, 3)}..${fmt(v.boundLocalSlope.max, 3)}`,
        verdict: v.verdict,
        replicas: s.replicas,
        cells: `${s.fittedCells}/${s.cellCount}`,
        r2: s.fit?.r2 ?? null,
      });
    }
    if (!s.fit) rows.push({ series: seriesLabel(s), variable: '-', range: '-', slope: null, ci: '-', theilSen: null, bound: null, local: '-', verdict: `INCONCLUSIVE (${s.insufficient ?? 'no fit'})`, replicas: s.replicas, cells: `${s.fittedCells}/${s.cellCount}`, r2: null });
    if (s.stall) rows.push({ series: seriesLabel(s), variable: `stall in ${s.stall.variable}`, range: '-', slope: null, ci: '-', theilSen: null, bound: null, local: '-', verdict: s.stall.status, replicas: s.replicas, cells: `${s.fittedCells}/${s.cellCount}`, r2: null });
  }
  return {
    id: `${id}-fit`,
    title: `${summary.theorem}: fitted exponents`,
    caption: `Joint OLS of log(replica ${summary.aggregation}) on log(${summary.variables.join(', ')}); ${summary.resamples} bootstrap resamples over replicas (seed ${summary.seed}), level ${summary.level}; tolerance ${summary.tol}. "bound local slope": smallest and largest local log-log slope of the bound over the fitted cells.`,
    columns: [
      { key: 'series', label: 'series', align: 'l' },
      { key: 'variable', label: 'variable', align: 'l' },
      { key: 'range', label: 'range', align: 'r' },
      { key: 'slope', label: 'slope', digits: 3 },
      { key: 'ci', label: '95% CI', align: 'r' },
      { key: 'theilSen', label: 'Theil-Sen', digits: 3 },
      { key: 'bound', label: 'bound slope', digits: 3 },
      { key: 'local', label: 'bound local slope', align: 'r' },
      { key: 'verdict', label: 'verdict', align: 'l' },
      { key: 'replicas', label: 'replicas', digits: 6 },
      { key: 'cells', label: 'cells fitted', align: 'r' },
      { key: 'r2', label: 'R^2', digits: 4 },
    ],
    rows,
  };
}

function valueTable(id: string, summary: RateSummary): Table | null {
  const rows: Record<string, string | number | null>[] = [];
  for (const s of summary.series) {
    for (const c of s.value?.cells ?? []) {
      rows.push({
        point: Object.entries(c.point)
          .filter(([k]) => summary.variables.includes(k))
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
        mean: c.mean,
        ci: `[${fmt(c.ci[0])}, ${fmt(c.ci[1])}]`,
        bound: c.bound,
        status: c.status,
      });
    }
  }
  if (rows.length === 0) return null;
  const lvl = summary.series.find((s) => s.value)?.value?.cellLevel;
  return {
    id: `${id}-value`,
    title: `${summary.theorem}: the bound's value with the paper's constants`,
    caption: `Replica mean of ${summary.metric} per cell with its bootstrap CI at the Bonferroni-adjusted level ${lvl === undefined ? '-' : fmt(lvl, 4)}, against the bound B evaluated with the paper's constants.`,
    columns: [
      { key: 'point', label: 'cell', align: 'l' },
      { key: 'mean', label: 'mean', digits: 4 },
      { key: 'ci', label: 'CI', align: 'r' },
      { key: 'bound', label: 'bound B', digits: 4 },
      { key: 'status', label: 'status', align: 'l' },
    ],
    rows,
  };
}

function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** The pages of every theorem in rates.json (sorted by id); [] when the file is absent. */
export function ratePages(reportsDir: string, resultsDir: string, theorems: Registry<RateTheorem>): ReportPage[] {
  const file = path.join(reportsDir, 'rates.json');
  if (!fs.existsSync(file)) return [];
  const all = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, RateSummary>;
  const pages: ReportPage[] = [];
  for (const id of Object.keys(all).sort()) {
    const summary = all[id];
    const th: RateTheorem | undefined = theorems.has(id) ? theorems.get(id) : undefined;
    const rowsFile = path.join(resultsDir, `${id}.jsonl`);
    const rows = fs.existsSync(rowsFile) ? readResults(rowsFile).rows.filter((r) => r.theorem === id && r.metric === summary.metric) : [];
    const figures: Figure[] = [];
    const perSeries = summary.series.map((s) => {
      const seriesParams = Object.keys(s.series.params);
      const mine = rows.filter((r) => seriesKeyOfRow(r, seriesParams) === s.key);
      return { s, points: cellPoints(mine, summary.variables, summary.aggregation) };
    });
    if (summary.series.length > 1) {
      for (const v of summary.variables) {
        if (summary.variables.length === 1 && perSeries.some((p) => p.points.length)) figures.push(overlayFigure(`rate-${slug(id)}-all-${slug(v)}`, summary, v, perSeries));
        const sf = slopesFigure(`rate-${slug(id)}-slopes-${slug(v)}`, summary, v);
        if (sf) figures.push(sf);
      }
    }
    perSeries.forEach(({ s, points }, k) => {
      for (const v of s.fit?.variables ?? []) {
        if (points.length) figures.push(rateFigure(`rate-${slug(id)}-${k + 1}-${slug(v.variable)}`, s, v, points, summary));
      }
    });
    const declaration = th ?? declarationOf(summary);
    const negative = declaration.kind === 'negative';
    const outcome = theoremOutcome(declaration, summary);
    const tables = [fitTable(`rate-${slug(id)}`, summary)];
    const vt = valueTable(`rate-${slug(id)}`, summary);
    if (vt) tables.push(vt);
    const text: string[] = [];
    if (th) {
      text.push(`**Schedule**: ${th.schedule}`);
      text.push(`**Design**: ${th.design}`);
      text.push(`**Metric**: \`${th.metric}\`: ${METRICS[th.metric]}; replica ${th.aggregation} (${th.aggregationWhy}).`);
      text.push(`**Verdict tolerance** ${th.tol}: ${th.tolWhy}.`);
    }
    for (const s of summary.series) {
      for (const v of s.fit?.variables ?? []) text.push(`${seriesLabel(s)}, ${v.variable}: ${v.reason}.`);
      if (s.excluded.length) text.push(`Excluded cells (${seriesLabel(s)}): ${s.excluded.map((e) => `${e.reason} (${e.detail})`).join('; ')}.`);
      if (s.value?.note) text.push(`Bound value: ${s.value.note}`);
      if (s.stall) text.push(`Stall (${s.stall.status}): ${s.stall.reasons.join('; ')}.`);
    }
    if (rows.length === 0) text.push(`No results rows found at \`${path.relative(reportsDir, rowsFile) || rowsFile}\`: figures need them; the fit table comes from rates.json.`);
    const Ts = uniq(rows.map((r) => r.T)).sort((a, b) => a - b);
    const ds = uniq(rows.map((r) => r.d)).sort((a, b) => a - b);
    const ns = uniq(rows.map((r) => r.n)).sort((a, b) => a - b);
    const settings: [string, string][] = [
      ['bound (claimed rate)', summary.bound],
      ...(th?.valueBound ? [['bound with constants', `${th.valueBound} with ${Object.entries(th.constants).map(([k, v]) => `${k} = ${v}`).join(', ')}`] as [string, string]] : []),
      ['metric', `${summary.metric}, replica ${summary.aggregation}`],
      ['swept variables', summary.variables.join(', ')],
      ['series', summary.series.map(seriesLabel).join('; ')],
      ...(rows.length ? ([['T', Ts.join(', ')], ['d', ds.join(', ')], ['n', ns.join(', ')], ['replicas per cell', uniq(summary.series.map((s) => s.replicas)).join(', ')]] as [string, string][]) : []),
      ...(th ? ([['assumptions', th.assumptions.join('; ')]] as [string, string][]) : []),
      ['tolerance', `${summary.tol}`],
    ];
    const rel = (f: string) => path.relative(reportsDir, f).split(path.sep).join('/');
    pages.push({
      id,
      kind: negative ? 'negative' : 'rate',
      title: th?.title ?? id,
      verdict: outcome.verdict,
      ok: outcome.ok,
      statement: th?.statement ?? summary.boundTex,
      source: th?.source ?? '(not in the theorem registry)',
      settings,
      figures,
      tables,
      claims: [],
      text,
      discrepancies: [],
      provenance: [
        ['results', `${rel(rowsFile)} (${rows.length} rows of metric ${summary.metric}); summary rates.json`],
        ['seeds', uniq(summary.series.map((s) => String(s.series.seed))).join(', ')],
        ['engine', uniq(summary.series.map((s) => s.series.engine)).join(', ')],
        ['git sha', uniq(rows.map((r) => r.gitSha)).sort().join(', ') || 'unknown (no rows)'],
        ['date', 'not recorded by the rate results format (rows carry the git sha)'],
        ['bootstrap', `${summary.resamples} resamples, seed ${summary.seed}, level ${summary.level}`],
      ],
    });
  }
  return pages;
}
