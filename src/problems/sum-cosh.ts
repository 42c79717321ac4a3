import { checkLength, checkWorker, CENTER_PARAM_DOCS, resolveCenter, resolveX0, X0_PARAM_DOCS } from './common.ts';
import { integerParam, positiveScalarOrVector, rejectUnknown, seedParam, type ParamBag } from './params.ts';
import type { Problem, ProblemFamily } from './types.ts';

/** Parameters of {@link sumCoshFamily}. */
export interface SumCoshParams {
  d?: number;
  a?: number | number[] | Float64Array | string;
  b?: number | number[] | Float64Array | string;
  center?: number | number[] | Float64Array | string;
  centerScale?: number;
  seed?: number;
  x0?: number | number[] | Float64Array | string;
  x0Seed?: number;
}

const ID = 'sum-cosh';

/**
 * f(x) = sum_i a_i cosh(b_i (x_i - c_i)), a_i, b_i > 0: (L0, L1)-smooth in P0's sense but not
 * globally L-smooth (the curvature a_i b_i^2 cosh(b_i r_i) is unbounded), so L, Linf and Lvec are
 * not declared.
 *
 * (L0, L1) with L0 = max_i a_i b_i^2 and L1 = max_i b_i. Derivation: with r = u - c,
 *   grad f(u)_i = a_i b_i sinh(b_i r_i),  Hess f(u) = diag(a_i b_i^2 cosh(b_i r_i)),
 *   and cosh t <= 1 + |sinh t| (their difference is e^{-|t|} - 1 <= 0), so
 *   ||Hess f(u)||_2 = max_i a_i b_i^2 cosh(b_i r_i) <= max_i (a_i b_i^2 + b_i |grad f(u)_i|)
 *                   <= L0 + L1 ||grad f(u)||_inf <= L0 + L1 ||grad f(u)||_2.
 * Since grad f(x) - grad f(y) = int_0^1 Hess f(y + t (x-y)) (x-y) dt, the norm is at most
 * sup_{u in [x,y]} ||Hess f(u)||_2 ||x-y||_2 <= (L0 + L1 sup_{u in [x,y]} ||grad f(u)||_2) ||x-y||_2.
 * Both constants are tight in one dimension: L0 at x = y = c (cosh 0 = 1), L1 as |r| -> infinity.
 *
 * Convex and strongly convex with mu = min_i a_i b_i^2 (cosh >= 1); fStar = sum_i a_i at xStar = c.
 */
export function sumCosh(
  a: Float64Array,
  b: Float64Array,
  center: Float64Array,
  options: { x0?: () => Float64Array; params?: Record<string, number | string>; name?: string } = {},
): Problem {
  const d = a.length;
  checkLength('sum-cosh b', b, d);
  checkLength('sum-cosh center', center, d);
  const A = a.slice();
  const B = b.slice();
  const c = center.slice();
  let L0 = 0;
  let L1 = 0;
  let mu = Infinity;
  let fStar = 0;
  for (let i = 0; i < d; i++) {
    L0 = Math.max(L0, A[i] * B[i] * B[i]);
    L1 = Math.max(L1, B[i]);
    mu = Math.min(mu, A[i] * B[i] * B[i]);
    fStar += A[i];
  }
  const f = (x: Float64Array): number => {
    checkLength('sum-cosh f(x): x', x, d);
    let s = 0;
    for (let i = 0; i < d; i++) s += A[i] * Math.cosh(B[i] * (x[i] - c[i]));
    return s;
  };
  const grad = (x: Float64Array, out: Float64Array): void => {
    checkLength('sum-cosh grad(x): x', x, d);
    checkLength('sum-cosh grad(x): out', out, d);
    for (let i = 0; i < d; i++) out[i] = A[i] * B[i] * Math.sinh(B[i] * (x[i] - c[i]));
  };
  return {
    id: ID,
    name: options.name ?? `sum-cosh(d=${d})`,
    summary: 'f(x) = sum_i a_i cosh(b_i (x_i - c_i)): (L0,L1)-smooth, not L-smooth',
    d,
    workers: 1,
    params: options.params ?? { d },
    constants: {
      L0,
      L1,
      convex: true,
      mu,
      fStar,
      xStar: c.slice(),
      notes: [
        'Not globally L-smooth (curvature a_i b_i^2 cosh(b_i r_i) is unbounded): L, Linf, Lvec undefined.',
        'L0 = max a_i b_i^2, L1 = max b_i from cosh t <= 1 + |sinh t|; both tight for d = 1.',
      ],
    },
    separableCoefficients: { kind: 'sum-cosh', a: A.slice(), b: B.slice(), center: c.slice() },
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

/** Family `sum-cosh`: any d; a, b scalars (broadcast) or vectors, default 1; center 0; x0 = 1. */
export const sumCoshFamily: ProblemFamily<SumCoshParams> = {
  id: ID,
  summary: 'f(x) = sum_i a_i cosh(b_i (x_i - c_i)): (L0, L1) = (max a_i b_i^2, max b_i), convex, not L-smooth',
  assumptions: ['L0L1-smoothness', 'convex', 'strongly-convex', 'fStar'],
  parameters: [
    { name: 'd', type: 'integer >= 1', default: '10', doc: 'dimension' },
    { name: 'a', type: 'number > 0 | vector', default: '1', doc: 'amplitudes a_i' },
    { name: 'b', type: 'number > 0 | vector', default: '1', doc: 'rates b_i' },
    ...CENTER_PARAM_DOCS,
    { name: 'seed', type: 'integer', default: '0', doc: "seed of a 'normal' center and of x0 draws" },
    ...X0_PARAM_DOCS,
  ],
  create(params: SumCoshParams = {}): Problem {
    const bag = params as ParamBag;
    rejectUnknown(ID, bag, ['d', 'a', 'b', 'center', 'centerScale', 'seed', 'x0', 'x0Seed']);
    const d = integerParam(ID, bag, 'd', 10, 1);
    const seed = seedParam(ID, bag, 'seed', 0);
    const a = positiveScalarOrVector(ID, bag, 'a', d, 1);
    const b = positiveScalarOrVector(ID, bag, 'b', d, 1);
    const { c, described: centerShown } = resolveCenter(ID, bag, d, seed);
    const { x0, described: x0Shown } = resolveX0(ID, bag, d, 'ones', seedParam(ID, bag, 'x0Seed', seed));
    return sumCosh(a.v, b.v, c, {
      x0,
      params: { d, a: a.described, b: b.described, center: centerShown, seed, x0: x0Shown },
      name: `sum-cosh(d=${d})`,
    });
  },
};
