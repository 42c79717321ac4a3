/**
 * Verdict stability: the same sweeps run and judged under K master seeds (seed offsets 0..K-1 added
 * to every cell's base seed), and per series and fitted variable the share of seeds whose verdict
 * differs from the most frequent one (the flip rate), and per theorem the share of seeds whose
 * outcome differs from the most frequent outcome. A verdict that flips between seeds is decided by
 * the noise of one run, not by the claim.
 */
import * as path from 'node:path';
import { checkTheorems, type CheckTheoremsOptions } from './check.ts';

/** Flip rate of one series and variable over K seeds. */
export interface SeriesStability {
  readonly theorem: string;
  /** The series without its seed: algorithm/problem/noise/engine and the series params. */
  readonly series: string;
  readonly variable: string;
  /** The verdict of each seed, in seed-offset order. */
  readonly verdicts: readonly string[];
  /** The most frequent verdict (the first of them on ties). */
  readonly modal: string;
  /** Share of seeds whose verdict differs from the modal one. */
  readonly flipRate: number;
}

/** Outcome stability of one theorem over K seeds. */
export interface TheoremStability {
  readonly theorem: string;
  readonly outcomes: readonly string[];
  /** Share of seeds whose outcome (as expected or not) differs from the most frequent one. */
  readonly flipRate: number;
}

/** The result of {@link verdictStability}. */
export interface StabilityReport {
  readonly seeds: number;
  readonly series: readonly SeriesStability[];
  readonly theorems: readonly TheoremStability[];
}

/** The most frequent value (first on ties) and the share of the others. */
function modalShare(values: readonly string[]): { modal: string; flipRate: number } {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let modal = values[0];
  for (const v of values) if ((counts.get(v) ?? 0) > (counts.get(modal) ?? 0)) modal = v;
  return { modal, flipRate: 1 - (counts.get(modal) ?? 0) / values.length };
}

/**
 * Runs the selected theorems under seed offsets 0..K-1 (each into `<out>/seed-<k>`, fresh, no
 * baseline step) and reports the flip rates of the module doc.
 */
export async function verdictStability(o: Omit<CheckTheoremsOptions, 'seedOffset' | 'baseline' | 'shard' | 'resume' | 'fresh' | 'analyzeOnly'>, K: number, onSeed?: (k: number) => void): Promise<StabilityReport> {
  const perSeed = [];
  for (let k = 0; k < K; k++) {
    onSeed?.(k);
    perSeed.push(await checkTheorems({ ...o, out: path.join(o.out, `seed-${k}`), seedOffset: k, fresh: true }));
  }
  const series = new Map<string, { theorem: string; series: string; variable: string; verdicts: string[] }>();
  const theorems = new Map<string, string[]>();
  for (const run of perSeed) {
    for (const { th, summary, outcome } of run.summaries) {
      const list = theorems.get(th.id) ?? [];
      list.push(outcome.ok ? 'as expected' : 'NOT as expected');
      theorems.set(th.id, list);
      for (const s of summary.series) {
        const { algorithm, problem, noise, engine, params } = s.series;
        const key = `${algorithm}/${problem}/${noise}/${engine}/${JSON.stringify(params)}`;
        const fits = s.fit?.variables ?? [];
        for (const v of fits.length ? fits : [{ variable: '-', verdict: 'INCONCLUSIVE' as const }]) {
          const id = `${th.id}\u0000${key}\u0000${v.variable}`;
          const entry = series.get(id) ?? { theorem: th.id, series: key, variable: v.variable, verdicts: [] };
          entry.verdicts.push(th.kind === 'negative' ? (s.stall?.status ?? 'no stall check') : v.verdict);
          series.set(id, entry);
        }
      }
    }
  }
  return {
    seeds: K,
    series: [...series.values()].map((e) => ({ ...e, ...modalShare(e.verdicts) })),
    theorems: [...theorems.entries()].map(([theorem, outcomes]) => ({ theorem, outcomes, flipRate: modalShare(outcomes).flipRate })),
  };
}

/** The stability report as Markdown (reports/stability.md). */
export function stabilityMarkdown(r: StabilityReport): string {
  const out = [
    `# Verdict stability over ${r.seeds} master seeds`,
    '',
    'Each theorem run and judged under seed offsets 0..K-1 (quick profile unless stated); flip rate: the share of seeds whose verdict differs from the most frequent one.',
    '',
    '| theorem | outcome flip rate | outcomes |',
    '|---|---:|---|',
    ...r.theorems.map((t) => `| ${t.theorem} | ${t.flipRate.toFixed(2)} | ${t.outcomes.join(', ')} |`),
    '',
    '| theorem | series | variable | modal verdict | flip rate | verdicts |',
    '|---|---|---|---|---:|---|',
    ...r.series.map((s) => `| ${s.theorem} | ${s.series} | ${s.variable} | ${s.modal} | ${s.flipRate.toFixed(2)} | ${s.verdicts.join(', ')} |`),
    '',
  ];
  return out.join('\n');
}
