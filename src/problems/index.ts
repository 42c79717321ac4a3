import { Registry } from '../core/registry.ts';
import { UserInputError, shown } from '../core/errors.ts';
import { expSumFamily } from './exp-sum.ts';
import { heterogeneousQuadraticFamily } from './heterogeneous-quadratic.ts';
import { logisticRegressionFamily } from './logistic-regression.ts';
import { logisticSyntheticFamily } from './logistic-synthetic.ts';
import { mushroomFamily } from './mushroom.ts';
import { nonsmoothK19Family } from './nonsmooth-k19.ts';
import { shardedLogisticFamily } from './sharded-logistic.ts';
import { quarticSumFamily } from './quartic-sum.ts';
import { rotatedQuadraticFamily } from './rotated-quadratic.ts';
import { separableQuadraticFamily } from './separable-quadratic.ts';
import { sumCoshFamily } from './sum-cosh.ts';
import type { Problem, ProblemFamily } from './types.ts';

export type { Problem, ProblemConstants, ProblemFamily, ProblemParameterDoc } from './types.ts';
export { separableQuadratic, separableQuadraticFamily } from './separable-quadratic.ts';
export { rotatedQuadratic, rotatedQuadraticFamily, type RotatedQuadraticProblem } from './rotated-quadratic.ts';
export { sumCosh, sumCoshFamily } from './sum-cosh.ts';
export { expSum, expSumFamily } from './exp-sum.ts';
export { quarticSum, quarticSumFamily } from './quartic-sum.ts';
export { heterogeneousQuadratic, heterogeneousQuadraticFamily, type HeterogeneousQuadraticProblem } from './heterogeneous-quadratic.ts';
export { logisticRegression, type LogisticProblem } from './logistic-core.ts';
export { logisticRegressionFamily, logisticFromData } from './logistic-regression.ts';
export { logisticSyntheticFamily } from './logistic-synthetic.ts';
export { shardedLogisticFamily, shardRows, type ShardedLogisticProblem, type ShardedLogisticParams } from './sharded-logistic.ts';
export { mushroomFamily } from './mushroom.ts';
export { parseLibsvm, readLibsvmFile, formatLibsvm, toDense, type LibsvmData, type SparseRow } from './libsvm.ts';
export { illConditionedSpectrum, powerLawSpectrum, sparseSpectrum, uniformSpectrum } from './spectra.ts';

/**
 * Every problem family of signcheck (THEORY.md, "Assumption classes"): lemma domains, sweeps, the
 * CLI and the constants property suite (properties/problem-constants.test.ts) iterate over it.
 *
 * | id | f | declared constants |
 * |---|---|---|
 * | separable-quadratic | 1/2 sum L_i (x_i - c_i)^2 | Lvec, L, Linf (all tight), (L, 0), mu, f*, x* |
 * | rotated-quadratic | 1/2 (x-c)^T Q diag(L) Q^T (x-c) | L, Linf (exact d <= 16, else bound), Lvec (bound), mu, f*, x* |
 * | sum-cosh | sum a_i cosh(b_i (x_i - c_i)) | (max a b^2, max b), mu, f*, x*; not L-smooth |
 * | exp-sum | sum a_i exp(b_i x_i) | (0, max b), f* = 0 (infimum) |
 * | quartic-sum | 1/4 sum a_i (x_i - c_i)^4 | (4 max a / L1^2, L1), f*, x* |
 * | heterogeneous-quadratic | (1/n) sum_j 1/2 sum L_i (x_i - c^j_i)^2 | as separable, exact f*, x* |
 * | logistic-regression | L2 logistic on a LIBSVM data set | L, Lvec, Linf, (L, 0), mu, f* (Newton) |
 * | mushroom | the P0 mushroom set-up | same, plus the paper's quoted values |
 * | logistic-synthetic | L2 logistic on Gaussian data | same |
 *
 * Typed as ProblemFamily<any> because each family takes its own parameter interface; createProblem
 * passes a loosely typed bag that every family validates at run time.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const problemFamilies = new Registry<ProblemFamily<any>>('problem');
problemFamilies.register(separableQuadraticFamily);
problemFamilies.register(rotatedQuadraticFamily);
problemFamilies.register(sumCoshFamily);
problemFamilies.register(expSumFamily);
problemFamilies.register(quarticSumFamily);
problemFamilies.register(heterogeneousQuadraticFamily);
problemFamilies.register(logisticRegressionFamily);
problemFamilies.register(mushroomFamily);
problemFamilies.register(logisticSyntheticFamily);
problemFamilies.register(nonsmoothK19Family);
problemFamilies.register(shardedLogisticFamily);

/**
 * Builds an instance of the family `id` with `params` (validated by the family; unknown ids and
 * unknown or invalid parameters throw UserInputError naming what was wrong).
 */
export function createProblem(id: string, params: Readonly<Record<string, unknown>> = {}): Problem {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new UserInputError(`${id} parameters`, 'must be an object of name: value pairs', `got ${shown(params)}`);
  }
  return problemFamilies.get(id).create(params);
}
