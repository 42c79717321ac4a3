import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { descentArb, descentTolerance, evalDescent, type DescentEval, type DescentInstance } from '../src/lemmas/descent.ts';
import { familiesProviding } from '../src/lemmas/domains.ts';
import type { Outcome } from '../src/lemmas/types.ts';

const NEEDS = ['L'] as const;

function outcome(e: DescentEval, c: { root: boolean; dFactor: boolean }): Outcome {
  const L = e.p.constants.L!;
  const r = c.root ? Math.sqrt(e.d) : 1;
  const a = e.eta * e.g1;
  const b = 2 * e.eta * r * e.err2;
  const q = (e.eta * e.eta * L * (c.dFactor ? e.d : 1)) / 2;
  return { lhs: e.df, rhs: -a + b + q, scale: a + b + q, detail: { termsAbs: a + b + q, gWeight: 1 + 2 * r, d: e.d } };
}

const cache = new WeakMap<DescentInstance, DescentEval>();
function evaluate(inst: DescentInstance): DescentEval {
  let e = cache.get(inst);
  if (!e) {
    e = evalDescent(inst);
    cache.set(inst, e);
  }
  return e;
}

/**
 * sign-descent-l2 (P1 App. B, chain (13) in the proof of Thm 2): under l2-smoothness L,
 * f(x - eta sign v) <= f(x) - eta ||g||_1 + 2 eta sqrt(d) ||g - v||_2 + eta^2 L d / 2, from
 * ||sign v||_2^2 <= d and ||g - v||_1 <= sqrt(d) ||g - v||_2.
 */
export const signDescentL2 = exactLemma<DescentInstance>({
  id: 'sign-descent-l2',
  title: 'One sign step under l2-smoothness',
  statement: String.raw`f(x - \eta\,\operatorname{sign} v) \le f(x) - \eta\|\nabla f(x)\|_1 + 2\eta\sqrt d\,\|\nabla f(x) - v\|_2 + \tfrac{\eta^2 L d}{2}`,
  source: 'P1 (Jiang et al., arXiv 2507.12091) App. B, proof of Thm 2, inequality chain (13)',
  assumptions: [String.raw`l2-smoothness: $\|\nabla f(x) - \nabla f(y)\|_2 \le L\|x - y\|_2$`, 'v in R^d arbitrary, eta > 0'],
  families: [
    `families declaring L: ${familiesProviding(NEEDS).join(', ')}`,
    'points, steps and estimates as for sign-descent-separable',
  ],
  relation: '<=',
  domain: descentArb(NEEDS),
  check: (inst) => outcome(evaluate(inst), { root: true, dFactor: true }),
  tolerance: (inst, o) => descentTolerance(evaluate(inst), o.detail!.termsAbs, o.detail!.gWeight),
  toleranceDerivation:
    'as sign-descent-separable (family evaluation-error models for f at x and x\', rounding of x\', gamma_{d+4} on the right-hand terms), ' +
    'with the gradient-error weight 1 + 2 sqrt(d) (||g - v||_2 moves by at most the l1 gradient error).',
  expect: 'holds',
  tightWithin: 1e-6,
  notes: ['Equality for isotropic separable quadratics (uniform spectrum) with v = g and no zero gradient coordinate.'],
});

/** Wrong variant: sqrt(d) replaced by 1. */
export const signDescentL2NoRoot = variantOf(signDescentL2, {
  id: 'sign-descent-l2-no-sqrt-d',
  title: 'l2 sign step with ||g - v||_2 not multiplied by sqrt(d) (wrong)',
  statement: String.raw`f(x - \eta\,\operatorname{sign} v) \le f(x) - \eta\|\nabla f(x)\|_1 + 2\eta\|\nabla f(x) - v\|_2 + \tfrac{\eta^2 L d}{2}`,
  change: 'sqrt(d) replaced by 1',
  check: (inst) => outcome(evaluate(inst), { root: false, dFactor: true }),
});

/** Wrong variant: the d in the curvature term dropped. */
export const signDescentL2NoD = variantOf(signDescentL2, {
  id: 'sign-descent-l2-no-d',
  title: 'l2 sign step with eta^2 L / 2 instead of eta^2 L d / 2 (wrong)',
  statement: String.raw`f(x - \eta\,\operatorname{sign} v) \le f(x) - \eta\|\nabla f(x)\|_1 + 2\eta\sqrt d\,\|\nabla f(x) - v\|_2 + \tfrac{\eta^2 L}{2}`,
  change: 'factor d in the curvature term dropped',
  check: (inst) => outcome(evaluate(inst), { root: true, dFactor: false }),
});
