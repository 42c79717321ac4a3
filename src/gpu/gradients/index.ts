import type { Problem } from '../../problems/types.ts';
import type { GradientKernel } from './common.ts';
import { logisticGradientKernel, type LogisticData } from './logistic.ts';
import { rotatedQuadraticGradientKernel } from './rotated-quadratic.ts';
import { sumCoshGradientKernel } from './sum-cosh.ts';
import { expSumGradientKernel } from './exp-sum.ts';
import { quarticSumGradientKernel } from './quartic-sum.ts';

export * from './common.ts';
export { rotatedQuadraticGradientKernel, rotatedQuadraticBounds, type RotatedQuadraticData } from './rotated-quadratic.ts';
export { logisticGradientKernel, logisticBounds, type LogisticData } from './logistic.ts';
export { sumCoshGradientKernel, sumCoshBounds, type SumCoshData } from './sum-cosh.ts';
export { expSumGradientKernel, expSumBounds, type ExpSumData } from './exp-sum.ts';
export { quarticSumGradientKernel, quarticSumBounds, type QuarticSumData } from './quartic-sum.ts';
export { separableKernel } from './separable.ts';

type PassProblem = Pick<Problem, 'id' | 'd' | 'workers' | 'constants' | 'separableCoefficients'> & Partial<{ hessian: Float64Array; train: LogisticData['train']; lambda: number }>;

/**
 * Which gradient pass a problem instance gets, or why none: a dense `hessian` with a known minimiser
 * (rotated-quadratic), `train` + `lambda` (logistic-regression, mushroom, logistic-synthetic),
 * `separableCoefficients` (sum-cosh, exp-sum, quartic-sum). Heterogeneous problems (sharded-logistic,
 * per-worker objectives) have no pass. Cheap: builds nothing (see {@link gradientKernelFor}).
 */
export function gradientPassKind(problem: PassProblem): { kind: 'rotated-quadratic' | 'logistic' | 'sum-cosh' | 'exp-sum' | 'quartic-sum' } | { kind: null; reason: string } {
  if (problem.workers > 1) return { kind: null, reason: `problem ${problem.id} is heterogeneous (per-worker objectives): no gradient pass yet` };
  const p = problem;
  if (p.hessian && p.hessian.length === problem.d * problem.d && problem.constants.xStar) return { kind: 'rotated-quadratic' };
  if (p.train && typeof p.lambda === 'number' && p.train.A.cols === problem.d) return { kind: 'logistic' };
  const sc = problem.separableCoefficients;
  if (sc && sc.a.length === problem.d) return { kind: sc.kind };
  return { kind: null, reason: `problem ${problem.id} exposes no data a gradient pass can use (dense hessian, logistic train + lambda, or separableCoefficients)` };
}

/**
 * The gradient pass for a problem instance, or the reason there is none (recognised by
 * {@link gradientPassKind}): rotated-quadratic g = H (x - x*); logistic regression's full-data mean
 * plus lambda w; the separable families from `separableCoefficients` (sum-cosh, exp-sum, quartic-sum).
 */
export function gradientKernelFor(problem: Problem, options: { wx?: number; wy?: number } = {}): { kernel: GradientKernel } | { kernel: null; reason: string } {
  const which = gradientPassKind(problem as PassProblem);
  if (which.kind === null) return { kernel: null, reason: which.reason };
  const p = problem as PassProblem;
  const sc = problem.separableCoefficients;
  switch (which.kind) {
    case 'rotated-quadratic':
      return { kernel: rotatedQuadraticGradientKernel({ d: problem.d, hessian: p.hessian!, center: problem.constants.xStar! }, options) };
    case 'logistic':
      return { kernel: logisticGradientKernel({ train: p.train!, lambda: p.lambda! }, options) };
    default:
      if (sc?.kind === 'sum-cosh') return { kernel: sumCoshGradientKernel({ a: sc.a, b: sc.b, center: sc.center }, options) };
      if (sc?.kind === 'exp-sum') return { kernel: expSumGradientKernel({ a: sc.a, b: sc.b }, options) };
      return { kernel: quarticSumGradientKernel({ a: sc!.a, center: (sc as { center: Float64Array }).center }, options) };
  }
}
