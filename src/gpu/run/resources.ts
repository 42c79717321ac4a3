/// <reference types="@webgpu/types" />
import { UserInputError } from '../../core/errors.ts';
import { drawTau } from '../../engine/cpu.ts';
import type { RunSpec } from '../../engine/types.ts';
import { CHUNK_BYTES, DIST_ACC, DIST_NONE, generateReduceKernel, GRADIENT_VECTOR, gradientFpartBase, RECORD_STRIDE, RUN_BYTES, STATUS_BYTES, type StepKernel } from '../codegen.ts';
import { computePipeline, GpuOutOfMemory, storageBuffer, withErrorScopes, writeBuffer, type BindingKind } from '../compute.ts';
import { BufferUsage } from '../device.ts';
import type { GradientKernel } from '../gradients/index.ts';
import { fmtBytes, type RunPlan } from './plan.ts';

/** The device resources of a WebGPU run: pipelines, buffers (under an out-of-memory scope), bind groups. */


export interface Buffers {
  state: GPUBuffer[][];
  prob: GPUBuffer;
  sigma: GPUBuffer;
  partials: GPUBuffer;
  status: GPUBuffer;
  tau: GPUBuffer;
  curve: GPUBuffer;
  records: GPUBuffer;
  run: GPUBuffer;
  x0Row: GPUBuffer;
  chunk: GPUBuffer[];
  /** General plan: per-replica scalars, reduction partials, x before the last step (per chunk). */
  scal: GPUBuffer;
  rpart: GPUBuffer;
  xPrev: GPUBuffer[] | null;
  /** Distributed plan: per-worker centers, packed messages, message flags and step records, accumulators. */
  dist: { wcen: GPUBuffer; pk: GPUBuffer; dm: GPUBuffer; dacc: GPUBuffer; gexDummy: GPUBuffer | null } | null;
  /** Single-node plans on a heterogeneous quadratic: the per-worker centers (n x ceil(d/4) vec4). */
  wcen: GPUBuffer | null;
  /** Gradient pass: its data buffers (by binding name) and per-chunk scratch. */
  grad: { data: Map<string, GPUBuffer>; scratch: (GPUBuffer | null)[] } | null;
}

/** Bind groups of a gradient dispatch are shared by dispatches with the same point, target and f region. */
export function gradientGroupKey(k: { at?: string; into?: string; fregion?: number }): string {
  return `${k.at}|${k.into ?? GRADIENT_VECTOR}|${k.fregion ?? 0}`;
}

/** A run's gradient pass (src/gpu/gradients): kernel, one pipeline per pass, bind groups per `at` vector and chunk. */
export interface GradientPassState {
  readonly kernel: GradientKernel;
  readonly pipelines: GPUComputePipeline[];
  readonly groups: Map<string, GPUBindGroup[]>;
}

/** Where a vector lives: its state buffer and plane (offset = plane x rows x rowsPerReplica x quads x 16 bytes). */
export function vectorLocation(kernel: StepKernel, v: string): { buffer: number; plane: number } {
  const buffer = kernel.stateBuffers.findIndex((b) => b.vectors.includes(v));
  if (buffer < 0) throw new Error(`vector ${v} is not stored`);
  return { buffer, plane: kernel.stateBuffers[buffer].vectors.indexOf(v) };
}

/**
 * Creates the pipelines, the buffers (initial state, records, scalars, messages; all released again
 * when one allocation fails) and the bind groups of a planned run.
 */
export async function createResources(spec: RunSpec, plan: RunPlan) {
  const { T, R, seed, n, d, sqw, heterogeneous, hyperNames, gpu, device, sq, x0, fStar, sigmaKind, workerCenters, layout, gk, fOffset, kernel, checkpoints, S, partialRow, K, general, dist, rpartFloats, distBytes, wcenBytes, totalBytes } = plan;
  // ---- pipelines
  const stepBindings: BindingKind[] = ['read-only-storage-dynamic', 'uniform', 'read-only-storage', 'storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage', ...kernel.extraBindings];
  const stepKernels = [];
  for (const k of kernel.sequence) stepKernels.push(k.dispatch === 'gradient' ? null : await computePipeline(gpu, kernel.wgsl, k.entry, stepBindings));
  const stepLayout = stepKernels.find((k) => k !== null)!.layout;
  const reduceKernel = await computePipeline(gpu, generateReduceKernel(hyperNames, dist), 'reduce', [
    'read-only-storage-dynamic', 'read-only-storage', 'uniform', 'read-only-storage', 'storage', 'read-only-storage', 'storage',
    ...(dist ? (['read-only-storage', 'storage'] as const) : []),
  ]);

  // ---- buffers (allocated under an out-of-memory error scope, before anything runs)
  const all: GPUBuffer[] = [];
  const track = (b: GPUBuffer) => (all.push(b), b);
  let bufs: Buffers;
  try {
    bufs = await withErrorScopes(gpu, () => {
      const dq = layout.dq;
      const pd = new Float32Array(dq * 8);
      for (let q = 0; q < dq; q++) {
        for (let k = 0; k < 4; k++) {
          const i = 4 * q + k;
          if (i < d) {
            pd[8 * q + k] = sq.diag[i];
            pd[8 * q + 4 + k] = sq.center[i];
          }
        }
      }
      const prob = track(storageBuffer(gpu!, pd, 'prob'));
      const sv = new Float32Array(sigmaKind === 'vector' ? dq * 4 : 4);
      if (sigmaKind === 'vector') sv.set(spec.noise!.sigma as Float64Array);
      const sigma = track(storageBuffer(gpu!, sv, 'sigma'));
      const partials = track(storageBuffer(gpu!, K * partialRow, 'partials'));
      const st = new ArrayBuffer(R * STATUS_BYTES);
      const sti = new Int32Array(st);
      for (let r = 0; r < R; r++) sti[(r * STATUS_BYTES) / 4 + 5] = -1;
      const status = track(storageBuffer(gpu!, new Uint8Array(st), 'status'));
      const tauv = new Uint32Array(R);
      for (let r = 0; r < R; r++) tauv[r] = drawTau(seed, r, T);
      const tau = track(storageBuffer(gpu!, tauv, 'tau'));
      const curve = track(storageBuffer(gpu!, Math.max(1, checkpoints.length) * R * 16, 'curve'));
      const records = track(storageBuffer(gpu!, (S + 1) * RECORD_STRIDE, 'records'));
      const run = track(device.createBuffer({ size: RUN_BYTES, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST }));
      writeBuffer(gpu!, run, 0, Uint32Array.from([R, layout.nwg, T, RECORD_STRIDE / 4, 0, 0, 0, 0]));
      const row = new Float32Array(dq * 4);
      row.set(x0);
      const x0Row = track(storageBuffer(gpu!, row, 'x0'));
      const state = layout.chunks.map((c) =>
        kernel.stateBuffers.map((b) => track(storageBuffer(gpu!, b.vectors.length * b.rowsPerReplica * c.rows * c.quads * 16, `${b.label}[${c.r0},${c.q0}]`))),
      );
      const xPrev = general ? layout.chunks.map((c) => track(storageBuffer(gpu!, c.rows * c.quads * 16, `xprev[${c.r0},${c.q0}]`))) : null;
      let sinit: Float32Array;
      if (dist) {
        // server scalars R x NS, then worker scalars R x n x NW
        const NS = dist.serverScalars.length;
        const NW = Math.max(1, dist.workerScalars.length);
        sinit = new Float32Array(R * NS + R * n * NW);
        for (let r = 0; r < R; r++) dist.serverScalars.forEach((sc, i) => (sinit[r * NS + i] = sc.init));
        for (let row = 0; row < R * n; row++) dist.workerScalars.forEach((sc, i) => (sinit[R * NS + row * NW + i] = sc.init));
      } else {
        const NS = Math.max(1, kernel.scalars.length);
        sinit = new Float32Array(R * NS);
        for (let r = 0; r < R; r++) kernel.scalars.forEach((sc, i) => (sinit[r * NS + i] = sc.init));
      }
      const scal = track(storageBuffer(gpu!, sinit, 'scalars'));
      const rpart = track(storageBuffer(gpu!, rpartFloats * 4, 'reduction-partials'));
      const gradBufs: Buffers['grad'] = gk
        ? {
            data: new Map(gk.bindings.filter((b) => b.role === 'data').map((b) => [b.name, track(storageBuffer(gpu!, b.data!, `grad-${b.name}`))])),
            scratch: layout.chunks.map((c) => (gk!.scratchFloatsPerReplica > 0 ? track(storageBuffer(gpu!, c.rows * gk!.scratchFloatsPerReplica * 4, `grad-scratch[${c.r0}]`)) : null)),
          }
        : null;
      let wcenBuf: GPUBuffer | null = null;
      if (workerCenters) {
        const cen = new Float32Array(wcenBytes / 4);
        for (let j = 0; j < n; j++) for (let i = 0; i < d; i++) cen[j * layout.dq * 4 + i] = sqw!.centers[j * d + i];
        wcenBuf = track(storageBuffer(gpu!, cen, 'worker-centers'));
      }
      let distBufs: Buffers['dist'] = null;
      if (dist && distBytes) {
        const cen = new Float32Array(distBytes.wcen / 4);
        if (heterogeneous) for (let j = 0; j < n; j++) for (let i = 0; i < d; i++) cen[j * layout.dq * 4 + i] = sqw!.centers[j * d + i];
        const acc = new Uint32Array(R * dist.accWords);
        for (let r = 0; r < R; r++) {
          const a = r * dist.accWords;
          acc[a + DIST_ACC.errorStep] = DIST_NONE;
          dist.guards.forEach((_, k) => (acc[a + DIST_ACC.guard(k)] = DIST_NONE));
        }
        distBufs = {
          wcen: track(storageBuffer(gpu!, cen, 'worker-centers')),
          pk: track(storageBuffer(gpu!, distBytes.pk, 'packed-messages')),
          dm: track(storageBuffer(gpu!, distBytes.dm, 'message-flags')),
          dacc: track(storageBuffer(gpu!, acc, 'message-accumulators')),
          // the gex binding without a gradient pass (the kernels read it only when ch.gpass != 0)
          gexDummy: kernel.stateBuffers.length < 3 ? track(storageBuffer(gpu!, 16, 'no-gradient-pass')) : null,
        };
      }
      const chunk = layout.chunks.map((c) => {
        const u = track(device.createBuffer({ size: CHUNK_BYTES, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST }));
        const w = new ArrayBuffer(CHUNK_BYTES);
        const wu = new Uint32Array(w);
        const wf = new Float32Array(w);
        wu.set([c.r0, c.q0, c.rows, c.quads, c.wgx0, layout.nwg, R, d, seed >>> 0]);
        wf[9] = spec.noise && typeof spec.noise.sigma === 'number' ? spec.noise.sigma : 0;
        wf[10] = fOffset + fStar; // f(c)
        wu[11] = gk ? gk.fPartialsPerReplica : 0; // distributed plan: the gradient pass's f partials (0: none)
        wu[12] = n;
        wu[13] = heterogeneous ? 1 : 0;
        wu[14] = K;
        writeBuffer(gpu!, u, 0, new Uint8Array(w));
        return u;
      });
      // every replica row of x starts at x0
      const enc = device.createCommandEncoder();
      layout.chunks.forEach((c, ci) => {
        // x and the output vector (when the program declares one) start at x0
        const starts = [vectorLocation(kernel, 'x'), ...(kernel.output !== 'x' ? [vectorLocation(kernel, kernel.output)] : [])];
        for (const at of starts) for (let rl = 0; rl < c.rows; rl++) enc.copyBufferToBuffer(x0Row, c.q0 * 16, state[ci][at.buffer], rl * c.quads * 16, c.quads * 16);
      });
      device.queue.submit([enc.finish()]);
      return { state, prob, sigma, partials, status, tau, curve, records, run, x0Row, chunk, scal, rpart, xPrev, dist: distBufs, wcen: wcenBuf, grad: gradBufs };
    });
  } catch (err) {
    for (const b of all) b.destroy();
    if (err instanceof GpuOutOfMemory) {
      throw new UserInputError('replicas x d', `does not fit in device memory (${err.message})`, `replicas = ${R}, d = ${d}, about ${fmtBytes(totalBytes)} needed`);
    }
    throw err;
  }

  // ---- bind groups
  const stepGroups = layout.chunks.map((c, ci) => {
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: bufs.records, offset: 0, size: RECORD_STRIDE } },
      { binding: 1, resource: { buffer: bufs.chunk[ci] } },
      { binding: 2, resource: { buffer: bufs.status } },
      { binding: 3, resource: { buffer: bufs.partials } },
      { binding: 4, resource: { buffer: bufs.prob, offset: c.q0 * 32, size: c.quads * 32 } },
      { binding: 5, resource: sigmaKind === 'vector' ? { buffer: bufs.sigma, offset: c.q0 * 16, size: c.quads * 16 } : { buffer: bufs.sigma } },
      { binding: 6, resource: { buffer: bufs.scal } },
      { binding: 7, resource: { buffer: bufs.rpart } },
      ...kernel.stateBuffers.map((_, k) => ({ binding: kernel.bindings.firstVector + k, resource: { buffer: bufs.state[ci][k] } })),
      ...(bufs.dist
        ? [...(bufs.dist.gexDummy ? [bufs.dist.gexDummy] : []), bufs.dist.wcen, bufs.dist.pk, bufs.dist.dm].map((buffer, k) => ({ binding: kernel.bindings.firstVector + kernel.stateBuffers.length + k, resource: { buffer } }))
        : []),
      ...(bufs.wcen ? [{ binding: kernel.bindings.firstVector + kernel.stateBuffers.length, resource: { buffer: bufs.wcen } }] : []),
    ];
    return device.createBindGroup({ layout: stepLayout, entries });
  });
  const reduceGroup = device.createBindGroup({
    layout: reduceKernel.layout,
    entries: [
      { binding: 0, resource: { buffer: bufs.records, offset: 0, size: RECORD_STRIDE } },
      { binding: 1, resource: { buffer: bufs.records } },
      { binding: 2, resource: { buffer: bufs.run } },
      { binding: 3, resource: { buffer: bufs.partials } },
      { binding: 4, resource: { buffer: bufs.status } },
      { binding: 5, resource: { buffer: bufs.tau } },
      { binding: 6, resource: { buffer: bufs.curve } },
      ...(bufs.dist ? [{ binding: 7, resource: { buffer: bufs.dist.dm } }, { binding: 8, resource: { buffer: bufs.dist.dacc } }] : []),
    ],
  });
  // ---- the gradient pass: a bind group per chunk for every point it is evaluated at (x, oracle points)
  let gradPass: GradientPassState | null = null;
  if (gk && bufs.grad) {
    const kinds = gk.bindings.map((b) => b.kind);
    const made: Array<{ pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }> = [];
    for (const pass of gk.passes) made.push(await computePipeline(gpu, gk.wgsl, pass.entry, kinds));
    const groups = new Map<string, GPUBindGroup[]>();
    const splitQuads = layout.chunks.some((c) => c.quads !== layout.dq);
    for (const seqK of kernel.sequence) {
      if (seqK.dispatch !== 'gradient' || groups.has(gradientGroupKey(seqK))) continue;
      const xLoc = vectorLocation(kernel, seqK.at!);
      const gLoc = vectorLocation(kernel, seqK.into ?? GRADIENT_VECTOR);
      const fOff = gradientFpartBase(kernel.reductionSlots, R, layout.nwg, gk.fPartialsPerReplica, seqK.fregion ?? 0, kernel.dist ? n : 1);
      groups.set(
        gradientGroupKey(seqK),
        layout.chunks.map((c, ci) =>
          device.createBindGroup({
            layout: made[0].layout,
            entries: gk!.bindings.map((b, binding): GPUBindGroupEntry => {
              switch (b.role) {
                case 'chunk':
                  return { binding, resource: { buffer: bufs.chunk[ci] } };
                case 'x':
                  return { binding, resource: { buffer: bufs.state[ci][xLoc.buffer] } };
                case 'g':
                  return { binding, resource: { buffer: bufs.state[ci][gLoc.buffer] } };
                case 'fpart':
                  return { binding, resource: { buffer: bufs.rpart, offset: fOff * 4, size: R * gk!.fPartialsPerReplica * 4 } };
                case 'scratch':
                  return { binding, resource: { buffer: bufs.grad!.scratch[ci]! } };
                case 'data': {
                  const buf = bufs.grad!.data.get(b.name)!;
                  if (b.perQuadBytes && splitQuads) return { binding, resource: { buffer: buf, offset: c.q0 * b.perQuadBytes, size: Math.max(16, c.quads * b.perQuadBytes) } };
                  return { binding, resource: { buffer: buf } };
                }
              }
            }),
          }),
        ),
      );
    }
    gradPass = { kernel: gk, pipelines: made.map((m) => m.pipeline), groups };
  }
  return { stepKernels, reduceKernel, all, bufs, stepGroups, reduceGroup, gradPass };
}
