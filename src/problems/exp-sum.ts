import { checkLength, checkWorker, resolveX0, X0_PARAM_DOCS } from './common.ts';
import { integerParam, positiveScalarOrVector, rejectUnknown, seedParam, type ParamBag } from './params.ts';
import type { Problem, ProblemFamily } from './types.ts';

/** Parameters of {@link expSumFamily}. */
export interface ExpSumParams {
  d?: number;
  a?: number | number[] | Float64Array | string;
  b?: number | number[] | Float64Array | string;
  seed?: number;
  x0?: number | number[] | Float64Array | string;
  x0Seed?: number;
}

const ID = 'exp-sum';

/**
 * f(x) = sum_i a_i exp(b_i x_i), a_i, b_i > 0; with d = 1, a = b = 1 it is f(x) = e^x, the
 * one-dimensional witness that P0's step-update lemma needs its factor e^{gamma L1 ||A||_F}.
 *
 * (L0, L1) = (0, max_i b_i): Hess f(u) = diag(a_i b_i^2 e^{b_i u_i}) = diag(b_i |grad f(u)_i|), so
 * ||Hess f(u)||_2 <= max_i b_i ||grad f(u)||_inf <= L1 ||grad f(u)||_2, and integrating along the
 * segment (as for sum-cosh) gives P0's inequality with L0 = 0. Tight in one dimension (as y -> x).
 *
 * Convex, not strongly convex, not L-smooth (L, Linf, Lvec undefined). inf f = 0 is not attained:
 * fStar = 0 is declared as the infimum (what Delta = f(x0) - f* needs) and xStar is absent.
 */
export function expSum(
  a: Float64Array,
  b: Float64Array,
  options: { x0?: () => Float64Array; params?: Record<string, number | string>; name?: string } = {},
): Problem {
  const d = a.length;
  checkLength('exp-sum b', b, d);
  const A = a.slice();
  const B = b.slice();
  let L1 = 0;
  for (let i = 0; i < d; i++) L1 = Math.max(L1, B[i]);
  const f = (x: Float64Array): number => {
    checkLength('exp-sum f(x): x', x, d);
    let s = 0;
    for (let i = 0; i < d; i++) s += A[i] * Math.exp(B[i] * x[i]);
    return s;
  };
  const grad = (x: Float64Array, out: Float64Array): void => {
    checkLength('exp-sum grad(x): x', x, d);
    checkLength('exp-sum grad(x): out', out, d);
    for (let i = 0; i < d; i++) out[i] = A[i] * B[i] * Math.exp(B[i] * x[i]);
  };
  return {
    id: ID,
    name: options.name ?? `exp-sum(d=${d})`,
    summary: 'f(x) = sum_i a_i exp(b_i x_i): (0, max b_i)-smooth, convex, no minimiser',
    d,
    workers: 1,
    params: options.params ?? { d },
    constants: {
      L0: 0,
      L1,
      convex: true,
      fStar: 0,
      notes: [
        'Not globally L-smooth: L, Linf, Lvec undefined.',
        'fStar = 0 is the infimum (not attained); there is no xStar.',
        '(L0, L1) = (0, max b_i): Hess = diag(b_i |g_i|); tight for d = 1.',
      ],
    },
    separableCoefficients: { kind: 'exp-sum', a: A.slice(), b: B.slice() },
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
    x0: options.x0 ?? (() => new Float64Array(d)),
  };
}

/** Family `exp-sum`: any d (default 1, giving f = e^x); a, b scalars or vectors (default 1); x0 = 0. */
export const expSumFamily: ProblemFamily<ExpSumParams> = {
  id: ID,
  summary: 'f(x) = sum_i a_i exp(b_i x_i) (d = 1: e^x): (L0, L1) = (0, max b_i), convex, inf 0 not attained',
  assumptions: ['L0L1-smoothness', 'convex', 'fStar'],
  parameters: [
    { name: 'd', type: 'integer >= 1', default: '1', doc: 'dimension' },
    { name: 'a', type: 'number > 0 | vector', default: '1', doc: 'amplitudes a_i' },
    { name: 'b', type: 'number > 0 | vector', default: '1', doc: 'rates b_i' },
    { name: 'seed', type: 'integer', default: '0', doc: 'seed of x0 draws' },
    ...X0_PARAM_DOCS,
  ],
  create(params: ExpSumParams = {}): Problem {
    const bag = params as ParamBag;
    rejectUnknown(ID, bag, ['d', 'a', 'b', 'seed', 'x0', 'x0Seed']);
    const d = integerParam(ID, bag, 'd', 1, 1);
    const seed = seedParam(ID, bag, 'seed', 0);
    const a = positiveScalarOrVector(ID, bag, 'a', d, 1);
    const b = positiveScalarOrVector(ID, bag, 'b', d, 1);
    const { x0, described: x0Shown } = resolveX0(ID, bag, d, 'zeros', seedParam(ID, bag, 'x0Seed', seed));
    return expSum(a.v, b.v, { x0, params: { d, a: a.described, b: b.described, seed, x0: x0Shown }, name: `exp-sum(d=${d})` });
  },
};
