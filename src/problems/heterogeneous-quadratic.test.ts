import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { heterogeneousQuadratic, heterogeneousQuadraticFamily } from './heterogeneous-quadratic.ts';
import { gamma } from '../core/numerics.ts';
import { checkGradientFd } from '../testing/finite-differences.ts';
import { ProblemLane, problemNormals } from './random.ts';

describe('heterogeneous-quadratic', () => {
  it('hand-computed: two workers in d = 1', () => {
    // f_0 = 1/2 * 2 (x - 1)^2, f_1 = 1/2 * 2 (x - 3)^2; f = mean; xStar = 2, fStar = 1/2 * 2 * Var{1, 3} = 1
    const p = heterogeneousQuadratic(Float64Array.of(2), [Float64Array.of(1), Float64Array.of(3)]);
    expect(p.workers).toBe(2);
    expect(p.constants.xStar![0]).toBe(2);
    expect(p.constants.fStar).toBe(1);
    expect(p.f(Float64Array.of(2))).toBe(1);
    expect(p.f(Float64Array.of(0))).toBe(5); // mean of f_0(0) = 1 and f_1(0) = 9
    expect(p.fWorker(Float64Array.of(0), 1)).toBe(9);
    const g = new Float64Array(1);
    p.gradWorker(Float64Array.of(0), 0, g);
    expect(g[0]).toBe(-2);
    p.grad(Float64Array.of(0), g);
    expect(g[0]).toBe(-4);
  });

  it('f = mean_j f_j and grad = mean_j grad f_j (to rounding), fStar = f(xStar), grad(xStar) = 0', () => {
    const d = 30;
    const n = 7;
    const p = heterogeneousQuadraticFamily.create({ d, workers: n, heterogeneity: 2.5, spectrum: 'power-law', center: 'normal', seed: 12 });
    const x = problemNormals(1, ProblemLane.x0, 0, new Float64Array(d));
    let mean = 0;
    const gm = new Float64Array(d);
    const gj = new Float64Array(d);
    for (let j = 0; j < n; j++) {
      mean += p.fWorker(x, j) / n;
      p.gradWorker(x, j, gj);
      for (let i = 0; i < d; i++) gm[i] += gj[i] / n;
    }
    // both sides are sums of n d non-negative terms with a few roundings each: gamma_{n d + 8} of the value
    expect(Math.abs(p.f(x) - mean)).toBeLessThanOrEqual(2 * gamma(n * d + 8) * mean);
    const g = new Float64Array(d);
    p.grad(x, g);
    for (let i = 0; i < d; i++) {
      // both are L_i times (x_i - an average of the c^j_i) up to n + 4 roundings on terms of size
      // at most L_i (|x_i| + max_j |c^j_i|)
      let cmax = 0;
      for (let j = 0; j < n; j++) cmax = Math.max(cmax, Math.abs(p.workerCenter(j)[i]));
      const scale = p.constants.Lvec![i] * (Math.abs(x[i]) + cmax);
      expect(Math.abs(g[i] - gm[i])).toBeLessThanOrEqual(2 * gamma(n + 4) * scale);
    }
    expect(p.f(p.constants.xStar!)).toBe(p.constants.fStar);
    p.grad(p.constants.xStar!, g);
    expect(g.every((v) => v === 0)).toBe(true);
    // fStar equals the direct average of f_j at xStar
    let direct = 0;
    for (let j = 0; j < n; j++) direct += p.fWorker(p.constants.xStar!, j) / n;
    expect(Math.abs(direct - p.constants.fStar!)).toBeLessThanOrEqual(2 * gamma(n * d + 8) * direct);
  });

  it('heterogeneity 0 makes every worker identical; the spread grows with zeta', () => {
    const p0 = heterogeneousQuadraticFamily.create({ d: 5, workers: 4, heterogeneity: 0 });
    expect(p0.constants.fStar).toBe(0);
    expect(Array.from(p0.workerCenter(3))).toEqual([0, 0, 0, 0, 0]);
    const p1 = heterogeneousQuadraticFamily.create({ d: 5, workers: 4, heterogeneity: 1 });
    const p2 = heterogeneousQuadraticFamily.create({ d: 5, workers: 4, heterogeneity: 2 });
    expect(p2.constants.fStar).toBeCloseTo(4 * p1.constants.fStar!, 12);
  });

  it('exposes per-worker centers for the GPU engine and no single-center description', () => {
    const p = heterogeneousQuadraticFamily.create({ d: 3, workers: 2, seed: 4 });
    expect(p.separableQuadratic).toBeUndefined();
    const desc = p.separableQuadraticWorkers!;
    expect(Array.from(desc.centers.subarray(3, 6))).toEqual(Array.from(p.workerCenter(1)));
    expect(Array.from(desc.meanCenter)).toEqual(Array.from(p.constants.xStar!));
  });

  it('gradWorker agrees with central differences of fWorker', () => {
    const d = 9;
    const p = heterogeneousQuadraticFamily.create({ d, workers: 3, spectrum: 'sparse', k: 2, kappa: 100, seed: 2 });
    const x = problemNormals(3, ProblemLane.x0, 0, new Float64Array(d));
    for (let j = 0; j < 3; j++) {
      const checks = checkGradientFd(
        (v) => p.fWorker(v, j),
        (v, out) => p.gradWorker(v, j, out),
        x,
        2 ** -12,
        { M3: () => 0, fErr: (pt) => gamma(d + 4) * p.fWorker(pt, j), gErr: (i) => gamma(2) * Math.abs(p.constants.Lvec![i] * (x[i] - p.workerCenter(j)[i])) },
      );
      expect(checks.filter((r) => !r.ok)).toEqual([]);
    }
  });

  it('rejects bad parameters and worker indices', () => {
    expect(() => heterogeneousQuadraticFamily.create({ workers: 0 })).toThrow(/heterogeneous-quadratic\.workers/);
    expect(() => heterogeneousQuadraticFamily.create({ heterogeneity: -1 })).toThrow(/heterogeneous-quadratic\.heterogeneity: must be a finite number >= 0/);
    const p = heterogeneousQuadraticFamily.create({ d: 2, workers: 2 });
    expect(() => p.gradWorker(new Float64Array(2), 2, new Float64Array(2))).toThrow(UserInputError);
    expect(() => p.fWorker(new Float64Array(2), -1)).toThrow(/worker: must be an integer in \[0, 1\]/);
  });
});
