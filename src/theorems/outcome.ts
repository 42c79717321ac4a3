/**
 * The outcome of a rate theorem, negative result or wrong variant: one verdict for the whole
 * summary, whether it is as declared, and what happened on the way (divergence, missing fits,
 * accepted inconclusive series).
 *
 * - A **rate claim** takes the worst slope verdict over its series and fitted variables
 *   ({@link worstVerdict}: FAIL < INCONCLUSIVE < SLOWER < PASS < TIGHT). A series without a fit
 *   counts as INCONCLUSIVE; a series with a diverged cell counts as FAIL, naming the step, unless the
 *   declaration says why divergence is expected (`divergenceWhy`). ", bound value VIOLATED" follows
 *   when a series' bound-value check is violated. The claim holds when the worst verdict is TIGHT,
 *   PASS or SLOWER (SLOWER flagged), or INCONCLUSIVE where the declaration says why that is
 *   acceptable (`inconclusiveWhy`), and no bound value is violated.
 * - A **negative result** is "reproduced" when at least one series is not a contrast series, every
 *   such series stalls (stall status "reproduced"), and every contrast series ({@link isContrast})
 *   was checked and does not stall; else "NOT REPRODUCED".
 * - A **wrong variant** (`variantOf`) is judged by the same rules and is as expected when the check
 *   rejects it: a rate claim's worst verdict is FAIL or a bound value is violated; a negative result
 *   is NOT REPRODUCED. Anything else means the check cannot tell the variant from the claim.
 */
import type { RateSummary, SeriesSummary } from './analysis.ts';
import type { RateTheorem } from './types.ts';
import { worstVerdict, type SlopeVerdict } from './verdict.ts';

/** What the outcome rule needs of a declaration. */
export type OutcomeDeclaration = Pick<RateTheorem, 'kind' | 'stall'> & Partial<Pick<RateTheorem, 'inconclusiveWhy' | 'divergenceWhy' | 'variantOf'>>;

/** The outcome of one theorem's summary (rules in the module doc). */
export interface TheoremOutcome {
  /** The verdict as shown: the judgement, and for a variant whether it was rejected. */
  readonly verdict: string;
  /** The result is as declared: the claim holds, the negative result is reproduced, the variant is rejected. */
  readonly ok: boolean;
  /** What happened besides the fits: diverged cells, series without a fit, accepted inconclusive series. */
  readonly notes: readonly string[];
}

/** The verdict of one series of a rate claim and the notes it adds (module doc). */
function seriesVerdicts(th: OutcomeDeclaration, s: SeriesSummary): { verdicts: SlopeVerdict[]; notes: string[] } {
  const notes: string[] = [];
  const verdicts: SlopeVerdict[] = s.fit?.variables.map((v) => v.verdict) ?? ['INCONCLUSIVE'];
  if (!s.fit) notes.push(`${s.key}: no fit (${s.insufficient ?? 'no usable cells'})`);
  const diverged = s.excluded.filter((e) => e.reason === 'diverged');
  if (diverged.length) {
    const what = `${s.key}: ${diverged.length} cell(s) diverged (${diverged.map((e) => e.detail).join('; ')})`;
    if (th.divergenceWhy) notes.push(`${what}; expected: ${th.divergenceWhy}`);
    else {
      notes.push(what);
      verdicts.push('FAIL');
    }
  }
  return { verdicts, notes };
}

/** The overall outcome of one theorem's summary (rules in the module doc). */
export function theoremOutcome(th: OutcomeDeclaration, s: RateSummary): TheoremOutcome {
  let judged: { verdict: string; holds: boolean; rejected: boolean; notes: string[] };
  if (th.kind === 'negative') {
    const primary = s.series.filter((x) => !isContrast(th, x));
    const contrast = s.series.filter((x) => isContrast(th, x));
    const holds =
      primary.length > 0 &&
      primary.every((x) => x.stall?.status === 'reproduced') &&
      contrast.every((x) => x.stall !== null && x.stall.status === 'not reproduced');
    const notes = s.series.flatMap((x) => x.excluded.filter((e) => e.reason === 'diverged').map((e) => `${x.key}: cell diverged (${e.detail})`));
    judged = { verdict: holds ? 'reproduced' : 'NOT REPRODUCED', holds, rejected: !holds, notes };
  } else {
    const per = s.series.map((x) => seriesVerdicts(th, x));
    const worst = worstVerdict(per.flatMap((p) => p.verdicts));
    const notes = per.flatMap((p) => p.notes);
    const valueViolated = s.series.some((x) => x.value?.status === 'violated');
    const inconclusiveOk = worst === 'INCONCLUSIVE' && th.inconclusiveWhy !== undefined;
    if (inconclusiveOk) notes.push(`inconclusive accepted: ${th.inconclusiveWhy}`);
    if (worst === 'SLOWER') notes.push('SLOWER: a CI excludes the bound slope on the slow side (within tol)');
    const holds = (worst === 'TIGHT' || worst === 'PASS' || worst === 'SLOWER' || inconclusiveOk) && !valueViolated;
    judged = { verdict: valueViolated ? `${worst}, bound value VIOLATED` : worst, holds, rejected: worst === 'FAIL' || valueViolated, notes };
  }
  if (!th.variantOf) return { verdict: judged.verdict, ok: judged.holds, notes: judged.notes };
  return {
    verdict: judged.rejected ? `${judged.verdict} (rejected as expected)` : `${judged.verdict} (NOT REJECTED: the check cannot tell this variant from the claim)`,
    ok: judged.rejected,
    notes: judged.notes,
  };
}

/** True for a series that the declaration's `stall.contrast` names (expected not to stall). */
export function isContrast(th: Pick<RateTheorem, 'stall'>, s: SeriesSummary): boolean {
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
