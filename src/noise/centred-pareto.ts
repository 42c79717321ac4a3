import { UserInputError, shown } from '../core/errors.ts';
import { momentExists, requireKappa } from './moments.ts';
import type { NoiseModel } from './types.ts';

const TWO_POW_M32 = 1 / 4294967296;
const TWO_POW_M64 = TWO_POW_M32 * TWO_POW_M32;

/** Composite Gauss-Legendre (8 nodes per panel) of f over [a, b] with `panels` equal panels. */
function gaussLegendre(f: (x: number) => number, a: number, b: number, panels: number): number {
  const X = [0.1834346424956498, 0.525532409916329, 0.7966664774136267, 0.9602898564975363];
  const W = [0.362683783378362, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763];
  const h = (b - a) / panels;
  let s = 0;
  for (let p = 0; p < panels; p++) {
    const mid = a + (p + 0.5) * h;
    for (let k = 0; k < 4; k++) s += W[k] * (f(mid - 0.5 * h * X[k]) + f(mid + 0.5 * h * X[k]));
  }
  return 0.5 * h * s;
}

/**
 * Integral of f over [a, b] on panels graded geometrically towards the endpoint `at` (a or b):
 * [a, b] is cut at distances |b - a| 2^-k from `at` (k = 1..60), each piece by Gauss-Legendre, so an
 * integrable endpoint singularity or kink at `at` costs no accuracy.
 */
function graded(f: (x: number) => number, a: number, b: number, at: 'a' | 'b'): number {
  const len = b - a;
  let s = 0;
  let far = len;
  for (let k = 1; k <= 60; k++) {
    const near = len * Math.pow(2, -k);
    s += at === 'a' ? gaussLegendre(f, a + near, a + far, 4) : gaussLegendre(f, b - far, b - near, 4);
    far = near;
  }
  return s;
}

/**
 * Mean-zero, right-skewed, heavy-tailed noise: a Pareto variable minus its mean,
 *   xi = P - mu,  P(P > x) = (xm / x)^alpha for x >= xm,  mu = E P = alpha xm / (alpha - 1),
 * with alpha > 1. E|xi|^kappa is finite exactly for kappa < alpha (P0's bounded kappa-th moment
 * assumption with any kappa < alpha). The law is unimodal (decreasing density on [xm - mu, inf),
 * mode at the left end) but not symmetric: its median xm 2^{1/alpha} - mu is < 0, so the sign of
 * one draw of g + xi is biased towards -1 near g = 0, and the median of a minibatch mean of B
 * draws is -Theta(B^{-(alpha-1)/alpha}) for alpha < 2 (the mean converges to a totally skewed
 * alpha-stable law). This is the noise under which the kappa-dependence of the heavy-tail sign
 * bounds (P0; Kornilov et al. 2025) shows (THEORY.md, observability note on heavy tails); with
 * symmetric noise the sign of one draw is already unbiased and the bounds are loose.
 *
 * Sampler (samplesPerCall = 2): sample k uses a 64-bit uniform U = (w_{2k} 2^32 + w_{2k+1} + 1/2) 2^-64
 * (two words, so the tail is followed down to probability 2^-64) and returns xm U^{-1/alpha} - mu.
 * Its sampled law is the midpoint discretisation of U; the mean it loses in the unreached tail is
 * {@link samplerMeanDeficit} <= xm (2^-64)^{1 - 1/alpha} / (1 - 1/alpha) (1.5e-4 xm at alpha = 1.3),
 * negligible beside the accuracies the sweeps resolve.
 *
 * Absolute moments: with u = xm / x and then u = v^{1/(alpha - kappa)},
 *   E|xi|^kappa = xm^kappa alpha / (alpha - kappa) int_0^1 |1 - c v^{1/(alpha-kappa)}|^kappa dv,
 *   c = alpha / (alpha - 1),
 * a bounded integrand with one kink at v* = c^{-(alpha - kappa)} and, for alpha - kappa > 1, a
 * root-type endpoint at v = 0, integrated by Gauss-Legendre on panels graded towards 0 and v*
 * (the unit tests compare with the closed forms at kappa = 1 and 2 to 1e-10 relative).
 *
 * Registered in the noise registry as `centred-pareto` (src/noise/index.ts). It has no WGSL
 * transform, so the webgpu engine declines runs that use it (src/gpu/noise.wgsl.ts).
 */
export class CentredParetoNoise implements NoiseModel {
  readonly id = 'centred-pareto';
  readonly name: string;
  readonly summary: string;
  readonly params: Readonly<Record<string, number>>;
  readonly samplesPerCall = 2 as const;
  readonly mean = 0;
  readonly median: number;
  readonly momentLimit: number;
  readonly momentBoundIncluded = false;
  readonly symmetric = false;
  readonly unimodal = true;
  readonly bound = Infinity;
  readonly alpha: number;
  readonly xm: number;
  /** mu = E P = alpha xm / (alpha - 1), the shift that centres the Pareto variable. */
  readonly mu: number;
  /** Upper bound on mu minus the mean of the sampled (discretised) law, >= 0. */
  readonly samplerMeanDeficit: number;
  private readonly negInvAlpha: number;

  /**
   * @param alpha tail index > 1 (moments of order < alpha exist).
   * @param xm Pareto scale > 0 (the centred law lives on [xm - mu, inf)).
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
    this.mu = (alpha * xm) / (alpha - 1);
    this.negInvAlpha = -1 / alpha;
    this.momentLimit = alpha;
    this.median = xm * Math.pow(2, 1 / alpha) - this.mu;
    const s = 1 - 1 / alpha;
    this.samplerMeanDeficit = (xm * Math.pow(TWO_POW_M64, s)) / s;
    this.name = `CentredPareto(alpha=${alpha}, xm=${xm})`;
    this.summary = `Pareto(alpha=${alpha}, xm=${xm}) minus its mean ${this.mu.toPrecision(4)}: mean 0, median ${this.median.toPrecision(4)}, right-skewed, moments of order < ${alpha}`;
    this.params = Object.freeze({ alpha, xm });
  }

  /** Two samples from four words: sample k uses words 2k (high) and 2k+1 (low) of a 64-bit uniform. */
  fromWords(words: Uint32Array, out: Float64Array, offset: number): void {
    for (let k = 0; k < 2; k++) {
      const u = (words[2 * k] * 4294967296 + words[2 * k + 1] + 0.5) * TWO_POW_M64;
      out[offset + k] = this.xm * Math.exp(this.negInvAlpha * Math.log(u)) - this.mu;
    }
  }

  /** E|xi|^kappa by the quadrature of the class doc for kappa < alpha; Infinity otherwise. */
  absMoment(kappa: number): number {
    requireKappa(kappa);
    if (!momentExists(this, kappa)) return Infinity;
    const a = this.alpha;
    const c = a / (a - 1);
    const p = 1 / (a - kappa);
    const vStar = Math.pow(c, -(a - kappa));
    const g = (v: number) => Math.pow(Math.abs(1 - c * Math.pow(v, p)), kappa);
    const half = 0.5 * vStar;
    const integral = graded(g, 0, half, 'a') + graded(g, half, vStar, 'b') + graded(g, vStar, 1, 'a');
    return Math.pow(this.xm, kappa) * (a / (a - kappa)) * integral;
  }

  /** P(xi <= x) = 1 - (xm / (x + mu))^alpha for x >= xm - mu, else 0. */
  cdf(x: number): number {
    const y = x + this.mu;
    if (y < this.xm) return 0;
    return 1 - Math.pow(this.xm / y, this.alpha);
  }

  /** alpha xm^alpha / (x + mu)^{alpha + 1} for x >= xm - mu, else 0. */
  pdf(x: number): number {
    const y = x + this.mu;
    if (y < this.xm) return 0;
    return (this.alpha * Math.pow(this.xm / y, this.alpha)) / y;
  }
}
