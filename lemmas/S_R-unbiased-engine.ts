import fc from 'fast-check';
import { algorithms } from '../src/algorithms/index.ts';
import { srExpression, type DistributedAlgorithmDef } from '../src/algorithms/distributed.ts';
import type { AlgorithmDef } from '../src/algorithms/program.ts';
import { runCpu } from '../src/engine/cpu.ts';
import { statisticalLemma, variantOf } from '../src/lemmas/declare.ts';
import { gamma } from '../src/core/numerics.ts';
import type { Outcome } from '../src/lemmas/types.ts';
import { constantGradientProblem, hoeffdingHalfWidth, scaleArb, unitArb } from './lib/distributed-common.ts';

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

