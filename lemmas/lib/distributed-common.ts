import fc from 'fast-check';
import { evalExpr, parseExpr } from '../../src/algorithms/expr.ts';
import type { Problem } from '../../src/problems/types.ts';

/**
 * Shared pieces of the distributed lemmas (S_R, MVSM v2's server, majority vote).
 *
 * Exact probability of a compare-with-uniform message. The step programs draw S_R(v) as
 * 2 pos(p - u) - 1 with u = (w + 1/2) 2^-32, w a Philox word (src/algorithms/expr.ts `rand`,
 * src/engine/compile-cpu.ts). In float64, p - u > 0 iff p > u (a difference of two doubles is 0 only
 * when they are equal), and p > (w + 1/2) 2^-32 iff w < p 2^32 - 1/2 (both sides exact: p 2^32 is a
 * power-of-two scaling and p 2^32 <= 2^32 leaves ulp <= 2^-20). So, with w uniform on the 2^32
 * words (the Philox model), P(+1) = clamp(ceil(p 2^32 - 1/2), 0, 2^32) / 2^32 exactly.
 */
export function compareProbability(p: number): number {
  const c = Math.ceil(p * 4294967296 - 0.5);
  return Math.min(4294967296, Math.max(0, c)) / 4294967296;
}

/** Largest |P(+1) - p| from the 2^32-point uniform: |ceil(x - 1/2) - x| <= 1/2, i.e. 2^-33. */
export const DISCRETIZATION = 2 ** -33;

const parsedCache = new Map<string, ReturnType<typeof parseExpr>>();
/** Evaluates a probability expression of the step-program language in float64, as the engine does. */
export function evalProbability(expr: string, env: Readonly<Record<string, number>>): number {
  let e = parsedCache.get(expr);
  if (!e) parsedCache.set(expr, (e = parseExpr(expr)));
  return evalExpr(e, env);
}

/** Exact P(+1) of the message 2 pos(p - rand) - 1 whose probability expression is `expr`. */
export function messageProbability(expr: string, env: Readonly<Record<string, number>>): number {
  return compareProbability(evalProbability(expr, env));
}

/**
 * A problem whose stochastic gradients are constant: worker j's gradient is rows[j] at every x
 * (f_j(x) = <rows[j], x>, linear). With lr = 1 and x_0 = 0 a sign method's iterate is minus the sum
 * of its messages, so x_T / T estimates the expected message. Test harness only (f is unbounded).
 */
export function constantGradientProblem(rows: readonly (readonly number[])[]): Problem {
  const n = rows.length;
  const d = rows[0].length;
  const R = rows.map((r) => Float64Array.from(r));
  const mean = new Float64Array(d);
  for (const r of R) for (let i = 0; i < d; i++) mean[i] += r[i] / n;
  return {
    id: 'constant-gradient',
    name: `constant-gradient(d=${d}, n=${n})`,
    summary: 'f_j(x) = <c_j, x>: constant gradients (lemma harness)',
    d,
    workers: n,
    params: { d, workers: n },
    constants: { convex: true, notes: ['linear: unbounded below; only for message statistics'] },
    f: (x) => {
      let s = 0;
      for (let i = 0; i < d; i++) s += mean[i] * x[i];
      return s;
    },
    grad: (_x, out) => out.set(mean),
    gradWorker: (_x, j, out) => out.set(R[j]),
    x0: () => new Float64Array(d),
  };
}

/**
 * Two-sided Hoeffding half-width for the mean of T i.i.d. variables in [-1, 1]:
 * P(|mean - E| >= eps) <= 2 exp(-T eps^2 / 2), so eps = sqrt(2 ln(2/delta) / T).
 */
export function hoeffdingHalfWidth(T: number, delta: number): number {
  return Math.sqrt((2 * Math.log(2 / delta)) / T);
}

/** q in [-1, 1] with the corners (0, +-1, tiny, round values) weighted in. */
export const unitArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(0, 1, -1, 0.5, -0.5, 1e-12, -1e-12) },
  { weight: 4, arbitrary: fc.double({ min: -1, max: 1, noNaN: true }) },
);

/** R = 10^e, e in [-6, 6] (integers) or any double in [1e-3, 1e3]. */
export const scaleArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -6, max: 6 }).map((e) => 10 ** e),
  fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
);
