import { describe, expect, it } from 'vitest';
import { logisticRegressionFamily } from '../../problems/logistic-regression.ts';
import { logisticSyntheticFamily } from '../../problems/logistic-synthetic.ts';
import type { LogisticProblem } from '../../problems/logistic-core.ts';
import { gpuForTests } from '../../testing/gpu.ts';
import { logisticBounds, logisticGradientKernel } from './logistic.ts';
import { compareWithCpu, expectWithin, testIterates } from '../../testing/gpu-gradients.ts';

const gpu = await gpuForTests();

/** R replicas of w: scale s_r N(0, I) per replica, so the margins |t| range from ~0 to past 88 (e^-|t| flushed in float32). */
function iterates(d: number, scales: readonly number[]): Float64Array {
  const R = scales.length;
  const x = new Float64Array(R * d);
  scales.forEach((s, r) => x.set(testIterates(1, d, s, new Float64Array(d), 20 + r), r * d));
  return x;
}

describe.skipIf(!gpu)('logistic-regression gradient passes (WGSL) against src/problems/logistic-core.ts', () => {
  it('synthetic data (m = 300, d = 13, lambda = 0.1): g and f within the derived bound, margins from 0 to past 88 (e^-|t| below float32 range)', async () => {
    const problem = logisticSyntheticFamily.create({ m: 300, d: 13, lambda: 0.1, seed: 4 }) as LogisticProblem;
    const scales = [0, 0.01, 0.3, 1, 3, 30];
    const x = iterates(problem.d, scales);
    const kernel = logisticGradientKernel(problem);
    const c = await compareWithCpu(gpu!, kernel, problem, x, scales.length, (xx, RR, wx) => logisticBounds(problem, xx, RR, wx), { rowsPerChunk: 4 });
    expectWithin('logistic synthetic m=300 d=13', c, scales.length * problem.d);
  });

  it('mushrooms (m = 6499 training rows, d = 112, sparse 0/1 features, lambda = 1e-3), engine workgroup shape 16 x 16', async () => {
    const problem = logisticRegressionFamily.create({ dataset: 'mushrooms', lambda: 1e-3 });
    const scales = [0.05, 0.5, 5];
    const x = iterates(problem.d, scales);
    const kernel = logisticGradientKernel(problem, { wx: 16, wy: 16 });
    const c = await compareWithCpu(gpu!, kernel, problem, x, scales.length, (xx, RR, wx) => logisticBounds(problem, xx, RR, wx));
    // a few mushroom features may be all-zero on the training rows: g_j = lambda w_j there (still nonzero)
    expectWithin('logistic mushrooms', c, scales.length * problem.d);
  });

  it('a kernel with lambda off by 1% violates the bound', async () => {
    const problem = logisticSyntheticFamily.create({ m: 300, d: 13, lambda: 0.1, seed: 4 }) as LogisticProblem;
    const x = iterates(problem.d, [0.5, 1, 2]);
    const broken = logisticGradientKernel({ train: problem.train, lambda: problem.lambda * 1.01 });
    const c = await compareWithCpu(gpu!, broken, problem, x, 3, (xx, RR, wx) => logisticBounds(problem, xx, RR, wx));
    expect(c.gViolations).toBeGreaterThan(3 * problem.d * 0.9);
    expect(c.fViolations).toBe(3);
  });
});

describe('gradientKernelFor', () => {
  it('recognises rotated quadratics, logistic problems and separableCoefficients, and says why not for the rest', async () => {
    const { gradientKernelFor } = await import('./index.ts');
    const { rotatedQuadraticFamily } = await import('../../problems/rotated-quadratic.ts');
    const { sumCoshFamily } = await import('../../problems/sum-cosh.ts');
    const { createProblem } = await import('../../problems/index.ts');
    expect(gradientKernelFor(rotatedQuadraticFamily.create({ d: 6 })).kernel?.family).toBe('rotated-quadratic');
    expect(gradientKernelFor(logisticSyntheticFamily.create({ m: 20, d: 3 })).kernel?.family).toBe('logistic-regression');
    const cosh = sumCoshFamily.create({ d: 3 });
    expect(gradientKernelFor(cosh).kernel?.family).toBe('sum-cosh');
    expect(gradientKernelFor(createProblem('exp-sum', { d: 3 })).kernel?.family).toBe('exp-sum');
    expect(gradientKernelFor(createProblem('quartic-sum', { d: 3 })).kernel?.family).toBe('quartic-sum');
    const { separableCoefficients: _omit, ...bare } = cosh;
    const none = gradientKernelFor({ ...bare, id: 'bare' } as typeof cosh);
    expect(none.kernel).toBeNull();
    expect((none as { reason: string }).reason).toMatch(/bare exposes no data/);
    const sharded = gradientKernelFor(createProblem('sharded-logistic', {}));
    expect((sharded as { reason: string }).reason).toMatch(/heterogeneous/);
  });
});
