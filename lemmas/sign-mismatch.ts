import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { domain, mismatch, TOL_TEXT, tol, FAMILIES, type SignMismatchInstance } from './lib/sign-mismatch-instances.ts';

/**
 * sign-mismatch (P1 App. A, proof of Thm 1): coordinates where sign v disagrees with sign g cost at
 * most the estimation error, sum_i |g_i| 1[sign g_i != sign v_i] <= ||g - v||_1, because on such a
 * coordinate v_i = 0 or has the opposite sign, so |g_i - v_i| >= |g_i|. Equality when v_i = 0 on
 * every mismatch and v_i = g_i elsewhere.
 */
export const signMismatch = exactLemma<SignMismatchInstance>({
  id: 'sign-mismatch',
  title: 'Sign mismatches cost at most the l1 estimation error',
  statement: String.raw`\sum_{i=1}^d |g_i|\,\mathbb{1}[\operatorname{sign} g_i \ne \operatorname{sign} v_i] \le \|g - v\|_1`,
  source: 'P1 (Jiang et al., arXiv 2507.12091) App. A, proof of Thm 1 (second and third inequalities of the chain)',
  reading: 'sign(0) = 0: a zero v_i against a nonzero g_i is a mismatch (the proof needs |g_i - v_i| >= |g_i| there, which holds).',
  assumptions: ['g, v in R^d arbitrary; sign(0) = 0'],
  families: FAMILIES,
  relation: '<=',
  domain,
  check: (inst) => {
    const m = mismatch(inst);
    return { lhs: m.miss, rhs: m.dist, detail: { d: m.d } };
  },
  tolerance: tol,
  toleranceDerivation: TOL_TEXT,
  expect: 'holds',
  tightWithin: 1e-6,
  notes: ['Equality case reached by the zero mode (v_i = 0 on the mismatches).'],
});

/** Wrong variant: half the right-hand side. */
export const signMismatchHalf = variantOf(signMismatch, {
  id: 'sign-mismatch-half',
  title: 'Sign mismatch with half the l1 error (wrong)',
  statement: String.raw`\sum_i |g_i|\,\mathbb{1}[\operatorname{sign} g_i \ne \operatorname{sign} v_i] \le \tfrac12\|g - v\|_1`,
  change: 'right-hand side halved',
  check: (inst) => {
    const m = mismatch(inst);
    return { lhs: m.miss, rhs: 0.5 * m.dist, detail: { d: m.d } };
  },
});

