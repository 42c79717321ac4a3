import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mulhi32, philox } from './philox.ts';

const hex = (w: Uint32Array) => Array.from(w, (v) => v.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10', () => {
  // Known-answer vectors published with Random123 (kat_vectors, philox4x32_10).
  it('matches the Random123 known-answer vectors', () => {
    expect(hex(philox([0, 0, 0, 0], [0, 0]))).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    expect(hex(philox([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]))).toBe(
      '408f276d 41c83b0e a20bc7c6 6d5451fd',
    );
    expect(hex(philox([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toBe(
      'd16cfe09 94fdcceb 5001e420 24126ea1',
    );
  });

  it('mulhi32 equals the high word of the exact BigInt product', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), (a, b) => {
        const exact = Number((BigInt(a) * BigInt(b)) >> 32n);
        expect(mulhi32(a, b)).toBe(exact);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('changing any counter or key word changes the output', () => {
    const base = philox([1, 2, 3, 4], [5, 6]);
    for (let i = 0; i < 6; i++) {
      const c = [1, 2, 3, 4];
      const k = [5, 6];
      if (i < 4) c[i] += 1;
      else k[i - 4] += 1;
      expect(hex(philox(c, k))).not.toBe(hex(base));
    }
  });
});

describe('Box-Muller normals', () => {
  it('uses a sin/cos of 2 pi u accurate to 1e-15 against Math.sin/Math.cos', async () => {
    const { normals4, uniformOpen } = await import('./streams.ts');
    const out = new Float64Array(4);
    const words = new Uint32Array(4);
    let maxErr = 0;
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 0xffffffff }), { minLength: 4, maxLength: 4 }), (w) => {
        words.set(w);
        normals4(words, out, 0);
        const r0 = Math.sqrt(-2 * Math.log(uniformOpen(w[0])));
        const r1 = Math.sqrt(-2 * Math.log(uniformOpen(w[2])));
        const a0 = 2 * Math.PI * uniformOpen(w[1]);
        const a1 = 2 * Math.PI * uniformOpen(w[3]);
        // Math.cos(2 pi u) itself carries the rounding of 2 pi u (up to ~2^-52 * 2 pi): the bound
        // 1e-15 * r covers that plus the polynomial's < 1e-16 error.
        const ref = [r0 * Math.cos(a0), r0 * Math.sin(a0), r1 * Math.cos(a1), r1 * Math.sin(a1)];
        const rs = [r0, r0, r1, r1];
        for (let k = 0; k < 4; k++) {
          maxErr = Math.max(maxErr, Math.abs(out[k] - ref[k]) / Math.max(1, rs[k]));
          expect(Math.abs(out[k] - ref[k])).toBeLessThanOrEqual(1e-15 * Math.max(1, rs[k]));
        }
      }),
      { numRuns: 20000, seed: 11, examples: [[[0, 0, 0xffffffff, 0xffffffff]], [[0x40000000, 0x40000000, 0x80000000, 0xc0000000]]] },
    );
    expect(maxErr).toBeGreaterThan(0);
  });
});
