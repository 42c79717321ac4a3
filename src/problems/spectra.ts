import { UserInputError, shown } from '../core/errors.ts';
import {
  choiceParam,
  integerParam,
  isVectorLike,
  nonNegativeParam,
  positiveParam,
  vectorValue,
  type ParamBag,
} from './params.ts';

/**
 * Curvature spectra L_1..L_d (all > 0) for quadratic families: the diagonal of a separable
 * quadratic, or the eigenvalues of a rotated one.
 *
 * - uniform:          L_i = s.
 * - ill-conditioned:  L_0 = s kappa, L_i = s otherwise (P3's toy: s = 1, kappa = 1000, one stiff coordinate).
 * - power-law:        L_i = s (i + 1)^(-alpha)  (largest s, smallest s d^(-alpha)).
 * - sparse:           L_i = s kappa for i < k, L_i = s otherwise (k stiff coordinates among d).
 * - custom:           an explicit vector L.
 */
export type SpectrumKind = 'uniform' | 'ill-conditioned' | 'power-law' | 'sparse' | 'custom';

/** The accepted values of the `spectrum` parameter. */
export const SPECTRUM_KINDS: readonly SpectrumKind[] = ['uniform', 'ill-conditioned', 'power-law', 'sparse', 'custom'];

/** L_i = scale for every i. */
export function uniformSpectrum(d: number, scale = 1): Float64Array {
  return new Float64Array(d).fill(scale);
}

/** L_0 = scale * kappa, L_i = scale otherwise (P3's ill-conditioned toy with scale 1, kappa 1000). */
export function illConditionedSpectrum(d: number, kappa = 1000, scale = 1): Float64Array {
  const L = uniformSpectrum(d, scale);
  if (d > 0) L[0] = scale * kappa;
  return L;
}

/** L_i = scale * (i + 1)^(-alpha). */
export function powerLawSpectrum(d: number, alpha = 1, scale = 1): Float64Array {
  const L = new Float64Array(d);
  for (let i = 0; i < d; i++) L[i] = scale * Math.pow(i + 1, -alpha);
  return L;
}

/** L_i = scale * kappa for the first k coordinates, scale for the rest. */
export function sparseSpectrum(d: number, k: number, kappa = 1000, scale = 1): Float64Array {
  const L = uniformSpectrum(d, scale);
  for (let i = 0; i < Math.min(k, d); i++) L[i] = scale * kappa;
  return L;
}

/** Parameter names read by {@link spectrumFromParams}. */
export const SPECTRUM_PARAMS = ['spectrum', 'scale', 'kappa', 'alpha', 'k', 'L'] as const;

/** Documentation rows for the spectrum parameters (shared by the quadratic families). */
export const SPECTRUM_PARAM_DOCS = [
  { name: 'spectrum', type: 'string', default: 'uniform', doc: 'uniform | ill-conditioned | power-law | sparse | custom (custom needs L)' },
  { name: 'scale', type: 'number > 0', default: '1', doc: 'base curvature s' },
  { name: 'kappa', type: 'number > 0', default: '1000', doc: 'stiff/base ratio (ill-conditioned, sparse)' },
  { name: 'alpha', type: 'number >= 0', default: '1', doc: 'power-law exponent: L_i = s (i+1)^-alpha' },
  { name: 'k', type: 'integer >= 0', default: 'max(1, floor(d/100))', doc: 'number of stiff coordinates (sparse)' },
  { name: 'L', type: 'vector', default: '-', doc: 'explicit curvatures L_i > 0 (spectrum custom)' },
] as const;

/**
 * Reads the spectrum parameters of `family` at dimension d. Returns the vector and the scalar
 * parameters that describe it (for results rows).
 */
export function spectrumFromParams(
  family: string,
  params: ParamBag,
  d: number,
): { L: Float64Array; described: Record<string, number | string> } {
  const explicit = params.L;
  const kind = choiceParam<SpectrumKind>(family, params, 'spectrum', explicit !== undefined ? 'custom' : 'uniform', SPECTRUM_KINDS);
  if (kind === 'custom') {
    if (explicit === undefined || !isVectorLike(explicit)) {
      throw new UserInputError(`${family}.L`, 'must be given as a vector of d curvatures when spectrum = custom', `got ${shown(explicit)}`);
    }
    const L = vectorValue(`${family}.L`, explicit, d, (v) => (v > 0 ? undefined : 'must be > 0'));
    return { L, described: { spectrum: 'custom' } };
  }
  if (explicit !== undefined) {
    throw new UserInputError(`${family}.L`, `is only allowed with spectrum = custom`, `spectrum is ${kind}`);
  }
  const scale = positiveParam(family, params, 'scale', 1);
  switch (kind) {
    case 'uniform':
      return { L: uniformSpectrum(d, scale), described: { spectrum: kind, scale } };
    case 'ill-conditioned': {
      const kappa = positiveParam(family, params, 'kappa', 1000);
      return { L: illConditionedSpectrum(d, kappa, scale), described: { spectrum: kind, scale, kappa } };
    }
    case 'power-law': {
      const alpha = nonNegativeParam(family, params, 'alpha', 1);
      const L = powerLawSpectrum(d, alpha, scale);
      if (!(L[d - 1] > 0)) throw new UserInputError(`${family}.alpha`, 'gives a curvature that underflows to 0 at this d', `alpha ${alpha}, d ${d}`);
      return { L, described: { spectrum: kind, scale, alpha } };
    }
    case 'sparse': {
      const kappa = positiveParam(family, params, 'kappa', 1000);
      const k = integerParam(family, params, 'k', Math.max(1, Math.floor(d / 100)), 0, d);
      return { L: sparseSpectrum(d, k, kappa, scale), described: { spectrum: kind, scale, kappa, k } };
    }
  }
}

/** Checks that a spectrum's entries are finite and > 0 after scaling (overflow guard). */
export function assertSpectrum(family: string, L: Float64Array): void {
  for (let i = 0; i < L.length; i++) {
    if (!(L[i] > 0) || !Number.isFinite(L[i])) {
      throw new UserInputError(`${family}.L[${i}]`, 'must be a finite number > 0 (check scale and kappa)', `got ${shown(L[i])}`);
    }
  }
}
