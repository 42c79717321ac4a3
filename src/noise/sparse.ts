import { UserInputError, requireInteger, shown } from '../core/errors.ts';
import type { NoiseModel } from './types.ts';

/**
 * Noise for a run: a unit-scale model and the per-coordinate scale, so the oracle returns
 * g_i + sigma_i xi_i (sigma a number: the same scale on every coordinate).
 */
export interface NoiseSpec {
  readonly model: NoiseModel;
  readonly sigma: number | Float64Array;
}

/**
 * Throws UserInputError unless `sigma` is a finite number >= 0, or a Float64Array of length d whose
 * entries are all finite and >= 0. Returns sigma unchanged.
 */
export function validateSigma(sigma: number | Float64Array, d: number): number | Float64Array {
  requireInteger('d', d, 1);
  if (typeof sigma === 'number') {
    if (!Number.isFinite(sigma) || sigma < 0) throw new UserInputError('sigma', 'must be a finite number >= 0', `got ${shown(sigma)}`);
    return sigma;
  }
  if (!(sigma instanceof Float64Array)) {
    throw new UserInputError('sigma', 'must be a number or a Float64Array', `got ${shown(sigma)}`);
  }
  if (sigma.length !== d) {
    throw new UserInputError('sigma', `must have length d = ${d}`, `got length ${sigma.length}`);
  }
  for (let i = 0; i < d; i++) {
    const s = sigma[i];
    if (!Number.isFinite(s) || s < 0) {
      throw new UserInputError('sigma', 'entries must be finite numbers >= 0', `sigma[${i}] = ${shown(s)}`);
    }
  }
  return sigma;
}

/**
 * Sparse noise (P3, THEORY.md `signsgd-beats-sgd-sparse-noise`; the `sparse-noise-toy` seed
 * experiment: N(0, 100^2) noise on coordinate 0 only, d = 100): not a new distribution but a scale
 * vector, sigma_i = scale for i in `coords` and 0 elsewhere, to combine with any unit-scale model
 * in a {@link NoiseSpec}. Coordinates must be distinct integers in [0, d).
 */
export function sparseSigma(d: number, coords: readonly number[], scale: number): Float64Array {
  requireInteger('d', d, 1);
  if (!Number.isFinite(scale) || scale < 0) throw new UserInputError('scale', 'must be a finite number >= 0', `got ${shown(scale)}`);
  const sigma = new Float64Array(d);
  const seen = new Set<number>();
  for (const i of coords) {
    requireInteger('coords', i, 0, d - 1);
    if (seen.has(i)) throw new UserInputError('coords', 'must be distinct', `coordinate ${i} appears twice`);
    seen.add(i);
    sigma[i] = scale;
  }
  return sigma;
}

/** The first `count` coordinates, 0..count-1: the usual choice of noisy coordinates for {@link sparseSigma}. */
export function firstCoords(count: number): number[] {
  requireInteger('count', count, 0);
  return Array.from({ length: count }, (_, i) => i);
}
