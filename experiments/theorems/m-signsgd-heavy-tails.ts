import type { RateTheorem } from '../../src/theorems/types.ts';
import { KAPPAS, heavyTailNoise, powersOfTwo, tailIndex, tunedCells, type TunedSeries, type TunedSweep } from '../lib/heavy-tail-sweeps.ts';
import { log2Axis } from '../lib/hyperparameter-tuning.ts';

const d = 16;
/** A Gaussian start (fixed draw), as in minibatch-signsgd-heavy-tails (no lattice through 0 for steps 2^-k). */
const x0 = 'normal';
const x0Seed = 11;

/** The tuning set-up of {@link mSignsgdHeavyTails} (exported for tests and ad-hoc runs). */
export const sweep: TunedSweep = {
  id: 'm-signsgd-heavy-tails',
  axesFor: (T) => [
    // beta = 2^-i from 1/T to 1; beta = 1 (no averaging) is the end of its domain
    log2Axis('beta', -Math.log2(T), 0, 1, ['hi']),
    // step 2^(i/2) from 2^-20 to 2^2
    log2Axis('lr', -40, 4, 2),
  ],
  recipe: (s, T, v, replicas, seed) => ({
    algorithm: 'signum',
    hyper: { lr: v.lr, beta: v.beta },
    problem: { family: 'separable-quadratic', params: { d, spectrum: 'uniform', scale: 1, center: 0, x0, x0Seed } },
    noise: heavyTailNoise(s.kappa, s.shape),
    T,
    workers: 1,
    replicas,
    seed,
  }),
  tuneSeed: 20250222,
  seed: 20250221,
  tuneReplicas: (p) => (p === 'quick' ? 1 : 4),
  replicas: (p) => (p === 'quick' ? 16 : 32),
  aggregation: 'mean',
  stride: 4,
};

function series(profile: 'quick' | 'full'): TunedSeries[] {
  const budgets = powersOfTwo(profile === 'quick' ? [11, 13, 15] : [11, 13, 15, 17, 19]);
  return KAPPAS.map((kappa): TunedSeries => ({ kappa, shape: 'skewed', budgets }));
}

/**
 * M-SignSGD (Signum: v_t = (1 - beta) v_{t-1} + beta g_t, x_{t+1} = x_t - gamma sign(v_t), batch 1)
 * under heavy-tailed noise and (L0, L1)-smoothness (P0, Theorem (M-SignSGD), in expectation):
 *   T = O( Delta L1 d / eps^2 (1 + (sqrt(d) ||sigma||_kappa / eps)^{kappa/(kappa-1)}) )
 * iterations (= samples) to reach E||grad f||_1 <= eps, i.e. O(eps^{-(3 kappa - 2)/(kappa - 1)}) for
 * small eps; equivalently eps*(T) = O(T^{-(kappa-1)/(3 kappa - 2)}) for the best step and momentum.
 */
export const mSignsgdHeavyTails: RateTheorem = {
  id: 'm-signsgd-heavy-tails',
  summary: 'M-SignSGD (Signum, batch 1), tuned step and momentum: eps*(T) = O(T^{-(kappa-1)/(3kappa-2)}) under kappa-moment noise',
  title: 'M-SignSGD under heavy-tailed noise: the iteration complexity in eps',
  statement:
    'T(\\varepsilon) = \\mathcal{O}\\!\\left(\\frac{\\Delta_1 L_1 d}{\\varepsilon^2}\\left(1 + \\left(\\frac{\\sqrt{d}\\,\\|\\vec\\sigma\\|_\\kappa}{\\varepsilon}\\right)^{\\frac{\\kappa}{\\kappa-1}}\\right)\\right) = \\mathcal{O}\\big(\\varepsilon^{-\\frac{3\\kappa-2}{\\kappa-1}}\\big) \\iff \\varepsilon^*(T) = \\mathcal{O}\\big(T^{-\\frac{\\kappa-1}{3\\kappa-2}}\\big)',
  source: 'P0 (Ikonnikov, Kornilov, Beznosikov), Theorem (M-SignSGD)',
  kind: 'rate',
  assumptions: [
    '(L0, L1)-smoothness (here L-smooth: a quadratic is (L, 0)-smooth)',
    'bounded kappa-th moment E|xi_i|^kappa <= sigma_i^kappa, kappa in (1, 2]',
    'mean-zero noise (unbiased oracle), batch 1',
  ],
  schedule: 'Signum with constant gamma and beta over T steps, v_1 = g_1, one sample per step; gamma and beta tuned per budget T and per series (P0 uses a schedule fixed by eps; see design)',
  design:
    `As for minibatch-signsgd-heavy-tails (THEORY.md observability note): with P0's schedule the iteration count is fixed by eps, so the exponent holds by construction; here, for each budget T, the step gamma (half-octave grid 2^-20..2^2) and the momentum weight beta (octave grid 1/T..1) are tuned to minimise the mean metric on runs with a separate tuning seed (coarse scan at the first budget, then a pattern search warm-started from the previous optimum; rows record the tuned values, edge flags, evaluations), and measured once with a fresh seed. ` +
    'The momentum average over about 1/beta draws plays the role of the minibatch: under the skewed centred Pareto noise (mean 0, median < 0; tail index alpha = kappa + 0.05, alpha = 3 for kappa = 2; sigma_kappa = 1 per coordinate) the sign of v_t is biased until 1/beta is large, which is where the kappa-dependence comes from; with symmetric noise it would not appear (see minibatch-signsgd-heavy-tails\' symmetric series). ' +
    `Problem: f = (1/2)||x||^2, d = ${d}, x0 ~ N(0, I) (fixed draw, x0Seed ${x0Seed}); L0 = 1, L1 = 0 (the theorem's Delta L1 d factor is then read with L = L0, a quadratic being (L, 0)-smooth). Tail indices: ${KAPPAS.map((k) => `kappa ${k} -> alpha ${tailIndex(k)}`).join(', ')}. ` +
    'Quick profile: budgets T = 2^11, 2^13, 2^15, one tuning replica (16 averaged coordinates), 16 measured replicas; full: budgets 2^11..2^19 (factors of 4), 4 tuning replicas, 32 measured. The CIs cover the measured runs, not the choice of the tuned setting. ' +
    'The start is a Gaussian draw in d = 16 because from x0 = 1 in d = 2 the first budget\'s optimum sits at beta = 1, the biased no-momentum floor, which the warm-started search does not leave at kappa = 1.25; rows flag any optimum at beta = 1 (tune.domainEnd).',
  bound: 'T^(-(kappa - 1) / (3 * kappa - 2))',
  constants: {},
  variables: ['T'],
  metric: 'grad_l1_avg',
  aggregation: 'mean',
  aggregationWhy: 'the M-SignSGD theorem is in expectation, so the replica mean estimates the quantity it bounds; the tuning uses the mean too',
  tol: 0.025,
  tolWhy: 'half the gap at kappa = 1.5 between the claimed exponent -0.2 and -1/4, the light-tailed exponent (the nearest wrong claim); at kappa = 1.75 (gap 0.019) the two are not separated at this tolerance',
  series: ['kappa', 'shape'],
  cells(profile) {
    return tunedCells(sweep, series(profile), profile);
  },
};
