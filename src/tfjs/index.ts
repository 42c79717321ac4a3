import { ProgramOptimizer, type HyperValues, type ProgramOptimizerOptions } from './optimizer.ts';

/**
 * signcheck's algorithms as TensorFlow.js optimizers. This module (and only src/tfjs/) imports
 * `@tensorflow/tfjs-core`, an optional peer dependency: install it (and a backend: tfjs-backend-cpu,
 * tfjs-backend-webgpu, or tfjs-node / tfjs-node-gpu) to use it; the rest of the package never loads it.
 *
 *   import * as tf from '@tensorflow/tfjs-core';
 *   import '@tensorflow/tfjs-backend-cpu';
 *   import { signum } from 'signcheck/src/tfjs/index.ts';
 *   const opt = signum({ lr: 1e-3, beta: 0.1 });
 *   opt.minimize(() => loss(model(xs), ys));
 */
export { ProgramOptimizer, GLOBAL_GROUP, type Grouping, type HyperValues, type NamedTensor, type ProgramOptimizerOptions } from './optimizer.ts';
export { asTensor, binaryTf, compileTfExpr, philoxUniforms, type CompiledTfExpr, type RandAddress, type TfEvalContext, type TfValue } from './compile-tfjs.ts';

/**
 * The registry id behind each convenience constructor (`signSgd(...)` is
 * `new ProgramOptimizer(CONVENIENCE_IDS.signSgd, ...)`); every one is a registered algorithm
 * (optimizer.test.ts checks it), so an unknown id cannot hide here.
 */
export const CONVENIENCE_IDS = {
  signSgd: 'signsgd',
  signum: 'signum',
  efSignSgd: 'ef-signsgd',
  lion: 'lion',
  alias: 'alias',
  mvsm: 'mvsm-v1',
} as const satisfies Record<string, string>;

/** Any registered algorithm by id as a tfjs optimizer (same as `new ProgramOptimizer(id, ...)`). */
export function programOptimizer(id: string, hyper: HyperValues = {}, options: ProgramOptimizerOptions = {}): ProgramOptimizer {
  return new ProgramOptimizer(id, hyper, options);
}

/**
 * SignSGD (Bernstein et al. 2018): x_{t+1} = x_t - eta_t sign(g_t), sign(0) = 0.
 * Hyperparameters: lr (eta_t, number or schedule in t, T, d, n).
 */
export function signSgd(hyper: HyperValues, options: ProgramOptimizerOptions = {}): ProgramOptimizer {
  return new ProgramOptimizer(CONVENIENCE_IDS.signSgd, hyper, options);
}

/**
 * Signum / M-SignSGD in P1's convention (Bernstein et al. 2018; Jiang et al. 2025, Alg. 1):
 * v_t = (1 - beta) v_{t-1} + beta g_t, v_1 = g_1, x_{t+1} = x_t - eta_t sign(v_t).
 * Hyperparameters: lr, beta (weight of the new gradient; PyTorch-style momentum = 1 - beta).
 */
export function signum(hyper: HyperValues, options: ProgramOptimizerOptions = {}): ProgramOptimizer {
  return new ProgramOptimizer(CONVENIENCE_IDS.signum, hyper, options);
}

/**
 * EF-SignSGD (Karimireddy et al. 2019, error feedback): p_t = eta g_t + e_t,
 * Delta_t = (||p_t||_1 / d) sign(p_t), x_{t+1} = x_t - Delta_t, e_{t+1} = p_t - Delta_t; the exact
 * rule and hyperparameters are the registry's (`npx signcheck list algorithms`). With the default
 * per-variable grouping, d and ||p||_1 are per variable; `grouping: 'global'` takes them over the model.
 */
export function efSignSgd(hyper: HyperValues, options: ProgramOptimizerOptions = {}): ProgramOptimizer {
  return new ProgramOptimizer(CONVENIENCE_IDS.efSignSgd, hyper, options);
}

/**
 * Lion (Chen et al. 2023, "Symbolic discovery of optimization algorithms"):
 * c_t = beta1 m_{t-1} + (1 - beta1) g_t, x_{t+1} = x_t - eta_t (sign(c_t) + lambda x_t),
 * m_t = beta2 m_{t-1} + (1 - beta2) g_t; exact rule and hyperparameters as registered.
 */
export function lion(hyper: HyperValues, options: ProgramOptimizerOptions = {}): ProgramOptimizer {
  return new ProgramOptimizer(CONVENIENCE_IDS.lion, hyper, options);
}

/**
 * ALIAS (Medyakov et al., arXiv 2506.03725, P4): parameter-free SignSGD whose step size adapts from
 * running estimates of the distance to the solution and of the l_inf-smoothness constant
 * (||g_t - g_{t-1}||_1 / ||x_t - x_{t-1}||_inf); rule and options as registered. Its scalars are
 * per variable by default; `grouping: 'global'` adapts one step size for the whole model as in the paper.
 */
export function alias(hyper: HyperValues, options: ProgramOptimizerOptions = {}): ProgramOptimizer {
  return new ProgramOptimizer(CONVENIENCE_IDS.alias, hyper, options);
}

/**
 * MVSM (Jiang et al. 2025, arXiv 2507.12091, Alg. 2): majority vote over n workers of
 * sign-compressed momentum; each worker j keeps v^j_t = (1 - beta) v^j_{t-1} + beta g^j_t and the
 * server steps x_{t+1} = x_t - eta sign(sum_j S(v^j_t)); rule as registered. Needs `workers` = n
 * and one gradient per worker: {@link ProgramOptimizer.minimizeWorkers} with the batch split into
 * n shards. `id` picks another registered variant (default mvsm-v1), e.g. 'mvsm-v2' or 'mvsm-v1-runmax'.
 */
export function mvsm(hyper: HyperValues, options: ProgramOptimizerOptions & { readonly id?: string } = {}): ProgramOptimizer {
  const { id, ...rest } = options;
  return new ProgramOptimizer(id ?? CONVENIENCE_IDS.mvsm, hyper, rest);
}
