import { describe, expect, it } from 'vitest';
import { runCpu } from '../../src/engine/cpu.ts';
import { specFromRecipe } from '../../src/engine/recipe.ts';
import { sweepG, v1Floor } from '../lib/mvsm-heterogeneous-quadratics.ts';
import { mvsmV1Floor } from './mvsm-v1-floor.ts';

describe('mvsm-v1-floor', () => {
  it("the stall floor is v1's predicted floor (exact Poisson-binomial) at the sweep's instance", () => {
    const f = v1Floor(4, 3, sweepG([[4, 3]], 0));
    expect(mvsmV1Floor.stall!.floor).toBeCloseTo(f.floor, 3);
  });

  it('a short run of a floor cell stays inside the guarded box (no error) and v2 never sends a tie', () => {
    const cell = mvsmV1Floor.cells('quick').find((c) => c.params.variant === 'v2')!;
    const spec = specFromRecipe({ ...cell.recipe, T: 200, replicas: 2 });
    const res = runCpu(spec);
    expect(res.communication!.boundUse.G[0]).toBeLessThanOrEqual(1);
    expect(res.communication!.ternaryMessages[0]).toBe(0);
  });
});
