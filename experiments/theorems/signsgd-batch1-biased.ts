import { createNoise } from '../../src/noise/index.ts';
import { wrongVariant } from '../../src/theorems/variants.ts';
import type { RunRecipe } from '../../src/engine/recipe.ts';
import type { RateTheorem, SweepCell } from '../../src/theorems/types.ts';

const d = 4;
const sigma = 1;
const x0 = 0.5;
const gamma0 = 0.5;
const eta0 = 0.5;
const seed = 20190215;
/** P4 / B19's bimodal asymmetric noise: mean 0, median != 0 (the registry's defaults, written out). */
const NOISE = { p: 0.8, gap: 1, width: 0.05 } as const;
const median = createNoise('bimodal', NOISE).median;
/** Where batch-1 SignSGD stalls: every coordinate at g_i = -sigma median (P(g_i + sigma xi > 0) = 1/2). */
const stallLevel = d * sigma * Math.abs(median);
const r3 = (x: number) => Number(x.toPrecision(3));

/** The three variants: the failing one and two that change it. */
const VARIANTS = [
  { variant: 'batch-1', algorithm: 'signsgd', hyper: { lr: `${gamma0} * T^(-1/2)` } },
  { variant: 'batch-sqrtT', algorithm: 'minibatch-signsgd', hyper: { lr: `${gamma0} * T^(-1/2)`, batch: 'T^(1/2)' } },
  { variant: 'momentum', algorithm: 'signum', hyper: { lr: `${eta0} * T^(-3/4)`, beta: 'T^(-1/2)' } },
] as const;

/**
 * Negative result (P4 poster, "SIGN-SGD with a batch size of 1 and stochastic gradients does not
 * converge"; Bernstein et al. 2019, who need unimodal symmetric noise for batch-1 SignSGD):
 * with mean-zero noise whose median is not 0, sign(g + xi) is a biased estimate of sign(g):
 * E sign(g_i + sigma xi_i) = 0 at g_i = -sigma med(xi) != 0, so batch-1 SignSGD drifts to that
 * point and E||grad f||_1 stays near d sigma |med(xi)| however small the step and however long the
 * run. A minibatch of B draws shrinks the median of the noise mean (to 0 as B grows), and momentum
 * averages over 1/beta draws before the sign (P1 Thm 1 needs no assumption on the noise shape):
 * both converge (the contrast series).
 */
export const signsgdBatch1Biased: RateTheorem = {
  id: 'signsgd-batch1-biased',
  summary: 'SignSGD with batch 1 under mean-zero bimodal noise with median != 0 stalls at ||g||_1 ~ d sigma |med|; batch sqrt(T) or momentum converge',
  title: 'Batch-1 SignSGD is biased under asymmetric noise',
  statement:
    '\\mathbb{E}\\,\\xi = 0,\\ \\mathrm{med}(\\xi) \\ne 0:\\quad \\liminf_{T\\to\\infty} \\frac{1}{T}\\sum_{t<T}\\mathbb{E}\\|\\nabla f(x_t)\\|_1 > 0 \\text{ for } x_{t+1} = x_t - \\gamma_T\\,\\mathrm{sign}(\\nabla f(x_t) + \\sigma\\xi_t),\\ \\gamma_T \\to 0',
  source: 'P4 (Medyakov et al. 2025, arXiv 2506.03725), "Convergence properties of classic SIGN-SGD"; Bernstein et al. (2019) on the unimodal symmetric noise assumption',
  kind: 'negative',
  assumptions: ['separable quadratic (every smoothness class)', 'unbiased oracle with mean-zero noise whose median is not 0 (asymmetric, bimodal)'],
  schedule: `batch-1: SignSGD, gamma = ${gamma0} T^{-1/2}; batch-sqrtT: minibatch SignSGD, gamma = ${gamma0} T^{-1/2}, B = T^{1/2}; momentum: Signum, eta = ${eta0} T^{-3/4}, beta = T^{-1/2} (P1 Thm 1)`,
  design:
    `f = (1/2)||x||^2, d = ${d}, x0 = ${x0} 1, noise sigma xi with xi ~ ${NOISE.p} N(${r3((1 - NOISE.p) * NOISE.gap)}, ${NOISE.width}^2) + ${r3(1 - NOISE.p)} N(-${r3(NOISE.p * NOISE.gap)}, ${NOISE.width}^2) (mean 0, median ${median.toPrecision(4)}), sigma = ${sigma}. ` +
    `Batch-1 SignSGD's stationary point is g_i = -sigma med = ${(-sigma * median).toPrecision(4)} per coordinate, so ||g||_1 -> d sigma |med| = ${stallLevel.toPrecision(4)} as the step shrinks. ` +
    `Stall check (batch-1 series): at the largest T the CI of the mean metric must lie above the floor ${(stallLevel / 2).toPrecision(4)} (half the predicted level), and the T-slope CI must exclude the claimed rate T^{-1/4} (SignSGD's rate under unimodal symmetric noise, B19; also the bound declared here) by more than tol. ` +
    'The contrast series (batch-sqrtT, momentum) must NOT stall: a batch of sqrt(T) draws shrinks the median of the noise mean (O(1/B) for this skewed law with all moments, by the Edgeworth expansion of the median of a mean), and Signum averages over 1/beta = sqrt(T) draws; their T-slopes are also judged against T^{-1/4}. ' +
    'Majority vote (B19) would need a distributed algorithm not in the registry yet; not run.',
  bound: 'T^(-1/4)',
  constants: {},
  variables: ['T'],
  metric: 'grad_l1_avg',
  aggregation: 'mean',
  aggregationWhy: 'the claim is about the expectation E||grad f||_1 staying away from 0; the replica mean estimates it',
  tol: 0.05,
  tolWhy: 'as for the rate theorems: a fifth of the gap between the rate -1/4 and no convergence (0)',
  series: ['variant'],
  stall: {
    variable: 'T',
    floor: stallLevel / 2,
    claimedSlope: -0.25,
    contrast: { param: 'variant', values: ['batch-sqrtT', 'momentum'], why: 'a batch of sqrt(T) draws or momentum over 1/beta = sqrt(T) draws removes the median bias' },
  },
  cells(profile) {
    const exps = profile === 'quick' ? [8, 10, 12] : [8, 9, 10, 11, 12, 13, 14];
    const replicas = profile === 'quick' ? 32 : 128;
    const cells: SweepCell[] = [];
    for (const v of VARIANTS) {
      for (const e of exps) {
        const recipe: RunRecipe = {
          algorithm: v.algorithm,
          hyper: { ...v.hyper },
          problem: { family: 'separable-quadratic', params: { d, spectrum: 'uniform', scale: 1, center: 0, x0 } },
          noise: { model: 'bimodal', params: { ...NOISE }, sigma },
          T: 2 ** e,
          workers: 1,
          replicas,
          seed,
        };
        cells.push({ recipe, params: { variant: v.variant } });
      }
    }
    return cells;
  },
};

/** Wrong variants: the check must reject each (NOT REPRODUCED). */
export const signsgdBatch1BiasedVariants: RateTheorem[] = [
  wrongVariant(signsgdBatch1Biased, {
    suffix: 'symmetric-noise',
    kind: 'no-mechanism',
    change: 'Gaussian noise of the same sigma in place of the bimodal law (median = mean = 0: no bias for batch 1 to stall at)',
    recipe: (r) => ({ ...r, noise: { model: 'gaussian', sigma: r.noise!.sigma } }),
  }),
  wrongVariant(signsgdBatch1Biased, {
    suffix: 'contrast-batch-1',
    kind: 'no-mechanism',
    change: 'the contrast series run batch-1 SignSGD too (no batch, no momentum: nothing removes the median bias)',
    recipe: (r, cell) => (cell.params.variant === 'batch-1' ? r : { ...r, algorithm: 'signsgd', hyper: { lr: `${gamma0} * T^(-1/2)` } }),
  }),
];
