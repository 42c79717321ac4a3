import { describe, expect, it } from 'vitest';
import { lnOpen, LN2_HI, LN2_LO, LOG_POW2, uniformOpen } from './streams.ts';

/** Unit roundoff of float64. */
const U = 2 ** -53;

describe('lnOpen: own logarithm of u = (w + 1/2) 2^-32 (Box-Muller radius)', () => {
  // Words where something changes: the ends of the range, both sides of every power of two (the
  // exponent k steps) and of every 2^k sqrt(2) (the centring flag h flips), and a prime stride
  // through all 2^32 words.
  const words: number[] = [0, 1, 2, 3, 0xfffffffe, 0xffffffff];
  for (let k = 0; k < 32; k++) {
    for (let j = -2; j <= 2; j++) {
      words.push(2 ** k + j, Math.floor(2 ** k * Math.SQRT2) + j);
    }
  }
  for (let w = 0; w < 2 ** 32; w += 65521) words.push(w);
  const valid = words.filter((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff);

  it('is within 4 units of roundoff of Math.log at every tested word', () => {
    // Bound: s = (m - 1)/(m + 1) carries two roundings (m - 1 is exact by Sterbenz's lemma since
    // m in [sqrt(1/2), sqrt(2)]), the combination e LN2_HI + (2s + (e LN2_LO + s z R)) one more
    // relative to the result (2s and e LN2_HI dominate; no cancellation beyond a factor 2 at
    // e = -1, covered because the two small terms are added first), and Math.log (fdlibm) itself is
    // within 1 ulp: 4u in total. Truncation of the series is < 2.4e-17 (LOG_ATANH).
    let worst = 0;
    let worstAt = -1;
    for (const w of valid) {
      const ref = Math.log(uniformOpen(w));
      const rel = Math.abs(lnOpen(w) - ref) / Math.abs(ref);
      if (rel > worst) [worst, worstAt] = [rel, w];
    }
    expect(worst, `worst at w = ${worstAt}`).toBeLessThanOrEqual(4 * U);
    // measured: 2.2e-16 (= 2u). Nonzero: the comparison is against a different implementation.
    expect(worst).toBeGreaterThan(0);
  });

  it('orders and locates the extremes correctly', () => {
    // w = 2^31 - 1/2 would give u = 1/2 exactly; the nearest words bracket -ln 2
    expect(lnOpen(0x7fffffff)).toBeLessThan(-Math.LN2);
    expect(lnOpen(0x80000000)).toBeGreaterThan(-Math.LN2);
    // extremes: u = 2^-33 (w = 0) and u = 1 - 2^-33 (w = 2^32 - 1)
    expect(Math.abs(lnOpen(0) - -33 * Math.LN2)).toBeLessThanOrEqual(2 * U * 33 * Math.LN2);
    expect(Math.abs(lnOpen(0xffffffff) - Math.log1p(-(2 ** -33)))).toBeLessThanOrEqual(2 * U * 2 ** -33);
  });

  it('uses a correct split of ln 2 and power-of-two table', () => {
    expect(LN2_HI + LN2_LO).toBe(Math.LN2);
    expect(Math.abs(LN2_LO)).toBeLessThan(2 ** -31);
    expect(LN2_HI * 2 ** 32).toBe(2977044471);
    for (let k = -1; k <= 31; k++) expect(LOG_POW2[k + 1]).toBe(2 ** -k);
  });
});
