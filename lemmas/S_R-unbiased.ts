import fc from 'fast-check';
import { srProbability } from '../src/algorithms/distributed.ts';
import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { gamma } from '../src/core/numerics.ts';
import type { Outcome } from '../src/lemmas/types.ts';
import { DISCRETIZATION, messageProbability, scaleArb, unitArb } from './lib/distributed-common.ts';

/** S_R(v) at one coordinate: v = q R with |q| <= 1 (so |v| <= R exactly, rounding is monotone). */
export interface SrInstance {
  readonly R: number;
  readonly q: number;
}

const srDomain: fc.Arbitrary<SrInstance> = fc.record({ R: scaleArb, q: unitArb });

/** P(+1) of the algorithms' S_R (the expression of src/algorithms/distributed.ts) at v = q R. */
function implementationP(inst: SrInstance, Rused = inst.R): { p: number; v: number } {
  const v = inst.q * inst.R;
  return { p: messageProbability(srProbability('v', 'R'), { v, R: Rused }), v };
}

/** The formula (R + v)/(2R) of P1 Def. 1, evaluated in a different order: 1/2 + (v/R)/2. */
const formula = (v: number, R: number) => 0.5 + 0.5 * (v / R);

const TOL =
  'the implementation\'s P(+1) is exact given the 2^32 equally likely Philox words (lemmas/lib/distributed-common.ts) and differs from p = fl(fl(R+v)/fl(2R)) ' +
  'by at most 2^-33 (the uniform\'s grid); p and the formula 1/2 + (v/R)/2 carry at most 3 roundings each: tolerance = 2^-33 + gamma_3 (|lhs| + |rhs| + 1).';
const tolerance = (_i: SrInstance, o: Outcome) => DISCRETIZATION + gamma(3) * (Math.abs(o.lhs) + Math.abs(o.rhs) + 1);

/**
 * S_R-unbiased (P1 Def. 1): for ||v||_inf <= R, S_R(v)_k = +1 with probability (R + v_k)/(2R) and
 * -1 otherwise, so E S_R(v) = v / R and Var S_R(v)_k = 1 - (v_k/R)^2 (a +-1 variable with mean
 * v_k/R). Checked exactly on the algorithms' own expression: its P(+1) is computed in closed form
 * over the 2^32 Philox words.
 */
export const srUnbiased = exactLemma<SrInstance>({
  id: 'S_R-unbiased',
  title: 'The stochastic sign S_R is unbiased for v / R',
  statement: String.raw`\|v\|_\infty \le R:\quad \Pr\big(S_R(v)_k = 1\big) = \frac{R + v_k}{2R},\quad \mathbb{E}\,S_R(v) = \frac{v}{R},\quad \operatorname{Var} S_R(v)_k = 1 - \frac{v_k^2}{R^2}`,
  source: 'P1 (Jiang et al., arXiv 2507.12091) Definition 1 and the remark after it; Sun et al. (2023); Jin et al. (2021) sto-sign',
  reading: 'The expectation and variance follow from P(+1) for a +-1 variable (E = 2P - 1, E S^2 = 1), so the check compares P(+1); E and Var are reported in the detail.',
  assumptions: ['$|v_k| \\le R$ (larger |v_k| is bad input: the algorithms raise an error, see src/algorithms/distributed.ts)', 'Philox words uniform on $\\{0, ..., 2^{32}-1\\}$'],
  families: ['one coordinate: R = 10^[-6, 6] or any double in [1e-3, 1e3]; v = q R with q in [-1, 1] (corners 0, +-1, +-1/2, +-1e-12)'],
  relation: '=',
  domain: srDomain,
  check: (inst) => {
    const { p, v } = implementationP(inst);
    const E = 2 * p - 1;
    return { lhs: p, rhs: formula(v, inst.R), detail: { E, Var: 1 - E * E, vOverR: v / inst.R } };
  },
  tolerance,
  toleranceDerivation: TOL,
  expect: 'holds',
  runs: 300,
  tightWithin: 1e-6,
  notes: ['Equality up to the 2^-33 grid of the uniform; at v = +-R the message is deterministic (P = 1 or 0 exactly).'],
});

/** Power check: S_{R/2} applied to |v| <= R, i.e. what a silent clip at a too small bound does. */
export const srUnbiasedClipHalf = variantOf(srUnbiased, {
  id: 'S_R-unbiased-clip-half',
  title: 'S_R computed with R/2 (a silent clip beyond R/2; biased)',
  statement: String.raw`\Pr\big(S_{R/2}(v)_k = 1\big) = \frac{R + v_k}{2R}\ \text{for}\ |v_k| \le R\quad\text{(false)}`,
  change: 'the operator uses R/2: p = min(1, max(0, (R/2 + v)/R)), biased by v/(2R) and clipped beyond |v| > R/2',
  check: (inst) => {
    const { v } = implementationP(inst);
    const p = messageProbability(srProbability('v', 'R'), { v, R: inst.R / 2 });
    return { lhs: p, rhs: formula(v, inst.R) };
  },
});

/** Power check: the deterministic sign(v) in place of S_R. */
export const srUnbiasedSign = variantOf(srUnbiased, {
  id: 'S_R-unbiased-deterministic-sign',
  title: 'sign(v) in place of S_R (biased)',
  statement: String.raw`\Pr\big(\operatorname{sign}(v_k) = 1\big) = \frac{R + v_k}{2R}\quad\text{(false)}`,
  change: 'the message is sign(v): P(+1) = 1[v > 0]',
  check: (inst) => {
    const { v } = implementationP(inst);
    return { lhs: v > 0 ? 1 : 0, rhs: formula(v, inst.R) };
  },
});

