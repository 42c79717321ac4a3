import { describe, expect, it } from 'vitest';
import { runCpu } from './cpu.ts';
import { runCpuParallel } from './cpu-parallel.ts';
import { specFromRecipe, type RunRecipe } from './recipe.ts';

describe('CPU engine over several processes', () => {
  it('splitting replicas over processes gives the single-thread result bit for bit', async () => {
    const recipe: RunRecipe = {
      algorithm: 'signum',
      hyper: { lr: 0.01, beta: 0.1 },
      problem: { family: 'separable-quadratic', params: { d: 37, spectrum: 'power-law', x0: 'ones' } },
      noise: { model: 'student-t', params: { nu: 3 }, sigma: 0.5 },
      T: 40,
      workers: 1,
      replicas: 5,
      seed: 77,
      checkpoints: [0, 20, 40],
    };
    const one = runCpu(specFromRecipe(recipe));
    const par = await runCpuParallel(recipe, 2);
    expect(Array.from(par.finalX)).toEqual(Array.from(one.finalX));
    expect(Array.from(par.avgG1)).toEqual(Array.from(one.avgG1));
    expect(Array.from(par.tau)).toEqual(Array.from(one.tau));
    for (let c = 0; c < 3; c++) expect(Array.from(par.curve[c].fGap)).toEqual(Array.from(one.curve[c].fGap));
  });

  it('keeps the communication report of distributed runs', async () => {
    const recipe: RunRecipe = {
      algorithm: 'mv-signsgd',
      hyper: { lr: 0.01 },
      problem: { family: 'separable-quadratic', params: { d: 40 } },
      noise: { model: 'gaussian', sigma: 1 },
      T: 5,
      workers: 3,
      replicas: 4,
      seed: 1,
    };
    const one = runCpu(specFromRecipe(recipe));
    const par = await runCpuParallel(recipe, 2);
    expect(one.communication).toBeDefined();
    expect(Array.from(par.communication!.upBits)).toEqual(Array.from(one.communication!.upBits));
    expect(Array.from(par.communication!.downBitsPerWorkerStep)).toEqual(Array.from(one.communication!.downBitsPerWorkerStep));
    expect(Array.from(par.finalX)).toEqual(Array.from(one.finalX));
  });
});
