/**
 * Philox4x32-10 counter-based generator (Salmon, Moraes, Dror, Shaw, "Parallel random numbers:
 * as easy as 1, 2, 3", SC 2011; the Random123 library).
 *
 * One call maps a 128-bit counter (c0, c1, c2, c3) and a 64-bit key (k0, k1) to four 32-bit
 * words. Ten rounds of
 *   (hi0, lo0) = M0 * c0,  (hi1, lo1) = M1 * c2,
 *   c' = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0),
 * with the key bumped by the Weyl constants (W0, W1) between rounds.
 *
 * Only 32-bit unsigned arithmetic is used: the 32x32 -> 64 multiply is split into 16-bit halves
 * exactly as the WGSL kernels do it (WGSL has no 64-bit integers), so both engines produce the
 * same words bit for bit.
 */

/** Philox multiplier for the first lane pair. */
export const PHILOX_M0 = 0xd2511f53;
/** Philox multiplier for the second lane pair. */
export const PHILOX_M1 = 0xcd9e8d57;
/** Weyl increment of key word 0 (golden ratio). */
export const PHILOX_W0 = 0x9e3779b9;
/** Weyl increment of key word 1 (sqrt(3) - 1). */
export const PHILOX_W1 = 0xbb67ae85;

/**
 * High 32 bits of the 64-bit product a*b of two u32 values, computed with 16-bit pieces so that
 * every intermediate stays below 2^53 (exact in float64) and the same steps work in WGSL u32.
 */
export function mulhi32(a: number, b: number): number {
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const t = a * bl; // < 2^48, exact
  const s = a * bh + Math.floor(t / 65536); // < 2^49, exact
  return Math.floor(s / 65536) >>> 0;
}

/**
 * Philox4x32-10 on counter (c0..c3) and key (k0, k1); writes four u32 words into `out` at
 * `offset`. All inputs are treated as u32.
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
  offset = 0,
): void {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    // hi/lo of M0 * x0 and M1 * x2
    const t0 = PHILOX_M0 * (x0 & 0xffff);
    const s0 = PHILOX_M0 * (x0 >>> 16) + Math.floor(t0 / 65536);
    const hi0 = Math.floor(s0 / 65536) >>> 0;
    const lo0 = Math.imul(PHILOX_M0, x0) >>> 0;
    const t1 = PHILOX_M1 * (x2 & 0xffff);
    const s1 = PHILOX_M1 * (x2 >>> 16) + Math.floor(t1 / 65536);
    const hi1 = Math.floor(s1 / 65536) >>> 0;
    const lo1 = Math.imul(PHILOX_M1, x2) >>> 0;
    const n0 = (hi1 ^ x1 ^ key0) >>> 0;
    const n2 = (hi0 ^ x3 ^ key1) >>> 0;
    x0 = n0;
    x1 = lo1;
    x2 = n2;
    x3 = lo0;
    key0 = (key0 + PHILOX_W0) >>> 0;
    key1 = (key1 + PHILOX_W1) >>> 0;
  }
  out[offset] = x0;
  out[offset + 1] = x1;
  out[offset + 2] = x2;
  out[offset + 3] = x3;
}

/** Convenience form of {@link philox4x32} returning a fresh array of four words. */
export function philox(counter: readonly number[], key: readonly number[]): Uint32Array {
  if (counter.length !== 4 || key.length !== 2) {
    throw new RangeError('philox requires a counter of 4 words and a key of 2 words');
  }
  const out = new Uint32Array(4);
  philox4x32(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out);
  return out;
}
