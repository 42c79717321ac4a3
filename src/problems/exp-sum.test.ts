import { describe, expect, it } from 'vitest';
import { expSum, expSumFamily } from './exp-sum.ts';
import { gamma } from '../core/numerics.ts';
import { checkGradientFd } from '../testing/finite-differences.ts';
import { ProblemLane, problemNormals } from './random.ts';

describe('exp-sum', () => {
  it('default instance is f(x) = e^x with (L0, L1) = (0, 1)', () => {
    const p = expSumFamily.create({});
    expect(p.d).toBe(1);
    expect(p.f(Float64Array.of(0))).toBe(1);
    expect(p.f(Float64Array.of(1))).toBe(Math.E);
    const g = new Float64Array(1);
    p.grad(Float64Array.of(2), g);
    expect(g[0]).toBe(Math.exp(2));
    expect(p.constants.L0).toBe(0);
    expect(p.constants.L1).toBe(1);
    expect(p.constants.fStar).toBe(0);
    expect(p.constants.xStar).toBeUndefined();
    expect(p.constants.L).toBeUndefined();
    expect(Array.from(p.x0())).toEqual([0]);
  });

  it('a, b scale as declared: L1 = max b_i', () => {
    const p = expSumFamily.create({ d: 2, a: [2, 3], b: [0.5, 4] });
    expect(p.constants.L1).toBe(4);
    expect(p.f(Float64Array.of(0, 0))).toBe(5);
  });

  it('gradient agrees with central differences (third derivative a b^3 e^{b(x+h)})', () => {
    // each term a exp(b x): 2 roundings + exp (within 1 ulp), argument error u |bx| amplified by 1:
    // relative (4 + |bx|) u; sum: gamma_{d + 4 + max|bx|} f.
    const d = 10;
    const a = problemNormals(5, ProblemLane.x0, 0, new Float64Array(d)).map((v) => Math.exp(v));
    const b = problemNormals(6, ProblemLane.x0, 0, new Float64Array(d)).map((v) => Math.exp(v / 2));
    const p = expSum(a, b);
    const x = problemNormals(7, ProblemLane.x0, 0, new Float64Array(d));
    const h = 2 ** -14;
    const checks = checkGradientFd(p.f, p.grad, x, h, {
      M3: (i) => a[i] * b[i] ** 3 * Math.exp(b[i] * (x[i] + h)),
      fErr: (pt) => gamma(d + 6 + Math.max(...Array.from(pt, (v, i) => Math.abs(b[i] * v)))) * p.f(pt),
      gErr: (i) => gamma(6 + Math.abs(b[i] * x[i])) * a[i] * b[i] * Math.exp(b[i] * x[i]),
    });
    expect(checks.filter((r) => !r.ok)).toEqual([]);
  });
});
