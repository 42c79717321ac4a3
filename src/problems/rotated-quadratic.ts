import { UNIT_ROUNDOFF } from '../core/numerics.ts';
import { checkLength, checkWorker, CENTER_PARAM_DOCS, resolveCenter, resolveX0, X0_PARAM_DOCS } from './common.ts';
import { matVec, maxSignNormInfTo1, rotatedDiagonal, stewartReflectors } from './linalg.ts';
import { integerParam, rejectUnknown, seedParam, type ParamBag } from './params.ts';
import { assertSpectrum, SPECTRUM_PARAM_DOCS, SPECTRUM_PARAMS, spectrumFromParams } from './spectra.ts';
import type { Problem, ProblemFamily } from './types.ts';

/** Parameters of {@link rotatedQuadraticFamily}. */
export interface RotatedQuadraticParams {
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

/** A rotated quadratic with its Hessian exposed (row-major d x d). */
export interface RotatedQuadraticProblem extends Problem {
  readonly hessian: Float64Array;
  /** The intended eigenvalues L (the spectrum before rotation). */
  readonly eigenvalues: Float64Array;
}

/** Dimensions up to which Linf is computed exactly by enumerating sign vectors (2^(d-1) of them). */
export const ROTATED_LINF_EXACT_MAX_D = 16;

const ID = 'rotated-quadratic';

/**
 * f(x) = 1/2 (x - c)^T H (x - c), H = Q diag(L) Q^T with Q a Haar-random orthogonal matrix from
 * Stewart's Householder method driven by Philox (src/problems/linalg.ts). The l2 geometry is that of
 * the separable quadratic with the same spectrum, while the coordinate-wise (l_inf / separable)
 * constants are spread over all coordinates: the case where P1's Thm 2 (l2) and Thm 1 (separable)
 * differ.
 *
 * Constants:
 * - L = max_i L_i (1 + 2 (d+1)^2 u): the largest eigenvalue. H is stored after d-1 floating-point
 *   reflections, each perturbing it by O((d - j) u ||H||_2), so the stored matrix's top eigenvalue
 *   lies within (d+1)^2 u max L_i of max L_i; the margin keeps L valid for the matrix actually used
 *   (measured error: 4e-14 relative at d = 200). mu = min L_i - the same margin (clamped at 0).
 * - Linf = ||H||_{inf->1} = max over s in {-1,1}^d of ||H s||_1. For d <= 16 it is computed exactly
 *   by enumeration (tight). Above, an upper bound, NOT tight:
 *   min( sum_{i,j} |H_ij| , d L ), from ||H v||_1 <= sum_ij |H_ij| |v_j| and
 *   ||H v||_1 <= sqrt(d) ||H v||_2 <= sqrt(d) L ||v||_2 <= d L ||v||_inf.
 * - Lvec: a separable-smoothness vector, i.e. diag(Lvec) - H is positive semidefinite. Two valid
 *   choices: (a) Gershgorin row sums Lvec_i = sum_j |H_ij|, because
 *     v^T H v <= sum_ij |H_ij| |v_i| |v_j| <= sum_ij |H_ij| (v_i^2 + v_j^2)/2 = sum_i (sum_j |H_ij|) v_i^2
 *   (using AM-GM and the symmetry of H); (b) the constant vector L 1 (v^T H v <= L ||v||^2).
 *   The one with the smaller l1 norm is declared (it enters bounds through ||Lvec||_1).
 * - (L0, L1) = (L, 0); convex; fStar = 0; xStar = c.
 */
export function rotatedQuadratic(
  L: Float64Array,
  center: Float64Array,
  seed: number,
  options: { x0?: () => Float64Array; params?: Record<string, number | string>; name?: string } = {},
): RotatedQuadraticProblem {
  const d = L.length;
  assertSpectrum(ID, L);
  checkLength('rotated-quadratic center', center, d);
  const c = center.slice();
  const H = rotatedDiagonal(L, stewartReflectors(seed, d));
  let lmax = 0;
  let lmin = Infinity;
  for (let i = 0; i < d; i++) {
    lmax = Math.max(lmax, L[i]);
    lmin = Math.min(lmin, L[i]);
  }
  const margin = 2 * (d + 1) * (d + 1) * UNIT_ROUNDOFF * lmax;
  const Ldecl = lmax + margin;
  const rows = new Float64Array(d);
  let absSum = 0;
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += Math.abs(H[i * d + j]);
    rows[i] = s;
    absSum += s;
  }
  let Linf: number;
  let linfNote: string;
  if (d <= ROTATED_LINF_EXACT_MAX_D) {
    Linf = maxSignNormInfTo1(H, d).value;
    linfNote = `Linf = max_s ||H s||_1 computed exactly over all sign vectors (d = ${d} <= ${ROTATED_LINF_EXACT_MAX_D}): tight.`;
  } else {
    Linf = Math.min(absSum, d * Ldecl);
    linfNote = 'Linf = min(sum_ij |H_ij|, d L): a valid upper bound on ||H||_{inf->1}, not tight.';
  }
  const gershgorin = absSum <= d * Ldecl;
  const Lvec = gershgorin ? rows : new Float64Array(d).fill(Ldecl);
  const r = new Float64Array(d);
  const Hr = new Float64Array(d);
  const grad = (x: Float64Array, out: Float64Array): void => {
    checkLength('rotated-quadratic grad(x): x', x, d);
    checkLength('rotated-quadratic grad(x): out', out, d);
    for (let i = 0; i < d; i++) r[i] = x[i] - c[i];
    matVec(H, d, r, out);
  };
  const f = (x: Float64Array): number => {
    checkLength('rotated-quadratic f(x): x', x, d);
    for (let i = 0; i < d; i++) r[i] = x[i] - c[i];
    matVec(H, d, r, Hr);
    let s = 0;
    for (let i = 0; i < d; i++) s += r[i] * Hr[i];
    return 0.5 * s;
  };
  return {
    id: ID,
    name: options.name ?? `rotated-quadratic(d=${d})`,
    summary: 'f(x) = 1/2 (x-c)^T Q diag(L) Q^T (x-c), Q Haar-random orthogonal (Philox-seeded)',
    d,
    workers: 1,
    params: options.params ?? { d, seed },
    hessian: H,
    eigenvalues: L.slice(),
    constants: {
      Lvec,
      L: Ldecl,
      Linf,
      L0: Ldecl,
      L1: 0,
      convex: true,
      mu: Math.max(0, lmin - margin),
      fStar: 0,
      xStar: c.slice(),
      notes: [
        `L = max L_i (1 + 2 (d+1)^2 u): margin for the rounding of the stored H (relative ${(margin / lmax).toExponential(2)}).`,
        linfNote,
        gershgorin
          ? 'Lvec_i = sum_j |H_ij| (Gershgorin: diag(Lvec) - H is diagonally dominant, hence PSD); an upper bound.'
          : 'Lvec = L 1 (smaller l1 norm than the Gershgorin row sums here); valid, not tight per coordinate.',
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
  };
}

/**
 * Family `rotated-quadratic`: the quadratic of `separable-quadratic` with the same spectrum
 * parameters, rotated by a Haar-random orthogonal Q from `seed`. Default d = 10, center 0, x0 = 1.
 * Building H costs O(d^3) (about 40 ms at d = 200).
 */
export const rotatedQuadraticFamily: ProblemFamily<RotatedQuadraticParams, RotatedQuadraticProblem> = {
  id: ID,
  summary: 'f(x) = 1/2 (x-c)^T Q diag(L) Q^T (x-c): convex, L = max L_i, Linf exact (d <= 16) or an upper bound',
  assumptions: ['separable-smoothness', 'l2-smoothness', 'linf-smoothness', 'L0L1-smoothness', 'convex', 'strongly-convex', 'fStar'],
  parameters: [
    { name: 'd', type: 'integer >= 1', default: '10', doc: 'dimension' },
    ...SPECTRUM_PARAM_DOCS,
    ...CENTER_PARAM_DOCS,
    { name: 'seed', type: 'integer', default: '0', doc: "seed of the rotation Q (and of a 'normal' center)" },
    ...X0_PARAM_DOCS,
  ],
  create(params: RotatedQuadraticParams = {}): RotatedQuadraticProblem {
    const bag = params as ParamBag;
    rejectUnknown(ID, bag, ['d', ...SPECTRUM_PARAMS, 'center', 'centerScale', 'seed', 'x0', 'x0Seed']);
    const Lgiven = bag.L;
    const dDefault = Lgiven instanceof Float64Array || Array.isArray(Lgiven) ? Lgiven.length : 10;
    const d = integerParam(ID, bag, 'd', dDefault, 1, 4096);
    const seed = seedParam(ID, bag, 'seed', 0);
    const { L, described } = spectrumFromParams(ID, bag, d);
    const { c, described: centerShown } = resolveCenter(ID, bag, d, seed);
    const x0Seed = seedParam(ID, bag, 'x0Seed', seed);
    const { x0, described: x0Shown } = resolveX0(ID, bag, d, 'ones', x0Seed, L);
    return rotatedQuadratic(L, c, seed, {
      x0,
      params: { d, ...described, center: centerShown, seed, x0: x0Shown },
      name: `rotated-quadratic(d=${d}, ${described.spectrum}, seed=${seed})`,
    });
  },
};
