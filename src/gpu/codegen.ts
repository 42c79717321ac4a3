import { freeVariables, toWgsl, usesRand, wgslFloat, WGSL_EXPR_PRELUDE, type Expr } from '../algorithms/expr.ts';
import { checkProgram, type AlgorithmDef, type CheckedProgram, type MapOp, type OracleOp, type ScalarOp } from '../algorithms/program.ts';
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
 * Worker-scope programs (majority vote, per-worker compressors) are not generated yet: see
 * {@link gpuSupport}.
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
export const CHUNK_BYTES = 48;
/** Bytes of the reduce kernel's Run uniform. */
export const RUN_BYTES = 32;

/** The plan a supported run uses. */
export type GpuPlan = 'fused' | 'general';

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
}

/**
 * What keeps an algorithm / problem pair off the WebGPU engine: worker-scope ops and aggregates
 * (distributed programs: majority vote, per-worker compressors, their wire-bit accounting), S_R
 * bound guards and running-max syncs (enforced by the CPU engine's DistributedRuntime),
 * heterogeneous or non-separable problems (rotated quadratics, logistic regression: they need
 * separate gradient kernels). Everything else runs, fused when the program allows.
 */
export function gpuSupport(def: AlgorithmDef, problem: ProblemShape): GpuSupport {
  const reasons: string[] = [];
  const p = def.program;
  const checked = checkProgram(def.id, p);
  if (checked.workerOps) reasons.push(`${def.id} has worker-scope ops or aggregates (distributed programs)`);
  const extra = def as { guards?: readonly unknown[]; syncs?: readonly unknown[] };
  if ((extra.guards?.length ?? 0) > 0 || (extra.syncs?.length ?? 0) > 0) reasons.push(`${def.id} declares S_R bound guards or running-max syncs (CPU engine only)`);
  if (problem.heterogeneous) reasons.push(`problem ${problem.id} is heterogeneous (per-worker objectives)`);
  else if (!problem.separable) reasons.push(`problem ${problem.id} has no separable-quadratic gradient (rotated quadratics, logistic regression and other non-separable gradients need separate gradient kernels)`);
  const bad = new Map<number, string[]>();
  for (const [src, e] of checked.parsed) for (const v of literals(e)) if (!isFloat32Normal(v)) bad.set(v, [...(bad.get(v) ?? []), src]);
  for (const [v, srcs] of bad) {
    const why = Math.abs(v) > F32_MAX ? 'it overflows to infinity' : `it rounds to 0 or a subnormal, so a guard such as max(s, ${v}) divides by zero`;
    reasons.push(`${def.id} uses the literal ${v}, which is not a float32 number (${why}), in ${srcs.length} expression(s), e.g. "${srcs[0]}"`);
  }
  if (reasons.length) return { supported: false, plan: null, reasons };
  return { supported: true, plan: isFusable(checked) ? 'fused' : 'general', reasons };
}

/** Largest finite float32. */
export const F32_MAX = 3.4028234663852886e38;
/** Smallest positive normal float32 (2^-126). */
export const F32_MIN_NORMAL = 2 ** -126;

/** True for 0 and for numbers within float32's normal range (no overflow, no underflow). */
export function isFloat32Normal(v: number): boolean {
  const a = Math.abs(v);
  return v === 0 || (Number.isFinite(v) && a >= F32_MIN_NORMAL && a <= F32_MAX);
}

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
  /** `grid`: 2-D over (quads, replicas) per chunk; `replica`: per replica (reduction finish, scalar ops). */
  readonly dispatch: 'grid' | 'replica-group' | 'replica-thread';
  readonly entry: string;
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
const CHUNK_STRUCT = `struct Chunk { r0: u32, q0: u32, rows: u32, quads: u32, wgx0: u32, nwg: u32, R: u32, D: u32, seed: u32, sigma: f32, fc: f32, pad1: u32 }\n`;

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

/** Parsed-expression lookup that never re-parses. */
function exprOf(checked: CheckedProgram, src: string): Expr {
  const e = checked.parsed.get(src);
  if (!e) throw new Error(`expression not parsed by checkProgram: ${src}`);
  return e;
}

/** The stochastic-gradient function: noisy(ge, q, qg, r) in the CPU engine's order of operations. */
function noisyFunction(cfg: StepKernelConfig): string {
  const n = cfg.workers;
  const noise = cfg.noise;
  const sig = cfg.sigma === 'vector' ? 'sigv[q]' : 'ch.sigma';
  if (!noise) {
    return n === 1
      ? 'fn noisy(ge: vec4<f32>, q: u32, qg: u32, r: u32) -> vec4<f32> { return ge; }\n'
      : `fn noisy(ge: vec4<f32>, q: u32, qg: u32, r: u32) -> vec4<f32> {
  var g = vec4<f32>(0.0);
  for (var j = 0u; j < ${n}u; j = j + 1u) { g = g + ge / ${wgslFloat(n)}; }
  return g;
}\n`;
  }
  const quad =
    noise.samplesPerCall === 4
      ? `fn noise_quad(qg: u32, t: u32, lane: u32, r: u32, key: vec2<u32>) -> vec4<f32> {
  return noise_from_words(philox4x32_10(vec4<u32>(qg, t, lane, r), key));
}\n`
      : `fn noise_quad(qg: u32, t: u32, lane: u32, r: u32, key: vec2<u32>) -> vec4<f32> {
  let a = noise_from_words(philox4x32_10(vec4<u32>(2u * qg, t, lane, r), key));
  let b = noise_from_words(philox4x32_10(vec4<u32>(2u * qg + 1u, t, lane, r), key));
  return vec4<f32>(a.x, a.y, b.x, b.y);
}\n`;
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

interface ProgramInfo {
  readonly checked: CheckedProgram;
  readonly declared: Set<string>;
  /** Declared vectors the ops touch (read, write, oracle at/into, output). */
  readonly used: Set<string>;
  readonly written: Set<string>;
  readonly scalarNames: string[];
}

function programInfo(def: AlgorithmDef): ProgramInfo {
  const p = def.program;
  const checked = checkProgram(def.id, p);
  const declared = new Set(p.vectors.map((v) => v.name));
  const used = new Set<string>();
  const written = new Set<string>();
  const touch = (v: string) => {
    if (declared.has(v)) used.add(v);
  };
  // (a map's locals never shadow vectors: a target naming a declared vector stores into it)
  for (const op of p.ops) {
    if (op.op === 'map') {
      for (const [target, src] of op.assign) {
        for (const v of freeVariables(exprOf(checked, src))) touch(v);
        if (declared.has(target) || target === 'x' || target === 'g') {
          written.add(target);
          touch(target);
        }
      }
      for (const r of op.reduce ?? []) for (const v of freeVariables(exprOf(checked, r.expr))) touch(v);
    } else if (op.op === 'oracle') {
      touch(op.at);
      touch(op.into);
      written.add(op.into);
    }
  }
  if (p.output) touch(p.output);
  return { checked, declared, used, written, scalarNames: p.scalars.map((s) => s.name) };
}

/**
 * Emits map ops scalarised over the four coordinates of a quad. `scalar(name)` is how a scalar
 * reads (a literal in the fused plan, a per-replica value in the general plan). Row reductions
 * accumulate into `red_<k>` (f32, declared by the caller) with the identity outside 0..d-1.
 */
function emitMaps(
  ops: ReadonlyArray<{ readonly op: MapOp; readonly index: number }>,
  info: ProgramInfo,
  hyper: ReadonlySet<string>,
  scalar: (name: string) => string,
  reductionVar: (opIndex: number, k: number) => string,
): string[] {
  const { checked, declared } = info;
  const lines: string[] = [];
  for (const c of COMPONENTS) {
    const ci = COMPONENTS.indexOf(c);
    lines.push(`    { // coordinate 4q + ${ci}`);
    for (const { op, index } of ops) {
      lines.push(`      { // op ${index}`);
      const random = [...op.assign.map(([, s]) => s), ...(op.reduce ?? []).map((r) => r.expr)].some((s) => usesRand(exprOf(checked, s)));
      if (random) lines.push(`        sc_rw = philox4x32_10(vec4<u32>(qg * 4u + ${ci}u, rec.t, 0u, r), vec2<u32>(ch.seed, ${(Purpose.compress + index) >>> 0}u));`);
      const locals = new Set<string>();
      const name = (v: string): string => {
        if (locals.has(v)) return `l_${v}`;
        if (v === 'x' || v === 'g' || declared.has(v)) return `v_${v}.${c}`;
        if (v in BUILTINS) return BUILTINS[v];
        if (hyper.has(v)) return `rec.p_${v}`;
        return scalar(v);
      };
      for (const [target, src] of op.assign) {
        const rhs = toWgsl(exprOf(checked, src), name);
        if (target === 'x' || target === 'g' || declared.has(target)) lines.push(`        v_${target}.${c} = ${rhs};`);
        else if (locals.has(target)) lines.push(`        l_${target} = ${rhs};`);
        else {
          lines.push(`        var l_${target}: f32 = ${rhs};`);
          locals.add(target);
        }
      }
      (op.reduce ?? []).forEach((r, k) => {
        const acc = reductionVar(index, k);
        const rhs = toWgsl(exprOf(checked, r.expr), name);
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
${general ? '@group(0) @binding(6) var<storage, read_write> scal: array<f32>;\n@group(0) @binding(7) var<storage, read_write> rpart: array<f32>;' : ''}
${vecBindings.join('\n')}

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
  if (info.checked.workerOps) throw new Error(`${def.id}: worker-scope programs are not generated for WebGPU`);
  return isFusable(info.checked) ? generateFused(cfg, info) : generateGeneral(cfg, info);
}

function generateFused(cfg: StepKernelConfig, info: ProgramInfo): StepKernel {
  const { def, wx, wy } = cfg;
  const prog = def.program;
  const scalarInit = new Map(prog.scalars.map((s) => [s.name, s.init]));
  const hyper = new Set(cfg.hyperNames);
  const vectors = ['x', ...prog.vectors.map((v) => v.name).filter((n) => info.used.has(n))];
  const maps = prog.ops.map((op, index) => ({ op: op as MapOp, index }));
  const body = emitMaps(maps, info, hyper, (v) => {
    if (scalarInit.has(v)) return wgslFloat(scalarInit.get(v)!);
    throw new Error(`${def.id}: unresolved name ${v} in the WGSL program`);
  }, () => {
    throw new Error('no reductions in the fused plan');
  });
  const loads = vectors.filter((v) => v !== 'x').map((v) => `      var v_${v} = vec_${v}[idx];`);
  const written = vectors.filter((v) => info.written.has(v));
  const stores = written.map((v) => `      vec_${v}[idx] = v_${v};`);
  const wgsl = `// signcheck fused step kernel: ${def.id} (${def.name}); noise ${cfg.noise ? `${cfg.noise.samplesPerCall}/call` : 'none'}, sigma ${cfg.sigma}, n = ${cfg.workers}
${moduleHeader(cfg, vectors, false)}
${GRID_SIGNATURE('step', wx, wy)}
${GRID_PROLOGUE}
  var acc = vec4<f32>(0.0);
  if (inRange) {
    let pr = prob[q];
    var v_x = vec_x[idx];
    let x_old = v_x;
    let dx = v_x - pr.center;
    let ge = pr.diag * dx;
    acc.x = dot(select(zero, abs(ge), valid), one);
    acc.y = dot(select(zero, ge * ge, valid), one);
    acc.z = dot(select(zero, ge * dx, valid), one);
    if (rec.update != 0u && status[r].div < 0) {
      var v_g = noisy(ge, q, qg, r);
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
`;
  return {
    plan: 'fused',
    wgsl,
    vectors,
    written,
    bindings: { record: 0, chunk: 1, status: 2, partials: 3, prob: 4, sigma: 5, scalars: null, reductionPartials: null, firstVector: 8 },
    sequence: [{ dispatch: 'grid', entry: 'step', onlyUpdate: false }],
    scalars: [],
    reductionSlots: 0,
    output: 'x',
    traffic: { vectorAccesses: vectors.length + written.length, probReads: 1 },
  };
}

function generateGeneral(cfg: StepKernelConfig, info: ProgramInfo): StepKernel {
  const { def, wx, wy } = cfg;
  const prog = def.program;
  const hyper = new Set(cfg.hyperNames);
  const out = prog.output ?? 'x';
  const vectors = ['x', 'g', ...prog.vectors.map((v) => v.name).filter((n) => info.used.has(n))];
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
  sections.push(`${GRID_SIGNATURE('grad', wx, wy)}
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
      vec_g[idx] = noisy(ge, q, qg, r);
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

  prog.ops.forEach((op, index) => {
    const entry = `op${index}`;
    if (op.op === 'map') {
      // load the vectors this op reads or writes (a target may be read before it is assigned)
      const touched = new Set<string>();
      for (const [t, src] of op.assign) {
        touched.add(t);
        for (const v of freeVariables(exprOf(info.checked, src))) touched.add(v);
      }
      for (const r of op.reduce ?? []) for (const v of freeVariables(exprOf(info.checked, r.expr))) touched.add(v);
      const opVectors = vectors.filter((v) => touched.has(v));
      const loads = opVectors.map((v) => `      var v_${v} = vec_${v}[idx];`);
      const stores = opVectors.filter((v) => op.assign.some(([t]) => t === v)).map((v) => `      vec_${v}[idx] = v_${v};`);
      traffic += loads.length + stores.length;
      const reds = op.reduce ?? [];
      const accs = reds.map((r, k) => `  var red_${index}_${k}: f32 = ${r.kind === 'sum' ? '0.0' : 'sc_neg_inf()'};`);
      const body = emitMaps([{ op, index }], info, hyper, scalarRead, (i, k) => `red_${i}_${k}`);
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
      const o = op as OracleOp;
      traffic += 2;
      probReads += 1;
      sections.push(`${GRID_SIGNATURE(entry, wx, wy)}
${GRID_PROLOGUE}
  if (inRange && status[r].div < 0) {
    let pr = prob[q];
    let pa = vec_${o.at}[idx];
    vec_${o.into}[idx] = noisy(pr.diag * (pa - pr.center), q, qg, r);
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
`;
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
  };
}

/** Per-replica finishing of reduction slots (one workgroup of 64 per replica): v -> `store`. */
function replicaGroupKernel(entry: string, items: ReadonlyArray<{ slot: number; kind: 'sum' | 'max'; store: string }>): string {
  const parts = items.map(({ slot, kind, store }) => {
    const id = kind === 'sum' ? '0.0' : 'sc_neg_inf()';
    const comb = (a: string, b: string) => (kind === 'sum' ? `${a} + ${b}` : `sc_maxnan(${a}, ${b})`);
    return `  {
    var v: f32 = ${id};
    for (var i = lid.x; i < ch.nwg; i = i + ${REDUCE_THREADS}u) {
      v = ${comb('v', `rpart[(${slot}u * ch.R + r) * ch.nwg + i]`)};
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
function scalarKernel(entry: string, op: ScalarOp, info: ProgramInfo, hyper: ReadonlySet<string>, scalars: ReadonlyArray<{ name: string }>, NS: number): string {
  const written = new Set(op.assign.map(([t]) => t));
  const name = (v: string): string => {
    if (v in BUILTINS) return BUILTINS[v];
    if (hyper.has(v)) return `rec.p_${v}`;
    if (scalars.some((s) => s.name === v)) return `s_${v}`;
    throw new Error(`unresolved scalar name ${v}`);
  };
  const loads = scalars.map((s, i) => `  var s_${s.name} = scal[r * ${NS}u + ${i}u];`);
  const body = op.assign.map(([t, src]) => `  s_${t} = ${toWgsl(exprOf(info.checked, src), name)};`);
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
export function generateReduceKernel(hyperNames: readonly string[]): string {
  const idx = (f: (typeof RECORD_HEADER)[number]) => RECORD_HEADER.indexOf(f);
  return `// signcheck metric reduction kernel
${recordStruct(hyperNames)}${STATUS_STRUCT}struct Run { R: u32, nwg: u32, T: u32, stride: u32, zero: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<storage, read> rec: StepRec;
@group(0) @binding(1) var<storage, read> recs: array<u32>;
@group(0) @binding(2) var<uniform> run: Run;
@group(0) @binding(3) var<storage, read> partials: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> status: array<Status>;
@group(0) @binding(5) var<storage, read> tau: array<u32>;
@group(0) @binding(6) var<storage, read_write> curve: array<vec4<f32>>;

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
          }
        }
        status[r] = st;
      }
    }
    workgroupBarrier();
  }
}
`;
}
