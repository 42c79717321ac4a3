/**
 * Distributed sign methods with majority vote (parameter-server model), declared as step programs
 * plus what crosses the network: MV-SignSGD (B18), Signum with majority vote (B19), MVSM v1 / v2
 * (P1 Alg. 2), Sto-signSGD (Jin et al. 2021), MV-sto-signSGD-SIM (Sun et al. 2023, as P1 reads it),
 * and EF-SignSGD (Karimireddy et al. 2019), single-worker and distributed.
 *
 * Workers are the `worker` scope of the program (one row per worker; the CPU engine runs up to 2^16
 * workers). The stochastic gradient g of worker j is grad f_j(x_t) + sigma (.) xi_{t,j}: a
 * heterogeneous problem (src/problems/heterogeneous-quadratic.ts, or data shards) gives each worker
 * its own f_j, a homogeneous one gives every worker f.
 *
 * Beyond the step program, a {@link DistributedAlgorithmDef} declares:
 * - `communication`: the vectors sent up (worker -> server; the `from` of every aggregate op) and
 *   down (server -> every worker), with their encoding. `sign` messages travel as 1-bit packed words
 *   and are counted with popcount (src/engine/bits.ts); the engine refuses a declared sign message
 *   that holds anything but -1, 0, +1, and reports the exact wire bits next to the float32 cost.
 * - `guards`: P1 Def. 1 defines S_R(v) only for ||v||_inf <= R. A guard names the scalar that a
 *   row reduction fills with ||v||_inf and the bound R (a hyperparameter or a server scalar); the
 *   engine raises a UserInputError naming S_R and R when the bound is exceeded. Never a silent clip:
 *   with p = (R + v)/(2R) > 1 the compare-with-uniform form below would output +1 with probability 1.
 * - `syncs`: the running-max choice of R = G: after the reduction, R <- max(R, max_j ||v^j||_inf)
 *   (one float up per worker, one float down, counted in the bits).
 *
 * How G is chosen (the documented option of the issue): `<id>` takes G as a hyperparameter, a known
 * bound (P1 Asm. 8: sup ||grad f_j(x; xi)||_inf <= G, which also bounds the momentum average
 * v^j); exceeding it is bad input. `<id>-runmax` uses the running max instead: R_t =
 * max_{s <= t, j} ||v^j_s||_inf, shared by all workers. S_{R_t} stays unbiased given R_t
 * (E S_{R_t}(v) = v / R_t), but R_t is data-dependent, so P1's theorems (stated for a fixed G) do
 * not literally cover it.
 *
 * sign(0) = 0 everywhere (THEORY.md): a worker message sign(g_j) with an exact zero, or a tied vote
 * with even n, is a ternary message and costs 2 bits per coordinate on the wire (bits.ts).
 */
import type { AlgorithmDef, HyperSpec, MapOp, Op, Scope, StepProgram } from './program.ts';

/** Encoding of one message vector. */
export type MessageSpec =
  /** Entries in {-1, 0, +1}: packed 1 bit per coordinate (2 when an entry is 0). */
  | { readonly vector: string; readonly encoding: 'sign' }
  /** scale * s with s in {-1, 0, +1}: the packed signs plus one float for the scale. */
  | { readonly vector: string; readonly encoding: 'scaled-sign'; readonly scale: string }
  /** Arbitrary reals: 32 bits per coordinate. */
  | { readonly vector: string; readonly encoding: 'float' };

/** What crosses the network in one step. */
export interface CommunicationSpec {
  /** Worker vectors sent to the server (each aggregate op's `from` must be one of them). */
  readonly up: readonly MessageSpec[];
  /** Server vectors broadcast to every worker. */
  readonly down: readonly MessageSpec[];
  /** Extra 32-bit scalars each worker sends per step (e.g. its ||v||_inf for a running max). */
  readonly upScalars?: number;
  /** Extra 32-bit scalars the server broadcasts per step (e.g. the running max R). */
  readonly downScalars?: number;
}

/** The requirement ||v||_inf <= R of an operator S_R (P1 Def. 1), checked by the engine. */
export interface BoundGuard {
  /** Scalar filled by a `max` row reduction with ||v||_inf (worker or server scope). */
  readonly norm: string;
  /** The bound R: a hyperparameter or a server scalar. */
  readonly bound: string;
  /** Name of the bound in messages, e.g. "G" (the error reads "<algorithm>.G: ..."). */
  readonly parameter: string;
  /** The operator, e.g. "S_G". */
  readonly operator: string;
  /** What v is, in words, e.g. "the worker momentum v^j_t". */
  readonly what: string;
}

/** Running max over workers and steps: into <- max(into, max_j from_j), after `from` is reduced. */
export interface MaxSync {
  readonly from: string;
  readonly into: string;
}

/** An algorithm with its declared communication (and S_R guards). */
export interface DistributedAlgorithmDef extends AlgorithmDef {
  readonly communication: CommunicationSpec;
  readonly guards?: readonly BoundGuard[];
  readonly syncs?: readonly MaxSync[];
}

/** The distributed declaration of an algorithm, or null for plain ones. */
export function distributedPartOf(def: AlgorithmDef): DistributedAlgorithmDef | null {
  return 'communication' in def && (def as DistributedAlgorithmDef).communication ? (def as DistributedAlgorithmDef) : null;
}

/**
 * Checks the declaration against the program: message vectors exist with the right scope, every
 * aggregate reads a declared up message, scales are scalars of the message's scope, guards and
 * syncs name reduced scalars and valid bounds. Throws (a programming error in the declaration).
 */
export function checkDistributed(def: DistributedAlgorithmDef): void {
  const p = def.program;
  const vec = new Map<string, Scope>(p.vectors.map((v) => [v.name, v.scope]));
  const sc = new Map<string, Scope>(p.scalars.map((s) => [s.name, s.scope]));
  const fail = (what: string): never => {
    throw new Error(`${def.id}: ${what}`);
  };
  const checkMsg = (m: MessageSpec, scope: Scope) => {
    if (vec.get(m.vector) !== scope) fail(`message ${m.vector} must be a declared ${scope} vector`);
    if (m.encoding === 'scaled-sign' && sc.get(m.scale) !== scope) fail(`scale ${m.scale} of ${m.vector} must be a ${scope} scalar`);
  };
  for (const m of def.communication.up) checkMsg(m, 'worker');
  for (const m of def.communication.down) checkMsg(m, 'server');
  const upNames = new Set(def.communication.up.map((m) => m.vector));
  for (const op of p.ops) if (op.op === 'aggregate' && !upNames.has(op.from)) fail(`aggregate reads ${op.from}, which is not a declared up message`);
  const reduced = new Set(p.ops.flatMap((op) => (op.op === 'map' ? (op.reduce ?? []).filter((r) => r.kind === 'max').map((r) => r.into) : [])));
  for (const g of def.guards ?? []) {
    if (!reduced.has(g.norm)) fail(`guard norm ${g.norm} is not filled by a max reduction`);
    if (!p.params.includes(g.bound) && sc.get(g.bound) !== 'server') fail(`guard bound ${g.bound} is neither a parameter nor a server scalar`);
  }
  for (const s of def.syncs ?? []) {
    if (!reduced.has(s.from) || sc.get(s.from) !== 'worker') fail(`sync source ${s.from} is not a worker scalar filled by a max reduction`);
    if (sc.get(s.into) !== 'server') fail(`sync target ${s.into} is not a server scalar`);
  }
}

/**
 * P(S_R(v)_k = +1) = (R + v_k) / (2R) (P1 Def. 1) as an expression in the names `v`, `R`.
 * Shared by the algorithms and the S_R lemmas, so both evaluate the same float64 operations.
 */
export function srProbability(v: string, R: string): string {
  return `(${R} + ${v}) / (2 * ${R})`;
}

/**
 * S_R(v) in the step-program language: +1 when the uniform rand(slot) in (0, 1) falls below
 * p = (R + v)/(2R), else -1. Since u > 0 and u < 1, v = R gives +1 and v = -R gives -1 surely; the
 * output is never 0. Valid only for |v| <= R (see {@link BoundGuard}).
 */
export function srExpression(v: string, R: string, slot = 0): string {
  return `2 * pos(${srProbability(v, R)} - rand(${slot})) - 1`;
}

const LR: HyperSpec = { name: 'lr', rule: 'positive', doc: 'step size eta_t' };
const G_HYPER: HyperSpec = {
  name: 'G',
  rule: 'positive',
  doc: 'the bound R = G of S_G: must satisfy ||v||_inf <= G at every step (P1 Asm. 8); exceeding it is an error, never a clip',
};

/** P1's momentum with v_1 = g_1: v_t = (1 - beta) v_{t-1} + beta g_t. */
const MOMENTUM_P1 = 'first * g + (1 - first) * ((1 - beta) * v + beta * g)';

/** How R of S_R is chosen. */
export type ScaleChoice = 'bound' | 'running-max';

/**
 * Worker ops that send S_R(u) of the worker vector `u` (after `pre` assignments), with R = G (a
 * hyperparameter, guarded) or a running max (synced, then guarded as a consistency check).
 */
function srWorkerOps(pre: ReadonlyArray<readonly [string, string]>, u: string, choice: ScaleChoice): Op[] {
  if (choice === 'bound') {
    return [{ op: 'map', scope: 'worker', assign: [...pre, ['m', srExpression(u, 'G')]], reduce: [{ into: 'unorm', kind: 'max', expr: `abs(${u})` }] }];
  }
  // R = 0 only while every u is exactly 0; any R > 0 gives p = 1/2 there, so 1e-300 stands in
  return [
    { op: 'map', scope: 'worker', assign: [...pre], reduce: [{ into: 'unorm', kind: 'max', expr: `abs(${u})` }] },
    { op: 'map', scope: 'worker', assign: [['r', 'max(R, 1e-300)'], ['m', srExpression(u, 'r')]] },
  ];
}

function srExtras(choice: ScaleChoice, what: string): Pick<DistributedAlgorithmDef, 'guards' | 'syncs'> & { scalars: StepProgram['scalars']; params: string[] } {
  if (choice === 'bound') {
    return {
      guards: [{ norm: 'unorm', bound: 'G', parameter: 'G', operator: 'S_G', what }],
      scalars: [{ name: 'unorm', scope: 'worker', init: 0 }],
      params: ['G'],
    };
  }
  return {
    guards: [{ norm: 'unorm', bound: 'R', parameter: 'R', operator: 'S_R (running max R)', what }],
    syncs: [{ from: 'unorm', into: 'R' }],
    scalars: [
      { name: 'unorm', scope: 'worker', init: 0 },
      { name: 'R', scope: 'server', init: 0 },
    ],
    params: [],
  };
}

const RUNMAX_NOTE =
  ' R = running max of ||v^j_s||_inf over workers j and steps s <= t (one float up per worker, one down per step).';

/**
 * MV-SignSGD (Bernstein et al. 2018, Alg. 3 "signSGD with majority vote"): worker j sends
 * sign(g_j); the server broadcasts the majority vote sign(sum_j sign(g_j)); x <- x - lr vote.
 * 1 bit per coordinate each way (2 when a sign is 0: exact zero gradient, or a tie for even n).
 */
export const mvSignSgd: DistributedAlgorithmDef = {
  id: 'mv-signsgd',
  name: 'MV-SignSGD',
  summary: 'signSGD with majority vote: workers send sign(g_j), server sends sign of the sum',
  updateRule: 'x_{t+1} = x_t - \\eta_t\\, \\mathrm{sign}\\Big(\\sum_{j=1}^n \\mathrm{sign}(g^j_t)\\Big)',
  source: 'Bernstein, Wang, Azizzadenesheli, Anandkumar (2018), signSGD: compressed optimisation for non-convex problems, Alg. 3',
  distributed: true,
  hyper: [LR],
  example: { lr: 0.02 },
  program: {
    vectors: [
      { name: 'm', scope: 'worker' },
      { name: 's', scope: 'server' },
    ],
    scalars: [],
    params: ['lr'],
    ops: [
      { op: 'map', scope: 'worker', assign: [['m', 'sign(g)']] },
      { op: 'aggregate', from: 'm', to: 's', kind: 'vote' },
      { op: 'map', scope: 'server', assign: [['x', 'x - lr * s']] },
    ],
  },
  communication: { up: [{ vector: 'm', encoding: 'sign' }], down: [{ vector: 's', encoding: 'sign' }] },
};

/**
 * Signum with majority vote (Bernstein, Zhao, Azizzadenesheli, Anandkumar 2019, Alg. 1): worker
 * momentum v^j <- (1 - beta) v^j + beta g_j from v^j_0 = 0 (their momentum constant is 1 - beta;
 * default beta = 0.1 is their 0.9), worker sends sign(v^j), server broadcasts
 * sign(sum_j sign(v^j)), x <- x - lr vote. Weight decay (their lambda) is not included.
 * Unlike P1's convention, the momentum starts at 0, not at g_1.
 */
export const signumMv: DistributedAlgorithmDef = {
  id: 'signum-mv',
  name: 'Signum with majority vote',
  summary: 'worker momentum (from 0), workers send sign(v_j), server sends the majority vote',
  updateRule:
    'v^j_t = (1-\\beta) v^j_{t-1} + \\beta g^j_t,\\; v^j_0 = 0;\\quad x_{t+1} = x_t - \\eta_t\\, \\mathrm{sign}\\Big(\\sum_{j} \\mathrm{sign}(v^j_t)\\Big)',
  source: 'Bernstein, Zhao, Azizzadenesheli, Anandkumar (2019), signSGD with majority vote is communication efficient and fault tolerant, Alg. 1',
  distributed: true,
  hyper: [LR, { name: 'beta', rule: 'unit-open-closed', default: 0.1, doc: 'weight of the new gradient (their momentum constant = 1 - beta)' }],
  example: { lr: 0.02 },
  program: {
    vectors: [
      { name: 'v', scope: 'worker' },
      { name: 'm', scope: 'worker' },
      { name: 's', scope: 'server' },
    ],
    scalars: [],
    params: ['lr', 'beta'],
    ops: [
      { op: 'map', scope: 'worker', assign: [['v', '(1 - beta) * v + beta * g'], ['m', 'sign(v)']] },
      { op: 'aggregate', from: 'm', to: 's', kind: 'vote' },
      { op: 'map', scope: 'server', assign: [['x', 'x - lr * s']] },
    ],
  },
  communication: { up: [{ vector: 'm', encoding: 'sign' }], down: [{ vector: 's', encoding: 'sign' }] },
};

/** Options of {@link mvsm}. */
export interface MvsmOptions {
  readonly version: 1 | 2;
  readonly scale: ScaleChoice;
}

/**
 * MVSM (P1 = Jiang et al. 2025, arXiv 2507.12091, Alg. 2): on worker j,
 * v^j_t = (1 - beta) v^j_{t-1} + beta g^j_t (v^j_1 = g^j_1), send S_G(v^j_t) (P1 Def. 1);
 * the server sends (v1) sign((1/n) sum_j S_G(v^j_t)) = the majority vote of the ±1 messages,
 * or (v2) S_1((1/n) sum_j S_G(v^j_t)); every node updates x_{t+1} = x_t - lr * (server message).
 * 1 bit per coordinate up (S_G never outputs 0) and down (v2 never 0; v1 is 0 on a tie, even n).
 * Thm 3 (v1): beta = 1/2, eta = O(1/(d^{1/2} T^{1/2})); Thm 4 (v1): beta = 1/2, eta = O(n^{-1/2});
 * Thm 5 (v2): eta = O(min{1/(T^{1/2} d^{1/2}), 1/(T^{3/5} d^{1/5})}), beta = eta^{2/3} d^{1/3}.
 */
export function mvsm(o: MvsmOptions): DistributedAlgorithmDef {
  const ex = srExtras(o.scale, 'the worker momentum v^j_t');
  const worker = srWorkerOps([['v', MOMENTUM_P1]], 'v', o.scale);
  const server: Op[] =
    o.version === 1
      ? [
          { op: 'aggregate', from: 'm', to: 's', kind: 'vote' },
          { op: 'map', scope: 'server', assign: [['x', 'x - lr * s']] },
        ]
      : [
          { op: 'aggregate', from: 'm', to: 'a', kind: 'mean' },
          // |a| <= 1 always (a mean of +-1 values), so S_1 is within its domain by construction
          { op: 'map', scope: 'server', assign: [['s', srExpression('a', '1')]] } satisfies MapOp,
          { op: 'map', scope: 'server', assign: [['x', 'x - lr * s']] },
        ];
  const runmax = o.scale === 'running-max';
  const serverRule = o.version === 1 ? '\\mathrm{sign}\\Big(\\tfrac1n\\sum_j S_G(v^j_t)\\Big)' : 'S_1\\Big(\\tfrac1n\\sum_j S_G(v^j_t)\\Big)';
  return {
    id: `mvsm-v${o.version}${runmax ? '-runmax' : ''}`,
    name: `MVSM v${o.version}${runmax ? ' (running-max R)' : ''}`,
    summary: `majority vote signSGD with momentum v${o.version}: workers send S_G(v_j), server sends ${o.version === 1 ? 'sign(mean)' : 'S_1(mean)'}${runmax ? '; R = running max' : ''}`,
    updateRule: `v^j_t = (1-\\beta) v^j_{t-1} + \\beta g^j_t,\\; v^j_1 = g^j_1;\\quad x_{t+1} = x_t - \\eta_t\\, ${serverRule}${runmax ? ',\\; G := R_t = \\max_{s\\le t,\\,j} \\|v^j_s\\|_\\infty' : ''}`,
    source: `Jiang, Yu, Yang, Yang, Zhang (2025), arXiv 2507.12091 (P1), Algorithm 2 (v${o.version}), Definition 1${runmax ? `.${RUNMAX_NOTE}` : ''}`,
    distributed: true,
    hyper: [LR, { name: 'beta', rule: 'unit-open-closed', default: 0.5, doc: 'weight of the new gradient (Thms 3, 4: 1/2)' }, ...(runmax ? [] : [G_HYPER])],
    example: { lr: 0.02, beta: 0.3, ...(runmax ? {} : { G: 100 }) },
    program: {
      vectors: [
        { name: 'v', scope: 'worker' },
        { name: 'm', scope: 'worker' },
        ...(o.version === 2 ? [{ name: 'a', scope: 'server' as const }] : []),
        { name: 's', scope: 'server' },
      ],
      scalars: ex.scalars,
      params: ['lr', 'beta', ...ex.params],
      ops: [...worker, ...server],
    },
    communication: {
      up: [{ vector: 'm', encoding: 'sign' }],
      down: [{ vector: 's', encoding: 'sign' }],
      ...(runmax ? { upScalars: 1, downScalars: 1 } : {}),
    },
    guards: ex.guards,
    ...(ex.syncs ? { syncs: ex.syncs } : {}),
  };
}

/**
 * Sto-signSGD (Jin, Huang, He, Dai, Wu 2021, Stochastic-Sign SGD for federated learning with
 * theoretical guarantees): worker j sends the stochastic sign S_G(g_j) of its stochastic gradient
 * (their sto-sign compressor with bound b = G >= ||g_j||_inf), the server broadcasts the majority
 * vote sign(sum_j S_G(g_j)); x <- x - lr vote. No momentum. 1 bit each way (down: 2 on even-n ties).
 */
export function stoSignSgd(scale: ScaleChoice): DistributedAlgorithmDef {
  const ex = srExtras(scale, 'the worker stochastic gradient g^j_t');
  const runmax = scale === 'running-max';
  return {
    id: `sto-signsgd${runmax ? '-runmax' : ''}`,
    name: `Sto-signSGD${runmax ? ' (running-max R)' : ''}`,
    summary: `workers send the stochastic sign S_G(g_j), server sends the majority vote${runmax ? '; R = running max' : ''}`,
    updateRule: `x_{t+1} = x_t - \\eta_t\\, \\mathrm{sign}\\Big(\\sum_{j=1}^n S_G(g^j_t)\\Big)`,
    source: `Jin, Huang, He, Dai, Wu (2021), Stochastic-Sign SGD for federated learning with theoretical guarantees (sto-sign compressor); P1's baseline${runmax ? `.${RUNMAX_NOTE.replace('v^j_s', 'g^j_s')}` : ''}`,
    distributed: true,
    hyper: [LR, ...(runmax ? [] : [{ ...G_HYPER, doc: 'the bound b = G of the sto-sign compressor: ||g_j||_inf <= G at every step (error, never a clip)' }])],
    example: { lr: 0.02, ...(runmax ? {} : { G: 100 }) },
    program: {
      vectors: [
        { name: 'm', scope: 'worker' },
        { name: 's', scope: 'server' },
      ],
      scalars: ex.scalars,
      params: ['lr', ...ex.params],
      ops: [...srWorkerOps([], 'g', scale), { op: 'aggregate', from: 'm', to: 's', kind: 'vote' }, { op: 'map', scope: 'server', assign: [['x', 'x - lr * s']] }],
    },
    communication: {
      up: [{ vector: 'm', encoding: 'sign' }],
      down: [{ vector: 's', encoding: 'sign' }],
      ...(runmax ? { upScalars: 1, downScalars: 1 } : {}),
    },
    guards: ex.guards,
    ...(ex.syncs ? { syncs: ex.syncs } : {}),
  };
}

/**
 * MV-sto-signSGD-SIM (Sun, Wang, Li, Wang 2023, Momentum ensures convergence of signSGD under
 * weaker assumptions): majority vote over the stochastic signs S_G of worker momenta. P1 (Sec. 4.2)
 * states that MVSM v1 "is identical to MV-sto-signSGD-SIM (with a = 0)"; P1 does not define a and
 * Sun et al.'s text was not available here, so this entry runs MVSM v1's update rule and differs
 * from `mvsm-v1` only in its default schedule, the one behind Sun et al.'s O(d/T^{1/4} + d/n^{1/2})
 * rate as P1's Table 2 quotes it: beta = T^{-1/2} (and the user's lr, e.g. eta0 T^{-3/4}).
 */
export function mvStoSignSgdSim(scale: ScaleChoice): DistributedAlgorithmDef {
  const base = mvsm({ version: 1, scale });
  const runmax = scale === 'running-max';
  return {
    ...base,
    id: `mv-sto-signsgd-sim${runmax ? '-runmax' : ''}`,
    name: `MV-sto-signSGD-SIM${runmax ? ' (running-max R)' : ''}`,
    summary: `MVSM v1's update (P1: identical at a = 0) with Sun et al.'s schedule beta = T^-1/2${runmax ? '; R = running max' : ''}`,
    source: `Sun, Wang, Li, Wang (2023), Momentum ensures convergence of signSGD under weaker assumptions (ICML); update rule as read from P1 Sec. 4.2 (identical to MVSM v1 at a = 0)${runmax ? `.${RUNMAX_NOTE}` : ''}`,
    hyper: base.hyper.map((h) => (h.name === 'beta' ? { ...h, default: 'T^(-1/2)', doc: 'weight of the new gradient (default T^{-1/2}, the schedule of Sun et al.\'s rate)' } : h)),
    // beta keeps its schedule: the default is what distinguishes this entry from mvsm-v1
    example: { lr: 0.02, ...(runmax ? {} : { G: 100 }) },
  };
}

/**
 * EF-SignSGD (Karimireddy, Rebjock, Stich, Jaggi 2019, Alg. 1, "EF-SIGNSGD"), one node:
 * p_t = lr g_t + e_t, Delta_t = (||p_t||_1 / d) sign(p_t), x_{t+1} = x_t - Delta_t,
 * e_{t+1} = p_t - Delta_t (e_0 = 0). With n > 1 workers g is their mean gradient (one node with a
 * bigger batch); for the communicating version see {@link efSignSgdMv}.
 */
export const efSignSgd: AlgorithmDef = {
  id: 'ef-signsgd',
  name: 'EF-SignSGD',
  summary: 'scaled sign with error feedback: p = lr g + e, Delta = (||p||_1/d) sign(p), e = p - Delta',
  updateRule: 'p_t = \\eta_t g_t + e_t,\\; \\Delta_t = \\tfrac{\\|p_t\\|_1}{d}\\,\\mathrm{sign}(p_t),\\; x_{t+1} = x_t - \\Delta_t,\\; e_{t+1} = p_t - \\Delta_t',
  source: 'Karimireddy, Rebjock, Stich, Jaggi (2019), Error feedback fixes SignSGD and other gradient compression schemes, Alg. 1',
  distributed: false,
  hyper: [LR],
  example: { lr: 0.02 },
  program: {
    vectors: [
      { name: 'e', scope: 'server' },
      { name: 'p', scope: 'server' },
    ],
    scalars: [{ name: 'pn', scope: 'server', init: 0 }],
    params: ['lr'],
    ops: [
      { op: 'map', scope: 'server', assign: [['p', 'lr * g + e']], reduce: [{ into: 'pn', kind: 'sum', expr: 'abs(p)' }] },
      { op: 'map', scope: 'server', assign: [['delta', 'pn / d * sign(p)'], ['x', 'x - delta'], ['e', 'p - delta']] },
    ],
  },
};

/**
 * Distributed EF-SignSGD: every worker runs Karimireddy et al.'s compressor with its own error
 * e^j (p^j = lr g^j + e^j, Delta^j = (||p^j||_1/d) sign(p^j), e^j <- p^j - Delta^j) and sends
 * Delta^j (d sign bits + one float); the server averages, compresses the average the same way with
 * its own error e (q = (1/n) sum_j Delta^j + e, Delta = (||q||_1/d) sign(q), e <- q - Delta) and
 * broadcasts Delta (d sign bits + one float): x <- x - Delta. The server-side error feedback is the
 * double-compression scheme of Zheng, Huang, Kwok (2019, dist-EF-SGD), so both directions stay
 * 1-bit.
 */
export const efSignSgdMv: DistributedAlgorithmDef = {
  id: 'ef-signsgd-mv',
  name: 'EF-SignSGD (distributed)',
  summary: 'workers and server both compress to (||p||_1/d) sign(p) with error feedback',
  updateRule:
    'p^j_t = \\eta_t g^j_t + e^j_t,\\; \\Delta^j_t = \\tfrac{\\|p^j_t\\|_1}{d}\\mathrm{sign}(p^j_t),\\; e^j_{t+1} = p^j_t - \\Delta^j_t;\\; q_t = \\tfrac1n\\sum_j \\Delta^j_t + e_t,\\; \\Delta_t = \\tfrac{\\|q_t\\|_1}{d}\\mathrm{sign}(q_t),\\; e_{t+1} = q_t - \\Delta_t,\\; x_{t+1} = x_t - \\Delta_t',
  source: 'Karimireddy, Rebjock, Stich, Jaggi (2019), Alg. 1, on every worker; server-side error feedback as in Zheng, Huang, Kwok (2019), dist-EF-SGD',
  distributed: true,
  hyper: [LR],
  example: { lr: 0.02 },
  program: {
    vectors: [
      { name: 'e', scope: 'worker' },
      { name: 'p', scope: 'worker' },
      { name: 'delta', scope: 'worker' },
      { name: 'a', scope: 'server' },
      { name: 'q', scope: 'server' },
      { name: 'es', scope: 'server' },
      { name: 's', scope: 'server' },
    ],
    scalars: [
      { name: 'pn', scope: 'worker', init: 0 },
      { name: 'sc', scope: 'worker', init: 0 },
      { name: 'qn', scope: 'server', init: 0 },
      { name: 'ss', scope: 'server', init: 0 },
    ],
    params: ['lr'],
    ops: [
      { op: 'map', scope: 'worker', assign: [['p', 'lr * g + e']], reduce: [{ into: 'pn', kind: 'sum', expr: 'abs(p)' }] },
      { op: 'scalar', scope: 'worker', assign: [['sc', 'pn / d']] },
      { op: 'map', scope: 'worker', assign: [['delta', 'sc * sign(p)'], ['e', 'p - delta']] },
      { op: 'aggregate', from: 'delta', to: 'a', kind: 'mean' },
      { op: 'map', scope: 'server', assign: [['q', 'a + es']], reduce: [{ into: 'qn', kind: 'sum', expr: 'abs(q)' }] },
      { op: 'scalar', scope: 'server', assign: [['ss', 'qn / d']] },
      { op: 'map', scope: 'server', assign: [['s', 'ss * sign(q)'], ['es', 'q - s']] },
      { op: 'map', scope: 'server', assign: [['x', 'x - s']] },
    ],
  },
  communication: {
    up: [{ vector: 'delta', encoding: 'scaled-sign', scale: 'sc' }],
    down: [{ vector: 's', encoding: 'scaled-sign', scale: 'ss' }],
  },
};

/** MVSM v1 with a known bound G (P1 Alg. 2, v1). */
export const mvsmV1 = mvsm({ version: 1, scale: 'bound' });
/** MVSM v2 with a known bound G (P1 Alg. 2, v2). */
export const mvsmV2 = mvsm({ version: 2, scale: 'bound' });

/** Every distributed-family algorithm of this module, in registration order. */
export const distributedAlgorithms: readonly AlgorithmDef[] = [
  mvSignSgd,
  signumMv,
  mvsmV1,
  mvsmV2,
  stoSignSgd('bound'),
  mvStoSignSgdSim('bound'),
  efSignSgd,
  efSignSgdMv,
  mvsm({ version: 1, scale: 'running-max' }),
  mvsm({ version: 2, scale: 'running-max' }),
  stoSignSgd('running-max'),
  mvStoSignSgdSim('running-max'),
];

for (const def of distributedAlgorithms) {
  const dist = distributedPartOf(def);
  if (dist) checkDistributed(dist);
}
