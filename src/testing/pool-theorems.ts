import { Registry } from '../core/registry.ts';
import type { RunRecipe } from '../engine/recipe.ts';
import type { RateTheorem, SweepCell } from '../theorems/types.ts';

/**
 * A theorem registry for the cell pool's tests (src/theorems/pool.test.ts), exported as `theorems`
 * the way a catalogue's `theoremsModule` exports its registry. `fixture-pool` has cells on three
 * engine paths (the fused WebAssembly step with Gaussian noise, the general path without noise, a
 * distributed run) and one large cell that the pool splits into replica ranges; `fixture-pool-bad`
 * has a cell whose hyperparameter the algorithm rejects, between two good ones.
 */
export const theorems = new Registry<RateTheorem>('theorem');

const base = {
  title: 'fixture',
  statement: 'fixture',
  source: 'fixture',
  kind: 'rate',
  assumptions: [],
  schedule: 'fixture',
  design: 'fixture',
  bound: 'T^(-1/2)',
  constants: {},
  variables: ['T'],
  metric: 'grad_l1_avg',
  aggregation: 'mean',
  aggregationWhy: 'fixture',
  tol: 0.1,
  tolWhy: 'fixture',
} as const;

function recipe(algorithm: string, hyper: Record<string, number>, T: number, replicas: number, noise: boolean, workers = 1): RunRecipe {
  return {
    algorithm,
    hyper,
    problem: { family: workers > 1 ? 'heterogeneous-quadratic' : 'separable-quadratic', params: workers > 1 ? { d: 6, workers } : { d: 12 } },
    noise: noise ? { model: 'gaussian', sigma: 0.5 } : null,
    T,
    workers,
    replicas,
    seed: 11,
  };
}

theorems.register({
  ...base,
  id: 'fixture-pool',
  summary: 'cells for the pool tests',
  cells(): SweepCell[] {
    return [
      ...[32, 64, 128].map((T) => ({ recipe: recipe('signum', { lr: 0.01, beta: 0.1 }, T, 4, true), params: { variant: 'signum' } })),
      ...[32, 64].map((T) => ({ recipe: recipe('signsgd', { lr: 0.01 }, T, 3, false), params: { variant: 'signsgd' } })),
      { recipe: recipe('mv-signsgd', { lr: 0.01 }, 32, 3, true, 3), params: { variant: 'mv' } },
      { recipe: recipe('signum', { lr: 0.01, beta: 0.1 }, 4096, 9, true), params: { variant: 'large' } },
    ];
  },
});

theorems.register({
  ...base,
  id: 'fixture-pool-bad',
  summary: 'a cell the algorithm rejects between two good ones',
  cells(): SweepCell[] {
    return [
      { recipe: recipe('signum', { lr: 0.01, beta: 0.1 }, 32, 2, true), params: { k: 0 } },
      { recipe: recipe('signum', { lr: 0.01, beta: 1.5 }, 32, 2, true), params: { k: 1 } },
      { recipe: recipe('signum', { lr: 0.01, beta: 0.1 }, 64, 2, true), params: { k: 2 } },
    ];
  },
});
