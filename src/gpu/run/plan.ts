/// <reference types="@webgpu/types" />
import { allHypers } from '../../algorithms/program.ts';
import { UserInputError } from '../../core/errors.ts';
import { validateRunSpec } from '../../engine/cpu.ts';
import { resolveHyper } from '../../engine/hyper.ts';
import type { RunSpec } from '../../engine/types.ts';
import { generateStepKernel, gpuSupport, gradientFpartBase, problemShapeOf, RECORD_STRIDE, STATUS_BYTES, STEP_THREADS, type StepKernel } from '../codegen.ts';
import { deviceMemoryBytes, requestGpu, type GpuLimits } from '../device.ts';
import { wgslNoiseFor, type WgslNoise } from '../noise.wgsl.ts';
import { gradientKernelFor, type GradientKernel } from '../gradients/index.ts';
import type { WebGpuRunOptions } from '../engine.ts';

/** The plan of a WebGPU run: support, layout over the device's bindings, kernels, sizes and the memory budget. */


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

export const fmtBytes = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);

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
 * Plans a run before anything is allocated: checks support and the problem's declaration, requests
 * the device, generates the step kernel for the layout, sizes every buffer and checks the memory
 * budget (user errors name the parameter that does not fit).
 */
export async function planRun(spec: RunSpec, options: WebGpuRunOptions) {
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

  return { started, T, R, seed, n, d, sqw, heterogeneous, hyper, hyperNames, gpu, device, sq, x0, fStar, sigmaKind, workerCenters, distributed, layout, gk, fOffset, kernel, checkpoints, S, partialRow, K, general, dist, rpartFloats, distBytes, wcenBytes, totalBytes };
}

/** What {@link planRun} decided. */
export type RunPlan = Awaited<ReturnType<typeof planRun>>;
