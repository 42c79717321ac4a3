import { describe, expect, it } from 'vitest';
import { runCpu } from '../engine/cpu.ts';
import { specFromRecipe, type RunRecipe } from '../engine/recipe.ts';
import { runObserved } from './observe.ts';

const recipe: RunRecipe = {
  algorithm: 'signum',
  hyper: { lr: 0.02, beta: 0.2 },
  problem: { family: 'separable-quadratic', params: { d: 9, spectrum: 'power-law', x0: 'ones' } },
  noise: { model: 'gaussian', sigma: 0.3 },
  T: 25,
  workers: 1,
  replicas: 4,
  seed: 11,
  checkpoints: Array.from({ length: 26 }, (_, i) => i),
};

describe('runObserved', () => {
  it('sees every iterate x_0..x_T of the engine, and leaves the run unchanged (bit for bit)', () => {
    const spec = specFromRecipe(recipe);
    const plain = runCpu(spec); // fused path for this problem: also checks fused == general through the observer
    for (const r of [0, 3]) {
      const seen: number[] = [];
      const fs: number[] = [];
      const res = runObserved(spec, r, (t, x) => {
        seen.push(t);
        fs.push(spec.problem.f(x));
      });
      expect(seen).toEqual(Array.from({ length: recipe.T + 1 }, (_, i) => i));
      expect(res.path).toBe('general');
      // f at the observed x_t is the engine's own f(x_t) - f* (+ f* = 0 here) at every checkpoint
      expect(res.curve.map((c) => c.fGap[0])).toEqual(fs);
      expect(fs).toEqual(plain.curve.map((c) => c.fGap[r]));
      expect(Array.from(res.finalX)).toEqual(Array.from(plain.finalX.subarray(r * 9, (r + 1) * 9)));
    }
  });

  it('rejects a replica outside the spec', () => {
    expect(() => runObserved(specFromRecipe(recipe), 4, () => {})).toThrow(/replica/);
  });
});
