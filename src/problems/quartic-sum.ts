import { checkLength, checkWorker, CENTER_PARAM_DOCS, resolveCenter, resolveX0, X0_PARAM_DOCS } from './common.ts';
import { integerParam, positiveParam, positiveScalarOrVector, rejectUnknown, seedParam, type ParamBag } from './params.ts';
import type { Problem, ProblemFamily } from './types.ts';

/** Parameters of {@link quarticSumFamily}. */
export interface QuarticSumParams {
  d?: number;
  a?: number | number[] | Float64Array | string;
  L1?: number;
  center?: number | number[] | Float64Array | string;
  centerScale?: number;
  seed?: number;
  x0?: number | number[] | Float64Array | string;
  x0Seed?: number;
}

const ID = 'quartic-sum';

/**
 * f(x) = 1/4 sum_i a_i (x_i - c_i)^4, a_i > 0: polynomial growth, not L-smooth, (L0, L1)-smooth
 * for every choice of L1 > 0 with L0 = 4 max_i a_i / L1^2.
 *
 * Derivation: with r = u - c, grad f(u)_i = a_i r_i^3 and Hess f(u) = diag(3 a_i r_i^2). For fixed
 * a, L1 the function t -> 3 a t^2 - L1 a t^3 (t >= 0) peaks at t = 2/L1 with value 4a/L1^2, so
 * 3 a_i r_i^2 <= 4 a_i / L1^2 + L1 |grad f(u)_i| and
 * ||Hess f(u)||_2 <= L0 + L1 ||grad f(u)||_inf <= L0 + L1 ||grad f(u)||_2; integrating along [x, y]
 * gives P0's inequality. Tight at |r_i| = 2/L1 for the largest a_i (d = 1).
 *
 * Convex (not strongly), fStar = 0 at xStar = c.
 */
export function quarticSum(
  a: Float64Array,
  L1: number,
  center: Float64Array,
  options: { x0?: () => Float64Array; params?: Record<string, number | string>; name?: string } = {},
): Problem {
  const d = a.length;
  checkLength('quartic-sum center', center, d);
  const A = a.slice();
  const c = center.slice();
  let amax = 0;
  for (let i = 0; i < d; i++) amax = Math.max(amax, A[i]);
  const f = (x: Float64Array): number => {
    checkLength('quartic-sum f(x): x', x, d);
    let s = 0;
    for (let i = 0; i < d; i++) {
      const r = x[i] - c[i];
      const r2 = r * r;
      s += A[i] * r2 * r2;
    }
    return 0.25 * s;
  };
  const grad = (x: Float64Array, out: Float64Array): void => {
    checkLength('quartic-sum grad(x): x', x, d);
    checkLength('quartic-sum grad(x): out', out, d);
    for (let i = 0; i < d; i++) {
      const r = x[i] - c[i];
      out[i] = A[i] * r * r * r;
    }
  };
  return {
    id: ID,
    name: options.name ?? `quartic-sum(d=${d})`,
    summary: 'f(x) = 1/4 sum_i a_i (x_i - c_i)^4: (4 max a / L1^2, L1)-smooth, convex',
    d,
    workers: 1,
    params: options.params ?? { d, L1 },
    constants: {
      L0: (4 * amax) / (L1 * L1),
      L1,
      convex: true,
      fStar: 0,
      xStar: c.slice(),
      notes: ['Not globally L-smooth: L, Linf, Lvec undefined.', 'L0 = 4 max a_i / L1^2 for the chosen L1; tight for d = 1.'],
    },
    separableCoefficients: { kind: 'quartic-sum', a: A.slice(), center: c.slice() },
    f,
    grad,
    gradWorker: (x, worker, out) => {
      checkWorker(worker, 1);
      grad(x, out);
    },
    fWorker: (x, worker) => {
      checkWorker(worker, 1);
      return f(x);
    },
    x0: options.x0 ?? (() => new Float64Array(d).fill(1)),
  };
}

/** Family `quartic-sum`: any d; a scalar or vector (default 1); L1 (default 1) picks the (L0, L1) trade-off. */
export const quarticSumFamily: ProblemFamily<QuarticSumParams> = {
  id: ID,
  summary: 'f(x) = 1/4 sum_i a_i (x_i - c_i)^4: (L0, L1) = (4 max a_i / L1^2, L1) for any L1 > 0, convex',
  assumptions: ['L0L1-smoothness', 'convex', 'fStar'],
  parameters: [
    { name: 'd', type: 'integer >= 1', default: '10', doc: 'dimension' },
    { name: 'a', type: 'number > 0 | vector', default: '1', doc: 'weights a_i' },
    { name: 'L1', type: 'number > 0', default: '1', doc: 'declared L1; then L0 = 4 max a_i / L1^2' },
    ...CENTER_PARAM_DOCS,
    { name: 'seed', type: 'integer', default: '0', doc: "seed of a 'normal' center and of x0 draws" },
    ...X0_PARAM_DOCS,
  ],
  create(params: QuarticSumParams = {}): Problem {
    const bag = params as ParamBag;
    rejectUnknown(ID, bag, ['d', 'a', 'L1', 'center', 'centerScale', 'seed', 'x0', 'x0Seed']);
    const d = integerParam(ID, bag, 'd', 10, 1);
    const seed = seedParam(ID, bag, 'seed', 0);
    const a = positiveScalarOrVector(ID, bag, 'a', d, 1);
    const L1 = positiveParam(ID, bag, 'L1', 1);
    const { c, described: centerShown } = resolveCenter(ID, bag, d, seed);
    const { x0, described: x0Shown } = resolveX0(ID, bag, d, 'ones', seedParam(ID, bag, 'x0Seed', seed));
    return quarticSum(a.v, L1, c, {
      x0,
      params: { d, a: a.described, L1, center: centerShown, seed, x0: x0Shown },
      name: `quartic-sum(d=${d}, L1=${L1})`,
    });
  },
};
