import { UserInputError } from '../core/errors.ts';
import { philox4x32 } from './philox.ts';

/**
 * How every random number in signcheck is addressed, identically on the CPU and GPU engines.
 *
 * key     = (seed, purpose)             seed: u32 chosen by the user; purpose: one of {@link Purpose}
 * counter = (block, step, lane, replica)
 *   block   = coordinate block: coordinates are consumed in groups of 4 (Gaussian: four normals per
 *             Philox call) or 2 (two-uniform transforms: two samples per call);
 *   step    = iteration t (0-based);
 *   lane    = worker | (batchIndex << 16): worker < 2^16, minibatch draw index < 2^16;
 *   replica = Monte-Carlo replica (independent seed stream within one run).
 *
 * Changing any of these gives an independent stream (Philox is a bijection of the counter for a
 * fixed key), so replicas, workers, steps and minibatch draws never share numbers.
 */
export const Purpose = {
  /** Additive gradient noise. */
  noise: 0x6e6f6973,
  /** Starting points drawn at random. */
  init: 0x696e6974,
  /** Uniform iterate index tau in 1..T and other per-run scalars. */
  tau: 0x74617500,
  /** Stochastic sign operators (S_R) and other per-coordinate randomised compressors. */
  compress: 0x636d7072,
  /** Data-sample selection for dataset oracles. */
  sample: 0x73616d70,
} as const;
export type PurposeName = keyof typeof Purpose;

/** Largest worker index + 1 and minibatch size that fit in the lane word. */
export const MAX_WORKERS = 1 << 16;
export const MAX_BATCH = 1 << 16;

/** The lane word of the counter: worker in the low 16 bits, minibatch draw in the high 16. */
export function laneWord(worker: number, batchIndex: number): number {
  if (worker < 0 || worker >= MAX_WORKERS) throw new UserInputError('workers', `must be < ${MAX_WORKERS}`, `worker index ${worker}`);
  if (batchIndex < 0 || batchIndex >= MAX_BATCH) throw new UserInputError('batch', `must be <= ${MAX_BATCH}`, `draw index ${batchIndex}`);
  return (worker | (batchIndex << 16)) >>> 0;
}

const TWO_POW_M32 = 1 / 4294967296;

/** u32 word -> uniform in the open interval (0, 1): (w + 1/2) 2^-32. Never 0, never 1 in float64. */
export function uniformOpen(word: number): number {
  return (word + 0.5) * TWO_POW_M32;
}

/**
 * Box-Muller on four words: (w0, w1) -> (r0 cos a0, r0 sin a0), (w2, w3) -> (r1 cos a1, r1 sin a1),
 * r = sqrt(-2 ln u_even), a = 2 pi u_odd. Writes four standard normals at out[offset..offset+3].
 */
export function normals4(words: Uint32Array, out: Float64Array, offset: number): void {
  const r0 = Math.sqrt(-2 * Math.log(uniformOpen(words[0])));
  const a0 = 2 * Math.PI * uniformOpen(words[1]);
  const r1 = Math.sqrt(-2 * Math.log(uniformOpen(words[2])));
  const a1 = 2 * Math.PI * uniformOpen(words[3]);
  out[offset] = r0 * Math.cos(a0);
  out[offset + 1] = r0 * Math.sin(a0);
  out[offset + 2] = r1 * Math.cos(a1);
  out[offset + 3] = r1 * Math.sin(a1);
}

/**
 * A keyed stream: fills `out` with the words of consecutive blocks for one (step, lane, replica).
 * `out.length` must be a multiple of 4; block b writes out[4b..4b+3].
 */
export function fillWords(
  seed: number,
  purpose: number,
  step: number,
  lane: number,
  replica: number,
  out: Uint32Array,
  firstBlock = 0,
): void {
  const blocks = out.length >>> 2;
  for (let b = 0; b < blocks; b++) philox4x32(firstBlock + b, step, lane, replica, seed, purpose, out, 4 * b);
}

/** Standard normals for coordinates 0..out.length-1 of one (step, lane, replica) stream. */
export function fillNormals(
  seed: number,
  purpose: number,
  step: number,
  lane: number,
  replica: number,
  out: Float64Array,
): void {
  const words = new Uint32Array(4);
  const tmp = new Float64Array(4);
  const n = out.length;
  for (let b = 0; 4 * b < n; b++) {
    philox4x32(b, step, lane, replica, seed, purpose, words, 0);
    normals4(words, tmp, 0);
    for (let k = 0; k < 4 && 4 * b + k < n; k++) out[4 * b + k] = tmp[k];
  }
}
