import fc from 'fast-check';
import { SignChannel, popcount32 } from '../src/engine/bits.ts';
import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { gamma } from '../src/core/numerics.ts';
import type { Outcome } from '../src/lemmas/types.ts';

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

const pArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(0.5000001, 0.51, 0.6, 0.75, 0.9, 0.99, 0.999999) },
  { weight: 4, arbitrary: fc.double({ min: 0.5, max: 1, minExcluded: true, maxExcluded: true, noNaN: true }) },
);
const oddArb = (maxHalf: number) => fc.integer({ min: 0, max: maxHalf }).map((k) => 2 * k + 1);

/** Small odd n for the exhaustive enumeration through the popcount vote (2^n patterns). */
const smallDomain: fc.Arbitrary<VoteInstance> = fc.record({ p: pArb, n: oddArb(6) });
/** Odd n up to 1001 for the tail's shape. */
const largeDomain: fc.Arbitrary<VoteInstance> = fc.record({ p: pArb, n: oddArb(500) });

/** p^k and (1-p)^k for k = 0..n by repeated multiplication (relative error gamma_k). */
function powers(x: number, n: number): Float64Array {
  const out = new Float64Array(n + 1);
  out[0] = 1;
  for (let k = 1; k <= n; k++) out[k] = out[k - 1] * x;
  return out;
}

/** C(n, k) for k = 0..n, exact integers (n <= 13 here). */
function binomials(n: number): number[] {
  const c = [1];
  for (let k = 1; k <= n; k++) c.push((c[k - 1] * (n - k + 1)) / k);
  return c;
}

/** The binomial tail sum_{k <= (n-1)/2} C(n,k) p^k (1-p)^{n-k}, directly (n <= 13). */
function tailDirect(p: number, n: number): number {
  const P = powers(p, n);
  const Q = powers(1 - p, n); // 1 - p exact (Sterbenz, p in [1/2, 1])
  const C = binomials(n);
  let s = 0;
  for (let k = 0; 2 * k < n; k++) s += C[k] * P[k] * Q[n - k];
  return s;
}

/**
 * P(vote wrong) by enumerating all 2^n patterns of right (+1) / wrong (-1) workers through the engine's
 * packed vote: coordinate k carries pattern k (worker j right iff bit j of k is set), one popcount
 * sum gives every pattern's vote, and the wrong votes (sum < 0) are weighted p^#right (1-p)^#wrong.
 */
function tailEnumerated(p: number, n: number): number {
  const d = 1 << n;
  const ch = new SignChannel(n, d);
  const row = new Float64Array(d);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < d; k++) row[k] = (k >>> j) & 1 ? 1 : -1;
    ch.encode(j, row, 0);
  }
  const sums = new Float64Array(d);
  ch.sums(sums);
  const P = powers(p, n);
  const Q = powers(1 - p, n);
  let s = 0;
  for (let k = 0; k < d; k++) {
    if (sums[k] < 0) {
      const right = popcount32(k);
      s += P[right] * Q[n - right];
    }
  }
  return s;
}

const ENUM_TOL =
  'powers by repeated multiplication (gamma_n), products of 3 factors (gamma_{n+2}); the formula sums <= 7 terms (gamma_{n+9}), the enumeration ' +
  '2^n <= 8192 terms (gamma_{2^n + n + 2}); all terms nonnegative: tolerance = (gamma_{n+9} + gamma_{2^n+n+2}) (lhs + rhs).';
const enumTol = (i: VoteInstance, o: Outcome) => (gamma(i.n + 9) + gamma((1 << i.n) + i.n + 2)) * (Math.abs(o.lhs) + Math.abs(o.rhs));

/**
 * majority-vote-error, exact part: the popcount majority vote of the CPU engine (src/engine/bits.ts)
 * is wrong with probability equal to the binomial tail, for odd n <= 13 (all 2^n patterns).
 */
export const majorityVoteError = exactLemma<VoteInstance>({
  id: 'majority-vote-error',
  title: 'Majority vote errs with the binomial tail probability',
  statement: String.raw`\Pr\Big(\operatorname{sign}\Big(\sum_{j=1}^n s_j\Big) \ne \operatorname{sign}(g)\Big) = \sum_{k=0}^{(n-1)/2} \binom{n}{k} p^k (1-p)^{n-k}\quad (n \text{ odd})`,
  source: 'Bernstein et al. (2018) Thm 2 and (2019) Thm 1 (majority vote error via the binomial tail); implementation: src/engine/bits.ts (popcount vote)',
  reading: 'Worker signs are i.i.d., each equal to sign(g) with probability p; with odd n no tie can occur.',
  assumptions: ['$s_j \\in \\{-1, +1\\}$ i.i.d. with $\\Pr(s_j = \\operatorname{sign} g) = p$', 'n odd'],
  families: ['p in (1/2, 1) (round values and any double), n odd in [1, 13]; the vote enumerates all 2^n patterns through SignChannel.sums'],
  relation: '=',
  domain: smallDomain,
  check: (inst) => ({ lhs: tailEnumerated(inst.p, inst.n), rhs: tailDirect(inst.p, inst.n), detail: { n: inst.n } }),
  tolerance: enumTol,
  toleranceDerivation: ENUM_TOL,
  expect: 'holds',
  runs: 200,
  tightWithin: 1e-6,
});

/** Power check: no gain from voting (the vote as wrong as one worker). */
export const majorityVoteNoGain = variantOf(majorityVoteError, {
  id: 'majority-vote-error-no-gain',
  title: 'Majority vote errs as often as one worker (wrong for n >= 3)',
  statement: String.raw`\Pr(\text{vote wrong}) = 1 - p\quad\text{(false for } n \ge 3)`,
  change: 'binomial tail replaced by the single-worker error 1 - p',
  check: (inst) => ({ lhs: tailEnumerated(inst.p, inst.n), rhs: 1 - inst.p, detail: { n: inst.n } }),
});

/**
 * log of the tail sum_{k <= (n-1)/2} C(n,k) p^k q^{n-k} in log space (no underflow up to n = 1001):
 * l_0 = n log q, l_{k+1} = l_k + log((n-k)/(k+1)) + log(p/q), then log-sum-exp. Also returns A, the
 * sum of the magnitudes that enter the l_k (for the rounding bound), and K = (n-1)/2.
 */
function logTail(p: number, n: number): { value: number; A: number; K: number } {
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
const logTailError = (t: { A: number; K: number }) => 3 * gamma(4 * t.K + 8) * t.A + gamma(t.K + 4);

const LOG_TOL =
  'both sides are logs: each log tail is off by <= 3 gamma_{4K+8} A + gamma_{K+4} (K = (n-1)/2, A = |n log q| + sum |log((n-k)/(k+1))| + K |log(p/q)| + 2K + 2; ' +
  'Math.log / Math.exp assumed within 1 ulp); -2n(p - 1/2)^2 takes 2 roundings (p - 1/2 exact): tolerance = sum of the two sides\' bounds.';

const scaleOf = (o: { lhs: number; rhs: number }) => Math.max(1, Math.abs(o.lhs), Math.abs(o.rhs));

/** majority-vote-error, monotone part: for odd n the error probability falls when two workers join. */
export const majorityVoteFalls = exactLemma<VoteInstance>({
  id: 'majority-vote-error-falls',
  title: 'Majority vote error falls with n (odd n)',
  statement: String.raw`p > \tfrac12:\quad \Pr\big(\mathrm{Bin}(n+2, p) \le \tfrac{n+1}{2}\big) \le \Pr\big(\mathrm{Bin}(n, p) \le \tfrac{n-1}{2}\big)\quad (n \text{ odd})`,
  source: 'Bernstein et al. (2018, 2019): the majority vote error decreases with the number of workers',
  assumptions: ['$p \\in (1/2, 1)$', 'n odd'],
  families: ['p in (1/2, 1) (round values and any double), n odd in [1, 1001]; compared in log space'],
  relation: '<=',
  domain: largeDomain,
  check: (inst) => {
    const a = logTail(inst.p, inst.n + 2);
    const b = logTail(inst.p, inst.n);
    const o = { lhs: a.value, rhs: b.value };
    return { ...o, scale: scaleOf(o), detail: { err: logTailError(a) + logTailError(b) } };
  },
  tolerance: (_i, o) => o.detail!.err,
  toleranceDerivation: LOG_TOL,
  expect: 'holds',
  runs: 200,
});

/** Power check: the reversed claim (the error grows with n). */
export const majorityVoteRises = variantOf(majorityVoteFalls, {
  id: 'majority-vote-error-rises',
  title: 'Majority vote error grows with n (wrong)',
  statement: String.raw`\Pr\big(\mathrm{Bin}(n, p) \le \tfrac{n-1}{2}\big) \le \Pr\big(\mathrm{Bin}(n+2, p) \le \tfrac{n+1}{2}\big)\quad\text{(false)}`,
  change: 'inequality reversed',
  check: (inst) => {
    const a = logTail(inst.p, inst.n);
    const b = logTail(inst.p, inst.n + 2);
    const o = { lhs: a.value, rhs: b.value };
    return { ...o, scale: scaleOf(o), detail: { err: logTailError(a) + logTailError(b) } };
  },
});

function hoeffding(inst: VoteInstance, c: number): Outcome {
  const t = logTail(inst.p, inst.n);
  const dlt = inst.p - 0.5;
  const rhs = -c * inst.n * (dlt * dlt);
  const o = { lhs: t.value, rhs };
  return { ...o, scale: scaleOf(o), detail: { err: logTailError(t) + gamma(2) * Math.abs(rhs), P: Math.exp(t.value) } };
}

/** majority-vote-error, Hoeffding part: P(vote wrong) <= exp(-2 n (p - 1/2)^2). */
export const majorityVoteHoeffding = exactLemma<VoteInstance>({
  id: 'majority-vote-error-hoeffding',
  title: 'Majority vote error is at most exp(-2n(p - 1/2)^2)',
  statement: String.raw`\Pr\big(\mathrm{Bin}(n, p) \le \tfrac{n-1}{2}\big) \le \exp\big(-2n(p - \tfrac12)^2\big)`,
  source: 'Hoeffding (1963) applied to the vote (THEORY.md majority-vote-error; B18 / B19 use the same tail)',
  assumptions: ['$p \\in (1/2, 1)$', 'n odd'],
  families: ['p in (1/2, 1) (round values and any double), n odd in [1, 1001]; compared in log space'],
  relation: '<=',
  domain: largeDomain,
  check: (inst) => hoeffding(inst, 2),
  tolerance: (_i, o) => o.detail!.err,
  toleranceDerivation: LOG_TOL,
  expect: 'holds',
  runs: 200,
});

/** Power check: twice Hoeffding's exponent (false for large n: the tail decays like exp(-n KL(1/2 || p)), KL < 4 (p - 1/2)^2). */
export const majorityVoteHoeffding4 = variantOf(majorityVoteHoeffding, {
  id: 'majority-vote-error-hoeffding-4',
  title: 'Majority vote error at most exp(-4n(p - 1/2)^2) (wrong)',
  statement: String.raw`\Pr\big(\mathrm{Bin}(n, p) \le \tfrac{n-1}{2}\big) \le \exp\big(-4n(p - \tfrac12)^2\big)\quad\text{(false)}`,
  change: 'exponent constant 2 replaced by 4',
  check: (inst) => hoeffding(inst, 4),
});
