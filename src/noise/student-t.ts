import { UserInputError, shown } from '../core/errors.ts';
import { uniformOpen } from '../rng/streams.ts';
import { momentExists, requireKappa } from './moments.ts';
import { lnGamma, studentTCdf, studentTPdf } from '../stats/special.ts';
import type { NoiseModel } from './types.ts';

/**
 * Student's t noise with nu > 1 degrees of freedom, at unit *t scale* (not standardised: the
 * variance is nu / (nu - 2) for nu > 2 and infinite for nu <= 2). The heavy-tailed model of P0
 * (bounded kappa-th moment for kappa < nu, kappa in (1, 2]); nu > 1 so that the mean exists
 * (the oracle must be unbiased).
 *
 * Sampler: Bailey's polar method (R. W. Bailey, "Polar generation of random variates with the
 * t-distribution", Math. Comp. 62 (1994)) in its non-rejection form, two uniforms per sample:
 *   T = sqrt(nu (U1^{-2/nu} - 1)) cos(2 pi U2).
 * Why this is exact. Let (X, Y) = sqrt(nu) (Z1, Z2) / sqrt(V) with Z1, Z2 ~ N(0,1) and V ~ chi^2_nu,
 * all independent: each coordinate is t_nu, and (X, Y) is spherically symmetric, so
 * X = R cos(Theta) with Theta ~ U(0, 2 pi) independent of R. Its radius is
 * R^2 = nu (Z1^2 + Z2^2) / V = 2 F with F = (chi^2_2 / 2) / (chi^2_nu / nu) ~ F(2, nu), whose
 * survival function is P(F > f) = (1 + 2 f / nu)^{-nu/2}. Hence
 *   P(R^2 > r) = (1 + r / nu)^{-nu/2},
 * and setting this equal to a uniform U1 gives R^2 = nu (U1^{-2/nu} - 1) (inverse-CDF sampling).
 * With Theta = 2 pi U2 this is the formula above. (Bailey's rejection form draws (U, V) in the
 * unit disc, W = U^2 + V^2 ~ U(0,1), U / sqrt(W) = cos Theta: the same identity.)
 * U1^{-2/nu} - 1 is evaluated as expm1(-(2/nu) ln U1) for accuracy near U1 = 1; a float32 engine
 * may use pow(U1, -2/nu) - 1 (same value up to rounding).
 *
 * Layout: samplesPerCall = 2; slot k uses words 2k (U1) and 2k+1 (U2), uniforms via uniformOpen.
 *
 * Absolute moments (k < nu): E|T|^k = nu^{k/2} Gamma((k+1)/2) Gamma((nu-k)/2) / (sqrt(pi) Gamma(nu/2))
 * (THEORY.md, noise-moments); e.g. nu = 3, k = 1: 2 sqrt(3) / pi. momentLimit = nu (not included).
 */
export class StudentTNoise implements NoiseModel {
  readonly id = 'student-t';
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
  readonly nu: number;
  private readonly twoOverNu: number;

  /** @param nu degrees of freedom, a finite number > 1. */
  constructor(nu: number) {
    if (typeof nu !== 'number' || !Number.isFinite(nu) || !(nu > 1)) {
      throw new UserInputError('nu', 'must be a finite number > 1 (the mean of Student-t exists only for nu > 1)', `got ${shown(nu)}`);
    }
    this.nu = nu;
    this.twoOverNu = 2 / nu;
    this.momentLimit = nu;
    this.name = `Student-t(nu=${nu})`;
    this.summary = `Student-t with nu=${nu} (t scale 1): symmetric, unimodal, moments of order < ${nu}`;
    this.params = Object.freeze({ nu });
  }

  /** Two samples: slot k = 0, 1 from words (2k, 2k+1) by Bailey's non-rejection polar form. */
  fromWords(words: Uint32Array, out: Float64Array, offset: number): void {
    const nu = this.nu;
    const c = this.twoOverNu;
    for (let k = 0; k < 2; k++) {
      const u1 = uniformOpen(words[2 * k]);
      const u2 = uniformOpen(words[2 * k + 1]);
      const r = Math.sqrt(nu * Math.expm1(-c * Math.log(u1)));
      out[offset + k] = r * Math.cos(2 * Math.PI * u2);
    }
  }

  /** E|T|^kappa = nu^{kappa/2} Gamma((kappa+1)/2) Gamma((nu-kappa)/2) / (sqrt(pi) Gamma(nu/2)), kappa < nu; Infinity otherwise. */
  absMoment(kappa: number): number {
    requireKappa(kappa);
    if (!momentExists(this, kappa)) return Infinity;
    const nu = this.nu;
    return Math.exp(
      (kappa / 2) * Math.log(nu) + lnGamma((kappa + 1) / 2) + lnGamma((nu - kappa) / 2) - lnGamma(nu / 2),
    ) / Math.sqrt(Math.PI);
  }

  /** P(T <= x) through the regularized incomplete beta function. */
  cdf(x: number): number {
    return studentTCdf(x, this.nu);
  }

  /** Gamma((nu+1)/2) / (sqrt(nu pi) Gamma(nu/2)) (1 + x^2/nu)^{-(nu+1)/2}. */
  pdf(x: number): number {
    return studentTPdf(x, this.nu);
  }
}
