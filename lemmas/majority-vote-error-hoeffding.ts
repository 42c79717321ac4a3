import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { gamma } from '../src/core/numerics.ts';
import type { Outcome } from '../src/lemmas/types.ts';
import { largeDomain, logTail, logTailError, LOG_TOL, scaleOf, type VoteInstance } from './lib/majority-vote.ts';

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

