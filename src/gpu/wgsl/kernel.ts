/** Constants and types shared by the WGSL emitters and the engine: record layout, kernels, plans. */
import type { MessageSpec } from '../../algorithms/distributed.ts';
import type { AlgorithmDef, Scope } from '../../algorithms/program.ts';
import type { BindingKind } from '../compute.ts';
import type { WgslNoise } from '../noise.wgsl.ts';

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

// ---------------------------------------------------------------------------------------------
// The distributed plan: worker-scope programs (majority vote, MVSM, Sto-signSGD, EF-SignSGD MV)

/** u32 words of the per-step message record of one (slot, replica): up ternary, down ternary, error mask. */
export const DIST_SLOT_HEAD = 3;
/** Per guard in the step record: violating worker (0xffffffff: none), ||v||_inf, bound, max ratio. */
export const DIST_SLOT_GUARD = 4;
/**
 * u32 words of one replica's accumulators: up ternary, down ternary (low words), error step, error
 * mask, then the high words of the two ternary counts (n T can pass 2^32).
 */
export const DIST_ACC_HEAD = 6;
/** Per guard in the accumulators: first violating step, worker, ||v||_inf, bound, max ratio. */
export const DIST_ACC_GUARD = 5;
/** "None" in the u32 step/worker fields. */
export const DIST_NONE = 0xffffffff;

/** The layout of the distributed plan's accumulators (per replica, u32 words; f32 fields bitcast). */
export const DIST_ACC = { upTernary: 0, downTernary: 1, errorStep: 2, errorMask: 3, upTernaryHigh: 4, downTernaryHigh: 5, guard: (k: number) => DIST_ACC_HEAD + DIST_ACC_GUARD * k } as const;