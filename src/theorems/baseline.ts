/**
 * Comparison of a rate summary with its baseline (reports/baseline/rates.json): which changes are
 * regressions (CI fails on them) and which are only changes.
 */
import * as fs from 'node:fs';
import { UserInputError, requireNonNegative } from '../core/errors.ts';
import { writeFileAtomic } from '../core/files.ts';
import { formatSeriesKey, type RateSummary, type SeriesSummary } from './analysis.ts';
import { valueRank, verdictRank } from './verdict.ts';

/** One difference between a summary and its baseline. */
export interface BaselineFinding {
  /** Series key, and the variable where the finding is about a fit. */
  readonly series: string;
  readonly variable: string | null;
  readonly kind: 'missing-series' | 'missing-fit' | 'verdict' | 'exponent' | 'value' | 'stall' | 'new-series';
  readonly message: string;
}

/** Result of {@link compareToBaseline}. */
export interface BaselineComparison {
  /** Worsenings: CI must fail on any of these. */
  readonly regressions: BaselineFinding[];
  /** Changes that are not worsenings (TIGHT <-> PASS, improvements, new series). */
  readonly changes: BaselineFinding[];
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/** Significant digits of numeric series parameters when series are matched against a baseline. */
export const COMPARISON_DIGITS = 10;

/**
 * The key under which a series is matched against the baseline: its stored key, except that numeric
 * series parameters are rounded to {@link COMPARISON_DIGITS} significant digits. Some series carry
 * constants measured on their random instance (e.g. Delta = f(x0) - f* and Linf of a rotated
 * quadratic); a change in the last bits of the instance generator must not turn the same series into
 * a "missing" one. Series that differ in the first 10 digits stay distinct.
 */
export function comparisonKey(s: Pick<SeriesSummary, 'series'>): string {
  return formatSeriesKey(s.series, COMPARISON_DIGITS);
}

/**
 * Compares a summary with a baseline summary of the same theorem and metric. Series are matched by
 * {@link comparisonKey}. Regressions:
 * - a baseline series or fit missing from `current`;
 * - a verdict that worsened by {@link verdictRank} (FAIL < INCONCLUSIVE < PASS = TIGHT);
 * - an exponent outside its baseline CI by more than tol: slope < lo_base - tol or
 *   slope > hi_base + tol;
 * - a bound-value status that worsened (violated < inconclusive < holds);
 * - a negative result that was reproduced and no longer is.
 * Everything else that changed (TIGHT <-> PASS, improvements, new series) is listed in `changes`.
 */
export function compareToBaseline(current: RateSummary, baseline: RateSummary, tol: number): BaselineComparison {
  requireNonNegative('tol', tol);
  if (current.theorem !== baseline.theorem || current.metric !== baseline.metric) {
    throw new UserInputError('baseline', 'must be of the same theorem and metric', `${baseline.theorem}/${baseline.metric} vs ${current.theorem}/${current.metric}`);
  }
  const regressions: BaselineFinding[] = [];
  const changes: BaselineFinding[] = [];
  const cur = new Map(current.series.map((s) => [comparisonKey(s), s]));
  const base = new Map(baseline.series.map((s) => [comparisonKey(s), s]));
  for (const b of baseline.series) {
    const c = cur.get(comparisonKey(b));
    if (!c) {
      regressions.push({ series: b.key, variable: null, kind: 'missing-series', message: 'series in the baseline is missing' });
      continue;
    }
    for (const bf of b.fit?.variables ?? []) {
      const cf = c.fit?.variables.find((f) => f.variable === bf.variable);
      if (!cf) {
        regressions.push({ series: b.key, variable: bf.variable, kind: 'missing-fit', message: `no fit any more (${c.insufficient ?? 'variable not fitted'}); baseline ${bf.verdict}` });
        continue;
      }
      const rb = verdictRank(bf.verdict);
      const rc = verdictRank(cf.verdict);
      if (rc < rb) regressions.push({ series: b.key, variable: bf.variable, kind: 'verdict', message: `verdict ${bf.verdict} -> ${cf.verdict}` });
      else if (cf.verdict !== bf.verdict) changes.push({ series: b.key, variable: bf.variable, kind: 'verdict', message: `verdict ${bf.verdict} -> ${cf.verdict}` });
      const [lo, hi] = bf.ci;
      if (cf.slope < lo - tol || cf.slope > hi + tol) {
        regressions.push({
          series: b.key,
          variable: bf.variable,
          kind: 'exponent',
          message: `slope ${fmt(cf.slope)} left the baseline CI [${fmt(lo)}, ${fmt(hi)}] by more than ${fmt(tol)}`,
        });
      }
    }
    if (b.value) {
      if (!c.value) regressions.push({ series: b.key, variable: null, kind: 'value', message: 'bound-value check missing' });
      else if (valueRank(c.value.status) < valueRank(b.value.status)) {
        regressions.push({ series: b.key, variable: null, kind: 'value', message: `bound value ${b.value.status} -> ${c.value.status}` });
      } else if (c.value.status !== b.value.status) {
        changes.push({ series: b.key, variable: null, kind: 'value', message: `bound value ${b.value.status} -> ${c.value.status}` });
      }
    }
    if (b.stall) {
      if (!c.stall || (b.stall.status === 'reproduced' && c.stall.status !== 'reproduced')) {
        regressions.push({ series: b.key, variable: null, kind: 'stall', message: `negative result ${b.stall.status} -> ${c.stall?.status ?? 'missing'}` });
      } else if (c.stall.status !== b.stall.status) {
        changes.push({ series: b.key, variable: null, kind: 'stall', message: `negative result ${b.stall.status} -> ${c.stall.status}` });
      }
    }
  }
  for (const c of current.series) {
    if (!base.has(comparisonKey(c))) changes.push({ series: c.key, variable: null, kind: 'new-series', message: 'series not in the baseline' });
  }
  return { regressions, changes };
}

/** Baseline summaries by theorem id, as in reports/baseline/rates.json. */
export type BaselineFile = Record<string, RateSummary>;

/** Reads a baseline file; a missing file is a usage error that says how to create one. */
export function readBaseline(file: string): BaselineFile {
  if (!fs.existsSync(file)) throw new UserInputError('--check', 'needs a baseline file (create it with --update-baseline)', file);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as BaselineFile;
}

/** Records these summaries in a baseline file (other theorems' entries are kept), atomically. */
export function updateBaseline(file: string, summaries: readonly { readonly id: string; readonly summary: RateSummary }[]): void {
  const prev: BaselineFile = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as BaselineFile) : {};
  for (const { id, summary } of summaries) prev[id] = summary;
  writeFileAtomic(file, `${JSON.stringify(prev, null, 1)}\n`);
}

/** The baseline comparison of one theorem: null when the baseline has no entry for it. */
export interface TheoremBaselineCheck {
  readonly id: string;
  readonly comparison: BaselineComparison | null;
}

/** The baseline check of several theorems, and whether any regressed. */
export interface BaselineCheck {
  readonly file: string;
  readonly theorems: readonly TheoremBaselineCheck[];
  readonly regressions: number;
  readonly changes: number;
}

/** Compares each theorem's summary with its baseline entry ({@link compareToBaseline} with the theorem's tol). */
export function checkBaseline(file: string, summaries: readonly { readonly id: string; readonly tol: number; readonly summary: RateSummary }[]): BaselineCheck {
  const base = readBaseline(file);
  const theorems = summaries.map(({ id, tol, summary }) => ({ id, comparison: base[id] ? compareToBaseline(summary, base[id], tol) : null }));
  const count = (k: 'regressions' | 'changes') => theorems.reduce((a, t) => a + (t.comparison?.[k].length ?? 0), 0);
  return { file, theorems, regressions: count('regressions'), changes: count('changes') };
}
