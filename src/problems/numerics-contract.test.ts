import { describe, expect, it } from 'vitest';
import { norm1, normInf } from './common.ts';
import { problemFamilies } from './index.ts';
import { sigmoid } from './logistic-core.ts';

describe('norms', () => {
  it('||a||_1 and ||a||_inf, including the last entry and NaN-free on finite input', () => {
    const a = Float64Array.from([1, -2, 0.5, -7]);
    expect(norm1(a)).toBe(10.5);
    expect(normInf(a)).toBe(7);
    expect(normInf(Float64Array.from([0, -3]))).toBe(3);
    expect(norm1(new Float64Array(0))).toBe(0);
    expect(normInf(new Float64Array(0))).toBe(0);
  });
});

describe('sigmoid without overflow', () => {
  it('stays positive where 1 / (1 + e^-t) would give 0 (e^720 overflows)', () => {
    expect(sigmoid(-720)).toBeGreaterThan(0);
    expect(sigmoid(-720)).toBeCloseTo(Math.exp(-720) / (1 + Math.exp(-720)), 300);
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(40)).toBe(1);
    expect(sigmoid(-2) + sigmoid(2)).toBeCloseTo(1, 15);
  });
});

describe('logistic regression: the certified f* error covers the gradient at x*', () => {
  it('fStarError >= ||grad f(x*)||^2 / (2 lambda) (strong convexity)', () => {
    const p = problemFamilies.get('logistic-synthetic').create({ d: 6 } as never);
    const { xStar, fStarError, mu } = p.constants as { xStar: Float64Array; fStarError: number; mu: number };
    expect(xStar).toBeDefined();
    const g = new Float64Array(p.d);
    p.grad(xStar, g);
    let gg = 0;
    for (const v of g) gg += v * v;
    expect(gg).toBeGreaterThan(0);
    expect(fStarError).toBeGreaterThanOrEqual(gg / (2 * mu));
  });
});
