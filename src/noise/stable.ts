import { UserInputError, shown } from '../core/errors.ts';
import { uniformOpen } from '../rng/streams.ts';
import { gaussianAbsMoment } from './gaussian.ts';
import { momentExists, requireKappa } from './moments.ts';
import { lnGamma, normalCdf, normalPdf } from '../stats/special.ts';
import type { NoiseModel } from './types.ts';

/**
 * Symmetric alpha-stable noise S(alpha, beta = 0, c), alpha in (1, 2], scale c > 0, in the
 * parametrisation with characteristic function
 *   E exp(i t X) = exp(-|c t|^alpha)
 * (Samorodnitsky–Taqqu S_alpha(c, 0, 0); Nolan's S0 = S1 when beta = 0; scipy's levy_stable with
 * beta = 0 and scale c). alpha = 2 is the Gaussian N(0, 2 c^2) (not N(0, c^2)); alpha < 2 has
 * infinite variance and E|X|^k < infinity exactly for k < alpha. The heavy-tailed noise of P0's
 * experiments (Mushroom: alpha = 1.6, c = 0.5; alpha = 1.5 scaled by 0.1 for momentum methods).
 *
 * Sampler: Chambers–Mallows–Stuck (JASA 71, 1976) with beta = 0, two uniforms per sample:
 *   V = pi (U1 - 1/2),  W = -ln U2,
 *   X = c sin(alpha V) / cos(V)^{1/alpha} * (cos(V - alpha V) / W)^{(1 - alpha)/alpha}.
 * Layout: samplesPerCall = 2; slot k uses words 2k (U1) and 2k+1 (U2), uniforms via uniformOpen
 * (open interval, so cos V > 0 and W > 0). At alpha = 2 it reduces to X = 2 c sqrt(W) sin V, the
 * polar form of a N(0, 2 c^2) draw.
 *
 * Absolute moments (0 < k < alpha < 2), THEORY.md noise-moments:
 *   E|X|^k = c^k 2^k Gamma((1+k)/2) Gamma(1 - k/alpha) / (sqrt(pi) Gamma(1 - k/2)).
 * Checks of the formula: at alpha = 2 the Gamma(1 - k/2) factors cancel and it is
 * c^k 2^k Gamma((1+k)/2)/sqrt(pi) = E|N(0, 2c^2)|^k; at alpha = 1 (Cauchy, outside this model's
 * range but the same formula) Legendre's duplication formula turns it into c^k / cos(pi k / 2),
 * the Cauchy moment. Both are tested (stable.test.ts). At alpha = 2 every moment exists
 * (momentLimit = Infinity) and the Gaussian formula is used for every k.
 * Symmetric stable laws are unimodal (Yamazato 1978: all stable laws are unimodal).
 */
export class SymmetricStableNoise implements NoiseModel {
  readonly id = 'stable';
  readonly name: string;
  readonly summary: string;
  readonly params: Readonly<Record<string, number>>;
  readonly samplesPerCall = 2 as const;
  readonly mean = 0;
  readonly median = 0;
  readonly momentLimit: number;
  readonly momentBoundIncluded = false;
  readonly symmetric = true;
  readonly unimodal = true;
  readonly bound = Infinity;
  readonly alpha: number;
  readonly scale: number;
  /** Closed-form CDF and density only at alpha = 2 (the Gaussian N(0, 2 c^2)); absent otherwise. */
  readonly cdf?: (x: number) => number;
  readonly pdf?: (x: number) => number;
  private readonly invAlpha: number;
  private readonly expo: number;

  /**
   * @param alpha stability index in (1, 2] (alpha > 1 so that the mean exists).
   * @param scale c > 0 in exp(-|c t|^alpha).
   */
  constructor(alpha: number, scale = 1) {
    if (typeof alpha !== 'number' || !Number.isFinite(alpha) || !(alpha > 1 && alpha <= 2)) {
      throw new UserInputError('alpha', 'must lie in (1, 2] (the mean of a stable law exists only for alpha > 1)', `got ${shown(alpha)}`);
    }
    if (typeof scale !== 'number' || !Number.isFinite(scale) || !(scale > 0)) {
      throw new UserInputError('scale', 'must be a finite number > 0', `got ${shown(scale)}`);
    }
    this.alpha = alpha;
    this.scale = scale;
    this.invAlpha = 1 / alpha;
    this.expo = (1 - alpha) / alpha;
    this.momentLimit = alpha < 2 ? alpha : Infinity;
    this.name = `SymStable(alpha=${alpha}, scale=${scale})`;
    this.summary = `symmetric alpha-stable, alpha=${alpha}, scale=${scale} (cf exp(-|${scale} t|^${alpha})): symmetric, unimodal, moments of order < ${alpha}`;
    this.params = Object.freeze({ alpha, scale });
    if (alpha === 2) {
      const sd = Math.SQRT2 * scale;
      this.cdf = (x: number) => normalCdf(x / sd);
      this.pdf = (x: number) => normalPdf(x / sd) / sd;
    }
  }

  /** Two samples: slot k = 0, 1 from words (2k, 2k+1) by Chambers–Mallows–Stuck with beta = 0. */
  fromWords(words: Uint32Array, out: Float64Array, offset: number): void {
    const alpha = this.alpha;
    for (let k = 0; k < 2; k++) {
      const v = Math.PI * (uniformOpen(words[2 * k]) - 0.5);
      const w = -Math.log(uniformOpen(words[2 * k + 1]));
      // sin(aV) cos(V)^{-1/a} (cos(V - aV)/W)^{(1-a)/a}, with the two powers merged into one exp
      // (same value up to rounding; about 1.6x faster than two Math.pow calls in V8).
      const x = Math.sin(alpha * v) * Math.exp(this.expo * Math.log(Math.cos(v - alpha * v) / w) - this.invAlpha * Math.log(Math.cos(v)));
      out[offset + k] = this.scale * x;
    }
  }

  /** E|X|^kappa: see the class comment; Infinity for kappa >= alpha when alpha < 2. */
  absMoment(kappa: number): number {
    requireKappa(kappa);
    if (!momentExists(this, kappa)) return Infinity;
    if (this.alpha === 2) return Math.pow(Math.SQRT2 * this.scale, kappa) * gaussianAbsMoment(kappa);
    return stableAbsMomentFormula(this.alpha, this.scale, kappa);
  }

  /** The characteristic function E cos(t X) = exp(-|c t|^alpha) (real: the law is symmetric). */
  characteristicFunction(t: number): number {
    return Math.exp(-Math.pow(Math.abs(this.scale * t), this.alpha));
  }
}

/**
 * c^k 2^k Gamma((1+k)/2) Gamma(1 - k/alpha) / (sqrt(pi) Gamma(1 - k/2)) for 0 < k < alpha, k < 2:
 * the formula itself, without the model's range checks (exported so tests can evaluate it at
 * alpha = 1, the Cauchy case).
 */
export function stableAbsMomentFormula(alpha: number, c: number, k: number): number {
  return Math.exp(
    k * Math.log(2 * c) + lnGamma((1 + k) / 2) + lnGamma(1 - k / alpha) - lnGamma(1 - k / 2),
  ) / Math.sqrt(Math.PI);
}
