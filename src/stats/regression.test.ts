import { inv, multiply, transpose } from 'mathjs';
import { linearRegression } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { olsFit, olsLine, olsProjector, theilSen, theilSenPartial } from './regression.ts';

describe('OLS', () => {
  it('known values by hand: slope, intercept, standard errors, R^2', () => {
    // x = 1..5, y = (2,4,5,4,5), from the textbook formulas: xbar = 3, ybar = 4, Sxx = 10,
    // Sxy = (-2)(-2) + 0 + 0 + 0 + (2)(1) = 6, so b = Sxy/Sxx = 0.6 and a = ybar - b xbar = 2.2; the
    // residuals (-0.8, 0.6, 1, -0.6, -0.2) give RSS = 2.4, s^2 = RSS/(n-2) = 0.8; TSS = 6, R^2 = 0.6;
    // se(b) = s/sqrt(Sxx), se(a) = s sqrt(1/n + xbar^2/Sxx).
    const x = [1, 2, 3, 4, 5];
    const y = [2, 4, 5, 4, 5];
    const line = olsLine(x, y);
    expect(line.slope).toBeCloseTo(0.6, 14);
    expect(line.intercept).toBeCloseTo(2.2, 14);
    expect(line.slopeSE).toBeCloseTo(Math.sqrt(0.08), 14);
    expect(line.interceptSE).toBeCloseTo(Math.sqrt(0.8 * (1 / 5 + 9 / 10)), 14);
    expect(line.r2).toBeCloseTo(0.6, 14);
    const multi = olsFit(x.map((v) => [v]), y, ['x']);
    expect(multi.names).toEqual(['intercept', 'x']);
    expect(multi.coefficients[1]).toBeCloseTo(0.6, 13);
    expect(multi.coefficients[0]).toBeCloseTo(2.2, 13);
    expect(multi.standardErrors[1]).toBeCloseTo(Math.sqrt(0.08), 13);
    expect(multi.standardErrors[0]).toBeCloseTo(Math.sqrt(0.88), 13);
    expect(multi.dof).toBe(3);
    expect(multi.r2).toBeCloseTo(0.6, 13);
  });

  it('known values by hand: a 2 x 2 factorial design', () => {
    // Rows (a, b) = (0,0), (0,1), (1,0), (1,1) with y = 1, 2, 4, 7. On a full factorial the slopes
    // are differences of marginal means: b_a = (4+7)/2 - (1+2)/2 = 4, b_b = (2+7)/2 - (1+4)/2 = 2,
    // intercept = ybar - b_a/2 - b_b/2 = 3.5 - 3 = 0.5. Fitted (0.5, 2.5, 4.5, 6.5), residuals
    // +-0.5, RSS = 1, dof = 1, s^2 = 1. X^T X = [[4,2,2],[2,2,1],[2,1,2]] has inverse
    // (1/4)[[3,-2,-2],[-2,4,0],[-2,0,4]] (cofactors, det 4), so the standard errors are
    // (sqrt(3/4), 1, 1). TSS = 6.25 + 2.25 + 0.25 + 12.25 = 21, R^2 = 20/21.
    const fit = olsFit(
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ],
      [1, 2, 4, 7],
      ['a', 'b'],
    );
    expect(fit.names).toEqual(['intercept', 'a', 'b']);
    [0.5, 4, 2].forEach((c, j) => expect(fit.coefficients[j]).toBeCloseTo(c, 13));
    [Math.sqrt(0.75), 1, 1].forEach((se, j) => expect(fit.standardErrors[j]).toBeCloseTo(se, 13));
    expect(fit.dof).toBe(1);
    expect(fit.n).toBe(4);
    expect(fit.residualStdError).toBeCloseTo(1, 13);
    expect(fit.r2).toBeCloseTo(20 / 21, 13);
  });

  it('multi-regressor fit agrees with the normal equations (mathjs inverse) and recovers exact planes', () => {
    const X: number[][] = [];
    const y: number[] = [];
    let k = 0;
    for (const a of [0, 1, 2, 3]) {
      for (const b of [0, 0.5, 2]) {
        X.push([a, b]);
        // deterministic "noise" so that the standard errors are non-trivial
        y.push(1 + 2 * a - 3 * b + 0.1 * Math.sin(7 * k++));
      }
    }
    const fit = olsFit(X, y, ['a', 'b']);
    const A = X.map((r) => [1, ...r]);
    const At = transpose(A);
    const XtXinv = inv(multiply(At, A)) as number[][];
    const beta = multiply(XtXinv, multiply(At, y)) as number[];
    const resid = y.map((v, i) => v - (beta[0] + beta[1] * X[i][0] + beta[2] * X[i][1]));
    const s2 = resid.reduce((s, r) => s + r * r, 0) / (y.length - 3);
    for (let j = 0; j < 3; j++) {
      expect(fit.coefficients[j]).toBeCloseTo(beta[j], 11);
      expect(fit.standardErrors[j]).toBeCloseTo(Math.sqrt(s2 * XtXinv[j][j]), 11);
    }
    const exact = olsFit(X, X.map(([a, b]) => 1 + 2 * a - 3 * b));
    expect(exact.coefficients[0]).toBeCloseTo(1, 12);
    expect(exact.coefficients[1]).toBeCloseTo(2, 12);
    expect(exact.coefficients[2]).toBeCloseTo(-3, 12);
  });

  it('one regressor: QR agrees with simple-statistics linearRegression', () => {
    const x = [0.3, 1.1, 2.9, 3.3, 4.8, 7.0];
    const y = [1.0, 0.2, -1.5, -2.2, -3.0, -5.1];
    const { m, b } = linearRegression(x.map((v, i) => [v, y[i]]));
    const fit = olsFit(x.map((v) => [v]), y);
    expect(fit.coefficients[1]).toBeCloseTo(m, 12);
    expect(fit.coefficients[0]).toBeCloseTo(b, 12);
  });

  it('the projector reproduces the fit for any y', () => {
    const X = [[0], [1], [2], [3], [5]].map((r) => [Math.log(2 + r[0]), r[0] % 2]);
    const P = olsProjector(X);
    const y = [0.5, -1, 2, 0.25, 3];
    const fit = olsFit(X, y);
    for (let i = 0; i < P.p; i++) {
      let s = 0;
      for (let c = 0; c < P.n; c++) s += P.matrix[i * P.n + c] * y[c];
      expect(s).toBeCloseTo(fit.coefficients[i], 12);
    }
  });

  it('rejects singular and malformed designs with the rule', () => {
    expect(() => olsFit([[1], [1], [1]], [1, 2, 3])).toThrow(/linearly independent/);
    expect(() => olsFit([[1, 2], [2, 4], [3, 6], [4, 8]], [1, 2, 3, 4], ['a', 'b'])).toThrow(/"b" is constant or a combination of intercept, a/);
    expect(() => olsFit([[1], [2]], [1])).toThrow(/one value per row/);
    expect(() => olsFit([[1]], [1])).toThrow(/at least 2 rows/);
    expect(() => olsFit([[1], [Number.NaN]], [1, 2])).toThrow(UserInputError);
    expect(() => olsLine([1, 1, 1], [1, 2, 3])).toThrow(UserInputError);
    // n = p: no residual degrees of freedom, so no standard errors.
    expect(olsFit([[1], [2]], [3, 5]).standardErrors).toEqual([null, null]);
  });
});

describe('Theil-Sen', () => {
  it('known values by hand: the median of pairwise slopes', () => {
    // pairs: (0,1): 1, (0,2): 2, (1,2): 3 -> median 2; intercept median(y - 2x) = median(0, -1, 0) = 0.
    const t = theilSen([0, 1, 2], [0, 1, 4]);
    expect(t.slope).toBe(2);
    expect(t.intercept).toBe(0);
  });

  it('is exactly unaffected by one outlier among 9 noiseless points, where OLS is not', () => {
    // 36 pairs; 28 do not involve the outlier and all equal the true slope, so they fill a
    // contiguous run of 28 >= 20 positions of the sorted 36 that must cover positions 18 and 19:
    // the median is the true slope exactly.
    const x = Array.from({ length: 9 }, (_, i) => Math.log(16 * 2 ** i));
    const y = x.map((v) => 0.7 - 0.25 * v);
    y[6] += 5;
    expect(theilSen(x, y).slope).toBeCloseTo(-0.25, 14);
    expect(Math.abs(olsLine(x, y).slope + 0.25)).toBeGreaterThan(0.1);
  });

  it('partial Theil-Sen: within slices of a grid, and equal to Theil-Sen for one variable', () => {
    const X: number[][] = [];
    const y: number[] = [];
    for (const a of [1, 2, 3, 4]) {
      for (const b of [0, 1, 2]) {
        X.push([a, b]);
        y.push(-0.5 * a + 0.3 * b);
      }
    }
    y[5] += 100; // one outlier cell
    expect(theilSenPartial(X, y, 0)).toBeCloseTo(-0.5, 14);
    expect(theilSenPartial(X, y, 1)).toBeCloseTo(0.3, 14);
    const x1 = [0, 1, 3, 4, 9];
    const y1 = [2, 0, 5, 1, 7];
    expect(theilSenPartial(x1.map((v) => [v]), y1, 0)).toBe(theilSen(x1, y1).slope);
    // variables that never vary alone: no pairs.
    expect(theilSenPartial([[1, 1], [2, 2], [3, 3]], [1, 2, 3], 0)).toBeNull();
  });
});
