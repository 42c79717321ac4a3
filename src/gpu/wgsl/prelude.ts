/** WGSL shared by every step kernel: structs, helpers, module headers, prologues, the noise functions. */
import { F32_MIN_NORMAL } from '../guards.ts';
import { wgslFloat, WGSL_EXPR_PRELUDE, type Expr } from '../../algorithms/expr.ts';
import type { CheckedProgram, Scope } from '../../algorithms/program.ts';
import { Purpose } from '../../rng/streams.ts';
import { NOISE_PRELUDE_WGSL, type WgslNoise } from '../noise.wgsl.ts';
import { PHILOX_WGSL } from '../philox.wgsl.ts';
import { RECORD_STRIDE, REDUCE_THREADS, type StepKernelConfig } from './kernel.ts';

/**
 * WGSL: sc_fsum(r, k0, region) = sum of the pass's f partials k0, k0 + nwg, ... (< P) of replica r.
 * `rows`: reduction-slot rows (ch.R; the distributed plan's slots hold ch.R * ch.nw rows).
 */
export function fsumFunction(slots: number, P: number | string, rows = 'ch.R'): string {
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

/** The record struct shared by all kernels. */
export function recordStruct(hyperNames: readonly string[]): string {
  const fields = [
    't: u32', 'update: u32', 'batch: u32', 'slot: u32', 'cp: i32', 'rfirst: u32', 'rcount: u32', 'last: u32',
    'first: f32', 'T: f32', 'd: f32', 'n: f32',
    ...hyperNames.map((h) => `p_${h}: f32`),
  ];
  if (fields.length * 4 > RECORD_STRIDE) throw new Error(`too many hyperparameters for one step record (${hyperNames.length})`);
  return `struct StepRec {\n  ${fields.join(',\n  ')},\n}\n`;
}

/** The per-replica status record (divergence, compensated sums, tau value, frozen count). */
export const STATUS_STRUCT = `struct Status { s1: vec2<f32>, s2: vec2<f32>, tauG1: f32, div: i32, frozen: u32, pad: u32 }\n`;
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
export function exprOf(checked: CheckedProgram, src: string): Expr {
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

/** Module-level declarations common to every step kernel. */
export function moduleHeader(cfg: StepKernelConfig, vectors: readonly string[], general: boolean): string {
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
export const GRID_PROLOGUE = `  let q = wid.x * WX + lid.x;
  let rl = wid.y * WY + lid.y;
  let li = lid.y * WX + lid.x;
  let inRange = q < ch.quads && rl < ch.rows;
  let r = ch.r0 + rl;
  let qg = ch.q0 + q;
  let idx = rl * ch.quads + q;
  let valid = (vec4<u32>(qg * 4u) + vec4<u32>(0u, 1u, 2u, 3u)) < vec4<u32>(ch.D);
  let zero = vec4<f32>(0.0);
  let one = vec4<f32>(1.0);`;

/** Entry point of a 2-D grid kernel (x: coordinate quads, y: rows). */
export const GRID_SIGNATURE = (entry: string, wx: number, wy: number) =>
  `@compute @workgroup_size(${wx}, ${wy})\nfn ${entry}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {`;

/** Entry point of a one-thread-per-row kernel (REDUCE_THREADS threads per workgroup). */
export const THREAD_SIGNATURE = (entry: string) =>
  `@compute @workgroup_size(${REDUCE_THREADS})\nfn ${entry}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {`;

/** The worker-grid prologue: y runs over (replica, worker) rows of the chunk. */
export const WORKER_GRID_PROLOGUE = (N: number) => `  let q = wid.x * WX + lid.x;
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
export const WORD_PROLOGUE = (scope: Scope, N: number) => `  let words = (ch.quads + 7u) / 8u;
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
 * Module-level declarations of the distributed plan. Binding 10 is the exact-gradient vector `gex`
 * (with a gradient pass, a third state buffer the pass writes; otherwise a 16-byte dummy).
 */
export function distributedHeader(cfg: StepKernelConfig, N: number): string {
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