/**
 * The outcome of a rate theorem or negative result: one verdict for the whole summary, and whether
 * it counts as the check holding.
 *
 * - A rate claim takes the worst slope verdict over its series and fitted variables
 *   ({@link worstVerdict}; a series without a fit counts as INCONCLUSIVE), followed by
 *   ", bound value VIOLATED" when a series' bound-value check is violated. It holds unless the
 *   worst verdict is FAIL or a bound value is violated.
 * - A negative result is "reproduced" when at least one series is not a contrast series, every
 *   such series stalls (stall status "reproduced"), and every contrast series (see
 *   {@link isContrast}) was checked and does not stall; else "NOT REPRODUCED".
 */
import type { RateSummary, SeriesSummary } from './analysis.ts';
import type { RateTheorem } from './types.ts';
import { worstVerdict } from './verdict.ts';

/** What the outcome rule needs of a declaration: its kind and, for negative results, the contrast series. */
export type OutcomeDeclaration = Pick<RateTheorem, 'kind' | 'stall'>;

/** The outcome of one theorem's summary (rules in the module doc). */
export interface TheoremOutcome {
  readonly verdict: string;
  readonly ok: boolean;
}

/** The overall outcome of one theorem's summary (rules in the module doc). */
export function theoremOutcome(th: OutcomeDeclaration, s: RateSummary): TheoremOutcome {
  if (th.kind === 'negative') {
    const primary = s.series.filter((x) => !isContrast(th, x));
    const contrast = s.series.filter((x) => isContrast(th, x));
    const ok =
      primary.length > 0 &&
      primary.every((x) => x.stall?.status === 'reproduced') &&
      contrast.every((x) => x.stall !== null && x.stall.status === 'not reproduced');
    return { verdict: ok ? 'reproduced' : 'NOT REPRODUCED', ok };
  }
  const worst = worstVerdict(s.series.flatMap((x) => x.fit?.variables.map((v) => v.verdict) ?? ['INCONCLUSIVE' as const]));
  const valueViolated = s.series.some((x) => x.value?.status === 'violated');
  return { verdict: valueViolated ? `${worst}, bound value VIOLATED` : worst, ok: worst !== 'FAIL' && !valueViolated };
}

/** True for a series that the declaration's `stall.contrast` names (expected not to stall). */
export function isContrast(th: OutcomeDeclaration, s: SeriesSummary): boolean {
  const c = th.stall?.contrast;
  return c !== undefined && c.values.includes(s.series.params[c.param]);
}

/**
 * The declaration a summary implies when its theorem is not registered (a rates.json from
 * elsewhere): negative when any series carries a stall check, with no contrast series.
 */
export function declarationOf(summary: RateSummary): OutcomeDeclaration {
  return { kind: summary.series.some((s) => s.stall !== null) ? 'negative' : 'rate' };
}
