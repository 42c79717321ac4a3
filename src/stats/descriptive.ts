/**
 * Descriptive statistics: means, variances, the seed-mean curve and its variance over iterations,
 * and the replica aggregate (mean or median) of one sweep cell.
 *
 * Two means with different rounding are kept on purpose, because results files depend on their
 * exact bits: {@link mean} sums in index order; {@link aggregate}'s mean is simple-statistics'
 * `mean`, whose sum is compensated (Kahan-Babuska-Neumaier).
 */
import { mean as ssMean, median as ssMedian } from 'simple-statistics';
import { UserInputError, shown } from '../core/errors.ts';

/** Arithmetic mean $\frac1n \sum_i x_i$, summed in index order (throws on an empty list). */
export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) throw new UserInputError('values', 'must not be empty');
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/**
 * Variance with `ddof` degrees of freedom removed: $\frac{1}{n - \mathrm{ddof}} \sum (x_i - \bar x)^2$.
 * ddof = 1 is the unbiased sample variance; ddof = 0 the population variance (numpy's `np.var`
 * default, which is how P0's "Loss Var." column reads: a variance over the iterations of one curve).
 */
export function variance(xs: ArrayLike<number>, ddof: 0 | 1 = 1): number {
  if (xs.length - ddof <= 0) throw new UserInputError('values', `must hold more than ${ddof} value(s) for a variance with ddof = ${ddof}`, `got ${xs.length}`);
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) * (xs[i] - m);
  return s / (xs.length - ddof);
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

/** The seed-mean curve $\bar c_t = \frac1S \sum_s c_{s,t}$ (seeds summed in order). */
export function meanCurve(curves: readonly (readonly number[])[]): number[] {
  if (curves.length === 0) throw new UserInputError('curves', 'must hold at least one seed');
  const T = curves[0].length;
  for (const c of curves) if (c.length !== T) throw new UserInputError('curves', 'must all have the same length', `got ${c.length} and ${T}`);
  const out = new Array<number>(T).fill(0);
  for (const c of curves) for (let t = 0; t < T; t++) out[t] += c[t];
  for (let t = 0; t < T; t++) out[t] /= curves.length;
  return out;
}

/**
 * How the replicas of one cell are summarised before the log is taken.
 * - `mean`: the estimand of every rate theorem (they bound $\mathbb E[\text{metric}]$); the default.
 * - `median`: for heavy-tailed metrics (e.g. under alpha-stable noise the metric may have infinite
 *   variance; then the sample mean converges slowly and the bootstrap of the mean is not
 *   consistent, Athreya 1987). When the metric's law across a sweep is a scale family,
 *   $m_v = c(v) Z$, $\log \text{median}(m_v) = \log c(v) + \log \text{median}(Z)$ has the same slope
 *   in $\log v$ as $\log \mathbb E[m_v]$, so the median estimates the same exponent robustly.
 *   A theorem chooses it explicitly and says why.
 */
export type Aggregation = 'mean' | 'median';

/**
 * The replica aggregate of one cell: simple-statistics `mean` (compensated sum over n) or `median`
 * (type-7 quantile at 1/2: the middle value, or the two middle values interpolated halfway).
 */
export function aggregate(values: readonly number[], how: Aggregation): number {
  if (values.length === 0) throw new UserInputError('values', 'must hold at least one replica');
  if (how === 'mean') return ssMean([...values]);
  if (how === 'median') return ssMedian([...values]);
  throw new UserInputError('aggregation', 'must be "mean" or "median"', `got ${shown(how)}`);
}
