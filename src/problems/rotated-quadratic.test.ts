import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { gamma, UNIT_ROUNDOFF } from '../core/numerics.ts';
import { matVec, maxSignNormInfTo1, symmetricEigenvalues } from './linalg.ts';
import { centralDifference, centralDifferenceTolerance } from '../testing/finite-differences.ts';
import { ProblemLane, problemNormals } from './random.ts';
import { ROTATED_LINF_EXACT_MAX_D, rotatedQuadratic, rotatedQuadraticFamily } from './rotated-quadratic.ts';

describe('rotated-quadratic', () => {
  it('d = 1 is the plain quadratic L/2 (x - c)^2', () => {
    const p = rotatedQuadratic(Float64Array.of(3), Float64Array.of(1), 0);
    expect(p.f(Float64Array.of(3))).toBe(6); // 3/2 * 4
    const g = new Float64Array(1);
    p.grad(Float64Array.of(3), g);
    expect(g[0]).toBe(6);
    expect(p.constants.Linf).toBe(3);
    expect(p.constants.Lvec![0]).toBe(3);
  });

  it('f and grad follow the stored Hessian: f = 1/2 r^T H r, g = H r (d = 2 by hand)', () => {
    const p = rotatedQuadraticFamily.create({ d: 2, L: [1, 4], seed: 9 });
    const H = p.hessian;
    // H is symmetric with trace 5 and determinant 4 (eigenvalues 1 and 4)
    expect(H[1]).toBe(H[2]);
    expect(H[0] + H[3]).toBeCloseTo(5, 14);
    expect(H[0] * H[3] - H[1] * H[2]).toBeCloseTo(4, 13);
    const x = Float64Array.of(1, -2);
    const hand = 0.5 * (H[0] * 1 + 2 * H[1] * 1 * -2 + H[3] * 4);
    expect(p.f(x)).toBeCloseTo(hand, 13);
    const g = new Float64Array(2);
    p.grad(x, g);
    expect(g[0]).toBeCloseTo(H[0] - 2 * H[1], 14);
    expect(g[1]).toBeCloseTo(H[2] - 2 * H[3], 14);
  });

  it('declared L and mu bracket the spectrum of the stored H (Jacobi with its error bound)', () => {
    for (const d of [3, 30, 90]) {
      const p = rotatedQuadraticFamily.create({ d, spectrum: 'power-law', alpha: 1.5, scale: 100, seed: d });
      const { values, errorBound } = symmetricEigenvalues(p.hessian, d);
      expect(values[d - 1] - errorBound).toBeLessThanOrEqual(p.constants.L!);
      expect(values[0] + errorBound).toBeGreaterThanOrEqual(p.constants.mu!);
      // and the margin is small: L within 2 (d+1)^2 u relative of max L_i
      expect(p.constants.L! / 100 - 1).toBeLessThanOrEqual(2 * (d + 1) ** 2 * UNIT_ROUNDOFF * 1.0001);
    }
  });

  it('Linf is exact (enumeration) for small d and an upper bound above', () => {
    const small = rotatedQuadraticFamily.create({ d: 6, spectrum: 'power-law', seed: 4 });
    expect(small.constants.Linf).toBe(maxSignNormInfTo1(small.hessian, 6).value);
    const big = rotatedQuadraticFamily.create({ d: ROTATED_LINF_EXACT_MAX_D + 4, spectrum: 'power-law', seed: 4 });
    const n = big.d;
    const absSum = big.hessian.reduce((t, v) => t + Math.abs(v), 0);
    // same sum in another order: equal up to gamma_{n^2} sum |H_ij|
    expect(Math.abs(big.constants.Linf! - Math.min(absSum, n * big.constants.L!))).toBeLessThanOrEqual(gamma(n * n) * absSum);
    // the bound dominates ||H s||_1 for random sign vectors
    const z = problemNormals(1, ProblemLane.x0, 0, new Float64Array(n));
    const s = z.map((v) => (v >= 0 ? 1 : -1));
    const hs = matVec(big.hessian, n, s, new Float64Array(n));
    expect(hs.reduce((t, v) => t + Math.abs(v), 0)).toBeLessThanOrEqual(big.constants.Linf!);
  });

  it('Lvec makes diag(Lvec) - H positive semidefinite', () => {
    for (const seed of [1, 2, 3]) {
      const d = 25;
      const p = rotatedQuadraticFamily.create({ d, spectrum: 'sparse', k: 3, kappa: 50, seed });
      const M = p.hessian.map((v) => -v);
      for (let i = 0; i < d; i++) M[i * d + i] += p.constants.Lvec![i];
      const { values, errorBound } = symmetricEigenvalues(M, d);
      expect(values[0] + errorBound).toBeGreaterThanOrEqual(0);
    }
  });

  it('gradient agrees with central differences (quadratic: no truncation error)', () => {
    const d = 12;
    const p = rotatedQuadraticFamily.create({ d, spectrum: 'ill-conditioned', kappa: 100, center: 'normal', seed: 7 });
    const x = problemNormals(3, ProblemLane.x0, 0, new Float64Array(d));
    const g = new Float64Array(d);
    p.grad(x, g);
    const c = p.constants.xStar!;
    const h = 2 ** -12;
    for (let i = 0; i < d; i++) {
      const { value, hUsed } = centralDifference(p.f, x, i, h);
      // |fl(f) - f| <= gamma_{2d+4} * 1/2 |r|^T |H| |r| (sums of d products of d-term sums), r = x +- h e_i - c
      const fAbs = (xx: Float64Array) => {
        const r = xx.map((v, k) => Math.abs(v - c[k]));
        const absH = p.hessian.map(Math.abs);
        const t = matVec(absH, d, r, new Float64Array(d));
        return 0.5 * r.reduce((s, v, k) => s + v * t[k], 0);
      };
      const xp = x.slice();
      const xm = x.slice();
      xp[i] += h;
      xm[i] -= h;
      const fErr = gamma(2 * d + 4) * Math.max(fAbs(xp), fAbs(xm));
      const r = x.map((v, k) => Math.abs(v - c[k]));
      const gErr = gamma(d + 2) * p.hessian.subarray(i * d, (i + 1) * d).reduce((s, v, k) => s + Math.abs(v) * r[k], 0);
      expect(Math.abs(value - g[i])).toBeLessThanOrEqual(centralDifferenceTolerance(hUsed, 0, fErr, value) + gErr);
    }
  });

  it('fStar = 0 at xStar = center', () => {
    const p = rotatedQuadraticFamily.create({ d: 7, center: [1, 2, 3, 4, 5, 6, 7] });
    expect(p.f(p.constants.xStar!)).toBe(0);
    expect(p.constants.fStar).toBe(0);
  });

  it('is deterministic in its seed', () => {
    const a = rotatedQuadraticFamily.create({ d: 5, seed: 77 });
    const b = rotatedQuadraticFamily.create({ d: 5, seed: 77, spectrum: 'uniform' });
    expect(Array.from(a.hessian)).toEqual(Array.from(b.hessian));
  });

  it('rejects bad parameters', () => {
    expect(() => rotatedQuadraticFamily.create({ d: -3 })).toThrow(UserInputError);
    expect(() => rotatedQuadraticFamily.create({ d: 5000 })).toThrow(/rotated-quadratic\.d: must be an integer in \[1, 4096\]/);
    expect(() => rotatedQuadraticFamily.create({ seed: 2 ** 32 })).toThrow(/rotated-quadratic\.seed/);
  });
});
