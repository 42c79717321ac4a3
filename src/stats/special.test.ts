import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { erf as mathjsErf } from 'mathjs';
import {
  erfc,
  gammaFn,
  lnGamma,
  normalAbsMoment,
  normalAbsMomentAsymptotic,
  normalAbsMomentSeries,
  normalCdf,
  normalPdf,
  regGammaP,
  regGammaQ,
  regIncBeta,
  studentTCdf,
  studentTPdf,
} from './special.ts';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('lnGamma / gammaFn', () => {
  it('matches exact values', () => {
    expect(rel(gammaFn(1), 1)).toBeLessThan(1e-14);
    expect(rel(gammaFn(2), 1)).toBeLessThan(1e-14);
    expect(rel(gammaFn(5), 24)).toBeLessThan(1e-14);
    expect(rel(gammaFn(0.5), Math.sqrt(Math.PI))).toBeLessThan(1e-14);
    expect(rel(gammaFn(1.5), Math.sqrt(Math.PI) / 2)).toBeLessThan(1e-14);
    expect(rel(gammaFn(0.1), 9.513507698668731836)).toBeLessThan(1e-14);
    // ln(99!) = 359.13420536957539878 (tabulated)
    expect(rel(lnGamma(100), 359.1342053695753988)).toBeLessThan(1e-15);
    expect(lnGamma(0)).toBeNaN();
    expect(lnGamma(-1)).toBeNaN();
  });

  it('satisfies Gamma(x+1) = x Gamma(x) and the reflection formula', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 60, noNaN: true }), (x) => {
        expect(Math.abs(lnGamma(x + 1) - Math.log(x) - lnGamma(x))).toBeLessThan(1e-12 * Math.max(1, Math.abs(lnGamma(x + 1))));
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 0.99, noNaN: true }), (x) => {
        expect(rel(gammaFn(x) * gammaFn(1 - x), Math.PI / Math.sin(Math.PI * x))).toBeLessThan(1e-13);
      }),
    );
  });
});

describe('erfc / normalCdf', () => {
  it('matches tabulated values', () => {
    expect(erfc(0)).toBe(1);
    expect(rel(erfc(1), 0.15729920705028513066)).toBeLessThan(1e-14);
    expect(rel(erfc(0.5), 0.4795001221869534623)).toBeLessThan(1e-14);
    expect(rel(erfc(3), 2.2090496998585441373e-5)).toBeLessThan(1e-13);
    expect(rel(erfc(5), 1.5374597944280348502e-12)).toBeLessThan(1e-13);
    expect(rel(erfc(-1), 2 - 0.15729920705028513066)).toBeLessThan(1e-15);
    // Phi(-z_{0.975}) = 0.025 with z_{0.975} = 1.959963984540054
    expect(Math.abs(normalCdf(-1.959963984540054) - 0.025)).toBeLessThan(1e-15);
    expect(normalCdf(0)).toBe(0.5);
  });

  it('agrees with mathjs erf (an independent implementation)', () => {
    for (let x = -4; x <= 4; x += 0.0625) {
      expect(Math.abs(1 - erfc(x) - mathjsErf(x))).toBeLessThan(1e-14);
    }
  });

  it('normalPdf is the derivative of normalCdf', () => {
    const h = 1e-5;
    for (const x of [-3, -1, 0, 0.5, 2]) {
      expect(Math.abs((normalCdf(x + h) - normalCdf(x - h)) / (2 * h) - normalPdf(x))).toBeLessThan(1e-9);
    }
  });

  it('P + Q = 1 for the incomplete gamma function', () => {
    for (const a of [0.5, 1, 2.5, 10]) for (const x of [0.1, 1, 3, 12, 40]) expect(Math.abs(regGammaP(a, x) + regGammaQ(a, x) - 1)).toBeLessThan(1e-14);
    // P(1, x) = 1 - e^{-x}
    expect(rel(regGammaP(1, 0.7), -Math.expm1(-0.7))).toBeLessThan(1e-14);
  });
});

describe('regIncBeta', () => {
  it('matches closed forms at a = 1 or b = 1 and the symmetry I_x(a,b) = 1 - I_{1-x}(b,a)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.double({ min: 0.1, max: 30, noNaN: true }), (x, a) => {
        expect(Math.abs(regIncBeta(a, 1, x) - Math.pow(x, a))).toBeLessThan(1e-13);
        expect(Math.abs(regIncBeta(1, a, x) - (1 - Math.pow(1 - x, a)))).toBeLessThan(1e-13);
        expect(Math.abs(regIncBeta(a, 2.5, x) + regIncBeta(2.5, a, 1 - x) - 1)).toBeLessThan(1e-13);
      }),
    );
    expect(Math.abs(regIncBeta(3.3, 3.3, 0.5) - 0.5)).toBeLessThan(1e-15);
  });
});

describe('studentTCdf / studentTPdf', () => {
  it('matches the closed forms for nu = 1, 2, 3', () => {
    for (let t = -30; t <= 30; t += 0.37) {
      expect(Math.abs(studentTCdf(t, 1) - (0.5 + Math.atan(t) / Math.PI))).toBeLessThan(1e-14);
      expect(Math.abs(studentTCdf(t, 2) - (0.5 + t / (2 * Math.sqrt(2 + t * t))))).toBeLessThan(1e-14);
      const u = t / Math.sqrt(3);
      expect(Math.abs(studentTCdf(t, 3) - (0.5 + (u / (1 + u * u) + Math.atan(u)) / Math.PI))).toBeLessThan(1e-14);
    }
  });

  it('pdf is the derivative of the cdf', () => {
    const h = 1e-5;
    for (const nu of [1.2, 3, 7.5]) for (const t of [-4, -0.3, 0, 1, 6]) {
      expect(Math.abs((studentTCdf(t + h, nu) - studentTCdf(t - h, nu)) / (2 * h) - studentTPdf(t, nu))).toBeLessThan(1e-8);
    }
  });
});

describe('normalAbsMoment', () => {
  it('reduces to known forms', () => {
    const cases: [number, number][] = [[0, 1], [0.3, 0.2], [-1.7, 0.5], [4, 0.1], [-0.05, 2]];
    for (const [mu, s] of cases) {
      expect(rel(normalAbsMoment(mu, s, 2), mu * mu + s * s)).toBeLessThan(1e-13);
      expect(rel(normalAbsMoment(mu, s, 4), mu ** 4 + 6 * mu * mu * s * s + 3 * s ** 4)).toBeLessThan(1e-13);
      // folded normal mean
      const folded = s * Math.sqrt(2 / Math.PI) * Math.exp(-(mu * mu) / (2 * s * s)) + mu * (1 - 2 * normalCdf(-mu / s));
      expect(rel(normalAbsMoment(mu, s, 1), folded)).toBeLessThan(1e-13);
    }
    // mu = 0: 2^{k/2} Gamma((k+1)/2)/sqrt(pi) s^k
    expect(rel(normalAbsMoment(0, 2, 1.5), Math.pow(2, 1.5) * Math.pow(2, 0.75) * gammaFn(1.25) / Math.sqrt(Math.PI))).toBeLessThan(1e-14);
  });

  it('series and asymptotic branches agree where both are accurate', () => {
    for (const z of [100, 300, 600]) {
      const mu = Math.sqrt(2 * z) * 0.3;
      for (const k of [0.5, 1.3, 1.7, 3.2]) {
        expect(rel(normalAbsMomentSeries(mu, 0.3, k), normalAbsMomentAsymptotic(mu, 0.3, k))).toBeLessThan(1e-12);
      }
    }
  });

  it('agrees with quadrature for non-integer k', () => {
    // Composite Simpson over [mu - 12 s, mu + 12 s], split at the kink x = 0, 4000 panels each side;
    // |x|^k phi is C^1 for k > 1 so the error is far below 1e-9 here.
    const quad = (mu: number, s: number, k: number) => {
      const f = (x: number) => Math.pow(Math.abs(x), k) * normalPdf((x - mu) / s) / s;
      const simpson = (a: number, b: number, n: number) => {
        const h = (b - a) / n;
        let acc = f(a) + f(b);
        for (let i = 1; i < n; i++) acc += (i % 2 ? 4 : 2) * f(a + i * h);
        return (acc * h) / 3;
      };
      const lo = mu - 12 * s;
      const hi = mu + 12 * s;
      if (lo >= 0 || hi <= 0) return simpson(lo, hi, 8000);
      return simpson(lo, 0, 4000) + simpson(0, hi, 4000);
    };
    for (const [mu, s, k] of [[0.7, 0.3, 1.5], [-0.2, 0.05, 1.25], [1, 1, 1.9]]) {
      expect(rel(normalAbsMoment(mu, s, k), quad(mu, s, k))).toBeLessThan(1e-9);
    }
  });

  it('is continuous across the branch switch at z = 600', () => {
    // mu = sqrt(2 z) just below / above the switch: the exact ratio is about (mu2/mu1)^k (the
    // moment is |mu|^k (1 + O(1/mu^2)) here), so the branches must reproduce that ratio.
    const k = 1.4;
    const mu1 = Math.sqrt(2 * 599.999999);
    const mu2 = Math.sqrt(2 * 600.000001);
    const below = normalAbsMoment(mu1, 1, k);
    const above = normalAbsMoment(mu2, 1, k);
    expect(Math.abs(above / below - Math.pow(mu2 / mu1, k))).toBeLessThan(1e-12);
  });
});
