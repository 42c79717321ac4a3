import { createNoise } from '../../src/noise/index.ts';
import { wrongVariant } from '../../src/theorems/variants.ts';
import { createProblem } from '../../src/problems/index.ts';
import type { RateTheorem, SweepCell } from '../../src/theorems/types.ts';

const r3 = (x: number) => Number(x.toPrecision(3));

const STO_SEED = 20250605;
const d = 4;
const sigma = 1;
const x0 = 0.5;
/** Mean-zero asymmetric bimodal noise (median != 0), as in signsgd-batch1-biased. */
const NOISE = { p: 0.8, gap: 1, width: 0.05 } as const;
const median = createNoise('bimodal', NOISE).median;
/** Where a batch-1 sign method stalls: every gradient coordinate at -sigma median. */
const stallLevel = d * sigma * Math.abs(median);
const STO_VARIANTS = [
  { variant: 'batch-1', batch: 1 },
  { variant: 'batch-t+1', batch: 't + 1' },
] as const;
const f0 = createProblem('separable-quadratic', { d, spectrum: 'uniform', scale: 1, center: 0, x0 }).f(new Float64Array(d).fill(x0));

/**
 * P4 Theorem 2 (stochastic ALIAS, Option II): with coordinate-wise bounded variance and sample-wise
 * L_inf-smoothness, a constant batch only reaches a variance-dependent neighbourhood; an increasing
 * batch converges. Declared as a negative result with a contrast: under mean-zero noise whose median
 * is not 0 (where a batch-1 sign step is biased), batch 1 must stall at the biased point
 * ||g||_1 ~ d sigma |med(xi)|, and the increasing batch B_t = t + 1 must not stall and reach the rate
 * O(T^{-1/2}) of Theorem 2 (the theorem's complexity O(Delta* eps^-2 (...)) inverted at horizon T).
 */
export const aliasStochastic: RateTheorem = {
  id: 'alias-stochastic',
  summary: 'stochastic ALIAS (Option II, same-sample smoothness): batch 1 stalls under asymmetric noise, batch t+1 converges as T^-1/2',
  title: 'Stochastic ALIAS: constant versus increasing batch',
  statement:
    '\\text{constant } B:\\ \\frac1T\\sum_t\\mathbb{E}\\|\\nabla f(x^t)\\|_1 \\to \\text{a variance-dependent level};\\quad B_t \\uparrow:\\ \\frac1T\\sum_t\\mathbb{E}\\|\\nabla f(x^t)\\|_1 = \\mathcal{O}(T^{-1/2})',
  source: 'P4 (Medyakov et al. 2025, arXiv 2506.03725), Theorem 2 and "only increasing mini-batching restores the standard variance control"',
  kind: 'negative',
  assumptions: ['L_inf-smoothness of every sample (P4 Thm 2)', 'coordinate-wise bounded variance', 'convexity, finite minimum', 'Option II with ftilde = 0 <= f*'],
  schedule:
    'stochastic ALIAS (src/algorithms/alias.ts, alias-stochastic): Option II, eta increments from the same minibatch at x^t and x^{t-1} (one more gradient per sample), batch B = 1 or B_t = t + 1; no step-size schedule',
  design:
    `f = (1/2)||x||^2, d = ${d}, x0 = ${x0} 1 (f(x0) = ${f0}), additive noise sigma xi with xi ~ ${NOISE.p} N(${r3((1 - NOISE.p) * NOISE.gap)}, ${NOISE.width}^2) + ${r3(1 - NOISE.p)} N(-${r3(NOISE.p * NOISE.gap)}, ${NOISE.width}^2): mean 0, median ${median.toPrecision(4)}, sigma = ${sigma}. ` +
    'With additive noise the same-sample differences are exact gradient differences, so eta^t grows as 4 t here and gamma^t = sqrt(f(x0)/eta^t) ~ 0.35 t^{-1/2} in every series: the series differ only in the sign estimate. ' +
    `Batch 1: sign(g_i + sigma xi_i) has mean 0 at g_i = -sigma med, so the iterate drifts there and ||g||_1 -> d sigma |med| = ${stallLevel.toPrecision(4)}; stall check: the CI of the mean metric at the largest T above ${(stallLevel / 2).toPrecision(4)} and the T-slope CI above -1/2 + tol. ` +
    'Batch t + 1: the median of a mean of B draws of this skewed law is O(1/B) from 0, the sign noise O(1/sqrt(B)): the average of both over t < T is O(T^{-1/2}), the contrast series must not stall and its slope is judged against T^{-1/2}. ' +
    `The increasing batch draws sum_t (t + 1) ~ T^2/2 samples (about ${r3(2 ** 19)} at T = 2^10), which bounds the sweep.`,
  bound: 'T^(-1/2)',
  constants: {},
  variables: ['T'],
  metric: 'grad_l1_avg',
  aggregation: 'mean',
  aggregationWhy: 'the theorem bounds an expectation; the replica mean estimates it',
  tol: 0.05,
  tolWhy: 'a tenth of the gap between the claimed exponent -1/2 and no convergence (0) or -1; equal to the other rate theorems',
  series: ['variant'],
  stall: {
    variable: 'T',
    floor: stallLevel / 2,
    claimedSlope: -0.5,
    contrast: { param: 'variant', values: ['batch-t+1'], why: 'an increasing batch shrinks both the median bias and the variance of the sign estimate (P4 Thm 2)' },
  },
  cells(profile) {
    const exps = profile === 'quick' ? [6, 7, 8, 9, 10] : [6, 7, 8, 9, 10, 11, 12];
    const replicas = profile === 'quick' ? 16 : 128;
    const cells: SweepCell[] = [];
    for (const v of STO_VARIANTS) {
      for (const e of exps) {
        cells.push({
          recipe: {
            algorithm: 'alias-stochastic',
            hyper: { batch: v.batch },
            problem: { family: 'separable-quadratic', params: { d, spectrum: 'uniform', scale: 1, center: 0, x0 } },
            noise: { model: 'bimodal', params: { ...NOISE }, sigma },
            T: 2 ** e,
            workers: 1,
            replicas,
            seed: STO_SEED,
          },
          params: { variant: v.variant },
        });
      }
    }
    return cells;
  },
};

/** Wrong variants: the check must reject each (NOT REPRODUCED). */
export const aliasStochasticVariants: RateTheorem[] = [
  wrongVariant(aliasStochastic, {
    suffix: 'symmetric-noise',
    kind: 'no-mechanism',
    change: 'Gaussian noise of the same sigma in place of the bimodal law (median = mean = 0: no bias for batch 1 to stall at)',
    recipe: (r) => ({ ...r, noise: { model: 'gaussian', sigma: r.noise!.sigma } }),
  }),
  wrongVariant(aliasStochastic, {
    suffix: 'contrast-batch-1',
    kind: 'no-mechanism',
    change: 'the contrast series runs batch 1 too (no increasing batch: the median bias stays)',
    recipe: (r) => ({ ...r, hyper: { ...r.hyper, batch: 1 } }),
  }),
];
