/// <reference types="@webgpu/types" />
import { allHypers } from '../algorithms/program.ts';
import { UserInputError } from '../core/errors.ts';
import { drawTau, validateRunSpec } from '../engine/cpu.ts';
import { evaluateHyper, resolveHyper, type ResolvedHyper } from '../engine/hyper.ts';
import type { CommunicationReport, IterateMetrics, RunResult, RunSpec } from '../engine/types.ts';
import type { DistributedAlgorithmDef, MessageSpec } from '../algorithms/distributed.ts';
import { MAX_BATCH } from '../rng/streams.ts';
import {
  CHUNK_BYTES,
  DIST_ACC,
  DIST_NONE,
  generateReduceKernel,
  generateStepKernel,
  gpuSupport,
  GRADIENT_VECTOR,
  gradientFpartBase,
  problemShapeOf,
  RECORD_HEADER,
  RECORD_STRIDE,
  REDUCE_THREADS,
  RUN_BYTES,
  STATUS_BYTES,
  STEP_THREADS,
  type StepKernel,
} from './codegen.ts';
import { float32Hyperparameter } from './guards.ts';
import { computePipeline, GpuOutOfMemory, readBuffer, storageBuffer, withErrorScopes, writeBuffer, type BindingKind } from './compute.ts';
import { BufferUsage, deviceMemoryBytes, requestGpu, type GpuContext, type GpuLimits } from './device.ts';
import { wgslNoiseFor, type WgslNoise } from './noise.wgsl.ts';
import { gradientKernelFor, type GradientKernel } from './gradients/index.ts';

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

/** One rectangle of the replicas x quads state: its own buffers and bind group. */
export interface Chunk {
  readonly r0: number;
  readonly rows: number;
  readonly q0: number;
  readonly quads: number;
  readonly wgx0: number;
}

/** How a run is laid out on the device. */
export interface GpuLayout {
  /** Quads (groups of 4 coordinates) per replica row: ceil(d / 4). */
  readonly dq: number;
  readonly wx: number;
  readonly wy: number;
  /** Workgroups along one replica row (partials per replica and step). */
  readonly nwg: number;
  readonly chunks: readonly Chunk[];
  /** Bytes of the largest binding used. */
  readonly maxBinding: number;
}

const nextPow2 = (v: number) => 2 ** Math.ceil(Math.log2(Math.max(1, v)));

/**
 * Splits R x d into chunks whose buffers fit one binding (maxStorageBufferBindingSize, or the
 * override): whole rows when a row fits (replica chunks), else coordinate ranges that are a
 * multiple of the workgroup width (and of the 256-byte offset alignment of the shared problem
 * buffers). Dispatch sizes stay within maxComputeWorkgroupsPerDimension.
 */
export function planLayout(
  d: number,
  R: number,
  limits: Pick<GpuLimits, 'maxStorageBufferBindingSize' | 'maxComputeWorkgroupsPerDimension'>,
  maxBindingBytes = Infinity,
  /** vec4 planes per replica row in the largest state buffer (distributed plan: vectors x workers). */
  rowFactor = 1,
  /** Distributed plan: rows per replica of the worker grids (n); 0 for the other plans. */
  workers = 0,
  /** Bytes per quad of the largest per-quad problem binding (32: diag and center; a gradient pass's data may need more). */
  probBytesPerQuad = 32,
): GpuLayout {
  const dq = Math.ceil(d / 4);
  const maxBind = Math.floor(Math.min(limits.maxStorageBufferBindingSize, maxBindingBytes) / 256) * 256;
  const maxGroups = limits.maxComputeWorkgroupsPerDimension;
  // the shared problem buffer holds 32 bytes per quad (diag, center), a gradient pass's per-quad data probBytesPerQuad
  const pq = Math.max(32, probBytesPerQuad);
  const wholeRow = dq * pq <= maxBind && dq * 16 * rowFactor <= maxBind && Math.ceil(dq / Math.min(STEP_THREADS, nextPow2(dq))) <= maxGroups;
  const wx = wholeRow ? Math.min(STEP_THREADS, nextPow2(dq)) : STEP_THREADS;
  const wy = STEP_THREADS / wx;
  let Qc = dq;
  if (!wholeRow) {
    const unit = Math.max(wx, 16);
    Qc = Math.min(Math.floor(maxBind / pq / unit), Math.floor(maxBind / (16 * rowFactor) / unit), Math.floor((maxGroups * wx) / unit)) * unit;
    if (Qc <= 0) {
      if (workers > 0 && 16 * rowFactor * unit > maxBind) {
        throw new UserInputError(
          'workers',
          `is too large for the webgpu engine at this binding size: ${unit} coordinates of every worker vector of one replica (${fmtBytes(16 * rowFactor * unit)}) must fit one binding of ${fmtBytes(maxBind)}`,
          `got ${workers}`,
        );
      }
      throw new UserInputError('maxBindingBytes', `must allow at least ${Math.max(pq, 16 * rowFactor) * unit} bytes per binding`, `got ${maxBind}`);
    }
  }
  // distributed plan: the worker grids run replicas x workers rows of wy per workgroup
  const rowCap = workers > 0 ? Math.floor((maxGroups * wy) / workers) : Infinity;
  if (rowCap < 1) throw new UserInputError('workers', `must be at most ${maxGroups * wy} for d = ${d} on the webgpu engine (rows of the worker grid)`, `got ${workers}`);
  const Rc = Math.min(R, Math.max(1, Math.floor(maxBind / (Qc * 16 * rowFactor))), maxGroups * wy, rowCap);
  const chunks: Chunk[] = [];
  for (let r0 = 0; r0 < R; r0 += Rc) {
    for (let q0 = 0; q0 < dq; q0 += Qc) {
      chunks.push({ r0, rows: Math.min(Rc, R - r0), q0, quads: Math.min(Qc, dq - q0), wgx0: q0 / wx });
    }
  }
  return { dq, wx, wy, nwg: Math.ceil(dq / wx), chunks, maxBinding: maxBind };
}

const fmtBytes = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);

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

interface Buffers {
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
function gradientGroupKey(k: { at?: string; into?: string; fregion?: number }): string {
  return `${k.at}|${k.into ?? GRADIENT_VECTOR}|${k.fregion ?? 0}`;
}

/** A run's gradient pass (src/gpu/gradients): kernel, one pipeline per pass, bind groups per `at` vector and chunk. */
interface GradientPassState {
  readonly kernel: GradientKernel;
  readonly pipelines: GPUComputePipeline[];
  readonly groups: Map<string, GPUBindGroup[]>;
}

/** Where a vector lives: its state buffer and plane (offset = plane x rows x rowsPerReplica x quads x 16 bytes). */
function vectorLocation(kernel: StepKernel, v: string): { buffer: number; plane: number } {
  const buffer = kernel.stateBuffers.findIndex((b) => b.vectors.includes(v));
  if (buffer < 0) throw new Error(`vector ${v} is not stored`);
  return { buffer, plane: kernel.stateBuffers[buffer].vectors.indexOf(v) };
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
    validateRunSpec(spec);
    const started = performance.now();
    const { algorithm: def, problem, T, replicas: R, seed } = spec;
    const n = spec.workers;
    const d = problem.d;
    const sqw = problem.separableQuadraticWorkers;
    const heterogeneous = problem.workers > 1;
    const support = gpuSupport(def, problemShapeOf(problem));
    if (!support.supported) {
      throw new UserInputError('engine', `webgpu does not yet support this run: ${support.reasons.join('; ')}`, 'use engine "cpu"');
    }
    const noise: WgslNoise | null = spec.noise ? wgslNoiseFor(spec.noise.model) : null;
    const hyper = resolveHyper(def, spec.hyper);
    const hyperNames = allHypers(def).map((h) => h.name);

    let gpu = options.gpu;
    if (!gpu) {
      const a = await requestGpu();
      if (!a.ok) throw new UserInputError('engine', 'webgpu needs a WebGPU adapter', a.reason);
      gpu = a.gpu;
    }
    const device = gpu.device;
    // metrics: the exact gradient of f; for heterogeneous quadratics f = (1/n) sum_j f_j has
    // gradient diag (.) (x - cbar), cbar the mean center (with one worker: its center)
    // problems without a separable quadratic run a gradient pass (src/gpu/gradients) before the step kernel
    const usePass = !heterogeneous && !problem.separableQuadratic && !sqw;
    const zeros = new Float64Array(d);
    const sq = usePass ? { diag: zeros, center: zeros } : heterogeneous || !problem.separableQuadratic ? { diag: sqw!.diag, center: sqw!.meanCenter } : problem.separableQuadratic;
    const x0 = spec.x0 ?? problem.x0();
    const fStar = problem.constants.fStar ?? 0;
    if (!usePass) checkQuadraticDeclaration(problem.id, problem.f, sq.diag, sq.center, x0);

    // ---- layout, sizes, memory budget
    const sigmaKind: 'scalar' | 'vector' = spec.noise && typeof spec.noise.sigma !== 'number' ? 'vector' : 'scalar';
    // server-scope programs on a heterogeneous quadratic: the mean over workers of per-worker gradients (centers c^j)
    const workerCenters = heterogeneous && support.plan !== 'distributed';
    const kcfg = { def, hyperNames, noise, sigma: sigmaKind, workers: n, packed: options.packed !== false, workerCenters };
    const shape = generateStepKernel({ ...kcfg, wx: STEP_THREADS, wy: 1, gradientPass: usePass ? { partials: 1 } : null });
    const distributed = shape.plan === 'distributed';
    // a gradient pass's per-quad data (bytes per quad do not depend on the workgroup shape) bounds the coordinate chunks too
    const probe = usePass ? gradientKernelFor(problem) : null;
    if (probe && !probe.kernel) throw new UserInputError('engine', `webgpu does not yet support this run: ${probe.reason}`, 'use engine "cpu"');
    // a pass's per-replica scratch (logistic: m floats) must fit one binding per chunk: counted as rows of the largest buffer
    const scratchRows = probe?.kernel ? Math.ceil((probe.kernel.scratchFloatsPerReplica * 4) / (16 * Math.ceil(d / 4))) : 0;
    const rowFactor = Math.max(1, scratchRows, ...(distributed ? shape.stateBuffers.map((b) => b.vectors.length * b.rowsPerReplica) : []));
    const passQuadBytes = probe?.kernel ? Math.max(0, ...probe.kernel.bindings.map((b) => (b.perQuadBytes && probe.kernel!.coordinateSplit ? b.perQuadBytes : 0))) : 0;
    const layout = planLayout(d, R, gpu.limits, options.maxBindingBytes, rowFactor, distributed ? n : 0, Math.max(32, passQuadBytes));
    let gk: GradientKernel | null = null;
    if (usePass) {
      const made = probe!.kernel!.wx === layout.wx && probe!.kernel!.wy === layout.wy ? probe! : gradientKernelFor(problem, { wx: layout.wx, wy: layout.wy });
      if (!made.kernel) throw new UserInputError('engine', `webgpu does not yet support this run: ${made.reason}`, 'use engine "cpu"');
      gk = made.kernel;
      if (!gk.coordinateSplit && layout.chunks.some((c) => c.quads !== layout.dq)) {
        throw new UserInputError('replicas x d', `is too large for the ${gk.family} gradient pass on the webgpu engine: it needs whole replica rows per binding (d = ${d} does not fit one binding of ${fmtBytes(layout.maxBinding)})`, `d = ${d}`);
      }
      for (const b of gk.bindings) {
        const bytes = b.role === 'data' ? (b.perQuadBytes && layout.chunks.some((c) => c.quads !== layout.dq) ? Math.max(...layout.chunks.map((c) => c.quads * b.perQuadBytes!)) : b.data!.byteLength) : b.role === 'scratch' ? Math.max(...layout.chunks.map((c) => c.rows)) * gk.scratchFloatsPerReplica * 4 : 0;
        if (bytes > layout.maxBinding) throw new UserInputError('replicas x d', `is too large for one binding of the ${gk.family} gradient pass's ${b.name} (${bytes} bytes > ${layout.maxBinding})`, `replicas = ${R}, d = ${d}`);
      }
    }
    const fOffset = (gk ? gk.fConstant : problem.f(sq.center)) - fStar;
    const kernel: StepKernel = generateStepKernel({ ...kcfg, wx: layout.wx, wy: layout.wy, gradientPass: gk ? { partials: gk.fPartialsPerReplica } : null });
    const storageCount = 7 + kernel.extraBindings.length;
    if (storageCount > gpu.limits.maxStorageBuffersPerShaderStage) {
      throw new UserInputError('engine', `webgpu does not yet support this run: ${def.id} needs ${storageCount} storage buffers, the device allows ${gpu.limits.maxStorageBuffersPerShaderStage}`, 'use engine "cpu"');
    }
    const checkpoints = [...new Set(spec.checkpoints ?? [T])].sort((a, b) => a - b);
    const work = R * layout.dq;
    const S = Math.max(1, Math.min(T + 1, options.stepsPerSubmission ?? Math.min(1024, Math.max(4, Math.floor(2 ** 26 / work)))));
    const partialRow = R * layout.nwg * 16;
    const partialBudget = Math.min(layout.maxBinding, 32 * 2 ** 20);
    const K = Math.max(1, Math.min(S, options.reduceEvery ?? 32, Math.floor(partialBudget / partialRow)));
    if (partialRow > layout.maxBinding) {
      throw new UserInputError('replicas x d', `is too large for one metric-partials binding (${fmtBytes(partialRow)} > ${fmtBytes(layout.maxBinding)})`, `replicas = ${R}, d = ${d}`);
    }
    const general = kernel.plan !== 'fused';
    const dist = kernel.dist;
    const planes = kernel.stateBuffers.reduce((a, b) => a + b.vectors.length * b.rowsPerReplica, 0);
    const stateBytes = (planes + (general ? 1 : 0)) * R * layout.dq * 16;
    const rowsN = dist ? n : 1;
    const NSW = dist ? dist.serverScalars.length + n * Math.max(1, dist.workerScalars.length) : kernel.scalars.length;
    // two f-partial regions: the pass at x (or an oracle point) and the pass at an output vector
    // (the distributed plan's reduction slots hold R x n rows)
    const rpartFloats = gk ? gradientFpartBase(kernel.reductionSlots, R, layout.nwg, gk.fPartialsPerReplica, 2, rowsN) : Math.max(1, kernel.reductionSlots) * R * rowsN * layout.nwg;
    const gradBytes = gk ? gk.bindings.reduce((a, b) => a + (b.role === 'data' ? b.data!.byteLength : 0), 0) + R * gk.scratchFloatsPerReplica * 4 : 0;
    const scalarBytes = gk ? (general ? R * NSW * 4 : 0) + rpartFloats * 4 + gradBytes : general ? R * NSW * 4 + kernel.reductionSlots * R * rowsN * layout.nwg * 4 : 0;
    const W = Math.ceil(d / 32);
    const distBytes = dist
      ? {
          wcen: heterogeneous ? n * layout.dq * 16 : 16,
          pk: Math.max(16, dist.messageRows * R * 2 * W * 4),
          dm: Math.max(16, (dist.messageRows * R + K * R * dist.slotWords + (dist.voteCounts ? R * 32 * W : 0)) * 4),
          dacc: Math.max(16, R * dist.accWords * 4),
        }
      : null;
    const wcenBytes = workerCenters ? n * layout.dq * 16 : 0;
    if (wcenBytes > layout.maxBinding) {
      throw new UserInputError('workers x d', `is too large for one binding of the per-worker centers (${fmtBytes(wcenBytes)} > ${fmtBytes(layout.maxBinding)})`, `workers = ${n}, d = ${d}`);
    }
    if (distBytes) {
      for (const [what, bytes] of [['per-worker centers', distBytes.wcen], ['packed messages', distBytes.pk]] as const) {
        if (bytes > layout.maxBinding) {
          throw new UserInputError('replicas x workers x d', `is too large for one binding of the ${what} (${fmtBytes(bytes)} > ${fmtBytes(layout.maxBinding)})`, `replicas = ${R}, workers = ${n}, d = ${d}`);
        }
      }
    }
    const largestChunk = Math.max(...layout.chunks.map((c) => c.rows * c.quads * 16));
    const totalBytes =
      stateBytes +
      scalarBytes +
      (distBytes ? distBytes.wcen + distBytes.pk + distBytes.dm + distBytes.dacc : 0) +
      wcenBytes +
      layout.dq * 32 +
      (sigmaKind === 'vector' ? layout.dq * 16 : 0) +
      K * partialRow +
      R * (STATUS_BYTES + 4 + 16 * Math.max(1, checkpoints.length)) +
      (S + 1) * RECORD_STRIDE +
      layout.dq * 16 + // x0 row used to initialise every replica
      largestChunk; // staging for the readback of finalX
    const budget = options.memoryLimitBytes ?? (await deviceMemoryBytes(gpu.info));
    if (budget !== undefined && totalBytes > budget) {
      throw new UserInputError(
        'replicas x d',
        `needs ${fmtBytes(totalBytes)} of device memory, more than the ${fmtBytes(budget)} available on ${gpu.info.name}`,
        `replicas = ${R}, d = ${d}${dist ? `, workers = ${n}` : ''}, ${planes} state rows of float32 per replica (${kernel.vectors.join(', ')}); reduce replicas or d`,
      );
    }

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
 * The fused kernel computes f(x) - f(c) as 1/2 sum_i diag_i (x_i - c_i)^2 (exact for a quadratic
 * whose gradient is diag (.) (x - c)); this checks the problem's f agrees at x0 in float64, so a
 * wrong `separableQuadratic` declaration is caught instead of silently giving wrong f values.
 */
function checkQuadraticDeclaration(id: string, f: (x: Float64Array) => number, diag: Float64Array, c: Float64Array, x0: Float64Array): void {
  const fc = f(c);
  const fx = f(x0);
  let q = 0;
  let scale = Math.abs(fc) + Math.abs(fx);
  for (let i = 0; i < diag.length; i++) {
    const term = 0.5 * diag[i] * (x0[i] - c[i]) ** 2;
    q += term;
    scale += Math.abs(term);
  }
  // float64 sums of d terms: relative error below d * 2^-52 of the absolute terms
  const tol = (diag.length + 4) * 2 ** -52 * scale * 4 + Number.MIN_VALUE;
  if (!(Math.abs(fx - (fc + q)) <= tol)) {
    throw new Error(`problem ${id}: f(x0) = ${fx} but its separableQuadratic declaration gives f(c) + 1/2 sum diag (x0 - c)^2 = ${fc + q}`);
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
