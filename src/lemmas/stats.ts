/**
 * One-sided confidence limits for means of bounded variables, for the statistical lemmas.
 *
 * Empirical Bernstein bound (Maurer & Pontil 2009, "Empirical Bernstein bounds and sample variance
 * penalization", Thm 4): for i.i.d. Z_1..Z_n in [0, 1], n >= 2, with probability >= 1 - delta,
 *   E Z <= mean + sqrt(2 V ln(2/delta) / n) + 7 ln(2/delta) / (3 (n - 1)),
 * V the unbiased sample variance. Applied to 1 - Z it gives the lower limit used here, and for
 * variables in [0, b] both terms scale with b (the square-root term through V).
 */

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
 * P(lower > E Y) <= delta, whatever the distribution of Y (Maurer-Pontil; no normal approximation).
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
