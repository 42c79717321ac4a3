/**
 * Confidence intervals for a location: the Student-t interval of a mean, the distribution-free
 * order-statistic interval of a median, and the empirical Bernstein lower limit of the mean of a
 * bounded variable.
 */
import { requireInterval, UserInputError } from '../core/errors.ts';
import { mean, variance } from './descriptive.ts';
import { tQuantile } from './quantiles.ts';

/** A mean with its confidence interval. */
export interface MeanCi {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (ddof = 1; 0 when n = 1). */
  readonly sd: number;
  readonly lo: number;
  readonly hi: number;
  readonly level: number;
}

/**
 * Mean over seeds with the Student-t interval $\bar x \pm t_{(1+\ell)/2, n-1}\, s/\sqrt n$.
 * Exact for normal per-seed values, asymptotically right for any finite variance (CLT). With
 * n = 1 the interval is the point itself (no spread is known); callers say so.
 */
export function meanCi(xs: readonly number[], level = 0.95): MeanCi {
  requireInterval('level', level, 0, 1, 'open', 'open');
  const n = xs.length;
  const m = mean(xs);
  if (n === 1) return { n, mean: m, sd: 0, lo: m, hi: m, level };
  const sd = Math.sqrt(variance(xs, 1));
  const h = tQuantile((1 + level) / 2, n - 1) * (sd / Math.sqrt(n));
  return { n, mean: m, sd, lo: m - h, hi: m + h, level };
}

/** Binomial(n, 1/2) CDF P(B <= k), exact by summation in log space. */
function binomHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let logC = 0; // log C(n, 0)
  let s = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    s += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, s);
}

/**
 * Median with the distribution-free order-statistic interval $[x_{(k)}, x_{(n+1-k)}]$, k the largest
 * integer with $P(B \le k - 1) \le (1 - \ell)/2$ for B ~ Binomial(n, 1/2); coverage >= level for any
 * continuous distribution (useful under the heavy-tailed noise of P0, where means may not exist).
 * When n is too small for the level, the interval is the whole sample range (coverage below level;
 * `exact` is false then).
 */
export function medianCi(xs: readonly number[], level = 0.95): { median: number; lo: number; hi: number; exact: boolean } {
  requireInterval('level', level, 0, 1, 'open', 'open');
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) throw new UserInputError('values', 'must not be empty');
  const median = n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  let k = 0;
  while (k + 1 <= n && binomHalfCdf(k, n) <= (1 - level) / 2) k++;
  // k = number of order statistics we may drop from each side plus one
  if (k === 0) return { median, lo: s[0], hi: s[n - 1], exact: false };
  return { median, lo: s[k - 1], hi: s[n - k], exact: true };
}

/** Result of {@link empiricalBernsteinLower}. */
export interface LowerLimit {
  /** Mean of the (clipped) samples. */
  readonly mean: number;
  /** Unbiased sample variance of the clipped samples. */
  readonly variance: number;
  /** mean - gap: below E min(Y, b) with probability >= 1 - delta. */
  readonly lower: number;
  /** sqrt(2 V ln(2/delta) / n) + 7 b ln(2/delta) / (3 (n - 1)). */
  readonly gap: number;
}

/**
 * A lower confidence limit for E Y from samples of Y >= 0, computed on Z = min(Y, b) with b > 0
 * fixed before seeing the samples. Since E min(Y, b) <= E Y, the limit is valid for E Y itself:
 * P(lower > E Y) <= delta, whatever the distribution of Y (no normal approximation).
 *
 * Empirical Bernstein bound (Maurer & Pontil 2009, "Empirical Bernstein bounds and sample variance
 * penalization", Thm 4): for i.i.d. Z_1..Z_n in [0, 1], n >= 2, with probability >= 1 - delta,
 *   E Z <= mean + sqrt(2 V ln(2/delta) / n) + 7 ln(2/delta) / (3 (n - 1)),
 * V the unbiased sample variance. Applied to 1 - Z it gives this lower limit, and for variables
 * in [0, b] both terms scale with b (the square-root term through V).
 */
export function empiricalBernsteinLower(samples: ArrayLike<number>, b: number, delta: number): LowerLimit {
  const n = samples.length;
  if (n < 2) throw new Error('empiricalBernsteinLower needs at least 2 samples');
  if (!(b > 0) || !Number.isFinite(b)) throw new Error(`empiricalBernsteinLower needs a finite clip b > 0 (got ${b})`);
  if (!(delta > 0 && delta < 1)) throw new Error(`empiricalBernsteinLower needs delta in (0, 1) (got ${delta})`);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const y = samples[i];
    if (!(y >= 0)) throw new Error(`empiricalBernsteinLower needs samples >= 0 (got ${y})`);
    mean += Math.min(y, b);
  }
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const z = Math.min(samples[i], b) - mean;
    ss += z * z;
  }
  const variance = ss / (n - 1);
  const l = Math.log(2 / delta);
  const gap = Math.sqrt((2 * variance * l) / n) + (7 * b * l) / (3 * (n - 1));
  return { mean, variance, lower: mean - gap, gap };
}


/**
 * Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998, method 3): with
 * $\hat p = x/n$, centre $(\hat p + z^2/(2n)) / (1 + z^2/n)$ and half-width
 * $\frac{z}{1 + z^2/n} \sqrt{\hat p (1 - \hat p)/n + z^2/(4n^2)}$; z = 1.96 for 95%. Unlike the
 * Wald interval it stays inside [0, 1] (up to rounding) and keeps its coverage near 0 and 1.
 * n = 0 gives NaN throughout (no information).
 */
export function wilsonInterval(successes: number, n: number, z = 1.96): { p: number; centre: number; half: number; lo: number; hi: number } {
  const p = n ? successes / n : NaN;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { p, centre, half, lo: centre - half, hi: centre + half };
}
