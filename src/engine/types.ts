import type { AlgorithmDef } from '../algorithms/program.ts';
import type { NoiseModel } from '../noise/types.ts';
import type { Problem } from '../problems/types.ts';

/** Additive gradient noise: sigma (.) xi with xi from `model` (per-coordinate scales allowed). */
export interface NoiseSetting {
  readonly model: NoiseModel;
  /** Scale: one number for every coordinate, or a vector of length d. */
  readonly sigma: number | Float64Array;
}

/** Everything that defines one Monte-Carlo cell: R replicas of one algorithm on one problem. */
export interface RunSpec {
  readonly algorithm: AlgorithmDef;
  /** Hyperparameter values or schedule expressions (t, T, d, n); missing ones take defaults. */
  readonly hyper: Readonly<Record<string, number | string>>;
  readonly problem: Problem;
  /** Null for exact gradients. */
  readonly noise: NoiseSetting | null;
  /** Iterations. */
  readonly T: number;
  /** Workers (n); 1 unless the algorithm is distributed. */
  readonly workers: number;
  readonly replicas: number;
  /** u32 seed of the Philox key. */
  readonly seed: number;
  /** Steps t (0..T) at which f - f*, ||g||_1, ||g||_2 are recorded at x_t. Default: [T]. */
  readonly checkpoints?: readonly number[];
  /** Starting point; default the problem's x0(). */
  readonly x0?: Float64Array;
}

/** Metrics at one iterate, per replica. */
export interface IterateMetrics {
  /** f(x) - f* when f* is known, else f(x). */
  readonly fGap: Float64Array;
  readonly g1: Float64Array;
  readonly g2: Float64Array;
}

/** What a run returns; arrays are indexed by replica. */
export interface RunResult {
  readonly engine: string;
  /** Which code path ran (e.g. cpu "fused" or "general"), for provenance and tests. */
  readonly path?: string;
  readonly checkpoints: readonly number[];
  /** One entry per checkpoint. */
  readonly curve: readonly IterateMetrics[];
  /** (1/T) sum_{t<T} ||grad f(x_t)||_1 and _2 (P1's averaged stationarity measure). */
  readonly avgG1: Float64Array;
  readonly avgG2: Float64Array;
  /** ||grad f(x_tau)||_1 with tau uniform in 0..T-1, drawn per replica from the `tau` stream. */
  readonly tauG1: Float64Array;
  readonly tau: Int32Array;
  /** Step at which a NaN/Inf first appeared, -1 when the replica stayed finite. */
  readonly divergedAt: Int32Array;
  /** Coordinates of x that did not move in the last step (sign(0) = 0 freezing, THEORY.md). */
  readonly frozen: Int32Array;
  /** The final iterates, replica-major (R x d). */
  readonly finalX: Float64Array;
  readonly wallMs: number;
  /** Bits on the wire, for algorithms that declare their messages (src/algorithms/distributed.ts). */
  readonly communication?: CommunicationReport;
}

/**
 * Communication of a distributed run, per replica (src/engine/bits.ts has the wire format). "Up":
 * worker -> server, summed over workers; "down": server -> workers, counting the broadcast once per
 * receiving worker. Scales and running-max scalars count 32 bits, the same convention as the
 * float32 baseline (the CPU engine keeps them in float64).
 */
export interface CommunicationReport {
  /** True when messages went through the packed words and the popcount vote (default). */
  readonly packed: boolean;
  /** Total bits sent up / down over the run. */
  readonly upBits: Float64Array;
  readonly downBits: Float64Array;
  /** The same per worker per step (steps run: fewer when a replica diverged). */
  readonly upBitsPerWorkerStep: Float64Array;
  readonly downBitsPerWorkerStep: Float64Array;
  /** What sending the same vectors as float32 would cost per worker per step: 32 d per vector. */
  readonly float32UpBitsPerWorkerStep: number;
  readonly float32DownBitsPerWorkerStep: number;
  /** Messages that held a 0 (sign(0) = 0) and went out in the 2-bit ternary format. */
  readonly ternaryMessages: Float64Array;
  /** max over steps and rows of ||v||_inf / R for each S_R guard (how close Asm. 8's bound came). */
  readonly boundUse: Readonly<Record<string, Float64Array>>;
}
