import fc from 'fast-check';
import type { Problem } from '../problems/types.ts';
import {
  buildProblem,
  coordArb,
  coordsArb,
  estimateArb,
  estimateOf,
  pointOf,
  problemSpecArb,
  specDim,
  familyDomain,
  isotropicQuadraticSpecArb,
  nonzeroCoordArb,
  type Coord,
  type EstimateSpec,
  type Needs,
  type ProblemSpec,
} from './domains.ts';
import { dist1, dist2, ETA, gamma, norm1, sgn, UNIT_ROUNDOFF as U } from '../core/numerics.ts';
import { evaluationErrors, pointRoundingF } from './rounding.ts';

/**
 * One sign-descent step x' = x - eta sign(v) on a problem instance, with v an estimate of
 * g = grad f(x) (P1 App. A / B). x = c + s z, eta = 10^k s (k = `step`), s the point's scale.
 */
export interface DescentInstance {
  readonly problem: ProblemSpec;
  /** log10 of the point scale s. */
  readonly e: number;
  /** log10 of eta / s. */
  readonly step: number;
  readonly v: EstimateSpec;
  readonly coords: Coord[];
}

/**
 * Descent instances from every family providing `needs` (weight 5), plus the equality corner
 * (weight 1): an isotropic separable quadratic, v = g, no zero gradient coordinate, moderate
 * scales so that the margin is resolved in float64.
 */
export function descentArb(needs: readonly Needs[]): fc.Arbitrary<DescentInstance> {
  const general = fc.record({
    problem: problemSpecArb(needs),
    e: fc.integer({ min: -6, max: 6 }),
    step: fc.integer({ min: -9, max: 1 }),
    v: estimateArb,
    coords: coordsArb(coordArb, 1200),
  });
  const corner = fc.record({
    problem: isotropicQuadraticSpecArb,
    e: fc.integer({ min: -3, max: 3 }),
    step: fc.integer({ min: -3, max: 1 }),
    v: fc.constant<EstimateSpec>({ mode: 'exact', k: 0 }),
    coords: coordsArb(nonzeroCoordArb, 1200),
  });
  return fc.oneof({ arbitrary: general, weight: 5 }, { arbitrary: corner, weight: 1 });
}

/** Everything a descent-step lemma needs, computed once per instance. */
export interface DescentEval {
  readonly p: Problem;
  readonly d: number;
  readonly eta: number;
  readonly g: Float64Array;
  readonly v: Float64Array;
  /** f(x') - f(x), computed. */
  readonly df: number;
  readonly g1: number;
  /** ||g - v||_1 and ||g - v||_2. */
  readonly err1: number;
  readonly err2: number;
  /**
   * Absolute error bound of the computed df: evaluation errors of f at x and x' (family models,
   * src/lemmas/rounding.ts), the rounding of x' = fl(x - eta sign v) (pointRoundingF), and the final
   * subtraction (u |df|).
   */
  readonly dfErr: number;
  /** Bound on ||computed g - true g||_1 (the right-hand sides use g; eta times this enters the tolerance). */
  readonly gErr1: number;
}

export function evalDescent(inst: DescentInstance): DescentEval {
  const d = specDim(inst.problem, inst.coords.length);
  const p = buildProblem(inst.problem, d);
  const x = pointOf(p, inst.problem, inst.coords, inst.e);
  const s = Math.min(10 ** inst.e, familyDomain(inst.problem).coordCap(inst.problem));
  const eta = 10 ** inst.step * s;
  const g = new Float64Array(d);
  p.grad(x, g);
  const v = estimateOf(g, inst.v, inst.coords);
  const xp = new Float64Array(d);
  for (let i = 0; i < d; i++) xp[i] = x[i] - eta * sgn(v[i]);
  const f0 = p.f(x);
  const f1 = p.f(xp);
  const gp = new Float64Array(d);
  p.grad(xp, gp);
  const ev = evaluationErrors(p);
  const df = f1 - f0;
  const gErr1 = ev.grad1(x, g);
  // pointRoundingF uses the gradient at x'; its own evaluation error is second order (u * gErr).
  const dfErr = ev.f(x, f0) + ev.f(xp, f1) + pointRoundingF(p, xp, gp) + U * Math.abs(df) + 4 * ETA;
  return { p, d, eta, g, v, df, g1: norm1(g), err1: dist1(g, v), err2: dist2(g, v), dfErr, gErr1 };
}

/**
 * Tolerance of a claim df <= rhs where rhs is a signed sum of terms built from eta, norms of g and
 * g - v over d coordinates and declared constants: dfErr + gamma_{d+4} (sum of |terms|)
 * + c eta gErr1 (the norms are of the computed g; each norm of g or g - v moves by at most gErr1
 * in l1, hence by at most gErr1 in l2 too; c = total weight of such norms) + (4d + 16) 2^-1074.
 */
export function descentTolerance(e: DescentEval, termsAbs: number, gWeight: number): number {
  return e.dfErr + gamma(e.d + 4) * termsAbs + gWeight * e.eta * e.gErr1 + (4 * e.d + 16) * ETA;
}
