import { normals4 } from '../rng/streams.ts';
import { momentExists, requireKappa } from './moments.ts';
import { lnGamma, normalCdf, normalPdf } from '../stats/special.ts';
import type { NoiseModel } from './types.ts';

/**
 * Standard normal noise xi ~ N(0, 1): the bounded-variance model of B18/P1 (sigma_i^2 = variance of
 * coordinate i). Four samples per Philox call by two Box-Muller pairs, exactly
 * {@link normals4} in src/rng/streams.ts:
 *   (w0, w1) -> sqrt(-2 ln u0) (cos 2 pi u1, sin 2 pi u1),  (w2, w3) likewise,  u = (w + 1/2) 2^-32.
 *
 * Absolute moments: E|xi|^k = 2^{k/2} Gamma((k+1)/2) / sqrt(pi) for every k > 0.
 */
export class GaussianNoise implements NoiseModel {
  readonly id = 'gaussian';
  readonly name = 'Gaussian';
  readonly summary = 'standard normal N(0, 1): symmetric, unimodal, all moments';
  readonly params: Readonly<Record<string, number>> = Object.freeze({});
  readonly samplesPerCall = 4 as const;
  readonly mean = 0;
  readonly median = 0;
  readonly momentLimit = Infinity;
  readonly momentBoundIncluded = false;
  readonly symmetric = true;
  readonly unimodal = true;
  readonly bound = Infinity;

  /** Box-Muller on four words: {@link normals4}. */
  fromWords(words: Uint32Array, out: Float64Array, offset: number): void {
    normals4(words, out, offset);
  }

  /** E|xi|^kappa = 2^{kappa/2} Gamma((kappa+1)/2) / sqrt(pi) (e.g. sqrt(2/pi) at kappa = 1, 1 at kappa = 2). */
  absMoment(kappa: number): number {
    requireKappa(kappa);
    if (!momentExists(this, kappa)) return Infinity;
    return gaussianAbsMoment(kappa);
  }

  /** Phi(x). */
  cdf(x: number): number {
    return normalCdf(x);
  }

  /** phi(x) = exp(-x^2/2) / sqrt(2 pi). */
  pdf(x: number): number {
    return normalPdf(x);
  }
}

/** E|Z|^k for Z ~ N(0, 1): 2^{k/2} Gamma((k+1)/2) / sqrt(pi). */
export function gaussianAbsMoment(k: number): number {
  return Math.exp((k / 2) * Math.LN2 + lnGamma((k + 1) / 2)) / Math.sqrt(Math.PI);
}
