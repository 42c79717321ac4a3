import { UserInputError, shown } from '../core/errors.ts';
import { resolveX0, X0_PARAM_DOCS } from './common.ts';
import { loadBundled } from './datasets.ts';
import type { LogisticProblem } from './logistic-core.ts';
import { logisticFromData } from './logistic-regression.ts';
import { nonNegativeParam, numberParam, rejectUnknown, seedParam, type ParamBag } from './params.ts';
import type { ProblemFamily } from './types.ts';

/** Parameters of {@link mushroomFamily}. */
export interface MushroomParams {
  lambda?: number;
  testFraction?: number;
  splitSeed?: number;
  x0?: number | number[] | Float64Array | string;
  x0Seed?: number;
}

const ID = 'mushroom';

/**
 * Family `mushroom`: the logistic-regression set-up of the (L0, L1)-smooth sign-operator study (P0,
 * Ikonnikov, Kornilov, Beznosikov; settings listed in data/README.md): the bundled UCI Mushroom
 * LIBSVM file, labels y = 2 (label - 1.5), no bias, no feature scaling, 80/20 split (6499 train /
 * 1625 test rows; our split permutation is Philox-seeded by `splitSeed`, so the rows differ from the
 * paper's, whose seed is not published), lambda = 1, w0 ~ N(0, I) (Philox, `x0Seed`), d = 112.
 *
 * Declared constants are those proved in {@link logisticRegression} (L = lambda_max(A^T A)/(4m) +
 * lambda up to a Jacobi error bound, etc.). The paper's own values are kept in `constants.quoted`:
 * R = max_i ||a_i||_2 = sqrt(21) = 4.583 (every row has 21 ones), L = R^2 + lambda = 22 and
 * L1 = R + lambda = 5.583 (for lambda = 1). Its L is valid but about 4x loose (it drops the 1/4 of
 * sigma'); its (L0, L1) pair is not used by the checks.
 */
export const mushroomFamily: ProblemFamily<MushroomParams, LogisticProblem> = {
  id: ID,
  summary: 'logistic regression on UCI Mushroom as in P0: y = 2(label-1.5), no bias, 80/20 split, lambda = 1, w0 ~ N(0, I)',
  assumptions: ['separable-smoothness', 'l2-smoothness', 'linf-smoothness', 'L0L1-smoothness', 'convex', 'strongly-convex', 'fStar'],
  parameters: [
    { name: 'lambda', type: 'number >= 0', default: '1', doc: 'L2 regularisation (paper: 1)' },
    { name: 'testFraction', type: 'number in [0, 1)', default: '0.2', doc: 'held-out fraction (paper: 0.2)' },
    { name: 'splitSeed', type: 'integer', default: '0', doc: 'seed of the split permutation' },
    { ...X0_PARAM_DOCS[0], default: 'normal' },
    { name: 'x0Seed', type: 'integer', default: '0', doc: 'seed of the w0 ~ N(0, I) draw' },
  ],
  create(params: MushroomParams = {}): LogisticProblem {
    const bag = params as ParamBag;
    rejectUnknown(ID, bag, ['lambda', 'testFraction', 'splitSeed', 'x0', 'x0Seed']);
    const lambda = nonNegativeParam(ID, bag, 'lambda', 1);
    const testFraction = numberParam(ID, bag, 'testFraction', 0.2);
    if (!(testFraction >= 0 && testFraction < 1)) throw new UserInputError(`${ID}.testFraction`, 'must lie in [0, 1)', `got ${shown(testFraction)}`);
    const splitSeed = seedParam(ID, bag, 'splitSeed', 0);
    const x0Seed = seedParam(ID, bag, 'x0Seed', 0);
    const data = loadBundled('mushrooms');
    const { x0, described } = resolveX0(ID, bag, data.dim, 'normal', x0Seed);
    return logisticFromData(data, {
      id: ID,
      lambda,
      testFraction,
      splitSeed,
      bias: false,
      x0,
      params: { dataset: 'mushrooms', d: data.dim, lambda, testFraction, splitSeed, x0: described },
      name: `mushroom(lambda=${lambda})`,
      summary: 'UCI Mushroom logistic regression (P0 set-up): mean_i log(1 + exp(-y_i <a_i, w>)) + lambda/2 ||w||^2',
      quoted: (R) => ({
        source: 'P0 (Ikonnikov, Kornilov, Beznosikov), Mushroom experiment; data/README.md',
        values: { R, L: R * R + lambda, L1: R + lambda },
        note: 'Paper formulas L = R^2 + lambda, L1 = R + lambda with R = max_i ||a_i||_2 (4.583, 22, 5.583 at lambda = 1). Not used by the checks; the declared L is the proved lambda_max(A^T A)/(4m) + lambda.',
      }),
    });
  },
};
