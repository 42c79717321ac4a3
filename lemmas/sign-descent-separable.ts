import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { descentArb, descentTolerance, evalDescent, type DescentEval, type DescentInstance } from '../src/lemmas/descent.ts';
import { familiesProviding } from '../src/lemmas/domains.ts';
import { norm1 } from '../src/core/numerics.ts';
import type { Outcome } from '../src/lemmas/types.ts';

const NEEDS = ['Lvec'] as const;

function lOne(e: DescentEval): number {
  return norm1(e.p.constants.Lvec!);
}

function outcome(e: DescentEval, c: { err: number; curv: number }): Outcome {
  const a = e.eta * e.g1;
  const b = c.err * e.eta * e.err1;
  const q = c.curv * e.eta * e.eta * lOne(e);
  return { lhs: e.df, rhs: -a + b + q, scale: a + b + q, detail: { termsAbs: a + b + q, gWeight: 1 + c.err, d: e.d } };
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
 * sign-descent-separable (P1 App. A, first display of the proof of Thm 1): under separable
 * smoothness with vector L, one step x' = x - eta sign(v) satisfies
 * f(x') <= f(x) - eta ||g||_1 + 2 eta ||g - v||_1 + eta^2/2 ||L||_1, g = grad f(x). Proof: the
 * quadratic upper bound with ||sign v||_L^2 <= ||L||_1, then sign-mismatch-inner.
 */
export const signDescentSeparable = exactLemma<DescentInstance>({
  id: 'sign-descent-separable',
  title: 'One sign step under separable smoothness',
  statement: String.raw`f(x - \eta\,\operatorname{sign} v) \le f(x) - \eta\|\nabla f(x)\|_1 + 2\eta\|\nabla f(x) - v\|_1 + \tfrac{\eta^2}{2}\|L\|_1`,
  source: 'P1 (Jiang et al., arXiv 2507.12091) App. A, proof of Thm 1, first display',
  reading: 'sign(v) may have zero entries (sign(0) = 0); the bound uses sum_i L_i sign(v_i)^2 <= ||L||_1, so it still holds.',
  assumptions: [String.raw`separable smoothness: $f(y) \le f(x) + \langle \nabla f(x), y-x\rangle + \tfrac12\sum_i L_i (y_i-x_i)^2$`, 'v in R^d arbitrary, eta > 0'],
  families: [
    `families declaring Lvec: ${familiesProviding(NEEDS).join(', ')} (d up to 1200; rotated <= 40, logistic-synthetic <= 40, mushroom d = 112)`,
    'x = x* + 10^e z (e in [-6, 6]; z with zeros, ties, subnormals), eta = 10^k s (k in [-9, 1]); v = g exactly, flipped, zeroed, tiny-opposite, perturbed or independent',
  ],
  relation: '<=',
  domain: descentArb(NEEDS),
  check: (inst) => outcome(evaluate(inst), { err: 2, curv: 0.5 }),
  tolerance: (inst, o) => descentTolerance(evaluate(inst), o.detail!.termsAbs, o.detail!.gWeight),
  toleranceDerivation:
    'f(x\') - f(x) is computed from two evaluations of f whose float64 error the family models bound (src/lemmas/rounding.ts: ' +
    'e.g. gamma_{d+3} f for a separable quadratic), plus the rounding of x\' = fl(x - eta sign v) (u sum |x\'_i||g_i(x\')| + second order) and u |lhs|; ' +
    'rhs: gamma_{d+4} times the sum of its terms\' absolute values, plus eta (1 + 2) times the l1 error bound of the computed gradient; plus (4d + 16) 2^-1074 for underflow.',
  expect: 'holds',
  tightWithin: 1e-6,
  notes: ['Equality for separable quadratics with v = g and no zero gradient coordinate: the quadratic upper bound is then exact.'],
});

/** Wrong variant: the factor 2 on the estimation error dropped. */
export const signDescentSeparableError1 = variantOf(signDescentSeparable, {
  id: 'sign-descent-separable-error-factor-1',
  title: 'Separable sign step with eta ||g - v||_1 instead of 2 eta ||g - v||_1 (wrong)',
  statement: String.raw`f(x - \eta\,\operatorname{sign} v) \le f(x) - \eta\|\nabla f(x)\|_1 + \eta\|\nabla f(x) - v\|_1 + \tfrac{\eta^2}{2}\|L\|_1`,
  change: 'factor 2 on the estimation-error term dropped',
  check: (inst) => outcome(evaluate(inst), { err: 1, curv: 0.5 }),
});

/** Wrong variant: half the curvature term. */
export const signDescentSeparableHalfCurv = variantOf(signDescentSeparable, {
  id: 'sign-descent-separable-half-curvature',
  title: 'Separable sign step with eta^2/4 ||L||_1 (wrong)',
  statement: String.raw`f(x - \eta\,\operatorname{sign} v) \le f(x) - \eta\|\nabla f(x)\|_1 + 2\eta\|\nabla f(x) - v\|_1 + \tfrac{\eta^2}{4}\|L\|_1`,
  change: 'curvature constant 1/2 halved to 1/4',
  check: (inst) => outcome(evaluate(inst), { err: 2, curv: 0.25 }),
});
