/**
 * The cost model of sweep cells: the estimated wall time of one cell on the CPU engine, fitted to
 * measured cell times.
 *
 * Model (per replica, in milliseconds):
 *
 *     log ms = b0 + b_problem[family] + b_algorithm[id] + bT log T + bd log d + bn log n + bB log B
 *
 * with B the numeric `hyper.batch` (1 when absent or symbolic) and a cell's cost its replicas times
 * the per-replica time. The per-family and per-algorithm offsets are ridge-penalised towards 0
 * (penalty {@link RIDGE}), so a family or algorithm seen in few cells borrows from the rest and
 * an unseen one gets offset 0; the intercept and the slopes are not penalised. The fit is ordinary
 * least squares on log time, so the model is good to a factor (its residual standard deviation,
 * `sdLog`, is reported): enough to order cells longest first and to balance shards, which is all it
 * is used for. Results never depend on it: the same cells run whatever the estimate.
 *
 * Calibration: {@link calibrationCells} reads a cell's measured time from its results rows
 * (`wallMs` is the cell's time per replica), {@link fitCostModel} fits the model, and
 * `signcheck plan --calibrate <results dir>` prints the fit and its per-theorem check (README,
 * "Running on a cluster"). {@link BUILTIN_COST_MODEL} is the fit recorded from such a run.
 */
import { UserInputError } from '../core/errors.ts';
import type { RunRecipe } from '../engine/recipe.ts';
import type { ResultRow } from './results/index.ts';

/** What the model reads off a cell. */
export interface CostFeatures {
  readonly problem: string;
  readonly algorithm: string;
  readonly T: number;
  readonly d: number;
  readonly n: number;
  readonly replicas: number;
  readonly batch: number;
}

/** A fitted cost model (module doc); serialisable as JSON. */
export interface CostModel {
  readonly schema: 'signcheck.cost-model/1';
  /** Where and how it was fitted (machine, command, date). */
  readonly calibratedOn: string;
  /** Cells the fit used. */
  readonly cells: number;
  /** Residual standard deviation of log ms per replica (a factor of exp(sdLog) either way). */
  readonly sdLog: number;
  /** R^2 of the fit in log space. */
  readonly r2: number;
  readonly intercept: number;
  readonly slopes: { readonly T: number; readonly d: number; readonly n: number; readonly batch: number };
  readonly problem: Readonly<Record<string, number>>;
  readonly algorithm: Readonly<Record<string, number>>;
}

/** Ridge penalty on the family and algorithm offsets (in units of squared log ms). */
export const RIDGE = 1;

/** The features of a cell from its recipe; `d` is the problem's dimension (the run spec's). */
export function featuresOfRecipe(recipe: RunRecipe, d: number): CostFeatures {
  const b = recipe.hyper.batch;
  return { problem: recipe.problem.family, algorithm: recipe.algorithm, T: recipe.T, d, n: recipe.workers, replicas: recipe.replicas, batch: typeof b === 'number' && b >= 1 ? b : 1 };
}

/**
 * Estimated milliseconds per replica of a cell under a model: the mean of the fitted log-normal,
 * exp(fitted log + sdLog^2 / 2) (exp of the fitted log alone is the median, which underestimates
 * sums of cells).
 */
export function estimateReplicaMs(f: CostFeatures, model: CostModel = BUILTIN_COST_MODEL): number {
  const s = model.slopes;
  const log = model.intercept + (model.problem[f.problem] ?? 0) + (model.algorithm[f.algorithm] ?? 0) + s.T * Math.log(f.T) + s.d * Math.log(f.d) + s.n * Math.log(f.n) + s.batch * Math.log(f.batch);
  return Math.exp(log + (model.sdLog * model.sdLog) / 2);
}

/** Estimated milliseconds of a whole cell (all replicas). */
export function estimateCellMs(f: CostFeatures, model: CostModel = BUILTIN_COST_MODEL): number {
  return f.replicas * estimateReplicaMs(f, model);
}

/** One measured cell: its features, measured milliseconds per replica, and theorem. */
export interface MeasuredCell {
  readonly theorem: string;
  readonly cell: string;
  readonly features: CostFeatures;
  readonly msPerReplica: number;
}

/**
 * Measured cells of results rows: one per cell, its time per replica the mean of its replicas'
 * `wallMs` (taken from one metric's rows; every metric row of a replica carries the same time).
 * Cells measured as 0 ms (written without timings) are left out.
 */
export function calibrationCells(rows: readonly ResultRow[]): MeasuredCell[] {
  const byCell = new Map<string, { row: ResultRow; ms: number; reps: Set<number> }>();
  for (const r of rows) {
    let e = byCell.get(r.cell);
    if (!e) byCell.set(r.cell, (e = { row: r, ms: 0, reps: new Set() }));
    if (e.reps.has(r.replica)) continue;
    e.reps.add(r.replica);
    e.ms += r.wallMs;
  }
  const out: MeasuredCell[] = [];
  for (const [cell, e] of byCell) {
    const r = e.row;
    const ms = e.ms / e.reps.size;
    if (!(ms > 0)) continue;
    const b = r.params['hyper.batch'];
    out.push({ theorem: r.theorem, cell, msPerReplica: ms, features: { problem: r.problem, algorithm: r.algorithm, T: r.T, d: r.d, n: r.n, replicas: e.reps.size, batch: typeof b === 'number' && b >= 1 ? b : 1 } });
  }
  return out;
}

/** Solves the symmetric positive definite system A x = y (Gaussian elimination with pivoting). */
function solve(A: number[][], y: number[]): number[] {
  const n = y.length;
  const M = A.map((row, i) => [...row, y[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    const piv = M[c][c];
    if (Math.abs(piv) < 1e-12) throw new UserInputError('cost calibration', 'needs cells that vary in T, d, n and batch (the system is singular)');
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / piv;
      if (f !== 0) for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((row, i) => row[n] / row[i]);
}

/**
 * Fits the model of the module doc to measured cells: ridge least squares on log ms per replica
 * (penalty {@link RIDGE} on the family and algorithm offsets only). A slope whose variable does
 * not vary in the data is fixed at 1 (T, d, n: work is linear in each) or 0 (batch) by moving its
 * term into the response. Needs at least 3 cells.
 */
export function fitCostModel(cells: readonly MeasuredCell[], calibratedOn: string): CostModel {
  if (cells.length < 3) throw new UserInputError('cost calibration', 'needs at least 3 measured cells', `got ${cells.length}`);
  const problems = [...new Set(cells.map((c) => c.features.problem))].sort();
  const algos = [...new Set(cells.map((c) => c.features.algorithm))].sort();
  const slopeVars = (['T', 'd', 'n', 'batch'] as const).filter((v) => new Set(cells.map((c) => c.features[v])).size > 1);
  const fixed = { T: 1, d: 1, n: 1, batch: 0 };
  const p = 1 + slopeVars.length + problems.length + algos.length;
  const rowOf = (f: CostFeatures) => {
    const x = new Array<number>(p).fill(0);
    x[0] = 1;
    slopeVars.forEach((v, j) => (x[1 + j] = Math.log(f[v])));
    x[1 + slopeVars.length + problems.indexOf(f.problem)] = 1;
    x[1 + slopeVars.length + problems.length + algos.indexOf(f.algorithm)] = 1;
    return x;
  };
  const offset = (f: CostFeatures) => (['T', 'd', 'n', 'batch'] as const).filter((v) => !slopeVars.includes(v)).reduce((s, v) => s + fixed[v] * Math.log(f[v]), 0);
  const XtX = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const Xty = new Array<number>(p).fill(0);
  const ys = cells.map((c) => Math.log(c.msPerReplica) - offset(c.features));
  cells.forEach((c, i) => {
    const x = rowOf(c.features);
    for (let a = 0; a < p; a++) {
      Xty[a] += x[a] * ys[i];
      for (let b = 0; b < p; b++) XtX[a][b] += x[a] * x[b];
    }
  });
  for (let a = 1 + slopeVars.length; a < p; a++) XtX[a][a] += RIDGE;
  const beta = solve(XtX, Xty);
  const slopes = { ...fixed };
  slopeVars.forEach((v, j) => (slopes[v] = beta[1 + j]));
  const model: CostModel = {
    schema: 'signcheck.cost-model/1',
    calibratedOn,
    cells: cells.length,
    sdLog: 0,
    r2: 0,
    intercept: beta[0],
    slopes,
    problem: Object.fromEntries(problems.map((f, i) => [f, beta[1 + slopeVars.length + i]])),
    algorithm: Object.fromEntries(algos.map((a, i) => [a, beta[1 + slopeVars.length + problems.length + i]])),
  };
  const logs = cells.map((c) => Math.log(c.msPerReplica));
  const mean = logs.reduce((s, v) => s + v, 0) / logs.length;
  const res = cells.map((c, i) => logs[i] - Math.log(estimateReplicaMs(c.features, model))); // sdLog 0 here: the fitted log
  const ssr = res.reduce((s, v) => s + v * v, 0);
  const sst = logs.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { ...model, sdLog: Math.sqrt(ssr / Math.max(1, cells.length - p)), r2: sst > 0 ? 1 - ssr / sst : 1 };
}

/** Checks that a parsed JSON value is a {@link CostModel} (`--cost-model` files). */
export function parseCostModel(data: unknown, file: string): CostModel {
  const m = data as CostModel;
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const rec = (v: unknown) => typeof v === 'object' && v !== null && Object.values(v).every(num);
  if (typeof m !== 'object' || m === null || m.schema !== 'signcheck.cost-model/1' || !num(m.intercept) || !rec(m.slopes) || !rec(m.problem) || !rec(m.algorithm)) {
    throw new UserInputError('--cost-model', 'must be a cost model written by `signcheck plan --calibrate DIR --save FILE` (schema signcheck.cost-model/1)', file);
  }
  return m;
}

/**
 * The built-in model: `signcheck plan --calibrate reports/results` on the committed quick-profile
 * results (cell times measured on the 2-core development machine; README, "Running on a
 * cluster", shows the fit). Fit another with `--save` and pass it with `--cost-model`.
 */
export const BUILTIN_COST_MODEL: CostModel = {
  schema: 'signcheck.cost-model/1',
  calibratedOn: 'signcheck plan --calibrate reports/results (the committed quick-profile results, 154 cells, measured on the 2-core development machine), 2026-12-08',
  cells: 154,
  sdLog: 0.808,
  r2: 0.8563,
  intercept: -3.4891,
  slopes: { T: 0.8728, d: 0.0171, n: 0.9598, batch: 0.6377 },
  problem: { 'heterogeneous-quadratic': -0.5583, 'logistic-synthetic': 2.374, 'nonsmooth-k19': -0.5787, 'rotated-quadratic': -0.1299, 'separable-quadratic': -1.1071 },
  algorithm: { 'alias': -1.0536, 'alias-ii': -0.1541, 'alias-stochastic': 2.1848, 'ef-signsgd': -0.2084, 'minibatch-signsgd': 0.9462, 'mvsm-v1': -0.4745, 'mvsm-v2': -0.0838, 'sgd': -1.2515, 'signsgd': -0.4698, 'signum': 0.5647 },
};
