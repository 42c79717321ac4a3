import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { philox, philox4x32 } from './philox.ts';
import { fillNormals, fillWords, laneWord, MAX_BATCH, MAX_WORKERS, normals4, Purpose } from './streams.ts';

// The addressing helpers every engine relies on (found unchecked by mutation testing of src/rng).
describe('stream addressing helpers', () => {
  it('laneWord packs worker | batch << 16 and rejects indices outside 16 bits, naming the parameter', () => {
    expect(laneWord(0, 0)).toBe(0);
    expect(laneWord(5, 0)).toBe(5);
    expect(laneWord(0, 3)).toBe(3 * 65536);
    expect(laneWord(MAX_WORKERS - 1, MAX_BATCH - 1)).toBe(0xffffffff);
    for (const w of [-1, MAX_WORKERS]) {
      expect(() => laneWord(w, 0)).toThrow(UserInputError);
      expect(() => laneWord(w, 0)).toThrow(/^workers: must be < 65536/);
    }
    for (const b of [-1, MAX_BATCH]) {
      expect(() => laneWord(0, b)).toThrow(UserInputError);
      expect(() => laneWord(0, b)).toThrow(/^batch: must be <= 65536/);
    }
  });

  it('philox() checks its array lengths and equals philox4x32', () => {
    const w = new Uint32Array(4);
    philox4x32(1, 2, 3, 4, 5, 6, w);
    expect([...philox([1, 2, 3, 4], [5, 6])]).toEqual([...w]);
    expect(() => philox([1, 2, 3], [5, 6])).toThrow(/counter of 4 words and a key of 2 words/);
    expect(() => philox([1, 2, 3, 4], [5])).toThrow(RangeError);
    expect(() => philox([1, 2, 3, 4, 5], [5, 6])).toThrow(RangeError);
  });

  it('fillWords writes block b = firstBlock + i at out[4i..4i+3], every block', () => {
    const out = new Uint32Array(12);
    fillWords(7, Purpose.noise, 3, laneWord(2, 1), 4, out, 5);
    const w = new Uint32Array(4);
    for (let i = 0; i < 3; i++) {
      philox4x32(5 + i, 3, laneWord(2, 1), 4, 7, Purpose.noise, w);
      expect([...out.subarray(4 * i, 4 * i + 4)]).toEqual([...w]);
    }
    const fromZero = new Uint32Array(8);
    fillWords(7, Purpose.noise, 3, laneWord(2, 1), 4, fromZero);
    philox4x32(0, 3, laneWord(2, 1), 4, 7, Purpose.noise, w);
    expect([...fromZero.subarray(0, 4)]).toEqual([...w]);
    expect(fromZero.subarray(4).some((v) => v !== 0)).toBe(true);
  });

  it('fillNormals gives coordinate i the normal k = i mod 4 of block floor(i/4), for lengths not divisible by 4', () => {
    for (const n of [1, 4, 7, 9]) {
      const out = new Float64Array(n).fill(Number.NaN);
      fillNormals(11, Purpose.noise, 2, laneWord(1, 0), 3, out);
      const w = new Uint32Array(4);
      const z = new Float64Array(4);
      for (let i = 0; i < n; i++) {
        philox4x32(Math.floor(i / 4), 2, laneWord(1, 0), 3, 11, Purpose.noise, w);
        normals4(w, z, 0);
        expect(out[i]).toBe(z[i % 4]);
      }
    }
  });
});
