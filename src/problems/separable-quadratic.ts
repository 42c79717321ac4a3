import { checkLength, checkWorker, CENTER_PARAM_DOCS, resolveCenter, resolveX0, X0_PARAM_DOCS } from './common.ts';
import { integerParam, rejectUnknown, seedParam, type ParamBag } from './params.ts';
import { assertSpectrum, SPECTRUM_PARAM_DOCS, SPECTRUM_PARAMS, spectrumFromParams } from './spectra.ts';
import type { Problem, ProblemFamily } from './types.ts';

/** Parameters of {@link separableQuadraticFamily} (all optional; see `parameters` for defaults). */
export interface SeparableQuadraticParams {
  d?: number;
  spectrum?: string;
  scale?: number;
  kappa?: number;
  alpha?: number;
  k?: number;
  L?: number[] | Float64Array | string;
  center?: number | number[] | Float64Array | string;
  centerScale?: number;
  seed?: number;
  x0?: number | number[] | Float64Array | string;
  x0Seed?: number;
}

const ID = 'separable-quadratic';

/**
 * A separable quadratic f(x) = 1/2 sum_i L_i (x_i - c_i)^2 with L_i > 0 and center c given directly
 * (L, c) or by the constructors below; the setting of P1's separable smoothness (Thm 1) and of P3's
 * toys (0.5 ||x||^2 with sparse noise; L = 1 except L_0 = 1000).
 *
 * Constants (all tight):
 * - Lvec = L: f(y) = f(x) + <g, y-x> + 1/2 sum_i L_i (y_i-x_i)^2 holds with equality.
 * - L = max_i L_i: grad f(x) - grad f(y) = diag(L)(x-y), operator norm max_i L_i (attained on e_argmax).
 * - Linf = sum_i L_i: ||diag(L) v||_1 = sum_i L_i |v_i| <= (sum_i L_i) ||v||_inf, equality for every
 *   sign vector v in {-1, 1}^d, so the l_inf -> l_1 operator norm of the Hessian is exactly ||L||_1.
 * - (L0, L1) = (max_i L_i, 0): any L-smooth function is (L, 0)-smooth in P0's sense.
 * - convex, mu = min_i L_i, fStar = 0, xStar = c.
 */
export function separableQuadratic(
  L: Float64Array,
  center: Float64Array,
  options: { x0?: () => Float64Array; params?: Record<string, number | string>; name?: string } = {},
): Problem {
  const d = L.length;
  checkLength('separable-quadratic center', center, d);
  assertSpectrum(ID, L);
  const diag = L.slice();
  const c = center.slice();
  let lmax = 0;
  let lmin = Infinity;
  let lsum = 0;
  for (let i = 0; i < d; i++) {
    lmax = Math.max(lmax, diag[i]);
    lmin = Math.min(lmin, diag[i]);
    lsum += diag[i];
  }
  const f = (x: Float64Array): number => {
    checkLength('separable-quadratic f(x): x', x, d);
    let s = 0;
    for (let i = 0; i < d; i++) {
      const r = x[i] - c[i];
      s += diag[i] * r * r;
    }
    return 0.5 * s;
  };
  const grad = (x: Float64Array, out: Float64Array): void => {
    checkLength('separable-quadratic grad(x): x', x, d);
    checkLength('separable-quadratic grad(x): out', out, d);
    for (let i = 0; i < d; i++) out[i] = diag[i] * (x[i] - c[i]);
  };
  return {
    id: ID,
    name: options.name ?? `separable-quadratic(d=${d})`,
    summary: 'f(x) = 1/2 sum_i L_i (x_i - c_i)^2',
    d,
    workers: 1,
    params: options.params ?? { d },
    constants: {
      Lvec: diag.slice(),
      L: lmax,
      Linf: lsum,
      L0: lmax,
      L1: 0,
      convex: true,
      mu: lmin,
      fStar: 0,
      xStar: c.slice(),
      notes: [
        'Lvec = L, L = max L_i, Linf = sum L_i are all tight (equalities for e_argmax and sign vectors).',
        '(L0, L1) = (L, 0): L-smooth implies (L, 0)-smooth.',
      ],
    },
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
    separableQuadratic: { diag: diag.slice(), center: c.slice() },
  };
}

/**
 * Family `separable-quadratic`: f(x) = 1/2 sum_i L_i (x_i - c_i)^2 at any d, with spectrum
 * uniform / ill-conditioned / power-law / sparse / custom (src/problems/spectra.ts), center 0 by
 * default and x0 = 1 (all ones) by default.
 */
export const separableQuadraticFamily: ProblemFamily<SeparableQuadraticParams> = {
  id: ID,
  summary: 'f(x) = 1/2 sum_i L_i (x_i - c_i)^2: separable, convex, Lvec = L, L = max L_i, Linf = sum L_i',
  assumptions: ['separable-smoothness', 'l2-smoothness', 'linf-smoothness', 'L0L1-smoothness', 'convex', 'strongly-convex', 'fStar'],
  parameters: [
    { name: 'd', type: 'integer >= 1', default: '10', doc: 'dimension' },
    ...SPECTRUM_PARAM_DOCS,
    ...CENTER_PARAM_DOCS,
    { name: 'seed', type: 'integer', default: '0', doc: "seed of random centers ('normal') and of x0 draws" },
    ...X0_PARAM_DOCS,
  ],
  create(params: SeparableQuadraticParams = {}): Problem {
    const bag = params as ParamBag;
    rejectUnknown(ID, bag, ['d', ...SPECTRUM_PARAMS, 'center', 'centerScale', 'seed', 'x0', 'x0Seed']);
    const Lgiven = bag.L;
    const dDefault = Lgiven instanceof Float64Array || Array.isArray(Lgiven) ? Lgiven.length : 10;
    const d = integerParam(ID, bag, 'd', dDefault, 1);
    const seed = seedParam(ID, bag, 'seed', 0);
    const { L, described } = spectrumFromParams(ID, bag, d);
    const { c, described: centerShown } = resolveCenter(ID, bag, d, seed);
    const x0Seed = seedParam(ID, bag, 'x0Seed', seed);
    const { x0, described: x0Shown } = resolveX0(ID, bag, d, 'ones', x0Seed, L);
    return separableQuadratic(L, c, {
      x0,
      params: { d, ...described, center: centerShown, seed, x0: x0Shown },
      name: `separable-quadratic(d=${d}, ${described.spectrum})`,
    });
  },
};
