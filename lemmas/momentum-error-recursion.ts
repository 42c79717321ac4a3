import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import type { MomentumInstance } from '../src/lemmas/momentum.ts';
import { domain, FAMILIES, residualCheck, tolerance } from './lib/momentum-error-residual.ts';

/**
 * momentum-error-recursion (P1 App. A, proof of Thm 1): with eps_t = v_t - grad f(x_t),
 * n_t = (stochastic gradient) - grad f(x_t) and s_t = grad f(x_{t-1}) - grad f(x_t),
 * eps_t = (1 - beta) eps_{t-1} + (1 - beta) s_t + beta n_t for t >= 2, checked coordinate by
 * coordinate along real Signum runs (src/lemmas/signum-trace.ts, bit-identical to runCpu).
 */
export const momentumErrorRecursion = exactLemma<MomentumInstance>({
  id: 'momentum-error-recursion',
  title: 'Momentum estimation-error recursion along Signum runs',
  statement: String.raw`\epsilon_t = (1-\beta)\epsilon_{t-1} + (1-\beta)s_t + \beta n_t,\quad \epsilon_t = v_t - \nabla f(x_t),\ n_t = \nabla f(x_t;\xi_t) - \nabla f(x_t),\ s_t = \nabla f(x_{t-1}) - \nabla f(x_t)`,
  source: 'P1 (Jiang et al., arXiv 2507.12091) App. A, proof of Thm 1 (definition of eps_t, n_t, s_t and the recursion)',
  assumptions: ['Signum with v_1 = gs_1, v_t = (1 - beta) v_{t-1} + beta gs_t (P1 Alg. 1); any f, any noise; t >= 2'],
  families: FAMILIES,
  relation: '=',
  domain,
  check: residualCheck({ unrolled: false, drift: 'one-minus-beta', sOffset: 1 }),
  tolerance,
  toleranceDerivation:
    'per coordinate: the computed v_t carries the momentum update\'s rounding r_t, |r_t| <= gamma_3 ((1-beta)|v_{t-1}| + beta |gs_t|); eps, n, s are one rounding each; ' +
    'the right-hand side three products and two sums: |eps_t - rhs| <= gamma_8 (|r-magnitudes| + |eps_t| + (1-beta)(|eps_{t-1}| + |s_t|) + beta |n_t|) + 8 2^-1074. ' +
    'The reported lhs / rhs are the coordinate with the largest residual relative to this bound.',
  expect: 'holds',
  notes: ['An identity: the smallest margin is minus the largest relative residual (rounding only).'],
});

/** Wrong variant: the drift term (1-beta) s_t missing. */
export const momentumErrorRecursionNoDrift = variantOf(momentumErrorRecursion, {
  id: 'momentum-error-recursion-no-drift',
  title: 'Momentum error recursion without the drift term (wrong)',
  statement: String.raw`\epsilon_t = (1-\beta)\epsilon_{t-1} + \beta n_t`,
  change: 'term (1 - beta) s_t dropped',
  check: residualCheck({ unrolled: false, drift: 'none', sOffset: 1 }),
});

/** Wrong variant: s_t without its factor (1 - beta). */
export const momentumErrorRecursionDriftFactor = variantOf(momentumErrorRecursion, {
  id: 'momentum-error-recursion-drift-factor-1',
  title: 'Momentum error recursion with s_t instead of (1-beta) s_t (wrong)',
  statement: String.raw`\epsilon_t = (1-\beta)\epsilon_{t-1} + s_t + \beta n_t`,
  change: 'factor (1 - beta) on s_t dropped',
  check: residualCheck({ unrolled: false, drift: 'one', sOffset: 1 }),
});

