import { resolveX0, X0_PARAM_DOCS } from './common.ts';
import { csrFromDense, logisticRegression, splitIndices, type LogisticProblem } from './logistic-core.ts';
import { integerParam, nonNegativeParam, numberParam, positiveParam, rejectUnknown, seedParam, type ParamBag } from './params.ts';
import { UserInputError, shown } from '../core/errors.ts';
import { ProblemLane, problemNormals, problemUniforms } from './random.ts';
import type { ProblemFamily } from './types.ts';

/** Parameters of {@link logisticSyntheticFamily}. */
export interface LogisticSyntheticParams {
  m?: number;
  d?: number;
  lambda?: number;
  featureScale?: number;
  flip?: number;
  testFraction?: number;
  seed?: number;
  x0?: number | number[] | Float64Array | string;
  x0Seed?: number;
}

const ID = 'logistic-synthetic';

/**
 * Family `logistic-synthetic`: L2-regularised logistic regression at any d on Philox-generated
 * data: rows a_i = featureScale z_i, z_i ~ N(0, I_d) (lane features, step i); a planted model
 * w_true ~ N(0, I_d) (lane labels, step 0); labels y_i = sign(<a_i, w_true>) (+1 at 0), each flipped
 * independently with probability `flip` (uniforms from lane labels, step 1). All rows drawn before
 * the split (testFraction, default 0, split seeded by `seed`). Constants as in
 * {@link logisticRegression}. Default x0 = 0.
 */
export const logisticSyntheticFamily: ProblemFamily<LogisticSyntheticParams, LogisticProblem> = {
  id: ID,
  summary: 'L2-regularised logistic regression on Gaussian synthetic data with a planted model (any d)',
  assumptions: ['separable-smoothness', 'l2-smoothness', 'linf-smoothness', 'L0L1-smoothness', 'convex', 'strongly-convex', 'fStar'],
  parameters: [
    { name: 'm', type: 'integer >= 1', default: '200', doc: 'number of rows (before the split)' },
    { name: 'd', type: 'integer >= 1', default: '10', doc: 'dimension' },
    { name: 'lambda', type: 'number >= 0', default: '0.1', doc: 'L2 regularisation' },
    { name: 'featureScale', type: 'number > 0', default: '1', doc: 'feature standard deviation' },
    { name: 'flip', type: 'number in [0, 1]', default: '0.1', doc: 'label flip probability' },
    { name: 'testFraction', type: 'number in [0, 1)', default: '0', doc: 'held-out fraction' },
    { name: 'seed', type: 'integer', default: '0', doc: 'seed of data, labels and split' },
    { ...X0_PARAM_DOCS[0], default: 'zeros' },
    X0_PARAM_DOCS[1],
  ],
  create(params: LogisticSyntheticParams = {}): LogisticProblem {
    const bag = params as ParamBag;
    rejectUnknown(ID, bag, ['m', 'd', 'lambda', 'featureScale', 'flip', 'testFraction', 'seed', 'x0', 'x0Seed']);
    const m = integerParam(ID, bag, 'm', 200, 1, 1 << 24);
    const d = integerParam(ID, bag, 'd', 10, 1, 1 << 16);
    const lambda = nonNegativeParam(ID, bag, 'lambda', 0.1);
    const scale = positiveParam(ID, bag, 'featureScale', 1);
    const flip = numberParam(ID, bag, 'flip', 0.1);
    if (!(flip >= 0 && flip <= 1)) throw new UserInputError(`${ID}.flip`, 'must lie in [0, 1]', `got ${shown(flip)}`);
    const testFraction = numberParam(ID, bag, 'testFraction', 0);
    if (!(testFraction >= 0 && testFraction < 1)) throw new UserInputError(`${ID}.testFraction`, 'must lie in [0, 1)', `got ${shown(testFraction)}`);
    const seed = seedParam(ID, bag, 'seed', 0);
    const X = new Float64Array(m * d);
    const row = new Float64Array(d);
    for (let i = 0; i < m; i++) {
      problemNormals(seed, ProblemLane.features, i, row);
      for (let j = 0; j < d; j++) X[i * d + j] = scale * row[j];
    }
    const wTrue = problemNormals(seed, ProblemLane.labels, 0, new Float64Array(d));
    const u = problemUniforms(seed, ProblemLane.labels, 1, new Float64Array(m));
    const y = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += X[i * d + j] * wTrue[j];
      const label = s >= 0 ? 1 : -1;
      y[i] = u[i] < flip ? -label : label;
    }
    const { train, test } = splitIndices(m, testFraction, seed);
    const take = (idx: Uint32Array) => {
      const data = new Float64Array(idx.length * d);
      idx.forEach((r, k) => data.set(X.subarray(r * d, (r + 1) * d), k * d));
      return { A: csrFromDense(data, idx.length, d), y: Float64Array.from(idx, (r) => y[r]) };
    };
    const { x0, described } = resolveX0(ID, bag, d, 'zeros', seedParam(ID, bag, 'x0Seed', seed));
    return logisticRegression(take(train), lambda, {
      test: test.length > 0 ? take(test) : undefined,
      id: ID,
      name: `logistic-synthetic(m=${m}, d=${d}, lambda=${lambda})`,
      summary: 'mean_i log(1 + exp(-y_i <a_i, w>)) + lambda/2 ||w||^2 on Gaussian data with a planted model',
      params: { m, d, lambda, featureScale: scale, flip, testFraction, seed, x0: described },
      x0,
    });
  },
};
