import { describe, expect, it } from 'vitest';
import { gamma } from '../core/numerics.ts';
import { checkGradientFd } from '../testing/finite-differences.ts';
import { quarticSum, quarticSumFamily } from './quartic-sum.ts';
import { ProblemLane, problemNormals } from './random.ts';

describe('quartic-sum', () => {
  it('f and grad by hand; L0 = 4 max a / L1^2', () => {
    // f = 1/4 (2 (3-1)^4 + 1 (0-0)^4) = 8; g = (2 * 8, 0)
    const p = quarticSum(Float64Array.of(2, 1), 0.5, Float64Array.of(1, 0));
    expect(p.f(Float64Array.of(3, 0))).toBe(8);
    const g = new Float64Array(2);
    p.grad(Float64Array.of(3, 0), g);
    expect(Array.from(g)).toEqual([16, 0]);
    expect(p.constants.L0).toBe(32); // 4 * 2 / 0.25
    expect(p.constants.L1).toBe(0.5);
    expect(p.constants.fStar).toBe(0);
    expect(Array.from(p.constants.xStar!)).toEqual([1, 0]);
  });

  it('gradient agrees with central differences (third derivative 6 a |r| + 6 a h)', () => {
    // term a r^4 / 4 with r = x - c: 5 roundings, relative (5 + 4) u after the argument's u is raised to
    // the 4th power; sum: gamma_{d + 9} f.
    const d = 15;
    const a = problemNormals(8, ProblemLane.x0, 0, new Float64Array(d)).map((v) => Math.exp(v));
    const c = problemNormals(9, ProblemLane.x0, 0, new Float64Array(d));
    const p = quarticSumFamily.create({ d, a, center: c, L1: 2 });
    const x = problemNormals(10, ProblemLane.x0, 0, new Float64Array(d));
    const checks = checkGradientFd(p.f, p.grad, x, 2 ** -14, {
      M3: (i) => 6 * a[i] * (Math.abs(x[i] - c[i]) + 2 ** -14),
      fErr: (pt) => gamma(d + 9) * p.f(pt),
      gErr: (i) => gamma(6) * a[i] * Math.abs(x[i] - c[i]) ** 3,
    });
    expect(checks.filter((r) => !r.ok)).toEqual([]);
  });

  it('rejects L1 <= 0', () => {
    expect(() => quarticSumFamily.create({ L1: 0 })).toThrow(/quartic-sum\.L1: must be a finite number > 0/);
  });
});
