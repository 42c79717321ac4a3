import { describe, expect, it } from 'vitest';
import { problemFamilies } from './index.ts';
import { sigmoid } from './logistic-core.ts';

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

describe('documented options take effect', () => {
  it('sharded-logistic: bias = 1 appends a constant-1 feature (d + 1)', () => {
    const fam = problemFamilies.get('sharded-logistic');
    const plain = fam.create({ workers: 4 } as never);
    const withBias = fam.create({ workers: 4, bias: 1 } as never);
    expect(withBias.d).toBe(plain.d + 1);
  });
  it('rotated-quadratic above the exact-Linf size: Linf = min(sum |H_ij|, d L) bounds max_i sum_j |H_ij|', () => {
    const p = problemFamilies.get('rotated-quadratic').create({ d: 40 } as never);
    const H = (p as unknown as { hessian: Float64Array }).hessian;
    let absSum = 0;
    let maxRow = 0;
    for (let i = 0; i < p.d; i++) {
      let row = 0;
      for (let j = 0; j < p.d; j++) row += Math.abs(H[i * p.d + j]);
      absSum += row;
      maxRow = Math.max(maxRow, row);
    }
    const Linf = p.constants.Linf!;
    expect(Linf).toBeGreaterThanOrEqual(maxRow);
    expect(Linf).toBeLessThanOrEqual(absSum * (1 + 1e-12));
    expect(Linf).toBeLessThanOrEqual(p.d * p.constants.L! * (1 + 1e-12));
    expect(p.name).toContain('rotated-quadratic(d=40');
  });
  it('an x0 of the wrong kind names what it got', () => {
    expect(() => problemFamilies.get('separable-quadratic').create({ d: 3, x0: 'sideways' } as never)).toThrow(/separable-quadratic\.x0: must be a number, .* \(got "sideways"\)/);
  });
});
