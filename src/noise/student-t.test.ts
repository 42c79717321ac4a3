import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { uniformOpen } from '../rng/streams.ts';
import { StudentTNoise } from './student-t.ts';
import { expectUserError } from '../testing/noise.ts';

describe('StudentTNoise', () => {
  it('rejects nu that is not a finite number > 1', () => {
    for (const nu of [1, 0.5, 0, -3, NaN, Infinity]) expectUserError(() => new StudentTNoise(nu), 'nu', 'finite number > 1');
  });

  it('declares symmetric, unimodal, moments of order < nu, 2 samples per call', () => {
    const t = new StudentTNoise(3);
    expect(t.samplesPerCall).toBe(2);
    expect([t.mean, t.median, t.momentLimit]).toEqual([0, 0, 3]);
    expect(t.symmetric && t.unimodal).toBe(true);
    expect(t.bound).toBe(Infinity);
    expect(t.params).toEqual({ nu: 3 });
  });

  it('absMoment: nu=3, k=1 is 2 sqrt(3)/pi; k=2 is the variance nu/(nu-2); Infinity from k = nu on', () => {
    expect(new StudentTNoise(3).absMoment(1)).toBeCloseTo((2 * Math.sqrt(3)) / Math.PI, 14);
    expect(new StudentTNoise(4).absMoment(2)).toBeCloseTo(2, 13);
    expect(new StudentTNoise(5).absMoment(2)).toBeCloseTo(5 / 3, 13);
    // E T^4 = 3 nu^2 / ((nu-2)(nu-4)), nu = 7: 147/15
    expect(new StudentTNoise(7).absMoment(4)).toBeCloseTo(147 / 15, 12);
    const t = new StudentTNoise(1.5);
    expect(t.absMoment(1.5)).toBe(Infinity);
    expect(t.absMoment(2)).toBe(Infinity);
    expect(Number.isFinite(t.absMoment(1.49))).toBe(true);
  });

  it("Bailey's identity: P(R cos(Theta) > t) with P(R^2 > r) = (1 + r/nu)^{-nu/2} is the t tail (quadrature)", () => {
    // P(T > t) = (1/pi) int_0^{pi/2} (1 + t^2 / (nu cos^2 th))^{-nu/2} dth for t > 0 (see student-t.ts).
    // Near th = pi/2 the integrand behaves like cos(th)^nu (not smooth for fractional nu), so we
    // substitute th = pi/2 - v^2 (dth = 2 v dv): the integrand becomes ~ v^{2 nu + 1}, at least C^3
    // for nu >= 1.3, and composite Simpson with 4000 panels is accurate to ~1e-12.
    for (const nu of [1.3, 3, 10]) {
      for (const t of [0.1, 1, 2.5, 8]) {
        const f = (v: number) => {
          const c = Math.sin(v * v); // cos(pi/2 - v^2)
          return c <= 0 ? 0 : 2 * v * Math.pow(1 + (t * t) / (nu * c * c), -nu / 2);
        };
        const n = 4000;
        const top = Math.sqrt(Math.PI / 2);
        const h = top / n;
        let acc = f(0) + f(top);
        for (let i = 1; i < n; i++) acc += (i % 2 ? 4 : 2) * f(i * h);
        const tail = (acc * h) / 3 / Math.PI;
        expect(Math.abs(tail - (1 - new StudentTNoise(nu).cdf(t)))).toBeLessThan(1e-10);
      }
    }
  });

  it('fromWords is sqrt(nu (U1^{-2/nu} - 1)) cos(2 pi U2) on words (2k, 2k+1), deterministically', () => {
    const model = new StudentTNoise(2.5);
    fc.assert(
      fc.property(fc.uint32Array({ minLength: 4, maxLength: 4 }), (w) => {
        const out = new Float64Array(2);
        model.fromWords(w, out, 0);
        const again = new Float64Array(2);
        model.fromWords(w, again, 0);
        expect(Array.from(again)).toEqual(Array.from(out));
        for (let k = 0; k < 2; k++) {
          const u1 = uniformOpen(w[2 * k]);
          const u2 = uniformOpen(w[2 * k + 1]);
          const expected = Math.sqrt(2.5 * (Math.pow(u1, -2 / 2.5) - 1)) * Math.cos(2 * Math.PI * u2);
          // pow(u,-c) - 1 loses relative accuracy near u = 1 (absolute error ~1e-16 / radius)
          expect(Math.abs(out[k] - expected)).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected)));
        }
      }),
    );
  });

  it('cdf(0) = 1/2 and the density decreases away from 0 (unimodal)', () => {
    const t = new StudentTNoise(2);
    expect(t.cdf(0)).toBe(0.5);
    for (let x = 0; x < 20; x += 0.5) expect(t.pdf(x + 0.5)).toBeLessThan(t.pdf(x));
  });
});
