/**
 * Every declared constant of every problem family, checked on random instances and random pairs of
 * points (THEORY.md, "Assumption classes": "The project must also check its own declarations").
 *
 * For random (x, y), delta = y - x, g = grad f:
 *   Lvec    f(y) <= f(x) + <g(x), delta> + 1/2 sum_i Lvec_i delta_i^2
 *   L       ||g(y) - g(x)||_2 <= L ||delta||_2
 *   Linf    ||g(y) - g(x)||_1 <= Linf ||delta||_inf
 *   L0, L1  ||g(y) - g(x)||_2 <= (L0 + L1 max_k ||g(u_k)||_2) ||delta||_2, u_k = x + (k/8) delta, k = 0..8
 *   convex  f(y) >= f(x) + <g(x), delta>;  mu: f(y) >= f(x) + <g(x), delta> + mu/2 ||delta||_2^2
 *   fStar   f(x) >= fStar - fStarError;  f(xStar) = fStar (to rounding and fStarError)
 * and for heterogeneous problems Lvec, convexity and mu for every worker's f_j as well.
 *
 * The sup over the segment in P0's (L0, L1) condition is approximated from below by the maximum over
 * nine points that include both endpoints. A smaller right-hand side can only make the check stricter
 * than the claim: sampling never lets a false constant pass. It cannot cause false alarms here either:
 * for every family with L1 > 0, t -> ||g(x + t delta)||_2^2 is a sum of convex functions of t
 * (sinh^2, e^{2bt}, r^6), so its maximum on [0, 1] is at an endpoint and the samples attain the sup.
 *
 * Tolerances are rounding-error bounds, not tuned slack: each adapter bounds the absolute error of
 * its computed f and of each computed gradient coordinate (Higham's gamma_n = n u / (1 - n u) times
 * the sum of absolute values of the terms, plus the condition of exp/cosh/sinh at the argument), and
 * each check adds gamma_{d+4} times the magnitudes it combines (its own sums, and delta = fl(y - x)
 * being off by u relative). All random choices come from fast-check with fixed seeds.
 *
 * Power checks at the end: each constant made 10% too small (mu and fStar too large) on an instance
 * where it is tight must be refuted by the same checks, proving they can fail.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createProblem, problemFamilies } from '../src/problems/index.ts';
import type { LogisticProblem } from '../src/problems/logistic-core.ts';
import { gamma } from '../src/core/numerics.ts';
import { ProblemLane, problemNormals } from '../src/problems/random.ts';
import type { RotatedQuadraticProblem } from '../src/problems/rotated-quadratic.ts';
import type { Problem, ProblemConstants } from '../src/problems/types.ts';

// ---------------------------------------------------------------------------------------------
// Rounding models per family: absolute error bounds of fl(f(x)) and of each fl(grad f(x)_i).

interface ErrorModel {
  fErr(x: Float64Array, worker?: number): number;
  gErr(x: Float64Array, worker?: number): Float64Array;
}

const abs = (v: Float64Array) => v.map(Math.abs);

function gradOf(p: Problem, x: Float64Array, worker?: number): Float64Array {
  const g = new Float64Array(p.d);
  if (worker === undefined) p.grad(x, g);
  else p.gradWorker(x, worker, g);
  return g;
}

function fOf(p: Problem, x: Float64Array, worker?: number): number {
  return worker === undefined ? p.f(x) : p.fWorker!(x, worker);
}

/** Sums of d non-negative terms with a few roundings each (quadratics, quartic): gamma_{d+k} f, gamma_k |g_i|. */
function nonNegativeTerms(p: Problem, k: number): ErrorModel {
  return {
    fErr: (x, w) => gamma(p.d + k) * fOf(p, x, w),
    gErr: (x, w) => abs(gradOf(p, x, w)).map((v) => gamma(k) * v),
  };
}

/** Rotated quadratic: f = 1/2 r^T (H r) and g = H r with d-term inner sums: gamma_{2d+6} 1/2 |r|^T|H||r|, gamma_{d+4} (|H||r|)_i. */
function rotatedModel(p: RotatedQuadraticProblem): ErrorModel {
  const d = p.d;
  const H = p.hessian;
  const c = p.constants.xStar!;
  const absHr = (x: Float64Array) => {
    const r = x.map((v, i) => Math.abs(v - c[i]));
    const t = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Math.abs(H[i * d + j]) * r[j];
      t[i] = s;
    }
    return { r, t };
  };
  return {
    fErr: (x) => {
      const { r, t } = absHr(x);
      return gamma(2 * d + 6) * 0.5 * r.reduce((s, v, i) => s + v * t[i], 0);
    },
    gErr: (x) => absHr(x).t.map((v) => gamma(d + 4) * v),
  };
}

/**
 * Terms a_i phi(b_i r_i) with phi = cosh or exp: argument off by 2u relative, amplified by
 * |t phi'(t)/phi(t)| <= |t|; phi itself within 2 ulps; 3 further roundings. f: gamma_{d + 8 + 2 max|t|} f;
 * gradient a b phi'(t) (sinh: |t coth t| <= 1 + |t|): gamma_{8 + 2 (1 + |t_i|)} |g_i|.
 */
function transcendentalModel(p: Problem, arg: (x: Float64Array) => Float64Array): ErrorModel {
  return {
    fErr: (x) => {
      const t = arg(x);
      const tmax = t.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      return gamma(p.d + 8 + 2 * tmax) * p.f(x);
    },
    gErr: (x) => {
      const t = arg(x);
      return abs(gradOf(p, x)).map((v, i) => gamma(10 + 2 * Math.abs(t[i])) * v);
    },
  };
}

/**
 * Logistic: margins z_i = <a_i, w> are off by gamma_{nnz} sum_j |a_ij w_j|; softplus is 1-Lipschitz and
 * sigmoid 1/4-Lipschitz; means over m rows add gamma_m. With N = m + max nnz + 8:
 * |fl(f) - f| <= gamma_N (f + mean_i sum_j |a_ij w_j|),
 * |fl(g_j) - g_j| <= gamma_N ((1/m) sum_i |a_ij| (1 + sum_k |a_ik w_k|) + lambda |w_j|).
 */
function logisticModel(p: LogisticProblem): ErrorModel {
  const { A } = p.train;
  const m = A.rows;
  let maxNnz = 0;
  for (let i = 0; i < m; i++) maxNnz = Math.max(maxNnz, A.indptr[i + 1] - A.indptr[i]);
  const N = m + maxNnz + 8;
  const absMargins = (w: Float64Array) => {
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) s += Math.abs(A.values[q] * w[A.indices[q]]);
      out[i] = s;
    }
    return out;
  };
  return {
    fErr: (w) => gamma(N) * (p.f(w) + absMargins(w).reduce((s, v) => s + v, 0) / m),
    gErr: (w) => {
      const am = absMargins(w);
      const out = new Float64Array(p.d);
      for (let i = 0; i < m; i++) {
        for (let q = A.indptr[i]; q < A.indptr[i + 1]; q++) out[A.indices[q]] += (Math.abs(A.values[q]) * (1 + am[i])) / m;
      }
      return out.map((v, j) => gamma(N) * (v + p.lambda * Math.abs(w[j])));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The checks.

interface Violation {
  readonly check: string;
  readonly lhs: number;
  readonly rhs: number;
  readonly tol: number;
}

const sum = (v: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
};
const n2 = (v: Float64Array) => Math.sqrt(sum(v.map((t) => t * t)));
const n1 = (v: Float64Array) => sum(abs(v));
const nInf = (v: Float64Array) => v.reduce((m, t) => Math.max(m, Math.abs(t)), 0);

/**
 * All declared-constant checks for one pair; returns the violated ones (lhs > rhs + tol).
 * `c` is the constants object to test (the problem's own, or a tampered copy for power checks).
 */
function violations(p: Problem, c: ProblemConstants, model: ErrorModel, x: Float64Array, y: Float64Array, worker?: number): Violation[] {
  const d = p.d;
  const out: Violation[] = [];
  const delta = y.map((v, i) => v - x[i]);
  const gx = gradOf(p, x, worker);
  const gy = gradOf(p, y, worker);
  const fx = fOf(p, x, worker);
  const fy = fOf(p, y, worker);
  const ex = model.gErr(x, worker);
  const ey = model.gErr(y, worker);
  const gd = sum(gx.map((v, i) => v * delta[i]));
  const gdAbs = sum(gx.map((v, i) => Math.abs(v * delta[i])));
  // error of fy - fx - <gx, delta>
  const firstOrderErr = model.fErr(x, worker) + model.fErr(y, worker) + sum(ex.map((e, i) => e * Math.abs(delta[i]))) + gamma(d + 4) * (Math.abs(fx) + Math.abs(fy) + gdAbs);
  const gap = fy - fx - gd;
  const diff = gy.map((v, i) => v - gx[i]);
  const diffErr = ex.map((e, i) => e + ey[i]);

  if (c.Lvec) {
    const rhs = 0.5 * sum(c.Lvec.map((L, i) => L * delta[i] * delta[i]));
    out.push({ check: 'Lvec', lhs: gap, rhs, tol: firstOrderErr + gamma(d + 4) * rhs });
  }
  if (c.convex) out.push({ check: 'convex', lhs: -gap, rhs: 0, tol: firstOrderErr });
  if (c.mu !== undefined) {
    const rhs = 0.5 * c.mu * sum(delta.map((t) => t * t));
    out.push({ check: 'mu', lhs: rhs - gap, rhs: 0, tol: firstOrderErr + gamma(d + 4) * rhs });
  }
  if (worker !== undefined) return out.filter(violated);

  if (c.L !== undefined) {
    const lhs = n2(diff);
    const rhs = c.L * n2(delta);
    out.push({ check: 'L', lhs, rhs, tol: n2(diffErr) + gamma(d + 4) * (lhs + rhs) });
  }
  if (c.Linf !== undefined) {
    const lhs = n1(diff);
    const rhs = c.Linf * nInf(delta);
    out.push({ check: 'Linf', lhs, rhs, tol: n1(diffErr) + gamma(d + 4) * (lhs + rhs) });
  }
  if (c.L0 !== undefined && c.L1 !== undefined) {
    let sup = 0;
    let supErr = 0;
    for (let k = 0; k <= 8; k++) {
      const u = k === 0 ? x : k === 8 ? y : x.map((v, i) => v + (k / 8) * delta[i]);
      const gu = k === 0 ? gx : k === 8 ? gy : gradOf(p, u);
      const nu = n2(gu);
      if (nu > sup) {
        sup = nu;
        supErr = n2(k === 0 ? ex : k === 8 ? ey : model.gErr(u));
      }
    }
    const lhs = n2(diff);
    const rhs = (c.L0 + c.L1 * sup) * n2(delta);
    // the sampled sup itself is computed: an error supErr lowers the rhs by at most L1 supErr ||delta||
    out.push({ check: 'L0L1', lhs, rhs, tol: n2(diffErr) + c.L1 * supErr * n2(delta) + gamma(d + 4) * (lhs + rhs) });
  }
  if (c.fStar !== undefined) {
    const fe = c.fStarError ?? 0;
    out.push({ check: 'fStar', lhs: c.fStar, rhs: fx, tol: model.fErr(x) + fe });
    if (c.xStar) {
      const fs = p.f(c.xStar);
      out.push({ check: 'fStar', lhs: Math.abs(fs - c.fStar), rhs: 0, tol: model.fErr(c.xStar) + fe + gamma(4) * Math.abs(c.fStar) });
    }
  }
  return out.filter(violated);
}

/** A check fails when lhs > rhs + tol, and also when any of them is not finite (NaN never passes silently). */
function violated(v: Violation): boolean {
  return !(Number.isFinite(v.lhs) && Number.isFinite(v.rhs) && Number.isFinite(v.tol)) || v.lhs > v.rhs + v.tol;
}

// ---------------------------------------------------------------------------------------------
// Random points: x = base + unit 10^xs z, delta = unit 10^ds pattern, with z, pattern from Philox.

const Kinds = ['gaussian', 'sign', 'axis', 'sparse'] as const;
type Kind = (typeof Kinds)[number];
interface PointSpec {
  seed: number;
  xs: number;
  ds: number;
  kind: Kind;
  axis: number;
}

function pointsArb(xs: [number, number], ds: [number, number], kinds: readonly Kind[] = Kinds): fc.Arbitrary<PointSpec> {
  return fc.record({
    seed: fc.nat({ max: 0xffffffff }),
    xs: fc.double({ min: xs[0], max: xs[1], noNaN: true }),
    ds: fc.double({ min: ds[0], max: ds[1], noNaN: true }),
    kind: fc.constantFrom(...kinds),
    axis: fc.nat(),
  });
}

function makePoints(d: number, spec: PointSpec, base: Float64Array | undefined, unit: number): [Float64Array, Float64Array] {
  const z = problemNormals(spec.seed, ProblemLane.x0, 101, new Float64Array(d));
  const w = problemNormals(spec.seed, ProblemLane.x0, 102, new Float64Array(d));
  const sx = unit * 10 ** spec.xs;
  const sd = unit * 10 ** spec.ds;
  const x = z.map((v, i) => (base ? base[i] : 0) + sx * v);
  let pattern: Float64Array;
  switch (spec.kind) {
    case 'gaussian':
      pattern = w;
      break;
    case 'sign':
      pattern = w.map((v) => (v >= 0 ? 1 : -1));
      break;
    case 'axis':
      pattern = new Float64Array(d);
      pattern[spec.axis % d] = w[0] >= 0 ? 1 : -1;
      break;
    case 'sparse':
      pattern = w.map((v, i) => (i % 7 === spec.axis % 7 ? v : 0));
      break;
  }
  const y = x.map((v, i) => v + sd * pattern[i]);
  return [x, y];
}

// ---------------------------------------------------------------------------------------------
// Per-family instance generators.

interface Adapter<P extends Problem = Problem> {
  readonly family: string;
  readonly numRuns: number;
  /** Parameters of a random instance. */
  readonly params: fc.Arbitrary<Record<string, unknown>>;
  readonly points: fc.Arbitrary<PointSpec>;
  /** Scale of coordinates (1 / max b for exponential families) and the base point (default xStar). */
  unit(p: P): number;
  base?(p: P): Float64Array | undefined;
  model(p: P): ErrorModel;
}

const log10 = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true }).map((e) => 10 ** e);
const spectrumParams = (maxD: number) =>
  fc.record({
    d: fc.integer({ min: 1, max: maxD }),
    spectrum: fc.constantFrom('uniform', 'ill-conditioned', 'power-law', 'sparse'),
    scale: log10(-3, 3),
    kappa: log10(0, 6),
    alpha: fc.double({ min: 0, max: 3, noNaN: true }),
    kFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    centerScale: log10(-2, 2),
    seed: fc.nat({ max: 0xffffffff }),
  });
/** Keeps only the parameters the chosen spectrum uses (the families reject unused ones only for L). */
function spectrumBag(r: { d: number; spectrum: string; scale: number; kappa: number; alpha: number; kFrac: number; centerScale: number; seed: number }) {
  return {
    d: r.d,
    spectrum: r.spectrum,
    scale: r.scale,
    ...(r.spectrum === 'ill-conditioned' || r.spectrum === 'sparse' ? { kappa: r.kappa } : {}),
    ...(r.spectrum === 'power-law' ? { alpha: r.alpha } : {}),
    ...(r.spectrum === 'sparse' ? { k: Math.round(r.kFrac * r.d) } : {}),
    center: 'normal',
    centerScale: r.centerScale,
    seed: r.seed,
  };
}
const positiveVector = (d: number, seed: number, lane: number, lo: number, spread: number) =>
  Array.from(problemNormals(seed, lane, 7, new Float64Array(d)), (v) => lo * Math.exp(spread * v));

const bmax = (p: Problem) => Number(p.constants.L1);

const adapters: Adapter<any>[] = [
  {
    family: 'separable-quadratic',
    numRuns: 300,
    params: spectrumParams(300).map(spectrumBag),
    points: pointsArb([-6, 3], [-8, 2]),
    unit: () => 1,
    model: (p: Problem) => nonNegativeTerms(p, 8),
  },
  {
    family: 'rotated-quadratic',
    numRuns: 200,
    params: spectrumParams(150).map(spectrumBag),
    points: pointsArb([-6, 3], [-8, 2]),
    unit: () => 1,
    model: rotatedModel,
  },
  {
    family: 'heterogeneous-quadratic',
    numRuns: 200,
    params: fc
      .tuple(spectrumParams(200), fc.integer({ min: 1, max: 16 }), log10(-3, 2))
      .map(([r, n, z]) => ({ ...spectrumBag(r), workers: n, heterogeneity: z })),
    points: pointsArb([-6, 3], [-8, 2]),
    unit: () => 1,
    model: (p: Problem) => nonNegativeTerms(p, 8),
  },
  {
    family: 'sum-cosh',
    numRuns: 300,
    params: fc
      .record({ d: fc.integer({ min: 1, max: 300 }), aLo: log10(-3, 3), bLo: log10(-2, 1.5), spread: fc.double({ min: 0, max: 1.5, noNaN: true }), seed: fc.nat({ max: 0xffffffff }) })
      .map((r) => ({
        d: r.d,
        a: positiveVector(r.d, r.seed, 11, r.aLo, r.spread),
        b: positiveVector(r.d, r.seed, 12, r.bLo, r.spread / 3),
        center: 'normal',
        seed: r.seed,
      })),
    points: pointsArb([-7, 1], [-9, 0.5]),
    unit: (p: Problem) => 1 / bmax(p),
    // t_i = b_i (x_i - c_i) with |t_i| <= (max_j b_j) |x_i - c_i| = L1 |x_i - c_i|: enough for the condition term.
    model: (p: Problem) => transcendentalModel(p, (x) => x.map((v, i) => bmax(p) * (v - p.constants.xStar![i]))),
  },
  {
    family: 'exp-sum',
    numRuns: 300,
    params: fc
      .record({ d: fc.integer({ min: 1, max: 300 }), aLo: log10(-3, 3), bLo: log10(-2, 1.5), spread: fc.double({ min: 0, max: 1.5, noNaN: true }), seed: fc.nat({ max: 0xffffffff }) })
      .map((r) => ({ d: r.d, a: positiveVector(r.d, r.seed, 11, r.aLo, r.spread), b: positiveVector(r.d, r.seed, 12, r.bLo, r.spread / 3) })),
    points: pointsArb([-7, 1], [-9, 0.5]),
    unit: (p: Problem) => 1 / bmax(p),
    base: () => undefined,
    model: (p: Problem) => transcendentalModel(p, (x) => x.map((v) => bmax(p) * v)),
  },
  {
    family: 'quartic-sum',
    numRuns: 300,
    params: fc
      .record({ d: fc.integer({ min: 1, max: 300 }), aLo: log10(-3, 3), spread: fc.double({ min: 0, max: 1.5, noNaN: true }), L1: log10(-3, 3), seed: fc.nat({ max: 0xffffffff }) })
      .map((r) => ({ d: r.d, a: positiveVector(r.d, r.seed, 11, r.aLo, r.spread), L1: r.L1, center: 'normal', seed: r.seed })),
    points: pointsArb([-5, 3], [-8, 2]),
    unit: () => 1,
    model: (p: Problem) => nonNegativeTerms(p, 10),
  },
  {
    family: 'logistic-synthetic',
    numRuns: 200,
    params: fc.record({
      m: fc.integer({ min: 1, max: 150 }),
      d: fc.integer({ min: 1, max: 60 }),
      lambda: fc.oneof(fc.constant(0), log10(-4, 1)),
      featureScale: log10(-2, 1),
      flip: fc.double({ min: 0, max: 0.5, noNaN: true }),
      seed: fc.nat({ max: 0xffffffff }),
    }),
    points: pointsArb([-4, 1.5], [-8, 1]),
    unit: () => 1,
    base: () => undefined,
    model: logisticModel,
  },
  {
    family: 'mushroom',
    numRuns: 100,
    params: fc.record({ lambda: fc.constantFrom(1e-2, 1, 10) }),
    points: pointsArb([-4, 1], [-8, 1]),
    unit: () => 1,
    base: () => undefined,
    model: logisticModel,
  },
  {
    family: 'logistic-regression',
    numRuns: 30,
    params: fc.record({ dataset: fc.constant('mushrooms'), lambda: fc.constantFrom(0.1, 3), bias: fc.constant(1), testFraction: fc.constant(0.5) }),
    points: pointsArb([-4, 1], [-8, 1]),
    unit: () => 1,
    base: () => undefined,
    model: logisticModel,
  },
  {
    // the same logistic loss, rows split over workers with label skew: f and its constants are the
    // full data's (the shards only change which rows each worker's oracle sees)
    family: 'sharded-logistic',
    numRuns: 30,
    params: fc.record({ dataset: fc.constant('mushrooms'), workers: fc.constantFrom(1, 16), skew: fc.constantFrom(0, 1), lambda: fc.constant(0.1) }),
    points: pointsArb([-4, 1], [-8, 1]),
    unit: () => 1,
    base: () => undefined,
    model: logisticModel,
  },
  {
    // non-smooth: only convexity (first-order inequality with the returned subgradient) and f* are declared
    family: 'nonsmooth-k19',
    numRuns: 300,
    params: fc.record({ eps: fc.double({ min: 1e-3, max: 0.999, noNaN: true }), kink: fc.constantFrom('zero', 'plus') }),
    points: pointsArb([-6, 2], [-8, 1]),
    unit: () => 1,
    // f = eps |fl(x1 + x2)| + |fl(x1 - x2)|: non-negative terms, each with relative rounding; g_i = eps s +- r, one rounding
    model: (p: Problem) => nonNegativeTerms(p, 3),
  },
];

/** Instances are cached by parameters (dataset families rebuild Gram matrices and Newton otherwise). */
const cache = new Map<string, Problem>();
function instance(family: string, params: Record<string, unknown>): Problem {
  const key = family + JSON.stringify(params);
  let p = cache.get(key);
  if (!p) {
    p = createProblem(family, params);
    cache.set(key, p);
  }
  return p;
}

function pairFor(a: Adapter, p: Problem, spec: PointSpec): [Float64Array, Float64Array] {
  const base = a.base ? a.base(p) : p.constants.xStar;
  return makePoints(p.d, spec, base, a.unit(p));
}

/** The constants the checks above read; `quoted` and `notes` are documentation, never checked. */
const CHECKED_CONSTANTS = new Set(['Lvec', 'L', 'Linf', 'L0', 'L1', 'convex', 'mu', 'fStar', 'xStar', 'fStarError']);
const UNCHECKED_CONSTANTS = new Set(['quoted', 'notes']);

describe('declared problem constants hold on random instances and pairs', () => {
  it('adapters exist only for registered families (each registered family is checked below)', () => {
    for (const a of adapters) expect(problemFamilies.has(a.family), a.family).toBe(true);
    expect(new Set(adapters.map((a) => a.family)).size).toBe(adapters.length);
  });

  for (const family of problemFamilies.all()) {
    const a = adapters.find((x) => x.family === family.id);
    if (!a) {
      it(`${family.id}: has an instance generator and a rounding model here`, () => {
        expect.fail(`no adapter for the registered family ${family.id}: add its parameters, points and error model to \`adapters\``);
      });
      continue;
    }
    it(`${a.family}: ${a.numRuns} random instances x pairs`, () => {
      fc.assert(
        fc.property(a.params, a.points, (params, spec) => {
          const p = instance(a.family, params);
          // every constant the instance declares is one the checks read (none passes unread)
          for (const k of Object.keys(p.constants)) expect(CHECKED_CONSTANTS.has(k) || UNCHECKED_CONSTANTS.has(k), `${a.family} declares ${k}`).toBe(true);
          const model = a.model(p);
          const [x, y] = pairFor(a, p, spec);
          const bad = violations(p, p.constants, model, x, y);
          for (let j = 0; j < p.workers && p.workers > 1; j++) bad.push(...violations(p, p.constants, model, x, y, j));
          expect(bad).toEqual([]);
        }),
        { numRuns: a.numRuns, seed: 0x5eed + a.family.length },
      );
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Power: a constant 10% too small (mu, fStar too large) is refuted where it is tight.

/**
 * Runs the checks with tampered constants and returns the violation of `target` found by fast-check
 * (undefined when none was found). The violation is recomputed on the counterexample so the tests can
 * assert it is a finite, genuine excess (lhs > rhs + tol), not a NaN.
 */
function refutes(
  family: string,
  params: fc.Arbitrary<Record<string, unknown>>,
  points: fc.Arbitrary<PointSpec>,
  tamper: (c: ProblemConstants) => ProblemConstants,
  target: string,
): Violation | undefined {
  const a = adapters.find((x) => x.family === family)!;
  const run = (bag: Record<string, unknown>, spec: PointSpec) => {
    const p = instance(family, bag);
    const [x, y] = pairFor(a, p, spec);
    return violations(p, tamper(p.constants), a.model(p), x, y).find((v) => v.check === target);
  };
  const result = fc.check(
    fc.property(params, points, (bag, spec) => run(bag, spec) === undefined),
    { numRuns: 300, seed: 99 },
  );
  return result.counterexample ? run(...result.counterexample) : undefined;
}

/** A refutation must be a finite excess beyond the rounding tolerance. */
function expectGenuine(v: Violation | undefined): void {
  expect(v).toBeDefined();
  expect(Number.isFinite(v!.lhs) && Number.isFinite(v!.rhs) && Number.isFinite(v!.tol)).toBe(true);
  expect(v!.lhs).toBeGreaterThan(v!.rhs + v!.tol);
}

describe('power: the checks refute constants that are 10% too small', () => {
  const smallSep = fc
    .record({ d: fc.integer({ min: 1, max: 4 }), spectrum: fc.constantFrom('power-law', 'ill-conditioned'), seed: fc.nat({ max: 1000 }) })
    .map((r) => ({ ...r, center: 'normal' }));

  it('Lvec * 0.9 on a separable quadratic', () => {
    expectGenuine(refutes('separable-quadratic', smallSep, pointsArb([-2, 2], [-3, 1]), (c) => ({ ...c, Lvec: c.Lvec!.map((v) => 0.9 * v) }), 'Lvec'));
  });

  it('L * 0.9 on a separable quadratic (axis direction of the stiffest coordinate)', () => {
    expectGenuine(refutes('separable-quadratic', smallSep, pointsArb([-2, 2], [-3, 1], ['axis']), (c) => ({ ...c, L: 0.9 * c.L! }), 'L'));
  });

  it('Linf * 0.9 on a separable quadratic (sign directions)', () => {
    expectGenuine(refutes('separable-quadratic', spectrumParams(300).map(spectrumBag), pointsArb([-2, 2], [-3, 1], ['sign']), (c) => ({ ...c, Linf: 0.9 * c.Linf! }), 'Linf'));
  });

  it('Linf * 0.9 on a rotated quadratic with exact Linf (d <= 3: few sign vectors)', () => {
    const params = fc.record({ d: fc.integer({ min: 1, max: 3 }), spectrum: fc.constant('power-law'), seed: fc.nat({ max: 1000 }) });
    expectGenuine(refutes('rotated-quadratic', params, pointsArb([-2, 2], [-3, 1], ['sign']), (c) => ({ ...c, Linf: 0.9 * c.Linf! }), 'Linf'));
  });

  it('L0 * 0.9 on sum-cosh (near the minimiser)', () => {
    const params = fc.record({ d: fc.integer({ min: 1, max: 3 }), a: log10(-1, 1), b: log10(-1, 1) });
    expectGenuine(refutes('sum-cosh', params, pointsArb([-6, 0], [-6, -1]), (c) => ({ ...c, L0: 0.9 * c.L0! }), 'L0L1'));
  });

  it('L1 * 0.9 on sum-cosh (far from the minimiser, where cosh ~ |sinh|)', () => {
    const params = fc.record({ d: fc.constant(1), a: log10(-1, 1), b: log10(-1, 1) });
    expectGenuine(refutes('sum-cosh', params, pointsArb([0.5, 1.2], [-6, -2]), (c) => ({ ...c, L1: 0.9 * c.L1! }), 'L0L1'));
  });

  it('L1 * 0.9 on exp-sum (e^x: L0 = 0, close pairs)', () => {
    const params = fc.record({ d: fc.constant(1), b: log10(-1, 1) });
    expectGenuine(refutes('exp-sum', params, pointsArb([-2, 0.5], [-6, -1.5]), (c) => ({ ...c, L1: 0.9 * c.L1! }), 'L0L1'));
  });

  it('mu * 1.1 on a separable quadratic', () => {
    expectGenuine(refutes('separable-quadratic', smallSep, pointsArb([-2, 2], [-3, 1], ['axis']), (c) => ({ ...c, mu: 1.1 * c.mu! }), 'mu'));
  });

  it('fStar raised by 10% of its scale on a heterogeneous quadratic', () => {
    const params = fc.record({ d: fc.integer({ min: 1, max: 5 }), workers: fc.integer({ min: 2, max: 4 }), seed: fc.nat({ max: 1000 }) });
    expectGenuine(refutes('heterogeneous-quadratic', params, pointsArb([-6, -3], [-3, 0]), (c) => ({ ...c, fStar: c.fStar! * 1.1 }), 'fStar'));
  });

  it('convexity declared on a non-convex function (sum cos x_i) is refuted', () => {
    const d = 3;
    const fake: Problem = {
      id: 'fake',
      name: 'fake',
      summary: 'sum cos',
      d,
      workers: 1,
      params: {},
      constants: { convex: true },
      f: (x) => sum(x.map(Math.cos)),
      grad: (x, out) => out.set(x.map((v) => -Math.sin(v))),
      gradWorker: (x, _w, out) => out.set(x.map((v) => -Math.sin(v))),
      x0: () => new Float64Array(d),
    };
    const model: ErrorModel = { fErr: (x) => gamma(d + 8) * sum(abs(x.map(Math.cos))), gErr: (x) => abs(x.map(Math.sin)).map((v) => gamma(8) * v) };
    const run = (spec: PointSpec) => {
      const [x, y] = makePoints(d, spec, undefined, 1);
      return violations(fake, fake.constants, model, x, y).find((v) => v.check === 'convex');
    };
    const result = fc.check(
      fc.property(pointsArb([-1, 1], [-2, 0.5]), (spec) => run(spec) === undefined),
      { numRuns: 300, seed: 3 },
    );
    expectGenuine(result.counterexample ? run(...result.counterexample) : undefined);
  });
});
