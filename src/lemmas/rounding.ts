import type { Problem } from '../problems/types.ts';
import { gamma, norm1, norm2, normInf, UNIT_ROUNDOFF as U } from '../core/numerics.ts';

/**
 * Float64 evaluation-error models of the problem families, derived from how each family computes
 * f and grad f (src/problems/*.ts), in the standard model fl(a op b) = (a op b)(1 + delta),
 * |delta| <= u = 2^-53, with gamma_n = n u / (1 - n u) (Higham, ch. 3). Library functions
 * (Math.exp, log1p, cosh, sinh: V8's fdlibm ports, documented < 1 ulp) are allowed 2 ulp, i.e.
 * relative error 4u. A final factor 1.01 covers products of (1 + delta) factors and the difference
 * between computed and exact magnitudes (all relative errors here are below 1e-10).
 *
 * "Exact" means: the value of the problem as stored (its stored constants, e.g. the stored Hessian
 * of a rotated quadratic). A family without a model makes {@link evaluationErrors} throw, so a new
 * family cannot silently borrow a tolerance that was derived for another.
 */
export interface EvaluationErrors {
  /** Bound on |fl(f(x)) - f(x)| given the computed value fx. */
  f(x: Float64Array, fx: number): number;
  /** Bound on ||fl(grad f(x)) - grad f(x)||_1 given the computed gradient g. */
  grad1(x: Float64Array, g: Float64Array): number;
}

const SLACK = 1.01;

interface LogisticLike {
  readonly lambda: number;
  readonly train: { readonly A: { rows: number; cols: number; indptr: Int32Array; indices: Int32Array; values: Float64Array } };
}

function isLogistic(p: Problem): p is Problem & LogisticLike {
  const q = p as Partial<LogisticLike>;
  return typeof q.lambda === 'number' && q.train !== undefined && q.train.A !== undefined;
}

const cache = new WeakMap<Problem, EvaluationErrors>();

/** The evaluation-error model of `problem` (by family; throws for a family without one). */
export function evaluationErrors(problem: Problem): EvaluationErrors {
  const hit = cache.get(problem);
  if (hit) return hit;
  const model = buildModel(problem);
  cache.set(problem, model);
  return model;
}

function buildModel(p: Problem): EvaluationErrors {
  const d = p.d;
  if (isLogistic(p)) return logisticModel(p);
  switch (p.id) {
    case 'separable-quadratic':
      // term L_i (x_i - c_i)^2: subtraction, square, product: relative gamma_3 (terms >= 0);
      // recursive sum of d terms: gamma_{d-1}; the final 0.5 is exact. grad: L_i (x_i - c_i): gamma_2.
      return { f: (_x, fx) => SLACK * gamma(d + 3) * Math.abs(fx), grad1: (_x, g) => SLACK * gamma(2) * norm1(g) };
    case 'heterogeneous-quadratic': {
      // term L_i ((x_i - cbar_i)^2 + v_i): gamma_4 (terms >= 0); sum gamma_{d-1}.
      // grad: the gradient a run uses is the engine's mean of the n worker gradients
      // L_i (x_i - c^j_i) (each gamma_2, then n additions and a division: gamma_{n+2} of the mean of
      // |L_i (x_i - c^j_i)|), while grad f computes L_i (x_i - cbar_i) with cbar the rounded mean of
      // the centers (gamma_n of the mean |c^j_i|, times L_i, plus gamma_2 |g|). Neither error is
      // relative to |g| near the optimum, so the bound carries both absolute terms; found by a
      // 1e5-run check of alias-eta-increment, where the relative model gamma_2 |g| fell short.
      const n = p.workers;
      const w = new Float64Array(d);
      const zero = new Float64Array(d);
      let centers = 0; // (1/n) sum_j ||L (.) c^j||_1 = (1/n) sum_j ||grad f_j(0)||_1
      for (let j = 0; j < n; j++) {
        p.gradWorker(zero, j, w);
        centers += norm1(w) / n;
      }
      return {
        f: (_x, fx) => SLACK * gamma(d + 4) * Math.abs(fx),
        grad1: (x, g) => {
          let workers = 0;
          for (let j = 0; j < n; j++) {
            p.gradWorker(x, j, w);
            workers += norm1(w) / n;
          }
          return SLACK * (gamma(2) * norm1(g) + gamma(n + 2) * workers + gamma(n + 1) * centers);
        },
      };
    }
    case 'quartic-sum':
      // term a_i r^4 via r = x - c, r2 = r r, a r2 r2: relative <= 4u (r) + 3 roundings = gamma_7; sum gamma_{d-1}.
      // grad a r r r: 3u (r) + 3 roundings = gamma_6.
      return { f: (_x, fx) => SLACK * gamma(d + 7) * Math.abs(fx), grad1: (_x, g) => SLACK * gamma(6) * norm1(g) };
    case 'sum-cosh':
      return coshModel(p);
    case 'exp-sum':
      return expModel(p);
    case 'rotated-quadratic':
      return rotatedModel(p);
    default:
      throw new Error(`no float64 evaluation-error model for problem family '${p.id}' (src/lemmas/rounding.ts)`);
  }
}

/** Center of a problem's coordinates: xStar where declared, else 0. */
function center(p: Problem): Float64Array {
  return p.constants.xStar ?? new Float64Array(p.d);
}

function coshModel(p: Problem): EvaluationErrors {
  // f = sum a_i cosh(t_i), t_i = b_i (x_i - c_i). t has relative error gamma_2; cosh(t(1 + th)) moves by
  // |t tanh t| |th| cosh t <= |t| gamma_2 cosh t; cosh itself 4u; the product with a_i u. Terms >= 0:
  // f error <= (gamma_{d-1} + (5 + 2 max|t|) u) f.
  // grad a_i b_i sinh(t_i): sinh(t(1+th)) moves by |t coth t| |th| |sinh t| <= (1 + |t|) gamma_2 |sinh t|;
  // sinh 4u; two products 2u: per coordinate (8 + 2|t_i|) u |g_i|.
  const c = center(p);
  const b = rates(p);
  return {
    f: (x, fx) => {
      let tmax = 0;
      for (let i = 0; i < p.d; i++) tmax = Math.max(tmax, Math.abs(b[i] * (x[i] - c[i])));
      return SLACK * (gamma(p.d - 1) + (5 + 2 * tmax) * U) * Math.abs(fx);
    },
    grad1: (x, g) => {
      let s = 0;
      for (let i = 0; i < p.d; i++) s += Math.abs(g[i]) * (8 + 2 * Math.abs(b[i] * (x[i] - c[i])));
      return SLACK * U * s;
    },
  };
}

function expModel(p: Problem): EvaluationErrors {
  // f = sum a_i exp(t_i), t_i = b_i x_i (relative u): exp(t(1+th)) moves by |t| u exp t; exp 4u; product u.
  // Terms > 0: f error <= (gamma_{d-1} + (5 + max|t|) u) f. grad a_i b_i exp(t_i): (6 + |t_i|) u |g_i|.
  const b = rates(p);
  return {
    f: (x, fx) => {
      let tmax = 0;
      for (let i = 0; i < p.d; i++) tmax = Math.max(tmax, Math.abs(b[i] * x[i]));
      return SLACK * (gamma(p.d - 1) + (5 + tmax) * U) * Math.abs(fx);
    },
    grad1: (x, g) => {
      let s = 0;
      for (let i = 0; i < p.d; i++) s += Math.abs(g[i]) * (6 + Math.abs(b[i] * x[i]));
      return SLACK * U * s;
    },
  };
}

/**
 * Upper bounds on the rates b_i of sum-cosh / exp-sum: both families declare L1 = max_i b_i, and only
 * |b_i (x_i - c_i)| enters the bounds, so replacing b_i by max_i b_i can only enlarge them.
 */
function rates(p: Problem): Float64Array {
  const L1 = p.constants.L1;
  if (L1 === undefined) throw new Error(`problem '${p.id}' declares no L1: no bound on its rates`);
  return new Float64Array(p.d).fill(L1);
}

function rotatedModel(p: Problem): EvaluationErrors {
  const H = (p as Problem & { hessian?: Float64Array }).hessian;
  if (!H) throw new Error('rotated-quadratic without an exposed hessian: no evaluation-error model');
  const d = p.d;
  const c = center(p);
  const r = new Float64Array(d);
  const absHr = new Float64Array(d);
  const fill = (x: Float64Array): void => {
    for (let i = 0; i < d; i++) r[i] = Math.abs(x[i] - c[i]);
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Math.abs(H[i * d + j]) * r[j];
      absHr[i] = s;
    }
  };
  return {
    // f = 1/2 r^T (H r): r = x - c relative u; each (H r)_i a d-term dot product, gamma_d sum_j |H_ij||r_j|;
    // the outer dot product gamma_d again: |error| <= gamma_{2d+2} 1/2 |r|^T |H| |r|.
    f: (x) => {
      fill(x);
      let s = 0;
      for (let i = 0; i < d; i++) s += r[i] * absHr[i];
      return SLACK * gamma(2 * d + 2) * 0.5 * s;
    },
    // grad = H r: per coordinate gamma_{d+1} (|H| |r|)_i.
    grad1: (x) => {
      fill(x);
      return SLACK * gamma(d + 1) * norm1(absHr);
    },
  };
}

function logisticModel(p: Problem & LogisticLike): EvaluationErrors {
  const { A } = p.train;
  const m = A.rows;
  const d = p.d;
  let maxNnz = 0;
  const rowL1 = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    maxNnz = Math.max(maxNnz, A.indptr[i + 1] - A.indptr[i]);
    let s = 0;
    for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) s += Math.abs(A.values[q]);
    rowL1[i] = s;
  }
  const K = m + maxNnz + d + 12;
  // zeta_i = sum_p |A_ip| |w_p|: the error of z_i = <a_i, w> is <= gamma_nnz zeta_i.
  const zetaStats = (w: Float64Array): { mean: number; weighted: number } => {
    let mean = 0;
    let weighted = 0;
    for (let i = 0; i < m; i++) {
      let z = 0;
      for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) z += Math.abs(A.values[q] * w[A.indices[q]]);
      mean += z;
      weighted += z * rowL1[i];
    }
    return { mean: mean / m, weighted: weighted / m };
  };
  let meanRowL1 = 0;
  for (let i = 0; i < m; i++) meanRowL1 += rowL1[i];
  meanRowL1 /= m;
  return {
    // f = (1/m) sum softplus(-y_i z_i) + lambda/2 ||w||^2. softplus has slope <= 1, so z's error
    // gamma_nnz zeta_i passes at most unchanged; softplus itself (exp, log1p at 4u each, one add) 9u;
    // the sum over m rows gamma_{m-1}, the division u; ||w||^2 gamma_d, times lambda/2 gamma_2, the
    // final add u. All terms >= 0, so |error| <= gamma_K (f + mean_i zeta_i), K = m + nnz + d + 12.
    f: (w, fx) => SLACK * gamma(K) * (Math.abs(fx) + zetaStats(w).mean),
    // grad_j = lambda w_j + sum_i coef_i A_ij, coef_i = -y_i sigma(-y_i z_i) / m, |coef_i| <= 1/m:
    // sigma (exp 4u, add, divide) 6u, slope <= 1/4 so z's error enters as gamma_nnz zeta_i / 4;
    // accumulation over <= m + 1 terms gamma_{m+1}. l1 total <= gamma_K (lambda ||w||_1 +
    // (1/m) sum_i ||a_i||_1 (1 + zeta_i / 4)).
    grad1: (w) => SLACK * gamma(K) * (p.lambda * norm1(w) + meanRowL1 + zetaStats(w).weighted / 4),
  };
}

/**
 * Curvature bound of f near x with gradient g, for second-order rounding terms: L where declared,
 * else the (L0, L1) form (L0 + L1 ||g||_2) e^{L1 r} valid within distance r of x (P0).
 */
export function localCurvature(p: Problem, g: Float64Array, r: number): number {
  const k = p.constants;
  if (k.L !== undefined) return k.L;
  if (k.L0 !== undefined && k.L1 !== undefined) return (k.L0 + k.L1 * norm2(g)) * Math.exp(k.L1 * r);
  throw new Error(`problem '${p.id}' declares neither L nor (L0, L1): no curvature bound`);
}

/**
 * |f(x_exact) - f(x)| when the computed point x differs from the exact one by at most delta_i in
 * coordinate i: first order sum_i |g_i(x)| delta_i, second order 1/2 curvature ||delta||_2^2 (Taylor
 * with the curvature bound of {@link localCurvature}). `delta` defaults to u |x_i| (x = fl(x_exact),
 * one rounding).
 */
export function pointRoundingF(p: Problem, x: Float64Array, g: Float64Array, delta?: Float64Array): number {
  let first = 0;
  let sq = 0;
  for (let i = 0; i < x.length; i++) {
    const di = delta ? delta[i] : U * Math.abs(x[i]);
    first += Math.abs(g[i]) * di;
    sq += di * di;
  }
  const curv = localCurvature(p, g, Math.sqrt(sq));
  return SLACK * (first + 0.5 * curv * sq);
}

/**
 * ||grad f(x_exact) - grad f(x)||_1 for the same one-rounding perturbation: Linf u ||x||_inf where
 * Linf is declared, else sqrt(d) times the l2 change (L or (L0 + L1||g||) e^{L1 r}) u ||x||_2.
 */
export function pointRoundingGrad1(p: Problem, x: Float64Array, g: Float64Array, roundings = 1): number {
  const e = roundings * U;
  const k = p.constants;
  if (k.Linf !== undefined) return SLACK * k.Linf * e * normInf(x);
  const n2 = norm2(x);
  return SLACK * Math.sqrt(p.d) * localCurvature(p, g, e * n2) * e * n2;
}
