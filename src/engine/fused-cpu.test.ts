import { describe, expect, it } from 'vitest';
import { algorithms } from '../algorithms/index.ts';
import { diagQuadratic, fixtureGaussian } from '../testing/fixtures.ts';
import { runCpu } from './cpu.ts';
import { WASM_CHUNK } from './fused-cpu.ts';
import type { RunSpec } from './types.ts';

const gaussian = { ...fixtureGaussian, id: 'gaussian' };
const signumDef = algorithms.get('signum');
const twoPerCall = { ...fixtureGaussian, id: 'two-per-call', samplesPerCall: 2 as const, fromWords: (w: Uint32Array, out: Float64Array, o: number) => {
  out[o] = (w[0] / 4294967296) - 0.5;
  out[o + 1] = (w[1] / 4294967296) - 0.5;
} };

describe('fused CPU step', () => {
  const d = 13; // not a multiple of 4: exercises the tail block
  const L = Array.from({ length: d }, (_, i) => 0.3 + i);
  const p = diagQuadratic(L, L.map((_, i) => (i % 3) - 1), L.map(() => 2));
  const sigmaVec = Float64Array.from(L, (_, i) => (i % 4 === 0 ? 0 : 0.5 * i));
  // every function the WebAssembly update emits, a local, division, unary minus, literals, and the
  // edge inputs of sign/min/max: sign(-0) = -0 (1 / sign(-0) = -inf, so max(., -1) = -1 where a
  // wrong +0 would give +inf), sign(NaN) = NaN (the blend q is 0 for NaN and 1 for any of -1, 0, 1),
  // min(0, -0) = -0; each lands in x, so a wrong bit shows in finalX
  const wide = { ...signumDef, id: 'wasm-wide', program: { ...signumDef.program, params: ['lr', 'beta'], ops: [{ op: 'map' as const, scope: 'server' as const, assign: [
    ['u', 'max(abs(g) - 0.5, 0) / (1 + sqrt(abs(m)))'],
    ['z', 'x - x'],
    ['q', 'pos(sign(z / z)) + pos(-sign(z / z)) + pos(1 - abs(sign(z / z)))'],
    ['m', 'first * g + (1 - first) * min((1 - beta) * m + beta * g, 3 * u + 0.25)'],
    ['x', 'x - lr * (sign(m) * pos(u - 0.1) - 0.1 * u + 0.01 * q) + (max(1 / sign(-z), -1) + 1) + (max(1 / min(z, -z), -1) + 1)'],
  ] as [string, string][] }] } };
  // exp is not emitted: the WebAssembly noise with the JavaScript update
  const withExp = { ...signumDef, id: 'wasm-exp', program: { ...signumDef.program, ops: [{ op: 'map' as const, scope: 'server' as const, assign: [
    ['m', 'first * g + (1 - first) * ((1 - beta) * m + beta * g)'],
    ['x', 'x - lr * sign(m) * exp(-0.01 * t)'],
  ] as [string, string][] }] } };
  const cases: [string, Partial<RunSpec>][] = [
    ['signum, gaussian, B = 1', { algorithm: algorithms.get('signum'), hyper: { lr: 0.05, beta: 0.2 }, noise: { model: gaussian, sigma: 1.5 } }],
    ['signum, gaussian, B = 3, sigma vector', { algorithm: algorithms.get('signum'), hyper: { lr: 0.05, beta: 0.2, batch: 3 }, noise: { model: gaussian, sigma: sigmaVec } }],
    ['sgd-momentum, two samples per call, batch schedule', { algorithm: algorithms.get('sgd-momentum'), hyper: { lr: 0.01, batch: '1 + floor(t / 5)' }, noise: { model: twoPerCall, sigma: 2 } }],
    ['signsgd, no noise', { algorithm: algorithms.get('signsgd'), hyper: { lr: '0.1 / sqrt(t + 1)' }, noise: null }],
    ['all emitted functions, B = 2', { algorithm: wide, hyper: { lr: 0.05, beta: 0.3, batch: 2 }, noise: { model: gaussian, sigma: 1.5 } }],
    ['all emitted functions, sigma vector', { algorithm: wide, hyper: { lr: 0.05, beta: 0.3 }, noise: { model: gaussian, sigma: sigmaVec } }],
    ['exp in the update', { algorithm: withExp, hyper: { lr: 0.05, beta: 0.2 }, noise: { model: gaussian, sigma: 1 } }],
  ];
  // which fused variant each case takes with wasm = true and wasm = 'noise': the WebAssembly noise
  // kernel serves Gaussian noise that is present; the WebAssembly update programs without exp/log
  const expected: [string, string][] = [
    ['fused-wasm', 'fused-wasm-noise'],
    ['fused-wasm', 'fused-wasm-noise'],
    ['fused', 'fused'],
    ['fused', 'fused'],
    ['fused-wasm', 'fused-wasm-noise'],
    ['fused-wasm', 'fused-wasm-noise'],
    ['fused-wasm-noise', 'fused-wasm-noise'],
  ];
  cases.forEach(([name, part], c) => {
    for (const wasm of [true, 'noise', false] as const) {
      it(`equals the general path bit for bit: ${name}${wasm === true ? '' : wasm ? ' (JavaScript update)' : ' (JavaScript noise)'}`, () => {
        const spec = { problem: p, T: 20, workers: 1, replicas: 2, seed: 42, checkpoints: [0, 7, 20], ...part } as RunSpec;
        const a = runCpu(spec, { fused: true, wasm });
        const b = runCpu(spec, { fused: false });
        expect([a.path, b.path]).toEqual([wasm === true ? expected[c][0] : wasm ? expected[c][1] : 'fused', 'general']);
        expect(Array.from(a.finalX)).toEqual(Array.from(b.finalX));
        expect(Array.from(a.avgG1)).toEqual(Array.from(b.avgG1));
        expect(Array.from(a.avgG2)).toEqual(Array.from(b.avgG2));
        expect(Array.from(a.tauG1)).toEqual(Array.from(b.tauG1));
        for (let k = 0; k < 3; k++) expect(Array.from(a.curve[k].fGap)).toEqual(Array.from(b.curve[k].fGap));
        expect(Array.from(a.frozen)).toEqual(Array.from(b.frozen));
      });
    }
  });

  it('equals the general path across the WebAssembly chunk boundaries (d > 2 chunks, odd tail, B = 2)', () => {
    const dd = 2 * WASM_CHUNK + 5;
    const LL = Array.from({ length: dd }, (_, i) => 0.5 + (i % 7) / 7);
    const q = diagQuadratic(LL, LL.map((_, i) => Math.sin(i)), LL.map(() => 1));
    const sv = Float64Array.from(LL, (_, i) => 0.1 * (i % 5));
    for (const [sigma, wasm] of [[0.7, true], [sv, true], [0.7, 'noise'], [sv, 'noise']] as const) {
      const spec = { problem: q, T: 3, workers: 1, replicas: 1, seed: 3, algorithm: algorithms.get('signum'), hyper: { lr: 0.01, beta: 0.3, batch: 2 }, noise: { model: gaussian, sigma } } as RunSpec;
      const a = runCpu(spec, { wasm });
      const b = runCpu(spec, { fused: false });
      expect(a.path).toBe(wasm === true ? 'fused-wasm' : 'fused-wasm-noise');
      expect(Array.from(a.finalX)).toEqual(Array.from(b.finalX));
      expect(Array.from(a.avgG1)).toEqual(Array.from(b.avgG1));
      expect(Array.from(a.avgG2)).toEqual(Array.from(b.avgG2));
    }
  });
});
