import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { uniformOpen } from '../rng/streams.ts';
import { gaussianAbsMoment } from './gaussian.ts';
import { normalCdf } from '../stats/special.ts';
import { SymmetricStableNoise, stableAbsMomentFormula } from './stable.ts';
import { expectUserError } from '../testing/noise.ts';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('SymmetricStableNoise', () => {
  it('rejects alpha outside (1, 2] and scale that is not a finite number > 0', () => {
    for (const a of [1, 0.5, 2.01, NaN, Infinity]) expectUserError(() => new SymmetricStableNoise(a), 'alpha', '(1, 2]');
    for (const c of [0, -1, NaN, Infinity]) expectUserError(() => new SymmetricStableNoise(1.5, c), 'scale', 'finite number > 0');
  });

  it('declares symmetric, unimodal, moments of order < alpha (all moments at alpha = 2)', () => {
    const s = new SymmetricStableNoise(1.6, 0.5);
    expect(s.samplesPerCall).toBe(2);
    expect([s.mean, s.median, s.momentLimit]).toEqual([0, 0, 1.6]);
    expect(s.symmetric && s.unimodal).toBe(true);
    expect(s.params).toEqual({ alpha: 1.6, scale: 0.5 });
    expect(s.cdf).toBeUndefined();
    expect(s.absMoment(1.6)).toBe(Infinity);
    expect(new SymmetricStableNoise(2).momentLimit).toBe(Infinity);
  });

  it('alpha = 2 is N(0, 2 c^2): moments equal the Gaussian ones, and so does the alpha-stable formula', () => {
    for (const c of [0.3, 1, 2.5]) {
      const s = new SymmetricStableNoise(2, c);
      for (const k of [0.5, 1, 1.5, 1.9]) {
        const gauss = Math.pow(Math.SQRT2 * c, k) * gaussianAbsMoment(k);
        expect(rel(stableAbsMomentFormula(2, c, k), gauss)).toBeLessThan(1e-13);
        expect(rel(s.absMoment(k), gauss)).toBeLessThan(1e-13);
      }
      expect(rel(s.absMoment(2), 2 * c * c)).toBeLessThan(1e-13);
      expect(rel(s.absMoment(4), 3 * 4 * c ** 4)).toBeLessThan(1e-12);
      expect(s.cdf!(1.1)).toBe(normalCdf(1.1 / (Math.SQRT2 * c)));
    }
  });

  it('the formula at alpha = 1 is the Cauchy moment c^k / cos(pi k / 2)', () => {
    for (const c of [0.5, 2]) for (const k of [0.2, 0.5, 0.9]) {
      expect(rel(stableAbsMomentFormula(1, c, k), Math.pow(c, k) / Math.cos((Math.PI * k) / 2))).toBeLessThan(1e-13);
    }
  });

  it('fromWords is Chambers-Mallows-Stuck with beta = 0 (and 2 c sqrt(W) sin V at alpha = 2)', () => {
    fc.assert(
      fc.property(fc.uint32Array({ minLength: 4, maxLength: 4 }), fc.double({ min: 1.01, max: 2, noNaN: true }), (w, alpha) => {
        const c = 0.7;
        const model = new SymmetricStableNoise(alpha, c);
        const out = new Float64Array(2);
        model.fromWords(w, out, 0);
        const two = new SymmetricStableNoise(2, c);
        const out2 = new Float64Array(2);
        two.fromWords(w, out2, 0);
        for (let k = 0; k < 2; k++) {
          const v = Math.PI * (uniformOpen(w[2 * k]) - 0.5);
          const W = -Math.log(uniformOpen(w[2 * k + 1]));
          const cms =
            (c * Math.sin(alpha * v)) / Math.pow(Math.cos(v), 1 / alpha) * Math.pow(Math.cos(v - alpha * v) / W, (1 - alpha) / alpha);
          expect(Math.abs(out[k] - cms)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(cms)));
          const polar = 2 * c * Math.sqrt(W) * Math.sin(v);
          expect(Math.abs(out2[k] - polar)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(polar)));
        }
      }),
    );
  });

  it('characteristicFunction is exp(-|c t|^alpha)', () => {
    const s = new SymmetricStableNoise(1.5, 2);
    expect(s.characteristicFunction(0)).toBe(1);
    expect(s.characteristicFunction(0.5)).toBeCloseTo(Math.exp(-1), 15);
    expect(s.characteristicFunction(-1)).toBeCloseTo(Math.exp(-Math.pow(2, 1.5)), 15);
  });
});
