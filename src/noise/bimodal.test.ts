import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { uniformOpen } from '../rng/streams.ts';
import { BimodalNoise, bimodalMixtureIsBimodal } from './bimodal.ts';
import { normalCdf } from '../stats/special.ts';
import { expectUserError, wordFor } from '../testing/noise.ts';

/** Local maxima of the density on a uniform grid of n points over [-b - 6w, a + 6w]. */
function gridModes(m: BimodalNoise, n: number): number {
  const lo = -m.b - 6 * m.width;
  const hi = m.a + 6 * m.width;
  const h = (hi - lo) / (n - 1);
  let modes = 0;
  let prev = m.pdf(lo - h);
  let cur = m.pdf(lo);
  for (let i = 1; i <= n; i++) {
    const next = m.pdf(lo + i * h);
    if (cur > prev && cur >= next) modes++;
    prev = cur;
    cur = next;
  }
  return modes;
}

describe('BimodalNoise', () => {
  it('rejects p outside (0, 1), gap <= 0, width <= 0', () => {
    for (const p of [0, 1, -0.1, 1.2, NaN]) expectUserError(() => new BimodalNoise(p), 'p', '(0, 1)');
    for (const g of [0, -1, NaN, Infinity]) expectUserError(() => new BimodalNoise(0.8, g), 'gap', 'finite number > 0');
    for (const w of [0, -1, NaN, Infinity]) expectUserError(() => new BimodalNoise(0.8, 1, w), 'width', 'finite number > 0');
  });

  it('has mean zero: a p = b (1 - p), a + b = gap', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.double({ min: 0.01, max: 100, noNaN: true }), (p, gap) => {
        const m = new BimodalNoise(p, gap, 0.1);
        expect(Math.abs(m.a * p - m.b * (1 - p))).toBeLessThan(1e-14 * gap);
        expect(Math.abs(m.a + m.b - gap)).toBeLessThan(1e-14 * gap);
        expect(m.mean).toBe(0);
      }),
    );
  });

  it('median solves F(m) = 1/2; default (p=0.8, gap=1, w=0.05): 0.2 + 0.05 Phi^{-1}(0.375) up to Phi(-20)', () => {
    const m = new BimodalNoise(0.8, 1, 0.05);
    // F(m) = 0.8 Phi((m - 0.2)/0.05) + 0.2 Phi((m + 0.8)/0.05), and Phi((m + 0.8)/0.05) = 1 - O(1e-88)
    expect(Math.abs(m.median - (0.2 + 0.05 * -0.31863936396437514))).toBeLessThan(1e-13);
    expect(m.symmetric).toBe(false);
    for (const [p, gap, w] of [[0.3, 2, 0.5], [0.95, 4, 0.1], [0.6, 1, 2]]) {
      const b = new BimodalNoise(p, gap, w);
      expect(Math.abs(b.cdf(b.median) - 0.5)).toBeLessThan(1e-13);
      expect(Math.sign(b.median)).toBe(p > 0.5 ? 1 : -1);
    }
    const sym = new BimodalNoise(0.5, 1, 0.05);
    expect(sym.median).toBe(0);
    expect(sym.symmetric).toBe(true);
  });

  it('absMoment: k = 2 is p(1-p) gap^2 + w^2; k = 1 is the mixture of folded-normal means', () => {
    for (const [p, gap, w] of [[0.8, 1, 0.05], [0.3, 2, 0.5], [0.9, 50, 0.01]]) {
      const m = new BimodalNoise(p, gap, w);
      expect(m.absMoment(2)).toBeCloseTo(p * (1 - p) * gap * gap + w * w, 12);
      const folded = (mu: number) => w * Math.sqrt(2 / Math.PI) * Math.exp(-(mu * mu) / (2 * w * w)) + mu * (1 - 2 * normalCdf(-mu / w));
      expect(Math.abs(m.absMoment(1) / (p * folded(m.a) + (1 - p) * folded(m.b)) - 1)).toBeLessThan(1e-13);
    }
  });

  it('the closed-form unimodality flag agrees with a grid search for modes', () => {
    const cases: [number, number, number, boolean][] = [
      [0.8, 1, 0.05, false], // two well separated bumps
      [0.5, 1, 0.6, true], // gap < 2w: always one mode
      [0.5, 1, 0.45, false], // equal weights, gap > 2w: two modes
      [0.99, 1, 0.2, false],
      [0.999, 1, 0.3, true], // gap > 2w but the small bump is swallowed
    ];
    for (const [p, gap, w, unimodal] of cases) {
      const m = new BimodalNoise(p, gap, w);
      expect(m.unimodal).toBe(unimodal);
      expect(gridModes(m, 100_001)).toBe(unimodal ? 1 : 2);
    }
    // random parameters away from the boundary of the criterion (where a grid cannot resolve the modes)
    fc.assert(
      fc.property(
        fc.double({ min: 0.02, max: 0.98, noNaN: true }),
        fc.double({ min: 0.05, max: 2, noNaN: true }),
        (p, w) => {
          const gap = 1;
          const disc = gap * gap - 4 * w * w;
          if (disc > 0) {
            const D = Math.sqrt(disc);
            const t2 = (gap + D) / 2;
            const margin = (gap * D) / (2 * w * w) - Math.log(t2 / ((w * w) / t2));
            if (Math.abs(margin - Math.abs(Math.log(p / (1 - p)))) < 0.5) return;
          } else if (disc > -0.2) return;
          const m = new BimodalNoise(p, gap, w);
          expect(bimodalMixtureIsBimodal(p, gap, w)).toBe(!m.unimodal);
          expect(gridModes(m, 20_001)).toBe(m.unimodal ? 1 : 2);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('fromWords: U1 < p picks the bump at +a and is reused (rescaled) as the Box-Muller radius uniform', () => {
    const m = new BimodalNoise(0.8, 1, 0.05);
    const r = Math.sqrt(2 * Math.LN2); // radius for the rescaled uniform 1/2
    const angle0 = wordFor(0); // cos(2 pi U2) = 1 - O(1e-18)
    const w = new Uint32Array([wordFor(0.4), angle0, wordFor(0.9), angle0]);
    const out = new Float64Array(2);
    m.fromWords(w, out, 0);
    expect(out[0]).toBeCloseTo(m.a + 0.05 * r, 8);
    expect(out[1]).toBeCloseTo(-m.b + 0.05 * r, 8);
  });

  it('fromWords stays finite at the extreme words and when U1 equals p exactly', () => {
    const p = uniformOpen(123456789);
    const m = new BimodalNoise(p, 1, 0.05);
    const out = new Float64Array(2);
    for (const w0 of [0, 123456789, 0xffffffff]) for (const w1 of [0, 0xffffffff]) {
      m.fromWords(new Uint32Array([w0, w1, w1, w0]), out, 0);
      expect(Number.isFinite(out[0]) && Number.isFinite(out[1])).toBe(true);
    }
  });
});
