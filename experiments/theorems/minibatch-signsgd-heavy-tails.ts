import type { RateTheorem } from '../../src/theorems/types.ts';
import { KAPPAS, heavyTailNoise, powersOfTwo, tailIndex, tunedCells, type TunedSeries, type TunedSweep } from '../lib/heavy-tail-sweeps.ts';
import { log2Axis } from '../lib/hyperparameter-tuning.ts';

const d = 16;
/** A Gaussian start (fixed draw): coordinates at different distances from x*, so no step size puts every coordinate on a lattice through 0 (with x0 = 1 and steps 2^-k the tuned landscape is jagged). */
const x0 = 'normal';
const x0Seed = 11;

/** The tuning set-up of {@link minibatchSignsgdHeavyTails} (exported for tests and ad-hoc runs). */
export const sweep: TunedSweep = {
  id: 'minibatch-signsgd-heavy-tails',
  axesFor: (N) => [
    // batch B = 2^i, at most N/4 (T >= 4 steps); B = 1 is the end of the batch's domain
    log2Axis('batch', 0, Math.log2(N) - 2, 1, ['lo']),
    // step 2^(i/2) from 2^-20 to 2^2
    log2Axis('lr', -40, 4, 2),
  ],
  recipe: (s, N, v, replicas, seed) => ({
    algorithm: 'minibatch-signsgd',
    hyper: { lr: v.lr, batch: v.batch },
    problem: { family: 'separable-quadratic', params: { d, spectrum: 'uniform', scale: 1, center: 0, x0, x0Seed } },
    noise: heavyTailNoise(s.kappa, s.shape),
    T: N / v.batch,
    workers: 1,
    replicas,
    seed,
  }),
  tuneSeed: 20250212,
  seed: 20250211,
  tuneReplicas: (p) => (p === 'quick' ? 1 : 2),
  replicas: (p) => (p === 'quick' ? 16 : 64),
  aggregation: 'median',
  stride: 4,
};

function series(profile: 'quick' | 'full'): TunedSeries[] {
  const skewed = powersOfTwo(profile === 'quick' ? [12, 14, 16] : [12, 13, 14, 15, 16, 17, 18]);
  const symmetric = powersOfTwo(profile === 'quick' ? [10, 12, 14] : [10, 11, 12, 13, 14, 15, 16]);
  return [
    ...KAPPAS.map((kappa): TunedSeries => ({ kappa, shape: 'skewed', budgets: skewed })),
    { kappa: 1.5, shape: 'symmetric', budgets: symmetric },
  ];
}

/**
 * Minibatch SignSGD under heavy-tailed noise (P0, Ikonnikov-Kornilov-Beznosikov, after Kornilov et
 * al. 2025, arXiv 2502.07923): with a bounded kappa-th moment E|xi_i|^kappa <= sigma_i^kappa,
 * kappa in (1, 2], the sample complexity to reach E||grad f(x^k)||_1 <= eps is
 *   N = O( Delta L d / eps^2 (1 + (||sigma||_1 / eps)^{kappa/(kappa-1)}) ),
 * i.e. N = O(eps^{-(3 kappa - 2)/(kappa - 1)}) for small eps. (P0's abstract prints the exponent as
 * "(-3k-2)/(k-1)"; the theorem's own formula gives -(3 kappa - 2)/(kappa - 1), 4 at kappa = 2, as
 * THEORY.md states.) Equivalently the best accuracy reachable with N samples, over all steps and
 * batch sizes, is eps*(N) = O(N^{-(kappa-1)/(3 kappa - 2)}): that is what the sweep measures.
 */
export const minibatchSignsgdHeavyTails: RateTheorem = {
  id: 'minibatch-signsgd-heavy-tails',
  summary: 'minibatch SignSGD, tuned step and batch: eps*(N) = O(N^{-(kappa-1)/(3kappa-2)}) under kappa-moment noise',
  title: 'Minibatch SignSGD under heavy-tailed noise: the sample complexity in eps',
  statement:
    'N(\\varepsilon) = \\mathcal{O}\\!\\left(\\frac{\\Delta_1 L_0 d}{\\varepsilon^2}\\left(1 + \\left(\\frac{\\|\\vec\\sigma\\|_1}{\\varepsilon}\\right)^{\\frac{\\kappa}{\\kappa-1}}\\right)\\right) = \\mathcal{O}\\big(\\varepsilon^{-\\frac{3\\kappa-2}{\\kappa-1}}\\big) \\iff \\varepsilon^*(N) = \\mathcal{O}\\big(N^{-\\frac{\\kappa-1}{3\\kappa-2}}\\big)',
  source: 'P0 (Ikonnikov, Kornilov, Beznosikov), Theorem (Minibatch SignSGD), after Kornilov et al. 2025 (arXiv 2502.07923)',
  kind: 'rate',
  assumptions: [
    '(L0, L1)-smoothness (here L-smooth: a quadratic is (L, 0)-smooth)',
    'bounded kappa-th moment E|xi_i|^kappa <= sigma_i^kappa, kappa in (1, 2]',
    'mean-zero noise (unbiased oracle)',
  ],
  schedule:
    'minibatch SignSGD x_{t+1} = x_t - gamma sign((1/B) sum_b g_t^b) with constant gamma and B, T = N/B steps; gamma and B tuned per budget N and per series (P0 uses a schedule fixed by eps; see design)',
  design:
    `Why tuned and not the paper's schedule: with P0's step and batch as functions of eps, the number of samples is fixed by the schedule, so the exponent in eps holds by construction (THEORY.md observability note). Instead, for each budget N the step gamma (half-octave grid 2^-20..2^2) and the batch B (octave grid 1..N/4) are tuned to minimise the median metric on runs with a separate tuning seed (coarse scan at the first budget, then a pattern search warm-started from the previous optimum; rows record the tuned values, grid-edge flags and evaluation count), and the tuned setting is measured once with a fresh seed. ` +
    `The measured eps*(N) is the best accuracy reachable with N samples on the grid; its slope in N is -1/(complexity exponent in eps). ` +
    `Noise: the kappa-dependence appears only with mean-zero but skewed heavy tails (observability note): the skewed series use a centred Pareto law (mean 0, median < 0), tail index alpha = kappa + 0.05 (so E|xi|^kappa < inf as assumed; alpha = 3 for kappa = 2), whose minibatch mean has a median offset of order B^{-(alpha-1)/alpha}: the sign of a batch is biased until B is large, which is what forces the batch to grow. ` +
    `sigma is scaled so that the per-coordinate moment constant sigma_kappa = sigma (E|xi|^kappa)^{1/kappa} is 1 in every series. The symmetric series (symmetric alpha-stable, alpha = 1.55, kappa = 1.5) is the contrast: there the sign of one draw is unbiased, B = 1 is near optimal, and the bound is loose (a steeper slope, PASS rather than TIGHT). ` +
    `Problem: f = (1/2)||x||^2, d = ${d} independent coordinates (they average the metric), x0 ~ N(0, I) (one fixed draw, x0Seed ${x0Seed}: with x0 = 1 and steps 2^-k every coordinate runs on a lattice through 0 and the tuned landscape is jagged), so L0 = 1, L1 = 0. Tail indices run: ${KAPPAS.map((k) => `kappa ${k} -> alpha ${tailIndex(k)}`).join(', ')}; a tail index above kappa makes the true exponent slightly steeper than the bound's (at alpha: -(alpha-1)/(3 alpha - 2)). ` +
    'Quick profile: budgets 2^12, 2^14, 2^16 (2^10..2^14 for the symmetric series), one tuning replica (16 averaged coordinates), 16 measured replicas; the full profile has budgets 2^12..2^18 in octaves (2^10..2^16 symmetric), 2 tuning replicas and 64 measured. At kappa = 1.25 the bound moves eps by only 16^{-1/7} = 0.67 over the quick range. The CIs cover the measured runs only, not the choice of the tuned setting (a deterministic function of the tuning seed); a second tuning seed chose the same batch and step at every budget for kappa = 1.25, 1.5 and 2 in the quick profile.',
  bound: 'N^(-(kappa - 1) / (3 * kappa - 2))',
  constants: {},
  variables: ['N'],
  metric: 'grad_l1_avg',
  aggregation: 'median',
  aggregationWhy: "P0's and Kornilov et al.'s minibatch result holds with probability 1 - delta: a bound that holds with probability 1 - delta bounds the (1 - delta)-quantile of the metric, and the median is the delta = 1/2 quantile (the log(1/delta) factor is a constant here); the tuning uses the median too",
  tol: 0.025,
  tolWhy: 'half the gap at kappa = 1.5 between the claimed exponent -0.2 and -1/4, the light-tailed exponent the bound would have if heavy tails cost nothing (the nearest wrong claim); with it, TIGHT at kappa = 1.25 and 1.5 excludes -1/4; at kappa = 1.75 (gap 0.019) it does not',
  series: ['kappa', 'shape'],
  cells(profile) {
    return tunedCells(sweep, series(profile), profile);
  },
};
