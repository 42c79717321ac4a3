import { describe, expect, it } from 'vitest';
import { SymmetricParetoNoise } from './pareto.ts';
import { expectUserError, wordFor } from '../testing/noise.ts';

describe('SymmetricParetoNoise', () => {
  it('rejects alpha <= 1 and xm <= 0', () => {
    for (const a of [1, 0.5, NaN, Infinity]) expectUserError(() => new SymmetricParetoNoise(a), 'alpha', 'finite number > 1');
    for (const x of [0, -2, NaN, Infinity]) expectUserError(() => new SymmetricParetoNoise(3, x), 'xm', 'finite number > 0');
  });

  it('declares symmetric, not unimodal, moments of order < alpha', () => {
    const p = new SymmetricParetoNoise(3, 2);
    expect(p.samplesPerCall).toBe(2);
    expect([p.mean, p.median, p.momentLimit]).toEqual([0, 0, 3]);
    expect(p.symmetric).toBe(true);
    expect(p.unimodal).toBe(false);
    expect(p.params).toEqual({ alpha: 3, xm: 2 });
  });

  it('absMoment = alpha xm^k / (alpha - k) for k < alpha, Infinity from alpha on', () => {
    expect(new SymmetricParetoNoise(3).absMoment(1)).toBeCloseTo(1.5, 14);
    expect(new SymmetricParetoNoise(3, 2).absMoment(2)).toBeCloseTo(12, 13);
    expect(new SymmetricParetoNoise(3, 2).absMoment(3)).toBe(Infinity);
    expect(new SymmetricParetoNoise(1.5).absMoment(1.6)).toBe(Infinity);
  });

  it('fromWords: magnitude xm U^{-1/alpha} from word 2k, sign from the top bit of word 2k+1', () => {
    const p = new SymmetricParetoNoise(3, 1.5);
    const u = 0.125; // U^{-1/3} = 2
    const w = new Uint32Array([wordFor(u), 0x7fffffff, wordFor(u), 0x80000000]);
    const out = new Float64Array(2);
    p.fromWords(w, out, 0);
    expect(out[0]).toBeCloseTo(3, 7);
    expect(out[1]).toBeCloseTo(-3, 7);
  });

  it('two modes at -xm and +xm with no mass between (hence not unimodal); cdf consistent', () => {
    const p = new SymmetricParetoNoise(2.5, 1);
    expect(p.pdf(0)).toBe(0);
    expect(p.pdf(0.99)).toBe(0);
    expect(p.pdf(1)).toBeGreaterThan(p.pdf(1.01));
    expect(p.pdf(-1)).toBeGreaterThan(p.pdf(-1.01));
    expect(p.cdf(0)).toBe(0.5);
    expect(p.cdf(-1)).toBe(0.5);
    expect(p.cdf(1)).toBe(0.5);
    expect(p.cdf(2)).toBeCloseTo(1 - 0.5 * Math.pow(0.5, 2.5), 15);
    const h = 1e-6;
    for (const x of [-3, 1.5, 7]) expect((p.cdf(x + h) - p.cdf(x - h)) / (2 * h)).toBeCloseTo(p.pdf(x), 6);
  });
});
