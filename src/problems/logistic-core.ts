import { UserInputError, shown } from '../core/errors.ts';
import { UNIT_ROUNDOFF } from '../core/numerics.ts';
import { checkLength, checkWorker } from './common.ts';
import { choleskySolve, symmetricEigenvalues } from './linalg.ts';
import type { SparseRow } from './libsvm.ts';
import { ProblemLane, problemPermutation } from './random.ts';
import type { Problem, ProblemConstants } from './types.ts';

/** A compressed-sparse-row matrix (rows = samples, cols = features). */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/** CSR from sparse rows (optionally only the rows listed in `select`, in that order; `bias` appends a constant-1 column). */
export function csrFromRows(rows: readonly SparseRow[], dim: number, select?: ArrayLike<number>, bias = false): CsrMatrix {
  const pick = select ?? Array.from(rows, (_, i) => i);
  const m = pick.length;
  const indptr = new Int32Array(m + 1);
  let nnz = 0;
  for (let r = 0; r < m; r++) nnz += rows[pick[r]].indices.length + (bias ? 1 : 0);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let p = 0;
  for (let r = 0; r < m; r++) {
    const row = rows[pick[r]];
    for (let k = 0; k < row.indices.length; k++) {
      indices[p] = row.indices[k];
      values[p] = row.values[k];
      p++;
    }
    if (bias) {
      indices[p] = dim;
      values[p] = 1;
      p++;
    }
    indptr[r + 1] = p;
  }
  return { rows: m, cols: dim + (bias ? 1 : 0), indptr, indices, values };
}

/** CSR from a dense row-major m x d matrix (every entry stored). */
export function csrFromDense(data: Float64Array, m: number, d: number): CsrMatrix {
  const indptr = new Int32Array(m + 1);
  const indices = new Int32Array(m * d);
  for (let r = 0; r < m; r++) {
    indptr[r + 1] = (r + 1) * d;
    for (let j = 0; j < d; j++) indices[r * d + j] = j;
  }
  return { rows: m, cols: d, indptr, indices, values: data.slice() };
}

/** log(1 + e^t) without overflow or loss of precision: t + log1p(e^-t) for t > 0, log1p(e^t) otherwise. */
export function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/** 1 / (1 + e^-t) without overflow: e^t / (1 + e^t) for t < 0. */
export function sigmoid(t: number): number {
  if (t >= 0) return 1 / (1 + Math.exp(-t));
  const e = Math.exp(t);
  return e / (1 + e);
}

/**
 * Maps labels to {-1, +1}: labels already in {-1, +1} are kept; otherwise there must be exactly two
 * distinct values, the smaller mapped to -1 and the larger to +1 (for LIBSVM's mushrooms labels
 * {1, 2} this is y = 2 (label - 1.5)).
 */
export function binaryLabels(labels: Float64Array, source: string): Float64Array {
  const distinct = [...new Set(labels)].sort((a, b) => a - b);
  if (distinct.every((v) => v === -1 || v === 1)) return labels.slice();
  if (distinct.length !== 2) {
    throw new UserInputError(`${source} labels`, 'must take exactly two distinct values (or lie in {-1, +1}) for binary logistic regression', `got ${distinct.length} values: ${distinct.slice(0, 5).map(shown).join(', ')}`);
  }
  const [lo] = distinct;
  return labels.map((v) => (v === lo ? -1 : 1));
}

/**
 * Train/test split of m rows: a Philox permutation (src/problems/random.ts, lane split) whose first
 * ceil(testFraction m) entries form the test set (the convention of scikit-learn's
 * train_test_split; 8124 rows at 0.2 give 6499 / 1625). Both index lists are returned sorted.
 */
export function splitIndices(m: number, testFraction: number, seed: number): { train: Uint32Array; test: Uint32Array } {
  const nTest = Math.ceil(testFraction * m);
  if (nTest >= m) throw new UserInputError('testFraction', 'must leave at least one training row', `${nTest} of ${m} rows would be test rows`);
  const perm = problemPermutation(seed, ProblemLane.split, m);
  const test = perm.slice(0, nTest).sort();
  const train = perm.slice(nTest).sort();
  return { train, test };
}

/** One split of a logistic-regression data set: design matrix rows a_i and labels y_i in {-1, +1}. */
export interface LogisticSplit {
  readonly A: CsrMatrix;
  readonly y: Float64Array;
}

/** The certified minimiser of a regularised logistic objective (see {@link LogisticProblem.solve}). */
export interface LogisticSolution {
  readonly w: Float64Array;
  readonly f: number;
  /** f(w) - f* <= gap = ||grad f(w)||_2^2 / (2 lambda) (strong convexity), plus evaluation rounding. */
  readonly gap: number;
  readonly iterations: number;
}

/** A logistic-regression problem with its data and evaluation helpers. */
export interface LogisticProblem extends Problem {
  readonly lambda: number;
  readonly train: LogisticSplit;
  readonly test?: LogisticSplit;
  /** max_i ||a_i||_2 over the training rows. */
  readonly R: number;
  /** Objective on a split: mean_i log(1 + exp(-y_i <a_i, w>)) + lambda/2 ||w||^2 (f = loss(w, 'train')). */
  loss(w: Float64Array, split?: 'train' | 'test'): number;
  /** Fraction of rows with y_i <a_i, w> > 0 (a zero margin counts as wrong, matching sign(0) = 0). */
  accuracy(w: Float64Array, split?: 'train' | 'test'): number;
  /** Damped Newton to machine precision (lambda > 0 only); cached. */
  solve(): LogisticSolution;
}

/** Largest min(m, d) for which lambda_max(A^T A / m) is computed by Jacobi (O(k^3) per sweep). */
export const LOGISTIC_EIG_MAX_K = 200;

function sampleLoss(split: LogisticSplit, w: Float64Array): number {
  const { A, y } = split;
  let s = 0;
  for (let i = 0; i < A.rows; i++) {
    let z = 0;
    for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) z += A.values[p] * w[A.indices[p]];
    s += softplus(-y[i] * z);
  }
  return s / A.rows;
}

/**
 * Builds f(w) = (1/m) sum_i log(1 + exp(-y_i <a_i, w>)) + lambda/2 ||w||^2 on the training split.
 * Stable forms: loss softplus(-z) and derivative -sigmoid(-z) (src above), never exp of a large
 * positive number.
 *
 * Constants (proved here; the Hessian is (1/m) sum_i s_i a_i a_i^T + lambda I with
 * s_i = sigma(z_i)(1 - sigma(z_i)) in (0, 1/4], equal to 1/4 at w = 0):
 * - L = lambda_max(A^T A)/(4m) + lambda, bounded above by the smallest of (i) R^2/4 + lambda,
 *   (ii) ||A||_F^2/(4m) + lambda, (iii) Gershgorin: max_j (1/(4m)) sum_i |a_ij| ||a_i||_1 + lambda,
 *   (iv) when min(m, d) <= 200, the Jacobi eigenvalue plus its error bound (src/problems/linalg.ts).
 *   With (iv) it is tight up to the error bound (the sup of the Hessian norm is attained at w = 0).
 * - Lvec_j = (1/(4m)) sum_i |a_ij| ||a_i||_1 + lambda: v^T A^T S A v <= (1/4) sum_i (a_i . v)^2 and
 *   (a_i . v)^2 <= ||a_i||_1 sum_j |a_ij| v_j^2 (Cauchy-Schwarz with weights |a_ij|).
 * - Linf = (1/(4m)) sum_i ||a_i||_1^2 + lambda d: for ||v||_inf <= 1,
 *   ||A^T S A v||_1 <= (1/m) sum_i s_i ||a_i||_1 |a_i . v| <= (1/(4m)) sum_i ||a_i||_1^2, and
 *   ||lambda v||_1 <= lambda d. Tight when all features are >= 0 (take v = 1 at w = 0), as for mushrooms.
 * - (L0, L1) = (L, 0) (an L-smooth function is (L, 0)-smooth); convex; mu = lambda.
 * - fStar, xStar (lambda > 0): by damped Newton, computed on first access, with
 *   fStarError = ||grad f||^2/(2 lambda) + 4 (m + max nnz) u f (certificate plus rounding).
 */
export function logisticRegression(
  train: LogisticSplit,
  lambda: number,
  options: {
    test?: LogisticSplit;
    id: string;
    name: string;
    summary: string;
    params: Record<string, number | string>;
    x0: () => Float64Array;
    quoted?: ProblemConstants['quoted'];
    notes?: readonly string[];
  },
): LogisticProblem {
  const { A, y } = train;
  const m = A.rows;
  const d = A.cols;
  if (m < 1) throw new UserInputError(`${options.id} training set`, 'must have at least one row');
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new UserInputError(`${options.id}.lambda`, 'must be a finite number >= 0', `got ${shown(lambda)}`);
  const rowN1 = new Float64Array(m);
  const rowN2 = new Float64Array(m);
  let maxNnz = 0;
  for (let i = 0; i < m; i++) {
    let s1 = 0;
    let s2 = 0;
    for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) {
      s1 += Math.abs(A.values[p]);
      s2 += A.values[p] * A.values[p];
    }
    rowN1[i] = s1;
    rowN2[i] = s2;
    maxNnz = Math.max(maxNnz, A.indptr[i + 1] - A.indptr[i]);
  }
  let R2 = 0;
  let fro = 0;
  let l1sq = 0;
  for (let i = 0; i < m; i++) {
    R2 = Math.max(R2, rowN2[i]);
    fro += rowN2[i];
    l1sq += rowN1[i] * rowN1[i];
  }
  fro /= m;
  const colW = new Float64Array(d);
  for (let i = 0; i < m; i++) {
    for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) colW[A.indices[p]] += Math.abs(A.values[p]) * rowN1[i];
  }
  let gersh = 0;
  for (let j = 0; j < d; j++) {
    colW[j] /= m;
    gersh = Math.max(gersh, colW[j]);
  }
  let eig = Infinity;
  let eigNote = `lambda_max(A^T A / m) not computed (min(m, d) > ${LOGISTIC_EIG_MAX_K}); L uses the smallest of R^2, ||A||_F^2/m, Gershgorin.`;
  const k = Math.min(m, d);
  if (k <= LOGISTIC_EIG_MAX_K) {
    const G = new Float64Array(k * k);
    if (d <= m) {
      for (let i = 0; i < m; i++) {
        for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) {
          const vp = A.values[p];
          const row = A.indices[p] * d;
          for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) G[row + A.indices[q]] += vp * A.values[q];
        }
      }
    } else {
      const dense = new Float64Array(d);
      for (let i = 0; i < m; i++) {
        dense.fill(0);
        for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) dense[A.indices[p]] = A.values[p];
        for (let r = 0; r < m; r++) {
          let s = 0;
          for (let p = A.indptr[r]; p < A.indptr[r + 1]; p++) s += A.values[p] * dense[A.indices[p]];
          G[i * m + r] = s;
        }
      }
    }
    for (let i = 0; i < k * k; i++) G[i] /= m;
    const { values, errorBound } = symmetricEigenvalues(G, k);
    eig = values[k - 1] + errorBound;
    eigNote = `lambda_max(A^T A / m) = ${values[k - 1]} by Jacobi, + error bound ${errorBound.toExponential(2)}.`;
  }
  const lossL = Math.min(R2, fro, gersh, eig) / 4;
  const Lvec = new Float64Array(d);
  for (let j = 0; j < d; j++) Lvec[j] = colW[j] / 4 + lambda;
  const Linf = l1sq / (4 * m) + lambda * d;

  const z = new Float64Array(m);
  const f = (w: Float64Array): number => {
    checkLength(`${options.id} f(w): w`, w, d);
    let r = 0;
    for (let j = 0; j < d; j++) r += w[j] * w[j];
    return sampleLoss(train, w) + 0.5 * lambda * r;
  };
  const grad = (w: Float64Array, out: Float64Array): void => {
    checkLength(`${options.id} grad(w): w`, w, d);
    checkLength(`${options.id} grad(w): out`, out, d);
    for (let j = 0; j < d; j++) out[j] = lambda * w[j];
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) s += A.values[p] * w[A.indices[p]];
      z[i] = s;
    }
    for (let i = 0; i < m; i++) {
      // d/dz log(1 + e^{-y z}) = -y sigmoid(-y z)
      const coef = (-y[i] * sigmoid(-y[i] * z[i])) / m;
      for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) out[A.indices[p]] += coef * A.values[p];
    }
  };

  let solved: LogisticSolution | undefined;
  const solve = (): LogisticSolution => {
    if (solved) return solved;
    if (!(lambda > 0)) throw new UserInputError(`${options.id}.lambda`, 'must be > 0 for a certified minimiser (strong convexity)', `got ${shown(lambda)}`);
    const w = new Float64Array(d);
    const g = new Float64Array(d);
    const trial = new Float64Array(d);
    const H = new Float64Array(d * d);
    let fw = f(w);
    let it = 0;
    for (; it < 100; it++) {
      grad(w, g);
      let gg = 0;
      for (let j = 0; j < d; j++) gg += g[j] * g[j];
      // Stop once the certified gap is far below the rounding of f itself.
      if (gg / (2 * lambda) <= 1e-3 * UNIT_ROUNDOFF * Math.max(1, fw)) break;
      H.fill(0);
      for (let i = 0; i < m; i++) {
        const sg = sigmoid(y[i] * z[i]);
        const s = (sg * (1 - sg)) / m;
        for (let p = A.indptr[i]; p < A.indptr[i + 1]; p++) {
          const vp = s * A.values[p];
          const row = A.indices[p] * d;
          for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) H[row + A.indices[q]] += vp * A.values[q];
        }
      }
      for (let j = 0; j < d; j++) H[j * d + j] += lambda;
      const step = choleskySolve(H, d, g);
      if (!step) break;
      let slope = 0;
      for (let j = 0; j < d; j++) slope += g[j] * step[j];
      let t = 1;
      let accepted = false;
      for (let bt = 0; bt < 60; bt++) {
        for (let j = 0; j < d; j++) trial[j] = w[j] - t * step[j];
        const ft = f(trial);
        if (ft <= fw - 1e-4 * t * slope) {
          w.set(trial);
          fw = ft;
          accepted = true;
          break;
        }
        t /= 2;
      }
      if (!accepted) break;
    }
    grad(w, g);
    let gg = 0;
    for (let j = 0; j < d; j++) gg += g[j] * g[j];
    solved = { w, f: fw, gap: gg / (2 * lambda) + 4 * (m + maxNnz) * UNIT_ROUNDOFF * fw, iterations: it };
    return solved;
  };

  const pick = (split: 'train' | 'test' = 'train'): LogisticSplit => {
    if (split === 'train') return train;
    if (split === 'test' && options.test) return options.test;
    if (split === 'test') throw new UserInputError('split', 'test split is empty for this problem (testFraction = 0)');
    throw new UserInputError('split', "must be 'train' or 'test'", `got ${shown(split)}`);
  };

  const constants = {
    Lvec,
    L: lossL + lambda,
    Linf,
    L0: lossL + lambda,
    L1: 0,
    convex: true,
    ...(lambda > 0 ? { mu: lambda } : {}),
    get fStar(): number | undefined {
      return lambda > 0 ? solve().f : undefined;
    },
    get xStar(): Float64Array | undefined {
      return lambda > 0 ? solve().w.slice() : undefined;
    },
    get fStarError(): number | undefined {
      return lambda > 0 ? solve().gap : undefined;
    },
    ...(options.quoted ? { quoted: options.quoted } : {}),
    notes: [
      eigNote,
      'L bounds lambda_max of the Hessian (1/m) sum s_i a_i a_i^T + lambda I, s_i <= 1/4; (L0, L1) = (L, 0).',
      'Linf = (1/(4m)) sum_i ||a_i||_1^2 + lambda d (tight when features are nonnegative).',
      'Lvec_j = (1/(4m)) sum_i |a_ij| ||a_i||_1 + lambda (weighted Cauchy-Schwarz).',
      ...(lambda > 0 ? ['fStar/xStar by damped Newton on first access; fStarError certifies it.'] : ['lambda = 0: no fStar (the minimum may not be attained).']),
      ...(options.notes ?? []),
    ],
  } satisfies ProblemConstants;

  return {
    id: options.id,
    name: options.name,
    summary: options.summary,
    d,
    workers: 1,
    params: options.params,
    constants,
    lambda,
    train,
    test: options.test,
    R: Math.sqrt(R2),
    f,
    grad,
    gradWorker: (w, worker, out) => {
      checkWorker(worker, 1);
      grad(w, out);
    },
    fWorker: (w, worker) => {
      checkWorker(worker, 1);
      return f(w);
    },
    x0: options.x0,
    loss: (w, split = 'train') => {
      checkLength(`${options.id} loss(w): w`, w, d);
      let r = 0;
      for (let j = 0; j < d; j++) r += w[j] * w[j];
      return sampleLoss(pick(split), w) + 0.5 * lambda * r;
    },
    accuracy: (w, split = 'train') => {
      checkLength(`${options.id} accuracy(w): w`, w, d);
      const s = pick(split);
      let ok = 0;
      for (let i = 0; i < s.A.rows; i++) {
        let zi = 0;
        for (let p = s.A.indptr[i]; p < s.A.indptr[i + 1]; p++) zi += s.A.values[p] * w[s.A.indices[p]];
        if (s.y[i] * zi > 0) ok++;
      }
      return ok / s.A.rows;
    },
    solve,
  };
}
