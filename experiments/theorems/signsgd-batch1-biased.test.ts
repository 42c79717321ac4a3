import { describe, expect, it } from 'vitest';
import { specFromRecipe } from '../../src/engine/recipe.ts';
import { createNoise } from '../../src/noise/index.ts';
import type { SweepCell } from '../../src/theorems/types.ts';
import { signsgdBatch1Biased } from './signsgd-batch1-biased.ts';

describe('signsgd-batch1-biased', () => {
  it('the stall floor is half of d sigma |median| of the declared noise, and the noise is mean-zero with median != 0', () => {
    const cell: SweepCell = signsgdBatch1Biased.cells('quick')[0];
    const noise = createNoise('bimodal', cell.recipe.noise!.params!);
    expect(noise.mean).toBe(0);
    expect(Math.abs(noise.median)).toBeGreaterThan(0.1);
    const d = specFromRecipe(cell.recipe).problem.d;
    expect(signsgdBatch1Biased.stall!.floor).toBeCloseTo((d * (cell.recipe.noise!.sigma as number) * Math.abs(noise.median)) / 2, 12);
  });
});
