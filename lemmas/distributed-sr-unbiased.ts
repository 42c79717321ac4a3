import fc from 'fast-check';
import { algorithms } from '../src/algorithms/index.ts';
import { srExpression, srProbability, type DistributedAlgorithmDef } from '../src/algorithms/distributed.ts';
import type { AlgorithmDef } from '../src/algorithms/program.ts';
import { runCpu } from '../src/engine/cpu.ts';
import { exactLemma, statisticalLemma, variantOf } from '../src/lemmas/declare.ts';
import { gamma } from '../src/core/numerics.ts';
import type { Outcome } from '../src/lemmas/types.ts';
import { DISCRETIZATION, constantGradientProblem, hoeffdingHalfWidth, messageProbability, scaleArb, unitArb } from './distributed-common.ts';

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
  'the implementation\'s P(+1) is exact given the 2^32 equally likely Philox words (lemmas/distributed-common.ts) and differs from p = fl(fl(R+v)/fl(2R)) ' +
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

/** Statistical check through the engine: constant gradients v, Sto-signSGD with one worker. */
export interface SrEngineInstance {
  readonly G: number;
  readonly qs: number[];
  readonly seed: number;
}

const ENGINE_T = 1024;
const ENGINE_RUNS = 200;
const ENGINE_MAX_D = 4;
const ENGINE_ALARM = 1e-3;
/** Per coordinate and instance (Bonferroni over coordinates and the run's instances). */
const engineDelta = (runs: number) => ENGINE_ALARM / (runs * ENGINE_MAX_D);
const engineEps = (runs: number) => hoeffdingHalfWidth(ENGINE_T, engineDelta(runs));
const ENGINE_DELTA = engineDelta(ENGINE_RUNS);
const EPS = engineEps(ENGINE_RUNS);

const engineDomain: fc.Arbitrary<SrEngineInstance> = fc.record({
  G: scaleArb,
  qs: fc.array(unitArb, { minLength: 1, maxLength: ENGINE_MAX_D }),
  seed: fc.integer({ min: 0, max: 0xffffffff }),
});

/**
 * Runs `def` (one worker, lr = 1, exact constant gradient v = q G, T steps from x_0 = 0): the vote of
 * one message is the message, so -x_T / T is the mean of T independent draws of S_G(v).
 */
function engineOutcome(def: AlgorithmDef, inst: SrEngineInstance, runs: number): Outcome {
  const eps = engineEps(runs);
  const v = inst.qs.map((q) => q * inst.G);
  const problem = constantGradientProblem([v]);
  const res = runCpu({ algorithm: def, hyper: { lr: 1, G: inst.G }, problem, noise: null, T: ENGINE_T, workers: 1, replicas: 1, seed: inst.seed >>> 0 });
  let worst = 0;
  for (let i = 0; i < v.length; i++) {
    const mean = -res.finalX[i] / ENGINE_T;
    worst = Math.max(worst, Math.abs(mean - v[i] / inst.G));
  }
  // lower confidence limit of max_k |E S_G(v)_k - v_k/G| (simultaneous over k)
  return { lhs: worst - eps, rhs: 0, scale: eps, detail: { maxDeviation: worst, eps, T: ENGINE_T } };
}

const ENGINE_TOL =
  'x_T is a sum of T values in {-1, 0, +1} (exact integers); -x_T / T and |mean - v/G| carry 3 roundings each of magnitude <= 2: tolerance = 4 gamma_3.';

/**
 * S_R-unbiased through the engine: the registered Sto-signSGD with one worker sends S_G(v) each
 * step through the packed 1-bit path; over T = 1024 steps the mean message matches v/G within the
 * Hoeffding half-width at the declared false-alarm rate.
 */
export const srUnbiasedEngine = statisticalLemma<SrEngineInstance>({
  id: 'S_R-unbiased-engine',
  title: 'S_G messages of the engine average to v / G',
  statement: String.raw`\mathbb{E}\,S_G(v) = v / G\ \text{for the messages of the CPU engine (Sto-signSGD, one worker)}`,
  source: 'P1 Definition 1; run through src/algorithms/distributed.ts (sto-signsgd) on the CPU engine, packed path',
  assumptions: ['$\\|v\\|_\\infty \\le G$ (v = q G, |q| <= 1)', 'exact constant gradients (no oracle noise)'],
  families: [`constant gradients v in R^d, d <= ${ENGINE_MAX_D}, G = 10^[-6, 6] or a double in [1e-3, 1e3]; any u32 seed`],
  relation: '<=',
  domain: engineDomain,
  check: (inst, ctx) => engineOutcome(algorithms.get('sto-signsgd'), inst, ctx.runs),
  tolerance: () => 4 * gamma(3),
  toleranceDerivation: ENGINE_TOL,
  method:
    `T = ${ENGINE_T} steps (independent Philox draws per step) of Sto-signSGD with one worker, lr = 1, x_0 = 0: mean message = -x_T / T per coordinate; ` +
    `lhs = max_k |mean_k - v_k / G| - eps with eps = sqrt(2 ln(2/delta) / T) (Hoeffding, +-1 variables), delta = ${ENGINE_ALARM} / (runs x ${ENGINE_MAX_D} coordinates) (${ENGINE_DELTA.toExponential(2)} at the default ${ENGINE_RUNS} runs).`,
  falseAlarm: ENGINE_ALARM,
  detectableEffect: `a bias |E S_G(v)_k - v_k/G| > 2 eps = ${(2 * EPS).toFixed(3)} on some coordinate is flagged with probability >= 1 - delta (eps at ${ENGINE_RUNS} runs; it grows like sqrt(ln runs))`,
  expect: 'holds',
  runs: ENGINE_RUNS,
});

/** The Sto-signSGD program with S_{G/2} in place of S_G (the guard still checks ||g|| <= G). */
function clippedStoSign(): AlgorithmDef {
  const base = algorithms.get('sto-signsgd') as DistributedAlgorithmDef;
  return {
    ...base,
    id: 'sto-signsgd-clip-half',
    program: {
      ...base.program,
      ops: base.program.ops.map((op, k) =>
        k === 0 && op.op === 'map' ? { ...op, assign: op.assign.map(([t, e]) => (t === 'm' ? ([t, srExpression('g', '(0.5 * G)')] as const) : ([t, e] as const))) } : op,
      ),
    },
  };
}

let clipped: AlgorithmDef | undefined;

/** Power check through the engine: the messages of S_{G/2} (silently clipped) are refuted. */
export const srUnbiasedEngineClip = variantOf(srUnbiasedEngine, {
  id: 'S_R-unbiased-engine-clip-half',
  title: 'Engine messages of S_{G/2} on |v| <= G (biased)',
  statement: String.raw`\mathbb{E}\,S_{G/2}(v) = v / G\quad\text{(false)}`,
  change: 'the worker message uses R = G/2 (p clipped to [0, 1] for |v| > G/2)',
  check: (inst, ctx) => engineOutcome((clipped ??= clippedStoSign()), inst, ctx.runs),
});
