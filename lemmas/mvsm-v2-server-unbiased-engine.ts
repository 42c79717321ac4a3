import fc from 'fast-check';
import { algorithms } from '../src/algorithms/index.ts';
import type { AlgorithmDef } from '../src/algorithms/program.ts';
import { runCpu } from '../src/engine/cpu.ts';
import { statisticalLemma, variantOf } from '../src/lemmas/declare.ts';
import { gamma } from '../src/core/numerics.ts';
import type { Outcome } from '../src/lemmas/types.ts';
import { constantGradientProblem, hoeffdingHalfWidth, scaleArb, unitArb } from './lib/distributed-common.ts';

/** Statistical check through the engine: n workers with constant momenta (beta = 1). */
export interface ServerEngineInstance {
  readonly G: number;
  /** rows[j][k] = q: worker j's v_k = q G. */
  readonly rows: number[][];
  readonly seed: number;
}

const T = 1024;
const RUNS = 200;
const MAX_D = 3;
const MAX_WORKERS = 4;
const ALARM = 1e-3;
const deltaFor = (runs: number) => ALARM / (runs * MAX_D);
const epsFor = (runs: number) => hoeffdingHalfWidth(T, deltaFor(runs));
const DELTA = deltaFor(RUNS);
const EPS = epsFor(RUNS);

const engineDomain: fc.Arbitrary<ServerEngineInstance> = fc
  .record({ G: scaleArb, n: fc.integer({ min: 1, max: MAX_WORKERS }), d: fc.integer({ min: 1, max: MAX_D }), seed: fc.integer({ min: 0, max: 0xffffffff }) })
  .chain(({ G, n, d, seed }) => fc.record({ G: fc.constant(G), rows: fc.array(fc.array(unitArb, { minLength: d, maxLength: d }), { minLength: n, maxLength: n }), seed: fc.constant(seed) }));

function engineOutcome(id: string, inst: ServerEngineInstance, runs: number): Outcome {
  const eps = epsFor(runs);
  const n = inst.rows.length;
  const d = inst.rows[0].length;
  const v = inst.rows.map((r) => r.map((q) => q * inst.G));
  const res = runCpu({ algorithm: algorithms.get(id) as AlgorithmDef, hyper: { lr: 1, beta: 1, G: inst.G }, problem: constantGradientProblem(v), noise: null, T, workers: n, replicas: 1, seed: inst.seed >>> 0 });
  let worst = 0;
  for (let k = 0; k < d; k++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += v[j][k];
    worst = Math.max(worst, Math.abs(-res.finalX[k] / T - s / (n * inst.G)));
  }
  return { lhs: worst - eps, rhs: 0, scale: eps, detail: { maxDeviation: worst, eps, T } };
}

/**
 * mvsm-v2-server-unbiased through the engine: the registered MVSM v2 (beta = 1 so v^j = g^j, constant
 * gradients, lr = 1, x_0 = 0) sends S_G messages up through the packed words, the popcount mean, and
 * S_1 down; the mean of T = 1024 server messages matches (1/(nG)) sum_j v^j within Hoeffding's
 * half-width.
 */
export const mvsmV2ServerEngine = statisticalLemma<ServerEngineInstance>({
  id: 'mvsm-v2-server-unbiased-engine',
  title: "MVSM v2's server messages on the engine average to (1/(nG)) sum v^j",
  statement: String.raw`\mathbb{E}[s_t] = \frac{1}{nG}\sum_j v^j\ \text{for the server messages } s_t \text{ of the CPU engine (mvsm-v2)}`,
  source: 'P1 Algorithm 2 (v2); run through src/algorithms/distributed.ts (mvsm-v2) on the CPU engine, packed path',
  assumptions: ['$\\|v^j\\|_\\infty \\le G$', 'beta = 1 (v^j = g^j), exact constant gradients'],
  families: [`n in [1, ${MAX_WORKERS}] workers, d in [1, ${MAX_D}], v^j_k = q G with q in [-1, 1], G = 10^[-6, 6] or a double in [1e-3, 1e3], any u32 seed`],
  relation: '<=',
  domain: engineDomain,
  check: (inst, ctx) => engineOutcome('mvsm-v2', inst, ctx.runs),
  tolerance: () => 4 * gamma(MAX_WORKERS + 4),
  toleranceDerivation: 'x_T is a sum of T values in {-1, +1} (exact); the target sums n <= 4 terms and divides once, the deviation takes 3 more roundings (values <= 2): 4 gamma_8.',
  method:
    `T = ${T} steps of mvsm-v2 (lr = 1, beta = 1, x_0 = 0), mean server message -x_T / T per coordinate; lhs = max_k |mean_k - target_k| - eps, ` +
    `eps = sqrt(2 ln(2/delta)/T) (Hoeffding, +-1 variables), delta = ${ALARM} / (runs x ${MAX_D} coordinates) (${DELTA.toExponential(2)} at the default ${RUNS} runs).`,
  falseAlarm: ALARM,
  detectableEffect: `a bias > 2 eps = ${(2 * EPS).toFixed(3)} on some coordinate is flagged with probability >= 1 - delta (eps at ${RUNS} runs; it grows like sqrt(ln runs))`,
  expect: 'holds',
  runs: RUNS,
});

/** Power check through the engine: MVSM v1's server messages (majority vote) are biased for the same target. */
export const mvsmV1ServerEngine = variantOf(mvsmV2ServerEngine, {
  id: 'mvsm-v2-server-unbiased-engine-v1',
  title: "MVSM v1's server messages (majority vote) on the engine (biased)",
  statement: String.raw`\mathbb{E}\Big[\operatorname{sign}\Big(\sum_j S_G(v^j)\Big)\Big] = \frac{1}{nG}\sum_j v^j\quad\text{(false)}`,
  change: 'mvsm-v1 (server sends the majority vote) instead of mvsm-v2',
  check: (inst, ctx) => engineOutcome('mvsm-v1', inst, ctx.runs),
});

