import fc from 'fast-check';
import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import {
  buildProblem,
  coord,
  coordArb,
  coordsArb,
  familiesProviding,
  familyDomain,
  nonzeroCoordArb,
  pointOf,
  problemSpecArb,
  specDim,
  type Coord,
  type ProblemSpec,
} from '../src/lemmas/domains.ts';
import { ETA, gamma, norm1, sgn } from '../src/core/numerics.ts';
import { evaluationErrors, pointRoundingF } from '../src/lemmas/rounding.ts';
import type { Outcome } from '../src/lemmas/types.ts';

const NEEDS = ['Linf', 'fStar'] as const;

/**
 * SignSGD with exact gradients and constant step gamma for T steps from x0 = x* + s z, gamma = 10^k s;
 * `land` puts x0 = x* + gamma sign(z) (one step lands on x*: the equality case for T = 1).
 */
export interface DeterministicSumInstance {
  readonly problem: ProblemSpec;
  readonly e: number;
  readonly step: number;
  readonly T: number;
  readonly land: boolean;
  readonly coords: Coord[];
}

const MAX_TD = 20000;

const domain: fc.Arbitrary<DeterministicSumInstance> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      problem: problemSpecArb(NEEDS),
      e: fc.integer({ min: -6, max: 6 }),
      step: fc.integer({ min: -6, max: 1 }),
      T: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 64 })),
      land: fc.boolean(),
      coords: coordsArb(coordArb, 1200),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      problem: problemSpecArb(NEEDS).filter((s) => s.family === 'separable-quadratic' || s.family === 'heterogeneous-quadratic'),
      e: fc.integer({ min: -3, max: 3 }),
      step: fc.constant(0),
      T: fc.constant(1),
      land: fc.constant(true),
      coords: coordsArb(nonzeroCoordArb, 1200),
    }),
  },
);

interface Eval {
  readonly d: number;
  readonly T: number;
  readonly gam: number;
  readonly avgG1: number;
  readonly delta: number;
  readonly Linf: number;
  readonly L: number;
  /** Float64 error bounds: (3/T) sum_t gErr1_t, sum_t pointRoundingF_t, fErr(x0) + fStarError. */
  readonly gradErr: number;
  readonly pathErr: number;
  readonly deltaErr: number;
}

const cache = new WeakMap<DeterministicSumInstance, Eval>();
function evaluate(inst: DeterministicSumInstance): Eval {
  const hit = cache.get(inst);
  if (hit) return hit;
  const d = specDim(inst.problem, inst.coords.length);
  const T = Math.max(1, Math.min(inst.T, Math.floor(MAX_TD / d)));
  const p = buildProblem(inst.problem, d);
  const ev = evaluationErrors(p);
  const s = Math.min(10 ** inst.e, familyDomain(inst.problem).coordCap(inst.problem));
  const gam = inst.land ? s : 10 ** inst.step * s;
  let x = pointOf(p, inst.problem, inst.coords, inst.e);
  if (inst.land) {
    const c = p.constants.xStar!;
    x = Float64Array.from({ length: d }, (_, i) => c[i] + gam * sgn(coord(inst.coords, i).z));
  }
  const f0 = p.f(x);
  const f0Err = ev.f(x, f0);
  const g = new Float64Array(d);
  let sum = 0;
  let gradErr = 0;
  let pathErr = 0;
  for (let t = 0; t < T; t++) {
    p.grad(x, g);
    sum += norm1(g);
    gradErr += ev.grad1(x, g);
    const xn = new Float64Array(d);
    for (let i = 0; i < d; i++) xn[i] = x[i] - gam * sgn(g[i]);
    x = xn;
    if (t < T - 1) {
      // the next iterate is rounded: its f differs from f at the exact step point (pointRoundingF, gradient there)
      p.grad(x, g);
      pathErr += pointRoundingF(p, x, g);
    } else {
      const gT = new Float64Array(d);
      p.grad(x, gT);
      pathErr += pointRoundingF(p, x, gT);
    }
  }
  const k = p.constants;
  const fStarLow = k.fStar! - (k.fStarError ?? 0);
  const e: Eval = {
    d,
    T,
    gam,
    avgG1: sum / T,
    delta: f0 - fStarLow,
    Linf: k.Linf!,
    L: k.L!,
    gradErr: (3 * gradErr) / T,
    pathErr,
    deltaErr: f0Err + (k.fStarError ?? 0),
  };
  cache.set(inst, e);
  return e;
}

function outcome(inst: DeterministicSumInstance, c: { smooth: 'Linf' | 'L'; curv: number }): Outcome {
  const e = evaluate(inst);
  const a = e.delta / (e.gam * e.T);
  const b = c.curv * e.gam * (c.smooth === 'Linf' ? e.Linf : e.L);
  return { lhs: e.avgG1, rhs: a + b, detail: { d: e.d, T: e.T } };
}

function tolerance(inst: DeterministicSumInstance, o: Outcome): number {
  const e = evaluate(inst);
  return gamma(e.T + e.d + 4) * o.lhs + gamma(8) * o.rhs + e.gradErr + (e.pathErr + e.deltaErr) / (e.gam * e.T) + (4 * e.d + 16) * e.T * ETA;
}

const TOL_TEXT =
  'lhs: T d non-negative terms (gamma_{T+d+4} lhs); the lemma is about the true gradients at the computed iterates: their l1 errors enter three times ' +
  '(the norm itself and, per step, a coordinate whose computed sign is wrong has |g_i| <= its error, costing 2 gamma |g_i| in the descent step) -> (3/T) sum_t gErr1_t; ' +
  'each computed iterate is a rounding of the exact step point, so f there differs by pointRoundingF (summed over steps, divided by gamma T); ' +
  'Delta = f(x0) - f* carries the evaluation error of f(x0) and fStarError (numerical optima); gamma_8 rhs for the arithmetic; T (4d + 16) 2^-1074.';

/**
 * sign-descent-deterministic-sum (P4 eq. (1)): SignSGD with constant step gamma and exact gradients
 * on an L_inf-smooth f: (1/T) sum_{t<T} ||grad f(x^t)||_1 <= Delta* / (gamma T) + gamma L_inf / 2,
 * Delta* = f(x^0) - f(x*). Proof: L_inf-smoothness gives f(y) <= f(x) + <g, y-x> + L_inf/2 ||y-x||_inf^2,
 * and ||gamma sign g||_inf <= gamma; telescope.
 */
export const signDescentDeterministicSum = exactLemma<DeterministicSumInstance>({
  id: 'sign-descent-deterministic-sum',
  title: 'Deterministic SignSGD: average l1 gradient norm',
  statement: String.raw`\frac1T\sum_{t=0}^{T-1}\|\nabla f(x^t)\|_1 \le \frac{\Delta^*}{\gamma T} + \frac{\gamma L_\infty}{2},\quad x^{t+1} = x^t - \gamma\operatorname{sign}\nabla f(x^t),\ \Delta^* = f(x^0) - f(x^*)`,
  source: 'P4 (Medyakov et al., arXiv 2506.03725, poster) eq. (1)',
  assumptions: [String.raw`$L_\infty$-smoothness: $\|\nabla f(x) - \nabla f(y)\|_1 \le L_\infty\|x - y\|_\infty$`, 'f* = inf f finite (fStar declared; numerical optima use fStar - fStarError)', 'constant step gamma > 0, exact gradients'],
  families: [
    `families declaring Linf and fStar: ${familiesProviding(NEEDS).join(', ')}`,
    'x0 = x* + 10^e z or x0 = x* + gamma sign z (lands on x* in one step), gamma = 10^k s (k in [-6, 1]), T in [1, 64] (T d <= 20000)',
  ],
  relation: '<=',
  domain,
  check: (inst) => outcome(inst, { smooth: 'Linf', curv: 0.5 }),
  tolerance,
  toleranceDerivation: TOL_TEXT,
  expect: 'holds',
  tightWithin: 1e-6,
  notes: ['Equality at T = 1 from x0 = x* + gamma sign z (no zero coordinate) on separable quadratics, where L_inf = ||L||_1 is tight.'],
});

/** Wrong variant: L_inf replaced by the l2 constant L (d dropped for isotropic quadratics). */
export const signDescentDeterministicSumL2 = variantOf(signDescentDeterministicSum, {
  id: 'sign-descent-deterministic-sum-l2-constant',
  title: 'Deterministic SignSGD bound with L (l2) in place of L_inf (wrong)',
  statement: String.raw`\frac1T\sum_{t=0}^{T-1}\|\nabla f(x^t)\|_1 \le \frac{\Delta^*}{\gamma T} + \frac{\gamma L}{2}`,
  change: 'L_inf replaced by the l2 constant L (for an isotropic quadratic: d L replaced by L)',
  check: (inst) => outcome(inst, { smooth: 'L', curv: 0.5 }),
});

/** Wrong variant: half the curvature term. */
export const signDescentDeterministicSumHalf = variantOf(signDescentDeterministicSum, {
  id: 'sign-descent-deterministic-sum-half-curvature',
  title: 'Deterministic SignSGD bound with gamma L_inf / 4 (wrong)',
  statement: String.raw`\frac1T\sum_{t=0}^{T-1}\|\nabla f(x^t)\|_1 \le \frac{\Delta^*}{\gamma T} + \frac{\gamma L_\infty}{4}`,
  change: 'constant 1/2 of the curvature term halved',
  check: (inst) => outcome(inst, { smooth: 'Linf', curv: 0.25 }),
});
