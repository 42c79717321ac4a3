import type { Problem } from '../../problems/types.ts';
import type { GradientKernel } from './common.ts';
import { logisticGradientKernel, type LogisticData } from './logistic.ts';
import { rotatedQuadraticGradientKernel } from './rotated-quadratic.ts';

export * from './common.ts';
export { rotatedQuadraticGradientKernel, rotatedQuadraticBounds, type RotatedQuadraticData } from './rotated-quadratic.ts';
export { logisticGradientKernel, logisticBounds, type LogisticData } from './logistic.ts';
export { sumCoshGradientKernel, sumCoshBounds, type SumCoshData } from './sum-cosh.ts';
export { expSumGradientKernel, expSumBounds, type ExpSumData } from './exp-sum.ts';
export { quarticSumGradientKernel, quarticSumBounds, type QuarticSumData } from './quartic-sum.ts';
export { separableKernel } from './separable.ts';

/**
 * The gradient pass for a problem instance, or the reason there is none. Recognised from what the
 * instance exposes: a dense `hessian` (rotated-quadratic), `train` + `lambda` with one worker
 * (logistic-regression, mushroom, logistic-synthetic). sum-cosh, exp-sum and quartic-sum have
 * kernels ({@link sumCoshGradientKernel} etc.) but their Problem objects do not expose a, b, c yet,
 * so the caller must pass those arrays; heterogeneous problems (sharded-logistic, per-worker
 * objectives) have no pass yet.
 */
export function gradientKernelFor(problem: Problem, options: { wx?: number; wy?: number } = {}): { kernel: GradientKernel } | { kernel: null; reason: string } {
  if (problem.workers > 1) return { kernel: null, reason: `problem ${problem.id} is heterogeneous (per-worker objectives): no gradient pass yet` };
  const p = problem as Problem & Partial<{ hessian: Float64Array; train: LogisticData['train']; lambda: number }>;
  if (p.hessian && p.hessian.length === problem.d * problem.d && problem.constants.xStar) {
    return { kernel: rotatedQuadraticGradientKernel({ d: problem.d, hessian: p.hessian, center: problem.constants.xStar }, options) };
  }
  if (p.train && typeof p.lambda === 'number' && p.train.A.cols === problem.d) {
    return { kernel: logisticGradientKernel({ train: p.train, lambda: p.lambda }, options) };
  }
  return { kernel: null, reason: `problem ${problem.id} exposes no data a gradient pass can use (dense hessian, or logistic train + lambda)` };
}
