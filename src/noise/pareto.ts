import { UserInputError, shown } from '../core/errors.ts';
import { uniformOpen } from '../rng/streams.ts';
import { momentExists, requireKappa } from './moments.ts';
import type { NoiseModel } from './types.ts';

/**
 * Symmetric Pareto noise: X = S |X| with a random sign S = +-1 (probability 1/2 each) and |X|
 * Pareto(shape alpha > 1, scale xm > 0): P(|X| > x) = (xm / x)^alpha for x >= xm. Power-law tails
 * with exactly the moments of order < alpha (alpha > 1 so that the mean exists).
 *
 * Not unimodal: the density is 0 on (-xm, xm) and alpha xm^alpha / (2 |x|^{alpha+1}) outside, so it
 * has two modes, at -xm and +xm, separated by a gap of zero mass. Any point of [-xm, xm] is a
 * median; `median` reports 0, the centre of symmetry.
 *
 * Sampler: |X| = xm U1^{-1/alpha} (inverse CDF), S = +1 when the top bit of the second word is 0.
 * Layout: samplesPerCall = 2; slot k uses word 2k for U1 (uniformOpen) and word 2k+1 for the sign.
 *
 * Absolute moments: E|X|^k = alpha xm^k / (alpha - k) for k < alpha, Infinity otherwise.
 */
export class SymmetricParetoNoise implements NoiseModel {
  readonly id = 'pareto';
  readonly name: string;
  readonly summary: string;
  readonly params: Readonly<Record<string, number>>;
  readonly samplesPerCall = 2 as const;
  readonly mean = 0;
  readonly median = 0;
  readonly momentLimit: number;
  readonly momentBoundIncluded = false;
  readonly symmetric = true;
  readonly unimodal = false;
  readonly bound = Infinity;
  readonly alpha: number;
  readonly xm: number;
  private readonly negInvAlpha: number;

  /**
   * @param alpha tail index (shape) > 1.
   * @param xm scale > 0: the smallest magnitude.
   */
  constructor(alpha: number, xm = 1) {
    if (typeof alpha !== 'number' || !Number.isFinite(alpha) || !(alpha > 1)) {
      throw new UserInputError('alpha', 'must be a finite number > 1 (the mean of a Pareto law exists only for alpha > 1)', `got ${shown(alpha)}`);
    }
    if (typeof xm !== 'number' || !Number.isFinite(xm) || !(xm > 0)) {
      throw new UserInputError('xm', 'must be a finite number > 0', `got ${shown(xm)}`);
    }
    this.alpha = alpha;
    this.xm = xm;
    this.negInvAlpha = -1 / alpha;
    this.momentLimit = alpha;
    this.name = `SymPareto(alpha=${alpha}, xm=${xm})`;
    this.summary = `symmetric Pareto, tail index ${alpha}, |X| >= ${xm}: symmetric, bimodal (not unimodal), moments of order < ${alpha}`;
    this.params = Object.freeze({ alpha, xm });
  }

  /** Two samples: slot k = 0, 1: magnitude from word 2k, sign from the top bit of word 2k+1. */
  fromWords(words: Uint32Array, out: Float64Array, offset: number): void {
    for (let k = 0; k < 2; k++) {
      const mag = this.xm * Math.exp(this.negInvAlpha * Math.log(uniformOpen(words[2 * k]))); // xm U^{-1/alpha}
      out[offset + k] = words[2 * k + 1] >>> 31 ? -mag : mag;
    }
  }

  /** E|X|^kappa = alpha xm^kappa / (alpha - kappa), kappa < alpha; Infinity otherwise. */
  absMoment(kappa: number): number {
    requireKappa(kappa);
    if (!momentExists(this, kappa)) return Infinity;
    return (this.alpha * Math.pow(this.xm, kappa)) / (this.alpha - kappa);
  }

  /** P(X <= x) = (xm/|x|)^alpha / 2 for x <= -xm, 1/2 on (-xm, xm), 1 - (xm/x)^alpha / 2 for x >= xm. */
  cdf(x: number): number {
    if (x <= -this.xm) return 0.5 * Math.pow(this.xm / -x, this.alpha);
    if (x < this.xm) return 0.5;
    return 1 - 0.5 * Math.pow(this.xm / x, this.alpha);
  }

  /** alpha xm^alpha / (2 |x|^{alpha+1}) for |x| >= xm, else 0. */
  pdf(x: number): number {
    const ax = Math.abs(x);
    if (ax < this.xm) return 0;
    return (0.5 * this.alpha * Math.pow(this.xm / ax, this.alpha)) / ax;
  }
}
