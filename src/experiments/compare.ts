/**
 * Building blocks for "paper vs ours" analyses of seed experiments: estimates over seeds with a CI
 * and with the range a paper-sized run would give, comparison tables and dot plots, curve bands.
 */
import type { DotFigure, DotItem, Series, SeriesPoint, Table } from '../report/model.ts';
import { meanCi, paperRange, seedBootstrap } from '../stats/index.ts';
import type { JobResult } from './types.ts';

/** Confidence level of every interval in the seed experiments. */
export const LEVEL = 0.95;

/** Our estimate of a quantity, next to a paper's number. */
export interface Estimate {
  /** Seeds behind the estimate. */
  readonly n: number;
  readonly value: number;
  /** 95% CI of our estimate (Student t over seeds for means; seed bootstrap otherwise). */
  readonly lo: number;
  readonly hi: number;
  /** How the CI was computed, in words. */
  readonly ciMethod: string;
  /**
   * 95% range for the paper's number if its set-up equals ours ({@link paperRange}): our value plus
   * the bootstrap spread of (statistic on `paperRepeats` seeds) - (statistic on all our seeds), so
   * it carries the noise of the paper's few repeats and our own estimation error.
   */
  readonly rangeLo: number;
  readonly rangeHi: number;
  readonly paperRepeats: number;
}

/** The estimate of a mean over seeds: t-interval, and the range of a mean of `paperRepeats` seeds. */
export function estimateMean(values: readonly number[], paperRepeats: number, seed = 1): Estimate {
  const ci = meanCi(values, LEVEL);
  const range = paperRange(values.length, (idx) => {
    let s = 0;
    for (let k = 0; k < idx.length; k++) s += values[idx[k]];
    return s / idx.length;
  }, paperRepeats, { seed, level: LEVEL });
  return { n: values.length, value: ci.mean, lo: ci.lo, hi: ci.hi, ciMethod: `Student t over ${values.length} seeds`, rangeLo: range.lo, rangeHi: range.hi, paperRepeats };
}

/**
 * The estimate of any statistic of the seeds (e.g. a variance over iterations of the mean curve):
 * value on all seeds, percentile bootstrap CI (resamples of all S seeds), and the range for a
 * paper's number computed from `paperRepeats` seeds ({@link paperRange}).
 */
export function estimateStatistic(seeds: number, statistic: (idx: ArrayLike<number>) => number, paperRepeats: number, seed = 1): Estimate {
  const all = Array.from({ length: seeds }, (_, i) => i);
  const value = statistic(all);
  const ci = seedBootstrap(seeds, statistic, { seed, level: LEVEL });
  const range = paperRange(seeds, statistic, paperRepeats, { seed: seed + 1, level: LEVEL });
  return { n: seeds, value, lo: ci.lo, hi: ci.hi, ciMethod: `seed bootstrap (${ci.resamples} resamples, percentile)`, rangeLo: range.lo, rangeHi: range.hi, paperRepeats };
}

/** 'consistent' when the paper's number lies in its 95% range under our set-up ({@link paperRange}). */
export function agreement(paper: number, e: Estimate): 'consistent' | 'outside' {
  return paper >= e.rangeLo && paper <= e.rangeHi ? 'consistent' : 'outside';
}

/** One row of a paper-vs-ours table. */
export interface ComparisonRow {
  readonly label: string;
  readonly quantity: string;
  readonly paper: number | null;
  readonly ours: Estimate;
}

/** A paper-vs-ours table: label, quantity, paper, ours, 95% CI, paper-sized range, agreement. */
export function comparisonTable(id: string, title: string, caption: string, rows: readonly ComparisonRow[], digits = 4): Table {
  return {
    id,
    title,
    caption,
    columns: [
      { key: 'label', label: 'method', align: 'l' },
      { key: 'quantity', label: 'quantity', align: 'l' },
      { key: 'paper', label: 'paper', digits },
      { key: 'ours', label: 'ours', digits },
      { key: 'ci', label: '95% CI (ours)', align: 'r' },
      { key: 'range', label: "95% range for the paper's number", align: 'r' },
      { key: 'seeds', label: 'seeds (ours / paper)', align: 'r' },
      { key: 'agreement', label: 'agreement', align: 'l' },
    ],
    rows: rows.map((r) => ({
      label: r.label,
      quantity: r.quantity,
      paper: r.paper,
      ours: r.ours.value,
      ci: `[${fmt(r.ours.lo, digits)}, ${fmt(r.ours.hi, digits)}]`,
      range: `[${fmt(r.ours.rangeLo, digits)}, ${fmt(r.ours.rangeHi, digits)}]`,
      seeds: `${r.ours.n} / ${r.ours.paperRepeats}`,
      agreement: r.paper === null ? '-' : agreement(r.paper, r.ours),
    })),
  };
}

/** Significant-digit formatting shared with the report (no exponent for ordinary magnitudes). */
export function fmt(x: number | null, digits = 4): string {
  if (x === null || !Number.isFinite(x)) return x === null ? '-' : String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e6) {
    const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
    return x.toFixed(Math.min(decimals, 12));
  }
  return x.toExponential(digits - 1);
}

/** Sources of a paper-vs-ours dot plot, in legend order. */
export const DOT_SOURCES = ['paper', 'ours: mean, 95% CI', "95% range for the paper's number"] as const;

/** A dot plot of paper numbers against our CIs and paper-sized ranges, one row per label. */
export function comparisonDots(id: string, title: string, caption: string, xLabel: string, rows: readonly ComparisonRow[], log = false): DotFigure {
  const items: DotItem[] = [];
  for (const r of rows) {
    if (r.paper !== null) items.push({ category: r.label, source: DOT_SOURCES[0], value: r.paper });
    items.push({ category: r.label, source: DOT_SOURCES[1], value: r.ours.value, lo: r.ours.lo, hi: r.ours.hi });
    items.push({ category: r.label, source: DOT_SOURCES[2], value: r.ours.value, lo: r.ours.rangeLo, hi: r.ours.rangeHi });
  }
  return { kind: 'dots', id, title, caption, x: { label: xLabel, log }, categories: rows.map((r) => r.label), sources: [...DOT_SOURCES], items };
}

/**
 * Mean curve over seeds with a pointwise 95% t-interval: one point per checkpoint, from the jobs'
 * curve `name` (values multiplied by `scale`). Seeds whose value is null at a checkpoint (diverged)
 * are left out of that point; a point with fewer than 2 finite seeds has no band.
 */
export function bandSeries(name: string, jobs: readonly JobResult[], curve: string, scale = 1, every = 1): Series {
  if (jobs.length === 0) return { name, mark: 'band', points: [] };
  const cps = jobs[0].checkpoints;
  const points: SeriesPoint[] = [];
  for (let c = 0; c < cps.length; c += every) {
    const vals: number[] = [];
    for (const j of jobs) {
      const v = j.curves[curve]?.[c];
      if (v !== null && v !== undefined) vals.push(v * scale);
    }
    if (vals.length === 0) continue;
    const ci = meanCi(vals, LEVEL);
    points.push(vals.length >= 2 ? { x: cps[c], y: ci.mean, lo: ci.lo, hi: ci.hi } : { x: cps[c], y: ci.mean });
  }
  return { name, mark: 'band', points };
}

/** Values of one scalar over jobs (non-null only), in job order. */
export function valuesOf(jobs: readonly JobResult[], key: string): number[] {
  const out: number[] = [];
  for (const j of jobs) {
    const v = j.values[key];
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}
