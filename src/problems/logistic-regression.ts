import { UserInputError, shown } from '../core/errors.ts';
import { resolveX0, X0_PARAM_DOCS } from './common.ts';
import { loadDataset } from './datasets.ts';
import type { LibsvmData } from './libsvm.ts';
import { binaryLabels, csrFromRows, logisticRegression, splitIndices, type LogisticProblem } from './logistic-core.ts';
import { integerParam, nonNegativeParam, numberParam, rejectUnknown, seedParam, type ParamBag } from './params.ts';
import type { ProblemConstants, ProblemFamily } from './types.ts';

/** Parameters of {@link logisticRegressionFamily}. */
export interface LogisticRegressionParams {
  dataset?: string;
  lambda?: number;
  testFraction?: number;
  splitSeed?: number;
  bias?: number;
  seed?: number;
  x0?: number | number[] | Float64Array | string;
  x0Seed?: number;
}

const ID = 'logistic-regression';

/**
 * Builds an L2-regularised logistic regression on a parsed LIBSVM data set: labels mapped to
 * {-1, +1} ({@link binaryLabels}), an optional constant bias column, a seeded train/test split
 * ({@link splitIndices}), objective on the training rows. Shared by the `logistic-regression` and
 * `mushroom` families.
 */
export function logisticFromData(
  data: LibsvmData,
  settings: {
    id: string;
    lambda: number;
    testFraction: number;
    splitSeed: number;
    bias: boolean;
    x0: () => Float64Array;
    params: Record<string, number | string>;
    name: string;
    summary: string;
    quoted?: (R: number) => ProblemConstants['quoted'];
    notes?: readonly string[];
  },
): LogisticProblem {
  const y = binaryLabels(data.labels, data.source);
  const m = data.rows.length;
  const { train, test } = splitIndices(m, settings.testFraction, settings.splitSeed);
  const trainA = csrFromRows(data.rows, data.dim, train, settings.bias);
  const testA = test.length > 0 ? csrFromRows(data.rows, data.dim, test, settings.bias) : undefined;
  const pickY = (idx: Uint32Array) => Float64Array.from(idx, (i) => y[i]);
  let R = 0;
  for (let i = 0; i < trainA.rows; i++) {
    let s = 0;
    for (let p = trainA.indptr[i]; p < trainA.indptr[i + 1]; p++) s += trainA.values[p] * trainA.values[p];
    R = Math.max(R, Math.sqrt(s));
  }
  return logisticRegression(
    { A: trainA, y: pickY(train) },
    settings.lambda,
    {
      test: testA ? { A: testA, y: pickY(test) } : undefined,
      id: settings.id,
      name: settings.name,
      summary: settings.summary,
      params: settings.params,
      x0: settings.x0,
      quoted: settings.quoted?.(R),
      notes: settings.notes,
    },
  );
}

/**
 * Family `logistic-regression`: f(w) = (1/m) sum_i log(1 + exp(-y_i <a_i, w>)) + lambda/2 ||w||^2 on
 * the training rows of a LIBSVM data set (`dataset`: a bundled name such as "mushrooms", or a file
 * path), d = the data set's feature count (+1 with bias). Constants as in {@link logisticRegression}.
 */
export const logisticRegressionFamily: ProblemFamily<LogisticRegressionParams, LogisticProblem> = {
  id: ID,
  summary: 'L2-regularised logistic regression on a LIBSVM data set with a seeded train/test split',
  assumptions: ['separable-smoothness', 'l2-smoothness', 'linf-smoothness', 'L0L1-smoothness', 'convex', 'strongly-convex', 'fStar'],
  parameters: [
    { name: 'dataset', type: 'string', default: 'mushrooms', doc: 'bundled data set name (mushrooms) or a LIBSVM file path' },
    { name: 'lambda', type: 'number >= 0', default: '1', doc: 'L2 regularisation lambda' },
    { name: 'testFraction', type: 'number in [0, 1)', default: '0.2', doc: 'fraction of rows held out (ceil(testFraction m) test rows)' },
    { name: 'splitSeed', type: 'integer', default: '0', doc: 'seed of the split permutation' },
    { name: 'bias', type: '0 | 1', default: '0', doc: 'append a constant-1 feature' },
    { name: 'seed', type: 'integer', default: '0', doc: 'seed of x0 draws' },
    ...X0_PARAM_DOCS,
  ],
  create(params: LogisticRegressionParams = {}): LogisticProblem {
    const bag = params as ParamBag;
    rejectUnknown(ID, bag, ['dataset', 'lambda', 'testFraction', 'splitSeed', 'bias', 'seed', 'x0', 'x0Seed']);
    const dataset = bag.dataset ?? 'mushrooms';
    if (typeof dataset !== 'string' || dataset === '') throw new UserInputError(`${ID}.dataset`, 'must be a data set name or a file path', `got ${shown(dataset)}`);
    const lambda = nonNegativeParam(ID, bag, 'lambda', 1);
    const testFraction = numberParam(ID, bag, 'testFraction', 0.2);
    if (!(testFraction >= 0 && testFraction < 1)) throw new UserInputError(`${ID}.testFraction`, 'must lie in [0, 1)', `got ${shown(testFraction)}`);
    const splitSeed = seedParam(ID, bag, 'splitSeed', 0);
    const bias = integerParam(ID, bag, 'bias', 0, 0, 1) === 1;
    const seed = seedParam(ID, bag, 'seed', 0);
    const data = loadDataset(dataset);
    const d = data.dim + (bias ? 1 : 0);
    const { x0, described } = resolveX0(ID, bag, d, 'zeros', seedParam(ID, bag, 'x0Seed', seed));
    return logisticFromData(data, {
      id: ID,
      lambda,
      testFraction,
      splitSeed,
      bias,
      x0,
      params: { dataset, d, lambda, testFraction, splitSeed, bias: bias ? 1 : 0, seed, x0: described },
      name: `logistic-regression(${dataset}, lambda=${lambda})`,
      summary: 'mean_i log(1 + exp(-y_i <a_i, w>)) + lambda/2 ||w||^2',
    });
  },
};
