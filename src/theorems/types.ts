import type { Registered } from '../core/registry.ts';
import type { RunRecipe } from '../engine/recipe.ts';
import type { ParamValue } from './results/index.ts';

/** Metrics a run reports per replica (row `metric` names). */
export const METRICS = {
  grad_l1_avg: '(1/T) sum_{t<T} ||grad f(x_t)||_1 = E_tau ||grad f(x_tau)||_1 given the run (tau uniform)',
  grad_l2_avg: '(1/T) sum_{t<T} ||grad f(x_t)||_2',
  grad_l1_tau: '||grad f(x_tau)||_1 at one tau drawn uniformly from 0..T-1 (the output of P1 Alg. 1)',
  grad_l1_final: '||grad f(x_T)||_1',
  grad_l2_final: '||grad f(x_T)||_2',
  f_gap_final: 'f(x_T) - f*',
  frozen_final: 'coordinates of x that did not move in the last step',
} as const;
export type MetricName = keyof typeof METRICS;

/** One cell of a sweep: the run, and the values that identify it in results rows. */
export interface SweepCell {
  readonly recipe: RunRecipe;
  /** Extra parameters recorded in rows (swept variables other than T, d, n; series labels). */
  readonly params: Readonly<Record<string, ParamValue>>;
}

export type ProfileName = 'quick' | 'full';

/**
 * A rate theorem or negative result declared once: the bound as an expression, how the sweep is
 * built, how it is fitted and judged. Run by src/theorems/runner.ts, analysed by src/theorems/analysis.ts.
 */
export interface RateTheorem extends Registered {
  readonly title: string;
  /** The claim in LaTeX, as the paper states it. */
  readonly statement: string;
  readonly source: string;
  readonly kind: 'rate' | 'negative';
  readonly assumptions: readonly string[];
  /** The algorithm and schedule, in words and formulas. */
  readonly schedule: string;
  /** How the set-up makes the claim observable (THEORY.md's observability notes), in words. */
  readonly design: string;
  /**
   * The claimed rate as a mathjs expression (the O(.) of the statement, with the dependence on every
   * swept variable): the expected slopes are its log-log slopes over the sweep, derived symbolically.
   */
  readonly bound: string;
  /**
   * The bound with the paper's explicit constants, where the proof gives them: E metric <= B is then
   * checked at every cell (simultaneous CIs). Its lower-order terms are why the slope verdict uses
   * `bound`: over a finite sweep they steepen the local slope of the full expression although the
   * claim is about the leading term.
   */
  readonly valueBound?: string;
  /** Values of the bounds' other symbols (must match what the cells run with). */
  readonly constants: Readonly<Record<string, number>>;
  /** Swept variables fitted jointly (T, d, n, or numeric params). */
  readonly variables: readonly string[];
  readonly metric: MetricName;
  readonly aggregation: 'mean' | 'median';
  /** Why mean or median (the theorem's statement decides: expectation vs high probability). */
  readonly aggregationWhy: string;
  /** Slope tolerance of the verdict, with its justification in `tolWhy`. */
  readonly tol: number;
  readonly tolWhy: string;
  /** Params that separate series (e.g. an algorithm variant); numeric ones may be bound symbols. */
  readonly series?: readonly string[];
  /**
   * Other numeric cell params that the bounds use as symbols, read per row (e.g. a reference value
   * measured when the cells were built).
   */
  readonly paramSymbols?: readonly string[];
  /**
   * Negative results: what stalls. `contrast`: series whose param `param` takes one of `values` show
   * what changes the failure (e.g. a large batch or momentum); they are expected NOT to stall, and
   * the negative result is reproduced when every other series stalls and every contrast series does not.
   */
  readonly stall?: {
    readonly variable: string;
    readonly floor?: number;
    readonly claimedSlope?: number;
    readonly contrast?: { readonly param: string; readonly values: readonly ParamValue[]; readonly why: string };
  };
  /** The sweep's cells for a profile (deterministic order). */
  cells(profile: ProfileName): SweepCell[];
  /**
   * Why an INCONCLUSIVE series is acceptable for this theorem (shown in the report). Without it an
   * INCONCLUSIVE verdict does not count as the claim holding.
   */
  readonly inconclusiveWhy?: string;
  /**
   * Why diverged cells are expected here (shown in the report). Without it a diverged cell makes its
   * series FAIL, with the step it diverged at.
   */
  readonly divergenceWhy?: string;
  /**
   * Present on a wrong variant: a changed algorithm, schedule, noise, start point or problem that
   * the check must reject (a rate claim must come out FAIL; a negative result NOT REPRODUCED).
   */
  readonly variantOf?: RateVariantOf;
}

/**
 * Kinds of wrong variants of a rate theorem: a method that does not converge at the claimed rate,
 * a method without the mechanism the theorem is about, a plausible implementation mistake.
 */
export const VARIANT_KINDS = ['no-convergence', 'no-mechanism', 'implementation-mistake'] as const;
export type VariantKind = (typeof VARIANT_KINDS)[number];

/** What a wrong variant varies, and how. */
export interface RateVariantOf {
  /** Id of the theorem or negative result it varies. */
  readonly theorem: string;
  readonly kind: VariantKind;
  /** What is changed, in words (for the report). */
  readonly change: string;
}
