import { describe, expect, it } from 'vitest';
import { BimodalNoise, GaussianNoise, RademacherNoise, StudentTNoise, SymmetricParetoNoise, SymmetricStableNoise } from '../noise/index.ts';
import type { NoiseModel } from '../noise/types.ts';
import { philox4x32 } from '../rng/philox.ts';
import { Purpose } from '../rng/streams.ts';
import { UserInputError } from '../core/errors.ts';
import { readBuffer, runOnce, storageBuffer } from './compute.ts';
import { bimodalWgsl, NOISE_PRELUDE_WGSL, stableWgsl, wgslNoiseFor, type WgslNoise } from './noise.wgsl.ts';
import { gpuForTests } from '../testing/gpu.ts';

const gpu = await gpuForTests();

/** Words of n Philox calls of the noise stream plus the edge words of both ln branches and quadrants. */
function testWords(n: number): Uint32Array {
  const edges = [0, 1, 0xffffffff, 0xfffffffe, 0x7effffff, 0x7f000000, 0x7fffffff, 0x80000000, 0x1fffffff, 0x20000000, 0x5fffffff, 0x60000000, 0x9fffffff, 0xa0000000, 0xdfffffff, 0xe0000000];
  const words = new Uint32Array(4 * (n + edges.length));
  for (let i = 0; i < n; i++) philox4x32(i, 3, 0, 7, 12345, Purpose.noise, words, 4 * i);
  // each edge word in every slot: rotate through the four positions
  for (let e = 0; e < edges.length; e++) for (let k = 0; k < 4; k++) words[4 * (n + e) + k] = edges[(e + k) % edges.length];
  return words;
}

async function gpuSamples(model: NoiseModel, words: Uint32Array, transform?: WgslNoise): Promise<Float32Array> {
  const w = transform ?? wgslNoiseFor(model);
  const src = `${NOISE_PRELUDE_WGSL}${w.wgsl}
@group(0) @binding(0) var<storage, read> inp: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read_write> outp: array<vec4<f32>>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= arrayLength(&inp)) { return; }
  outp[id.x] = noise_from_words(inp[id.x]);
}`;
  const a = storageBuffer(gpu!, words);
  const o = storageBuffer(gpu!, words.byteLength);
  await runOnce(gpu!, src, [a, o], [Math.ceil(words.length / 4 / 64)]);
  const out = new Float32Array(await readBuffer(gpu!, o));
  a.destroy();
  o.destroy();
  return out;
}

const MODELS: NoiseModel[] = [
  new GaussianNoise(),
  new RademacherNoise(),
  new SymmetricParetoNoise(1.5, 1),
  new SymmetricParetoNoise(3, 0.25),
  new StudentTNoise(3),
  new StudentTNoise(1.2),
  // stable: alpha across the registry's range (1, 2], including both ends' neighbourhoods
  new SymmetricStableNoise(1.0001, 1),
  new SymmetricStableNoise(1.05, 0.3),
  new SymmetricStableNoise(1.5, 1),
  new SymmetricStableNoise(1.6, 0.5),
  new SymmetricStableNoise(1.9, 2),
  new SymmetricStableNoise(1.9999, 1),
  new SymmetricStableNoise(2, 1),
  // bimodal: the registry default, symmetric, lopsided both ways, p = 1/4 (U1 < p exactly at w < 2^30),
  // and p = 1/2 + 2^-33 = U1(2^31) itself: the word 0x80000000 gives u = 0 and the CPU's clamp 2^-33
  new BimodalNoise(0.8, 1, 0.05),
  new BimodalNoise(0.5 + 2 ** -33, 1, 0.05),
  new BimodalNoise(0.5, 2, 0.3),
  new BimodalNoise(0.01, 1, 0.05),
  new BimodalNoise(0.999, 3, 1),
  new BimodalNoise(0.25, 1, 0.05),
];

/** Runs `transform` on the test words and counts samples outside `model`'s derived bound. */
async function violations(model: NoiseModel, transform: WgslNoise): Promise<{ bad: number; worst: number; samples: number; nonzero: number }> {
  const words = testWords(4096);
  const calls = words.length / 4;
  const got = await gpuSamples(model, words, transform);
  const reference = wgslNoiseFor(model);
  const s = reference.samplesPerCall;
  const exact = new Float64Array(4);
  const bound = new Float64Array(4);
  let worst = 0;
  let bad = 0;
  let nonzero = 0;
  for (let c = 0; c < calls; c++) {
    const cw = words.subarray(4 * c, 4 * c + 4);
    model.fromWords(cw, exact, 0);
    reference.errorBound(cw, exact, bound);
    for (let k = 0; k < s; k++) {
      const err = Math.abs(got[4 * c + k] - exact[k]);
      if (!(err <= bound[k])) bad++;
      if (bound[k] > 0) worst = Math.max(worst, err / bound[k]);
      if (exact[k] !== 0) nonzero++;
    }
  }
  return { bad, worst, samples: calls * s, nonzero };
}

describe.skipIf(!gpu)('WGSL noise transforms (float32) against the models\' float64 fromWords', () => {
  for (const model of MODELS) {
    it(`${model.name}: every sample within its derived float32 error bound`, async () => {
      const words = testWords(4096);
      const calls = words.length / 4;
      const got = await gpuSamples(model, words);
      const w = wgslNoiseFor(model);
      const s = w.samplesPerCall;
      const exact = new Float64Array(4);
      const bound = new Float64Array(4);
      let worst = 0;
      let violations = 0;
      let nonzero = 0;
      for (let c = 0; c < calls; c++) {
        const cw = words.subarray(4 * c, 4 * c + 4);
        model.fromWords(cw, exact, 0);
        w.errorBound(cw, exact, bound);
        for (let k = 0; k < s; k++) {
          const err = Math.abs(got[4 * c + k] - exact[k]);
          if (!(err <= bound[k])) violations++;
          if (bound[k] > 0) worst = Math.max(worst, err / bound[k]);
          if (exact[k] !== 0) nonzero++;
        }
      }
      expect(violations).toBe(0);
      expect(nonzero).toBeGreaterThan(calls * s * 0.99);
      // informational: how much of the derived bound the device actually used
      console.info(`[gpu noise] ${model.name}: max |err| / bound = ${worst.toExponential(2)} over ${calls * s} samples`);
    });
  }

  // Sensitivity: the same bounds reject a transform with one constant off by 1% (scale c, bump width,
  // exponent 1/alpha via alpha) — so the bounds are tight enough to see such a slip.
  const broken: Array<[string, NoiseModel, WgslNoise]> = [
    ['stable scale x 1.01', new SymmetricStableNoise(1.6, 0.5), stableWgsl(1.6, 0.505)],
    ['stable alpha x 1.01', new SymmetricStableNoise(1.5, 1), stableWgsl(1.515, 1)],
    ['bimodal width x 1.01', new BimodalNoise(0.8, 1, 0.05), bimodalWgsl(0.8, 1, 0.0505)],
    ['bimodal p x 1.01', new BimodalNoise(0.8, 1, 0.05), bimodalWgsl(0.808, 1, 0.05)],
  ];
  for (const [what, model, transform] of broken) {
    it(`a deliberately broken transform (${what}) violates the bound`, async () => {
      const { bad, samples } = await violations(model, transform);
      console.info(`[gpu noise] broken ${what}: ${bad} of ${samples} samples outside the bound`);
      expect(bad).toBeGreaterThan(0);
    });
  }

  it('refuses a model without a WGSL transform with a clear user error', () => {
    const custom = Object.create(new GaussianNoise(), { id: { value: 'custom-test' }, name: { value: 'Custom' } }) as NoiseModel;
    expect(() => wgslNoiseFor(custom)).toThrow(UserInputError);
    expect(() => wgslNoiseFor(custom)).toThrow(/not yet supported on webgpu: noise model "custom-test"/);
  });
});
