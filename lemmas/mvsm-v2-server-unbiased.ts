import fc from 'fast-check';
import { srProbability } from '../src/algorithms/distributed.ts';
import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { gamma } from '../src/core/numerics.ts';
import type { Outcome } from '../src/lemmas/types.ts';
import { DISCRETIZATION, messageProbability, scaleArb, unitArb } from './lib/distributed-common.ts';

/** n workers' momenta at one coordinate: v^j = q_j G, |q_j| <= 1. */
export interface ServerInstance {
  readonly G: number;
  readonly qs: number[];
}

const MAX_N = 64;
const domain: fc.Arbitrary<ServerInstance> = fc.record({ G: scaleArb, qs: fc.array(unitArb, { minLength: 1, maxLength: MAX_N }) });

/**
 * Distribution of the server's input a = (1/n) sum_j S_G(v^j) at one coordinate: the count c of +1
 * messages is Poisson-binomial with the workers' exact P(+1) (lemmas/lib/distributed-common.ts), and
 * a = (2c - n)/n as the engine computes it (popcount sum 2c - n, then / n).
 */
function serverInput(inst: ServerInstance): { pmf: Float64Array; a: Float64Array; target: number; absMean: number } {
  const n = inst.qs.length;
  let pmf = new Float64Array([1]);
  let sum = 0;
  let abs = 0;
  for (const q of inst.qs) {
    const v = q * inst.G;
    sum += v;
    abs += Math.abs(v);
    const p = messageProbability(srProbability('v', 'G'), { v, G: inst.G });
    const next = new Float64Array(pmf.length + 1);
    for (let c = 0; c < pmf.length; c++) {
      next[c] += pmf[c] * (1 - p);
      next[c + 1] += pmf[c] * p;
    }
    pmf = next;
  }
  const a = Float64Array.from({ length: n + 1 }, (_, c) => (2 * c - n) / n);
  return { pmf, a, target: sum / (n * inst.G), absMean: abs / (n * inst.G) };
}

/** E[m(a)] for a server message with P(+1 | a) = serverP(a), or the value m(a) itself (sign). */
function expectation(pmf: Float64Array, a: Float64Array, value: (a: number) => number): number {
  let e = 0;
  for (let c = 0; c < pmf.length; c++) e += pmf[c] * value(a[c]);
  return e;
}

/** E[S_1(a) | a] = 2 P(+1) - 1 with the algorithms' S_1 (R = 1). */
const s1Mean = (a: number) => 2 * messageProbability(srProbability('a', '1'), { a }) - 1;

const TOL_TEXT =
  'worker and server P(+1) are exact over the Philox words and within 2^-33 of their p (each p carries <= 3 roundings): E[a] is within ' +
  '2 (2^-33 + gamma_3) of (1/(nG)) sum v^j and E[S_1(a) | a] within 2 (2^-33 + gamma_3) of a; the Poisson-binomial recursion (nonnegative terms, ' +
  '1 - p exact) has relative error gamma_{2n}, the final sum gamma_{n+2}, the target sum gamma_{n+2} times (1/(nG)) sum |v^j|: ' +
  'tolerance = 4 (2^-33 + gamma_3) + gamma_{3n+8} (2 + (1/(nG)) sum_j |v^j|).';
const tolerance = (inst: ServerInstance, o: Outcome) => 4 * (DISCRETIZATION + gamma(3)) + gamma(3 * inst.qs.length + 8) * (2 + o.detail!.absMean);

/**
 * mvsm-v2-server-unbiased (P1 Alg. 2 v2, proof of Thm 5): the server's message S_1 of the mean of
 * the workers' S_G messages is unbiased for the mean momentum scaled by 1/G,
 * E[S_1((1/n) sum_j S_G(v^j))] = (1/(nG)) sum_j v^j (independent draws, ||v^j||_inf <= G).
 * Computed exactly: Poisson-binomial count of +1 messages, then the server's P(+1 | a).
 */
export const mvsmV2ServerUnbiased = exactLemma<ServerInstance>({
  id: 'mvsm-v2-server-unbiased',
  title: "MVSM v2's server message is unbiased",
  statement: String.raw`\mathbb{E}\Big[S_1\Big(\frac1n\sum_{j=1}^n S_G(v^j)\Big)\Big] = \frac{1}{nG}\sum_{j=1}^n v^j`,
  source: 'P1 (Jiang et al., arXiv 2507.12091) Algorithm 2 (v2) and the proof of Theorem 5 (App. D: E[S_1(...)] = (1/(nG)) sum v^j)',
  reading: 'Coordinate-wise; the message draws of different workers and of the server are independent (distinct Philox counters / keys).',
  assumptions: ['$|v^j_k| \\le G$ for every worker j', 'independent uniform draws (Philox model)'],
  families: [`one coordinate, n in [1, ${MAX_N}] workers, v^j = q_j G with q_j in [-1, 1] (corners weighted), G = 10^[-6, 6] or a double in [1e-3, 1e3]`],
  relation: '=',
  domain,
  check: (inst) => {
    const s = serverInput(inst);
    return { lhs: expectation(s.pmf, s.a, s1Mean), rhs: s.target, scale: Math.max(Math.abs(s.target), 1e-3), detail: { absMean: s.absMean, n: inst.qs.length } };
  },
  tolerance,
  toleranceDerivation: TOL_TEXT,
  expect: 'holds',
  runs: 300,
  tightWithin: 1e-6,
  notes: ['Margins are relative to max(|target|, 1e-3): the target is 0 when the momenta cancel.'],
});

/** Power check: MVSM v1's server message sign(mean) is biased. */
export const mvsmV1ServerBiased = variantOf(mvsmV2ServerUnbiased, {
  id: 'mvsm-v2-server-unbiased-v1-sign',
  title: "MVSM v1's server message sign(mean) in place of S_1 (biased)",
  statement: String.raw`\mathbb{E}\Big[\operatorname{sign}\Big(\frac1n\sum_j S_G(v^j)\Big)\Big] = \frac{1}{nG}\sum_j v^j\quad\text{(false)}`,
  change: 'server sends sign(a) (v1) instead of S_1(a) (v2)',
  check: (inst) => {
    const s = serverInput(inst);
    return { lhs: expectation(s.pmf, s.a, Math.sign), rhs: s.target, scale: Math.max(Math.abs(s.target), 1e-3), detail: { absMean: s.absMean, n: inst.qs.length } };
  },
});

/** Power check: the 1/G factor dropped. */
export const mvsmV2ServerNoG = variantOf(mvsmV2ServerUnbiased, {
  id: 'mvsm-v2-server-unbiased-no-1-over-G',
  title: "MVSM v2's server message as unbiased for the mean momentum itself (wrong scale)",
  statement: String.raw`\mathbb{E}\Big[S_1\Big(\frac1n\sum_j S_G(v^j)\Big)\Big] = \frac1n\sum_j v^j\quad\text{(false unless } G = 1\text{)}`,
  change: 'factor 1/G dropped',
  check: (inst) => {
    const s = serverInput(inst);
    return { lhs: expectation(s.pmf, s.a, s1Mean), rhs: s.target * inst.G, scale: Math.max(Math.abs(s.target), 1e-3), detail: { absMean: s.absMean * Math.max(1, inst.G), n: inst.qs.length } };
  },
});

