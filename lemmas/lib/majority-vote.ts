import fc from 'fast-check';
import { gamma } from '../../src/core/numerics.ts';

/**
 * Shared pieces of the majority-vote lemmas (lemmas/majority-vote-error*.ts): the instances (p, odd n)
 * and the binomial tail in log space with its rounding bound.
 */

/**
 * Majority vote of n i.i.d. worker signs, each right with probability p > 1/2 (B18 Thm 2, B19):
 * the vote is wrong exactly when at most (n-1)/2 workers are right (odd n: no ties), so
 *   P(vote wrong) = P(Bin(n, p) <= (n-1)/2) = sum_{k <= (n-1)/2} C(n,k) p^k (1-p)^{n-k},
 * which decreases in n (odd n) and is <= exp(-2 n (p - 1/2)^2) (Hoeffding).
 */
export interface VoteInstance {
  readonly p: number;
  readonly n: number;
}

/** p in (1/2, 1): round values and any double. */
export const pArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(0.5000001, 0.51, 0.6, 0.75, 0.9, 0.99, 0.999999) },
  { weight: 4, arbitrary: fc.double({ min: 0.5, max: 1, minExcluded: true, maxExcluded: true, noNaN: true }) },
);
/** Odd n = 2k + 1, k in [0, maxHalf]. */
export const oddArb = (maxHalf: number) => fc.integer({ min: 0, max: maxHalf }).map((k) => 2 * k + 1);

/** Small odd n for the exhaustive enumeration through the popcount vote (2^n patterns). */
export const smallDomain: fc.Arbitrary<VoteInstance> = fc.record({ p: pArb, n: oddArb(6) });
/** Odd n up to 1001 for the tail's shape. */
export const largeDomain: fc.Arbitrary<VoteInstance> = fc.record({ p: pArb, n: oddArb(500) });

/**
 * log of the tail sum_{k <= (n-1)/2} C(n,k) p^k q^{n-k} in log space (no underflow up to n = 1001):
 * l_0 = n log q, l_{k+1} = l_k + log((n-k)/(k+1)) + log(p/q), then log-sum-exp. Also returns A, the
 * sum of the magnitudes that enter the l_k (for the rounding bound), and K = (n-1)/2.
 */
export function logTail(p: number, n: number): { value: number; A: number; K: number } {
  const q = 1 - p;
  const lo = Math.log(p / q);
  const K = (n - 1) / 2;
  const l = new Float64Array(K + 1);
  l[0] = n * Math.log(q);
  let A = Math.abs(l[0]) + 2 * K + 2;
  for (let k = 0; k < K; k++) {
    const lr = Math.log((n - k) / (k + 1));
    A += Math.abs(lr) + Math.abs(lo);
    l[k + 1] = l[k] + lr + lo;
  }
  let M = -Infinity;
  for (let k = 0; k <= K; k++) M = Math.max(M, l[k]);
  let s = 0;
  for (let k = 0; k <= K; k++) s += Math.exp(l[k] - M);
  return { value: M + Math.log(s), A, K };
}

/**
 * Rounding of logTail, assuming Math.log and Math.exp within 1 ulp (relative 2u): each l_k is a sum of
 * <= 2K + 1 computed logs, each off by <= 2u |value| + u (the rounded argument), so
 * |err l_k| <= gamma_{4K+8} A; the log-sum-exp adds <= 2 |err l| + gamma_{K+4} (terms in (0, 1], sum >= 1).
 */
export const logTailError = (t: { A: number; K: number }) => 3 * gamma(4 * t.K + 8) * t.A + gamma(t.K + 4);

/** How the tolerance of the log-space comparisons is derived. */
export const LOG_TOL =
  'both sides are logs: each log tail is off by <= 3 gamma_{4K+8} A + gamma_{K+4} (K = (n-1)/2, A = |n log q| + sum |log((n-k)/(k+1))| + K |log(p/q)| + 2K + 2; ' +
  'Math.log / Math.exp assumed within 1 ulp); -2n(p - 1/2)^2 takes 2 roundings (p - 1/2 exact): tolerance = sum of the two sides\' bounds.';

/** The scale of a log-space comparison: max(1, |lhs|, |rhs|). */
export const scaleOf = (o: { lhs: number; rhs: number }) => Math.max(1, Math.abs(o.lhs), Math.abs(o.rhs));

