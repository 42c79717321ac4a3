import { gradientPassKind } from './gradients/index.ts';
import { F32_MAX, F32_MIN_NORMAL, isFloat32Normal } from './guards.ts';
import { freeVariables, toWgsl, usesRand, wgslFloat, WGSL_EXPR_PRELUDE, type Expr } from '../algorithms/expr.ts';
import { distributedPartOf, type MessageSpec } from '../algorithms/distributed.ts';
import { checkProgram, type AlgorithmDef, type CheckedProgram, type Scope } from '../algorithms/program.ts';
import { lowerProgram, type PlannedMap, type PlannedScalar, type Reads, type StepPlan } from '../engine/plan/lower.ts';
import type { NameRef } from '../engine/plan/resolve.ts';
import type { Problem } from '../problems/types.ts';
import type { BindingKind } from './compute.ts';
import { Purpose } from '../rng/streams.ts';
import { NOISE_PRELUDE_WGSL, type WgslNoise } from './noise.wgsl.ts';
import { PHILOX_WGSL } from './philox.wgsl.ts';

/**
 * WGSL generation for the GPU engine, from the same step program (src/algorithms/program.ts) the
 * CPU engine compiles to JavaScript. Two plans:
 *
 * FUSED (programs made only of server-scope map ops without reductions: sgd, sgd-momentum,
 * signsgd, minibatch-signsgd, signum, ...): ONE kernel per step. 2-D dispatch, x = coordinate
 * quads, y = replicas; thread (q, r) owns coordinates 4q..4q+3 of replica r and at step t
 *   1. loads x and the program's state vectors as vec4 (one 16-byte load each);
 *   2. forms the exact gradient g^e = diag (.) (x - c) and its metric contributions |g^e|,
 *      (g^e)^2 and diag (x - c)^2 (f - f(c) = 1/2 sum diag (x - c)^2), masked past d;
 *   3. forms the stochastic gradient in the CPU engine's order of operations:
 *        g = (1/n) sum_{j<n} ( g^e + (sigma (.) sum_{b<B} xi_{t,j,b}) / B )   (n = 1: no 1/n),
 *      xi from Philox4x32-10 with key (seed, Purpose.noise) and counter (block, t, j | b << 16, r),
 *      block = q for 4 samples per call, blocks 2q and 2q + 1 for 2 (src/rng/streams.ts);
 *   4. runs the map statements on each of the four coordinates (`toWgsl` of the parsed
 *      expressions), `rand(k)` from the compress stream (counter (i, t, 0, r), key (seed,
 *      Purpose.compress + op index)), and stores the written vectors;
 *   5. reduces the metric contributions over the workgroup's x extent (shared-memory tree) and
 *      writes one vec4 partial per (step slot, replica, workgroup).
 *
 * GENERAL (server-scope programs with row reductions, scalar ops, `fx`, oracle ops or an output
 * vector: EF-SignSGD, ALIAS, ...): several kernels per step, in program order: `grad` (metrics at
 * the output point, g stored, the f(x_t) partials when `fx` is read), `fxfin` (fx per replica),
 * then per op a map kernel (+ `fin` finishing its row reductions into scalars: sums by tree,
 * max propagating NaN as the CPU engine does), a scalar kernel (one thread per replica) or an
 * oracle kernel (the gradient at another point with the same draws: the noise is recomputed from
 * the same Philox counters, bit for bit the noise of g).
 *
 * Both plans end with the REDUCE kernel (one workgroup of 64 threads per replica), run after a
 * group of K steps: for each step of the group it sums the partials, then thread 0 applies the CPU
 * engine's bookkeeping: divergence (non-finite ||g||_1, ||g||_2, or f at a checkpoint), checkpoint
 * values, compensated (two-sum) sums of ||g||_1 and ||g||_2 over t < T, the tau-th gradient norm,
 * and (fused plan) the frozen-coordinate count of the last step. Replicas whose divergence is
 * recorded are not updated any more.
 *
 * DISTRIBUTED (worker-scope programs: MV-SignSGD, Signum-MV, MVSM v1/v2, Sto-signSGD,
 * MV-sto-signSGD-SIM, EF-SignSGD MV and the running-max variants): state replicas x workers x d,
 * per-worker oracle, 1-bit packed messages with a popcount vote, S_R guards and running-max syncs on
 * the device, the communication record; see generateDistributed below. What stays refused, and
 * why, is listed by {@link gpuSupport}.
 */

/** Words of the per-step record, in order; `p_<name>` hyperparameters follow. */
export const RECORD_HEADER = ['t', 'update', 'batch', 'slot', 'cp', 'rfirst', 'rcount', 'last', 'first', 'T', 'd', 'n'] as const;
/** Bytes between consecutive step records (a multiple of every device's storage offset alignment, <= 256 by spec). */
export const RECORD_STRIDE = 256;
/** Bytes of one replica's status record (see STATUS struct). */
export const STATUS_BYTES = 32;
/** Threads per workgroup of the step kernels. */
export const STEP_THREADS = 256;
/** Threads per workgroup of the per-replica kernels (reduce, finishing reductions, scalar ops). */
export const REDUCE_THREADS = 64;
/** Bytes of the Chunk uniform. */
export const CHUNK_BYTES = 64;
/** Bytes of the reduce kernel's Run uniform. */
export const RUN_BYTES = 32;

/** The plan a supported run uses. */
export type GpuPlan = 'fused' | 'general' | 'distributed';

/** Whether (and how) a run can use the WebGPU engine; `reasons` says why not. */
export interface GpuSupport {
  readonly supported: boolean;
  readonly plan: GpuPlan | null;
  readonly reasons: readonly string[];
}

/** Problem facts the generator needs. */
export interface ProblemShape {
  readonly id: string;
  readonly separable: boolean;
  readonly heterogeneous: boolean;
  /** Heterogeneous problems: whether every f_j is a separable quadratic (`separableQuadraticWorkers`). */
  readonly workerQuadratics?: boolean;
  /**
   * Problems without a separable quadratic: whether a standalone gradient pass exists
   * (src/gpu/gradients: rotated-quadratic, logistic regression, sum-cosh, exp-sum, quartic-sum), and
   * if not, why (from gradientPassKind).
   */
  readonly gradientPass?: boolean;
  readonly gradientReason?: string;
}

/** The {@link ProblemShape} of a problem (what gpuSupport needs to know about it). */
export function problemShapeOf(problem: Pick<Problem, 'id' | 'd' | 'workers' | 'constants' | 'separableQuadratic' | 'separableQuadraticWorkers' | 'separableCoefficients'>): ProblemShape {
  const sqw = problem.separableQuadraticWorkers !== undefined;
  // a one-worker heterogeneous quadratic is the separable quadratic of its only worker
  const separable = problem.separableQuadratic !== undefined || (sqw && problem.workers === 1);
  const pass = separable ? null : gradientPassKind(problem);
  return {
    id: problem.id,
    separable,
    heterogeneous: problem.workers > 1,
    workerQuadratics: sqw,
    ...(pass ? { gradientPass: pass.kind !== null, ...(pass.kind === null ? { gradientReason: pass.reason } : {}) } : {}),
  };
}

/**
 * What keeps an algorithm / problem pair off the WebGPU engine: homogeneous non-separable problems
 * without a gradient pass (src/gpu/gradients); heterogeneous problems without per-worker separable
 * quadratics (sharded-logistic: per-worker gradient passes are not generated); oracle ops or an
 * output vector in a worker-scope program; literals outside float32's normal range (except the
 * float32 forms of guards.ts: {@link f32GuardLiterals}). Everything else runs: fused when the
 * program allows, general for other server-scope programs, distributed for worker-scope programs
 * (aggregates, S_R guards and running-max syncs included), on separable quadratics, heterogeneous
 * quadratics (server-scope programs average the per-worker gradients) and problems with a gradient
 * pass (the distributed plan dispatches it once per replica and step; every worker adds its noise).
 */
export function gpuSupport(def: AlgorithmDef, problem: ProblemShape): GpuSupport {
  const reasons: string[] = [];
  const p = def.program;
  const checked = checkProgram(def.id, p);
  if (checked.workerOps) {
    if (p.ops.some((o) => o.op === 'oracle')) reasons.push(`${def.id} has an oracle op in a worker-scope program (per-worker second oracle calls are not generated for WebGPU)`);
    if (p.output !== undefined) reasons.push(`${def.id} declares an output vector in a worker-scope program (not generated for WebGPU)`);
  }
  if (problem.heterogeneous) {
    if (!problem.workerQuadratics) reasons.push(`problem ${problem.id} is heterogeneous without per-worker separable-quadratic gradients (separableQuadraticWorkers; per-worker gradient passes are not generated)`);
  } else if (!problem.separable) {
    if (!problem.gradientPass) reasons.push(`problem ${problem.id} has no separable-quadratic gradient and no gradient pass (${problem.gradientReason ?? 'src/gpu/gradients covers rotated-quadratic, logistic regression, sum-cosh, exp-sum, quartic-sum'})`);
  }
  const bad = new Map<number, string[]>();
  // division guards max(a, c) with 0 < c < 2^-126 have a float32 form (f32GuardLiterals, guards.ts)
  for (const [src, e] of checked.parsed) for (const v of literals(f32GuardLiterals(e))) if (!isFloat32Normal(v)) bad.set(v, [...(bad.get(v) ?? []), src]);
  for (const [v, srcs] of bad) {
    const why = Math.abs(v) > F32_MAX ? 'it overflows to infinity' : `it rounds to 0 or a subnormal, so a guard such as max(s, ${v}) divides by zero`;
    reasons.push(`${def.id} uses the literal ${v}, which is not a float32 number (${why}), in ${srcs.length} expression(s), e.g. "${srcs[0]}"`);
  }
  if (reasons.length) return { supported: false, plan: null, reasons };
  return { supported: true, plan: checked.workerOps ? 'distributed' : isFusable(checked) ? 'fused' : 'general', reasons };
}

export { F32_MAX, F32_MIN_NORMAL, isFloat32Normal };

function literals(e: Expr, into: number[] = []): number[] {
  switch (e.kind) {
    case 'num':
      into.push(e.value);
      break;
    case 'neg':
      literals(e.arg, into);
      break;
    case 'bin':
      literals(e.left, into);
      literals(e.right, into);
      break;
    case 'call':
      if (e.fn !== 'rand') for (const a of e.args) literals(a, into);
      break;
    default:
      break;
  }
  return into;
}

/** Server-scope maps without reductions, no fx, no output vector: one kernel per step. */
function isFusable(checked: CheckedProgram): boolean {
  const p = checked.program;
  return !checked.workerOps && !checked.readsFx && p.output === undefined && p.ops.every((o) => o.op === 'map' && o.scope === 'server' && !(o.reduce?.length ?? 0));
}

/** Everything that shapes the generated WGSL (a pipeline per distinct value). */
export interface StepKernelConfig {
  readonly def: AlgorithmDef;
  /** Names of all hyperparameters (record fields p_<name>), in record order. */
  readonly hyperNames: readonly string[];
  readonly noise: WgslNoise | null;
  readonly sigma: 'scalar' | 'vector';
  /** Workers averaged in the server gradient (homogeneous problem). */
  readonly workers: number;
  /** Workgroup extent over quads (power of two) and over replicas; wx * wy = STEP_THREADS. */
  readonly wx: number;
  readonly wy: number;
  /** Distributed plan: aggregate packed sign messages by popcount (default true) or the float rows. */
  readonly packed?: boolean;
  /**
   * Single-node plans on a problem with a gradient pass (src/gpu/gradients): the exact gradient is
   * read from the state vector `gexact` that the pass writes before the step kernel, and f(x) from
   * its `partials` (P) f partials per replica, which the pass writes into rpart after the reduction
   * slots ({@link gradientFpartBase}).
   */
  readonly gradientPass?: { readonly partials: number } | null;
  /**
   * Single-node plans on a heterogeneous quadratic (`separableQuadraticWorkers`): the server gradient
   * is the mean over workers of diag (.) (x - c^j) + worker j's noise, c^j read from the binding
   * `wcen` (n x ceil(d/4) vec4, after the state vectors); the metrics stay at the mean center.
   */
  readonly workerCenters?: boolean;
}

/** Name of the state vector the gradient pass writes (the exact gradient at x, or at an oracle's point; not a program name). */
export const GRADIENT_VECTOR = 'gexact';
/** General plan with an output vector: the exact gradient at the output point (a second pass). */
export const GRADIENT_OUT_VECTOR = 'gexactout';

/**
 * Float index in rpart where a gradient pass's f partials (R x P) start: after the reduction slots
 * (at least one), rounded up to 64 floats (the 256-byte storage offset alignment); region 1 (the
 * pass at an output vector) follows region 0 (the pass at x or an oracle point), aligned the same way.
 */
export function gradientFpartBase(reductionSlots: number, R: number, nwg: number, P = 0, region = 0, rowsPerReplica = 1): number {
  return Math.ceil((Math.max(1, reductionSlots) * R * rowsPerReplica * nwg) / 64) * 64 + region * Math.ceil((R * P) / 64) * 64;
}

/**
 * WGSL: sc_fsum(r, k0, region) = sum of the pass's f partials k0, k0 + nwg, ... (< P) of replica r.
 * `rows`: reduction-slot rows (ch.R; the distributed plan's slots hold ch.R * ch.nw rows).
 */
function fsumFunction(slots: number, P: number | string, rows = 'ch.R'): string {
  const pw = typeof P === 'number' ? `${P}u` : P;
  return `fn sc_fsum(r: u32, k0: u32, region: u32) -> f32 {
  let base = ((${Math.max(1, slots)}u * ${rows} * ch.nwg + 63u) / 64u) * 64u + region * (((ch.R * ${pw} + 63u) / 64u) * 64u) + r * ${pw};
  var s = 0.0;
  for (var k = k0; k < ${pw}; k = k + ch.nwg) {
    s = s + rpart[base + k];
  }
  return s;
}
`;
}

/** Bindings of the step kernels (vectors follow from `firstVector` in the order of `vectors`). */
export interface KernelBindings {
  readonly record: 0;
  readonly chunk: 1;
  readonly status: 2;
  readonly partials: 3;
  readonly prob: 4;
  readonly sigma: 5;
  /** General plan only: per-replica scalars (R x nScalars) and reduction partials. */
  readonly scalars: 6 | null;
  readonly reductionPartials: 7 | null;
  readonly firstVector: number;
}

/** One kernel of the general plan's step sequence. */
export interface GeneralKernel {
  /**
   * `grid`: 2-D over (quads, replicas) per chunk; `worker-grid`: over (quads, replicas x workers) per
   * chunk; `word-grid` / `worker-word-grid`: a thread per (replica [x worker] row, 32-coordinate
   * word) of a chunk, 64 threads per workgroup; `block-word-grid`: a thread per (replica, word,
   * block of 32 workers); `replica-group` / `worker-group`: a workgroup of 64 per replica
   * [per (replica, worker)]; `replica-thread` / `worker-thread`: a thread per replica [per (replica, worker)].
   */
  readonly dispatch: 'grid' | 'worker-grid' | 'word-grid' | 'worker-word-grid' | 'block-word-grid' | 'replica-group' | 'worker-group' | 'replica-thread' | 'worker-thread' | 'gradient';
  /** WGSL entry point ('' for `gradient`: the engine dispatches the gradient pass's own kernels). */
  readonly entry: string;
  /** `gradient`: the vector the pass reads as x, the vector it writes, and its f-partials region ({@link gradientFpartBase}). */
  readonly at?: string;
  readonly into?: string;
  readonly fregion?: number;
  /** Only when the step updates (t < T). */
  readonly onlyUpdate: boolean;
}

/** The generated WGSL and what the engine needs to bind and dispatch it. */
export interface StepKernel {
  readonly plan: GpuPlan;
  /** One module with every entry point of the plan ('step' for fused). */
  readonly wgsl: string;
  /** Stored state vectors in binding order: 'x' first (general plan: then 'g'), then the program's vectors the ops touch. */
  readonly vectors: readonly string[];
  /** The vectors the kernels write back each step. */
  readonly written: readonly string[];
  readonly bindings: KernelBindings;
  /** General plan: kernels in dispatch order within a step (fused plan: just 'step'). */
  readonly sequence: readonly GeneralKernel[];
  /** General plan: names of the per-replica scalars in buffer order (fx last), with initial values. */
  readonly scalars: readonly { readonly name: string; readonly init: number }[];
  /** General plan: reduction slots (slot 0: fx partials). */
  readonly reductionSlots: number;
  /** The vector metrics and finalX are taken at ('x' unless the program declares an output). */
  readonly output: string;
  /**
   * Our count of memory traffic per coordinate and step: float32 vector loads + stores over all
   * kernels, and reads of the shared (diag, center) pair (8 bytes, shared by the replicas).
   */
  readonly traffic: { readonly vectorAccesses: number; readonly probReads: number };
  /**
   * State buffers in binding order from `bindings.firstVector`: each holds `vectors` as planes of
   * rows x quads vec4 (rows = chunk replicas x rowsPerReplica). Fused and general plans: one buffer
   * per vector; distributed plan: one buffer for the server vectors, one for the worker vectors.
   */
  readonly stateBuffers: readonly StateBuffer[];
  /** Binding kinds of the bindings from firstVector on (state buffers, then plan extras). */
  readonly extraBindings: readonly BindingKind[];
  /** Distributed plan: messages, guards and buffer sizes (null otherwise). */
  readonly dist: DistPlan | null;
}

/** One state buffer: vectors stored as consecutive planes. */
export interface StateBuffer {
  readonly label: string;
  readonly vectors: readonly string[];
  /** 1 for server vectors, n for worker vectors. */
  readonly rowsPerReplica: number;
}

/** A message the distributed plan encodes each step. */
export interface DistMessage {
  readonly op: number;
  readonly vector: string;
  readonly spec: MessageSpec;
  readonly direction: 'up' | 'down';
  /** Rows per replica (n up, 1 down) and the offset of its rows in the packed words and flags (units of R rows). */
  readonly rows: number;
  readonly rowOffset: number;
  /** The same as WGSL expressions of the uniform ch.nw = n (one pipeline serves every n). */
  readonly rowsExpr: string;
  readonly offsetExpr: string;
}

/** What the host needs to size, read back and account a distributed run. */
export interface DistPlan {
  readonly n: number;
  /** Messages encoded per step (sign and scaled-sign: packed; float: counted only). */
  readonly messages: readonly DistMessage[];
  /** Rows (units of R) of the packed-word and flag regions. */
  readonly messageRows: number;
  /** Guards in declaration order, with the scope of their norm. */
  readonly guards: ReadonlyArray<{ readonly parameter: string; readonly operator: string; readonly what: string; readonly scope: Scope }>;
  /** u32 words per (slot, replica) of the per-step record and per replica of the accumulators. */
  readonly slotWords: number;
  readonly accWords: number;
  /** Whether the algorithm declares its communication (bits are reported). */
  readonly communication: boolean;
  /** Whether aggregates read the packed words (popcount vote) or the float rows. */
  readonly packed: boolean;
  /** Whether a popcount vote needs the count region (R x 32 ceil(d/32) words after the step records). */
  readonly voteCounts: boolean;
  /** Server and worker scalars (server region R x nServer, then worker region R x n x nWorker). */
  readonly serverScalars: readonly { readonly name: string; readonly init: number }[];
  readonly workerScalars: readonly { readonly name: string; readonly init: number }[];
}

const COMPONENTS = ['x', 'y', 'z', 'w'] as const;
const BUILTINS: Record<string, string> = { t: 'f32(rec.t)', first: 'rec.first', T: 'rec.T', d: 'rec.d', n: 'rec.n' };

/** The record struct shared by all kernels. */
function recordStruct(hyperNames: readonly string[]): string {
  const fields = [
    't: u32', 'update: u32', 'batch: u32', 'slot: u32', 'cp: i32', 'rfirst: u32', 'rcount: u32', 'last: u32',
    'first: f32', 'T: f32', 'd: f32', 'n: f32',
    ...hyperNames.map((h) => `p_${h}: f32`),
  ];
  if (fields.length * 4 > RECORD_STRIDE) throw new Error(`too many hyperparameters for one step record (${hyperNames.length})`);
  return `struct StepRec {\n  ${fields.join(',\n  ')},\n}\n`;
}

const STATUS_STRUCT = `struct Status { s1: vec2<f32>, s2: vec2<f32>, tauG1: f32, div: i32, frozen: u32, pad: u32 }\n`;
// fc: f(c) (general plan: fx = fc + 1/2 sum diag (x - c)^2)
// nw: workers (distributed plan; a uniform so that one pipeline serves every n), hetero: 1 when
// every worker has its own center (heterogeneous quadratics)
// slots: step records per reduce group (K; the distributed plan's vote counts follow them)
// gpass: distributed plan, the gradient pass's f partials per replica (0: no pass, diag (x - c^j))
const CHUNK_STRUCT = `struct Chunk { r0: u32, q0: u32, rows: u32, quads: u32, wgx0: u32, nwg: u32, R: u32, D: u32, seed: u32, sigma: f32, fc: f32, gpass: u32, nw: u32, hetero: u32, slots: u32, pad3: u32 }\n`;

/** Shared WGSL helpers: finite/NaN tests on the bits, NaN-propagating max, rand words. */
const HELPERS = `
fn sc_isnan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}
// max as the CPU engine reduces: a NaN anywhere gives NaN
fn sc_maxnan(a: f32, b: f32) -> f32 {
  if (sc_isnan(a)) { return a; }
  if (sc_isnan(b)) { return b; }
  return max(a, b);
}
// -infinity (not a const: WGSL const-expressions must be finite)
fn sc_neg_inf() -> f32 {
  let bits = 0xff800000u;
  return bitcast<f32>(bits);
}
var<private> sc_rw: vec4<u32>;
// rand(k): word k of this coordinate's compress-stream Philox call, as a uniform in (0, 1)
fn sc_rand(k: f32) -> f32 {
  return sc_unit(sc_rw[u32(k)]);
}
`;

/** Parsed-expression lookup that never re-parses; guard literals below float32's range are widened (see {@link f32GuardLiterals}). */
function exprOf(checked: CheckedProgram, src: string): Expr {
  const e = checked.parsed.get(src);
  if (!e) throw new Error(`expression not parsed by checkProgram: ${src}`);
  let r = rewritten.get(e);
  if (!r) {
    r = f32GuardLiterals(e);
    rewritten.set(e, r);
  }
  return r;
}
const rewritten = new WeakMap<Expr, Expr>();

/**
 * The float32 form of a division guard: in `max(a, c)` (either argument order) with a literal
 * 0 < c < 2^-126, c becomes 2^-126, the smallest normal float32. Such a literal only keeps a
 * denominator away from 0 (the programs write max(R, 1e-300)); in float32 it would round to 0 or a
 * subnormal (which GPUs may flush to 0) and the guard would divide by zero. The result is the same
 * as float64's for every a that is 0 or a normal float32 (max(a, c) = a for a >= 2^-126, and for
 * a = 0 the guarded quantity is 0 or a ratio of two such guards, e.g. (R + 0) / (2 R) = 1/2); it
 * differs only for 0 < a < 2^-126, which float32 cannot hold as a normal number anyway.
 */
export function f32GuardLiterals(e: Expr): Expr {
  switch (e.kind) {
    case 'neg':
      return { kind: 'neg', arg: f32GuardLiterals(e.arg) };
    case 'bin':
      return { kind: 'bin', op: e.op, left: f32GuardLiterals(e.left), right: f32GuardLiterals(e.right) };
    case 'call': {
      const args = e.args.map((a): Expr => (e.fn === 'max' && a.kind === 'num' && a.value > 0 && a.value < F32_MIN_NORMAL ? ({ kind: 'num', value: F32_MIN_NORMAL, text: String(F32_MIN_NORMAL) } satisfies Expr) : f32GuardLiterals(a)));
      return { ...e, args };
    }
    default:
      return e;
  }
}

/**
 * The stochastic-gradient function: noisy(ge, q, qg, r) in the CPU engine's order of operations.
 * With per-worker centers ({@link StepKernelConfig.workerCenters}): noisyc(p, diag, q, qg, r) =
 * (1/n) sum_j (diag (.) (p - c^j) + sigma (.) (1/B) sum_b xi_{t, j|b<<16, r}), each term divided by n
 * and added in worker order (runCpu's server gradient on a heterogeneous problem).
 */
function noisyFunction(cfg: StepKernelConfig): string {
  const n = cfg.workers;
  const noise = cfg.noise;
  const sig = cfg.sigma === 'vector' ? 'sigv[q]' : 'ch.sigma';
  if (cfg.workerCenters) {
    const lanes = noise
      ? `    var zs = noise_quad(qg, rec.t, j, r, key);
    for (var b = 1u; b < rec.batch; b = b + 1u) {
      zs = zs + noise_quad(qg, rec.t, j | (b << 16u), r, key);
    }
    let gw = ge + (${sig} * zs) * invB;`
      : '    let gw = ge;';
    return `${noise ? noiseQuadFunction(noise) : ''}fn noisyc(p: vec4<f32>, diag: vec4<f32>, q: u32, qg: u32, r: u32) -> vec4<f32> {
  let key = vec2<u32>(ch.seed, ${Purpose.noise}u);
  let invB = 1.0 / f32(rec.batch);
  let dq = (ch.D + 3u) / 4u;
  var g = vec4<f32>(0.0);
  for (var j = 0u; j < ${n}u; j = j + 1u) {
    let ge = diag * (p - wcen[j * dq + qg]);
${lanes}
    g = g + gw / ${wgslFloat(n)};
  }
  return g;
}
`;
  }
  if (!noise) {
    return n === 1
      ? 'fn noisy(ge: vec4<f32>, q: u32, qg: u32, r: u32) -> vec4<f32> { return ge; }\n'
      : `fn noisy(ge: vec4<f32>, q: u32, qg: u32, r: u32) -> vec4<f32> {
  var g = vec4<f32>(0.0);
  for (var j = 0u; j < ${n}u; j = j + 1u) { g = g + ge / ${wgslFloat(n)}; }
  return g;
}\n`;
  }
  const quad = noiseQuadFunction(noise);
  const worker = (j: string) => `    var zs = noise_quad(qg, rec.t, ${j}, r, key);
    for (var b = 1u; b < rec.batch; b = b + 1u) {
      zs = zs + noise_quad(qg, rec.t, ${j} | (b << 16u), r, key);
    }
    let gw = ge + (${sig} * zs) * invB;`;
  return `${quad}fn noisy(ge: vec4<f32>, q: u32, qg: u32, r: u32) -> vec4<f32> {
  let key = vec2<u32>(ch.seed, ${Purpose.noise}u);
  let invB = 1.0 / f32(rec.batch);
${
  n === 1
    ? `  {\n${worker('0u')}\n    return gw;\n  }`
    : `  var g = vec4<f32>(0.0);\n  for (var j = 0u; j < ${n}u; j = j + 1u) {\n${worker('j')}\n    g = g + gw / ${wgslFloat(n)};\n  }\n  return g;`
}
}
`;
}

/** noise_quad(qg, t, lane, r, key): the 4 noise samples of coordinate quad qg from the Philox stream. */
function noiseQuadFunction(noise: WgslNoise): string {
  return noise.samplesPerCall === 4
      ? `fn noise_quad(qg: u32, t: u32, lane: u32, r: u32, key: vec2<u32>) -> vec4<f32> {
  return noise_from_words(philox4x32_10(vec4<u32>(qg, t, lane, r), key));
}\n`
      : `fn noise_quad(qg: u32, t: u32, lane: u32, r: u32, key: vec2<u32>) -> vec4<f32> {
  let a = noise_from_words(philox4x32_10(vec4<u32>(2u * qg, t, lane, r), key));
  let b = noise_from_words(philox4x32_10(vec4<u32>(2u * qg + 1u, t, lane, r), key));
  return vec4<f32>(a.x, a.y, b.x, b.y);
}\n`;
}

interface ProgramInfo {
  readonly plan: StepPlan;
  readonly checked: CheckedProgram;
  /** Declared vectors the ops touch (read, write, oracle at/into, output). */
  readonly used: ReadonlySet<string>;
  readonly written: ReadonlySet<string>;
}

function programInfo(def: AlgorithmDef): ProgramInfo {
  const plan = lowerProgram(def.id, def.program);
  return { plan, checked: plan.checked, used: plan.usedVectors, written: plan.writtenVectors };
}

/**
 * The WGSL that reads a name as the plan resolved it (src/engine/plan/resolve.ts): locals `l_<name>`,
 * vectors through `vector`, declared scalars through `scalar`, builtins from the step record (fx, a
 * per-replica value, through `scalar`), hyperparameters `rec.p_<name>` (others through `scalar`,
 * which throws for names it does not hold).
 */
function wgslRead(ref: NameRef, hyper: ReadonlySet<string>, vector: (name: string) => string, scalar: (name: string) => string): string {
  switch (ref.kind) {
    case 'local':
      return `l_${ref.name}`;
    case 'vector':
      return vector(ref.name);
    case 'scalar':
      return scalar(ref.name);
    case 'builtin':
      return Object.hasOwn(BUILTINS, ref.name) ? BUILTINS[ref.name] : scalar(ref.name);
    case 'hyper':
      return hyper.has(ref.name) ? `rec.p_${ref.name}` : scalar(ref.name);
  }
}

/** A name reader for one resolved expression (throws on a name the plan did not resolve). */
function reader(reads: Reads, read: (ref: NameRef) => string): (name: string) => string {
  return (name) => {
    const ref = reads.get(name);
    if (!ref) throw new Error(`unresolved name ${name}`);
    return read(ref);
  };
}

/**
 * Emits map ops scalarised over the four coordinates of a quad. `scalar(name)` is how a scalar
 * reads (a literal in the fused plan, a per-replica value in the general plan). Row reductions
 * accumulate into `red_<k>` (f32, declared by the caller) with the identity outside 0..d-1.
 */
function emitMaps(
  ops: readonly PlannedMap[],
  info: ProgramInfo,
  hyper: ReadonlySet<string>,
  scalar: (name: string) => string,
  reductionVar: (opIndex: number, k: number) => string,
  lane = '0u',
): string[] {
  const { checked } = info;
  const lines: string[] = [];
  for (const c of COMPONENTS) {
    const ci = COMPONENTS.indexOf(c);
    lines.push(`    { // coordinate 4q + ${ci}`);
    for (const op of ops) {
      const index = op.index;
      lines.push(`      { // op ${index}`);
      if (op.random) lines.push(`        sc_rw = philox4x32_10(vec4<u32>(qg * 4u + ${ci}u, rec.t, ${lane}, r), vec2<u32>(ch.seed, ${(Purpose.compress + index) >>> 0}u));`);
      const read = (ref: NameRef) => wgslRead(ref, hyper, (v) => `v_${v}.${c}`, scalar);
      for (const a of op.assign) {
        const rhs = toWgsl(exprOf(checked, a.source), reader(a.reads, read));
        if (a.into.kind === 'vector') lines.push(`        v_${a.target}.${c} = ${rhs};`);
        else if (!a.into.declares) lines.push(`        l_${a.target} = ${rhs};`);
        else lines.push(`        var l_${a.target}: f32 = ${rhs};`);
      }
      op.reduce.forEach((r, k) => {
        const acc = reductionVar(index, k);
        const rhs = toWgsl(exprOf(checked, r.source), reader(r.reads, read));
        lines.push(
          r.kind === 'sum'
            ? `        ${acc} = ${acc} + select(0.0, ${rhs}, valid.${c});`
            : `        ${acc} = sc_maxnan(${acc}, select(sc_neg_inf(), ${rhs}, valid.${c}));`,
        );
      });
      lines.push('      }');
    }
    lines.push('    }');
  }
  return lines;
}

/** Module-level declarations common to every step kernel. */
function moduleHeader(cfg: StepKernelConfig, vectors: readonly string[], general: boolean): string {
  const vecBindings = vectors.map((v, i) => `@group(0) @binding(${8 + i}) var<storage, read_write> vec_${v}: array<vec4<f32>>;`);
  return `${PHILOX_WGSL}
${NOISE_PRELUDE_WGSL}
${cfg.noise ? cfg.noise.wgsl : ''}
${WGSL_EXPR_PRELUDE}
${HELPERS}
${recordStruct(cfg.hyperNames)}${STATUS_STRUCT}${CHUNK_STRUCT}struct Prob { diag: vec4<f32>, center: vec4<f32> }

@group(0) @binding(0) var<storage, read> rec: StepRec;
@group(0) @binding(1) var<uniform> ch: Chunk;
@group(0) @binding(2) var<storage, read> status: array<Status>;
@group(0) @binding(3) var<storage, read_write> partials: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> prob: array<Prob>;
@group(0) @binding(5) var<storage, read> sigv: array<vec4<f32>>; // per-coordinate sigma (a 16-byte dummy for scalar sigma)
${general ? '@group(0) @binding(6) var<storage, read_write> scal: array<f32>;\n' : ''}${general || cfg.gradientPass ? '@group(0) @binding(7) var<storage, read_write> rpart: array<f32>;' : ''}
${vecBindings.join('\n')}
${cfg.workerCenters ? `// per-worker centers of a heterogeneous quadratic, n x ceil(d/4)\n@group(0) @binding(${8 + vectors.length}) var<storage, read> wcen: array<vec4<f32>>;\n` : ''}
const WX: u32 = ${cfg.wx}u;
const WY: u32 = ${cfg.wy}u;
var<workgroup> red: array<vec4<f32>, ${cfg.wx * cfg.wy}>;
var<workgroup> reds: array<f32, ${cfg.wx * cfg.wy}>;
${noisyFunction(cfg)}`;
}

/** The grid prologue: thread coordinates and masks (inside the kernel body). */
const GRID_PROLOGUE = `  let q = wid.x * WX + lid.x;
  let rl = wid.y * WY + lid.y;
  let li = lid.y * WX + lid.x;
  let inRange = q < ch.quads && rl < ch.rows;
  let r = ch.r0 + rl;
  let qg = ch.q0 + q;
  let idx = rl * ch.quads + q;
  let valid = (vec4<u32>(qg * 4u) + vec4<u32>(0u, 1u, 2u, 3u)) < vec4<u32>(ch.D);
  let zero = vec4<f32>(0.0);
  let one = vec4<f32>(1.0);`;

/** Workgroup tree over x of red[] (vec4), then thread x = 0 writes the metric partial (and w via `w`). */
function metricTree(writeW: string | null): string {
  return `  red[li] = acc;
  for (var s = WX / 2u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lid.x < s) {
      red[li] = red[li] + red[li + s];
    }
  }
  if (lid.x == 0u && rl < ch.rows) {
    partials[(rec.slot * ch.R + r) * ch.nwg + ch.wgx0 + wid.x] = red[li];
${writeW ? `    ${writeW}\n` : ''}  }`;
}

/** Workgroup tree of one scalar reduction through reds[] (sum or NaN-propagating max), written to rpart. */
function scalarTree(acc: string, kind: 'sum' | 'max', slot: number): string {
  const combine = kind === 'sum' ? 'reds[li] + reds[li + s]' : 'sc_maxnan(reds[li], reds[li + s])';
  return `  workgroupBarrier();
  reds[li] = ${acc};
  for (var s = WX / 2u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lid.x < s) {
      reds[li] = ${combine};
    }
  }
  if (lid.x == 0u && rl < ch.rows) {
    rpart[(${slot}u * ch.R + r) * ch.nwg + ch.wgx0 + wid.x] = reds[li];
  }`;
}

const GRID_SIGNATURE = (entry: string, wx: number, wy: number) =>
  `@compute @workgroup_size(${wx}, ${wy})\nfn ${entry}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {`;

/**
 * Generates the step kernel(s) for a supported program (see the module comment); `plan` decides
 * fused or general. Throws for programs gpuSupport() rejects.
 */
export function generateStepKernel(cfg: StepKernelConfig): StepKernel {
  const { def, wx, wy } = cfg;
  if (wx * wy !== STEP_THREADS || (wx & (wx - 1)) !== 0) throw new Error(`bad workgroup shape ${wx} x ${wy}`);
  const info = programInfo(def);
  if (info.checked.workerOps) return generateDistributed(cfg, info);
  return isFusable(info.checked) ? generateFused(cfg, info) : generateGeneral(cfg, info);
}

function generateFused(cfg: StepKernelConfig, info: ProgramInfo): StepKernel {
  const { def, wx, wy } = cfg;
  const prog = def.program;
  const scalarInit = new Map(prog.scalars.map((s) => [s.name, s.init]));
  const hyper = new Set(cfg.hyperNames);
  const gp = cfg.gradientPass ?? null;
  const vectors = ['x', ...(gp ? [GRADIENT_VECTOR] : []), ...prog.vectors.map((v) => v.name).filter((n) => info.used.has(n))];
  const maps = info.plan.ops as PlannedMap[];
  const body = emitMaps(maps, info, hyper, (v) => {
    if (scalarInit.has(v)) return wgslFloat(scalarInit.get(v)!);
    throw new Error(`${def.id}: unresolved name ${v} in the WGSL program`);
  }, () => {
    throw new Error('no reductions in the fused plan');
  });
  const loads = vectors.filter((v) => v !== 'x' && v !== GRADIENT_VECTOR).map((v) => `      var v_${v} = vec_${v}[idx];`);
  const written = vectors.filter((v) => info.written.has(v));
  const stores = written.map((v) => `      vec_${v}[idx] = v_${v};`);
  const wgsl = `// signcheck fused step kernel: ${def.id} (${def.name}); noise ${cfg.noise ? `${cfg.noise.samplesPerCall}/call` : 'none'}, sigma ${cfg.sigma}, n = ${cfg.workers}
${moduleHeader(cfg, vectors, false)}
${GRID_SIGNATURE('step', wx, wy)}
${GRID_PROLOGUE}
  var acc = vec4<f32>(0.0);
  if (inRange) {
${
  gp
    ? `    var v_x = vec_x[idx];
    let x_old = v_x;
    let ge = vec_${GRADIENT_VECTOR}[idx];
    acc.x = dot(select(zero, abs(ge), valid), one);
    acc.y = dot(select(zero, ge * ge, valid), one);
    if (lid.x == 0u) {
      acc.z = 2.0 * sc_fsum(r, ch.wgx0 + wid.x, 0u);
    }`
    : `    let pr = prob[q];
    var v_x = vec_x[idx];
    let x_old = v_x;
    let dx = v_x - pr.center;
    let ge = pr.diag * dx;
    acc.x = dot(select(zero, abs(ge), valid), one);
    acc.y = dot(select(zero, ge * ge, valid), one);
    acc.z = dot(select(zero, ge * dx, valid), one);`
}
    if (rec.update != 0u && status[r].div < 0) {
      var v_g = ${cfg.workerCenters ? 'noisyc(v_x, pr.diag, q, qg, r)' : 'noisy(ge, q, qg, r)'};
${loads.join('\n')}
${body.join('\n')}
${stores.join('\n')}
      if (rec.last != 0u) {
        acc.w = dot(select(zero, one, valid), select(zero, one, v_x == x_old));
      }
    }
  }
${metricTree(null)}
}
${gp ? fsumFunction(0, gp.partials) : ''}`;
  return {
    plan: 'fused',
    wgsl,
    vectors,
    written,
    bindings: { record: 0, chunk: 1, status: 2, partials: 3, prob: 4, sigma: 5, scalars: null, reductionPartials: null, firstVector: 8 },
    sequence: [...(gp ? [{ dispatch: 'gradient' as const, entry: '', at: 'x', into: GRADIENT_VECTOR, fregion: 0, onlyUpdate: false }] : []), { dispatch: 'grid', entry: 'step', onlyUpdate: false }],
    scalars: [],
    reductionSlots: 0,
    output: 'x',
    traffic: { vectorAccesses: vectors.length + written.length, probReads: gp ? 0 : 1 },
    stateBuffers: vectors.map((v) => ({ label: v, vectors: [v], rowsPerReplica: 1 })),
    extraBindings: [...vectors.map(() => 'storage' as const), ...(cfg.workerCenters ? (['read-only-storage'] as const) : [])],
    dist: null,
  };
}

function generateGeneral(cfg: StepKernelConfig, info: ProgramInfo): StepKernel {
  const { def, wx, wy } = cfg;
  const prog = def.program;
  const hyper = new Set(cfg.hyperNames);
  const out = prog.output ?? 'x';
  const gp = cfg.gradientPass ?? null;
  const vectors = ['x', 'g', ...(gp ? [GRADIENT_VECTOR, ...(out !== 'x' ? [GRADIENT_OUT_VECTOR] : [])] : []), ...prog.vectors.map((v) => v.name).filter((n) => info.used.has(n))];
  const scalars = [...prog.scalars.map((s) => ({ name: s.name, init: s.init })), { name: 'fx', init: 0 }];
  const NS = scalars.length;
  const sIndex = new Map(scalars.map((s, i) => [s.name, i]));
  const readsFx = info.checked.readsFx;
  const sections: string[] = [];
  const sequence: GeneralKernel[] = [];
  let slot = 1; // slot 0: fx partials
  // vector loads + stores per coordinate and step: grad loads x (and the output point), stores g
  let traffic = 2 + (out === 'x' ? 0 : 1);
  let probReads = 1;

  // grad: metrics at the output point, fx partials at x, g stored
  if (gp) {
    probReads = 0;
    traffic += out === 'x' ? 1 : 2;
    sequence.push({ dispatch: 'gradient', entry: '', at: 'x', into: GRADIENT_VECTOR, fregion: 0, onlyUpdate: false });
    // metrics at the output point: a second pass there, with its own f partials (region 1)
    if (out !== 'x') sequence.push({ dispatch: 'gradient', entry: '', at: out, into: GRADIENT_OUT_VECTOR, fregion: 1, onlyUpdate: false });
    sections.push(`${GRID_SIGNATURE('grad', wx, wy)}
${GRID_PROLOGUE}
  var acc = vec4<f32>(0.0);
  if (inRange) {
    let ge = vec_${GRADIENT_VECTOR}[idx];
    let geo = ${out === 'x' ? 'ge' : `vec_${GRADIENT_OUT_VECTOR}[idx]`};
    acc.x = dot(select(zero, abs(geo), valid), one);
    acc.y = dot(select(zero, geo * geo, valid), one);
    if (lid.x == 0u) {
      acc.w = 2.0 * sc_fsum(r, ch.wgx0 + wid.x, 0u);
      acc.z = ${out === 'x' ? 'acc.w' : '2.0 * sc_fsum(r, ch.wgx0 + wid.x, 1u)'};
    }
    if (rec.update != 0u && status[r].div < 0) {
      vec_g[idx] = noisy(ge, q, qg, r);
    }
  }
${metricTree(readsFx ? 'rpart[(0u * ch.R + r) * ch.nwg + ch.wgx0 + wid.x] = red[li].w;' : null)}
}`);
  } else sections.push(`${GRID_SIGNATURE('grad', wx, wy)}
${GRID_PROLOGUE}
  var acc = vec4<f32>(0.0);
  if (inRange) {
    let pr = prob[q];
    let v_x = vec_x[idx];
    let dx = v_x - pr.center;
    let ge = pr.diag * dx;
    let po = ${out === 'x' ? 'v_x' : `vec_${out}[idx]`};
    let dxo = po - pr.center;
    let geo = pr.diag * dxo;
    acc.x = dot(select(zero, abs(geo), valid), one);
    acc.y = dot(select(zero, geo * geo, valid), one);
    acc.z = dot(select(zero, geo * dxo, valid), one);
    acc.w = dot(select(zero, ge * dx, valid), one);
    if (rec.update != 0u && status[r].div < 0) {
      vec_g[idx] = ${cfg.workerCenters ? 'noisyc(v_x, pr.diag, q, qg, r)' : 'noisy(ge, q, qg, r)'};
    }
  }
${metricTree(readsFx ? 'rpart[(0u * ch.R + r) * ch.nwg + ch.wgx0 + wid.x] = red[li].w;' : null)}
}`);
  sequence.push({ dispatch: 'grid', entry: 'grad', onlyUpdate: false });
  if (readsFx) {
    sections.push(replicaGroupKernel('fxfin', [{ slot: 0, kind: 'sum', store: `scal[r * ${NS}u + ${sIndex.get('fx')}u] = ch.fc + 0.5 * v;` }]));
    sequence.push({ dispatch: 'replica-group', entry: 'fxfin', onlyUpdate: true });
  }

  const scalarRead = (v: string) => {
    if (!sIndex.has(v)) throw new Error(`${def.id}: unresolved name ${v} in the WGSL program`);
    return `s_${v}`;
  };
  const scalarLoads = scalars.map((s, i) => `      let s_${s.name} = scal[r * ${NS}u + ${i}u];`).join('\n');

  info.plan.ops.forEach((op) => {
    const index = op.index;
    const entry = `op${index}`;
    if (op.op === 'map') {
      // load the vectors this op reads or writes (a target may be read before it is assigned)
      const opVectors = vectors.filter((v) => op.touched.has(v));
      const loads = opVectors.map((v) => `      var v_${v} = vec_${v}[idx];`);
      const stores = opVectors.filter((v) => op.written.has(v)).map((v) => `      vec_${v}[idx] = v_${v};`);
      traffic += loads.length + stores.length;
      const reds = op.reduce;
      const accs = reds.map((r, k) => `  var red_${index}_${k}: f32 = ${r.kind === 'sum' ? '0.0' : 'sc_neg_inf()'};`);
      const body = emitMaps([op], info, hyper, scalarRead, (i, k) => `red_${i}_${k}`);
      const slots = reds.map(() => slot++);
      sections.push(`${GRID_SIGNATURE(entry, wx, wy)}
${GRID_PROLOGUE}
${accs.join('\n')}
  if (inRange && status[r].div < 0) {
${loads.join('\n')}
${scalarLoads}
${body.join('\n')}
${stores.join('\n')}
  }
${reds.map((r, k) => scalarTree(`red_${index}_${k}`, r.kind, slots[k])).join('\n')}
}`);
      sequence.push({ dispatch: 'grid', entry, onlyUpdate: true });
      if (reds.length) {
        sections.push(
          replicaGroupKernel(
            `fin${index}`,
            reds.map((r, k) => ({ slot: slots[k], kind: r.kind, store: `scal[r * ${NS}u + ${sIndex.get(r.into)}u] = v;` })),
          ),
        );
        sequence.push({ dispatch: 'replica-group', entry: `fin${index}`, onlyUpdate: true });
      }
    } else if (op.op === 'scalar') {
      sections.push(scalarKernel(entry, op, info, hyper, scalars, NS));
      sequence.push({ dispatch: 'replica-thread', entry, onlyUpdate: true });
    } else if (op.op === 'oracle') {
      const o = op;
      traffic += 2;
      if (gp) {
        // the pass at the oracle's point overwrites gexact (read by grad only, earlier in the step)
        traffic += 1;
        sequence.push({ dispatch: 'gradient', entry: '', at: o.at, into: GRADIENT_VECTOR, fregion: 0, onlyUpdate: true });
        sections.push(`${GRID_SIGNATURE(entry, wx, wy)}
${GRID_PROLOGUE}
  if (inRange && status[r].div < 0) {
    vec_${o.into}[idx] = noisy(vec_${GRADIENT_VECTOR}[idx], q, qg, r);
  }
}`);
        sequence.push({ dispatch: 'grid', entry, onlyUpdate: true });
        return;
      }
      probReads += 1;
      sections.push(`${GRID_SIGNATURE(entry, wx, wy)}
${GRID_PROLOGUE}
  if (inRange && status[r].div < 0) {
    let pr = prob[q];
    let pa = vec_${o.at}[idx];
    vec_${o.into}[idx] = ${cfg.workerCenters ? 'noisyc(pa, pr.diag, q, qg, r)' : 'noisy(pr.diag * (pa - pr.center), q, qg, r)'};
  }
}`);
      sequence.push({ dispatch: 'grid', entry, onlyUpdate: true });
    } else {
      throw new Error(`${def.id}: ${op.op} ops are not generated for WebGPU`);
    }
  });

  const wgsl = `// signcheck general step kernels: ${def.id} (${def.name}); noise ${cfg.noise ? `${cfg.noise.samplesPerCall}/call` : 'none'}, sigma ${cfg.sigma}, n = ${cfg.workers}
${moduleHeader(cfg, vectors, true)}
var<workgroup> redr: array<f32, ${REDUCE_THREADS}>;
${sections.join('\n\n')}
${gp ? fsumFunction(slot, gp.partials) : ''}`;
  const written = vectors.filter((v) => v === 'g' || info.written.has(v));
  return {
    plan: 'general',
    wgsl,
    vectors,
    written,
    bindings: { record: 0, chunk: 1, status: 2, partials: 3, prob: 4, sigma: 5, scalars: 6, reductionPartials: 7, firstVector: 8 },
    sequence,
    scalars,
    reductionSlots: slot,
    output: out,
    traffic: { vectorAccesses: traffic, probReads },
    stateBuffers: vectors.map((v) => ({ label: v, vectors: [v], rowsPerReplica: 1 })),
    extraBindings: [...vectors.map(() => 'storage' as const), ...(cfg.workerCenters ? (['read-only-storage'] as const) : [])],
    dist: null,
  };
}

/**
 * WGSL block finishing one reduction slot in a workgroup of REDUCE_THREADS: combines the row's
 * per-workgroup partials `rpart[partialRow * ch.nwg + i]` (sum, or max with NaN kept), then runs
 * `store` with the result in `v` unless the replica has diverged.
 */
function finishSlotWgsl(kind: 'sum' | 'max', store: string, partialRow: string): string {
  const id = kind === 'sum' ? '0.0' : 'sc_neg_inf()';
  const comb = (a: string, b: string) => (kind === 'sum' ? `${a} + ${b}` : `sc_maxnan(${a}, ${b})`);
  return `  {
    var v: f32 = ${id};
    for (var i = lid.x; i < ch.nwg; i = i + ${REDUCE_THREADS}u) {
      v = ${comb('v', `rpart[${partialRow} * ch.nwg + i]`)};
    }
    redr[lid.x] = v;
    for (var h = ${REDUCE_THREADS / 2}u; h > 0u; h = h >> 1u) {
      workgroupBarrier();
      if (lid.x < h) {
        redr[lid.x] = ${comb('redr[lid.x]', 'redr[lid.x + h]')};
      }
    }
    if (lid.x == 0u && status[r].div < 0) {
      let v = redr[0];
      ${store}
    }
    workgroupBarrier();
  }`;
}

/** Per-replica finishing of reduction slots (one workgroup of 64 per replica): v -> `store`. */
function replicaGroupKernel(entry: string, items: ReadonlyArray<{ slot: number; kind: 'sum' | 'max'; store: string }>): string {
  const parts = items.map(({ slot, kind, store }) => {
    return finishSlotWgsl(kind, store, `(${slot}u * ch.R + r)`);
  });
  return `@compute @workgroup_size(${REDUCE_THREADS})
fn ${entry}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let r = wid.y * 65535u + wid.x;
  if (r >= ch.R) {
    return;
  }
${parts.join('\n')}
}`;
}

/** A scalar op: one thread per replica runs the assignments in order on its scalars. */
function scalarKernel(entry: string, op: PlannedScalar, info: ProgramInfo, hyper: ReadonlySet<string>, scalars: ReadonlyArray<{ name: string }>, NS: number): string {
  const written = new Set(op.assign.map((a) => a.target));
  const scalar = (v: string): string => {
    if (scalars.some((s) => s.name === v)) return `s_${v}`;
    throw new Error(`unresolved scalar name ${v}`);
  };
  const read = (ref: NameRef) => wgslRead(ref, hyper, scalar, scalar);
  const loads = scalars.map((s, i) => `  var s_${s.name} = scal[r * ${NS}u + ${i}u];`);
  const body = op.assign.map((a) => `  s_${a.target} = ${toWgsl(exprOf(info.checked, a.source), reader(a.reads, read))};`);
  const stores = scalars.map((s, i) => (written.has(s.name) ? `  scal[r * ${NS}u + ${i}u] = s_${s.name};` : '')).filter(Boolean);
  return `@compute @workgroup_size(${REDUCE_THREADS})
fn ${entry}(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  if (r >= ch.R || status[r].div >= 0) {
    return;
  }
${loads.join('\n')}
${body.join('\n')}
${stores.join('\n')}
}`;
}

/**
 * The reduction kernel (see the module comment). Bindings: 0 record of the group's last step
 * (dynamic offset), 1 all records as raw words, 2 Run uniform {R, nwg, T, record stride in words, zero},
 * 3 partials, 4 status, 5 tau, 6 curve (checkpoint-major: curve[cp * R + r] = (f - f(c), g1, g2, 0)).
 */
export function generateReduceKernel(hyperNames: readonly string[], dist: Pick<DistPlan, 'messageRows' | 'slotWords' | 'accWords' | 'guards'> | null = null): string {
  const idx = (f: (typeof RECORD_HEADER)[number]) => RECORD_HEADER.indexOf(f);
  // distributed plan: merge the step's message record into the replica's accumulators
  const merge = dist
    ? `            let o = ${dist.messageRows}u * run.R + (slot * run.R + r) * ${dist.slotWords}u;
            let a = r * ${dist.accWords}u;
            for (var h = 0u; h < 2u; h = h + 1u) {
              let lo = dacc[a + h] + dm[o + h];
              if (lo < dm[o + h]) {
                dacc[a + 4u + h] = dacc[a + 4u + h] + 1u;
              }
              dacc[a + h] = lo;
            }
            if (dm[o + 2u] != 0u && dacc[a + 2u] == ${DIST_NONE}u) {
              dacc[a + 2u] = t;
              dacc[a + 3u] = dm[o + 2u];
            }
${dist.guards
  .map((_, k) => {
    const g = `o + ${DIST_SLOT_HEAD + DIST_SLOT_GUARD * k}u`;
    const ga = `a + ${DIST_ACC_HEAD + DIST_ACC_GUARD * k}u`;
    return `            if (dm[${g}] != ${DIST_NONE}u && dacc[${ga}] == ${DIST_NONE}u) {
              dacc[${ga}] = t;
              dacc[${ga} + 1u] = dm[${g}];
              dacc[${ga} + 2u] = dm[${g} + 1u];
              dacc[${ga} + 3u] = dm[${g} + 2u];
            }
            dacc[${ga} + 4u] = bitcast<u32>(max(bitcast<f32>(dacc[${ga} + 4u]), bitcast<f32>(dm[${g} + 3u])));`;
  })
  .join('\n')}
`
    : '';
  return `// signcheck metric reduction kernel
${recordStruct(hyperNames)}${STATUS_STRUCT}struct Run { R: u32, nwg: u32, T: u32, stride: u32, zero: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<storage, read> rec: StepRec;
@group(0) @binding(1) var<storage, read> recs: array<u32>;
@group(0) @binding(2) var<uniform> run: Run;
@group(0) @binding(3) var<storage, read> partials: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> status: array<Status>;
@group(0) @binding(5) var<storage, read> tau: array<u32>;
@group(0) @binding(6) var<storage, read_write> curve: array<vec4<f32>>;
${dist ? '@group(0) @binding(7) var<storage, read> dm: array<u32>;\n@group(0) @binding(8) var<storage, read_write> dacc: array<u32>;\n' : ''}
var<workgroup> red: array<vec4<f32>, ${REDUCE_THREADS}>;
var<workgroup> redc: array<u32, ${REDUCE_THREADS}>;

// Non-finite test on the bits (NaN/Inf handling of float compares is not guaranteed on every driver).
fn sc_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

// The identity on f32, opaque to the compiler: Vulkan compilers treat float ops as inexact and
// may rewrite (a + b) - a to b (Mesa's NIR does), which would erase the two-sum's error term.
// run.zero is 0 at run time but unknown when the shader is compiled.
fn sc_opaque(v: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(v) | run.zero);
}

// Knuth's two-sum: (hi, lo) += v with the rounding error of hi + v carried in lo.
fn sc_two_sum(acc: vec2<f32>, v: f32) -> vec2<f32> {
  let s = sc_opaque(acc.x + v);
  let bb = sc_opaque(s - acc.x);
  let e = sc_opaque(acc.x - sc_opaque(s - bb)) + sc_opaque(v - bb);
  return vec2<f32>(s, acc.y + e);
}

@compute @workgroup_size(${REDUCE_THREADS})
fn reduce(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let r = wid.y * 65535u + wid.x;
  if (r >= run.R) {
    return;
  }
  for (var k = 0u; k < rec.rcount; k = k + 1u) {
    let base = (rec.rfirst + k) * run.stride;
    let t = recs[base + ${idx('t')}u];
    let slot = recs[base + ${idx('slot')}u];
    let cp = bitcast<i32>(recs[base + ${idx('cp')}u]);
    var s = vec4<f32>(0.0);
    var fz = 0u;
    for (var i = lid.x; i < run.nwg; i = i + ${REDUCE_THREADS}u) {
      let p = partials[(slot * run.R + r) * run.nwg + i];
      s = s + vec4<f32>(p.xyz, 0.0);
      fz = fz + u32(max(p.w, 0.0));
    }
    red[lid.x] = s;
    redc[lid.x] = fz;
    for (var h = ${REDUCE_THREADS / 2}u; h > 0u; h = h >> 1u) {
      workgroupBarrier();
      if (lid.x < h) {
        red[lid.x] = red[lid.x] + red[lid.x + h];
        redc[lid.x] = redc[lid.x] + redc[lid.x + h];
      }
    }
    if (lid.x == 0u) {
      var st = status[r];
      if (st.div < 0) {
        let tot = red[0];
        let n1 = tot.x;
        let n2 = sqrt(tot.y);
        if (!(sc_finite(n1) && sc_finite(n2))) {
          st.div = i32(t);
        } else {
          if (cp >= 0) {
            let hf = 0.5 * tot.z;
            curve[u32(cp) * run.R + r] = vec4<f32>(hf, n1, n2, 0.0);
            if (!sc_finite(hf)) {
              st.div = i32(t);
            }
          }
          if (st.div < 0 && t < run.T) {
            st.s1 = sc_two_sum(st.s1, n1);
            st.s2 = sc_two_sum(st.s2, n2);
            if (t == tau[r]) {
              st.tauG1 = n1;
            }
            if (t + 1u == run.T) {
              st.frozen = redc[0];
            }
${merge}          }
        }
        status[r] = st;
      }
    }
    workgroupBarrier();
  }
}
`;
}

// ---------------------------------------------------------------------------------------------
// The distributed plan: worker-scope programs (majority vote, MVSM, Sto-signSGD, EF-SignSGD MV)

/** u32 words of the per-step message record of one (slot, replica): up ternary, down ternary, error mask. */
const DIST_SLOT_HEAD = 3;
/** Per guard in the step record: violating worker (0xffffffff: none), ||v||_inf, bound, max ratio. */
const DIST_SLOT_GUARD = 4;
/**
 * u32 words of one replica's accumulators: up ternary, down ternary (low words), error step, error
 * mask, then the high words of the two ternary counts (n T can pass 2^32).
 */
const DIST_ACC_HEAD = 6;
/** Per guard in the accumulators: first violating step, worker, ||v||_inf, bound, max ratio. */
const DIST_ACC_GUARD = 5;
/** "None" in the u32 step/worker fields. */
export const DIST_NONE = 0xffffffff;

/** The layout of the distributed plan's accumulators (per replica, u32 words; f32 fields bitcast). */
export const DIST_ACC = { upTernary: 0, downTernary: 1, errorStep: 2, errorMask: 3, upTernaryHigh: 4, downTernaryHigh: 5, guard: (k: number) => DIST_ACC_HEAD + DIST_ACC_GUARD * k } as const;

/**
 * Worker-scope programs. State: one buffer of server vectors (x first) and one of worker vectors
 * (g first), each vector a plane of (replica [x worker]) rows of quads: replicas x workers x d.
 * Scalars: server scalars (R x NS, fx last), then worker scalars (R x n x NW), one buffer.
 * Per step, in order:
 *   [gradient pass] (homogeneous problems without a separable quadratic) the exact gradient at x of
 *           every replica into `gex`, f's partials into rpart (src/gpu/gradients);
 *   grad    (server grid)  metrics at x (exact gradient of f = (1/n) sum_j f_j: diag (x - cbar), or
 *           gex and the pass's f partials), fx partials;
 *   wgrad   (worker grid)  g_j = diag (x - c_j) (or gex) + sigma (.) (1/B) sum_b xi_{t, j|b<<16, r} (runCpu's order);
 *   per op: map (server or worker grid; rand() on the compress stream with lane = worker, as runCpu),
 *           fin (row reductions into scalars), scalar ops (a thread per row), aggregate:
 *             pack  (worker word grid) 32 signs per u32 word, sign plane + nonzero plane, the
 *                   message's ternary flag (a 0 in a valid coordinate) and a validity flag (an entry
 *                   outside {-1, 0, +1}, or not 0 / +-scale for scaled-sign messages) set atomically;
 *             vote  (a thread per replica, word and block of 32 workers) packed sign messages: the
 *                   block's 32 x 32 bits transposed, countOneBits, 2 popcount(sign & nz) -
 *                   popcount(nz) added atomically to integer counts per coordinate;
 *             agg   (word grid) packed sign: the counts (exact integers), or the scaled-sign rows decoded
 *                   and summed in worker order; unpacked: the float rows summed in worker order
 *                   (identical values: sums of +-1 are exact integers in float32); then mean (sum / n)
 *                   or vote (sign(sum), ties 0), as src/engine/bits.ts;
 *           after (a thread per replica) running-max syncs R <- max(R, max_j ||v^j||_inf), then the
 *                   S_R guards (||v||_inf <= R or record the first violating worker), as
 *                   DistributedRuntime.afterOp;
 *           down  (word grid) the server message packed, flagged, and (packed) decoded back: what the
 *                   workers apply;
 *   count   (a thread per replica) ternary and validity flags of the step into the step's record.
 * The reduce kernel merges each step's record into per-replica accumulators only while the replica
 * has not diverged (runCpu stops before the ops of the step at which it diverges), so ternary
 * counts, guard violations and bound use cover exactly the steps the CPU engine runs.
 */
function generateDistributed(cfg: StepKernelConfig, info: ProgramInfo): StepKernel {
  const { def, wx, wy } = cfg;
  const N = cfg.workers;
  const packed = cfg.packed !== false;
  const prog = def.program;
  const dist = distributedPartOf(def);
  const hyper = new Set(cfg.hyperNames);
  const scope = new Map<string, Scope>([['x', 'server'], ['g', 'worker']]);
  for (const v of prog.vectors) scope.set(v.name, v.scope);
  const serverVecs = ['x', ...prog.vectors.filter((v) => v.scope === 'server' && info.used.has(v.name)).map((v) => v.name)];
  const workerVecs = ['g', ...prog.vectors.filter((v) => v.scope === 'worker' && info.used.has(v.name)).map((v) => v.name)];
  const plane = (v: string) => (scope.get(v) === 'worker' ? workerVecs.indexOf(v) : serverVecs.indexOf(v));
  const serverScalars = [...prog.scalars.filter((sc) => sc.scope === 'server').map((sc) => ({ name: sc.name, init: sc.init })), { name: 'fx', init: 0 }];
  const workerScalars = prog.scalars.filter((sc) => sc.scope === 'worker').map((sc) => ({ name: sc.name, init: sc.init }));
  const NS = serverScalars.length;
  const NW = Math.max(1, workerScalars.length);
  const sIdx = new Map(serverScalars.map((sc, i) => [sc.name, i]));
  const wIdx = new Map(workerScalars.map((sc, i) => [sc.name, i]));
  const serverScalarAt = (name: string) => `scal[r * ${NS}u + ${sIdx.get(name)}u]`;
  const workerScalarAt = (name: string, row = 'r * NW_ROWS + j') => `scal[ch.R * ${NS}u + (${row}) * ${NW}u + ${wIdx.get(name)}u]`.replace('NW_ROWS', 'ch.nw');
  const readsFx = info.checked.readsFx;

  // messages: each aggregate's up message (n rows), each down message after the op that writes it (1 row)
  const messages: DistMessage[] = [];
  let rowOffset = 0;
  let upRows = 0;
  let downRows = 0;
  const addMessage = (op: number, spec: MessageSpec, direction: 'up' | 'down') => {
    const rows = direction === 'up' ? N : 1;
    const m: DistMessage = { op, vector: spec.vector, spec, direction, rows, rowOffset, rowsExpr: direction === 'up' ? 'ch.nw' : '1u', offsetExpr: `(${upRows}u * ch.nw + ${downRows}u)` };
    if (spec.encoding !== 'float') {
      rowOffset += rows;
      if (direction === 'up') upRows++;
      else downRows++;
    }
    messages.push(m);
    return m;
  };
  const guards = (dist?.guards ?? []).map((g) => ({ ...g, scope: (prog.scalars.find((sc) => sc.name === g.norm)?.scope ?? 'server') as Scope }));
  const syncs = dist?.syncs ?? [];
  const DS = DIST_SLOT_HEAD + DIST_SLOT_GUARD * guards.length;
  const DA = DIST_ACC_HEAD + DIST_ACC_GUARD * guards.length;
  const sections: string[] = [];
  const sequence: GeneralKernel[] = [];
  let slot = 1; // reduction slots; slot 0: fx partials
  let traffic = 1 + 2; // grad reads x (or gexact); wgrad reads x (or gexact), stores g
  let probReads = 2;
  const gp = cfg.gradientPass ?? null;
  const rowsW = 'ch.nw';
  // vote counts (i32 as u32) after the flags and the K step records: dm[COUNTS_BASE + (r W + w) 32 + i]
  let voteCounts = false;
  const COUNTS_BASE = `(${'${FLAG_ROWS}'} * ch.R + ch.slots * ch.R * ${DIST_SLOT_HEAD + DIST_SLOT_GUARD * (dist?.guards?.length ?? 0)}u)`;

  // ---- grad: metrics at x, fx partials (problems with a gradient pass: the pass, dispatched first,
  // writes the exact gradient into gexact and f's partials into rpart; grad reads them as the fused plan)
  // (one module text for both: ch.gpass is a uniform, so these pipelines are shared with the runs
  // on separable quadratics; the engine binds a 16-byte gex when there is no pass)
  if (gp) {
    probReads = 0;
    sequence.push({ dispatch: 'gradient', entry: '', at: 'x', into: GRADIENT_VECTOR, fregion: 0, onlyUpdate: false });
  }
  sections.push(`${GRID_SIGNATURE('grad', wx, wy)}
${GRID_PROLOGUE}
  var acc = vec4<f32>(0.0);
  if (inRange && ch.gpass != 0u) {
    let ge = gex[idx];
    acc.x = dot(select(zero, abs(ge), valid), one);
    acc.y = dot(select(zero, ge * ge, valid), one);
    if (lid.x == 0u) {
      acc.z = 2.0 * sc_fsum(r, ch.wgx0 + wid.x, 0u);
      acc.w = acc.z;
    }
  } else if (inRange) {
    let pr = prob[q];
    let v_x = sv[idx];
    let dx = v_x - pr.center;
    let ge = pr.diag * dx;
    acc.x = dot(select(zero, abs(ge), valid), one);
    acc.y = dot(select(zero, ge * ge, valid), one);
    acc.z = dot(select(zero, ge * dx, valid), one);
    acc.w = acc.z;
  }
${metricTree(readsFx ? `rpart[(0u * ch.R * ${rowsW} + r) * ch.nwg + ch.wgx0 + wid.x] = red[li].w;` : null)}
}`);
  sequence.push({ dispatch: 'grid', entry: 'grad', onlyUpdate: false });
  if (readsFx) {
    sections.push(rowGroupKernel('fxfin', 'server', N, [{ slot: 0, kind: 'sum', store: `${serverScalarAt('fx')} = ch.fc + 0.5 * v;` }]));
    sequence.push({ dispatch: 'replica-group', entry: 'fxfin', onlyUpdate: true });
  }
  // ---- wgrad: every worker's stochastic gradient (with a gradient pass: the shared exact gradient,
  // each worker's own noise; runCpu evaluates grad f at x once per worker, the same float64 values)
  sections.push(`${GRID_SIGNATURE('wgrad', wx, wy)}
${WORKER_GRID_PROLOGUE(N)}
  if (inRange && status[r].div < 0) {
    var ge: vec4<f32>;
    if (ch.gpass != 0u) {
      ge = gex[idx];
    } else {
      let pr = prob[q];
      var c = pr.center;
      if (ch.hetero != 0u) {
        c = wcen[j * ((ch.D + 3u) / 4u) + qg];
      }
      ge = pr.diag * (sv[idx] - c);
    }
    wv[widx] = noisy_w(ge, q, qg, r, j);
  }
}`);
  sequence.push({ dispatch: 'worker-grid', entry: 'wgrad', onlyUpdate: true });

  const scalarName = (kernelScope: Scope) => (v: string): string => {
    if (sIdx.has(v)) return `s_${v}`;
    if (kernelScope === 'worker' && wIdx.has(v)) return `s_${v}`;
    throw new Error(`${def.id}: unresolved name ${v} in the WGSL program`);
  };
  const scalarLoads = (kernelScope: Scope) =>
    [
      ...serverScalars.map((sc) => `    let s_${sc.name} = ${serverScalarAt(sc.name)};`),
      ...(kernelScope === 'worker' ? workerScalars.map((sc) => `    let s_${sc.name} = ${workerScalarAt(sc.name)};`) : []),
    ].join('\n');
  const vecAt = (v: string) => (scope.get(v) === 'worker' ? `wv[${plane(v)}u * (ch.rows * ch.nw * ch.quads) + widx]` : `sv[${plane(v)}u * (ch.rows * ch.quads) + idx]`);

  info.plan.ops.forEach((op) => {
    const index = op.index;
    const entry = `op${index}`;
    if (op.op === 'map') {
      const worker = op.scope === 'worker';
      const opVectors = [...serverVecs, ...workerVecs].filter((v) => op.touched.has(v));
      const loads = opVectors.map((v) => `    var v_${v} = ${vecAt(v)};`);
      const stores = opVectors.filter((v) => op.written.has(v)).map((v) => `    ${vecAt(v)} = v_${v};`);
      traffic += loads.length + stores.length;
      const reds = op.reduce;
      const accs = reds.map((r, k) => `  var red_${index}_${k}: f32 = ${r.kind === 'sum' ? '0.0' : 'sc_neg_inf()'};`);
      const body = emitMaps([op], info, hyper, scalarName(op.scope), (i, k) => `red_${i}_${k}`, worker ? 'j' : '0u');
      const slots = reds.map(() => slot++);
      const rowExpr = worker ? `r * ${rowsW} + j` : 'r';
      sections.push(`${GRID_SIGNATURE(entry, wx, wy)}
${worker ? WORKER_GRID_PROLOGUE(N) : GRID_PROLOGUE}
${accs.join('\n')}
  if (inRange && status[r].div < 0) {
${loads.join('\n')}
${scalarLoads(op.scope)}
${body.join('\n')}
${stores.join('\n')}
  }
${reds.map((r, k) => rowScalarTree(`red_${index}_${k}`, r.kind, slots[k], rowExpr, `ch.R * ${rowsW}`)).join('\n')}
}`);
      sequence.push({ dispatch: worker ? 'worker-grid' : 'grid', entry, onlyUpdate: true });
      if (reds.length) {
        const store = (into: string) => (worker ? `${workerScalarAt(into, 'row')} = v;` : `${serverScalarAt(into)} = v;`);
        sections.push(rowGroupKernel(`fin${index}`, op.scope, N, reds.map((r, k) => ({ slot: slots[k], kind: r.kind, store: store(r.into) }))));
        sequence.push({ dispatch: worker ? 'worker-group' : 'replica-group', entry: `fin${index}`, onlyUpdate: true });
      }
    } else if (op.op === 'scalar') {
      const worker = op.scope === 'worker';
      const written = new Set(op.assign.map((a) => a.target));
      const scalar = (v: string): string => {
        if (sIdx.has(v) || (worker && wIdx.has(v))) return `s_${v}`;
        throw new Error(`unresolved scalar name ${v}`);
      };
      const read = (ref: NameRef) => wgslRead(ref, hyper, scalar, scalar);
      const visible = [...serverScalars.map((sc) => ({ name: sc.name, at: serverScalarAt(sc.name) })), ...(worker ? workerScalars.map((sc) => ({ name: sc.name, at: workerScalarAt(sc.name) })) : [])];
      sections.push(`${THREAD_SIGNATURE(entry)}
${worker ? `  let row = (wid.y * 65535u + wid.x) * ${REDUCE_THREADS}u + lid.x;\n  let r = row / ${rowsW};\n  let j = row % ${rowsW};` : `  let r = (wid.y * 65535u + wid.x) * ${REDUCE_THREADS}u + lid.x;`}
  if (r >= ch.R || status[r].div >= 0) {
    return;
  }
${visible.map((sc) => `  var s_${sc.name} = ${sc.at};`).join('\n')}
${op.assign.map((a) => `  s_${a.target} = ${toWgsl(exprOf(info.checked, a.source), reader(a.reads, read))};`).join('\n')}
${visible.filter((sc) => written.has(sc.name)).map((sc) => `  ${sc.at} = s_${sc.name};`).join('\n')}
}`);
      sequence.push({ dispatch: worker ? 'worker-thread' : 'replica-thread', entry, onlyUpdate: true });
    } else if (op.op === 'aggregate') {
      const spec: MessageSpec = dist?.communication.up.find((m) => m.vector === op.from) ?? { vector: op.from, encoding: 'float' };
      const m = dist ? addMessage(index, spec, 'up') : null;
      const usePacked = packed && spec.encoding !== 'float';
      if (m && spec.encoding !== 'float') {
        sections.push(packKernel(`pack${index}`, m, plane(op.from), 'worker', N, spec.encoding === 'scaled-sign' ? (row) => workerScalarAt(spec.scale, row) : null, false));
        sequence.push({ dispatch: 'worker-word-grid', entry: `pack${index}`, onlyUpdate: true });
        traffic += 1;
      }
      const fromPlane = plane(op.from);
      const toPlane = plane(op.to);
      let gather: string;
      if (usePacked && spec.encoding === 'sign') {
        // a thread per (replica, word, block of 32 workers): transpose the block's 32 x 32 bits
        // and add its per-coordinate counts (integers: the order of the additions is immaterial)
        voteCounts = true;
        sections.push(`@compute @workgroup_size(64, 1)
fn vote${index}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let words = (ch.quads + 7u) / 8u;
  let blocks = (ch.nw + 31u) / 32u;
  let gi = (wid.y * 65535u + wid.x) * 64u + lid.x;
  let b = gi % blocks;
  let wl = (gi / blocks) % words;
  let rl = gi / blocks / words;
  if (rl >= ch.rows) {
    return;
  }
  let r = ch.r0 + rl;
  if (status[r].div >= 0) {
    return;
  }
  let w = ch.q0 / 8u + wl;
  let W = (ch.D + 31u) / 32u;
  var bs: array<u32, 32>;
  var bz: array<u32, 32>;
  for (var k = 0u; k < 32u; k = k + 1u) {
    let jj = b * 32u + k;
    if (jj < ch.nw) {
      let base = (${m!.offsetExpr} * ch.R + r * ch.nw + jj) * 2u * W;
      bs[k] = pk[base + w];
      bz[k] = pk[base + W + w];
    }
  }
  sc_transpose32(&bs);
  sc_transpose32(&bz);
  let cb = ${COUNTS_BASE} + (r * W + w) * 32u;
  for (var i = 0u; i < 32u; i = i + 1u) {
    let z = bz[i];
    let c = 2 * i32(countOneBits(bs[i] & z)) - i32(countOneBits(z));
    if (c != 0) {
      atomicAdd(&dm[cb + i], bitcast<u32>(c));
    }
  }
}`);
        sequence.push({ dispatch: 'block-word-grid', entry: `vote${index}`, onlyUpdate: true });
        gather = `  let cb = ${COUNTS_BASE} + (r * W + w) * 32u;
  for (var i = 0u; i < 32u; i = i + 1u) {
    vals[i] = f32(bitcast<i32>(atomicExchange(&dm[cb + i], 0u)));
  }`;
      } else if (usePacked) {
        gather = `  for (var j = 0u; j < ${rowsW}; j = j + 1u) {
    let base = (${m!.offsetExpr} * ch.R + r * ${rowsW} + j) * 2u * W;
    let sw = pk[base + w];
    let zw = pk[base + W + w];
    let c = ${workerScalarAt((spec as { scale: string }).scale, `r * ${rowsW} + j`)};
    for (var i = 0u; i < 32u; i = i + 1u) {
      if (((zw >> i) & 1u) != 0u) {
        vals[i] = vals[i] + select(-c, c, ((sw >> i) & 1u) != 0u);
      }
    }
  }`;
      } else {
        gather = `  for (var j = 0u; j < ${rowsW}; j = j + 1u) {
    for (var k = 0u; k < 8u; k = k + 1u) {
      let qq = wl * 8u + k;
      if (qq < ch.quads) {
        let v4 = wv[${fromPlane}u * (ch.rows * ${rowsW} * ch.quads) + (rl * ${rowsW} + j) * ch.quads + qq];
        vals[4u * k] = vals[4u * k] + v4.x;
        vals[4u * k + 1u] = vals[4u * k + 1u] + v4.y;
        vals[4u * k + 2u] = vals[4u * k + 2u] + v4.z;
        vals[4u * k + 3u] = vals[4u * k + 3u] + v4.w;
      }
    }
  }`;
      }
      traffic += usePacked ? 1 : N + 1;
      const finish = op.kind === 'mean' ? `vals[i] / f32(${rowsW})` : 'sign(vals[i])';
      sections.push(`@compute @workgroup_size(64, 1)
fn agg${index}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
${WORD_PROLOGUE('server', N)}
  var vals: array<f32, 32>;
${gather}
  for (var i = 0u; i < 32u; i = i + 1u) {
    vals[i] = select(0.0, ${finish}, w * 32u + i < ch.D);
  }
  for (var k = 0u; k < 8u; k = k + 1u) {
    let qq = wl * 8u + k;
    if (qq < ch.quads) {
      sv[${toPlane}u * (ch.rows * ch.quads) + rl * ch.quads + qq] = vec4<f32>(vals[4u * k], vals[4u * k + 1u], vals[4u * k + 2u], vals[4u * k + 3u]);
    }
  }
}`);
      sequence.push({ dispatch: 'word-grid', entry: `agg${index}`, onlyUpdate: true });
    } else {
      throw new Error(`${def.id}: ${op.op} ops are not generated for WebGPU in worker-scope programs`);
    }

    // ---- after the op: syncs and guards on the scalars it reduced, then down messages it wrote
    const reduced = new Set(op.op === 'map' ? (op.reduce ?? []).map((r) => r.into) : []);
    const opSyncs = syncs.filter((sy) => reduced.has(sy.from));
    const opGuards = guards.map((g, k) => ({ g, k })).filter(({ g }) => reduced.has(g.norm));
    if (opSyncs.length || opGuards.length) {
      const lines: string[] = [];
      for (const sy of opSyncs) {
        lines.push(`  {
    var mx = ${serverScalarAt(sy.into)};
    for (var j = 0u; j < ${rowsW}; j = j + 1u) {
      let v = ${workerScalarAt(sy.from)};
      if (v > mx) {
        mx = v;
      }
    }
    ${serverScalarAt(sy.into)} = mx;
  }`);
      }
      for (const { g, k } of opGuards) {
        const bound = hyper.has(g.bound) ? `rec.p_${g.bound}` : serverScalarAt(g.bound);
        const rows = g.scope === 'worker' ? rowsW : '1u';
        const norm = g.scope === 'worker' ? workerScalarAt(g.norm) : serverScalarAt(g.norm);
        const o = `dsBase + (rec.slot * ch.R + r) * ${DS}u + ${DIST_SLOT_HEAD + DIST_SLOT_GUARD * k}u`;
        lines.push(`  {
    let bound = ${bound};
    var viol = ${DIST_NONE}u;
    var vv = 0.0;
    var ratio = 0.0;
    for (var j = 0u; j < ${rows}; j = j + 1u) {
      let v = ${norm};
      if (sc_isnan(v) || v > bound) {
        if (viol == ${DIST_NONE}u) {
          viol = j;
          vv = v;
        }
      } else if (bound > 0.0) {
        ratio = max(ratio, v / bound);
      }
    }
    atomicStore(&dm[${o}], viol);
    atomicStore(&dm[${o} + 1u], bitcast<u32>(vv));
    atomicStore(&dm[${o} + 2u], bitcast<u32>(bound));
    atomicStore(&dm[${o} + 3u], bitcast<u32>(ratio));
  }`);
      }
      sections.push(`${THREAD_SIGNATURE(`after${index}`)}
  let r = (wid.y * 65535u + wid.x) * ${REDUCE_THREADS}u + lid.x;
  if (r >= ch.R || status[r].div >= 0) {
    return;
  }
  let dsBase = ${'${FLAG_ROWS}'} * ch.R;
${lines.join('\n')}
}`);
      sequence.push({ dispatch: 'replica-thread', entry: `after${index}`, onlyUpdate: true });
    }
    const writtenHere = new Set(op.op === 'map' ? op.assign.map((a) => a.target) : op.op === 'aggregate' ? [op.to] : []);
    for (const spec of dist?.communication.down ?? []) {
      if (!writtenHere.has(spec.vector)) continue;
      const m = addMessage(index, spec, 'down');
      if (spec.encoding === 'float') continue;
      sections.push(packKernel(`down${index}_${spec.vector}`, m, plane(spec.vector), 'server', N, spec.encoding === 'scaled-sign' ? () => serverScalarAt(spec.scale) : null, packed));
      sequence.push({ dispatch: 'word-grid', entry: `down${index}_${spec.vector}`, onlyUpdate: true });
      traffic += packed ? 2 : 1;
    }
  });

  // ---- count: the step's ternary and validity flags into its record
  const FL = rowOffset;
  const FLX = `(${upRows}u * ch.nw + ${downRows}u)`;
  if (dist) {
    const countLines = messages
      .filter((m) => m.spec.encoding !== 'float')
      .map(
        (m) => `  for (var j = 0u; j < ${m.rowsExpr}; j = j + 1u) {
    let f = atomicExchange(&dm[${m.offsetExpr} * ch.R + r * ${m.rowsExpr} + j], 0u);
    ${m.direction === 'up' ? 'up' : 'down'} = ${m.direction === 'up' ? 'up' : 'down'} + (f & 1u);
    if ((f & 2u) != 0u) {
      err = err | ${1 << Math.min(m.op, 31)}u;
    }
  }`,
      );
    sections.push(`${THREAD_SIGNATURE('count')}
  let r = (wid.y * 65535u + wid.x) * ${REDUCE_THREADS}u + lid.x;
  if (r >= ch.R || status[r].div >= 0) {
    return;
  }
  var up = 0u;
  var down = 0u;
  var err = 0u;
${countLines.join('\n')}
  let o = ${FLX} * ch.R + (rec.slot * ch.R + r) * ${DS}u;
  atomicStore(&dm[o], up);
  atomicStore(&dm[o + 1u], down);
  atomicStore(&dm[o + 2u], err);
}`);
    sequence.push({ dispatch: 'replica-thread', entry: 'count', onlyUpdate: true });
  }

  const header = distributedHeader(cfg, N);
  const wgsl = `// signcheck distributed step kernels (no algorithm name here: programs with equal ops, such as
// mvsm-v1 and mv-sto-signsgd-sim, share their pipelines); noise ${cfg.noise ? `${cfg.noise.samplesPerCall}/call` : 'none'}, sigma ${cfg.sigma}, ${packed ? 'packed' : 'unpacked'} (n, the per-worker centers and the gradient pass are uniforms)
${header}
var<workgroup> redr: array<f32, ${REDUCE_THREADS}>;
${sections.join('\n\n').replaceAll('${FLAG_ROWS}', FLX)}
${fsumFunction(slot, 'ch.gpass', 'ch.R * ch.nw')}`;
  const written = [...serverVecs.filter((v) => info.written.has(v)), 'g', ...workerVecs.filter((v) => v !== 'g' && info.written.has(v))];
  return {
    plan: 'distributed',
    wgsl,
    vectors: [...serverVecs, ...workerVecs, ...(gp ? [GRADIENT_VECTOR] : [])],
    written,
    bindings: { record: 0, chunk: 1, status: 2, partials: 3, prob: 4, sigma: 5, scalars: 6, reductionPartials: 7, firstVector: 8 },
    sequence,
    scalars: [...serverScalars, ...workerScalars],
    reductionSlots: slot,
    output: 'x',
    traffic: { vectorAccesses: traffic, probReads },
    stateBuffers: [
      { label: 'server', vectors: serverVecs, rowsPerReplica: 1 },
      { label: 'worker', vectors: workerVecs, rowsPerReplica: N },
      ...(gp ? [{ label: GRADIENT_VECTOR, vectors: [GRADIENT_VECTOR], rowsPerReplica: 1 }] : []),
    ],
    // sv, wv, gex (the gexact state buffer, or the engine's 16-byte dummy without a pass), wcen, pk, dm
    extraBindings: ['storage', 'storage', 'storage', 'read-only-storage', 'storage', 'storage'],
    dist: {
      n: N,
      messages,
      messageRows: FL,
      guards: guards.map((g) => ({ parameter: g.parameter, operator: g.operator, what: g.what, scope: g.scope })),
      slotWords: DS,
      accWords: DA,
      communication: dist !== null,
      packed,
      voteCounts,
      serverScalars,
      workerScalars,
    },
  };
}

const THREAD_SIGNATURE = (entry: string) =>
  `@compute @workgroup_size(${REDUCE_THREADS})\nfn ${entry}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {`;

/** The worker-grid prologue: y runs over (replica, worker) rows of the chunk. */
const WORKER_GRID_PROLOGUE = (N: number) => `  let q = wid.x * WX + lid.x;
  let rw = wid.y * WY + lid.y;
  let rl = rw / ch.nw;
  let j = rw % ch.nw;
  let li = lid.y * WX + lid.x;
  let inRange = q < ch.quads && rl < ch.rows;
  let r = ch.r0 + rl;
  let qg = ch.q0 + q;
  let idx = rl * ch.quads + q;
  let widx = rw * ch.quads + q;
  let valid = (vec4<u32>(qg * 4u) + vec4<u32>(0u, 1u, 2u, 3u)) < vec4<u32>(ch.D);
  let zero = vec4<f32>(0.0);
  let one = vec4<f32>(1.0);`;

/** Word-grid prologue: x = 32-coordinate word of the chunk, y = row (replica, or (replica, worker)). */
const WORD_PROLOGUE = (scope: Scope, N: number) => `  let words = (ch.quads + 7u) / 8u;
  let gi = (wid.y * 65535u + wid.x) * 64u + lid.x;
  let row = gi / words;
  let wl = gi % words;
  let rl = ${scope === 'worker' ? `row / ch.nw` : 'row'};
  let j = ${scope === 'worker' ? `row % ch.nw` : '0u'};
  if (rl >= ch.rows) {
    return;
  }
  let r = ch.r0 + rl;
  if (status[r].div >= 0) {
    return;
  }
  let w = ch.q0 / 8u + wl;
  let W = (ch.D + 31u) / 32u;`;

/**
 * Encodes one message row (a worker's up message or the server's down message) word by word, as
 * encodeSigns in src/engine/bits.ts: bit i of the sign plane = entry is +1 (or +scale), of the
 * nonzero plane = entry is nonzero; padding bits 0. Sets flag bit 1 when a valid coordinate is 0
 * (the ternary format) and bit 2 for an entry that is not a sign (not 0 or +-scale). With `decode`,
 * writes the decoded values back (scale times +1, -1 or 0): what the receivers apply.
 */
function packKernel(entry: string, m: DistMessage, vecPlane: number, scope: Scope, N: number, scale: ((row: string) => string) | null, decode: boolean): string {
  const rows = m.rowsExpr;
  const at = scope === 'worker' ? `wv[${vecPlane}u * (ch.rows * ch.nw * ch.quads) + (rl * ch.nw + j) * ch.quads + qq]` : `sv[${vecPlane}u * (ch.rows * ch.quads) + rl * ch.quads + qq]`;
  return `@compute @workgroup_size(64, 1)
fn ${entry}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
${WORD_PROLOGUE(scope, N)}
  let sc = ${scale ? scale(`r * ${rows} + j`) : '1.0'};
  var sw = 0u;
  var zw = 0u;
  var zeros = false;
  var bad = false;
  for (var k = 0u; k < 8u; k = k + 1u) {
    let qq = wl * 8u + k;
    if (qq < ch.quads) {
      let v4 = ${at};
      for (var c = 0u; c < 4u; c = c + 1u) {
        let b = 4u * k + c;
        if (w * 32u + b < ch.D) {
          let v = v4[c];
          if (v == 0.0) {
            zeros = true;
          } else if (v == sc) {
            sw = sw | (1u << b);
            zw = zw | (1u << b);
          } else if (v == -sc) {
            zw = zw | (1u << b);
          } else {
            bad = true;
          }
        }
      }
    }
  }
  let base = (${m.offsetExpr} * ch.R + r * ${rows} + j) * 2u * W;
  pk[base + w] = sw;
  pk[base + W + w] = zw;
  let flag = select(0u, 1u, zeros) | select(0u, 2u, bad);
  if (flag != 0u) {
    atomicOr(&dm[${m.offsetExpr} * ch.R + r * ${rows} + j], flag);
  }
${
  decode
    ? `  for (var k = 0u; k < 8u; k = k + 1u) {
    let qq = wl * 8u + k;
    if (qq < ch.quads) {
      var v4 = vec4<f32>(0.0);
      for (var c = 0u; c < 4u; c = c + 1u) {
        let b = 4u * k + c;
        if (((zw >> b) & 1u) != 0u) {
          v4[c] = select(-sc, sc, ((sw >> b) & 1u) != 0u);
        }
      }
      ${at} = v4;
    }
  }`
    : ''
}
}`;
}

/** Row reduction tree of the distributed plan: rows are replicas (server) or (replica, worker). */
function rowScalarTree(acc: string, kind: 'sum' | 'max', slot: number, row: string, rowsTotal: string): string {
  const combine = kind === 'sum' ? 'reds[li] + reds[li + s]' : 'sc_maxnan(reds[li], reds[li + s])';
  return `  workgroupBarrier();
  reds[li] = ${acc};
  for (var s = WX / 2u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lid.x < s) {
      reds[li] = ${combine};
    }
  }
  if (lid.x == 0u && rl < ch.rows) {
    rpart[(${slot}u * ${rowsTotal} + ${row}) * ch.nwg + ch.wgx0 + wid.x] = reds[li];
  }`;
}

/** Finishing of reduction slots per row (a workgroup of 64 per replica, or per (replica, worker)). */
function rowGroupKernel(entry: string, scope: Scope, N: number, items: ReadonlyArray<{ slot: number; kind: 'sum' | 'max'; store: string }>): string {
  const worker = scope === 'worker';
  const parts = items.map(({ slot, kind, store }) => {
    return finishSlotWgsl(kind, store, `(${slot}u * ch.R * ch.nw + row)`);
  });
  return `@compute @workgroup_size(${REDUCE_THREADS})
fn ${entry}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let row = wid.y * 65535u + wid.x;
  if (row >= ch.R${worker ? ` * ch.nw` : ''}) {
    return;
  }
  let r = ${worker ? `row / ch.nw` : 'row'};
  let j = ${worker ? `row % ch.nw` : '0u'};
${parts.join('\n')}
}`;
}

/**
 * Module-level declarations of the distributed plan. Binding 10 is the exact-gradient vector `gex`
 * (with a gradient pass, a third state buffer the pass writes; otherwise a 16-byte dummy).
 */
function distributedHeader(cfg: StepKernelConfig, N: number): string {
  const noise = cfg.noise;
  const sig = cfg.sigma === 'vector' ? 'sigv[q]' : 'ch.sigma';
  const noisyW = noise
    ? `${noiseQuadFunction(noise)}fn noisy_w(ge: vec4<f32>, q: u32, qg: u32, r: u32, j: u32) -> vec4<f32> {
  let key = vec2<u32>(ch.seed, ${Purpose.noise}u);
  let invB = 1.0 / f32(rec.batch);
  var zs = noise_quad(qg, rec.t, j, r, key);
  for (var b = 1u; b < rec.batch; b = b + 1u) {
    zs = zs + noise_quad(qg, rec.t, j | (b << 16u), r, key);
  }
  return ge + (${sig} * zs) * invB;
}
`
    : 'fn noisy_w(ge: vec4<f32>, q: u32, qg: u32, r: u32, j: u32) -> vec4<f32> { return ge; }\n';
  return `${PHILOX_WGSL}
${NOISE_PRELUDE_WGSL}
${noise ? noise.wgsl : ''}
${WGSL_EXPR_PRELUDE}
${HELPERS}
${recordStruct(cfg.hyperNames)}${STATUS_STRUCT}${CHUNK_STRUCT}struct Prob { diag: vec4<f32>, center: vec4<f32> }

@group(0) @binding(0) var<storage, read> rec: StepRec;
@group(0) @binding(1) var<uniform> ch: Chunk;
@group(0) @binding(2) var<storage, read> status: array<Status>;
@group(0) @binding(3) var<storage, read_write> partials: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> prob: array<Prob>;
@group(0) @binding(5) var<storage, read> sigv: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read_write> scal: array<f32>;
@group(0) @binding(7) var<storage, read_write> rpart: array<f32>;
// server vectors (x first) and worker vectors (g first), plane after plane
@group(0) @binding(8) var<storage, read_write> sv: array<vec4<f32>>;
@group(0) @binding(9) var<storage, read_write> wv: array<vec4<f32>>;
// the exact gradient at x of every replica (a gradient pass writes it; a 16-byte dummy without one), replicas x ceil(d/4)
@group(0) @binding(10) var<storage, read_write> gex: array<vec4<f32>>;
// per-worker centers (heterogeneous problems; a 16-byte dummy otherwise), n x ceil(d/4)
@group(0) @binding(11) var<storage, read> wcen: array<vec4<f32>>;
// packed messages: per message row, the sign plane then the nonzero plane (W words each)
@group(0) @binding(12) var<storage, read_write> pk: array<u32>;
// per message row: ternary (1) and invalid (2) flags; then per (slot, replica) the step's record
@group(0) @binding(13) var<storage, read_write> dm: array<atomic<u32>>;

const WX: u32 = ${cfg.wx}u;
const WY: u32 = ${cfg.wy}u;
var<workgroup> red: array<vec4<f32>, ${cfg.wx * cfg.wy}>;
var<workgroup> reds: array<f32, ${cfg.wx * cfg.wy}>;

// Hacker's Delight 7-3 (as transpose32 in src/engine/bits.ts): bit c of a[r] <-> bit r of a[c]
fn sc_transpose32(a: ptr<function, array<u32, 32>>) {
  var m = 0x0000ffffu;
  var s = 16u;
  loop {
    if (s == 0u) {
      break;
    }
    var k = 0u;
    loop {
      if (k >= 32u) {
        break;
      }
      let t = (((*a)[k] >> s) ^ (*a)[k + s]) & m;
      (*a)[k] = (*a)[k] ^ (t << s);
      (*a)[k + s] = (*a)[k + s] ^ t;
      k = (k + s + 1u) & ~s;
    }
    s = s >> 1u;
    m = m ^ (m << s);
  }
}
${noisyW}`;
}
