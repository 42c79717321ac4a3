/// <reference types="@webgpu/types" />
import { wgslFloat } from '../../algorithms/expr.ts';
import { gamma } from '../../core/numerics.ts';
import { BufferUsage, type GpuContext } from '../device.ts';
import { computePipeline, readBuffer, storageBuffer, withErrorScopes, writeBuffer, type BindingKind } from '../compute.ts';
import { F32_U } from '../noise.wgsl.ts';

/**
 * Standalone WGSL gradient passes for problems whose gradient is not `diag (x - c)`: a pass reads
 * the iterates of a chunk of replicas and writes the EXACT gradient grad f(x) (and per-replica
 * partial sums of f(x)) into buffers laid out like the GPU engine's state vectors
 * (src/gpu/engine.ts, planLayout):
 *
 *   x, g: one buffer per chunk, array<vec4<f32>>, element (rl, q) at rl * quads + q holds coordinates
 *         4 (q0 + q) .. 4 (q0 + q) + 3 of replica r0 + rl (lanes past d are ignored on input and
 *         written as 0 on output);
 *   chunk: a uniform whose first 8 u32 are (r0, q0, rows, quads, wgx0, nwg, R, D) — the first 8 words of
 *         the engine's Chunk uniform, so the engine's own chunk buffer can be bound as is;
 *   fpart: array<f32>, R x P: the pass writes P partial sums per replica at r * P + k (k < P); f(x) is
 *         their sum (plus {@link GradientKernel.fConstant}), to be reduced by the plan like its metric
 *         partials;
 *   data:  the problem's constants (read-only), uploaded once and shared by every chunk; data with a
 *         per-quad layout is bound at byte offset q0 * perQuadBytes for a chunk starting at quad q0
 *         (the engine's chunking keeps q0 a multiple of 16, so the offset is 256-byte aligned);
 *   scratch: per-replica scratch (logistic regression's per-row coefficients), rows x floats per replica.
 *
 * Noise is NOT added here: the engine's `noisy(ge, ...)` adds sigma (.) xi to the exact gradient
 * read from g, exactly as it does to diag (x - c) today (see the integration notes in the report /
 * README of this folder). Kernels that need a whole replica row (matrix-vector products) declare
 * `coordinateSplit: false`: the plan must then use replica chunks only (planLayout does whenever a
 * row of 32 bytes per quad fits one binding, i.e. for d < 2^24 at 128 MiB bindings).
 */

/** Role of one binding of a gradient pass. */
export type GradientBindingRole = 'chunk' | 'x' | 'g' | 'fpart' | 'data' | 'scratch';

/** One binding (its number is its index in {@link GradientKernel.bindings}). */
export interface GradientBinding {
  readonly role: GradientBindingRole;
  readonly name: string;
  readonly kind: BindingKind;
  /** For role 'data': the contents, uploaded once. */
  readonly data?: Float32Array | Uint32Array;
  /** For per-quad data (coordinate-split kernels): bytes per quad; bind at offset q0 * perQuadBytes. */
  readonly perQuadBytes?: number;
}

/** One dispatch of a pass: over the chunk's quads, or over the data rows (logistic margins). */
export interface GradientPass {
  readonly entry: string;
  /** 'quads': workgroups (ceil(quads / wx), ceil(rows / wy)); 'data-rows': (ceil(dataRows / wx), ceil(rows / wy)). */
  readonly grid: 'quads' | 'data-rows';
}

/** A gradient kernel and everything needed to bind and dispatch it. */
export interface GradientKernel {
  /** Problem family id (e.g. 'rotated-quadratic'). */
  readonly family: string;
  readonly d: number;
  /** Quads per replica row: ceil(d / 4). */
  readonly dq: number;
  /** One WGSL module holding every pass's entry point. */
  readonly wgsl: string;
  /** Workgroup shape (wx over quads or data rows, wy over replicas). */
  readonly wx: number;
  readonly wy: number;
  readonly bindings: readonly GradientBinding[];
  /** Passes in dispatch order (each sees the previous one's writes: separate dispatches). */
  readonly passes: readonly GradientPass[];
  /** Data rows of a 'data-rows' pass (0 when none). */
  readonly dataRows: number;
  /** Partial sums of f per replica (fpart is R x P). */
  readonly fPartialsPerReplica: number;
  /** Added to the sum of the partials to give f(x) (0 here: kept for families with a constant term). */
  readonly fConstant: number;
  /** Whether a chunk may hold a coordinate range instead of whole replica rows. */
  readonly coordinateSplit: boolean;
  /** Floats of scratch per replica (0: no scratch binding). */
  readonly scratchFloatsPerReplica: number;
}

/** Unit roundoff of float32, widened by 2^-10 for second-order terms (as in src/testing/f32-bounds.ts). */
export const U32 = F32_U * (1 + 2 ** -10);
/** Unit roundoff of float64 (the CPU problems), widened the same way. */
export const U64 = 2 ** -53 * (1 + 2 ** -10);
/** Smallest positive normal float32: WGSL may flush subnormal results to 0 (absolute error below it). */
export const F32_TINY = 2 ** -126;

/** A float64 constant rounded to float32 and emitted as an exact WGSL literal (the rounding is ours, <= u). */
export function f32Lit(v: number): string {
  return wgslFloat(Math.fround(v));
}

/** The first 8 words of the engine's Chunk uniform. */
export const GRAD_CHUNK_STRUCT = 'struct GradChunk { r0: u32, q0: u32, rows: u32, quads: u32, wgx0: u32, nwg: u32, R: u32, D: u32 }\n';
/** Bytes of {@link GRAD_CHUNK_STRUCT}. */
export const GRAD_CHUNK_BYTES = 32;

/** Default workgroup shape: wx = min(64, next power of two >= dq), wy = 64 / wx. */
export function defaultShape(dq: number): { wx: number; wy: number } {
  const wx = Math.min(64, 2 ** Math.ceil(Math.log2(Math.max(1, dq))));
  return { wx, wy: 64 / wx };
}

/** Checks a caller-supplied workgroup shape (powers of two, at most 256 threads). */
export function checkShape(wx: number, wy: number): void {
  const pow2 = (v: number) => Number.isInteger(v) && v >= 1 && (v & (v - 1)) === 0;
  if (!pow2(wx) || !pow2(wy) || wx * wy > 256) throw new Error(`gradient kernel: bad workgroup shape ${wx} x ${wy}`);
}

/** Grid-kernel signature and prologue (the engine's coordinate conventions). */
export function gridEntry(entry: string, wx: number, wy: number): string {
  return `@compute @workgroup_size(${wx}, ${wy})
fn ${entry}(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let q = wid.x * ${wx}u + lid.x;
  let rl = wid.y * ${wy}u + lid.y;
  let li = lid.y * ${wx}u + lid.x;
  let inRange = q < ch.quads && rl < ch.rows;
  let r = ch.r0 + rl;
  let qg = ch.q0 + q;
  let idx = rl * ch.quads + q;
  let valid = (vec4<u32>(qg * 4u) + vec4<u32>(0u, 1u, 2u, 3u)) < vec4<u32>(ch.D);`;
}

/**
 * Workgroup tree sum of `acc` over the x extent (wx a power of two), then thread x = 0 writes
 * fpart[r * P + base + wid.x]. Needs `var<workgroup> fred: array<f32, wx * wy>`.
 */
export function fTree(acc: string, wx: number, P: number, base: string): string {
  const tree =
    wx > 1
      ? `
  for (var s = ${wx / 2}u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lid.x < s) {
      fred[li] = fred[li] + fred[li + s];
    }
  }`
      : '';
  return `  fred[li] = ${acc};${tree}
  if (lid.x == 0u && rl < ch.rows) {
    fpart[r * ${P}u + ${base} + wid.x] = fred[li];
  }`;
}

/** Module header: chunk uniform, x, g, fpart at bindings 0..3 (the convention of every kernel here). */
export function moduleHeader(wx: number, wy: number): string {
  return `${GRAD_CHUNK_STRUCT}
@group(0) @binding(0) var<uniform> ch: GradChunk;
@group(0) @binding(1) var<storage, read> xs: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> gs: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> fpart: array<f32>;
var<workgroup> fred: array<f32, ${wx * wy}>;
`;
}

/** The four fixed bindings (chunk, x, g, fpart) in order. */
export const FIXED_BINDINGS: readonly GradientBinding[] = [
  { role: 'chunk', name: 'chunk', kind: 'uniform' },
  { role: 'x', name: 'x', kind: 'read-only-storage' },
  { role: 'g', name: 'g', kind: 'storage' },
  { role: 'fpart', name: 'fpart', kind: 'storage' },
];

/** Packs per-coordinate arrays into vec4 quads: out[(q * k + a) * 4 + lane] = arrays[a][4q + lane] (0 past d). */
export function packQuads(d: number, arrays: readonly ArrayLike<number>[]): Float32Array {
  const dq = Math.ceil(d / 4);
  const k = arrays.length;
  const out = new Float32Array(dq * k * 4);
  for (let q = 0; q < dq; q++) {
    for (let a = 0; a < k; a++) {
      for (let lane = 0; lane < 4; lane++) {
        const i = 4 * q + lane;
        out[(q * k + a) * 4 + lane] = i < d ? arrays[a][i] : 0;
      }
    }
  }
  return out;
}

/** Result of {@link runGradientKernel}: g (R x d, float32 values) and f(x) per replica (float64 sum of the partials). */
export interface GradientRun {
  readonly g: Float64Array;
  readonly f: Float64Array;
  /** The raw partials (R x P). */
  readonly fpart: Float32Array;
}

/**
 * Runs a gradient kernel on R replicas (x: R x d, row-major, rounded to float32) the way a step plan
 * would: x split into chunks of `rowsPerChunk` replicas (and, for coordinate-split kernels, of
 * `quadsPerChunk` quads, a multiple of 16 and of wx), one x/g buffer pair per chunk, the chunk
 * uniform, per-quad data bound at offset q0 * perQuadBytes, scratch sized per chunk; every pass
 * dispatched per chunk in order. Used by the tests and as the reference for integrating the
 * passes into the engine.
 */
export async function runGradientKernel(
  gpu: GpuContext,
  kernel: GradientKernel,
  x: Float64Array,
  R: number,
  options: { rowsPerChunk?: number; quadsPerChunk?: number } = {},
): Promise<GradientRun> {
  const { d, dq, wx, wy } = kernel;
  if (x.length !== R * d) throw new Error(`runGradientKernel: x has length ${x.length}, expected R d = ${R * d}`);
  const Rc = Math.max(1, Math.min(R, options.rowsPerChunk ?? R));
  const Qc = kernel.coordinateSplit ? Math.max(1, Math.min(dq, options.quadsPerChunk ?? dq)) : dq;
  if (Qc < dq && (Qc % 16 !== 0 || Qc % wx !== 0)) throw new Error(`quadsPerChunk must be a multiple of 16 and of wx = ${wx}`);
  const P = kernel.fPartialsPerReplica;
  const device = gpu.device;
  const { pipeline, layout } = await computePipeline(gpu, kernel.wgsl, kernel.passes[0].entry, kernel.bindings.map((b) => b.kind));
  const pipelines = [pipeline];
  for (const pass of kernel.passes.slice(1)) pipelines.push((await computePipeline(gpu, kernel.wgsl, pass.entry, kernel.bindings.map((b) => b.kind))).pipeline);
  const created: GPUBuffer[] = [];
  const track = (b: GPUBuffer) => {
    created.push(b);
    return b;
  };
  const g = new Float64Array(R * d);
  try {
    const fpart = track(storageBuffer(gpu, 4 * R * P));
    const dataBufs = new Map<string, GPUBuffer>();
    for (const b of kernel.bindings) if (b.role === 'data') dataBufs.set(b.name, track(storageBuffer(gpu, b.data!)));
    const outs: Array<{ buf: GPUBuffer; r0: number; rows: number; q0: number; quads: number }> = [];
    await withErrorScopes(gpu, () => {
      const enc = device.createCommandEncoder();
      for (let r0 = 0; r0 < R; r0 += Rc) {
        const rows = Math.min(Rc, R - r0);
        for (let q0 = 0; q0 < dq; q0 += Qc) {
          const quads = Math.min(Qc, dq - q0);
          const xc = new Float32Array(rows * quads * 4);
          for (let rl = 0; rl < rows; rl++) {
            for (let k = 0; k < quads * 4; k++) {
              const i = 4 * q0 + k;
              if (i < d) xc[rl * quads * 4 + k] = x[(r0 + rl) * d + i];
            }
          }
          const xb = track(storageBuffer(gpu, xc));
          const gb = track(storageBuffer(gpu, xc.byteLength));
          const uni = track(device.createBuffer({ size: GRAD_CHUNK_BYTES, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST }));
          writeBuffer(gpu, uni, 0, new Uint32Array([r0, q0, rows, quads, q0 / wx, Math.ceil(dq / wx), R, d, 0]).subarray(0, 8));
          const scratch = kernel.scratchFloatsPerReplica > 0 ? track(storageBuffer(gpu, 4 * rows * kernel.scratchFloatsPerReplica)) : null;
          const entries = kernel.bindings.map((b, binding): GPUBindGroupEntry => {
            switch (b.role) {
              case 'chunk':
                return { binding, resource: { buffer: uni } };
              case 'x':
                return { binding, resource: { buffer: xb } };
              case 'g':
                return { binding, resource: { buffer: gb } };
              case 'fpart':
                return { binding, resource: { buffer: fpart } };
              case 'scratch':
                return { binding, resource: { buffer: scratch! } };
              case 'data': {
                const buf = dataBufs.get(b.name)!;
                if (b.perQuadBytes && Qc < dq) {
                  const offset = q0 * b.perQuadBytes;
                  return { binding, resource: { buffer: buf, offset, size: Math.max(16, quads * b.perQuadBytes) } };
                }
                return { binding, resource: { buffer: buf } };
              }
            }
          });
          const group = device.createBindGroup({ layout, entries });
          kernel.passes.forEach((pass, k) => {
            const cp = enc.beginComputePass();
            cp.setPipeline(pipelines[k]);
            cp.setBindGroup(0, group);
            const nx = pass.grid === 'quads' ? Math.ceil(quads / wx) : Math.ceil(kernel.dataRows / wx);
            cp.dispatchWorkgroups(nx, Math.ceil(rows / wy));
            cp.end();
          });
          outs.push({ buf: gb, r0, rows, q0, quads });
        }
      }
      device.queue.submit([enc.finish()]);
    });
    for (const o of outs) {
      const v = new Float32Array(await readBuffer(gpu, o.buf));
      for (let rl = 0; rl < o.rows; rl++) {
        for (let k = 0; k < o.quads * 4; k++) {
          const i = 4 * o.q0 + k;
          if (i < d) g[(o.r0 + rl) * d + i] = v[rl * o.quads * 4 + k];
        }
      }
    }
    const fp = new Float32Array(await readBuffer(gpu, fpart, 0, 4 * R * P));
    const f = new Float64Array(R);
    for (let r = 0; r < R; r++) {
      let s = kernel.fConstant;
      for (let k = 0; k < P; k++) s += fp[r * P + k];
      f[r] = s;
    }
    return { g, f, fpart: fp };
  } finally {
    for (const b of created) b.destroy();
  }
}

/** Error bound of the sum of the partials as runGradientKernel forms it (float64 sum of P float32 values): P U64 sum |partials|. */
export function partialSumError(fpart: Float32Array, r: number, P: number): number {
  let s = 0;
  for (let k = 0; k < P; k++) s += Math.abs(fpart[r * P + k]);
  return gamma(P, U64) * s;
}
