import type { NoiseRef, RunRecipe } from '../../src/engine/recipe.ts';
import { createNoise, kappaSigma } from '../../src/noise/index.ts';
import type { ProfileName, SweepCell } from '../../src/theorems/types.ts';
import { aggregateMetric, memoised, tunePath, type PathPoint, type TuneAxis } from './hyperparameter-tuning.ts';

/** The moment orders of THEORY.md's heavy-tail theorems. */
export const KAPPAS = [1.25, 1.5, 1.75, 2] as const;

/**
 * Tail index of the noise run for moment order kappa: alpha = kappa + 0.05 for kappa < 2, so that
 * E|xi|^kappa is finite as P0's assumption requires (at alpha = kappa it is not); alpha = 3 for
 * kappa = 2 (finite variance, and skewed).
 */
export function tailIndex(kappa: number): number {
  return kappa < 2 ? Math.round((kappa + 0.05) * 100) / 100 : 3;
}

/**
 * Noise of one heavy-tail series at moment order kappa: `skewed` is the centred Pareto law
 * (mean 0, median < 0), `symmetric` the symmetric alpha-stable law with the same tail index.
 * sigma is set so that P0's per-coordinate moment constant sigma_kappa = sigma (E|xi|^kappa)^{1/kappa}
 * equals 1 for every kappa (the theorems' ||sigma||_kappa is then d^{1/kappa}, the same in all series).
 */
export function heavyTailNoise(kappa: number, shape: 'skewed' | 'symmetric'): NoiseRef {
  const alpha = tailIndex(kappa);
  const model = shape === 'skewed' ? 'centred-pareto' : 'stable';
  const params = { alpha: shape === 'symmetric' ? Math.min(alpha, 2) : alpha };
  const unit = kappaSigma(createNoise(model, params), kappa);
  return { model, params, sigma: 1 / unit };
}

/** One series of a tuned-complexity sweep. */
export interface TunedSeries {
  readonly kappa: number;
  readonly shape: 'skewed' | 'symmetric';
  readonly budgets: readonly number[];
}

/** How a tuned-complexity theorem builds and tunes its runs. */
export interface TunedSweep {
  readonly id: string;
  /** Grids for a budget. */
  axesFor(budget: number): TuneAxis[];
  /** The run at a budget with tuned values. */
  recipe(series: TunedSeries, budget: number, values: Record<string, number>, replicas: number, seed: number): RunRecipe;
  readonly tuneSeed: number;
  readonly seed: number;
  readonly tuneReplicas: (profile: ProfileName) => number;
  readonly replicas: (profile: ProfileName) => number;
  readonly aggregation: 'mean' | 'median';
  readonly stride: number;
}

const cache = new Map<string, PathPoint[]>();

/**
 * The measurement cells of a tuned-complexity sweep. For each series, the hyperparameters are tuned
 * per budget by {@link tunePath} on runs with the tuning seed (the score is the aggregated
 * grad_l1_avg), then each budget is measured once at its tuned values with a different seed, so
 * the measured values carry no selection bias. Rows record the budget N, kappa, the series shape,
 * the tuned values (as hyper.*), the search's grid-edge flags and its number of evaluations.
 * Deterministic: the same profile gives the same cells (memoised per process).
 */
export function tunedCells(sweep: TunedSweep, series: readonly TunedSeries[], profile: ProfileName): SweepCell[] {
  const cells: SweepCell[] = [];
  for (const s of series) {
    const key = `${sweep.id}/${profile}/${s.shape}/${s.kappa}/${s.budgets.join(',')}`;
    const path = memoised(cache, key, () =>
      tunePath(
        s.budgets,
        (b) => sweep.axesFor(b),
        (b, values) => aggregateMetric(sweep.recipe(s, b, values, sweep.tuneReplicas(profile), sweep.tuneSeed), 'grad_l1_avg', sweep.aggregation),
        sweep.stride,
      ),
    );
    for (const p of path) {
      cells.push({
        recipe: sweep.recipe(s, p.budget, p.values, sweep.replicas(profile), sweep.seed),
        params: {
          kappa: s.kappa,
          shape: s.shape,
          N: p.budget,
          'tune.edge': p.edge.length ? p.edge.join('+') : 'none',
          'tune.domainEnd': p.atDomainEnd.length ? p.atDomainEnd.join('+') : 'none',
          'tune.evaluations': p.evaluations,
          'tune.score': p.score,
          'tune.seed': sweep.tuneSeed,
        },
      });
    }
  }
  return cells;
}

/** Budgets 2^e for the given exponents. */
export function powersOfTwo(exps: readonly number[]): number[] {
  return exps.map((e) => 2 ** e);
}
