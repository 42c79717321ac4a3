import { describe, expect, it } from 'vitest';
import { absDot, dist1, dist2, dot, ETA, gamma, norm1, norm2, normInf, sgn, UNIT_ROUNDOFF } from './numerics.ts';

describe('rounding constants', () => {
  it('u = 2^-53 is half the gap above 1 (Higham, Thm 2.2); ETA is the smallest subnormal', () => {
    expect(UNIT_ROUNDOFF).toBe(Number.EPSILON / 2);
    expect(1 + UNIT_ROUNDOFF).toBe(1); // ties to even
    expect(1 + 2 * UNIT_ROUNDOFF).toBeGreaterThan(1);
    expect(ETA).toBe(Number.MIN_VALUE);
  });

  it('gamma_n = n u / (1 - n u), by default in float64 and with a given u', () => {
    expect(gamma(0)).toBe(0);
    expect(gamma(1)).toBe(2 ** -53 / (1 - 2 ** -53));
    expect(gamma(10)).toBe((10 * 2 ** -53) / (1 - 10 * 2 ** -53));
    // float32 (u = 2^-24): n u = 1/2 gives gamma = 1 exactly; n u = 1/4 gives 1/3.
    expect(gamma(2 ** 23, 2 ** -24)).toBe(1);
    expect(gamma(2 ** 22, 2 ** -24)).toBe(1 / 3);
    // n u >= 1: gamma_n is undefined.
    expect(() => gamma(2 ** 24, 2 ** -24)).toThrow(/undefined/);
    expect(() => gamma(2 ** 53)).toThrow(/undefined/);
  });
});

describe('sign and norms', () => {
  it('sgn(0) = sgn(-0) = 0', () => {
    expect([sgn(-2.5), sgn(-0), sgn(0), sgn(1e-300)]).toEqual([-1, 0, 0, 1]);
  });

  it('||a||_1, ||a||_2, ||a||_inf of known vectors, including the last entry', () => {
    const a = Float64Array.from([1, -2, 0.5, -7]);
    expect(norm1(a)).toBe(10.5);
    expect(normInf(a)).toBe(7);
    expect(normInf(Float64Array.from([0, -3]))).toBe(3);
    expect(norm2([3, -4])).toBe(5);
    expect(norm2([1, 2, 2])).toBe(3);
    for (const f of [norm1, norm2, normInf]) expect(f(new Float64Array(0))).toBe(0);
  });

  it('norm2 rescales where the sum of squares would underflow or overflow', () => {
    // (3e-200)^2 underflows to 0 and (3e200)^2 overflows to Infinity; the scaled sum keeps 5e-200, 5e200.
    expect(norm2([3e-200, -4e-200])).toBeCloseTo(5e-200, 214);
    expect(norm2([3e-200, -4e-200]) / 5e-200).toBeCloseTo(1, 15);
    expect(norm2([3e200, 4e200]) / 5e200).toBeCloseTo(1, 15);
    expect(norm2([0, 0])).toBe(0);
    expect(norm2([1, Infinity])).toBe(Infinity);
  });

  it('inner products and distances', () => {
    const a = [1, -2, 3];
    const b = [4, 5, -6];
    expect(dot(a, b)).toBe(4 - 10 - 18);
    expect(absDot(a, b)).toBe(4 + 10 + 18);
    expect(dist1(a, b)).toBe(3 + 7 + 9);
    expect(dist2([0, 0], [3, 4])).toBe(5);
  });
});
