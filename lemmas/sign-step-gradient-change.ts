import fc from 'fast-check';
import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import {
  buildProblem,
  coord,
  coordArb,
  coordsArb,
  familiesProviding,
  familyDomain,
  pointOf,
  problemSpecArb,
  specDim,
  type Coord,
  type ProblemSpec,
} from '../src/lemmas/domains.ts';
import { ETA, gamma, norm1 } from '../src/core/numerics.ts';
import { evaluationErrors, pointRoundingGrad1 } from '../src/lemmas/rounding.ts';
import type { Outcome } from '../src/lemmas/types.ts';

const NEEDS = ['Lvec'] as const;

/** x = c + 10^e z, eta = 10^step s, s_i = +1 where the coordinate's mask is set, else -1. */
export interface GradientChangeInstance {
  readonly problem: ProblemSpec;
  readonly e: number;
  readonly step: number;
  readonly coords: Coord[];
}

const domain: fc.Arbitrary<GradientChangeInstance> = fc.record({
  problem: problemSpecArb(NEEDS),
  e: fc.integer({ min: -6, max: 6 }),
  step: fc.integer({ min: -9, max: 1 }),
  coords: coordsArb(coordArb, 1200),
});

interface Eval {
  readonly d: number;
  readonly eta: number;
  readonly change1: number;
  readonly l1: number;
  readonly err: number;
}

const cache = new WeakMap<GradientChangeInstance, Eval>();
function evaluate(inst: GradientChangeInstance): Eval {
  const hit = cache.get(inst);
  if (hit) return hit;
  const d = specDim(inst.problem, inst.coords.length);
  const p = buildProblem(inst.problem, d);
  const x = pointOf(p, inst.problem, inst.coords, inst.e);
  const s = Math.min(10 ** inst.e, familyDomain(inst.problem).coordCap(inst.problem));
  const eta = 10 ** inst.step * s;
  const xp = new Float64Array(d);
  for (let i = 0; i < d; i++) xp[i] = x[i] + eta * (coord(inst.coords, i).m ? 1 : -1);
  const g = new Float64Array(d);
  const gp = new Float64Array(d);
  p.grad(x, g);
  p.grad(xp, gp);
  let change1 = 0;
  for (let i = 0; i < d; i++) change1 += Math.abs(gp[i] - g[i]);
  const ev = evaluationErrors(p);
  // gradient evaluation errors at both points, the rounding of x' = fl(x + eta s), and the l1 sum of
  // d rounded differences (gamma_d).
  const err = ev.grad1(x, g) + ev.grad1(xp, gp) + pointRoundingGrad1(p, xp, gp) + gamma(d) * change1;
  const e = { d, eta, change1, l1: norm1(p.constants.Lvec!), err };
  cache.set(inst, e);
  return e;
}

function outcome(inst: GradientChangeInstance, factor: number): Outcome {
  const e = evaluate(inst);
  return { lhs: e.change1, rhs: factor * e.eta * e.l1, detail: { d: e.d, err: e.err } };
}

const TOLERANCE = (_i: GradientChangeInstance, o: Outcome): number => o.detail!.err + gamma(o.detail!.d + 3) * Math.abs(o.rhs) + (4 * o.detail!.d + 8) * ETA;
const TOL_TEXT =
  'lhs: l1 evaluation-error bounds of grad f at x and x\' (family models, src/lemmas/rounding.ts), the rounding of x\' = fl(x + eta s) ' +
  '(Linf u ||x\'||_inf, or sqrt(d) L u ||x\'||_2), and gamma_d lhs for the sum; rhs: gamma_{d+3} rhs (||L||_1, two products); (4d + 8) 2^-1074 for underflow.';

const FAMILIES = [
  `families declaring Lvec: ${familiesProviding(NEEDS).join(', ')} (all convex)`,
  'x = x* + 10^e z (e in [-6, 6]), eta = 10^k s (k in [-9, 1]), s any sign vector',
];

/**
 * sign-step-gradient-change (P1 Lemma 1, quoted from Bernstein et al. 2018 Lemma F.3): a step of
 * length eta along a sign vector changes the gradient by at most 2 eta ||L||_1 in l1.
 */
export const signStepGradientChange = exactLemma<GradientChangeInstance>({
  id: 'sign-step-gradient-change',
  title: 'Gradient change along a sign step',
  statement: String.raw`\|\nabla f(x + \eta s) - \nabla f(x)\|_1 \le 2\eta\|L\|_1 \quad (s \in \{-1,1\}^d)`,
  source: 'P1 (Jiang et al., arXiv 2507.12091) Lemma 1 in App. A, quoted from Bernstein et al. (2018) Lemma F.3',
  reading: 'P1 states it under its Assumption 2, a one-sided quadratic upper bound; see the power check sign-step-gradient-change-one-sided.',
  assumptions: ['separable smoothness with vector L (P1 Asm. 2) and f convex (all families here), or the two-sided version of Asm. 2'],
  families: FAMILIES,
  relation: '<=',
  domain,
  check: (inst) => outcome(inst, 2),
  tolerance: TOLERANCE,
  toleranceDerivation: TOL_TEXT,
  expect: 'holds',
  notes: ['Not attained: the sharp constant is 1 (see sign-step-gradient-change-sharp), so the smallest margin is about 1/2.'],
});

/**
 * Finding: for convex f with separable smoothness L (and for any C^2 f with the two-sided bound)
 * the factor 2 is not needed. Proof (convex case): f is convex and 1-smooth w.r.t. the norm
 * ||z||_L = (sum_i L_i z_i^2)^{1/2}, so its gradient is co-coercive in the dual norm
 * ||y||_* = (sum_i y_i^2 / L_i)^{1/2}: ||Dg||_* <= ||eta s||_L = eta ||L||_1^{1/2}; then by
 * Cauchy-Schwarz ||Dg||_1 = sum_i sqrt(L_i) |Dg_i| / sqrt(L_i) <= ||L||_1^{1/2} ||Dg||_* <= eta ||L||_1.
 * (C^2 two-sided case: -diag(L) <= Hess f <= diag(L) gives t^T H s <= ||L||_1 for sign vectors t, s.)
 */
export const signStepGradientChangeSharp = variantOf(signStepGradientChange, {
  id: 'sign-step-gradient-change-sharp',
  title: 'Gradient change along a sign step, sharp constant (finding)',
  statement: String.raw`\|\nabla f(x + \eta s) - \nabla f(x)\|_1 \le \eta\|L\|_1 \quad (s \in \{-1,1\}^d,\ f \text{ convex})`,
  change: 'factor 2 dropped: a strengthening that holds (proof in the declaration), not a wrong variant',
  check: (inst) => outcome(inst, 1),
  expect: 'holds',
  tightWithin: 1e-6,
  notes: [
    'Finding: the constant 2 of P1 Lemma 1 can be 1 for convex f (co-coercivity in the norm weighted by L) and for C^2 f under the two-sided bound; equality for separable quadratics.',
  ],
});

/** Wrong variant: half of the sharp constant. */
export const signStepGradientChangeHalf = variantOf(signStepGradientChange, {
  id: 'sign-step-gradient-change-half',
  title: 'Gradient change along a sign step with eta ||L||_1 / 2 (wrong)',
  statement: String.raw`\|\nabla f(x + \eta s) - \nabla f(x)\|_1 \le \tfrac{\eta}{2}\|L\|_1`,
  change: 'constant 2 replaced by 1/2',
  check: (inst) => outcome(inst, 0.5),
});

/** Concave separable quadratics f = -1/2 sum q_i x_i^2: P1's one-sided Asm. 2 holds with L = 0. */
export interface ConcaveInstance {
  readonly step: number;
  readonly coords: { readonly q: number; readonly x: number; readonly s: boolean }[];
}

/**
 * Power check on the assumption: with P1's one-sided Assumption 2 alone (no convexity, no absolute
 * value), Lemma 1 fails. A concave quadratic f(x) = -1/2 sum q_i x_i^2 (q_i > 0) satisfies
 * f(y) <= f(x) + <grad f(x), y - x> + 1/2 sum_i L_i (y_i - x_i)^2 with L = 0, yet its gradient moves
 * by eta sum_i q_i > 0 = 2 eta ||L||_1.
 */
export const signStepGradientChangeOneSided = exactLemma<ConcaveInstance>({
  id: 'sign-step-gradient-change-one-sided',
  title: 'Gradient change along a sign step under the one-sided Asm. 2 only (power check)',
  statement: String.raw`f(y) \le f(x) + \langle\nabla f(x), y - x\rangle + \tfrac12\sum_i L_i (y_i - x_i)^2\ \forall x,y \;\Rightarrow\; \|\nabla f(x + \eta s) - \nabla f(x)\|_1 \le 2\eta\|L\|_1`,
  source: 'P1 Asm. 2 (one-sided, as printed) with P1 Lemma 1',
  assumptions: ['one-sided separable smoothness only (no convexity, no two-sided bound)'],
  families: ['concave separable quadratics f(x) = -1/2 sum_i q_i x_i^2, q_i = 10^[-3, 3] (1 + |w|), one-sided constant L = 0 (valid: f is concave); d up to 64'],
  relation: '<=',
  domain: fc.record({
    step: fc.integer({ min: -6, max: 2 }),
    coords: coordsArb(fc.record({ q: fc.integer({ min: -3, max: 3 }).map((k) => 10 ** k), x: fc.integer({ min: -64, max: 64 }).map((k) => k / 8), s: fc.boolean() }), 64),
  }),
  check: (inst) => {
    const eta = 10 ** inst.step;
    let change = 0;
    for (const c of inst.coords) {
      const xp = c.x + eta * (c.s ? 1 : -1);
      change += Math.abs(-c.q * xp - -c.q * c.x);
    }
    return { lhs: change, rhs: 0, scale: change > 0 ? change : 1, detail: { d: inst.coords.length } };
  },
  tolerance: (_i, o) => gamma(o.detail!.d + 4) * o.lhs + 4 * o.detail!.d * ETA,
  toleranceDerivation: 'd gradient differences, each from two products and a subtraction: gamma_{d+4} lhs; rhs = 0 exactly.',
  expect: 'refuted',
  variantOf: { id: 'sign-step-gradient-change', change: "assumption weakened to P1's one-sided Asm. 2 (concave instances, L = 0)" },
  notes: ['Finding: P1 Lemma 1 needs convexity or the two-sided (absolute-value) form of separable smoothness; every family in this suite is convex, so the main checks are unaffected.'],
});
