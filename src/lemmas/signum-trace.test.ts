import { describe, expect, it } from 'vitest';
import { signum } from '../algorithms/single.ts';
import { runCpu } from '../engine/cpu.ts';
import { createNoise } from '../noise/index.ts';
import { createProblem } from '../problems/index.ts';
import { signumTrace } from './signum-trace.ts';

// The lemma checks replay Signum themselves (they need every v_t, g_t); these tests pin the replay
// to the CPU engine: same noise stream, same arithmetic, hence bit-identical final iterates.
describe('signumTrace replays the CPU engine bit for bit', () => {
  const cases = [
    { name: 'separable quadratic (fused engine path), Gaussian', family: 'separable-quadratic', params: { d: 7, spectrum: 'power-law', alpha: 1, center: 'normal', seed: 3 }, noise: 'gaussian', sigma: 0.7 },
    { name: 'rotated quadratic (general path), Rademacher, per-coordinate sigma', family: 'rotated-quadratic', params: { d: 5, spectrum: 'ill-conditioned', kappa: 50, seed: 9 }, noise: 'rademacher', sigma: Float64Array.from([0.1, 1, 2, 0, 3]) },
    { name: 'sum-cosh, Student-t', family: 'sum-cosh', params: { d: 6, a: 2, b: 0.5 }, noise: 'student-t', sigma: 0.3 },
    { name: 'logistic-synthetic, exact gradients', family: 'logistic-synthetic', params: { d: 4, m: 30, seed: 2 }, noise: null, sigma: 0 },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      const problem = createProblem(c.family, c.params);
      const model = c.noise ? createNoise(c.noise) : null;
      const T = 25;
      const R = 3;
      const seed = 1234;
      const beta = 0.3;
      const lr = 0.05;
      const res = runCpu({
        algorithm: signum,
        hyper: { lr, beta },
        problem,
        noise: model ? { model, sigma: c.sigma } : null,
        T,
        workers: 1,
        replicas: R,
        seed,
      });
      for (let r = 0; r < R; r++) {
        const tr = signumTrace({ problem, x1: problem.x0(), beta, eta: lr, T, noise: model ? { model, sigma: c.sigma } : null, seed, replica: r });
        expect(Array.from(tr.final)).toEqual(Array.from(res.finalX.subarray(r * problem.d, (r + 1) * problem.d)));
      }
    });
  }

  it('stores v_1 = stochastic g_1 and the momentum recursion after it', () => {
    const problem = createProblem('separable-quadratic', { d: 3 });
    const tr = signumTrace({ problem, x1: problem.x0(), beta: 0.25, eta: 0.1, T: 3, noise: { model: createNoise('gaussian'), sigma: 1 }, seed: 5, replica: 0 });
    for (let i = 0; i < 3; i++) {
      expect(tr.v[i]).toBe(tr.gs[i]);
      expect(tr.v[3 + i]).toBe(0.75 * tr.v[i] + 0.25 * tr.gs[3 + i]);
      expect(tr.x[3 + i]).toBe(tr.x[i] - 0.1 * Math.sign(tr.v[i]));
    }
  });
});
