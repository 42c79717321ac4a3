import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GaussianNoise } from './gaussian.ts';
import { noiseModels } from './index.ts';
import { kappaSigma, kappaSigmaVector, momentExists } from './moments.ts';
import { sparseSigma } from './sparse.ts';
import { StudentTNoise } from './student-t.ts';
import { expectUserError } from '../testing/noise.ts';

describe('kappaSigma', () => {
  it('is scale * (E|xi|^kappa)^{1/kappa}', () => {
    const g = new GaussianNoise();
    expect(kappaSigma(g, 2, 3)).toBeCloseTo(3, 14);
    expect(kappaSigma(g, 1, 3)).toBeCloseTo(3 * Math.sqrt(2 / Math.PI), 14);
    const t = new StudentTNoise(3);
    expect(kappaSigma(t, 1, 2)).toBeCloseTo((2 * 2 * Math.sqrt(3)) / Math.PI, 14);
    expect(kappaSigma(new StudentTNoise(1.5), 2)).toBe(Infinity);
    expect(kappaSigma(g, 1.5, 0)).toBe(0);
  });

  it('rejects bad kappa and scale', () => {
    const g = new GaussianNoise();
    expectUserError(() => kappaSigma(g, 0), 'kappa', 'finite number > 0');
    expectUserError(() => kappaSigma(g, 1, -1), 'sigma', 'finite number >= 0');
  });

  it('is non-decreasing in kappa for every registered family (Lyapunov)', () => {
    for (const fam of noiseModels.all()) {
      const m = fam.create();
      fc.assert(
        fc.property(fc.double({ min: 0.05, max: 4, noNaN: true }), fc.double({ min: 0.05, max: 4, noNaN: true }), (k1, k2) => {
          const [lo, hi] = k1 < k2 ? [k1, k2] : [k2, k1];
          expect(kappaSigma(m, lo)).toBeLessThanOrEqual(kappaSigma(m, hi) * (1 + 1e-12));
          expect(Number.isFinite(m.absMoment(hi))).toBe(momentExists(m, hi));
        }),
        { numRuns: 50 },
      );
    }
  });

  it('kappaSigmaVector: sigma_i times the constant, exactly 0 where sigma_i = 0', () => {
    const t = new StudentTNoise(1.5);
    const v = kappaSigmaVector(t, 2, sparseSigma(4, [1], 10), 4);
    expect(Array.from(v)).toEqual([0, Infinity, 0, 0]);
    const g = kappaSigmaVector(new GaussianNoise(), 2, 3, 2);
    expect(g[0]).toBeCloseTo(3, 14);
    expect(g[1]).toBeCloseTo(3, 14);
  });
});
