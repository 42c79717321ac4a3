import { checkLength, checkWorker, CENTER_PARAM_DOCS, resolveCenter, resolveX0, X0_PARAM_DOCS } from './common.ts';
import { integerParam, nonNegativeParam, rejectUnknown, seedParam, type ParamBag } from './params.ts';
import { ProblemLane, problemNormals } from './random.ts';
import { assertSpectrum, SPECTRUM_PARAM_DOCS, SPECTRUM_PARAMS, spectrumFromParams } from './spectra.ts';
import type { Problem, ProblemFamily } from './types.ts';
import { MAX_WORKERS } from '../rng/streams.ts';

/** Parameters of {@link heterogeneousQuadraticFamily}. */
export interface HeterogeneousQuadraticParams {
  d?: number;
  workers?: number;
  heterogeneity?: number;
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

/** A heterogeneous quadratic with its per-worker centers exposed. */
export interface HeterogeneousQuadraticProblem extends Problem {
  /** Worker j's center c^j (a copy). */
  workerCenter(worker: number): Float64Array;
  fWorker(x: Float64Array, worker: number): number;
}

const ID = 'heterogeneous-quadratic';

/**
 * Distributed separable quadratics (the heterogeneous setting of P1's MVSM analysis): n workers with
 *   f_j(x) = 1/2 sum_i L_i (x_i - c^j_i)^2,   c^j = c + zeta z^j,  z^j ~ N(0, I_d)
 * (Philox, Purpose.init, lane {@link ProblemLane.workerCenters}, step j), and f = (1/n) sum_j f_j.
 * zeta (`heterogeneity`) >= 0 sets the spread: zeta = 0 makes every f_j equal to f.
 *
 * Exact optimum: with cbar = (1/n) sum_j c^j and v_i = (1/n) sum_j (c^j_i - cbar_i)^2,
 *   f(x) = 1/2 sum_i L_i ((x_i - cbar_i)^2 + v_i)
 * (expand the square; the cross term averages to zero), so xStar = cbar and
 * fStar = 1/2 sum_i L_i v_i (two-pass mean and variance: no cancellation). f is evaluated through
 * this identity; `fWorker` evaluates f_j directly.
 *
 * Constants (of f and of every f_j, all tight): Lvec = L, L = max L_i, Linf = sum L_i,
 * (L0, L1) = (L, 0), convex with mu = min L_i.
 * The per-worker gradient description is `separableQuadraticWorkers` (no `separableQuadratic`).
 */
export function heterogeneousQuadratic(
  L: Float64Array,
  centers: readonly Float64Array[],
  options: { x0?: () => Float64Array; params?: Record<string, number | string>; name?: string } = {},
): HeterogeneousQuadraticProblem {
  const d = L.length;
  const n = centers.length;
  assertSpectrum(ID, L);
  if (n < 1) throw new Error('heterogeneous-quadratic needs at least one worker center');
  const diag = L.slice();
  const C = new Float64Array(n * d);
  centers.forEach((cj, j) => {
    checkLength(`heterogeneous-quadratic center of worker ${j}`, cj, d);
    C.set(cj, j * d);
  });
  const cbar = new Float64Array(d);
  const v = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += C[j * d + i];
    const m = s / n;
    let q = 0;
    for (let j = 0; j < n; j++) {
      const e = C[j * d + i] - m;
      q += e * e;
    }
    cbar[i] = m;
    v[i] = q / n;
  }
  let lmax = 0;
  let lmin = Infinity;
  let lsum = 0;
  let fStar = 0;
  for (let i = 0; i < d; i++) {
    lmax = Math.max(lmax, diag[i]);
    lmin = Math.min(lmin, diag[i]);
    lsum += diag[i];
    fStar += diag[i] * v[i];
  }
  fStar *= 0.5;
  const f = (x: Float64Array): number => {
    checkLength('heterogeneous-quadratic f(x): x', x, d);
    let s = 0;
    for (let i = 0; i < d; i++) {
      const r = x[i] - cbar[i];
      s += diag[i] * (r * r + v[i]);
    }
    return 0.5 * s;
  };
  const fWorker = (x: Float64Array, worker: number): number => {
    checkLength('heterogeneous-quadratic fWorker(x): x', x, d);
    checkWorker(worker, n);
    let s = 0;
    const off = worker * d;
    for (let i = 0; i < d; i++) {
      const r = x[i] - C[off + i];
      s += diag[i] * r * r;
    }
    return 0.5 * s;
  };
  const grad = (x: Float64Array, out: Float64Array): void => {
    checkLength('heterogeneous-quadratic grad(x): x', x, d);
    checkLength('heterogeneous-quadratic grad(x): out', out, d);
    for (let i = 0; i < d; i++) out[i] = diag[i] * (x[i] - cbar[i]);
  };
  const gradWorker = (x: Float64Array, worker: number, out: Float64Array): void => {
    checkLength('heterogeneous-quadratic gradWorker(x): x', x, d);
    checkLength('heterogeneous-quadratic gradWorker(x): out', out, d);
    checkWorker(worker, n);
    const off = worker * d;
    for (let i = 0; i < d; i++) out[i] = diag[i] * (x[i] - C[off + i]);
  };
  return {
    id: ID,
    name: options.name ?? `heterogeneous-quadratic(d=${d}, n=${n})`,
    summary: 'f = (1/n) sum_j f_j, f_j(x) = 1/2 sum_i L_i (x_i - c^j_i)^2',
    d,
    workers: n,
    params: options.params ?? { d, workers: n },
    constants: {
      Lvec: diag.slice(),
      L: lmax,
      Linf: lsum,
      L0: lmax,
      L1: 0,
      convex: true,
      mu: lmin,
      fStar,
      xStar: cbar.slice(),
      notes: [
        'Constants hold for f and for every f_j (same Hessian diag(L)); all tight.',
        'xStar = mean of the worker centers; fStar = 1/2 sum_i L_i Var_j(c^j_i) exactly.',
      ],
    },
    f,
    grad,
    gradWorker,
    fWorker,
    workerCenter: (worker) => {
      checkWorker(worker, n);
      return C.slice(worker * d, (worker + 1) * d);
    },
    x0: options.x0 ?? (() => new Float64Array(d).fill(1)),
    separableQuadraticWorkers: { diag: diag.slice(), centers: C.slice(), meanCenter: cbar.slice() },
  };
}

/**
 * Family `heterogeneous-quadratic`: any d and n = `workers` (default 8), spectrum as in
 * `separable-quadratic`, base center c (default 0), spread zeta = `heterogeneity` (default 1),
 * worker centers c + zeta z^j from `seed`; x0 = 1.
 */
export const heterogeneousQuadraticFamily: ProblemFamily<HeterogeneousQuadraticParams, HeterogeneousQuadraticProblem> = {
  id: ID,
  summary: 'n workers, f_j(x) = 1/2 sum_i L_i (x_i - c^j_i)^2 with centers spread by heterogeneity; exact fStar, xStar',
  assumptions: ['separable-smoothness', 'l2-smoothness', 'linf-smoothness', 'L0L1-smoothness', 'convex', 'strongly-convex', 'fStar', 'heterogeneous'],
  parameters: [
    { name: 'd', type: 'integer >= 1', default: '10', doc: 'dimension' },
    { name: 'workers', type: `integer in [1, ${MAX_WORKERS}]`, default: '8', doc: 'number of workers n' },
    { name: 'heterogeneity', type: 'number >= 0', default: '1', doc: 'spread zeta: c^j = c + zeta z^j' },
    ...SPECTRUM_PARAM_DOCS,
    ...CENTER_PARAM_DOCS,
    { name: 'seed', type: 'integer', default: '0', doc: 'seed of the worker centers (and of a normal base center)' },
    ...X0_PARAM_DOCS,
  ],
  create(params: HeterogeneousQuadraticParams = {}): HeterogeneousQuadraticProblem {
    const bag = params as ParamBag;
    rejectUnknown(ID, bag, ['d', 'workers', 'heterogeneity', ...SPECTRUM_PARAMS, 'center', 'centerScale', 'seed', 'x0', 'x0Seed']);
    const Lgiven = bag.L;
    const dDefault = Lgiven instanceof Float64Array || Array.isArray(Lgiven) ? Lgiven.length : 10;
    const d = integerParam(ID, bag, 'd', dDefault, 1);
    const n = integerParam(ID, bag, 'workers', 8, 1, MAX_WORKERS);
    const zeta = nonNegativeParam(ID, bag, 'heterogeneity', 1);
    const seed = seedParam(ID, bag, 'seed', 0);
    const { L, described } = spectrumFromParams(ID, bag, d);
    const { c, described: centerShown } = resolveCenter(ID, bag, d, seed);
    const centers: Float64Array[] = [];
    for (let j = 0; j < n; j++) {
      const z = problemNormals(seed, ProblemLane.workerCenters, j, new Float64Array(d));
      for (let i = 0; i < d; i++) z[i] = c[i] + zeta * z[i];
      centers.push(z);
    }
    const { x0, described: x0Shown } = resolveX0(ID, bag, d, 'ones', seedParam(ID, bag, 'x0Seed', seed), L);
    return heterogeneousQuadratic(L, centers, {
      x0,
      params: { d, workers: n, heterogeneity: zeta, ...described, center: centerShown, seed, x0: x0Shown },
      name: `heterogeneous-quadratic(d=${d}, n=${n}, zeta=${zeta})`,
    });
  },
};
