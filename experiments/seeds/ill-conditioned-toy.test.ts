import { describe, expect, it } from 'vitest';
import { specFromRecipe } from '../../src/engine/recipe.ts';
import { runExperiment } from '../../src/experiments/runner.ts';
import { illConditionedRecipe, illConditionedToy } from './ill-conditioned-toy.ts';

describe('ill-conditioned-toy (tiny)', () => {
  it('SGD matches its closed form per seed, diverges above 2/L_0, and SignSGD ends within lr of the optimum', async () => {
    const exp = illConditionedToy;
    const res = await runExperiment(exp, { profile: 'tiny', processes: 1 });
    const d = Number(res.settings.d);
    for (const j of res.jobs) {
      const lr = Number(j.params.lr);
      const problem = specFromRecipe(illConditionedRecipe('sgd', lr, j.seed, d)).problem;
      const x0 = problem.x0();
      const L = (i: number) => (i === 0 ? 1000 : 1);
      if (j.method === 'sgd') {
        if (lr > 2 / 1000) {
          expect(j.divergedAt).not.toBeNull();
          expect(j.values.finalLoss).toBeNull();
          continue;
        }
        // f_T = 1/2 sum L_i (1 - lr L_i)^{2T} x0_i^2; each x_i takes T roundings (relative 2^-53 each),
        // so the relative error is below 2 T 2^-53 = 7e-13 per term; 1e-10 leaves a wide margin.
        let f = 0;
        for (let i = 0; i < d; i++) f += 0.5 * L(i) * (1 - lr * L(i)) ** 6000 * x0[i] ** 2;
        expect(Math.abs((j.values.finalLoss as number) - f)).toBeLessThanOrEqual(1e-10 * f);
      } else if (lr === 1e-2) {
        // T lr = 30 exceeds every |x0_i| here, so every coordinate ends within lr of 0.
        const maxAbs = Math.max(...Array.from(x0, Math.abs));
        expect(maxAbs).toBeLessThan(3000 * lr);
        expect(j.values.finalLoss as number).toBeLessThanOrEqual(0.5 * lr * lr * (d - 1 + 1000) * (1 + 1e-9));
      }
    }
    const a = exp.analyze(res);
    expect(a.tables.map((t) => t.id)).toEqual(['ill-conditioned-toy', 'ill-conditioned-toy-grid']);
    // the grid table reports divergence for SGD at lr = 1e-2 for every seed
    expect(a.tables[1].rows[0].sgdci).toBe(`diverged (${res.seeds.length}/${res.seeds.length})`);
  });
});
