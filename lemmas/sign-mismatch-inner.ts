import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { domain, mismatch, TOL_TEXT, tol, FAMILIES, type SignMismatchInstance } from './lib/sign-mismatch-instances.ts';

/** The consequence used in the descent step: <g, sign g - sign v> <= 2 ||g - v||_1. */
export const signMismatchInner = exactLemma<SignMismatchInstance>({
  id: 'sign-mismatch-inner',
  title: 'Inner-product form of the sign mismatch bound',
  statement: String.raw`\langle g, \operatorname{sign} g - \operatorname{sign} v\rangle \le 2\|g - v\|_1`,
  source: 'P1 App. A, proof of Thm 1 (first inequality chain: <g, Sign g - Sign v> <= 2 ||g - v||_1)',
  assumptions: ['g, v in R^d arbitrary; sign(0) = 0'],
  families: FAMILIES,
  relation: '<=',
  domain,
  check: (inst) => {
    const m = mismatch(inst);
    return { lhs: m.inner, rhs: 2 * m.dist, detail: { d: m.d } };
  },
  tolerance: tol,
  toleranceDerivation: TOL_TEXT,
  expect: 'holds',
  tightWithin: 1e-6,
  notes: ['Attained in the limit v_i = -delta g_i, delta -> 0 (tiny-opposite mode: relative margin delta).'],
});

/** Wrong variant: the factor 2 of the inner-product form dropped. */
export const signMismatchInnerFactor1 = variantOf(signMismatchInner, {
  id: 'sign-mismatch-inner-factor-1',
  title: 'Inner-product form without the factor 2 (wrong)',
  statement: String.raw`\langle g, \operatorname{sign} g - \operatorname{sign} v\rangle \le \|g - v\|_1`,
  change: 'factor 2 on the right dropped',
  check: (inst) => {
    const m = mismatch(inst);
    return { lhs: m.inner, rhs: m.dist, detail: { d: m.d } };
  },
});

