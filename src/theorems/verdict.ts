/**
 * Verdicts of rate checks, bound-value checks and negative-result (stall) checks.
 *
 * Slope verdict (THEORY.md "Rate theorems"): the empirical exponent's confidence interval
 * $[lo, hi]$ is compared with the bound's slope $s_B$ over the sweep range, with tolerance tol >= 0.
 * The rules are applied in this order, so exactly one verdict results:
 *
 * 1. **FAIL** if $lo > s_B + tol$: the whole CI is above the allowed slope; the claim is contradicted.
 * 2. **SLOWER** if $s_B < lo$ and $hi \le s_B + tol$: the CI excludes the bound's slope on the slow
 *    side, but by less than tol. It counts as the claim holding, flagged: the metric falls measurably
 *    more slowly than the bound's exponent over this sweep.
 * 3. **TIGHT** if $|lo - s_B| \le tol$ and $|hi - s_B| \le tol$ (and not SLOWER): the whole CI sits
 *    within tol of the bound slope at both ends; the bound's exponent is
 *    attained in the sweep range.
 * 4. **PASS** if $hi \le s_B + tol$: the metric changes no faster (in the bound's direction) than the
 *    bound allows; the CI may lie well below $s_B$ (the algorithm beats the bound's rate).
 * 5. **INCONCLUSIVE** otherwise ($lo \le s_B + tol < hi$): the CI straddles the limit; more replicas
 *    or a wider sweep are needed.
 *
 * SLOWER, TIGHT and PASS all imply $hi \le s_B + tol$, so none of them can be a FAIL.
 */
import { UserInputError, requireNonNegative, shown } from '../core/errors.ts';

/** The slope verdicts, worst first: the order in which a theorem's outcome takes the worst one. */
export const VERDICTS = ['FAIL', 'INCONCLUSIVE', 'SLOWER', 'PASS', 'TIGHT'] as const;

/** Outcome of a slope check. */
export type SlopeVerdict = (typeof VERDICTS)[number];

/**
 * The worst of several verdicts in the order of {@link VERDICTS} (FAIL < INCONCLUSIVE < SLOWER <
 * PASS < TIGHT: SLOWER and PASS are worse than TIGHT here, unlike {@link verdictRank}, where all
 * three mean "holds");
 * INCONCLUSIVE when there are none.
 */
export function worstVerdict(verdicts: readonly SlopeVerdict[]): SlopeVerdict {
  let worst: SlopeVerdict | null = null;
  for (const v of verdicts) {
    if (!VERDICTS.includes(v)) throw new UserInputError('verdict', `must be one of ${VERDICTS.join(', ')}`, `got ${shown(v)}`);
    if (worst === null || VERDICTS.indexOf(v) < VERDICTS.indexOf(worst)) worst = v;
  }
  return worst ?? 'INCONCLUSIVE';
}

/** A verdict with a one-line reason quoting the numbers. */
export interface VerdictResult {
  readonly verdict: SlopeVerdict;
  readonly reason: string;
}

function requireCI(name: string, ci: readonly [number, number]): void {
  if (!Array.isArray(ci) || ci.length !== 2 || !Number.isFinite(ci[0]) || !Number.isFinite(ci[1]) || ci[0] > ci[1]) {
    throw new UserInputError(name, 'must be a finite interval [lo, hi] with lo <= hi', `got ${shown(ci)}`);
  }
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/** The slope verdict of the module doc for CI `ci`, bound slope `boundSlope`, tolerance `tol`. */
export function slopeVerdict(ci: readonly [number, number], boundSlope: number, tol: number): VerdictResult {
  requireCI('slope CI', ci);
  if (!Number.isFinite(boundSlope)) throw new UserInputError('bound slope', 'must be finite', `got ${shown(boundSlope)}`);
  requireNonNegative('tol', tol);
  const [lo, hi] = ci;
  const limit = boundSlope + tol;
  const text = `CI [${fmt(lo)}, ${fmt(hi)}] vs bound slope ${fmt(boundSlope)} +/- ${fmt(tol)}`;
  if (lo > limit) return { verdict: 'FAIL', reason: `${text}: lower limit > ${fmt(limit)}` };
  if (lo > boundSlope && hi <= limit) return { verdict: 'SLOWER', reason: `${text}: lower limit > bound slope ${fmt(boundSlope)} (slower than the bound, within tol)` };
  if (Math.abs(lo - boundSlope) <= tol && Math.abs(hi - boundSlope) <= tol) {
    return { verdict: 'TIGHT', reason: `${text}: whole CI within tol of the bound slope (bound attained)` };
  }
  if (hi <= limit) return { verdict: 'PASS', reason: `${text}: upper limit <= ${fmt(limit)}` };
  return { verdict: 'INCONCLUSIVE', reason: `${text}: CI straddles ${fmt(limit)}` };
}

/**
 * Order used to decide whether a verdict worsened: FAIL 0 < INCONCLUSIVE 1 < SLOWER 2 = PASS 2 =
 * TIGHT 2. The last three share a rank: all mean the claim holds; a move between them is a change
 * worth reporting (the exponent moved relative to the bound), not a regression.
 */
export function verdictRank(v: SlopeVerdict): number {
  switch (v) {
    case 'FAIL':
      return 0;
    case 'INCONCLUSIVE':
      return 1;
    case 'SLOWER':
    case 'PASS':
    case 'TIGHT':
      return 2;
    default:
      throw new UserInputError('verdict', 'must be TIGHT, PASS, SLOWER, INCONCLUSIVE or FAIL', `got ${shown(v)}`);
  }
}

/**
 * Bound-value check of one cell, for theorems with explicit constants: the bound is on an
 * expectation, $\mathbb E[m] \le B$. With the CI $[lo, hi]$ of the replica mean:
 * `holds` if $hi \le B$, `violated` if $lo > B$, else `inconclusive`.
 */
export type ValueStatus = 'holds' | 'violated' | 'inconclusive';

/** {@link ValueStatus} of one cell. */
export function valueStatus(ci: readonly [number, number], bound: number): ValueStatus {
  requireCI('value CI', ci);
  if (!Number.isFinite(bound)) throw new UserInputError('bound value', 'must be finite', `got ${shown(bound)}`);
  if (ci[1] <= bound) return 'holds';
  if (ci[0] > bound) return 'violated';
  return 'inconclusive';
}

/** Over all cells: `violated` if any cell is, `holds` if every cell holds, else `inconclusive`. */
export function combineValueStatus(statuses: readonly ValueStatus[]): ValueStatus {
  if (statuses.length === 0) throw new UserInputError('value statuses', 'must hold at least one cell');
  if (statuses.includes('violated')) return 'violated';
  if (statuses.every((s) => s === 'holds')) return 'holds';
  return 'inconclusive';
}

/** Rank of a value status for regressions: violated 0 < inconclusive 1 < holds 2. */
export function valueRank(s: ValueStatus): number {
  return s === 'violated' ? 0 : s === 'inconclusive' ? 1 : 2;
}

/** Outcome of a negative-result check. */
export type StallStatus = 'reproduced' | 'not reproduced';

/** Inputs of {@link stallVerdict}; at least one of `level` and `slope` must be given. */
export interface StallInput {
  /**
   * Level check: the CIs of the metric at the largest swept value (one per cell there) must all
   * lie above `floor` > 0 (the metric stays bounded away from zero).
   */
  readonly level?: { readonly cis: readonly (readonly [number, number])[]; readonly floor: number };
  /**
   * Rate check: the CI of the empirical slope must exclude the claimed rate from below-
   * $lo > \text{claimed} + tol$: the metric falls measurably slower than claimed.
   */
  readonly slope?: { readonly ci: readonly [number, number]; readonly claimed: number; readonly tol: number };
}

/**
 * Negative result ("the method stalls"): `reproduced` when every supplied check holds (level: all
 * lower limits > floor; slope: lower limit > claimed + tol), else `not reproduced`. Reasons quote
 * the numbers for each check.
 */
export function stallVerdict(input: StallInput): { status: StallStatus; reasons: string[] } {
  if (!input.level && !input.slope) throw new UserInputError('stall check', 'needs a level floor, a claimed slope, or both');
  const reasons: string[] = [];
  let ok = true;
  if (input.level) {
    const { cis, floor } = input.level;
    if (!(typeof floor === 'number' && Number.isFinite(floor) && floor > 0)) {
      throw new UserInputError('stall floor', 'must be a finite number > 0 (a metric CI is always above 0 for a positive metric)', `got ${shown(floor)}`);
    }
    if (cis.length === 0) throw new UserInputError('stall level CIs', 'must hold at least one cell');
    cis.forEach((ci, i) => requireCI(`stall level CI ${i}`, ci));
    const minLo = Math.min(...cis.map((c) => c[0]));
    const pass = minLo > floor;
    ok &&= pass;
    reasons.push(`level: smallest lower CI limit ${fmt(minLo)} ${pass ? '>' : '<='} floor ${fmt(floor)}`);
  }
  if (input.slope) {
    const { ci, claimed, tol } = input.slope;
    requireCI('stall slope CI', ci);
    if (!Number.isFinite(claimed)) throw new UserInputError('claimed slope', 'must be finite', `got ${shown(claimed)}`);
    requireNonNegative('tol', tol);
    const pass = ci[0] > claimed + tol;
    ok &&= pass;
    reasons.push(`slope: CI [${fmt(ci[0])}, ${fmt(ci[1])}] ${pass ? 'excludes' : 'does not exclude'} claimed ${fmt(claimed)} + tol ${fmt(tol)}`);
  }
  return { status: ok ? 'reproduced' : 'not reproduced', reasons };
}
