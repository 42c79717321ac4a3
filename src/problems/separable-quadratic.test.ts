import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { ProblemLane, problemNormals } from './random.ts';
import { separableQuadratic, separableQuadraticFamily } from './separable-quadratic.ts';
import { gamma } from '../core/numerics.ts';
import { centralDifference, centralDifferenceTolerance } from '../testing/finite-differences.ts';

describe('separable-quadratic', () => {
  it('f and grad at a hand-computed point', () => {
    // f = 1/2 (1 (2-1)^2 + 4 (0-(-1))^2 + 9 (3-3)^2) = 1/2 (1 + 4 + 0) = 2.5; g = (1, 4, 0)
    const p = separableQuadratic(Float64Array.of(1, 4, 9), Float64Array.of(1, -1, 3));
    const x = Float64Array.of(2, 0, 3);
    expect(p.f(x)).toBe(2.5);
    const g = new Float64Array(3);
    p.grad(x, g);
    expect(Array.from(g)).toEqual([1, 4, 0]);
    expect(p.constants.L).toBe(9);
    expect(p.constants.Linf).toBe(14);
    expect(p.constants.mu).toBe(1);
    expect(Array.from(p.constants.Lvec!)).toEqual([1, 4, 9]);
    expect(p.separableQuadratic?.diag).toEqual(Float64Array.of(1, 4, 9));
    expect(p.separableQuadratic?.center).toEqual(Float64Array.of(1, -1, 3));
  });

  it('fStar = f(xStar) = 0 and grad(xStar) = 0 exactly', () => {
    const p = separableQuadraticFamily.create({ d: 50, spectrum: 'power-law', alpha: 2, center: 'normal', seed: 3 });
    const xs = p.constants.xStar!;
    expect(p.f(xs)).toBe(0);
    const g = new Float64Array(50);
    p.grad(xs, g);
    expect(g.every((v) => v === 0)).toBe(true);
  });

  it('gradient agrees with central differences within the derived tolerance', () => {
    // f is quadratic, so the third derivative is 0 and the truncation term vanishes; each f value is a
    // sum of d non-negative terms of ~4 roundings, so |fl(f) - f| <= gamma_{d+4} f (Higham eq. 4.4).
    const d = 40;
    const p = separableQuadraticFamily.create({ d, spectrum: 'ill-conditioned', kappa: 1e3, center: 'normal', seed: 11 });
    const x = problemNormals(99, ProblemLane.x0, 0, new Float64Array(d));
    const g = new Float64Array(d);
    p.grad(x, g);
    const h = 2 ** -10;
    for (let i = 0; i < d; i++) {
      const { value, hUsed } = centralDifference(p.f, x, i, h);
      const xp = x.slice();
      const xm = x.slice();
      xp[i] += h;
      xm[i] -= h;
      const fErr = gamma(d + 4) * Math.max(p.f(xp), p.f(xm));
      // the computed g_i = L_i (x_i - c_i) carries two roundings: gamma_2 |g_i|
      const tol = centralDifferenceTolerance(hUsed, 0, fErr, value) + gamma(2) * Math.abs(g[i]);
      expect(Math.abs(value - g[i])).toBeLessThanOrEqual(tol);
    }
  });

  it('spectra: uniform, ill-conditioned (P3 toy), power-law, sparse', () => {
    const toy = separableQuadraticFamily.create({ d: 5000, spectrum: 'ill-conditioned' });
    expect(toy.constants.L).toBe(1000);
    expect(toy.constants.Linf).toBe(1000 + 4999);
    expect(toy.constants.Lvec![1]).toBe(1);
    const pl = separableQuadraticFamily.create({ d: 4, spectrum: 'power-law', alpha: 1, scale: 12 });
    expect(Array.from(pl.constants.Lvec!)).toEqual([12, 6, 4, 3]);
    const sp = separableQuadraticFamily.create({ d: 6, spectrum: 'sparse', k: 2, kappa: 10 });
    expect(Array.from(sp.constants.Lvec!)).toEqual([10, 10, 1, 1, 1, 1]);
    const u = separableQuadraticFamily.create({ d: 3, spectrum: 'uniform', scale: 0.5 });
    expect(Array.from(u.constants.Lvec!)).toEqual([0.5, 0.5, 0.5]);
    const c = separableQuadraticFamily.create({ L: [3, 1] });
    expect(c.d).toBe(2);
    expect(c.constants.L).toBe(3);
  });

  it("x0: default all ones; 'normal-over-L' divides the stiff coordinate by L_0 / L_min (P3's toy)", () => {
    const p = separableQuadraticFamily.create({ d: 8 });
    expect(Array.from(p.x0())).toEqual(new Array(8).fill(1));
    expect(p.x0()).not.toBe(p.x0()); // fresh arrays
    const toy = separableQuadraticFamily.create({ d: 8, spectrum: 'ill-conditioned', x0: 'normal-over-L', x0Seed: 5 });
    const z = problemNormals(5, ProblemLane.x0, 0, new Float64Array(8));
    const x0 = toy.x0();
    expect(x0[0]).toBe(z[0] * (1 / 1000));
    expect(Array.from(x0.subarray(1))).toEqual(Array.from(z.subarray(1)));
    expect(Array.from(separableQuadraticFamily.create({ d: 2, x0: [3, 4] }).x0())).toEqual([3, 4]);
    expect(Array.from(separableQuadraticFamily.create({ d: 2, x0: 7 }).x0())).toEqual([7, 7]);
  });

  it('rejects bad parameters with UserInputError naming the parameter', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ d: 0 }, /separable-quadratic\.d: must be an integer >= 1/],
      [{ d: 2.5 }, /separable-quadratic\.d/],
      [{ spectrum: 'weird' }, /separable-quadratic\.spectrum: must be one of/],
      [{ scale: -1 }, /separable-quadratic\.scale: must be a finite number > 0/],
      [{ L: [1, 0] }, /separable-quadratic\.L\[1\]: must be > 0/],
      [{ d: 3, L: [1, 2] }, /separable-quadratic\.L: must have length d = 3/],
      [{ spectrum: 'uniform', L: [1] }, /separable-quadratic\.L: is only allowed with spectrum = custom/],
      [{ lamda: 1 }, /separable-quadratic\.lamda: is not a parameter/],
      [{ x0: 'sideways' }, /separable-quadratic\.x0/],
      [{ seed: -1 }, /separable-quadratic\.seed/],
      [{ spectrum: 'ill-conditioned', kappa: 1e308, scale: 1e10 }, /separable-quadratic\.L\[0\]: must be a finite number > 0/],
    ];
    for (const [params, message] of bad) {
      expect(() => separableQuadraticFamily.create(params as never)).toThrow(UserInputError);
      expect(() => separableQuadraticFamily.create(params as never)).toThrow(message);
    }
  });

  it('rejects wrong vector lengths and worker indices', () => {
    const p = separableQuadraticFamily.create({ d: 3 });
    expect(() => p.f(new Float64Array(2))).toThrow(/must have length d = 3/);
    expect(() => p.gradWorker(new Float64Array(3), 1, new Float64Array(3))).toThrow(UserInputError);
  });
});
