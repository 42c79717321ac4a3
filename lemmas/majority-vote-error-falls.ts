import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { largeDomain, logTail, logTailError, LOG_TOL, scaleOf, type VoteInstance } from './lib/majority-vote.ts';

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

