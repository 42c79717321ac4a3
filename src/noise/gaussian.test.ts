import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normals4 } from '../rng/streams.ts';
import { GaussianNoise, gaussianAbsMoment } from './gaussian.ts';
import { normalCdf } from '../stats/special.ts';
import { expectUserError } from '../testing/noise.ts';

const words = fc.uint32Array({ minLength: 4, maxLength: 4 });

describe('GaussianNoise', () => {
  const g = new GaussianNoise();

  it('declares a symmetric unimodal unbounded model with all moments, 4 samples per call', () => {
    expect(g.samplesPerCall).toBe(4);
    expect([g.mean, g.median]).toEqual([0, 0]);
    expect(g.symmetric).toBe(true);
    expect(g.unimodal).toBe(true);
    expect(g.bound).toBe(Infinity);
    expect(g.momentLimit).toBe(Infinity);
  });

  it('samples are exactly normals4 of the same words (deterministic)', () => {
    fc.assert(
      fc.property(words, (w) => {
        const a = new Float64Array(4);
        const b = new Float64Array(4);
        const c = new Float64Array(6);
        g.fromWords(w, a, 0);
        normals4(w, b, 0);
        g.fromWords(w, c, 2);
        expect(Array.from(a)).toEqual(Array.from(b));
        expect(Array.from(c.subarray(2))).toEqual(Array.from(a));
      }),
    );
  });

  it('absMoment matches E|Z| = sqrt(2/pi), E Z^2 = 1, E|Z|^3 = 2 sqrt(2/pi), E Z^4 = 3', () => {
    expect(g.absMoment(1)).toBeCloseTo(Math.sqrt(2 / Math.PI), 14);
    expect(g.absMoment(2)).toBeCloseTo(1, 14);
    expect(g.absMoment(3)).toBeCloseTo(2 * Math.sqrt(2 / Math.PI), 14);
    expect(g.absMoment(4)).toBeCloseTo(3, 13);
    expect(gaussianAbsMoment(6)).toBeCloseTo(15, 12);
  });

  it('rejects kappa that is not a finite number > 0', () => {
    for (const k of [0, -1, NaN, Infinity]) expectUserError(() => g.absMoment(k), 'kappa', 'finite number > 0');
  });

  it('cdf is Phi and the density decreases away from 0 (unimodal)', () => {
    expect(g.cdf(1.3)).toBe(normalCdf(1.3));
    for (let x = 0; x < 6; x += 0.25) expect(g.pdf(x + 0.25)).toBeLessThan(g.pdf(x));
  });
});
