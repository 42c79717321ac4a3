import { UserInputError, shown } from '../core/errors.ts';
import type { NoiseModel } from './types.ts';

/** Throws unless kappa is a finite number > 0 (the order of an absolute moment). */
export function requireKappa(kappa: number): number {
  if (typeof kappa !== 'number' || !Number.isFinite(kappa) || kappa <= 0) {
    throw new UserInputError('kappa', 'must be a finite number > 0', `got ${shown(kappa)}`);
  }
  return kappa;
}

/** True when E|xi|^kappa is finite for this model (kappa < momentLimit, or <= when the limit is included). */
export function momentExists(model: NoiseModel, kappa: number): boolean {
  return kappa < model.momentLimit || (kappa === model.momentLimit && model.momentBoundIncluded === true);
}

/**
 * The kappa-moment constant of the noise sigma * xi in P0's bounded-moment assumption
 * (THEORY.md, "Assumption classes"; Kornilov et al. / P0):
 *   E|sigma xi|^kappa <= sigma_kappa^kappa,  with the smallest such  sigma_kappa = sigma (E|xi|^kappa)^{1/kappa}.
 * For a model used at scale s this is  s * absMoment(kappa)^{1/kappa}  (Infinity when the moment
 * does not exist). For the Gaussian at kappa = 2 it is s (the standard deviation); for kappa < 2 it
 * is smaller (Lyapunov's inequality: (E|xi|^kappa)^{1/kappa} is non-decreasing in kappa).
 */
export function kappaSigma(model: NoiseModel, kappa: number, scale = 1): number {
  requireKappa(kappa);
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0) {
    throw new UserInputError('sigma', 'must be a finite number >= 0', `got ${shown(scale)}`);
  }
  const m = model.absMoment(kappa);
  if (!Number.isFinite(m)) return Infinity;
  return scale * Math.pow(m, 1 / kappa);
}

/**
 * The per-coordinate kappa-moment constants sigma_{kappa,i} = sigma_i (E|xi|^kappa)^{1/kappa} for a
 * scalar or per-coordinate sigma (see {@link kappaSigma}); entries are Infinity where the moment
 * does not exist and sigma_i > 0, and 0 where sigma_i = 0.
 */
export function kappaSigmaVector(model: NoiseModel, kappa: number, sigma: number | Float64Array, d: number): Float64Array {
  requireKappa(kappa);
  const m = model.absMoment(kappa);
  const c = Number.isFinite(m) ? Math.pow(m, 1 / kappa) : Infinity;
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const s = typeof sigma === 'number' ? sigma : sigma[i];
    out[i] = s === 0 ? 0 : s * c;
  }
  return out;
}
