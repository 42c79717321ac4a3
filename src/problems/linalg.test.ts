import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UNIT_ROUNDOFF } from '../core/numerics.ts';
import { choleskySolve, matVec, maxSignNormInfTo1, reflectorProduct, rotatedDiagonal, stewartReflectors, symmetricEigenvalues } from './linalg.ts';
import { powerLawSpectrum } from './spectra.ts';

describe('linalg', () => {
  it('Stewart reflectors give an orthogonal Q and Q diag(L) Q^T has spectrum L', () => {
    for (const d of [1, 2, 3, 17, 60]) {
      const us = stewartReflectors(42, d);
      expect(us.length).toBe(Math.max(0, d - 1));
      const Q = reflectorProduct(d, us);
      // Q^T Q = I to a few ulps times d: each reflector is orthogonal to O(d u).
      let worst = 0;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let k = 0; k < d; k++) s += Q[k * d + i] * Q[k * d + j];
          worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
        }
      }
      expect(worst).toBeLessThanOrEqual(4 * d * d * UNIT_ROUNDOFF + 4 * UNIT_ROUNDOFF);
      const L = powerLawSpectrum(d, 1, 5);
      const H = rotatedDiagonal(L, us);
      // H equals Q diag(L) Q^T built explicitly
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let k = 0; k < d; k++) s += Q[i * d + k] * L[k] * Q[j * d + k];
          expect(Math.abs(H[i * d + j] - s)).toBeLessThanOrEqual(8 * d * d * UNIT_ROUNDOFF * 5);
        }
        expect(H[i * d + (d - 1 - i)]).toBe(H[(d - 1 - i) * d + i]); // exactly symmetric
      }
      const { values, errorBound } = symmetricEigenvalues(H, d);
      const sorted = Array.from(L).sort((a, b) => a - b);
      for (let i = 0; i < d; i++) expect(Math.abs(values[i] - sorted[i])).toBeLessThanOrEqual(errorBound + 2 * (d + 1) ** 2 * UNIT_ROUNDOFF * 5);
    }
  });

  it('different seeds give different rotations', () => {
    const a = reflectorProduct(5, stewartReflectors(1, 5));
    const b = reflectorProduct(5, stewartReflectors(2, 5));
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('Jacobi eigenvalues of a 2x2 matrix match the closed form', () => {
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3
    const { values } = symmetricEigenvalues(Float64Array.of(2, 1, 1, 2), 2);
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
  });

  it('maxSignNormInfTo1 equals brute-force enumeration over all sign vectors', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 49, maxLength: 49 }), (n, entries) => {
        const H = Float64Array.from(entries.slice(0, n * n));
        let brute = 0;
        for (let mask = 0; mask < 1 << n; mask++) {
          const s = Float64Array.from({ length: n }, (_, i) => ((mask >> i) & 1 ? -1 : 1));
          const hs = matVec(H, n, s, new Float64Array(n));
          brute = Math.max(brute, hs.reduce((t, v) => t + Math.abs(v), 0));
        }
        const { value } = maxSignNormInfTo1(H, n);
        // both sums are of n^2 terms bounded by sum |H_ij|: gamma_{2n} sum|H_ij| covers their rounding
        const abs = H.reduce((t, v) => t + Math.abs(v), 0);
        expect(Math.abs(value - brute)).toBeLessThanOrEqual(4 * n * UNIT_ROUNDOFF * abs + 1e-300);
      }),
      { numRuns: 200, seed: 5 },
    );
  });

  it('Cholesky solves an SPD system and rejects an indefinite one', () => {
    const A = Float64Array.of(4, 2, 0, 2, 5, 1, 0, 1, 3);
    const x = Float64Array.of(1, -2, 3);
    const b = matVec(A, 3, x, new Float64Array(3));
    const got = choleskySolve(A, 3, b)!;
    for (let i = 0; i < 3; i++) expect(got[i]).toBeCloseTo(x[i], 13);
    expect(choleskySolve(Float64Array.of(1, 2, 2, 1), 2, Float64Array.of(1, 1))).toBeUndefined();
  });
});
