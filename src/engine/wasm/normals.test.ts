import { describe, expect, it } from 'vitest';
import { fillNormals, laneWord, Purpose } from '../../rng/streams.ts';
import { normalsModuleBytes, WasmNormals, wasmNormals, type WasmApi } from './normals.ts';

const kernel = wasmNormals();

/** Reference: sum over b < B of fillNormals(seed, purpose, step, lane(0, b), replica), in order b = 0, 1, ... */
function reference(seed: number, purpose: number, step: number, replica: number, B: number, d: number): Float64Array {
  const sum = new Float64Array(d);
  const z = new Float64Array(d);
  for (let b = 0; b < B; b++) {
    fillNormals(seed, purpose, step, laneWord(0, b), replica, z);
    if (b === 0) sum.set(z);
    else for (let i = 0; i < d; i++) sum[i] += z[i];
  }
  return sum;
}

describe('WebAssembly Gaussian kernel', () => {
  it('is available on Node 20 (WebAssembly SIMD)', () => {
    // Node >= 16.4 ships fixed-width SIMD enabled; the engine falls back to JavaScript otherwise
    expect(kernel).not.toBeNull();
  });

  // d around the group size of 16 and a longer odd length; counters and keys at the u32 extremes
  const cases: [number, number, number, number, number, number][] = [
    [42, Purpose.noise, 7, 3, 1, 1],
    [42, Purpose.noise, 7, 3, 1, 15],
    [1, Purpose.noise, 0, 0, 1, 16],
    [1, Purpose.noise, 0, 0, 1, 17],
    [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 1, 33],
    [0x80000000, Purpose.noise, 0x7fffffff, 0x80000000, 2, 50],
    [9, Purpose.noise, 12, 5, 3, 1027],
  ];
  for (const [seed, purpose, step, replica, B, d] of cases) {
    it(`equals fillNormals bit for bit: seed ${seed}, step ${step}, replica ${replica}, B = ${B}, d = ${d}`, () => {
      const got = kernel!.fill(seed, purpose, step, replica, B, 0, d);
      const ref = reference(seed, purpose, step, replica, B, d);
      expect(Array.from(got.subarray(0, d))).toEqual(Array.from(ref));
    });
  }

  it('grows its memory for long vectors and keeps the numbers', () => {
    const d = 300_001; // > 1 page of 64 KiB many times over
    const got = kernel!.fill(5, Purpose.noise, 1, 2, 1, 0, d);
    const ref = reference(5, Purpose.noise, 1, 2, 1, d);
    for (const i of [0, 1, 4095, 8192, 150_000, d - 1]) expect(got[i]).toBe(ref[i]);
    expect(got.length).toBeGreaterThanOrEqual(d);
  });

  it('fills a chunk from a block offset with the same numbers as the whole vector', () => {
    const ref = reference(3, Purpose.noise, 4, 1, 2, 1000);
    for (const [first, count] of [[0, 16], [16, 100], [500, 500], [996, 4]]) {
      const got = kernel!.fill(3, Purpose.noise, 4, 1, 2, first, count);
      expect(Array.from(got.subarray(0, count))).toEqual(Array.from(ref.subarray(first, first + count)));
    }
    expect(() => kernel!.fill(3, Purpose.noise, 4, 1, 1, 2, 10)).toThrow(RangeError);
    const out = new Float64Array(40);
    kernel!.fillInto(out, 3, Purpose.noise, 4, 1, 2, 16, 40);
    expect(Array.from(out)).toEqual(Array.from(ref.subarray(16, 56)));
    expect(() => kernel!.fillInto(out, 3, Purpose.noise, 4, 1, 2, 16, 41)).toThrow(RangeError);
  });

  it('returns null (JavaScript fallback) without WebAssembly or when the module does not validate', () => {
    expect(WasmNormals.create(null)).toBeNull();
    const refusing = { validate: () => false } as unknown as WasmApi;
    expect(WasmNormals.create(refusing)).toBeNull();
  });

  it('emits a deterministic module', () => {
    expect(Array.from(normalsModuleBytes())).toEqual(Array.from(normalsModuleBytes()));
  });
});
