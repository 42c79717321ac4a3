/**
 * Small statistics for seed experiments: means with Student-t intervals over seeds, Welch intervals
 * of differences, distribution-free median intervals, variance over iterations of a mean curve
 * (P0's "variance" column), and a seed bootstrap that can also draw paper-sized resamples (the
 * spread of a mean over as many repeats as the paper ran).
 */
import { requireInteger, requireInterval, UserInputError } from '../core/errors.ts';
import { regGammaP, studentTCdf } from '../noise/special.ts';
import { percentileInterval, uniformIntegers } from '../theorems/fit.ts';

/** Arithmetic mean (throws on an empty list). */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new UserInputError('values', 'must not be empty');
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * Variance with `ddof` degrees of freedom removed: $\frac{1}{n - \mathrm{ddof}} \sum (x_i - \bar x)^2$.
 * ddof = 1 is the unbiased sample variance; ddof = 0 the population variance (numpy's `np.var`
 * default, which is how P0's "Loss Var." column reads: a variance over the iterations of one curve).
 */
export function variance(xs: readonly number[], ddof: 0 | 1 = 1): number {
  if (xs.length - ddof <= 0) throw new UserInputError('values', `must hold more than ${ddof} value(s) for a variance with ddof = ${ddof}`, `got ${xs.length}`);
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return s / (xs.length - ddof);
}

/**
 * Quantile of Student's t with nu > 0 degrees of freedom: the t with P(T <= t) = p, by bisection
 * on the CDF (src/noise/special.ts, regularized incomplete beta) to a width of 1e-12.
 */
export function tQuantile(p: number, nu: number): number {
  requireInterval('p', p, 0, 1, 'open', 'open');
  if (!(nu > 0)) throw new UserInputError('nu', 'must be > 0', `got ${nu}`);
  if (p === 0.5) return 0;
  let lo = -1;
  let hi = 1;
  while (studentTCdf(lo, nu) > p) lo *= 2;
  while (studentTCdf(hi, nu) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo)); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, nu) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

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

/**
 * Welch interval for the difference of means mean(a) - mean(b) of two independent samples, with
 * the Welch–Satterthwaite degrees of freedom. Samples that share random numbers (common seeds)
 * are positively correlated, which makes this interval conservative (wider than needed).
 */
export function welchDiffCi(a: readonly number[], b: readonly number[], level = 0.95): { diff: number; lo: number; hi: number; df: number } {
  requireInterval('level', level, 0, 1, 'open', 'open');
  if (a.length < 2 || b.length < 2) throw new UserInputError('samples', 'must each hold at least 2 values', `got ${a.length} and ${b.length}`);
  const va = variance(a, 1) / a.length;
  const vb = variance(b, 1) / b.length;
  const diff = mean(a) - mean(b);
  const se = Math.sqrt(va + vb);
  if (se === 0) return { diff, lo: diff, hi: diff, df: Infinity };
  const df = (va + vb) ** 2 / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  const h = tQuantile((1 + level) / 2, df) * se;
  return { diff, lo: diff - h, hi: diff + h, df };
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

/**
 * P0's "variance" of a quantity: the population variance over iterations t of the seed-mean curve
 * $\bar c_t = \frac1S \sum_s c_{s,t}$, i.e. $\frac1T \sum_t (\bar c_t - \overline{\bar c})^2$. It measures
 * how much the averaged curve moves over the run (mostly the initial descent), not the spread
 * between seeds. `curves[s][t]`: every curve must have the same length.
 */
export function varianceOverIterations(curves: readonly (readonly number[])[]): number {
  return variance(meanCurve(curves), 0);
}

/** The seed-mean curve $\bar c_t$. */
export function meanCurve(curves: readonly (readonly number[])[]): number[] {
  if (curves.length === 0) throw new UserInputError('curves', 'must hold at least one seed');
  const T = curves[0].length;
  for (const c of curves) if (c.length !== T) throw new UserInputError('curves', 'must all have the same length', `got ${c.length} and ${T}`);
  const out = new Array<number>(T).fill(0);
  for (const c of curves) for (let t = 0; t < T; t++) out[t] += c[t];
  for (let t = 0; t < T; t++) out[t] /= curves.length;
  return out;
}

/** Options of {@link seedBootstrap}. */
export interface SeedBootstrapOptions {
  /** Resamples (default 2000). */
  readonly resamples?: number;
  /** u32 seed of the resampling stream (default 1). */
  readonly seed?: number;
  /** Seeds drawn per resample (default: all S; fewer to mimic a paper that ran fewer repeats). */
  readonly size?: number;
  /** Level of the percentile interval (default 0.95). */
  readonly level?: number;
}

/**
 * Bootstrap over seeds: each resample draws `size` seed indices uniformly with replacement
 * (Philox stream of src/rates/fit.ts `uniformIntegers`, stream = resample index) and evaluates
 * `statistic` on them. With size = S the percentile interval is a CI of the statistic; with
 * size = n (a paper's number of repeats) it is the range within which a statistic computed from n
 * repeats of our set-up falls with probability ~level: the yardstick for "does the paper's number
 * agree with ours", since the paper's own number carries the noise of its n repeats.
 */
export function seedBootstrap(seeds: number, statistic: (idx: Uint32Array) => number, options: SeedBootstrapOptions = {}): { lo: number; hi: number; resamples: number; size: number } {
  requireInteger('seeds', seeds, 1);
  const B = options.resamples ?? 2000;
  requireInteger('resamples', B, 100);
  const size = options.size ?? seeds;
  requireInteger('size', size, 1);
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 1;
  const idx = new Uint32Array(size);
  const reps = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    uniformIntegers(seed, b, size, seeds, idx);
    reps[b] = statistic(idx);
  }
  reps.sort();
  const [lo, hi] = percentileInterval(reps, level);
  return { lo, hi, resamples: B, size };
}

/**
 * The range within which a paper's statistic should fall if its set-up equals ours: our value plus
 * the percentile interval of $\mathrm{stat}(A) - \mathrm{stat}(B)$ over bootstrap pairs, A a
 * resample of `paperSize` seeds (the paper's repeats) and B a resample of all S seeds, both from
 * our seeds. It accounts for the noise of the paper's few repeats and for our own estimation
 * error; resample b uses streams 2b and 2b + 1 of {@link uniformIntegers}.
 */
export function paperRange(seeds: number, statistic: (idx: ArrayLike<number>) => number, paperSize: number, options: { resamples?: number; seed?: number; level?: number } = {}): { lo: number; hi: number; resamples: number } {
  requireInteger('seeds', seeds, 1);
  requireInteger('paperSize', paperSize, 1);
  const B = options.resamples ?? 2000;
  requireInteger('resamples', B, 100);
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 1;
  const all = Array.from({ length: seeds }, (_, i) => i);
  const value = statistic(all);
  const a = new Uint32Array(paperSize);
  const b = new Uint32Array(seeds);
  const reps = new Float64Array(B);
  for (let k = 0; k < B; k++) {
    uniformIntegers(seed, 2 * k, paperSize, seeds, a);
    uniformIntegers(seed, 2 * k + 1, seeds, seeds, b);
    reps[k] = statistic(a) - statistic(b);
  }
  reps.sort();
  const [lo, hi] = percentileInterval(reps, level);
  return { lo: value + lo, hi: value + hi, resamples: B };
}

/**
 * Quantile of the chi-square distribution with nu > 0 degrees of freedom, by bisection on
 * P(X <= x) = P(nu/2, x/2) (regularized lower incomplete gamma, src/noise/special.ts).
 */
export function chiSquareQuantile(p: number, nu: number): number {
  requireInterval('p', p, 0, 1, 'open', 'open');
  if (!(nu > 0)) throw new UserInputError('nu', 'must be > 0', `got ${nu}`);
  let lo = 0;
  let hi = Math.max(1, nu);
  while (regGammaP(nu / 2, hi / 2) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (regGammaP(nu / 2, mid / 2) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Acceptance interval for the mean of n independent copies of Q = (1/2) sum_i v_i Z_i^2
 * (Z_i standard normal): 2 n mean(Q) = sum_i v_i chi^2_n, approximated by Satterthwaite's
 * c chi^2_nu with c = sum v^2 / sum v and nu = n (sum v)^2 / sum v^2 (exact when one v_i
 * dominates or all are equal). Returns the central `level` interval of mean(Q).
 */
export function weightedChiSquareMeanInterval(v: readonly number[], n: number, level = 0.95): { lo: number; hi: number; mean: number; nu: number } {
  requireInteger('n', n, 1);
  let s1 = 0;
  let s2 = 0;
  for (const x of v) {
    s1 += x;
    s2 += x * x;
  }
  const c = s2 / s1;
  const nu = (n * s1 * s1) / s2;
  const lo = (c * chiSquareQuantile((1 - level) / 2, nu)) / (2 * n);
  const hi = (c * chiSquareQuantile((1 + level) / 2, nu)) / (2 * n);
  return { lo, hi, mean: s1 / 2, nu };
}
