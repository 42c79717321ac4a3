import { describe, expect, it } from 'vitest';
import { philox4x32 } from '../rng/philox.ts';
import { Purpose } from '../rng/streams.ts';
import { BufferUsage } from './device.ts';
import { readBuffer, runOnce, storageBuffer } from './compute.ts';
import { PHILOX_WGSL } from './philox.wgsl.ts';
import { gpuForTests } from '../testing/gpu.ts';

const gpu = await gpuForTests();

const KERNEL = `${PHILOX_WGSL}
@group(0) @binding(0) var<storage, read> inp: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read> keys: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read_write> outp: array<vec4<u32>>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= arrayLength(&inp)) { return; }
  outp[i] = philox4x32_10(inp[i], keys[i]);
}`;

/** Runs the WGSL generator on n (counter, key) pairs and returns the 4n output words. */
async function gpuPhilox(counters: Uint32Array, keys: Uint32Array): Promise<Uint32Array> {
  const n = counters.length / 4;
  const a = storageBuffer(gpu!, counters);
  const k = storageBuffer(gpu!, keys);
  const o = storageBuffer(gpu!, n * 16, 'out', BufferUsage.COPY_SRC);
  await runOnce(gpu!, KERNEL, [a, k, o], [Math.ceil(n / 64)]);
  const words = new Uint32Array(await readBuffer(gpu!, o));
  a.destroy();
  k.destroy();
  o.destroy();
  return words;
}

const hex = (w: Uint32Array) => Array.from(w, (v) => v.toString(16).padStart(8, '0')).join(' ');

describe.skipIf(!gpu)('Philox4x32-10 in WGSL (through the WebGPU adapter)', () => {
  it('matches the Random123 known-answer vectors', async () => {
    const counters = Uint32Array.from([0, 0, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344]);
    const keys = Uint32Array.from([0, 0, 0xffffffff, 0xffffffff, 0xa4093822, 0x299f31d0]);
    const w = await gpuPhilox(counters, keys);
    expect(hex(w.subarray(0, 4))).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    expect(hex(w.subarray(4, 8))).toBe('408f276d 41c83b0e a20bc7c6 6d5451fd');
    expect(hex(w.subarray(8, 12))).toBe('d16cfe09 94fdcceb 5001e420 24126ea1');
  });

  it('equals the TypeScript generator word for word on 4096 engine-stream counters', async () => {
    // Counters as the engines address them: (block, step, lane = worker | batch << 16, replica),
    // key (seed, Purpose.noise); values spread over the whole u32 range of every word.
    const n = 4096;
    const counters = new Uint32Array(4 * n);
    const keys = new Uint32Array(2 * n);
    for (let i = 0; i < n; i++) {
      counters[4 * i] = (i * 2654435761) >>> 0;
      counters[4 * i + 1] = i % 97;
      counters[4 * i + 2] = ((i % 5) | ((i % 3) << 16)) >>> 0;
      counters[4 * i + 3] = i % 2 === 0 ? i >>> 4 : 0xffffffff - i;
      keys[2 * i] = i % 7 === 0 ? 0xffffffff : (i * 40503) >>> 0;
      keys[2 * i + 1] = i % 2 === 0 ? Purpose.noise : Purpose.tau;
    }
    const w = await gpuPhilox(counters, keys);
    const expected = new Uint32Array(4 * n);
    for (let i = 0; i < n; i++) {
      philox4x32(counters[4 * i], counters[4 * i + 1], counters[4 * i + 2], counters[4 * i + 3], keys[2 * i], keys[2 * i + 1], expected, 4 * i);
    }
    let mismatches = 0;
    for (let i = 0; i < 4 * n; i++) if (w[i] !== expected[i]) mismatches++;
    expect(mismatches).toBe(0);
    // the check is not vacuous: the words are not all equal to one value
    expect(new Set(w).size).toBeGreaterThan(4 * n - 10);
  });
});
