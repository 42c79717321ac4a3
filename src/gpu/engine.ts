/// <reference types="@webgpu/types" />
import { UserInputError } from '../core/errors.ts';
import { drawTau } from '../engine/cpu.ts';
import { evaluateHyper, type ResolvedHyper } from '../engine/hyper.ts';
import type { CommunicationReport, IterateMetrics, RunResult, RunSpec } from '../engine/types.ts';
import type { DistributedAlgorithmDef, MessageSpec } from '../algorithms/distributed.ts';
import { MAX_BATCH } from '../rng/streams.ts';
import {
  DIST_ACC,
  DIST_NONE,
  RECORD_HEADER,
  RECORD_STRIDE,
  REDUCE_THREADS,
  STATUS_BYTES,
  type StepKernel,
} from './codegen.ts';
import { float32Hyperparameter } from './guards.ts';
import { readBuffer, writeBuffer } from './compute.ts';
import type { GpuContext } from './device.ts';
import { planRun, type GpuLayout } from './run/plan.ts';
export { planLayout, type Chunk, type GpuLayout } from './run/plan.ts';
import { createResources, gradientGroupKey, vectorLocation, type Buffers, type GradientPassState } from './run/resources.ts';

/** Knobs of {@link runWebGpu}; all optional. */
export interface WebGpuRunOptions {
  /** Device to use (default: the shared one from requestGpu()). */
  readonly gpu?: GpuContext;
  /**
   * Device memory budget in bytes. Default: SIGNCHECK_GPU_MEMORY_BYTES, else what
   * deviceMemoryBytes() detects (host RAM for software adapters, nvidia-smi for NVIDIA).
   */
  readonly memoryLimitBytes?: number;
  /** Upper bound on one buffer binding, below the device's maxStorageBufferBindingSize (tests of the splitting). */
  readonly maxBindingBytes?: number;
  /** Steps encoded in one command submission (default from the problem size, 4..1024). */
  readonly stepsPerSubmission?: number;
  /** Steps whose metric partials are reduced by one dispatch of the reduce kernel (default up to 32). */
  readonly reduceEvery?: number;
  /**
   * Distributed algorithms: aggregate sign messages from their packed 1-bit words with the popcount
   * vote (default true), or sum the float rows (false: the reference the packed path is tested
   * against, as runCpu's `packed` option). Messages are encoded and their bits counted either way.
   */
  readonly packed?: boolean;
}


/**
 * The GPU engine: same semantics as runCpu (src/engine/cpu.ts) in float32 on a WebGPU device.
 *
 * Per step t < T, replica r (worker j for worker-scope programs: g^j_t = grad f_j(x_t) + noise on
 * lane j): g_t = grad f(x_t) + sigma (.) (1/B) sum_b xi_{t,b} with xi from the
 * shared Philox stream (so a CPU and a GPU run of one seed see the same noise), then the
 * algorithm's map ops; metrics ||grad f(x_t)||_1, ||grad f(x_t)||_2 every step and f(x_t) - f* at
 * checkpoints, reduced on the device and read back once at the end: the same checkpoints,
 * avgG1/avgG2 (mean over t < T, compensated float32 sums), tauG1 with tau from drawTau, divergedAt,
 * frozen and finalX (float32 values widened to float64).
 *
 * Float32 consequences (by design, documented for readers of results):
 * - divergence is detected when the float32 metrics overflow (|.| > 3.4e38, or sum g^2 > 3.4e38),
 *   earlier than float64 would;
 * - a replica stops moving from the step after its divergence is recorded, and the records are
 *   reduced every `reduceEvery` steps, so a diverged replica's finalX may be up to that many
 *   steps past divergedAt (the CPU engine returns x at divergedAt); metrics are unaffected;
 * - `frozen` counts float32 coordinates that did not change in the last step: an update below
 *   half an ulp of x_i rounds away, which float64 would still register.
 *
 * Supported (gpuSupport() in codegen.ts): server-scope programs on problems with
 * `separableQuadratic`, with any noise model that has a WGSL transform (noise.wgsl.ts) and any
 * number of workers averaged into the server gradient, and on heterogeneous quadratics
 * (`separableQuadraticWorkers`: the server gradient is the mean of diag (x - c^j) + worker j's noise). Map-only programs (sgd, sgd-momentum,
 * signsgd, minibatch-signsgd, signum, lion, ...) run as one fused kernel per step; programs with
 * row reductions, scalar ops, fx, rand, oracle ops or an output vector (ef-signsgd, adamw, dog,
 * ...) as a sequence of kernels per step. Worker-scope programs (every distributed algorithm of
 * src/algorithms/distributed.ts) run on the distributed plan, on homogeneous separable quadratics
 * or heterogeneous ones (`separableQuadraticWorkers`): per-worker gradients and noise, sign
 * messages packed 32 to a u32 word and counted with countOneBits (or, `packed: false`, the float
 * rows summed), S_R guards (a violation raises runCpu's UserInputError, read back at the end) and
 * running-max syncs on the device, and `communication` with runCpu's bits. Problems without a
 * separable quadratic that have a gradient pass (src/gpu/gradients: rotated-quadratic, logistic
 * regression, sum-cosh, exp-sum, quartic-sum) run every plan with the pass dispatched before the
 * step kernels (single-node plans: again at an oracle op's point, and at an output vector for the
 * metrics; distributed plan: once per replica, every worker adding its own noise): the exact
 * gradient from `gexact`, f from the pass's partials. Not supported, with a UserInputError naming
 * the reason: other non-separable problems, heterogeneous problems without per-worker separable
 * quadratics (sharded-logistic), worker-scope oracle ops and output vectors, literals and
 * hyperparameter values outside float32's normal range except the float32 forms of guards.ts.
 *
 * Errors: unsupported runs, a missing adapter, and runs needing more device memory than the
 * budget (or failing allocation) throw UserInputError before any kernel runs.
 */
export async function runWebGpu(spec: RunSpec, options: WebGpuRunOptions = {}): Promise<RunResult> {
  const run = await WebGpuRun.create(spec, options);
  try {
    return await run.finish();
  } finally {
    run.destroy();
  }
}

/**
 * One WebGPU run as a session: {@link WebGpuRun.create} validates, plans, checks the memory
 * budget, compiles and uploads (nothing runs yet); {@link advance} encodes and submits steps
 * (many per submission, at most two submissions in flight); {@link finish} runs the remaining
 * steps and reads the results back once. {@link runWebGpu} is create + finish; the benchmark
 * uses advance + {@link sync} to time steps alone.
 */
export class WebGpuRun {
  /** Steps 0..T are passes of the step kernel (pass T only measures x_T). */
  private next = 0;
  private inflight: Promise<undefined> | null = null;
  private readonly started: number;
  private destroyed = false;
  private readonly recBytes: ArrayBuffer;
  private readonly F: Record<(typeof RECORD_HEADER)[number], number>;
  private readonly hyperVals: Record<string, number> = {};

  private constructor(
    readonly spec: RunSpec,
    readonly gpu: GpuContext,
    readonly layout: GpuLayout,
    readonly kernel: StepKernel,
    /** Steps per submission and steps per reduce dispatch. */
    readonly stepsPerSubmission: number,
    readonly reduceEvery: number,
    private readonly hyper: ResolvedHyper,
    private readonly hyperNames: readonly string[],
    private readonly checkpoints: readonly number[],
    private readonly fOffset: number,
    private readonly bufs: Buffers,
    private readonly allBuffers: GPUBuffer[],
    /** One pipeline per entry of kernel.sequence. */
    private readonly stepPipelines: (GPUComputePipeline | null)[],
    private readonly reducePipeline: GPUComputePipeline,
    private readonly stepGroups: GPUBindGroup[],
    private readonly reduceGroup: GPUBindGroup,
    started: number,
    private readonly gradPass: GradientPassState | null = null,
  ) {
    this.started = started;
    this.recBytes = new ArrayBuffer((stepsPerSubmission + 1) * RECORD_STRIDE);
    this.F = Object.fromEntries(RECORD_HEADER.map((h, i) => [h, i])) as Record<(typeof RECORD_HEADER)[number], number>;
  }

  /** Validates, plans and allocates a run (see runWebGpu for the errors it throws). */
  static async create(spec: RunSpec, options: WebGpuRunOptions = {}): Promise<WebGpuRun> {
    const plan = await planRun(spec, options);
    const { started, hyper, hyperNames, gpu, layout, fOffset, kernel, checkpoints, S, K } = plan;
    const { stepKernels, reduceKernel, all, bufs, stepGroups, reduceGroup, gradPass } = await createResources(spec, plan);
    return new WebGpuRun(spec, gpu, layout, kernel, S, K, hyper, hyperNames, checkpoints, fOffset, bufs, all, stepKernels.map((k) => k?.pipeline ?? null), reduceKernel.pipeline, stepGroups, reduceGroup, started, gradPass);
  }

  /** The next step pass to run (T + 1 when done). */
  get step(): number {
    return this.next;
  }

  /**
   * Encodes and submits step passes next .. next + steps - 1 (capped at T), stepsPerSubmission per
   * command submission, keeping at most two submissions in flight. Hyperparameters are evaluated
   * on the host for each step (a UserInputError stops the run at the first invalid value).
   */
  async advance(steps: number): Promise<void> {
    if (this.destroyed) throw new Error('this WebGpuRun was destroyed');
    const { spec, layout, F } = this;
    const { T, workers: n } = spec;
    const d = spec.problem.d;
    const R = spec.replicas;
    const def = spec.algorithm;
    const device = this.gpu.device;
    const end = Math.min(T + 1, this.next + steps);
    const cpOfStep = new Map(this.checkpoints.map((t, i) => [t, i]));
    const ru = new Uint32Array(this.recBytes);
    const ri = new Int32Array(this.recBytes);
    const rf = new Float32Array(this.recBytes);
    const W = RECORD_STRIDE / 4;
    const K = this.reduceEvery;
    const reduceX = Math.min(R, 65535);
    const reduceY = Math.ceil(R / 65535);
    while (this.next < end) {
      const base = this.next;
      const count = Math.min(this.stepsPerSubmission, end - base);
      ru.fill(0);
      let groupStart = 0;
      for (let k = 0; k < count; k++) {
        const t = base + k;
        const o = k * W;
        const update = t < T;
        if (update) {
          evaluateHyper(def, this.hyper, { t, T, d, n }, this.hyperVals);
          if (this.hyperVals.batch > MAX_BATCH) {
            throw new UserInputError(`${def.id}.batch`, `must be <= ${MAX_BATCH} (the lane word holds 16 bits of draw index)`, `got ${this.hyperVals.batch} at t = ${t}`);
          }
        }
        const slot = k - groupStart;
        const closes = slot === K - 1 || k === count - 1;
        ru[o + F.t] = t;
        ru[o + F.update] = update ? 1 : 0;
        ru[o + F.batch] = update ? this.hyperVals.batch : 1;
        ru[o + F.slot] = slot;
        ri[o + F.cp] = cpOfStep.get(t) ?? -1;
        ru[o + F.rfirst] = groupStart;
        ru[o + F.rcount] = closes ? slot + 1 : 0;
        ru[o + F.last] = t === T - 1 ? 1 : 0;
        rf[o + F.first] = t === 0 ? 1 : 0;
        rf[o + F.T] = T;
        rf[o + F.d] = d;
        rf[o + F.n] = n;
        this.hyperNames.forEach((h, i) => {
          const v = update ? this.hyperVals[h] : 0;
          // the value itself, or the float32 form of a cap (guards.ts)
          const v32 = float32Hyperparameter(def, h, v);
          if (v32 === null) {
            throw new UserInputError(`${def.id}.${h}`, 'must be 0 or within float32 range [1.2e-38, 3.4e38] in magnitude on the webgpu engine, except a cap read only through min(), which may be larger', `got ${v} at t = ${t}; use engine "cpu"`);
          }
          rf[o + RECORD_HEADER.length + i] = v32;
        });
        if (closes) groupStart = k + 1;
      }
      writeBuffer(this.gpu, this.bufs.records, 0, new Uint8Array(this.recBytes, 0, count * RECORD_STRIDE));
      const enc = device.createCommandEncoder();
      let pass = enc.beginComputePass();
      const seq = this.kernel.sequence;
      for (let k = 0; k < count; k++) {
        const off = k * RECORD_STRIDE;
        const t = base + k;
        if (t === T - 1 && this.bufs.xPrev) {
          // frozen coordinates of the general plan: x before the last step, compared on the host
          pass.end();
          layout.chunks.forEach((c, ci) => enc.copyBufferToBuffer(this.bufs.state[ci][0], 0, this.bufs.xPrev![ci], 0, c.rows * c.quads * 16));
          pass = enc.beginComputePass();
        }
        seq.forEach((kern, si) => {
          if (kern.onlyUpdate && t >= T) return;
          if (kern.dispatch === 'gradient') {
            const gp = this.gradPass!;
            const groups = gp.groups.get(gradientGroupKey(kern))!;
            layout.chunks.forEach((c, ci) => {
              pass.setBindGroup(0, groups[ci]);
              gp.kernel.passes.forEach((gpass, pi) => {
                pass.setPipeline(gp.pipelines[pi]);
                pass.dispatchWorkgroups(Math.ceil((gpass.grid === 'quads' ? c.quads : gp.kernel.dataRows) / gp.kernel.wx), Math.ceil(c.rows / gp.kernel.wy));
              });
            });
            return;
          }
          pass.setPipeline(this.stepPipelines[si]!);
          const per = kern.dispatch;
          if (per === 'grid' || per === 'worker-grid' || per === 'word-grid' || per === 'worker-word-grid' || per === 'block-word-grid') {
            layout.chunks.forEach((c, ci) => {
              pass.setBindGroup(0, this.stepGroups[ci], [off]);
              if (per === 'grid') pass.dispatchWorkgroups(Math.ceil(c.quads / layout.wx), Math.ceil(c.rows / layout.wy));
              else if (per === 'worker-grid') pass.dispatchWorkgroups(Math.ceil(c.quads / layout.wx), Math.ceil((c.rows * n) / layout.wy));
              else {
                const rows = per === 'word-grid' ? c.rows : per === 'worker-word-grid' ? c.rows * n : c.rows * Math.ceil(n / 32);
                const groups = Math.ceil((Math.ceil(c.quads / 8) * rows) / 64);
                pass.dispatchWorkgroups(Math.min(groups, 65535), Math.ceil(groups / 65535));
              }
            });
          } else {
            pass.setBindGroup(0, this.stepGroups[0], [off]);
            const rows = per === 'worker-group' || per === 'worker-thread' ? R * n : R;
            const groups = per === 'replica-group' || per === 'worker-group' ? rows : Math.ceil(rows / REDUCE_THREADS);
            pass.dispatchWorkgroups(Math.min(groups, 65535), Math.ceil(groups / 65535));
          }
        });
        if (ru[k * W + F.rcount] > 0) {
          pass.setPipeline(this.reducePipeline);
          pass.setBindGroup(0, this.reduceGroup, [off]);
          pass.dispatchWorkgroups(reduceX, reduceY);
        }
      }
      pass.end();
      device.queue.submit([enc.finish()]);
      this.next = base + count;
      const done = device.queue.onSubmittedWorkDone();
      if (this.inflight) await this.inflight;
      this.inflight = done;
    }
  }

  /** Waits for every submitted step and reads the (small) status buffer back: a completion fence. */
  async sync(): Promise<void> {
    if (this.inflight) await this.inflight;
    this.inflight = null;
    await readBuffer(this.gpu, this.bufs.status, 0, STATUS_BYTES);
  }

  /** Runs the remaining steps, reads everything back once and returns runCpu's RunResult shape. */
  async finish(): Promise<RunResult> {
    const { spec, layout, gpu, bufs, checkpoints } = this;
    const { T, replicas: R, seed } = spec;
    const d = spec.problem.d;
    await this.advance(T + 1 - this.next);
    if (this.inflight) await this.inflight;
    const stBuf = await readBuffer(gpu, bufs.status);
    const stF = new Float32Array(stBuf);
    const stI = new Int32Array(stBuf);
    const stU = new Uint32Array(stBuf);
    const cv = new Float32Array(await readBuffer(gpu, bufs.curve));
    const finalX = new Float64Array(R * d);
    for (let ci = 0; ci < layout.chunks.length; ci++) {
      const c = layout.chunks[ci];
      const at = vectorLocation(this.kernel, this.kernel.output);
      const xs = new Float32Array(await readBuffer(gpu, bufs.state[ci][at.buffer], at.plane * c.rows * c.quads * 16, c.rows * c.quads * 16));
      for (let rl = 0; rl < c.rows; rl++) {
        const r = c.r0 + rl;
        const from = rl * c.quads * 4;
        const i0 = c.q0 * 4;
        const len = Math.min(c.quads * 4, d - i0);
        for (let i = 0; i < len; i++) finalX[r * d + i0 + i] = xs[from + i];
      }
    }
    // general plan: frozen coordinates from x_T and the copy of x_{T-1}
    let frozenHost: Int32Array | null = null;
    if (bufs.xPrev) {
      frozenHost = new Int32Array(R);
      for (let ci = 0; ci < layout.chunks.length; ci++) {
        const c = layout.chunks[ci];
        const xs = new Float32Array(await readBuffer(gpu, bufs.state[ci][0], 0, c.rows * c.quads * 16));
        const xp = new Float32Array(await readBuffer(gpu, bufs.xPrev[ci]));
        const len = Math.min(c.quads * 4, d - c.q0 * 4);
        for (let rl = 0; rl < c.rows; rl++) {
          let fz = 0;
          for (let i = 0; i < len; i++) if (xs[rl * c.quads * 4 + i] === xp[rl * c.quads * 4 + i]) fz++;
          frozenHost[c.r0 + rl] += fz;
        }
      }
    }
    const avgG1 = new Float64Array(R);
    const avgG2 = new Float64Array(R);
    const tauG1 = new Float64Array(R);
    const tauArr = new Int32Array(R);
    const divergedAt = new Int32Array(R);
    const frozen = new Int32Array(R);
    const curveOut: IterateMetrics[] = checkpoints.map((_, k) => {
      const m = { fGap: new Float64Array(R), g1: new Float64Array(R), g2: new Float64Array(R) };
      for (let r = 0; r < R; r++) {
        const o = (k * R + r) * 4;
        m.fGap[r] = this.fOffset + cv[o];
        m.g1[r] = cv[o + 1];
        m.g2[r] = cv[o + 2];
      }
      return m;
    });
    const SW = STATUS_BYTES / 4;
    for (let r = 0; r < R; r++) {
      const o = r * SW;
      const div = stI[o + 5];
      tauArr[r] = drawTau(seed, r, T);
      divergedAt[r] = div;
      tauG1[r] = stF[o + 4];
      if (div >= 0) {
        avgG1[r] = Number.NaN;
        avgG2[r] = Number.NaN;
        if (tauArr[r] >= div) tauG1[r] = Number.NaN;
        checkpoints.forEach((t, k) => {
          if (t >= div) {
            curveOut[k].fGap[r] = Number.NaN;
            curveOut[k].g1[r] = Number.NaN;
            curveOut[k].g2[r] = Number.NaN;
          }
        });
      } else {
        avgG1[r] = (stF[o] + stF[o + 1]) / T;
        avgG2[r] = (stF[o + 2] + stF[o + 3]) / T;
        frozen[r] = frozenHost ? frozenHost[r] : stU[o + 6];
      }
    }
    const communication = bufs.dist ? this.communication(new Uint32Array(await readBuffer(gpu, bufs.dist.dacc)), divergedAt) : undefined;
    return {
      engine: 'webgpu',
      path: this.kernel.plan,
      checkpoints: [...checkpoints],
      curve: curveOut,
      avgG1,
      avgG2,
      tauG1,
      tau: tauArr,
      divergedAt,
      frozen,
      finalX,
      wallMs: performance.now() - this.started,
      ...(communication ? { communication } : {}),
    };
  }

  /**
   * The distributed plan's accumulators -> runCpu's CommunicationReport (same formula as
   * DistributedRuntime in src/engine/bits.ts: per step, every aggregate encodes n worker messages,
   * every down message is counted once per receiving worker; a message with a 0 goes out ternary,
   * 32 W more bits; scales and declared scalars 32 bits). Steps counted: those runCpu runs (T, or
   * divergedAt). Raises the S_R guard violation (UserInputError, runCpu's words) of the lowest
   * replica, or an invalid sign message (Error), recorded on the device.
   */
  private communication(acc: Uint32Array, divergedAt: Int32Array): CommunicationReport | undefined {
    const dist = this.kernel.dist!;
    const { spec } = this;
    const def = spec.algorithm as DistributedAlgorithmDef;
    const R = spec.replicas;
    const n = spec.workers;
    const d = spec.problem.d;
    const f32 = new Float32Array(acc.buffer);
    const A = dist.accWords;
    for (let r = 0; r < R; r++) {
      const a = r * A;
      // the earliest event of the replica: a guard (checked right after its reduction) or a bad message
      let first: { t: number; k: number } | null = null;
      dist.guards.forEach((_, k) => {
        const t = acc[a + DIST_ACC.guard(k)];
        if (t !== DIST_NONE && (!first || t < first.t)) first = { t, k };
      });
      const errStep = acc[a + DIST_ACC.errorStep];
      if (errStep !== DIST_NONE && (!first || errStep < (first as { t: number }).t)) {
        const mask = acc[a + DIST_ACC.errorMask];
        const bad = dist.messages.filter((m) => m.op < 32 && (mask & (1 << m.op)) !== 0).map((m) => `${m.vector} (${m.direction === 'up' ? 'from a worker' : 'from the server'})`);
        throw new Error(`${def.id}: message ${bad.join(', ')} at step t = ${errStep} is not a valid ${bad.length ? 'sign' : ''} message: an entry is not in {-1, 0, +1} (or not 0 or +-scale), replica ${r}`);
      }
      if (first) {
        const { t, k } = first as { t: number; k: number };
        const g = dist.guards[k];
        const o = a + DIST_ACC.guard(k);
        throw new UserInputError(
          `${def.id}.${g.parameter}`,
          `must bound ${g.what}: ${g.operator} is defined only for ||v||_inf <= ${g.parameter} (P1 Def. 1), and clipping would silently bias the message`,
          `||v||_inf = ${f32[o + 2]} > ${g.parameter} = ${f32[o + 3]} at step t = ${t}, ${g.scope === 'worker' && n > 1 ? `worker ${acc[o + 1]}, ` : ''}replica ${r} (float32 values of the webgpu engine)`,
        );
      }
    }
    if (!dist.communication) return undefined;
    const W = Math.ceil(d / 32);
    const msgBits = (m: MessageSpec) => (m.encoding === 'float' ? 32 * d : 32 * W + (m.encoding === 'scaled-sign' ? 32 : 0));
    const upPerStep = dist.messages.filter((m) => m.direction === 'up').reduce((s, m) => s + n * msgBits(m.spec), 0) + 32 * (def.communication.upScalars ?? 0) * n;
    const downPerStep = dist.messages.filter((m) => m.direction === 'down').reduce((s, m) => s + n * msgBits(m.spec), 0) + 32 * (def.communication.downScalars ?? 0) * n;
    const upBits = new Float64Array(R);
    const downBits = new Float64Array(R);
    const ternary = new Float64Array(R);
    const boundUse: Record<string, Float64Array> = {};
    dist.guards.forEach((g) => (boundUse[g.parameter] = new Float64Array(R)));
    const perUp = new Float64Array(R);
    const perDown = new Float64Array(R);
    for (let r = 0; r < R; r++) {
      const a = r * A;
      const steps = divergedAt[r] >= 0 ? divergedAt[r] : spec.T;
      const upT = acc[a + DIST_ACC.upTernary] + 2 ** 32 * acc[a + DIST_ACC.upTernaryHigh];
      const downT = acc[a + DIST_ACC.downTernary] + 2 ** 32 * acc[a + DIST_ACC.downTernaryHigh];
      upBits[r] = steps * upPerStep + upT * 32 * W;
      downBits[r] = steps * downPerStep + downT * 32 * W * n;
      ternary[r] = upT + downT;
      perUp[r] = steps > 0 ? upBits[r] / (steps * n) : 0;
      perDown[r] = steps > 0 ? downBits[r] / (steps * n) : 0;
      dist.guards.forEach((g, k) => (boundUse[g.parameter][r] = f32[a + DIST_ACC.guard(k) + 4]));
    }
    return {
      packed: dist.packed,
      upBits,
      downBits,
      upBitsPerWorkerStep: perUp,
      downBitsPerWorkerStep: perDown,
      float32UpBitsPerWorkerStep: def.communication.up.length * 32 * d,
      float32DownBitsPerWorkerStep: def.communication.down.length * 32 * d,
      ternaryMessages: ternary,
      boundUse,
    };
  }

  /** Frees the run's device buffers (idempotent). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const b of this.allBuffers) b.destroy();
  }
}

/**
 * Sequential float32 additions a metric sum goes through on the device for this layout: the
 * 4-lane dot (3), the workgroup tree (log2 wx), the reduce kernel's strided accumulation
 * (ceil(nwg / 64)) and its 64-lane tree (6). A sum of nonnegative terms rounded through k levels
 * is within k u of the exact sum (first order), which the differential tests use.
 */
export function metricSumLevels(layout: Pick<GpuLayout, 'wx' | 'nwg'>): number {
  return 3 + Math.log2(layout.wx) + Math.ceil(layout.nwg / REDUCE_THREADS) + Math.log2(REDUCE_THREADS);
}
