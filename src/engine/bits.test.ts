import { describe, expect, it } from 'vitest';
import { NotASignMessage, SignChannel, packSigns, popcount32, signMessageBits, transpose32, unpackSigns, wordCount } from './bits.ts';

/** xorshift32 with a fixed seed: deterministic test data. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const naivePopcount = (x: number) => {
  let c = 0;
  for (let b = 0; b < 32; b++) c += (x >>> b) & 1;
  return c;
};

describe('popcount32', () => {
  it('counts bits of known words', () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000000)).toBe(1);
    expect(popcount32(0x00000001)).toBe(1);
    expect(popcount32(0xf0f0f0f0)).toBe(16);
    expect(popcount32(0x12345678)).toBe(13);
  });
  it('agrees with a bit loop on 2000 words', () => {
    const r = rng(7);
    for (let k = 0; k < 2000; k++) {
      const x = r();
      expect(popcount32(x)).toBe(naivePopcount(x));
    }
  });
});

describe('transpose32', () => {
  it('moves bit c of row r to bit r of row c (random matrices) and is an involution', () => {
    const r = rng(11);
    for (let rep = 0; rep < 20; rep++) {
      const a = new Uint32Array(32).map(() => r());
      const orig = a.slice();
      transpose32(a);
      for (let row = 0; row < 32; row++) {
        for (let c = 0; c < 32; c++) expect((a[row] >>> c) & 1).toBe((orig[c] >>> row) & 1);
      }
      transpose32(a);
      expect(Array.from(a)).toEqual(Array.from(orig));
    }
  });
  it('works at an offset and leaves the rest alone', () => {
    const a = new Uint32Array(40);
    a[3] = 0xdeadbeef;
    a[4] = 1; // row 0 of the block at offset 4: (0, 0) set
    a[5] = 4; // row 1: (1, 2) set
    transpose32(a, 4);
    expect(a[3]).toBe(0xdeadbeef);
    expect(a[4]).toBe(1); // (0, 0) stays
    expect(a[6]).toBe(2); // (1, 2) -> (2, 1): row 2 bit 1
    expect(a[5]).toBe(0);
  });
});

describe('packSigns / unpackSigns', () => {
  it('packs +1 as a set bit, -1 as a clear bit, LSB first, padding 0 (binary: W words)', () => {
    const w = packSigns([1, -1, 1]);
    expect(Array.from(w)).toEqual([0b101]);
    const w33 = packSigns(Array.from({ length: 33 }, (_, i) => (i === 32 ? 1 : -1)));
    expect(Array.from(w33)).toEqual([0, 1]);
    expect(Array.from(packSigns(new Array(32).fill(1)))).toEqual([0xffffffff]);
  });
  it('uses 2W words (sign plane, nonzero plane) when an entry is 0 (sign(0) = 0)', () => {
    const w = packSigns([1, 0, -1, 1]);
    expect(Array.from(w)).toEqual([0b1001, 0b1101]);
    expect(Array.from(unpackSigns(w, 4))).toEqual([1, 0, -1, 1]);
  });
  it('round-trips random binary and ternary messages for d across word boundaries', () => {
    const r = rng(3);
    for (const d of [1, 5, 31, 32, 33, 64, 65, 200]) {
      for (const zeroRate of [0, 0.2]) {
        const v = Array.from({ length: d }, () => (r() / 2 ** 32 < zeroRate ? 0 : r() & 1 ? 1 : -1));
        const hasZero = v.includes(0);
        const words = packSigns(v);
        expect(words.length).toBe((hasZero ? 2 : 1) * wordCount(d));
        expect(Array.from(unpackSigns(words, d))).toEqual(v);
      }
    }
  });
  it('refuses values that are not signs (never rounds or clips)', () => {
    expect(() => packSigns([1, 0.5])).toThrow(NotASignMessage);
    expect(() => packSigns([1, 0.5])).toThrow(/entry 1 is 0.5/);
    expect(() => packSigns([Number.NaN])).toThrow(NotASignMessage);
    expect(() => packSigns([2])).toThrow(NotASignMessage);
  });
  it('rejects a message of the wrong length', () => {
    expect(() => unpackSigns(new Uint32Array(3), 40)).toThrow(/must hold 2 \(binary\) or 4 \(ternary\) words for d = 40/);
  });
  it('counts wire bits: 32 W binary, 64 W ternary', () => {
    expect(signMessageBits('binary', 1)).toBe(32);
    expect(signMessageBits('binary', 32)).toBe(32);
    expect(signMessageBits('binary', 33)).toBe(64);
    expect(signMessageBits('ternary', 33)).toBe(128);
  });
});

describe('SignChannel popcount vote', () => {
  it('sums the n messages exactly (transposed blocks + popcount) for n and d across 32-boundaries', () => {
    const r = rng(5);
    for (const n of [1, 2, 31, 32, 33, 100, 1024]) {
      for (const d of [1, 31, 33, 70]) {
        const ch = new SignChannel(n, d);
        const rows: number[][] = [];
        let bits = 0;
        for (let j = 0; j < n; j++) {
          // every fifth worker sends a ternary message
          const row = Array.from({ length: d }, () => (j % 5 === 0 && r() % 4 === 0 ? 0 : r() & 1 ? 1 : -1));
          rows.push(row);
          bits += ch.encode(j, row, 0);
        }
        const out = new Float64Array(d);
        ch.sums(out);
        for (let i = 0; i < d; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += rows[j][i];
          expect(out[i]).toBe(s);
        }
        const expectedBits = rows.reduce((acc, row) => acc + signMessageBits(row.includes(0) ? 'ternary' : 'binary', d), 0);
        expect(bits).toBe(expectedBits);
        const back = new Float64Array(d);
        ch.decode(n - 1, back, 0);
        expect(Array.from(back)).toEqual(rows[n - 1]);
      }
    }
  });
});
