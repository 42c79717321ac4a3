import type { RateSummary, SeriesSummary } from '../rates/analyze.ts';
import { escapeTex } from '../report/format.ts';
import type { RateTheorem } from './types.ts';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));
const ci = (c: readonly [number, number] | null) => (c ? `[${f3(c[0])}, ${f3(c[1])}]` : '-');

/** The overall outcome of one theorem's summary: worst verdict over series and variables. */
export function theoremOutcome(th: RateTheorem, s: RateSummary): { verdict: string; ok: boolean } {
  if (th.kind === 'negative') {
    // contrast series (th.stall.contrast) must NOT stall; every other series must
    const primary = s.series.filter((x) => !isContrast(th, x));
    const contrast = s.series.filter((x) => isContrast(th, x));
    const ok =
      primary.length > 0 &&
      primary.every((x) => x.stall?.status === 'reproduced') &&
      contrast.every((x) => x.stall !== null && x.stall.status === 'not reproduced');
    return { verdict: ok ? 'reproduced' : 'NOT REPRODUCED', ok };
  }
  const verdicts = s.series.flatMap((x) => x.fit?.variables.map((v) => v.verdict) ?? ['INCONCLUSIVE']);
  const values = s.series.map((x) => x.value?.status ?? 'holds');
  const order = ['FAIL', 'INCONCLUSIVE', 'PASS', 'TIGHT'];
  const worst = verdicts.length ? verdicts.reduce((a, b) => (order.indexOf(a) <= order.indexOf(b) ? a : b)) : 'INCONCLUSIVE';
  const valueViolated = values.includes('violated');
  return { verdict: valueViolated ? `${worst}, bound value VIOLATED` : worst, ok: worst !== 'FAIL' && !valueViolated };
}

/** True for a series that th.stall.contrast declares a contrast (expected not to stall). */
export function isContrast(th: RateTheorem, s: SeriesSummary): boolean {
  const c = th.stall?.contrast;
  return c !== undefined && c.values.includes(s.series.params[c.param]);
}

function seriesLabel(s: SeriesSummary): string {
  const p = Object.entries(s.series.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `${s.series.algorithm} on ${s.series.problem}, ${s.series.noise}${p ? ` (${p})` : ''}`;
}

/** Markdown table rows (one per series x fitted variable) of the rate summaries. */
export function ratesMarkdown(items: readonly { th: RateTheorem; summary: RateSummary; file: string; profile: string }[]): string {
  const out: string[] = [];
  out.push('| theorem | series | variable | range | empirical slope | 95% CI | Theil-Sen | bound slope | verdict | replicas | CI width | bound value |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { th, summary } of items) {
    for (const s of summary.series) {
      const vs = s.fit?.variables ?? [];
      if (vs.length === 0) {
        out.push(`| ${th.id} | ${seriesLabel(s)} | - | - | - | - | - | - | INCONCLUSIVE (${s.insufficient ?? 'no fit'}) | ${s.replicas} | - | - |`);
      }
      for (const v of vs) {
        out.push(
          `| ${th.id} | ${seriesLabel(s)} | ${v.variable} | ${v.range[0]}..${v.range[1]} | ${f3(v.slope)} | ${ci(v.ci)} | ${v.theilSen === null ? '-' : f3(v.theilSen)} | ${f3(v.boundSlope)} | ${v.verdict} | ${s.replicas} | ${f3(v.ciWidth)} | ${s.value?.status ?? '-'} |`,
        );
      }
      if (s.stall) out.push(`| ${th.id} | ${seriesLabel(s)} | stall in ${s.stall.variable}${isContrast(th, s) ? ' (contrast: expected not reproduced)' : ''} | - | - | - | - | - | ${s.stall.status} | ${s.replicas} | - | - |`);
    }
  }
  return out.join('\n');
}

/** The full rates report (Markdown): the table, then per theorem its statement, design and provenance. */
export function ratesReport(items: readonly { th: RateTheorem; summary: RateSummary; file: string; profile: string }[]): string {
  const parts = ['# Rate theorems', '', ratesMarkdown(items), ''];
  for (const { th, summary, file, profile } of items) {
    const o = theoremOutcome(th, summary);
    parts.push(`## ${th.id}: ${o.verdict}`, '');
    parts.push(`- **Claim**: $${th.statement}$ — ${th.source}`);
    parts.push(`- **Schedule**: ${th.schedule}`);
    parts.push(`- **Claimed rate** (slopes derived from it): \`${th.bound}\``);
    if (th.valueBound) parts.push(`- **Bound with the paper's constants** (E metric <= B checked per cell): \`${th.valueBound}\` with ${Object.entries(th.constants).map(([k, v]) => `${k} = ${v}`).join(', ')}`);
    parts.push(`- **Design**: ${th.design}`);
    parts.push(`- **Metric**: ${th.metric}, replica ${th.aggregation} (${th.aggregationWhy})`);
    parts.push(`- **Verdict tolerance**: ${th.tol} (${th.tolWhy}); CIs: bootstrap over replicas, ${summary.resamples} resamples, level ${summary.level}`);
    parts.push(`- **Provenance**: profile ${profile}, results \`${file}\`, seeds ${[...new Set(summary.series.map((s) => s.series.seed))].join(', ')}`);
    for (const s of summary.series) {
      if (s.excluded.length) parts.push(`- Excluded cells (${seriesLabel(s)}): ${s.excluded.map((e) => `${e.cell}: ${e.reason} ${e.detail}`).join('; ')}`);
      if (s.value?.note) parts.push(`- Bound value: ${s.value.note}`);
      for (const v of s.fit?.variables ?? []) parts.push(`- ${v.variable}: ${v.reason}`);
      if (s.stall) parts.push(`- Stall${isContrast(th, s) ? ` (contrast series, expected not reproduced: ${th.stall!.contrast!.why})` : ''}: ${s.stall.reasons.join('; ')}`);
    }
    parts.push('');
  }
  return parts.join('\n');
}

/** A booktabs table of the rate fits, for `\input` in a paper. */
export function ratesLatex(items: readonly { th: RateTheorem; summary: RateSummary }[]): string {
  const lines = [
    '% generated by signcheck rates; do not edit',
    '\\begin{tabular}{llrrrrlr}',
    '\\toprule',
    'Theorem & Variable & Slope & 95\\% CI & Bound slope & CI width & Verdict & Replicas \\\\',
    '\\midrule',
  ];
  for (const { th, summary } of items) {
    for (const s of summary.series) {
      for (const v of s.fit?.variables ?? []) {
        lines.push(`${escapeTex(th.id)} & $${v.variable}$ & ${f3(v.slope)} & [${f3(v.ci[0])}, ${f3(v.ci[1])}] & ${f3(v.boundSlope)} & ${f3(v.ciWidth)} & ${v.verdict} & ${s.replicas} \\\\`);
      }
      if (s.stall) lines.push(`${escapeTex(th.id)} & stall (${s.stall.variable}) & & & & & ${s.stall.status} & ${s.replicas} \\\\`);
    }
  }
  lines.push('\\bottomrule', '\\end{tabular}', '');
  return lines.join('\n');
}
