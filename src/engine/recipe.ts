import { algorithms } from '../algorithms/index.ts';
import { UserInputError } from '../core/errors.ts';
import { createNoise } from '../noise/index.ts';
import { createProblem } from '../problems/index.ts';
import type { RunSpec } from './types.ts';

/** A problem by family id and parameters (JSON-serialisable). */
export interface ProblemRef {
  readonly family: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * Noise by model id, parameters and scale. `sigma` is one number for every coordinate, or
 * `{ sparse: { coords, scale } }` for a huge scale on a few coordinates and 0 elsewhere (P3's
 * sparse noise), or an explicit vector.
 */
export interface NoiseRef {
  readonly model: string;
  readonly params?: Readonly<Record<string, number>>;
  readonly sigma: number | readonly number[] | { readonly sparse: { readonly coords: readonly number[]; readonly scale: number } };
}

/**
 * A run as plain data: what results files record, what worker threads receive, what configs
 * override. {@link specFromRecipe} turns it into a RunSpec through the registries.
 */
export interface RunRecipe {
  readonly algorithm: string;
  readonly hyper: Readonly<Record<string, number | string>>;
  readonly problem: ProblemRef;
  readonly noise: NoiseRef | null;
  readonly T: number;
  readonly workers: number;
  readonly replicas: number;
  readonly seed: number;
  readonly checkpoints?: readonly number[];
}

/** Builds the RunSpec of a recipe (user errors name the offending field). */
export function specFromRecipe(recipe: RunRecipe): RunSpec {
  const problem = createProblem(recipe.problem.family, recipe.problem.params as Record<string, unknown>);
  let noise: RunSpec['noise'] = null;
  if (recipe.noise) {
    const model = createNoise(recipe.noise.model, recipe.noise.params ?? {});
    const s = recipe.noise.sigma;
    let sigma: number | Float64Array;
    if (typeof s === 'number') sigma = s;
    else if (Array.isArray(s)) sigma = Float64Array.from(s as number[]);
    else if (typeof s === 'object' && s !== null && 'sparse' in s) {
      sigma = new Float64Array(problem.d);
      for (const c of s.sparse.coords) {
        if (!Number.isInteger(c) || c < 0 || c >= problem.d) throw new UserInputError('noise.sigma.sparse.coords', `must be integers in [0, ${problem.d})`, `got ${c}`);
        sigma[c] = s.sparse.scale;
      }
    } else throw new UserInputError('noise.sigma', 'must be a number, an array, or { sparse: { coords, scale } }');
    noise = { model, sigma };
  }
  return {
    algorithm: algorithms.get(recipe.algorithm),
    hyper: recipe.hyper,
    problem,
    noise,
    T: recipe.T,
    workers: recipe.workers,
    replicas: recipe.replicas,
    seed: recipe.seed,
    checkpoints: recipe.checkpoints,
  };
}
