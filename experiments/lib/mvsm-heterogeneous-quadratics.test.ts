import { describe, expect, it } from 'vitest';
import { spread, sweepG, v1Floor } from './mvsm-heterogeneous-quadratics.ts';

describe('MVSM sweep set-up', () => {
  it('G = 1.3 x spread + sigma, so the guard has a margin of 0.3 spread around x*', () => {
    expect(sweepG([[4, 3]], 0)).toBeCloseTo(1.3 * spread(4, 3), 3);
    expect(sweepG([[8, 1], [8, 256]], 0.25)).toBeGreaterThanOrEqual(1.3 * spread(8, 256) + 0.25 - 1e-3);
  });

  it("v1's predicted floor: the vote's mean changes sign within the guarded box, one offset per coordinate", () => {
    const G = sweepG([[4, 3]], 0);
    const f = v1Floor(4, 3, G);
    expect(f.floor).toBeGreaterThan(0);
    expect(f.offsets.length).toBe(4);
    expect(f.floor).toBeCloseTo(f.offsets.reduce((s, o) => s + Math.abs(o), 0), 12);
    for (const o of f.offsets) expect(Math.abs(o)).toBeLessThan(0.3 * spread(4, 3));
  });
});
