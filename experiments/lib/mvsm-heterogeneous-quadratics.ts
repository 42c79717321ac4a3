import { srProbability } from '../../src/algorithms/distributed.ts';
import { createProblem, type HeterogeneousQuadraticProblem } from '../../src/problems/index.ts';
import type { RunRecipe } from '../../src/engine/recipe.ts';
import { messageProbability } from '../../lemmas/lib/distributed-common.ts';

/**
 * Shared set-up of the MVSM sweeps (P1 Thms 3-5 and the v1 floor): heterogeneous separable
 * quadratics f_j(x) = 1/2 ||x - c^j||^2 (L = 1; c^j = zeta z^j, z^j ~ N(0, I) from the problem's
 * Philox init stream with seed PROBLEM_SEED; worker j's center is the same draw for every n), so
 * f = (1/n) sum_j f_j has x* = mean_j c^j. Every run starts at x0 = x* (computed exactly here and
 * passed as a vector), so no initial descent mixes into the stationary level the theorems bound.
 *
 * Bounded gradients (P1 Asm. 8) hold by construction, not by clipping: the oracle noise is
 * Rademacher with scale sigma (|xi| = sigma), and G = 1.3 max_{i,j} |x*_i - c^j_i| + sigma over
 * every instance of the sweep. ||v^j_t||_inf <= G then holds while every coordinate of x_t stays
 * within 0.3 max_{i,j} |x*_i - c^j_i| of x* (the momentum is an average of gradients). The engine
 * checks ||v^j_t||_inf <= G at every step and worker and would stop the sweep with an error otherwise
 * (src/algorithms/distributed.ts guards); nothing is ever clipped.
 */
export const PROBLEM_SEED = 20250712;
export const ZETA = 1;
/** Margin factor of G over the spread of the centers around x*. */
export const G_MARGIN = 1.3;

const cache = new Map<string, HeterogeneousQuadraticProblem>();
/** The instance at (d, n) with x0 = 0 (its x* and centers are what matter). */
export function instance(d: number, n: number): HeterogeneousQuadraticProblem {
  const key = `${d}/${n}`;
  let p = cache.get(key);
  if (!p) {
    p = createProblem('heterogeneous-quadratic', { d, workers: n, heterogeneity: ZETA, seed: PROBLEM_SEED, spectrum: 'uniform', scale: 1, center: 0, x0: 'zeros' }) as HeterogeneousQuadraticProblem;
    cache.set(key, p);
  }
  return p;
}

/**
 * x* = mean of the centers, exactly (JSON keeps every double), so that f(x0) = f* exactly: the
 * family evaluates f through 1/2 sum_i L_i ((x_i - xbar_i)^2 + Var_j c^j_i), and x0 - xbar = 0.
 */
export function xStar(d: number, n: number): number[] {
  return Array.from(instance(d, n).constants.xStar!);
}

/** f(x0) - f* at x0 = x* (0 here; kept as a check that the start is exactly the optimum). */
export function deltaAt(d: number, n: number): number {
  const p = instance(d, n);
  return p.f(Float64Array.from(xStar(d, n))) - p.constants.fStar!;
}

/** max_{i,j} |x*_i - c^j_i| of one instance. */
export function spread(d: number, n: number): number {
  const p = instance(d, n);
  const xs = xStar(d, n);
  let s = 0;
  for (let j = 0; j < n; j++) {
    const c = p.workerCenter(j);
    for (let i = 0; i < d; i++) s = Math.max(s, Math.abs(xs[i] - c[i]));
  }
  return s;
}

/** One G for a whole sweep: G_MARGIN x the largest spread over its (d, n) pairs, plus sigma; 4 significant digits. */
export function sweepG(pairs: readonly (readonly [number, number])[], sigma: number): number {
  const s = Math.max(...pairs.map(([d, n]) => spread(d, n)));
  return Number((G_MARGIN * s + sigma).toPrecision(4));
}

/** The recipe of one MVSM cell (x0 = x*, Rademacher noise of scale sigma). */
export function mvsmRecipe(o: {
  algorithm: string;
  hyper: Record<string, number | string>;
  d: number;
  n: number;
  T: number;
  sigma: number;
  replicas: number;
  seed: number;
}): RunRecipe {
  return {
    algorithm: o.algorithm,
    hyper: o.hyper,
    problem: {
      family: 'heterogeneous-quadratic',
      params: { d: o.d, workers: o.n, heterogeneity: ZETA, seed: PROBLEM_SEED, spectrum: 'uniform', scale: 1, center: 0, x0: xStar(o.d, o.n) },
    },
    noise: o.sigma > 0 ? { model: 'rademacher', sigma: o.sigma } : null,
    T: o.T,
    workers: o.n,
    replicas: o.replicas,
    seed: o.seed,
  };
}

/**
 * Where MVSM v1's mean field stops, without oracle noise: at a fixed point x the momenta equal the
 * gradients v^j = x - c^j, worker j sends +1 in coordinate i with probability
 * p_j = P(S_G(v^j_i) = +1) (the algorithms' own expression, exact over the Philox words), the count
 * of +1 is Poisson-binomial, and the server's vote has mean E sign(2c - n). The drift vanishes where
 * that mean is 0; solved by bisection per coordinate. With odd n there are no ties. Because
 * E|X_i - x*_i| >= |E X_i - x*_i|, sum_i |x_eq,i - x*_i| (= the l1 gradient norm there, L = 1) is
 * the level below which v1's E||grad f||_1 cannot settle while its mean sits at x_eq: the predicted
 * floor. MVSM v2's server message is unbiased (lemma mvsm-v2-server-unbiased), so its mean field
 * stops at x* itself.
 */
export function v1Floor(d: number, n: number, G: number): { floor: number; offsets: number[] } {
  const p = instance(d, n);
  const xs = xStar(d, n);
  const centers = Array.from({ length: n }, (_, j) => p.workerCenter(j));
  const meanVote = (i: number, x: number) => {
    let pmf = new Float64Array([1]);
    for (const c of centers) {
      const q = messageProbability(srProbability('v', 'G'), { v: x - c[i], G });
      const next = new Float64Array(pmf.length + 1);
      for (let k = 0; k < pmf.length; k++) {
        next[k] += pmf[k] * (1 - q);
        next[k + 1] += pmf[k] * q;
      }
      pmf = next;
    }
    let e = 0;
    for (let k = 0; k < pmf.length; k++) e += pmf[k] * Math.sign(2 * k - n);
    return e;
  };
  const offsets: number[] = [];
  for (let i = 0; i < d; i++) {
    // the vote's mean increases with x (every p_j does); bracket within the guarded box
    let lo = xs[i] - 0.3 * spread(d, n);
    let hi = xs[i] + 0.3 * spread(d, n);
    if (!(meanVote(i, lo) < 0 && meanVote(i, hi) > 0)) throw new Error(`v1Floor: the vote's mean does not change sign within 0.3 spread of x*_${i} (d = ${d}, n = ${n}, G = ${G})`);
    for (let it = 0; it < 80; it++) {
      const mid = (lo + hi) / 2;
      if (meanVote(i, mid) > 0) hi = mid;
      else lo = mid;
    }
    offsets.push((lo + hi) / 2 - xs[i]);
  }
  return { floor: offsets.reduce((s, o) => s + Math.abs(o), 0), offsets };
}
