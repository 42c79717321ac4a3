import { SignChannel, popcount32 } from '../src/engine/bits.ts';
import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { gamma } from '../src/core/numerics.ts';
import type { Outcome } from '../src/lemmas/types.ts';
import { smallDomain, type VoteInstance } from './lib/majority-vote.ts';

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

