import type { AlgorithmDef } from './program.ts';

/**
 * SGD: x_{t+1} = x_t - lr g_t, with g_t the (minibatch) stochastic gradient.
 * Source: Robbins & Monro 1951; the baseline of every paper in the catalogue.
 */
export const sgd: AlgorithmDef = {
  id: 'sgd',
  name: 'SGD',
  summary: 'stochastic gradient descent',
  updateRule: 'x_{t+1} = x_t - \\eta_t g_t',
  source: 'Robbins & Monro (1951)',
  distributed: false,
  hyper: [{ name: 'lr', rule: 'positive', doc: 'step size eta_t' }],
  example: { lr: 0.02 },
  program: {
    vectors: [],
    scalars: [],
    params: ['lr'],
    ops: [{ op: 'map', scope: 'server', assign: [['x', 'x - lr * g']] }],
  },
};

/**
 * SGD with momentum in P1's convention: v_t = (1 - beta) v_{t-1} + beta g_t, v_1 = g_1,
 * x_{t+1} = x_t - lr v_t. PyTorch's SGD(momentum=mu, dampening=tau) keeps
 * b_t = mu b_{t-1} + (1 - tau) g_t; with mu = 1 - beta and tau = 1 - beta it is the same buffer
 * (PyTorch also sets b_1 = g_1 on its first step, as here).
 */
export const sgdMomentum: AlgorithmDef = {
  id: 'sgd-momentum',
  name: 'M-SGD',
  summary: 'SGD with an exponential moving average of gradients (P1 convention)',
  updateRule: 'v_t = (1-\\beta) v_{t-1} + \\beta g_t,\\; v_1 = g_1;\\quad x_{t+1} = x_t - \\eta_t v_t',
  source: 'Polyak (1964); convention of Jiang et al. (2025), arXiv 2507.12091, Alg. 1',
  distributed: false,
  hyper: [
    { name: 'lr', rule: 'positive', doc: 'step size eta_t' },
    { name: 'beta', rule: 'unit-open-closed', default: 0.1, doc: 'weight of the new gradient in the average (1 - PyTorch momentum)' },
  ],
  example: { lr: 0.02, beta: 0.3 },
  program: {
    vectors: [{ name: 'm', scope: 'server' }],
    scalars: [],
    params: ['lr', 'beta'],
    ops: [
      {
        op: 'map',
        scope: 'server',
        assign: [
          ['m', 'first * g + (1 - first) * ((1 - beta) * m + beta * g)'],
          ['x', 'x - lr * m'],
        ],
      },
    ],
  },
};

/**
 * SignSGD: x_{t+1} = x_t - lr sign(g_t), sign(0) = 0 (Bernstein et al. 2018). With `batch` > 1 the
 * oracle averages `batch` independent draws first (minibatch SignSGD).
 */
export const signSgd: AlgorithmDef = {
  id: 'signsgd',
  name: 'SignSGD',
  summary: 'sign of the stochastic gradient',
  updateRule: 'x_{t+1} = x_t - \\eta_t\\, \\mathrm{sign}(g_t)',
  source: 'Bernstein et al. (2018), signSGD: compressed optimisation for non-convex problems',
  distributed: false,
  hyper: [{ name: 'lr', rule: 'positive', doc: 'step size eta_t' }],
  example: { lr: 0.02 },
  program: {
    vectors: [],
    scalars: [],
    params: ['lr'],
    ops: [{ op: 'map', scope: 'server', assign: [['x', 'x - lr * sign(g)']] }],
  },
};

/**
 * Minibatch SignSGD: SignSGD on the mean of B draws, x_{t+1} = x_t - lr sign((1/B) sum_b g_t^b).
 * The heavy-tail analysis (P0; Kornilov et al. 2025) grows B to reach a target accuracy.
 */
export const minibatchSignSgd: AlgorithmDef = {
  ...signSgd,
  id: 'minibatch-signsgd',
  name: 'minibatch SignSGD',
  summary: 'sign of a minibatch mean of stochastic gradients (batch required)',
  updateRule: 'x_{t+1} = x_t - \\eta_t\\, \\mathrm{sign}\\big(\\tfrac1B \\sum_{b=1}^{B} g_t^{b}\\big)',
  source: 'Bernstein et al. (2018); Kornilov et al. (2025) / P0 for heavy tails',
  hyper: [
    { name: 'lr', rule: 'positive', doc: 'step size eta_t' },
    { name: 'batch', rule: 'integer>=1', doc: 'minibatch size B (may be a schedule in t, T)' },
  ],
  example: { lr: 0.02, batch: 3 },
};

/**
 * Signum / M-SignSGD in P1's convention (Jiang et al. 2025, Alg. 1; Bernstein et al. 2018):
 * v_t = (1 - beta) v_{t-1} + beta g_t, v_1 = g_1, x_{t+1} = x_t - lr sign(v_t).
 * PyTorch-style momentum mu corresponds to beta = 1 - mu with dampening (b = mu b + (1-mu) g).
 */
export const signum: AlgorithmDef = {
  id: 'signum',
  name: 'Signum (M-SignSGD)',
  summary: 'sign of an exponential moving average of stochastic gradients',
  updateRule: 'v_t = (1-\\beta) v_{t-1} + \\beta g_t,\\; v_1 = g_1;\\quad x_{t+1} = x_t - \\eta_t\\, \\mathrm{sign}(v_t)',
  source: 'Bernstein et al. (2018); Jiang et al. (2025), arXiv 2507.12091, Algorithm 1',
  distributed: false,
  hyper: [
    { name: 'lr', rule: 'positive', doc: 'step size eta_t' },
    { name: 'beta', rule: 'unit-open-closed', default: 0.1, doc: 'weight of the new gradient (P1 beta; PyTorch momentum = 1 - beta)' },
  ],
  example: { lr: 0.02, beta: 0.3 },
  program: {
    vectors: [{ name: 'm', scope: 'server' }],
    scalars: [],
    params: ['lr', 'beta'],
    ops: [
      {
        op: 'map',
        scope: 'server',
        assign: [
          ['m', 'first * g + (1 - first) * ((1 - beta) * m + beta * g)'],
          ['x', 'x - lr * sign(m)'],
        ],
      },
    ],
  },
};
