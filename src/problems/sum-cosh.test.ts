import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { gamma } from '../core/numerics.ts';
import { checkGradientFd } from '../testing/finite-differences.ts';
import { ProblemLane, problemNormals } from './random.ts';
import { sumCosh, sumCoshFamily } from './sum-cosh.ts';

/**
 * Rounding model for f = sum_i a_i cosh(b_i (x_i - c_i)): each term takes 3 roundings plus Math.cosh
 * (within 2 ulps, fdlibm), and the relative error 2u of its argument t is amplified by |t tanh t| <= |t|,
 * so a term is accurate to (5 + 2|t|) u relative; the d-term sum adds gamma_d: |fl(f) - f| <=
 * gamma_{d + 5 + 2 max|t|} f. The same count bounds the gradient term a b sinh(t) (|t coth t| <= 1 + |t|).
 */
function fErrFor(a: Float64Array, b: Float64Array, c: Float64Array) {
  return (x: Float64Array) => {
    let s = 0;
    let tmax = 0;
    for (let i = 0; i < x.length; i++) {
      const t = b[i] * (x[i] - c[i]);
      tmax = Math.max(tmax, Math.abs(t));
      s += a[i] * Math.cosh(t);
    }
    return gamma(x.length + 6 + 2 * tmax) * s;
  };
}

describe('sum-cosh', () => {
  it('f and grad at a hand-computed point', () => {
    // f(x) = 2 cosh(3 (x - 1)) at x = 1: 2; grad 0; at x = 1 + ln(2)/3: cosh(ln 2) = 5/4, sinh(ln 2) = 3/4
    const p = sumCosh(Float64Array.of(2), Float64Array.of(3), Float64Array.of(1));
    expect(p.f(Float64Array.of(1))).toBe(2);
    const x = Float64Array.of(1 + Math.LN2 / 3);
    expect(p.f(x)).toBeCloseTo(2.5, 14);
    const g = new Float64Array(1);
    p.grad(x, g);
    expect(g[0]).toBeCloseTo(2 * 3 * 0.75, 14);
    expect(p.constants.L0).toBe(18); // a b^2
    expect(p.constants.L1).toBe(3); // b
    expect(p.constants.L).toBeUndefined();
    expect(p.constants.Linf).toBeUndefined();
    expect(p.constants.Lvec).toBeUndefined();
  });

  it('constants: L0 = max a_i b_i^2, L1 = max b_i, mu = min a_i b_i^2, fStar = sum a_i at c', () => {
    const p = sumCoshFamily.create({ d: 3, a: [1, 4, 0.5], b: [2, 0.5, 3], center: [1, 2, 3] });
    expect(p.constants.L0).toBe(Math.max(4, 1, 4.5));
    expect(p.constants.L1).toBe(3);
    expect(p.constants.mu).toBe(1);
    expect(p.constants.fStar).toBe(5.5);
    expect(p.f(p.constants.xStar!)).toBe(5.5);
  });

  it('gradient agrees with central differences (third derivative bound a b^3 sinh(b(|r| + h)))', () => {
    const d = 20;
    const a = problemNormals(1, ProblemLane.x0, 0, new Float64Array(d)).map((v) => Math.exp(v));
    const b = problemNormals(2, ProblemLane.x0, 0, new Float64Array(d)).map((v) => Math.exp(v / 2));
    const c = problemNormals(3, ProblemLane.x0, 0, new Float64Array(d));
    const p = sumCosh(a, b, c);
    const x = problemNormals(4, ProblemLane.x0, 0, new Float64Array(d));
    const h = 2 ** -14;
    const M3 = (i: number) => a[i] * b[i] ** 3 * Math.sinh(b[i] * (Math.abs(x[i] - c[i]) + h));
    const fErr = fErrFor(a, b, c);
    const gErr = (i: number) => gamma(8 + 2 * (1 + Math.abs(b[i] * (x[i] - c[i])))) * Math.abs(a[i] * b[i] * Math.sinh(b[i] * (x[i] - c[i])));
    const checks = checkGradientFd(p.f, p.grad, x, h, { M3, fErr, gErr });
    expect(checks.filter((r) => !r.ok)).toEqual([]);
    // power: the same check refutes a gradient off by 0.1% in one coordinate
    const wrong = (xx: Float64Array, out: Float64Array) => {
      p.grad(xx, out);
      out[0] *= 1.001;
    };
    const bad = checkGradientFd(p.f, wrong, x, h, { M3, fErr, gErr });
    expect(bad[0].ok).toBe(false);
  });

  it('rejects bad parameters', () => {
    expect(() => sumCoshFamily.create({ a: 0 })).toThrow(/sum-cosh\.a: must be a finite number > 0/);
    expect(() => sumCoshFamily.create({ d: 2, b: [1, -1] })).toThrow(/sum-cosh\.b\[1\]: must be > 0/);
    expect(() => sumCoshFamily.create({ d: 2, b: [1] })).toThrow(UserInputError);
  });
});
