import { createNoise } from '../src/noise/index.ts';
import { createProblem } from '../src/problems/index.ts';
import type { RateTheorem, SweepCell } from '../src/theorems/types.ts';

const r3 = (x: number) => Number(x.toPrecision(3));

/** The deterministic instances (as for signsgd-deterministic): non-quadratic and non-separable, no sign(0) freezing. */
const INSTANCES = [
  { label: 'logistic', family: 'logistic-synthetic', params: { m: 200, d: 10, lambda: 0.1, seed: 5 } },
  { label: 'rotated', family: 'rotated-quadratic', params: { d: 16, spectrum: 'power-law', alpha: 1, center: 'normal', seed: 3 } },
] as const;

const DET_SEED = 20250604;

/**
 * P4 Theorem 1 (Medyakov et al. 2025, arXiv 2506.03725): ALIAS with exact gradients on a convex,
 * L_inf-smooth f with a finite minimum reaches (1/T) sum_{t<T} ||grad f(x^t)||_1 <= eps in
 * O(Delta*^2 L_inf^3 / (d^0 (L_inf^0)^2 eps^2)) iterations with Option I and
 * O(Delta* L_inf^3 / ((L_inf^0)^2 eps^2)) with Option II, i.e. (1/T) sum ||g_t||_1 = O(T^{-1/2}) with a
 * constant that depends on the instance and, through L_inf^0 = ||g_1 - g_0||_1 / ||x^1 - x^0||_inf and
 * d^0, on the run's own first estimates. The poster gives the orders only, so only the slope is judged.
 */
export const aliasDeterministic: RateTheorem = {
  id: 'alias-deterministic',
  summary: 'ALIAS (Options I and II, defaults, exact gradients): (1/T) sum ||g_t||_1 = O(T^-1/2)',
  title: 'ALIAS with exact gradients',
  statement: '\\frac{1}{T}\\sum_{t=0}^{T-1}\\|\\nabla f(x^t)\\|_1 = \\mathcal{O}\\!\\left(\\frac{1}{\\sqrt T}\\right)\\ \\text{(Option I: } \\tfrac{\\Delta^* L_\\infty^{3/2}}{\\sqrt{d^0}\\,L^0_\\infty\\sqrt T}\\text{; Option II: } \\tfrac{\\sqrt{\\Delta^*} L_\\infty^{3/2}}{L^0_\\infty\\sqrt T}\\text{)}',
  source: 'P4 (Medyakov et al. 2025, arXiv 2506.03725), Theorem 1 (complexities inverted for the average l1 norm at horizon T)',
  kind: 'rate',
  assumptions: ['L_inf-smoothness (P4 Asm. 1)', 'convexity (Asm. 2)', 'finite minimum (Asm. 3)', 'exact gradients'],
  schedule:
    'no schedule: ALIAS with its defaults (src/algorithms/alias.ts: eta^{-1} = 0, first step gamma0 = 1e-3, no cap; Option I d^0 = 1e-6; Option II ftilde = 0 <= f*), gamma^t = sqrt(D^t / eta^t)',
  design:
    'The instances of signsgd-deterministic, so that the tuned-step SignSGD rate and the parameter-free one are measured on the same objectives: ' +
    '(logistic) L2-regularised logistic regression on synthetic Gaussian data (m = 200, d = 10, lambda = 0.1), non-quadratic, no gradient coordinate lands on 0; ' +
    '(rotated) a rotated quadratic, d = 16, power-law spectrum, Gaussian center: non-separable, so sign(0) = 0 freezing (THEORY.md observability note) does not arise; frozen_final rows are expected to be 0. ' +
    'Both are losses >= 0, so Option II runs with ftilde = 0 and no knowledge of f*. ' +
    'ALIAS steps gamma^t = sqrt(D^t / eta^t) with eta^t growing about linearly in t (each increment estimates L_inf along the path), so gamma^t ~ t^{-1/2}: a decaying schedule the method finds itself; the initial descent ends within the first few hundred steps (D^t of Option I grows from d^0 = 1e-6 as progress is observed), so T >= 2^8 is in the asymptotic regime. ' +
    'Exact gradients make the replicas identical: the CIs have zero width (2 replicas for the bootstrap).',
  bound: 'T^(-1/2)',
  constants: {},
  variables: ['T'],
  metric: 'grad_l1_avg',
  aggregation: 'mean',
  aggregationWhy: 'the quantity is deterministic; mean and median of identical replicas coincide',
  tol: 0.05,
  tolWhy: 'a tenth of the gap between the claimed exponent -1/2 and the nearest wrong ones (0: no convergence; -1); equal to signsgd-deterministic',
  series: ['instance'],
  cells(profile) {
    const exps = profile === 'quick' ? [8, 10, 12, 14] : [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
    const cells: SweepCell[] = [];
    for (const inst of INSTANCES) {
      for (const algorithm of ['alias', 'alias-ii']) {
        for (const e of exps) {
          cells.push({
            recipe: { algorithm, hyper: {}, problem: { family: inst.family, params: { ...inst.params } }, noise: null, T: 2 ** e, workers: 1, replicas: 2, seed: DET_SEED },
            params: { instance: inst.label },
          });
        }
      }
    }
    return cells;
  },
};

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

/** The rate theorems of this file, for registration. */
export const aliasTheorems: readonly RateTheorem[] = [aliasDeterministic, aliasStochastic];
