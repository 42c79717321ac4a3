import { describe, expect, it } from 'vitest';
import { runCpu } from '../../src/engine/cpu.ts';
import { specFromRecipe } from '../../src/engine/recipe.ts';
import { signsgdDeterministic } from './signsgd-deterministic.ts';

describe('signsgd-deterministic', () => {
  it('P4 eq. (1) at gamma = sqrt(Delta/(L_inf T)) holds exactly on short runs, with no frozen coordinate', () => {
    const cells = signsgdDeterministic.cells('quick').filter((c) => c.recipe.T <= 1024);
    expect(cells.length).toBe(4);
    for (const c of cells) {
      const res = runCpu(specFromRecipe(c.recipe));
      const { Delta, Linf } = c.params as { Delta: number; Linf: number };
      const bound = 1.5 * Math.sqrt((Delta * Linf) / c.recipe.T);
      expect(res.avgG1[0]).toBeLessThanOrEqual(bound);
      expect(res.avgG1[0]).toBe(res.avgG1[1]); // exact gradients: replicas identical
      expect(res.frozen[0]).toBe(0);
    }
  });
});
