import { describe, expect, it } from 'vitest';
import { algorithms } from '../algorithms/index.ts';
import { diagQuadratic, fixtureGaussian } from '../testing/fixtures.ts';
import { runCpu } from './cpu.ts';
import { WASM_CHUNK } from './fused-cpu.ts';
import type { RunSpec } from './types.ts';

const gaussian = { ...fixtureGaussian, id: 'gaussian' };
const twoPerCall = { ...fixtureGaussian, id: 'two-per-call', samplesPerCall: 2 as const, fromWords: (w: Uint32Array, out: Float64Array, o: number) => {
  out[o] = (w[0] / 4294967296) - 0.5;
  out[o + 1] = (w[1] / 4294967296) - 0.5;
} };

describe('fused CPU step', () => {
  const d = 13; // not a multiple of 4: exercises the tail block
  const L = Array.from({ length: d }, (_, i) => 0.3 + i);
  const p = diagQuadratic(L, L.map((_, i) => (i % 3) - 1), L.map(() => 2));
  const sigmaVec = Float64Array.from(L, (_, i) => (i % 4 === 0 ? 0 : 0.5 * i));
  const cases: [string, Partial<RunSpec>][] = [
    ['signum, gaussian, B = 1', { algorithm: algorithms.get('signum'), hyper: { lr: 0.05, beta: 0.2 }, noise: { model: gaussian, sigma: 1.5 } }],
    ['signum, gaussian, B = 3, sigma vector', { algorithm: algorithms.get('signum'), hyper: { lr: 0.05, beta: 0.2, batch: 3 }, noise: { model: gaussian, sigma: sigmaVec } }],
    ['sgd-momentum, two samples per call, batch schedule', { algorithm: algorithms.get('sgd-momentum'), hyper: { lr: 0.01, batch: '1 + floor(t / 5)' }, noise: { model: twoPerCall, sigma: 2 } }],
    ['signsgd, no noise', { algorithm: algorithms.get('signsgd'), hyper: { lr: '0.1 / sqrt(t + 1)' }, noise: null }],
  ];
  // which fused variant each case takes: the WebAssembly noise kernel serves Gaussian noise that is present
  const expected = ['fused-wasm', 'fused-wasm', 'fused', 'fused'];
  cases.forEach(([name, part], c) => {
    for (const wasm of [true, false]) {
      it(`equals the general path bit for bit: ${name}${wasm ? '' : ' (JavaScript noise)'}`, () => {
        const spec = { problem: p, T: 20, workers: 1, replicas: 2, seed: 42, checkpoints: [0, 7, 20], ...part } as RunSpec;
        const a = runCpu(spec, { fused: true, wasm });
        const b = runCpu(spec, { fused: false });
        expect([a.path, b.path]).toEqual([wasm ? expected[c] : 'fused', 'general']);
        expect(Array.from(a.finalX)).toEqual(Array.from(b.finalX));
        expect(Array.from(a.avgG1)).toEqual(Array.from(b.avgG1));
        expect(Array.from(a.avgG2)).toEqual(Array.from(b.avgG2));
        expect(Array.from(a.tauG1)).toEqual(Array.from(b.tauG1));
        for (let k = 0; k < 3; k++) expect(Array.from(a.curve[k].fGap)).toEqual(Array.from(b.curve[k].fGap));
        expect(Array.from(a.frozen)).toEqual(Array.from(b.frozen));
      });
    }
  });

  it('equals the general path across the WebAssembly kernel\'s chunk boundaries (d > 2 chunks, B = 2)', () => {
    const dd = 2 * WASM_CHUNK + 5;
    const LL = Array.from({ length: dd }, (_, i) => 0.5 + (i % 7) / 7);
    const q = diagQuadratic(LL, LL.map((_, i) => Math.sin(i)), LL.map(() => 1));
    const sv = Float64Array.from(LL, (_, i) => 0.1 * (i % 5));
    for (const sigma of [0.7, sv]) {
      const spec = { problem: q, T: 3, workers: 1, replicas: 1, seed: 3, algorithm: algorithms.get('signum'), hyper: { lr: 0.01, beta: 0.3, batch: 2 }, noise: { model: gaussian, sigma } } as RunSpec;
      const a = runCpu(spec);
      const b = runCpu(spec, { fused: false });
      expect(a.path).toBe('fused-wasm');
      expect(Array.from(a.finalX)).toEqual(Array.from(b.finalX));
      expect(Array.from(a.avgG1)).toEqual(Array.from(b.avgG1));
      expect(Array.from(a.avgG2)).toEqual(Array.from(b.avgG2));
    }
  });
});
