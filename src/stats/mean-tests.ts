/**
 * Tests of means: the Welch interval of a difference of two means (a two-sided Welch t-test at the
 * interval's level: the difference is resolved when 0 lies outside), and the acceptance interval
 * of the mean of weighted chi-square variables under a known law.
 */
import { requireInteger, requireInterval, UserInputError } from '../core/errors.ts';
import { mean, variance } from './descriptive.ts';
import { chiSquareQuantile, tQuantile } from './quantiles.ts';

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
