import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UserInputError } from '../core/errors.ts';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { philox4x32 } from '../rng/philox.ts';
import { Purpose, fillNormals, laneWord } from '../rng/streams.ts';
import { createNoise, noiseModels, sampleNoise, sampleScaledNoise, sparseSigma } from './index.ts';
import { expectUserError } from '../testing/noise.ts';

/** The modules of src/noise that export a noise model class (a name ending in "Noise"), by module name. */
async function modelModules(): Promise<string[]> {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const out: string[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.ts') && !x.endsWith('.test.ts') && x !== 'index.ts')) {
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as Record<string, unknown>;
    if (Object.entries(mod).some(([k, v]) => typeof v === 'function' && /Noise$/.test(k))) out.push(f.slice(0, -3));
  }
  return out.sort();
}

describe('noiseModels registry', () => {
  it('every noise model module is registered as the family of its name, and every family has its module', async () => {
    expect(await modelModules()).toEqual(noiseModels.ids().sort());
  });

  it('lists every family with a summary and a parameter description', () => {
    for (const fam of noiseModels.all()) {
      expect(fam.summary.length).toBeGreaterThan(10);
      expect(fam.paramDescription.length).toBeGreaterThan(0);
      const m = fam.create();
      expect(m.id).toBe(fam.id);
      expect(Object.keys(m.params).sort()).toEqual(fam.params.map((p) => p.name).sort());
      for (const p of fam.params) expect(m.params[p.name]).toBe(p.default);
    }
  });

  it('createNoise passes parameters and names what is wrong', () => {
    expect(createNoise('student-t', { nu: 4 }).params).toEqual({ nu: 4 });
    expect(createNoise('stable', { alpha: 1.6, scale: 0.5 }).name).toBe('SymStable(alpha=1.6, scale=0.5)');
    expectUserError(() => createNoise('cauchy'), 'noise', 'must be one of: gaussian');
    expectUserError(() => createNoise('student-t', { df: 3 }), 'student-t parameter', 'must be one of: nu');
    expectUserError(() => createNoise('gaussian', { sigma: 3 }), 'gaussian parameter', 'none accepted');
    expectUserError(() => createNoise('student-t', { nu: '3' as unknown as number }), 'nu', 'must be a number');
    expectUserError(() => createNoise('student-t', { nu: 1 }), 'nu', '> 1');
    expectUserError(() => createNoise('bimodal', { p: 2 }), 'p', '(0, 1)');
  });

  it('every model honours the NoiseModel contract', () => {
    for (const fam of noiseModels.all()) {
      const m = fam.create();
      expect([2, 4]).toContain(m.samplesPerCall);
      expect(m.mean).toBe(0);
      expect(Number.isFinite(m.median)).toBe(true);
      expect(typeof m.symmetric).toBe('boolean');
      expect(typeof m.unimodal).toBe('boolean');
      expect(m.bound).toBeGreaterThan(0);
      if (m.cdf) expect(Math.abs(m.cdf(m.median) - 0.5)).toBeLessThan(1e-12);
      if (m.symmetric) expect(m.median).toBe(0);
      fc.assert(
        fc.property(fc.uint32Array({ minLength: 4, maxLength: 4 }), (w) => {
          // writes exactly samplesPerCall finite values at the offset, the same for the same words
          const out = new Float64Array(6).fill(NaN);
          m.fromWords(w, out, 1);
          const again = new Float64Array(6).fill(NaN);
          m.fromWords(w, again, 1);
          for (let k = 0; k < 6; k++) {
            const inside = k >= 1 && k <= m.samplesPerCall;
            expect(Number.isFinite(out[k])).toBe(inside);
            if (inside) {
              expect(again[k]).toBe(out[k]);
              expect(Math.abs(out[k])).toBeLessThanOrEqual(m.bound);
            }
          }
        }),
        { numRuns: 200 },
      );
    }
  });
});

describe('extreme words', () => {
  it('every model (including edge parameters) gives finite samples for extreme words', () => {
    const models = [
      ...noiseModels.all().map((f) => f.create()),
      createNoise('student-t', { nu: 1.0001 }),
      createNoise('student-t', { nu: 1e6 }),
      createNoise('stable', { alpha: 1.0001 }),
      createNoise('stable', { alpha: 2 }),
      createNoise('pareto', { alpha: 1.0001 }),
      createNoise('bimodal', { p: 0.001, gap: 1000, width: 1e-6 }),
    ];
    const edge = [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
    const out = new Float64Array(4);
    for (const m of models) for (const a of edge) for (const b of edge) {
      m.fromWords(new Uint32Array([a, b, b, a]), out, 0);
      for (let k = 0; k < m.samplesPerCall; k++) expect(Number.isFinite(out[k]), `${m.name} words ${a}, ${b}`).toBe(true);
    }
  });
});

describe('sampleNoise', () => {
  it('gaussian: equals fillNormals on the noise purpose', () => {
    const g = createNoise('gaussian');
    for (const d of [1, 4, 7, 33]) {
      const a = new Float64Array(d);
      const b = new Float64Array(d);
      sampleNoise(g, 42, 5, laneWord(3, 1), 2, a);
      fillNormals(42, Purpose.noise, 5, laneWord(3, 1), 2, b);
      expect(Array.from(a)).toEqual(Array.from(b));
    }
  });

  it('coordinate i is slot i mod s of block floor(i/s) (every family, d not a multiple of s)', () => {
    for (const fam of noiseModels.all()) {
      const m = fam.create();
      const s = m.samplesPerCall;
      for (const d of [1, 5, 11]) {
        const out = new Float64Array(d);
        sampleNoise(m, 9, 2, 1, 4, out);
        const words = new Uint32Array(4);
        const block = new Float64Array(4);
        for (let i = 0; i < d; i++) {
          philox4x32(Math.floor(i / s), 2, 1, 4, 9, Purpose.noise, words, 0);
          m.fromWords(words, block, 0);
          expect(out[i]).toBe(block[i % s]);
        }
      }
    }
  });

  it('is deterministic and changes with seed, step, lane and replica', () => {
    const m = createNoise('student-t');
    const base = new Float64Array(8);
    sampleNoise(m, 1, 2, 3, 4, base);
    const same = new Float64Array(8);
    sampleNoise(m, 1, 2, 3, 4, same);
    expect(Array.from(same)).toEqual(Array.from(base));
    for (const [seed, step, lane, rep] of [[2, 2, 3, 4], [1, 3, 3, 4], [1, 2, 4, 4], [1, 2, 3, 5]]) {
      const other = new Float64Array(8);
      sampleNoise(m, seed, step, lane, rep, other);
      for (let i = 0; i < 8; i++) expect(other[i]).not.toBe(base[i]);
    }
  });

  it('rejects counter values that are not u32 integers', () => {
    const m = createNoise('gaussian');
    const out = new Float64Array(4);
    expectUserError(() => sampleNoise(m, -1, 0, 0, 0, out), 'seed', 'integer in [0, 2^32)');
    expectUserError(() => sampleNoise(m, 0, 1.5, 0, 0, out), 'step', 'integer in [0, 2^32)');
    expectUserError(() => sampleNoise(m, 0, 0, 2 ** 32, 0, out), 'lane', 'integer in [0, 2^32)');
    expectUserError(() => sampleNoise(m, 0, 0, 0, NaN, out), 'replica', 'integer in [0, 2^32)');
  });
});

describe('sampleScaledNoise', () => {
  it('multiplies by sigma (scalar or per coordinate); zero scale gives +0', () => {
    const m = createNoise('stable');
    const unit = new Float64Array(6);
    sampleNoise(m, 3, 1, 0, 0, unit);
    const scaled = new Float64Array(6);
    sampleScaledNoise({ model: m, sigma: 2.5 }, 3, 1, 0, 0, scaled);
    for (let i = 0; i < 6; i++) expect(scaled[i]).toBe(2.5 * unit[i]);
    const sigma = sparseSigma(6, [2], 100);
    sampleScaledNoise({ model: m, sigma }, 3, 1, 0, 0, scaled);
    for (let i = 0; i < 6; i++) expect(Object.is(scaled[i], i === 2 ? 100 * unit[i] : 0)).toBe(true);
    sampleScaledNoise({ model: m, sigma: 0 }, 3, 1, 0, 0, scaled);
    for (let i = 0; i < 6; i++) expect(Object.is(scaled[i], 0)).toBe(true);
    expect(() => sampleScaledNoise({ model: m, sigma: new Float64Array(5) }, 3, 1, 0, 0, scaled)).toThrow(UserInputError);
  });
});
