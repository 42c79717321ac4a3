import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import type { MomentumInstance } from '../src/lemmas/momentum.ts';
import { domain, FAMILIES, residualCheck, tolerance } from './lib/momentum-error-residual.ts';

/** The unrolled form: eps_t = (1-beta)^{t-1} n_1 + beta sum_{k=2}^t (1-beta)^{t-k} n_k + sum_{k=2}^t (1-beta)^{t-k+1} s_k. */
export const momentumErrorUnrolled = exactLemma<MomentumInstance>({
  id: 'momentum-error-unrolled',
  title: 'Momentum estimation error, unrolled',
  statement: String.raw`\epsilon_t = (1-\beta)^{t-1} n_1 + \beta\sum_{k=2}^{t}(1-\beta)^{t-k} n_k + \sum_{k=2}^{t}(1-\beta)^{t-k+1} s_k`,
  source: 'P1 App. A, proof of Thm 1 ("Performing this recursively yields")',
  reading: 'eps_1 = n_1 because v_1 = gs_1 (stated in the proof).',
  assumptions: ['Signum as in P1 Alg. 1; t = 1..T'],
  families: FAMILIES,
  relation: '=',
  domain,
  check: residualCheck({ unrolled: true, drift: 'one-minus-beta', sOffset: 1 }),
  tolerance,
  toleranceDerivation:
    'per coordinate: u |eps_t| + sum_k (1-beta)^{t-k} gamma_3 R_k (the momentum roundings r_k carried through the recursion, R_k = (1-beta)|v_{k-1}| + beta|gs_k|) ' +
    '+ gamma_{4t+6} (sum of the absolute values of the unrolled terms) (powers by repeated multiplication, gamma_{2j+1}; products; a sum of 2t - 1 terms) + (4t + 8) 2^-1074.',
  expect: 'holds',
  notes: ['An identity: the smallest margin is minus the largest relative residual (rounding only).'],
});

/** Wrong variant: exponent t - k instead of t - k + 1 on s_k in the unrolled form. */
export const momentumErrorUnrolledExponent = variantOf(momentumErrorUnrolled, {
  id: 'momentum-error-unrolled-exponent',
  title: 'Unrolled momentum error with (1-beta)^{t-k} on s_k (wrong)',
  statement: String.raw`\epsilon_t = (1-\beta)^{t-1} n_1 + \beta\sum_{k=2}^{t}(1-\beta)^{t-k} n_k + \sum_{k=2}^{t}(1-\beta)^{t-k} s_k`,
  change: 'exponent of (1 - beta) on s_k lowered by one',
  check: residualCheck({ unrolled: true, drift: 'one-minus-beta', sOffset: 0 }),
});

