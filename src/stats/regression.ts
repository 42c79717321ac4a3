/**
 * Regression of y on regressors with an intercept: ordinary least squares (one or several
 * regressors, with classical standard errors) and Theil-Sen (one regressor, and partial slopes on a
 * grid of several).
 *
 * simple-statistics gives the one-regressor OLS point estimate (`linearRegression`), means for the
 * total sum of squares (`mean`, a compensated sum) and medians (`median`, for Theil-Sen). The
 * multi-regressor OLS (Householder QR), the standard errors and Theil-Sen are written here because
 * simple-statistics has no equivalent.
 */
import { linearRegression, mean as ssMean, median as ssMedian } from 'simple-statistics';
import { UserInputError, shown } from '../core/errors.ts';

// ---------------------------------------------------------------------------------------------
// OLS
// ---------------------------------------------------------------------------------------------

/** Result of an OLS fit $y = X\beta + e$ with an intercept column prepended. */
export interface LinearFit {
  /** Names of the coefficients: `'intercept'` then the regressor names. */
  readonly names: readonly string[];
  /** $\hat\beta = (X^\top X)^{-1} X^\top y$, intercept first. */
  readonly coefficients: readonly number[];
  /**
   * Classical standard errors $\sqrt{s^2 [(X^\top X)^{-1}]_{jj}}$ with $s^2 = RSS/(n - p)$;
   * null when there are no residual degrees of freedom (n = p).
   */
  readonly standardErrors: readonly (number | null)[];
  /** Number of observations. */
  readonly n: number;
  /** Residual degrees of freedom n - p (p counts the intercept). */
  readonly dof: number;
  /** $s = \sqrt{RSS/(n-p)}$, null when n = p. */
  readonly residualStdError: number | null;
  /** $R^2 = 1 - RSS/TSS$; null when y is constant (TSS = 0). */
  readonly r2: number | null;
}

/** Householder QR of an n x p matrix (n >= p), stored column-major for the factorisation. */
interface QR {
  n: number;
  p: number;
  /** Householder vectors (column k holds v_k in rows k..n-1). */
  v: Float64Array[];
  /** Upper-triangular R, p x p, row-major. */
  R: Float64Array;
}

function householderQR(A: readonly (readonly number[])[], names: readonly string[]): QR {
  const n = A.length;
  const p = A[0].length;
  const cols: Float64Array[] = [];
  for (let j = 0; j < p; j++) {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) c[i] = A[i][j];
    cols.push(c);
  }
  const colNorms = cols.map((c) => Math.hypot(...c));
  const vs: Float64Array[] = [];
  const R = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    const x = cols[k];
    let norm = 0;
    for (let i = k; i < n; i++) norm += x[i] * x[i];
    norm = Math.sqrt(norm);
    // Rank check: the part of column k not explained by columns 0..k-1 must not vanish.
    if (!(norm > 1e-10 * Math.max(colNorms[k], 1e-300))) {
      throw new UserInputError(
        'design',
        'regressors must be linearly independent over the sweep points',
        `"${names[k]}" is constant or a combination of ${names.slice(0, k).join(', ')}`,
      );
    }
    const alpha = x[k] > 0 ? -norm : norm;
    const v = new Float64Array(n);
    for (let i = k; i < n; i++) v[i] = x[i];
    v[k] -= alpha;
    let vnorm2 = 0;
    for (let i = k; i < n; i++) vnorm2 += v[i] * v[i];
    for (let j = k; j < p; j++) {
      const c = cols[j];
      let dot = 0;
      for (let i = k; i < n; i++) dot += v[i] * c[i];
      const f = (2 * dot) / vnorm2;
      for (let i = k; i < n; i++) c[i] -= f * v[i];
    }
    for (let j = k; j < p; j++) R[k * p + j] = cols[j][k];
    for (let i = k; i < n; i++) v[i] /= Math.sqrt(vnorm2 / 2); // now H = I - v v^T
    vs.push(v);
  }
  return { n, p, v: vs, R };
}

/** Q^T y in place (first p entries are the projections, the rest the residual part). */
function applyQt(qr: QR, y: Float64Array): void {
  for (let k = 0; k < qr.p; k++) {
    const v = qr.v[k];
    let dot = 0;
    for (let i = k; i < qr.n; i++) dot += v[i] * y[i];
    for (let i = k; i < qr.n; i++) y[i] -= dot * v[i];
  }
}

/** R^{-1}, upper triangular, row-major. */
function invertUpper(R: Float64Array, p: number): Float64Array {
  const inv = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    inv[j * p + j] = 1 / R[j * p + j];
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += R[i * p + k] * inv[k * p + j];
      inv[i * p + j] = -s / R[i * p + i];
    }
  }
  return inv;
}

function checkDesign(X: readonly (readonly number[])[], y: readonly number[], names?: readonly string[]): string[] {
  if (!Array.isArray(X) || X.length === 0) throw new UserInputError('X', 'must have at least one row');
  const m = X[0].length;
  if (y.length !== X.length) throw new UserInputError('y', `must have one value per row of X (${X.length})`, `got ${y.length}`);
  X.forEach((row, i) => {
    if (row.length !== m) throw new UserInputError(`X[${i}]`, `must have ${m} entries like X[0]`, `got ${row.length}`);
    row.forEach((x: number, j: number) => {
      if (!Number.isFinite(x)) throw new UserInputError(`X[${i}][${j}]`, 'must be finite', `got ${shown(x)}`);
    });
  });
  y.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new UserInputError(`y[${i}]`, 'must be finite', `got ${shown(v)}`);
  });
  const regressorNames = names ? [...names] : Array.from({ length: m }, (_, j) => `x${j + 1}`);
  if (regressorNames.length !== m) throw new UserInputError('names', `must name the ${m} regressors`, `got ${regressorNames.length}`);
  if (X.length < m + 1) {
    throw new UserInputError('X', `must have at least ${m + 1} rows to fit an intercept and ${m} slope(s)`, `got ${X.length}`);
  }
  return regressorNames;
}

/**
 * Multiple OLS with an intercept: $\hat\beta = \arg\min \|y - [1, X]\beta\|_2^2$, computed by
 * Householder QR (no normal equations, so ill-conditioned sweeps lose no more digits than they
 * must). `X` holds one row per observation without the intercept column; `names` names its
 * columns. Throws UserInputError for a singular design (a constant or collinear regressor, e.g.
 * T and d swept along a diagonal).
 */
export function olsFit(X: readonly (readonly number[])[], y: readonly number[], names?: readonly string[]): LinearFit {
  const regressorNames = checkDesign(X, y, names);
  const allNames = ['intercept', ...regressorNames];
  const A = X.map((row) => [1, ...row]);
  const qr = householderQR(A, allNames);
  const { n, p, R } = qr;
  const qty = Float64Array.from(y);
  applyQt(qr, qty);
  const Rinv = invertUpper(R, p);
  const beta: number[] = [];
  for (let i = 0; i < p; i++) {
    let s = 0;
    for (let k = i; k < p; k++) s += Rinv[i * p + k] * qty[k];
    beta.push(s);
  }
  let rss = 0;
  for (let i = p; i < n; i++) rss += qty[i] * qty[i];
  const dof = n - p;
  const s2 = dof > 0 ? rss / dof : null;
  const se = Array.from({ length: p }, (_, j) => {
    if (s2 === null) return null;
    let d = 0;
    for (let k = j; k < p; k++) d += Rinv[j * p + k] ** 2;
    return Math.sqrt(s2 * d);
  });
  const ybar = ssMean([...y]);
  let tss = 0;
  for (const v of y) tss += (v - ybar) ** 2;
  return {
    names: allNames,
    coefficients: beta,
    standardErrors: se,
    n,
    dof,
    residualStdError: s2 === null ? null : Math.sqrt(s2),
    r2: tss > 0 ? 1 - rss / tss : null,
  };
}

/**
 * The linear map $y \mapsto \hat\beta$ of {@link olsFit} for a fixed design, as a p x n matrix
 * $P = R^{-1} Q^\top$ (row-major, intercept row first). The bootstrap refits the same design
 * thousands of times with new y; this makes each refit a matrix-vector product.
 */
export function olsProjector(X: readonly (readonly number[])[], names?: readonly string[]): { p: number; n: number; matrix: Float64Array } {
  const regressorNames = checkDesign(X, new Array(X.length).fill(0), names);
  const A = X.map((row) => [1, ...row]);
  const qr = householderQR(A, ['intercept', ...regressorNames]);
  const { n, p, R } = qr;
  const Rinv = invertUpper(R, p);
  const matrix = new Float64Array(p * n);
  const e = new Float64Array(n);
  for (let col = 0; col < n; col++) {
    e.fill(0);
    e[col] = 1;
    applyQt(qr, e);
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let k = i; k < p; k++) s += Rinv[i * p + k] * e[k];
      matrix[i * n + col] = s;
    }
  }
  return { p, n, matrix };
}

/** One-regressor OLS line $y = a + b x$ with classical standard errors. */
export interface LineFit {
  readonly slope: number;
  readonly intercept: number;
  /** $s / \sqrt{S_{xx}}$; null when n = 2. */
  readonly slopeSE: number | null;
  /** $s \sqrt{1/n + \bar x^2 / S_{xx}}$; null when n = 2. */
  readonly interceptSE: number | null;
  readonly n: number;
  /** null when y is constant. */
  readonly r2: number | null;
}

/**
 * One-regressor OLS. The point estimate is simple-statistics' `linearRegression`; the standard
 * errors are the textbook ones with $s^2 = RSS/(n-2)$.
 */
export function olsLine(x: readonly number[], y: readonly number[]): LineFit {
  checkDesign(
    x.map((v) => [v]),
    y,
    ['x'],
  );
  const n = x.length;
  const xbar = ssMean([...x]);
  let sxx = 0;
  for (const v of x) sxx += (v - xbar) ** 2;
  if (!(sxx > 0)) throw new UserInputError('x', 'must take at least two distinct values');
  const { m, b } = linearRegression(x.map((v, i) => [v, y[i]]));
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - (b + m * x[i])) ** 2;
  const ybar = ssMean([...y]);
  let tss = 0;
  for (const v of y) tss += (v - ybar) ** 2;
  const s2 = n > 2 ? rss / (n - 2) : null;
  return {
    slope: m,
    intercept: b,
    slopeSE: s2 === null ? null : Math.sqrt(s2 / sxx),
    interceptSE: s2 === null ? null : Math.sqrt(s2 * (1 / n + (xbar * xbar) / sxx)),
    n,
    r2: tss > 0 ? 1 - rss / tss : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Theil-Sen
// ---------------------------------------------------------------------------------------------

/**
 * Theil-Sen line (Theil 1950, Sen 1968): slope = median over pairs i < j with $x_i \ne x_j$ of
 * $(y_j - y_i)/(x_j - x_i)$; intercept = median of $y_i - \text{slope}\, x_i$. Breakdown point
 * about 29%: with noiseless points on a line, up to that share of arbitrary outliers leaves the
 * slope exact.
 */
export function theilSen(x: readonly number[], y: readonly number[]): { slope: number; intercept: number } {
  checkDesign(
    x.map((v) => [v]),
    y,
    ['x'],
  );
  const slopes: number[] = [];
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      if (x[j] !== x[i]) slopes.push((y[j] - y[i]) / (x[j] - x[i]));
    }
  }
  if (slopes.length === 0) throw new UserInputError('x', 'must take at least two distinct values');
  const slope = ssMedian(slopes);
  return { slope, intercept: ssMedian(x.map((v, i) => y[i] - slope * v)) };
}

/**
 * Theil-Sen slope in regressor j of a multi-regressor design: the median of the pairwise slopes
 * $(y_b - y_a)/(x_{b,j} - x_{a,j})$ over the pairs of points that agree in every other regressor
 * and differ in j (on a full grid: all pairs within each slice of the other variables). With a
 * single regressor this is exactly {@link theilSen}'s slope. Returns null when no such pair exists
 * (e.g. variables that never vary alone).
 */
export function theilSenPartial(X: readonly (readonly number[])[], y: readonly number[], j: number): number | null {
  const slopes = partialPairs(X, j).map(([a, b]) => (y[b] - y[a]) / (X[b][j] - X[a][j]));
  return slopes.length === 0 ? null : ssMedian(slopes);
}

/** Pairs (a, b) of rows that differ only in column j (exact equality elsewhere). */
export function partialPairs(X: readonly (readonly number[])[], j: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let a = 0; a < X.length; a++) {
    for (let b = a + 1; b < X.length; b++) {
      if (X[a][j] === X[b][j]) continue;
      let same = true;
      for (let k = 0; k < X[a].length && same; k++) if (k !== j && X[a][k] !== X[b][k]) same = false;
      if (same) pairs.push([a, b]);
    }
  }
  return pairs;
}
