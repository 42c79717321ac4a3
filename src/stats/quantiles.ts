/**
 * Quantiles: of Student's t and of the chi-square distribution (by bisection on their CDFs in
 * src/noise/special.ts), and of a sorted sample (type 7 of Hyndman & Fan 1996, the default of R
 * and numpy), as the central interval that percentile bootstrap intervals report.
 */
import { quantileSorted } from 'simple-statistics';
import { requireInterval, UserInputError } from '../core/errors.ts';
import { regGammaP, studentTCdf } from './special.ts';

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
 * Central sample-quantile interval $[q_{(1-\ell)/2}, q_{(1+\ell)/2}]$ of a sorted sample (the
 * percentile interval of sorted bootstrap replicates), with quantiles by simple-statistics
 * `quantileSorted`: type 7 of Hyndman & Fan (1996), $q_p = x_{(\lfloor h \rfloor)} + (h - \lfloor h \rfloor)(x_{(\lfloor h \rfloor + 1)} - x_{(\lfloor h \rfloor)})$
 * with $h = (n - 1) p$ and 0-based order statistics.
 */
export function percentileInterval(sorted: ArrayLike<number>, level: number): [number, number] {
  requireInterval('level', level, 0, 1, 'open', 'open');
  const arr = Array.from(sorted);
  if (arr.length === 0) throw new UserInputError('replicates', 'must not be empty');
  return [quantileSorted(arr, (1 - level) / 2), quantileSorted(arr, (1 + level) / 2)];
}
