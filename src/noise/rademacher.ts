import { momentExists, requireKappa } from './moments.ts';
import type { NoiseModel } from './types.ts';

/**
 * Rademacher noise: xi = +1 or -1 with probability 1/2 each. Symmetric, bounded (|xi| = 1, so it
 * satisfies P1 Asm. 8 with G = |g| + sigma), bimodal (two atoms, hence not unimodal), variance 1,
 * E|xi|^k = 1 for every k.
 *
 * Sampler: one word per sample, xi = +1 when the word's top bit is 0 and -1 when it is 1.
 * Layout: samplesPerCall = 4; slot k uses word k.
 */
export class RademacherNoise implements NoiseModel {
  readonly id = 'rademacher';
  readonly name = 'Rademacher';
  readonly summary = 'Rademacher +-1: symmetric, bounded by 1, bimodal (not unimodal)';
  readonly params: Readonly<Record<string, number>> = Object.freeze({});
  readonly samplesPerCall = 4 as const;
  readonly mean = 0;
  /** Any point of [-1, 1] is a median; 0 is the centre of symmetry. */
  readonly median = 0;
  readonly momentLimit = Infinity;
  readonly momentBoundIncluded = false;
  readonly symmetric = true;
  readonly unimodal = false;
  readonly bound = 1;

  /** Four samples, one per word: +1 if the top bit is 0, else -1. */
  fromWords(words: Uint32Array, out: Float64Array, offset: number): void {
    out[offset] = 1 - 2 * (words[0] >>> 31);
    out[offset + 1] = 1 - 2 * (words[1] >>> 31);
    out[offset + 2] = 1 - 2 * (words[2] >>> 31);
    out[offset + 3] = 1 - 2 * (words[3] >>> 31);
  }

  /** E|xi|^kappa = 1. */
  absMoment(kappa: number): number {
    requireKappa(kappa);
    return momentExists(this, kappa) ? 1 : Infinity;
  }

  /** P(xi <= x): 0 below -1, 1/2 on [-1, 1), 1 from 1 on. */
  cdf(x: number): number {
    if (x < -1) return 0;
    if (x < 1) return 0.5;
    return 1;
  }
}
