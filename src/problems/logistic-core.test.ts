import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { binaryLabels, csrFromDense, logisticRegression, sigmoid, softplus, splitIndices } from './logistic-core.ts';
import { logisticSyntheticFamily } from './logistic-synthetic.ts';
import { gamma } from '../core/numerics.ts';
import { checkGradientFd } from '../testing/finite-differences.ts';
import { ProblemLane, problemNormals } from './random.ts';

/** |l'''(t)| for l(t) = log(1 + e^-t): sigma(1 - sigma)(1 - 2 sigma), at most 1/(6 sqrt 3) ~ 0.0962. */
const L3 = 1 / (6 * Math.sqrt(3));

describe('stable scalar functions', () => {
  it('softplus and sigmoid are exact in the tails and agree with the naive forms in the middle', () => {
    expect(softplus(1000)).toBe(1000);
    expect(softplus(-1000)).toBe(0); // e^-1000 underflows; never -Infinity or NaN
    expect(softplus(-30)).toBeCloseTo(Math.exp(-30), 25);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    for (const t of [-20, -3, -0.5, 0, 0.5, 3, 20]) {
      expect(softplus(t)).toBeCloseTo(Math.log(1 + Math.exp(t)), 13);
      expect(sigmoid(t)).toBeCloseTo(1 / (1 + Math.exp(-t)), 15);
    }
    expect(softplus(0)).toBe(Math.LN2);
    expect(sigmoid(0)).toBe(0.5);
  });
});

describe('logisticRegression', () => {
  // two samples, d = 2: a_1 = (1, 0), y_1 = +1; a_2 = (0, 2), y_2 = -1; lambda = 0.5
  const tiny = () =>
    logisticRegression({ A: csrFromDense(Float64Array.of(1, 0, 0, 2), 2, 2), y: Float64Array.of(1, -1) }, 0.5, {
      id: 'tiny',
      name: 'tiny',
      summary: '',
      params: {},
      x0: () => new Float64Array(2),
    });

  it('f and grad at hand-computed points', () => {
    const p = tiny();
    expect(p.f(Float64Array.of(0, 0))).toBe(Math.LN2);
    const g = new Float64Array(2);
    p.grad(Float64Array.of(0, 0), g);
    // coef_i = -y_i sigma(0) / m: (-0.25, +0.25); grad = -0.25 a_1 + 0.25 a_2 = (-0.25, 0.5)
    expect(Array.from(g)).toEqual([-0.25, 0.5]);
    // w = (1, 1): margins y z = (1, -2); f = (log(1+e^-1) + log(1+e^2))/2 + 0.25 * 2
    const w = Float64Array.of(1, 1);
    expect(p.f(w)).toBeCloseTo((Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(2))) / 2 + 0.5, 14);
    p.grad(w, g);
    expect(g[0]).toBeCloseTo(-sigmoid(-1) / 2 + 0.5, 15);
    expect(g[1]).toBeCloseTo((2 * sigmoid(2)) / 2 + 0.5, 15);
    // accuracy: sample 1 right (margin 1 > 0), sample 2 wrong (margin -2)
    expect(p.accuracy(w)).toBe(0.5);
    expect(p.accuracy(Float64Array.of(0, 0))).toBe(0); // zero margins count as wrong
    expect(p.loss(w)).toBe(p.f(w));
    expect(() => p.accuracy(w, 'test')).toThrow(UserInputError);
  });

  it('constants by hand: R, L, Lvec, Linf', () => {
    const p = tiny();
    expect(p.R).toBe(2);
    // A^T A / m = diag(1, 4)/2: lambda_max = 2; L = 2/4 + 0.5 = 1 (plus a Jacobi error bound ~ 1e-15)
    expect(p.constants.L).toBeGreaterThanOrEqual(1);
    expect(p.constants.L! - 1).toBeLessThanOrEqual(1e-13);
    // Lvec_j = (1/(4m)) sum_i |a_ij| ||a_i||_1 + lambda: (1/8 * 1 + 0.5, 1/8 * 4 + 0.5)
    expect(Array.from(p.constants.Lvec!)).toEqual([0.625, 1]);
    // Linf = (1/(4m)) sum_i ||a_i||_1^2 + lambda d = (1 + 4)/8 + 1
    expect(p.constants.Linf).toBe(1.625);
    expect(p.constants.mu).toBe(0.5);
  });

  it('no overflow or NaN at huge weights', () => {
    const p = tiny();
    const w = Float64Array.of(1e6, -1e6);
    expect(Number.isFinite(p.f(w))).toBe(true);
    const g = new Float64Array(2);
    p.grad(w, g);
    expect(g.every(Number.isFinite)).toBe(true);
  });

  it('gradient agrees with central differences (third derivative bound (1/m) sum |a_ij|^3 / (6 sqrt 3))', () => {
    const d = 8;
    const p = logisticSyntheticFamily.create({ m: 60, d, lambda: 0.3, seed: 3 });
    const { A } = p.train;
    const m = A.rows;
    const w = problemNormals(5, ProblemLane.x0, 0, new Float64Array(d));
    const colCube = new Float64Array(d);
    const colAbs = new Float64Array(d);
    const absMargin = (pt: Float64Array, i: number) => {
      let s = 0;
      for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) s += Math.abs(A.values[q] * pt[A.indices[q]]);
      return s;
    };
    for (let i = 0; i < m; i++) {
      for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) {
        colCube[A.indices[q]] += Math.abs(A.values[q]) ** 3 / m;
        colAbs[A.indices[q]] += (Math.abs(A.values[q]) * (1 + absMargin(w, i))) / m;
      }
    }
    // f's rounding: the margins z_i are off by gamma_d sum_j |a_ij w_j| and softplus is 1-Lipschitz;
    // each softplus adds ~6 roundings; the mean of m terms adds gamma_m: gamma_{m+d+8} (f + mean_i sum_j |a_ij w_j|).
    const fErr = (pt: Float64Array) => {
      let s = 0;
      for (let i = 0; i < m; i++) s += absMargin(pt, i) / m;
      return gamma(m + d + 8) * (p.f(pt) + s);
    };
    const checks = checkGradientFd(p.f, p.grad, w, 2 ** -12, {
      M3: (j) => L3 * colCube[j],
      fErr,
      gErr: (j) => gamma(m + d + 8) * (colAbs[j] + 0.3 * Math.abs(w[j])),
    });
    expect(checks.filter((r) => !r.ok)).toEqual([]);
  });

  it('Newton finds a certified minimiser: ||g(xStar)||^2/(2 lambda) <= fStarError and f >= fStar elsewhere', () => {
    const p = logisticSyntheticFamily.create({ m: 80, d: 6, lambda: 0.05, seed: 8 });
    const xs = p.constants.xStar!;
    const g = new Float64Array(6);
    p.grad(xs, g);
    const gg = g.reduce((s, v) => s + v * v, 0);
    expect(gg / (2 * 0.05)).toBeLessThanOrEqual(p.constants.fStarError!);
    expect(p.constants.fStarError!).toBeLessThan(1e-10);
    expect(p.f(xs)).toBe(p.constants.fStar);
    for (let k = 0; k < 20; k++) {
      const x = problemNormals(k, ProblemLane.x0, 0, new Float64Array(6));
      expect(p.f(x)).toBeGreaterThanOrEqual(p.constants.fStar! - p.constants.fStarError!);
    }
  });

  it('lambda = 0 declares no fStar, no mu', () => {
    const p = logisticSyntheticFamily.create({ m: 20, d: 3, lambda: 0 });
    expect(p.constants.fStar).toBeUndefined();
    expect(p.constants.mu).toBeUndefined();
    expect(() => p.solve()).toThrow(/lambda: must be > 0/);
  });
});

describe('labels and splits', () => {
  it('binaryLabels maps {1, 2} to 2 (label - 1.5) and keeps {-1, +1}', () => {
    expect(Array.from(binaryLabels(Float64Array.of(1, 2, 2, 1), 'x'))).toEqual([-1, 1, 1, -1]);
    expect(Array.from(binaryLabels(Float64Array.of(1, -1, 1), 'x'))).toEqual([1, -1, 1]);
    expect(Array.from(binaryLabels(Float64Array.of(0, 5), 'x'))).toEqual([-1, 1]);
    expect(() => binaryLabels(Float64Array.of(1, 2, 3), 'f.svm')).toThrow(/f\.svm labels: must take exactly two distinct values/);
  });

  it('splitIndices: ceil(testFraction m) test rows, disjoint, covering, sorted, seed-dependent', () => {
    const { train, test } = splitIndices(8124, 0.2, 0);
    expect(train.length).toBe(6499);
    expect(test.length).toBe(1625);
    const all = new Set([...train, ...test]);
    expect(all.size).toBe(8124);
    for (let i = 1; i < test.length; i++) expect(test[i]).toBeGreaterThan(test[i - 1]);
    expect(Array.from(splitIndices(8124, 0.2, 0).test)).toEqual(Array.from(test));
    expect(Array.from(splitIndices(8124, 0.2, 1).test)).not.toEqual(Array.from(test));
    expect(() => splitIndices(3, 0.9, 0)).toThrow(/testFraction: must leave at least one training row/);
  });
});
