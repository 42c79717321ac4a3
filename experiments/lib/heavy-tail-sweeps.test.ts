import { describe, expect, it } from 'vitest';
import { specFromRecipe } from '../../src/engine/recipe.ts';
import { createNoise } from '../../src/noise/index.ts';
import { kappaSigma } from '../../src/noise/moments.ts';
import { sweep as momentumSweep } from '../theorems/m-signsgd-heavy-tails.ts';
import { sweep as minibatchSweep } from '../theorems/minibatch-signsgd-heavy-tails.ts';
import { heavyTailNoise, tailIndex } from './heavy-tail-sweeps.ts';

describe('heavy-tail sweeps', () => {
  it('noise: tail index above kappa (kappa-moment finite), sigma_kappa normalised to 1', () => {
    for (const kappa of [1.25, 1.5, 1.75, 2]) {
      for (const shape of ['skewed', 'symmetric'] as const) {
        if (shape === 'symmetric' && kappa === 2) continue;
        const ref = heavyTailNoise(kappa, shape);
        const model = createNoise(ref.model, ref.params);
        expect(model.momentLimit).toBeGreaterThan(kappa);
        expect(kappaSigma(model, kappa, ref.sigma as number)).toBeCloseTo(1, 10);
        expect(model.symmetric).toBe(shape === 'symmetric');
      }
      expect(tailIndex(kappa)).toBeGreaterThan(kappa);
    }
  });

  it('recipes at grid values are valid runs with N = T B samples (minibatch) and T samples (momentum)', () => {
    const s = { kappa: 1.5, shape: 'skewed' as const, budgets: [4096] };
    const [bAxis, lrAxis] = minibatchSweep.axesFor(4096);
    const r = minibatchSweep.recipe(s, 4096, { batch: bAxis.value(bAxis.hi), lr: lrAxis.value(-8) }, 2, 1);
    expect(r.T * (r.hyper.batch as number)).toBe(4096);
    expect(r.T).toBe(4);
    specFromRecipe(r);
    const [betaAxis, lr2] = momentumSweep.axesFor(2048);
    expect(betaAxis.value(betaAxis.lo)).toBe(1 / 2048);
    expect(betaAxis.value(betaAxis.hi)).toBe(1);
    specFromRecipe(momentumSweep.recipe(s, 2048, { beta: 0.25, lr: lr2.value(-8) }, 2, 1));
  });
});
