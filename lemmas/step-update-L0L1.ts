import fc from 'fast-check';
import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import {
  buildProblem,
  coord,
  coordArb,
  coordsArb,
  estimateArb,
  estimateOf,
  familiesProviding,
  familyDomain,
  isotropicQuadraticSpecArb,
  nonzeroCoordArb,
  pointOf,
  problemSpecArb,
  specDim,
  type Coord,
  type EstimateSpec,
  type ProblemSpec,
} from '../src/lemmas/domains.ts';
import { ETA, gamma, norm1, norm2, sgn, UNIT_ROUNDOFF as U } from '../src/core/numerics.ts';
import { evaluationErrors, pointRoundingF } from '../src/lemmas/rounding.ts';
import type { Outcome } from '../src/lemmas/types.ts';

const NEEDS = ['L0L1'] as const;

/**
 * x = c + 10^e z; A = diag(|w_i|) / max_j |w_j| (zeros allowed); m = g + eps is the estimate v of the coordinates'
 * EstimateSpec (eps = v - g); the step length is gamma ||A||_F = min(10^k s, 30 / L1) (s the point
 * scale), so e^{gamma L1 ||A||_F} <= e^30 and the iterates stay where f is finite.
 */
export interface StepUpdateInstance {
  readonly problem: ProblemSpec;
  readonly e: number;
  readonly step: number;
  readonly m: EstimateSpec;
  readonly coords: Coord[];
}

const general = fc.record({
  problem: problemSpecArb(NEEDS),
  e: fc.integer({ min: -6, max: 6 }),
  step: fc.integer({ min: -9, max: 1 }),
  m: estimateArb,
  coords: coordsArb(coordArb, 1200),
});
// Equality corner: isotropic quadratic ((L0, L1) = (L, 0)), eps = 0, no zero gradient coordinate.
const corner = fc.record({
  problem: isotropicQuadraticSpecArb,
  e: fc.integer({ min: -3, max: 3 }),
  step: fc.integer({ min: -3, max: 1 }),
  m: fc.constant<EstimateSpec>({ mode: 'exact', k: 0 }),
  coords: coordsArb(nonzeroCoordArb, 1200),
});
// Where the exponential factor matters: (L0, L1) families with L1 > 0, every coordinate's sign of m
// flipped (or reversed by a tiny opposite), steps of order 1/L1, no zero gradient coordinate.
const uphill = fc.record({
  problem: problemSpecArb(NEEDS).filter((s) => s.family === 'exp-sum' || s.family === 'sum-cosh'),
  e: fc.integer({ min: -1, max: 1 }),
  step: fc.integer({ min: -3, max: 1 }),
  m: fc.record({ mode: fc.constantFrom('flip', 'tiny-opposite') as fc.Arbitrary<EstimateSpec['mode']>, k: fc.integer({ min: 0, max: 14 }) }),
  coords: coordsArb(nonzeroCoordArb.map((c) => ({ ...c, m: true })), 1200),
});
const domain = fc.oneof({ arbitrary: general, weight: 4 }, { arbitrary: corner, weight: 1 }, { arbitrary: uphill, weight: 2 });

interface Eval {
  readonly d: number;
  readonly gamma: number;
  /** gamma ||A||_F as a product (so that gamma^2 ||A||_F^2 = len^2 cannot overflow when ||A||_F is tiny). */
  readonly len: number;
  readonly df: number;
  readonly dfErr: number;
  readonly gErr1: number;
  /** ||A g||_1, ||A||_F, ||eps||_2, ||g||_2, max_i a_i. */
  readonly ag1: number;
  readonly aF: number;
  readonly eps2: number;
  readonly g2: number;
  readonly aMax: number;
  readonly L0: number;
  readonly L1: number;
}

const cache = new WeakMap<StepUpdateInstance, Eval>();
function evaluate(inst: StepUpdateInstance): Eval {
  const hit = cache.get(inst);
  if (hit) return hit;
  const d = specDim(inst.problem, inst.coords.length);
  const p = buildProblem(inst.problem, d);
  const L0 = p.constants.L0!;
  const L1 = p.constants.L1!;
  const x = pointOf(p, inst.problem, inst.coords, inst.e);
  const s = Math.min(10 ** inst.e, familyDomain(inst.problem).coordCap(inst.problem));
  // Only gamma A enters the statement, so A is normalised to max_i a_i = 1 (keeps gamma <= the step
  // length, and no product with a subnormal a_i matters beyond the underflow allowance).
  const w = Float64Array.from({ length: d }, (_, i) => Math.abs(coord(inst.coords, i).w));
  let wMax = 0;
  for (let i = 0; i < d; i++) wMax = Math.max(wMax, w[i]);
  const a = wMax > 0 ? w.map((v) => v / wMax) : w;
  const aF = norm2(a);
  const len = Math.min(10 ** inst.step * s, L1 > 0 ? 30 / L1 : Infinity);
  const gam = aF > 0 ? len / aF : len;
  const g = new Float64Array(d);
  p.grad(x, g);
  const m = estimateOf(g, inst.m, inst.coords);
  const eps = m.map((mi, i) => mi - g[i]);
  const xp = new Float64Array(d);
  for (let i = 0; i < d; i++) xp[i] = x[i] - gam * a[i] * sgn(m[i]);
  const f0 = p.f(x);
  const f1 = p.f(xp);
  const gp = new Float64Array(d);
  p.grad(xp, gp);
  const ev = evaluationErrors(p);
  const df = f1 - f0;
  let ag1 = 0;
  let aMax = 0;
  for (let i = 0; i < d; i++) {
    ag1 += a[i] * Math.abs(g[i]);
    aMax = Math.max(aMax, a[i]);
  }
  // x' = fl(x - fl(gamma a_i) sign m_i): the product's rounding (u gamma a_i) and the subtraction's
  // (u |x'_i|), with (1 + 2u) for the products of (1 + delta) factors.
  const delta = Float64Array.from({ length: d }, (_, i) => U * (gam * a[i] + Math.abs(xp[i])) * (1 + 2 * U) + ETA);
  const dfErr = ev.f(x, f0) + ev.f(xp, f1) + pointRoundingF(p, xp, gp, delta) + U * Math.abs(df) + 4 * ETA;
  const e: Eval = { d, gamma: gam, len: gam * aF, df, dfErr, gErr1: ev.grad1(x, g), ag1, aF, eps2: norm2(eps), g2: norm2(g), aMax, L0, L1 };
  cache.set(inst, e);
  return e;
}

function outcome(inst: StepUpdateInstance, c: { errFactor: number; withExp: boolean }): Outcome {
  const e = evaluate(inst);
  const t1 = e.gamma * e.ag1;
  const t2 = c.errFactor * e.len * e.eps2;
  const arg = e.L1 * e.len;
  const t3 = ((e.L0 + e.L1 * e.g2) / 2) * (c.withExp ? Math.exp(arg) : 1) * e.len * e.len;
  return {
    lhs: e.df,
    rhs: -t1 + t2 + t3,
    scale: t1 + t2 + t3,
    detail: { termsAbs: t1 + t2 + t3, arg, t3, d: e.d },
  };
}

function tolerance(inst: StepUpdateInstance, o: Outcome): number {
  const e = evaluate(inst);
  const { termsAbs, arg, t3 } = o.detail!;
  // The right-hand side uses the computed g: ||A g||_1 moves by max a_i gErr1, ||eps||_2 by gErr1,
  // ||g||_2 by gErr1 (inside the curvature term, through L1).
  const gPart = e.gamma * e.gErr1 * (e.aMax + 2 * e.aF) + (e.L0 + e.L1 * e.g2 > 0 ? (t3 * e.L1 * e.gErr1) / (e.L0 + e.L1 * e.g2) : 0);
  return e.dfErr + (gamma(e.d + 8) + arg * gamma(e.d + 4)) * termsAbs + gPart + (4 * e.d + 16) * ETA;
}

const TOL_TEXT =
  'lhs: family evaluation-error models of f at x and x\' (src/lemmas/rounding.ts), rounding of x\' (u gamma a_i from the product, u |x\'_i| from the subtraction, through grad f(x\') and a curvature bound), u |lhs|; ' +
  'rhs: gamma_{d+8} on each term plus, for e^{gamma L1 ||A||_F}, the relative error gamma_{d+4} of its argument times the argument; ' +
  'terms built from the computed gradient move by at most its l1 error bound (weights max a_i, 2 ||A||_F, and L1 inside the curvature term); (4d + 16) 2^-1074.';

/**
 * step-update-L0L1 (P0, Step Update Lemma): for x' = x - gamma A sign(m), m = grad f(x) + eps,
 * A >= 0 diagonal and f (L0, L1)-smooth in P0's sense,
 * f(x') - f(x) <= -gamma ||A g||_1 + 2 gamma ||A||_F ||eps||_2
 *                 + (L0 + L1 ||g||_2)/2 e^{gamma L1 ||A||_F} gamma^2 ||A||_F^2.
 * Proof sketch: the (L0, L1) descent inequality f(y) <= f(x) + <g, y-x> + (L0 + L1||g||)/2
 * e^{L1 ||y-x||} ||y-x||^2 (Gronwall along the segment), ||x' - x||_2 <= gamma ||A||_F, and the
 * sign-mismatch bound weighted by A with Cauchy-Schwarz.
 */
export const stepUpdateL0L1 = exactLemma<StepUpdateInstance>({
  id: 'step-update-L0L1',
  title: 'Step update lemma under (L0, L1)-smoothness',
  statement: String.raw`f(x') - f(x) \le -\gamma\|A\nabla f(x)\|_1 + 2\gamma\|A\|_F\|\epsilon\|_2 + \frac{L_0 + L_1\|\nabla f(x)\|_2}{2}\, e^{\gamma L_1\|A\|_F}\,\gamma^2\|A\|_F^2,\quad x' = x - \gamma A\operatorname{sign}(\nabla f(x) + \epsilon)`,
  source: 'P0 (Ikonnikov, Kornilov, Beznosikov), Step Update Lemma (abstract)',
  assumptions: [
    String.raw`$(L_0, L_1)$-smoothness (P0): $\|\nabla f(x) - \nabla f(y)\|_2 \le (L_0 + L_1 \sup_{u\in[x,y]}\|\nabla f(u)\|_2)\|x - y\|_2$`,
    'A diagonal with A >= 0 (zeros allowed), gamma > 0, eps arbitrary',
  ],
  families: [
    `families declaring (L0, L1): ${familiesProviding(NEEDS).join(', ')}; (L, 0) for the L-smooth ones`,
    'x = x* + 10^e z; A = diag(|w|) / max |w|; gamma ||A||_F = min(10^k s, 30 / L1), k in [-9, 1]; eps = 0, sign flips, zeros, tiny-opposite, perturbations, independent',
    'corners: isotropic quadratics with eps = 0 (equality); exp-sum / sum-cosh with every sign of m reversed and steps of order 1/L1 (where e^{gamma L1 ||A||_F} is needed)',
  ],
  relation: '<=',
  domain,
  check: (inst) => outcome(inst, { errFactor: 2, withExp: true }),
  tolerance,
  toleranceDerivation: TOL_TEXT,
  expect: 'holds',
  tightWithin: 1e-6,
  notes: ['Equality for isotropic quadratics ((L0, L1) = (L, 0)) with eps = 0 and no zero gradient coordinate, for every A.'],
});

/**
 * Power check (THEORY.md): without the factor e^{gamma L1 ||A||_F} the statement is false; in one
 * dimension f = e^x, (L0, L1) = (0, 1), an eps that just flips the sign gives
 * f(x') - f(x) = e^x (e^gamma - 1) > e^x (gamma + gamma^2 / 2).
 */
export const stepUpdateL0L1NeedsExp = variantOf(stepUpdateL0L1, {
  id: 'step-update-L0L1-needs-exp',
  title: 'Step update lemma without the exponential factor (power check)',
  statement: String.raw`f(x') - f(x) \le -\gamma\|A\nabla f(x)\|_1 + 2\gamma\|A\|_F\|\epsilon\|_2 + \frac{L_0 + L_1\|\nabla f(x)\|_2}{2}\,\gamma^2\|A\|_F^2`,
  change: 'factor e^{gamma L1 ||A||_F} removed',
  check: (inst) => outcome(inst, { errFactor: 2, withExp: false }),
});

/** Wrong variant: the factor 2 on the error term dropped. */
export const stepUpdateL0L1Error1 = variantOf(stepUpdateL0L1, {
  id: 'step-update-L0L1-error-factor-1',
  title: 'Step update lemma with gamma ||A||_F ||eps||_2 (wrong)',
  statement: String.raw`f(x') - f(x) \le -\gamma\|A\nabla f(x)\|_1 + \gamma\|A\|_F\|\epsilon\|_2 + \frac{L_0 + L_1\|\nabla f(x)\|_2}{2}\, e^{\gamma L_1\|A\|_F}\gamma^2\|A\|_F^2`,
  change: 'factor 2 on the noise term dropped',
  check: (inst) => outcome(inst, { errFactor: 1, withExp: true }),
});
