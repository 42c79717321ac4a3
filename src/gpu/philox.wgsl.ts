import { PHILOX_M0, PHILOX_M1, PHILOX_W0, PHILOX_W1 } from '../rng/philox.ts';

const hex = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}u`;

/**
 * Philox4x32-10 (Salmon et al. 2011, Random123) in WGSL, word for word the generator of
 * src/rng/philox.ts. WGSL has no 64-bit integers, so the high word of the 32x32 -> 64 product is
 * assembled from 16-bit pieces (u32 arithmetic only; every partial sum provably fits in 32 bits):
 *
 *   a = ah 2^16 + al, M = Mh 2^16 + Ml,
 *   mid = (al Ml >> 16) + (ah Ml & 0xffff) + al Mh         (<= 2^32 - 1),
 *   hi  = ah Mh + (ah Ml >> 16) + (mid >> 16),   lo = a M mod 2^32.
 *
 * Round: (hi0, lo0) = M0 c0, (hi1, lo1) = M1 c2, c' = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0);
 * key += (W0, W1) between rounds; ten rounds.
 *
 * Defines `fn philox4x32_10(c: vec4<u32>, k: vec2<u32>) -> vec4<u32>` and `fn sc_mulhi(a, mHi, mLo)`.
 */
export const PHILOX_WGSL = /* wgsl */ `
const PHILOX_M0: u32 = ${hex(PHILOX_M0)};
const PHILOX_M1: u32 = ${hex(PHILOX_M1)};
const PHILOX_W0: u32 = ${hex(PHILOX_W0)};
const PHILOX_W1: u32 = ${hex(PHILOX_W1)};

// High 32 bits of a * (mh * 2^16 + ml) for 16-bit halves mh, ml of a constant multiplier.
fn sc_mulhi(a: u32, mh: u32, ml: u32) -> u32 {
  let al = a & 0xffffu;
  let ah = a >> 16u;
  let ll = al * ml;
  let hl = ah * ml;
  let mid = (ll >> 16u) + (hl & 0xffffu) + al * mh;
  return ah * mh + (hl >> 16u) + (mid >> 16u);
}

fn philox4x32_10(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var round = 0u; round < 10u; round = round + 1u) {
    let hi0 = sc_mulhi(c.x, PHILOX_M0 >> 16u, PHILOX_M0 & 0xffffu);
    let lo0 = c.x * PHILOX_M0;
    let hi1 = sc_mulhi(c.z, PHILOX_M1 >> 16u, PHILOX_M1 & 0xffffu);
    let lo1 = c.z * PHILOX_M1;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2<u32>(PHILOX_W0, PHILOX_W1);
  }
  return c;
}
`;
