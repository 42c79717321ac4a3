/**
 * reports/summary.md of `signcheck verify`: one table of every lemma (expected verdict, runs,
 * smallest relative margin, verdict) and one of every fitted rate (theorem, kind or the theorem a
 * wrong variant varies, variable, empirical slope with its 95% CI, bound slope, verdict, replicas,
 * and the theorem's outcome: for a wrong variant whether it was rejected as expected).
 */
import * as path from 'node:path';
import { writeFileAtomic } from '../core/files.ts';
import type { LemmaResult } from '../lemmas/types.ts';
import type { TheoremCheck } from '../theorems/check.ts';

/** The text of summary.md for a profile's lemma results and theorem checks. */
export function verifySummaryText(profile: string, lemmas: readonly LemmaResult[], theorems: readonly TheoremCheck[]): string {
  const lines = [
    '# signcheck summary',
    '',
    `Profile ${profile}, engine ${[...new Set(theorems.flatMap((t) => t.summary.series.map((x) => x.series.engine)))].sort().join(', ') || 'none'}. Lemmas: fast-check over the declared domains in float64; the margin is (rhs - lhs)/scale, and a negative margin smaller than the lemma's derived rounding tolerance still holds (tolerances, counterexamples and replay commands in lemmas.md). Rate fits: OLS of log(replica mean) on log(variable), 95% expanded-percentile bootstrap CI over replicas (details in rates.md); wrong variants must be rejected (FAIL, or NOT REPRODUCED for a negative result).`,
    '',
    '## Lemmas',
    '',
    '| lemma | expected | runs | smallest relative margin | verdict |',
    '|---|---|---|---|---|',
    ...lemmas.map((r) => `| ${r.id} | ${r.expect} | ${r.runs} | ${Number.isFinite(r.smallestRelativeMargin) ? r.smallestRelativeMargin.toExponential(2) : '-'} | ${r.verdict} |`),
    '',
    '## Rate theorems',
    '',
    '| theorem | kind | variable | empirical slope | 95% CI | bound slope | verdict | replicas | outcome |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { th, summary, outcome } of theorems) {
    const kind = th.variantOf ? `wrong variant of ${th.variantOf.theorem} (${th.variantOf.kind})` : th.kind;
    const verdictOf = (v: string) => (th.kind === 'negative' ? outcome.verdict.replace(/ \(.*$/, '') : v);
    for (const s of summary.series) {
      const fits = s.fit?.variables ?? [];
      if (fits.length === 0) lines.push(`| ${th.id} | ${kind} | - | - | - | - | ${verdictOf('INCONCLUSIVE')} | ${s.replicas} | ${outcome.verdict} |`);
      for (const v of fits) {
        lines.push(`| ${th.id} | ${kind} | ${v.variable} | ${v.slope.toFixed(3)} | [${v.ci[0].toFixed(3)}, ${v.ci[1].toFixed(3)}] | ${v.boundSlope.toFixed(3)} | ${verdictOf(v.verdict)} | ${s.replicas} | ${outcome.verdict} |`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `<reports>/summary.md` ({@link verifySummaryText}); returns its path. */
export function verifySummary(reportsDir: string, profile: string, lemmas: readonly LemmaResult[], theorems: readonly TheoremCheck[]): string {
  const file = path.join(reportsDir, 'summary.md');
  writeFileAtomic(file, verifySummaryText(profile, lemmas, theorems));
  return file;
}
