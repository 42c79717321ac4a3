import type fc from 'fast-check';
import type { Registered } from '../core/registry.ts';

/**
 * What one evaluation of a lemma's check returns. The claim is `lhs <= rhs` (relation '<=') or
 * `lhs = rhs` (relation '='), both up to the lemma's derived float64 `tolerance`.
 */
export interface Outcome {
  readonly lhs: number;
  readonly rhs: number;
  /**
   * The magnitude the margin is measured against: (rhs - lhs) / scale. Absent: max(|rhs|, tiny)
   * (the default of the project's brief). Lemmas whose right-hand side is a signed sum of terms that
   * can cancel (e.g. -eta ||g||_1 + 2 eta ||g - v||_1 + ...) give the sum of the terms' absolute
   * values here, so the margin stays meaningful when rhs is near 0.
   */
  readonly scale?: number;
  /**
   * Quantities the tolerance is computed from (magnitudes of the terms, evaluation error bounds of
   * f and grad f) and any diagnostics worth reporting (e.g. the Monte-Carlo mean). JSON numbers.
   */
  readonly detail?: Readonly<Record<string, number>>;
}

/** What the runner tells a check about the run it belongs to. */
export interface CheckContext {
  /** Number of instances checked in this run (fast-check numRuns). */
  readonly runs: number;
}

/** 'holds': no counterexample is expected; 'refuted': the declaration is a power check or a wrong variant. */
export type Expectation = 'holds' | 'refuted';

/** Fields shared by exact and statistical lemma declarations. */
export interface LemmaBase<I> extends Registered {
  /** Registry id, e.g. "sign-mismatch"; variants append a suffix ("sign-mismatch-half"). */
  readonly id: string;
  /** One line for listings. */
  readonly summary: string;
  /** Short human title. */
  readonly title: string;
  /** The statement in LaTeX math (no $ delimiters), as in the paper (or as derived from the proof where the OCR is unclear). */
  readonly statement: string;
  /** Paper and place, e.g. "P1 App. A (proof of Thm 1)" (plain text; so are title, reading, notes, toleranceDerivation). */
  readonly source: string;
  /** What was read where the paper's text is unclear, and other provenance notes. */
  readonly reading?: string;
  /** Hypotheses of the statement: plain text, inline LaTeX math between $...$ (reports escape the text, keep the math). */
  readonly assumptions: readonly string[];
  /** Which problem families / instances the domain ranges over, in words (plain text). */
  readonly families: readonly string[];
  /** '<=': lhs <= rhs + tol. '=': |lhs - rhs| <= tol. */
  readonly relation: '<=' | '=';
  /** fast-check arbitrary producing a JSON-able instance (so counterexamples can be printed and replayed). */
  readonly domain: fc.Arbitrary<I>;
  /**
   * Evaluates both sides on one instance (float64). Throws only on bugs, never to signal a violation.
   * `context.runs` is the number of instances of this check run: statistical lemmas spend their
   * family-wise false-alarm rate over it (falseAlarm / runs per instance), so `--runs 100000` keeps
   * the stated rate instead of multiplying it.
   */
  check(instance: I, context: CheckContext): Outcome;
  /**
   * Absolute tolerance for this instance, derived from float64 rounding of the computation
   * (u = 2^-53; e.g. a sum of n terms of absolute sum S has error <= gamma_n S, gamma_n = n u/(1 - n u)).
   * Receives the outcome so the bound can use the magnitudes the check computed (`outcome.detail`).
   */
  tolerance(instance: I, outcome: Outcome): number;
  /** How `tolerance` was derived, in words. */
  readonly toleranceDerivation: string;
  readonly expect: Expectation;
  /** Set on power checks and wrong variants: the lemma they vary and what was changed. */
  readonly variantOf?: { readonly id: string; readonly change: string };
  /**
   * Where equality is reachable on the domain: the smallest relative margin the runs must reach
   * (e.g. 1e-6), asserted by the property suite. Absent: the bound is not claimed to be attained.
   */
  readonly tightWithin?: number;
  /** Number of fast-check runs in `npm test` (default {@link DEFAULT_RUNS}). */
  readonly runs?: number;
  /** Notes for the report: findings, what the domain's corners are for. */
  readonly notes?: readonly string[];
}

/** A deterministic inequality or identity, checked exactly in float64 up to its rounding tolerance. */
export interface ExactLemma<I> extends LemmaBase<I> {
  readonly kind: 'exact';
}

/**
 * A claim about an expectation or a probability. Its `check` runs a Monte-Carlo estimate with a
 * seed fixed by the instance (or an exact computation) and returns as `lhs` a one-sided confidence
 * limit (for `E X <= bound`: a lower confidence limit of E X), so `lhs > rhs` is evidence against
 * the claim at the stated false-alarm rate.
 */
export interface StatisticalLemma<I> extends LemmaBase<I> {
  readonly kind: 'statistical';
  /** Method in words (estimator, confidence bound, replicas). */
  readonly method: string;
  /**
   * Probability that a run of `runs` instances reports a violation although the claim is true
   * (family-wise over the runs; each instance uses falseAlarm / runs).
   */
  readonly falseAlarm: number;
  /** The effect size a violation must have to be detected, in words (with the formula). */
  readonly detectableEffect: string;
}

/** Any lemma declaration. Domains differ per lemma, so the registry stores them type-erased. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Lemma<I = any> = ExactLemma<I> | StatisticalLemma<I>;

/** Runs per lemma in `npm test` unless the declaration says otherwise. */
export const DEFAULT_RUNS = 200;

/**
 * Verdicts of one lemma check.
 * - 'holds': expected to hold, no counterexample in the runs;
 * - 'VIOLATED': expected to hold, a counterexample was found (a bug in the lemma, the constants, or the code);
 * - 'refuted as expected': a power check / wrong variant, refuted (the domain has the power to see it);
 * - 'UNEXPECTEDLY HELD': a power check / wrong variant that no run refuted (a finding: the domain is
 *   too weak, or the variant is in fact true);
 * - 'ERROR': the check threw or produced a non-finite value (the domain strays outside where the
 *   computation is defined); never counts as a refutation.
 */
export type LemmaVerdict = 'holds' | 'VIOLATED' | 'refuted as expected' | 'UNEXPECTEDLY HELD' | 'ERROR';

/** Options of {@link checkLemma}. */
export interface CheckOptions {
  /** fast-check runs (default: the lemma's `runs`, else DEFAULT_RUNS). */
  readonly runs?: number;
  /** fast-check seed (default: a fixed seed derived from the lemma id, so `npm test` is reproducible). */
  readonly seed?: number;
  /** fast-check replay path of a counterexample (with the seed that found it). */
  readonly path?: string;
  /** Stop generating new runs after this many ms (fast-check interruptAfterTimeLimit); default none. */
  readonly timeLimitMs?: number;
}

/** What a result carries of its declaration, so results alone make a report (and JSON output). */
export interface LemmaDeclarationInfo {
  readonly title: string;
  readonly statement: string;
  readonly source: string;
  readonly reading?: string;
  readonly assumptions: readonly string[];
  readonly families: readonly string[];
  readonly relation: '<=' | '=';
  readonly toleranceDerivation: string;
  readonly tightWithin?: number;
  readonly notes?: readonly string[];
  /** Statistical lemmas only. */
  readonly method?: string;
  readonly falseAlarm?: number;
  readonly detectableEffect?: string;
}

/** The result of checking one lemma: what the report and the CLI print. */
export interface LemmaResult {
  readonly id: string;
  readonly declaration: LemmaDeclarationInfo;
  readonly kind: 'exact' | 'statistical';
  readonly expect: Expectation;
  readonly variantOf?: { readonly id: string; readonly change: string };
  /** Property evaluations that passed or failed before the first failure (fast-check numRuns). */
  readonly runs: number;
  /** Every evaluation of the check, shrinking included. */
  readonly evaluations: number;
  /** Evaluations that held with tolerance / scale <= RESOLUTION (1e-8): the ones the margin is taken over. */
  readonly resolvedEvaluations: number;
  readonly seed: number;
  readonly verdict: LemmaVerdict;
  /**
   * min of (rhs - lhs) / scale for '<=' lemmas, of -|lhs - rhs| / scale for '=' lemmas, over the
   * resolved evaluations and any violation (NaN when there was none).
   */
  readonly smallestRelativeMargin: number;
  /** tolerance / scale at the evaluation with the smallest margin (how much of the margin is rounding). */
  readonly relativeToleranceAtSmallest: number;
  /** The instance with the smallest margin (JSON). */
  readonly tightest?: unknown;
  /** The shrunk counterexample (JSON), when refuted or violated. */
  readonly counterexample?: unknown;
  /** The check's outcome and tolerance at the counterexample. */
  readonly counterexampleOutcome?: { readonly lhs: number; readonly rhs: number; readonly tolerance: number; readonly detail?: Readonly<Record<string, number>> };
  readonly numShrinks?: number;
  /** fast-check replay path of the counterexample. */
  readonly path?: string;
  /** Shell command that replays the counterexample. */
  readonly replayCommand?: string;
  /** Message of an error thrown by the check (verdict 'ERROR'). */
  readonly error?: string;
  /** True when fast-check stopped on the time limit. */
  readonly interrupted: boolean;
  readonly timeMs: number;
}
