import { UserInputError, shown } from '../core/errors.ts';
import { MAX_WORKERS } from '../rng/streams.ts';
import { checkLength, checkWorker, resolveX0, X0_PARAM_DOCS } from './common.ts';
import { loadDataset } from './datasets.ts';
import { binaryLabels, csrFromRows, logisticRegression, sigmoid, softplus, type CsrMatrix, type LogisticProblem } from './logistic-core.ts';
import { integerParam, nonNegativeParam, numberParam, rejectUnknown, seedParam, type ParamBag } from './params.ts';
import { ProblemLane, problemPermutation } from './random.ts';
import type { ProblemFamily } from './types.ts';

/** Parameters of {@link shardedLogisticFamily}. */
export interface ShardedLogisticParams {
  dataset?: string;
  workers?: number;
  skew?: number;
  lambda?: number;
  shardSeed?: number;
  bias?: number;
  x0?: number | number[] | Float64Array | string;
  x0Seed?: number;
}

/** A logistic regression whose rows are split over n workers. */
export interface ShardedLogisticProblem extends LogisticProblem {
  /** Rows per shard (equal for every worker). */
  readonly shardSize: number;
  /** Fraction of +1 labels in each shard. */
  readonly shardPositive: Float64Array;
  fWorker(x: Float64Array, worker: number): number;
}

const ID = 'sharded-logistic';

/**
 * Shard assignment with label skew s in [0, 1]: row i (label y_i, rank u_i = its position in a
 * Philox permutation of the rows divided by m) gets the key (1 - s) u_i + s 1[y_i = -1]; rows sorted
 * by key (ties by u) are cut into n consecutive shards of floor(m/n) rows (the m mod n last rows are
 * dropped). s = 0 is a uniformly random split (i.i.d. shards); s = 1 sorts by label, so each shard
 * holds one label except at most one mixed shard; in between, shards are partly sorted.
 */
export function shardRows(y: Float64Array, n: number, skew: number, seed: number): { shards: Uint32Array[]; size: number } {
  const m = y.length;
  const size = Math.floor(m / n);
  if (size < 1) throw new UserInputError(`${ID}.workers`, `must be at most the number of rows (${m})`, `got ${n}`);
  const perm = problemPermutation(seed, ProblemLane.split, m);
  const u = new Float64Array(m);
  for (let r = 0; r < m; r++) u[perm[r]] = r / m;
  const key = (i: number) => (1 - skew) * u[i] + skew * (y[i] < 0 ? 1 : 0);
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => key(a) - key(b) || u[a] - u[b]);
  const shards = Array.from({ length: n }, (_, j) => Uint32Array.from(order.slice(j * size, (j + 1) * size)));
  return { shards, size };
}

/** Gradient and value of one shard's mean logistic loss plus lambda/2 ||w||^2 (stable forms). */
function shardOracle(A: CsrMatrix, y: Float64Array, lambda: number) {
  const z = new Float64Array(A.rows);
  const margins = (w: Float64Array) => {
    for (let i = 0; i < A.rows; i++) {
      let s = 0;
      for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) s += A.values[p] * w[A.indices[p]];
      z[i] = s;
    }
  };
  return {
    f(w: Float64Array): number {
      margins(w);
      let s = 0;
      let r = 0;
      for (let i = 0; i < A.rows; i++) s += softplus(-y[i] * z[i]);
      for (let k = 0; k < w.length; k++) r += w[k] * w[k];
      return s / A.rows + 0.5 * lambda * r;
    },
    grad(w: Float64Array, out: Float64Array): void {
      margins(w);
      for (let k = 0; k < out.length; k++) out[k] = lambda * w[k];
      for (let i = 0; i < A.rows; i++) {
        const coef = (-y[i] * sigmoid(-y[i] * z[i])) / A.rows;
        for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) out[A.indices[p]] += coef * A.values[p];
      }
    },
  };
}

/**
 * Family `sharded-logistic`: L2-regularised logistic regression on a LIBSVM data set (default the
 * bundled mushrooms) with its rows split over n workers with label skew ({@link shardRows}):
 *   f_j(w) = (1/m_j) sum_{i in shard j} log(1 + exp(-y_i <a_i, w>)) + lambda/2 ||w||^2,
 *   f = (1/n) sum_j f_j = the same objective over the n m_j kept rows (equal shard sizes).
 * The heterogeneous-data setting of distributed sign methods (P1 Sec. 4, Jin et al. 2021): with skew
 * the local gradients disagree. Declared constants (L, Lvec, Linf, mu, fStar by Newton) are those of
 * f on the kept rows ({@link logisticRegression}); every f_j is L_j-smooth with
 * L_j <= max_i ||a_i||_2^2 / 4 + lambda. Gradients are bounded on bounded sets:
 * |d f_j / d w_k| <= max_i |a_ik| + lambda |w_k| (P1 Asm. 8 on a box).
 */
export const shardedLogisticFamily: ProblemFamily<ShardedLogisticParams, ShardedLogisticProblem> = {
  id: ID,
  summary: 'logistic regression with its rows sharded over n workers with label skew (heterogeneous data)',
  assumptions: ['separable-smoothness', 'l2-smoothness', 'linf-smoothness', 'L0L1-smoothness', 'convex', 'strongly-convex', 'fStar', 'heterogeneous'],
  parameters: [
    { name: 'dataset', type: 'string', default: 'mushrooms', doc: 'bundled data set name or LIBSVM file path' },
    { name: 'workers', type: `integer in [1, ${MAX_WORKERS}]`, default: '8', doc: 'number of shards n' },
    { name: 'skew', type: 'number in [0, 1]', default: '0', doc: 'label skew: 0 random split, 1 sorted by label' },
    { name: 'lambda', type: 'number >= 0', default: '0.001', doc: 'L2 regularisation' },
    { name: 'shardSeed', type: 'integer', default: '0', doc: 'seed of the row permutation' },
    { name: 'bias', type: '0 | 1', default: '0', doc: 'append a constant-1 feature' },
    { ...X0_PARAM_DOCS[0], default: 'zeros' },
    { name: 'x0Seed', type: 'integer', default: '0', doc: 'seed of a random x0' },
  ],
  create(params: ShardedLogisticParams = {}): ShardedLogisticProblem {
    const bag = params as ParamBag;
    rejectUnknown(ID, bag, ['dataset', 'workers', 'skew', 'lambda', 'shardSeed', 'bias', 'x0', 'x0Seed']);
    const dataset = bag.dataset ?? 'mushrooms';
    if (typeof dataset !== 'string') throw new UserInputError(`${ID}.dataset`, 'must be a bundled name or a file path', `got ${shown(dataset)}`);
    const n = integerParam(ID, bag, 'workers', 8, 1, MAX_WORKERS);
    const skew = numberParam(ID, bag, 'skew', 0);
    if (!(skew >= 0 && skew <= 1)) throw new UserInputError(`${ID}.skew`, 'must lie in [0, 1]', `got ${shown(skew)}`);
    const lambda = nonNegativeParam(ID, bag, 'lambda', 0.001);
    const shardSeed = seedParam(ID, bag, 'shardSeed', 0);
    const bias = integerParam(ID, bag, 'bias', 0, 0, 1) === 1;
    const data = loadDataset(dataset);
    const y = binaryLabels(data.labels, data.source);
    const { shards, size } = shardRows(y, n, skew, shardSeed);
    const kept = new Uint32Array(n * size);
    shards.forEach((s, j) => kept.set(s, j * size));
    const d = data.dim + (bias ? 1 : 0);
    const { x0, described } = resolveX0(ID, bag, d, 'zeros', seedParam(ID, bag, 'x0Seed', 0));
    const global = logisticRegression({ A: csrFromRows(data.rows, data.dim, kept, bias), y: Float64Array.from(kept, (i) => y[i]) }, lambda, {
      id: ID,
      name: `sharded-logistic(${dataset}, n=${n}, skew=${skew})`,
      summary: 'mean over n label-skewed shards of logistic losses, + lambda/2 ||w||^2',
      params: { dataset, d, workers: n, skew, lambda, shardSeed, bias: bias ? 1 : 0, x0: described },
      x0,
      notes: [`${n} shards of ${size} rows (${data.rows.length - n * size} rows dropped for equal sizes); constants are those of f on the kept rows`],
    });
    const local = shards.map((s) => shardOracle(csrFromRows(data.rows, data.dim, s, bias), Float64Array.from(s, (i) => y[i]), lambda));
    const shardPositive = Float64Array.from(shards, (s) => s.reduce((c, i) => c + (y[i] > 0 ? 1 : 0), 0) / size);
    return {
      ...global,
      workers: n,
      shardSize: size,
      shardPositive,
      gradWorker(x: Float64Array, worker: number, out: Float64Array): void {
        checkLength(`${ID} gradWorker(x): x`, x, d);
        checkLength(`${ID} gradWorker(x): out`, out, d);
        checkWorker(worker, n);
        local[worker].grad(x, out);
      },
      fWorker(x: Float64Array, worker: number): number {
        checkLength(`${ID} fWorker(x): x`, x, d);
        checkWorker(worker, n);
        return local[worker].f(x);
      },
    };
  },
};
