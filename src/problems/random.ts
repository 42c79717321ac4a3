import { fillNormals, fillWords, Purpose, uniformOpen } from '../rng/streams.ts';

/**
 * Random numbers used to BUILD problem instances (rotations, centers, data, splits, default
 * starting points), addressed in the stream contract of src/rng/streams.ts as
 *
 *   key     = (seed, Purpose.init)
 *   counter = (block, step = index, lane = use tag, replica = PROBLEM_REPLICA)
 *
 * `replica` is pinned to 2^32 - 1, a value no Monte-Carlo run uses, so construction streams never
 * overlap the engine's run streams even when a problem seed equals a run seed; `lane` separates the
 * uses below and `step` indexes the vector drawn (Householder reflector j, worker j, ...).
 */
export const PROBLEM_REPLICA = 0xffffffff;

/** Lane tags of construction streams (one per use). */
export const ProblemLane = {
  /** Householder vectors of rotated quadratics (step = reflector index). */
  rotation: 1,
  /** Random centers (step = 0). */
  center: 2,
  /** Default starting points drawn N(0, I) (step = 0). */
  x0: 3,
  /** Per-worker centers of heterogeneous problems (step = worker). */
  workerCenters: 4,
  /** Train/test split permutation (step = 0). */
  split: 5,
  /** Synthetic features (step = sample index). */
  features: 6,
  /** Synthetic labels and label flips (step = 0 for the planted model, 1 for flips). */
  labels: 7,
} as const;

/** Standard normals N(0, 1) for construction use `lane`, vector `index`, into out (Box-Muller, four per Philox call). */
export function problemNormals(seed: number, lane: number, index: number, out: Float64Array): Float64Array {
  fillNormals(seed >>> 0, Purpose.init, index >>> 0, lane, PROBLEM_REPLICA, out);
  return out;
}

/** Uniforms in the open interval (0, 1) for construction use `lane`, vector `index`: one per Philox word. */
export function problemUniforms(seed: number, lane: number, index: number, out: Float64Array): Float64Array {
  const n = out.length;
  const words = new Uint32Array(4 * Math.ceil(n / 4));
  fillWords(seed >>> 0, Purpose.init, index >>> 0, lane, PROBLEM_REPLICA, words);
  for (let i = 0; i < n; i++) out[i] = uniformOpen(words[i]);
  return out;
}

/**
 * A uniformly random permutation of 0..n-1 (Fisher-Yates, swapping i with floor(u_i (i + 1)) for
 * i = n-1 down to 1, u_i from {@link problemUniforms}). The floor of u (i+1) with u in (0, 1) lies in
 * [0, i]; the bias from 32-bit uniforms is below (i+1) 2^-32 per draw.
 */
export function problemPermutation(seed: number, lane: number, n: number): Uint32Array {
  const perm = new Uint32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const u = problemUniforms(seed, lane, 0, new Float64Array(n));
  for (let i = n - 1; i >= 1; i--) {
    const j = Math.min(i, Math.floor(u[i] * (i + 1)));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm;
}
