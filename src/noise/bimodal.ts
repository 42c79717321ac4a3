import { UserInputError, shown } from '../core/errors.ts';
import { uniformOpen } from '../rng/streams.ts';
import { momentExists, requireKappa } from './moments.ts';
import { normalAbsMoment, normalCdf, normalPdf } from '../stats/special.ts';
import type { NoiseModel } from './types.ts';

/** Smallest rescaled uniform used (only reached when U1 equals p exactly): below every uniformOpen value. */
const MIN_U = 2 ** -33;

/**
 * Mean-zero asymmetric bimodal noise: a two-bump Gaussian mixture
 *   xi ~ p N(+a, w^2) + (1 - p) N(-b, w^2),  a = (1 - p) gap,  b = p gap,
 * so a + b = gap and a p = b (1 - p), i.e. E xi = 0 (an unbiased oracle) while the median is not 0
 * for p != 1/2: with p > 1/2 most draws sit just above 0 and a rare large draw sits at -b. This is
 * the noise under which batch-1 SignSGD is biased (P(sign(g + xi) = sign g) can be < 1/2 although
 * E[g + xi] = g; B19, P4), the THEORY.md negative result `signsgd-batch1-biased`.
 *
 * Sampler (two uniforms per sample, samplesPerCall = 2; slot k uses words 2k, 2k+1): U1 picks the
 * component (U1 < p: the bump at +a, else the bump at -b); U1 rescaled to its component,
 * U1 / p or (U1 - p) / (1 - p), is again U(0, 1) and independent of the choice, and serves as the
 * radius uniform of a Box-Muller normal with U2 as the angle:
 *   Z = sqrt(-2 ln U') cos(2 pi U2),  xi = centre + w Z.
 * (The rescaled uniform takes about p 2^32 or (1 - p) 2^32 distinct values instead of 2^32.)
 *
 * Median: the root of F(m) = 1/2, F(x) = p Phi((x - a)/w) + (1 - p) Phi((x + b)/w), by bisection on
 * [-b - 40 w, a + 40 w] until the bracket cannot shrink in float64 (F is increasing); its accuracy is
 * that of Phi (about 1e-15 relative) divided by the density at the median. For p = 1/2 the law is
 * symmetric and the median is exactly 0.
 *
 * Unimodality, in closed form: f'(x) has the sign of
 *   H(x) = ln(p/(1-p)) + ln((a - x)/(x + b)) + gap (2x + b - a) / (2 w^2)   on (-b, a)
 * (f' < 0 right of a and > 0 left of -b), and H'(x) = gap/w^2 - 1/(a - x) - 1/(x + b). If
 * gap <= 2 w, H is decreasing: one mode. Otherwise H decreases, increases, decreases with turning
 * points at x + b = t1, t2 = (gap -+ D)/2, D = sqrt(gap^2 - 4 w^2), and the law is bimodal iff
 * H(x1) < 0 < H(x2), i.e. |ln(p/(1-p))| < gap D / (2 w^2) - ln(t2/t1).
 *
 * Absolute moments: E|xi|^k = p E|a + wZ|^k + (1 - p) E|-b + wZ|^k, each a closed form in Kummer's
 * function ({@link normalAbsMoment}); all moments exist (momentLimit = Infinity).
 */
export class BimodalNoise implements NoiseModel {
  readonly id = 'bimodal';
  readonly name: string;
  readonly summary: string;
  readonly params: Readonly<Record<string, number>>;
  readonly samplesPerCall = 2 as const;
  readonly mean = 0;
  readonly median: number;
  readonly momentLimit = Infinity;
  readonly momentBoundIncluded = false;
  readonly symmetric: boolean;
  readonly unimodal: boolean;
  readonly bound = Infinity;
  readonly p: number;
  readonly gap: number;
  readonly width: number;
  /** Centre of the bump drawn with probability p: a = (1 - p) gap > 0. */
  readonly a: number;
  /** Minus the centre of the other bump: b = p gap > 0 (the bump sits at -b). */
  readonly b: number;
  private readonly invP: number;
  private readonly invQ: number;

  /**
   * @param p probability of the bump at +a, in (0, 1).
   * @param gap distance a + b between the bump centres, > 0.
   * @param width standard deviation w of each bump, > 0.
   */
  constructor(p: number, gap = 1, width = 0.05) {
    if (typeof p !== 'number' || !Number.isFinite(p) || !(p > 0 && p < 1)) {
      throw new UserInputError('p', 'must lie in (0, 1)', `got ${shown(p)}`);
    }
    if (typeof gap !== 'number' || !Number.isFinite(gap) || !(gap > 0)) {
      throw new UserInputError('gap', 'must be a finite number > 0', `got ${shown(gap)}`);
    }
    if (typeof width !== 'number' || !Number.isFinite(width) || !(width > 0)) {
      throw new UserInputError('width', 'must be a finite number > 0', `got ${shown(width)}`);
    }
    this.p = p;
    this.gap = gap;
    this.width = width;
    this.a = (1 - p) * gap;
    this.b = p * gap;
    this.invP = 1 / p;
    this.invQ = 1 / (1 - p);
    this.symmetric = p === 0.5;
    this.unimodal = !bimodalMixtureIsBimodal(p, gap, width);
    this.median = this.symmetric ? 0 : this.solveMedian();
    this.name = `Bimodal(p=${p}, gap=${gap}, width=${width})`;
    this.summary =
      `mean-zero two-bump mixture: p=${p} at +${this.a}, ${1 - p} at -${this.b}, bump sd ${width}; ` +
      `median ${this.median.toPrecision(4)}`;
    this.params = Object.freeze({ p, gap, width });
  }

  private solveMedian(): number {
    let lo = -this.b - 40 * this.width;
    let hi = this.a + 40 * this.width;
    for (let i = 0; i < 2000; i++) {
      const mid = 0.5 * (lo + hi);
      if (mid <= lo || mid >= hi) break;
      if (this.cdf(mid) < 0.5) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  }

  /** Two samples: slot k uses U1 = word 2k (component, then rescaled radius uniform) and U2 = word 2k+1 (angle). */
  fromWords(words: Uint32Array, out: Float64Array, offset: number): void {
    for (let k = 0; k < 2; k++) {
      const u1 = uniformOpen(words[2 * k]);
      const u2 = uniformOpen(words[2 * k + 1]);
      let centre: number;
      let u: number;
      if (u1 < this.p) {
        centre = this.a;
        u = u1 * this.invP;
      } else {
        centre = -this.b;
        u = (u1 - this.p) * this.invQ;
      }
      if (u < MIN_U) u = MIN_U;
      // u may round to 1 (or 1 + ulp): the radius is then 0.
      const r = u < 1 ? Math.sqrt(-2 * Math.log(u)) : 0;
      out[offset + k] = centre + this.width * r * Math.cos(2 * Math.PI * u2);
    }
  }

  /** p E|a + wZ|^kappa + (1 - p) E|b - wZ|^kappa (closed form via Kummer's function). */
  absMoment(kappa: number): number {
    requireKappa(kappa);
    if (!momentExists(this, kappa)) return Infinity;
    return this.p * normalAbsMoment(this.a, this.width, kappa) + (1 - this.p) * normalAbsMoment(-this.b, this.width, kappa);
  }

  /** F(x) = p Phi((x - a)/w) + (1 - p) Phi((x + b)/w). */
  cdf(x: number): number {
    return this.p * normalCdf((x - this.a) / this.width) + (1 - this.p) * normalCdf((x + this.b) / this.width);
  }

  /** f(x) = (p phi((x - a)/w) + (1 - p) phi((x + b)/w)) / w. */
  pdf(x: number): number {
    return (this.p * normalPdf((x - this.a) / this.width) + (1 - this.p) * normalPdf((x + this.b) / this.width)) / this.width;
  }
}

/**
 * Whether the mixture p N(a, w^2) + (1 - p) N(-b, w^2) with a + b = gap has two modes (closed-form
 * criterion derived in {@link BimodalNoise}): gap > 2w and |ln(p/(1-p))| < gap D/(2 w^2) - ln(t2/t1).
 */
export function bimodalMixtureIsBimodal(p: number, gap: number, width: number): boolean {
  const disc = gap * gap - 4 * width * width;
  if (!(disc > 0)) return false;
  const D = Math.sqrt(disc);
  const t2 = (gap + D) / 2;
  const t1 = (width * width) / t2; // = (gap - D)/2 without cancellation (t1 t2 = w^2)
  const margin = (gap * D) / (2 * width * width) - Math.log(t2 / t1);
  return Math.abs(Math.log(p / (1 - p))) < margin;
}
