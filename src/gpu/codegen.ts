import { freeVariables, parseExpr, toWgsl, wgslFloat, WGSL_EXPR_PRELUDE } from '../algorithms/expr.ts';
import { checkProgram, type AlgorithmDef, type MapOp, type StepProgram } from '../algorithms/program.ts';
import { Purpose } from '../rng/streams.ts';
import { NOISE_PRELUDE_WGSL, type WgslNoise } from './noise.wgsl.ts';
import { PHILOX_WGSL } from './philox.wgsl.ts';

/**
 * WGSL generation for the GPU engine: one fused kernel per step for coordinate-wise programs on
 * separable-quadratic problems, and one reduction kernel that turns per-workgroup partial sums
 * into the run's metrics.
 *
 * Step kernel (2-D dispatch: x = coordinate quads, y = replicas). Thread (q, r) owns coordinates
 * 4q..4q+3 of replica r and, at step t:
 *   1. loads x and the program's state vectors as vec4 (one 16-byte load each);
 *   2. forms the exact gradient g^e = diag (.) (x - c) and its metric contributions
 *      |g^e|, (g^e)^2 and diag (x - c)^2 (for f - f(c) = 1/2 sum diag (x - c)^2), masked past d;
 *   3. forms the stochastic gradient exactly as the CPU engine does:
 *        g = (1/n) sum_{j<n} ( g^e + sum_{b<B} (sigma (.) xi_{t,j,b}) / B )   (n = 1: no 1/n),
 *      xi from Philox4x32-10 with key (seed, Purpose.noise) and counter (block, t, j | b << 16, r),
 *      block = q for 4 samples per call, blocks 2q and 2q + 1 for 2 (src/rng/streams.ts);
 *   4. runs the program's map statements on each of the four coordinates (expressions compiled by
 *      `toWgsl`, the same text the CPU engine compiles to JavaScript), stores written vectors;
 *   5. reduces the metric contributions over the workgroup's x extent (shared-memory tree) and
 *      writes one vec4 partial per (step slot, replica, workgroup).
 * Replicas whose divergence is already recorded are not updated any more.
 *
 * Reduce kernel (one workgroup of 64 threads per replica) runs after a group of K steps: for each
 * step of the group in order it sums the partials, then thread 0 applies the CPU engine's
 * bookkeeping: divergence (non-finite ||g||_1, ||g||_2, or f at a checkpoint), checkpoint
 * values, compensated (two-sum) accumulation of ||g||_1 and ||g||_2 over t < T, the tau-th
 * gradient norm, and the frozen-coordinate count of the last step.
 */

/** Words of the per-step record, in order; `p_<name>` hyperparameters follow. */
export const RECORD_HEADER = ['t', 'update', 'batch', 'slot', 'cp', 'rfirst', 'rcount', 'last', 'first', 'T', 'd', 'n'] as const;
/** Bytes between consecutive step records (a multiple of every device's storage offset alignment, <= 256 by spec). */
export const RECORD_STRIDE = 256;
/** Bytes of one replica's status record (see STATUS struct). */
export const STATUS_BYTES = 32;
/** Threads per workgroup of the step kernel. */
export const STEP_THREADS = 256;
/** Threads per workgroup of the reduce kernel. */
export const REDUCE_THREADS = 64;

/** Why a run cannot use the fused GPU path (empty when it can). */
export interface GpuSupport {
  readonly supported: boolean;
  readonly reasons: readonly string[];
}

/** Problem facts the generator needs. */
export interface ProblemShape {
  readonly id: string;
  readonly separable: boolean;
  readonly heterogeneous: boolean;
}

/**
 * Lists what keeps an algorithm / problem pair off the fused WebGPU path: worker-scope ops,
 * aggregates (majority vote), scalar ops, row reductions, non-separable or heterogeneous problems.
 */
export function gpuSupport(def: AlgorithmDef, problem: ProblemShape): GpuSupport {
  const reasons: string[] = [];
  const p = def.program;
  const checked = checkProgram(def.id, p);
  if (checked.workerOps) reasons.push(`${def.id} has worker-scope ops or aggregates (distributed programs)`);
  if (p.ops.some((o) => o.op === 'scalar')) reasons.push(`${def.id} has scalar ops`);
  if (p.ops.some((o) => o.op === 'map' && (o.reduce?.length ?? 0) > 0)) reasons.push(`${def.id} has row reductions`);
  if (problem.heterogeneous) reasons.push(`problem ${problem.id} is heterogeneous (per-worker objectives)`);
  else if (!problem.separable) reasons.push(`problem ${problem.id} has no separable-quadratic gradient (rotated quadratics, logistic regression and other non-separable gradients need separate gradient kernels)`);
  return { supported: reasons.length === 0, reasons };
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

/** The generated kernel and the state vectors it binds (x first). */
export interface StepKernel {
  readonly wgsl: string;
  /** Stored state vectors in binding order: 'x' then the program's vectors that ops touch (each loaded once per step). */
  readonly vectors: readonly string[];
  /** The vectors the kernel writes back each step. */
  readonly written: readonly string[];
  readonly bindings: { readonly record: 0; readonly chunk: 1; readonly status: 2; readonly partials: 3; readonly prob: 4; readonly sigma: 5; readonly firstVector: number };
}

const COMPONENTS = ['x', 'y', 'z', 'w'] as const;
const BUILTINS: Record<string, string> = { t: 'f32(rec.t)', first: 'rec.first', T: 'rec.T', d: 'rec.d', n: 'rec.n' };

/** The record struct shared by both kernels. */
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
const CHUNK_STRUCT = `struct Chunk { r0: u32, q0: u32, rows: u32, quads: u32, wgx0: u32, nwg: u32, R: u32, D: u32, seed: u32, sigma: f32, pad0: u32, pad1: u32 }\n`;
/** Bytes of the Chunk uniform. */
export const CHUNK_BYTES = 48;

/** Generates the fused step kernel for a supported program (see the module comment). */
export function generateStepKernel(cfg: StepKernelConfig): StepKernel {
  const { def, wx, wy } = cfg;
  if (wx * wy !== STEP_THREADS || (wx & (wx - 1)) !== 0) throw new Error(`bad workgroup shape ${wx} x ${wy}`);
  const prog: StepProgram = def.program;
  const checked = checkProgram(def.id, prog);
  const declared = new Set(prog.vectors.map((v) => v.name));
  const scalarInit = new Map(prog.scalars.map((s) => [s.name, s.init]));
  const hyper = new Set(cfg.hyperNames);
  const maps = prog.ops as readonly MapOp[];

  // which declared vectors are touched, which are written
  const used = new Set<string>();
  const written = new Set<string>();
  // (a map's locals never shadow vectors: a target naming a declared vector stores into it)
  for (const op of maps) {
    for (const [target, src] of op.assign) {
      for (const v of freeVariables(checked.parsed.get(src) ?? parseExpr(src))) if (declared.has(v)) used.add(v);
      if (declared.has(target) || target === 'x') {
        written.add(target);
        if (target !== 'x') used.add(target);
      }
    }
  }
  const vectors = ['x', ...prog.vectors.map((v) => v.name).filter((n) => used.has(n))];
  const firstVector = 6;

  // the program, scalarised per component
  const body: string[] = [];
  for (const c of COMPONENTS) {
    body.push(`    { // coordinate 4q + ${COMPONENTS.indexOf(c)}`);
    maps.forEach((op, k) => {
      body.push(`      { // op ${k}`);
      const locals = new Set<string>();
      const name = (v: string): string => {
        if (locals.has(v)) return `l_${v}`;
        if (v === 'x' || v === 'g' || declared.has(v)) return `v_${v}.${c}`;
        if (v in BUILTINS) return BUILTINS[v];
        if (hyper.has(v)) return `rec.p_${v}`;
        if (scalarInit.has(v)) return wgslFloat(scalarInit.get(v)!);
        throw new Error(`${def.id}: unresolved name ${v} in the WGSL program`);
      };
      for (const [target, src] of op.assign) {
        const rhs = toWgsl(checked.parsed.get(src) ?? parseExpr(src), name);
        if (target === 'x' || target === 'g' || declared.has(target)) body.push(`        v_${target}.${c} = ${rhs};`);
        else if (locals.has(target)) body.push(`        l_${target} = ${rhs};`);
        else {
          body.push(`        var l_${target}: f32 = ${rhs};`);
          locals.add(target);
        }
      }
      body.push('      }');
    });
    body.push('    }');
  }

  const n = cfg.workers;
  const noise = cfg.noise;
  const sig = cfg.sigma === 'vector' ? 'sigv[q]' : 'ch.sigma';
  const noiseQuad = !noise
    ? ''
    : noise.samplesPerCall === 4
      ? `fn noise_quad(qg: u32, t: u32, lane: u32, r: u32, key: vec2<u32>) -> vec4<f32> {
  return noise_from_words(philox4x32_10(vec4<u32>(qg, t, lane, r), key));
}\n`
      : `fn noise_quad(qg: u32, t: u32, lane: u32, r: u32, key: vec2<u32>) -> vec4<f32> {
  let a = noise_from_words(philox4x32_10(vec4<u32>(2u * qg, t, lane, r), key));
  let b = noise_from_words(philox4x32_10(vec4<u32>(2u * qg + 1u, t, lane, r), key));
  return vec4<f32>(a.x, a.y, b.x, b.y);
}\n`;
  let gradient: string;
  if (!noise) {
    gradient = n === 1 ? '    var v_g = ge;' : `    var v_g = vec4<f32>(0.0);\n    for (var j = 0u; j < ${n}u; j = j + 1u) { v_g = v_g + ge / ${wgslFloat(n)}; }`;
  } else {
    const draws = (acc: string, worker: string) =>
      `      for (var b = 0u; b < rec.batch; b = b + 1u) {
        ${acc} = ${acc} + (${sig} * noise_quad(qg, rec.t, ${worker} | (b << 16u), r, key)) * invB;
      }`;
    gradient =
      `    let key = vec2<u32>(ch.seed, ${Purpose.noise}u);\n    let invB = 1.0 / f32(rec.batch);\n` +
      (n === 1
        ? `    var v_g = ge;\n    {\n${draws('v_g', '0u')}\n    }`
        : `    var v_g = vec4<f32>(0.0);\n    for (var j = 0u; j < ${n}u; j = j + 1u) {\n      var gw = ge;\n${draws('gw', 'j')}\n      v_g = v_g + gw / ${wgslFloat(n)};\n    }`);
  }

  const loads = vectors.filter((v) => v !== 'x').map((v) => `    var v_${v} = vec_${v}[idx];`);
  const stores = vectors.filter((v) => written.has(v)).map((v) => `    vec_${v}[idx] = v_${v};`);
  const vecBindings = vectors.map((v, i) => `@group(0) @binding(${firstVector + i}) var<storage, read_write> vec_${v}: array<vec4<f32>>;`);

  const wgsl = `// signcheck fused step kernel: ${def.id} (${def.name}); noise ${noise ? `${noise.samplesPerCall}/call` : 'none'}, sigma ${cfg.sigma}, n = ${n}
${PHILOX_WGSL}
${NOISE_PRELUDE_WGSL}
${noise ? noise.wgsl : ''}
${WGSL_EXPR_PRELUDE}
${recordStruct(cfg.hyperNames)}${STATUS_STRUCT}${CHUNK_STRUCT}struct Prob { diag: vec4<f32>, center: vec4<f32> }

@group(0) @binding(0) var<storage, read> rec: StepRec;
@group(0) @binding(1) var<uniform> ch: Chunk;
@group(0) @binding(2) var<storage, read> status: array<Status>;
@group(0) @binding(3) var<storage, read_write> partials: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> prob: array<Prob>;
@group(0) @binding(5) var<storage, read> sigv: array<vec4<f32>>; // per-coordinate sigma (a 16-byte dummy for scalar sigma)
${vecBindings.join('\n')}

const WX: u32 = ${wx}u;
const WY: u32 = ${wy}u;
var<workgroup> red: array<vec4<f32>, ${wx * wy}>;
${noiseQuad}
@compute @workgroup_size(${wx}, ${wy})
fn step(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let q = wid.x * WX + lid.x;
  let rl = wid.y * WY + lid.y;
  var acc = vec4<f32>(0.0);
  if (q < ch.quads && rl < ch.rows) {
    let r = ch.r0 + rl;
    let qg = ch.q0 + q;
    let idx = rl * ch.quads + q;
    let pr = prob[q];
    var v_x = vec_x[idx];
    let x_old = v_x;
    let dx = v_x - pr.center;
    let ge = pr.diag * dx;
    let valid = (vec4<u32>(qg * 4u) + vec4<u32>(0u, 1u, 2u, 3u)) < vec4<u32>(ch.D);
    let zero = vec4<f32>(0.0);
    let one = vec4<f32>(1.0);
    acc.x = dot(select(zero, abs(ge), valid), one);
    acc.y = dot(select(zero, ge * ge, valid), one);
    acc.z = dot(select(zero, ge * dx, valid), one);
    if (rec.update != 0u && status[r].div < 0) {
${gradient}
${loads.join('\n')}
${body.join('\n')}
${stores.join('\n')}
      if (rec.last != 0u) {
        acc.w = dot(select(zero, one, valid), select(zero, one, v_x == x_old));
      }
    }
  }
  let li = lid.y * WX + lid.x;
  red[li] = acc;
  for (var s = WX / 2u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lid.x < s) {
      red[li] = red[li] + red[li + s];
    }
  }
  if (lid.x == 0u && rl < ch.rows) {
    partials[(rec.slot * ch.R + ch.r0 + rl) * ch.nwg + ch.wgx0 + wid.x] = red[li];
  }
}
`;
  return { wgsl, vectors, written: vectors.filter((v) => written.has(v)), bindings: { record: 0, chunk: 1, status: 2, partials: 3, prob: 4, sigma: 5, firstVector } };
}

/** Bytes of the reduce kernel's Run uniform. */
export const RUN_BYTES = 32;

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
      fz = fz + u32(p.w);
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
