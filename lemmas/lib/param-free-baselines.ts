import fc from 'fast-check';
import { coordArb, coordsArb, type Coord, type ProblemSpec } from '../../src/lemmas/domains.ts';
import { norm2, normInf, UNIT_ROUNDOFF as U } from '../../src/core/numerics.ts';
import type { Outcome } from '../../src/lemmas/types.ts';
import type { Problem } from '../../src/problems/types.ts';
import { movesAway, notMushroom, observeRun, problemAndStart, stepsFor, type ObservedRun } from './alias-common.ts';

/**
 * Shared pieces of the invariants of the parameter-free baselines (src/algorithms/baselines.ts),
 * checked along real runs of the registered programs with exact gradients: the instances, x* with
 * its error bound, the worst step of a run, memoised evaluations and the observed runs. Used by
 * lemmas/param-free-prodigy-dhat.ts, param-free-dadapt-sgd-dhat.ts, param-free-dog-rbar.ts and
 * param-free-momo-tau.ts.
 */

/** Families with a known minimiser x* (exp-sum has none; Mushroom left out for cost). */
export const withMinimiser = (s: ProblemSpec) => s.family !== 'exp-sum' && notMushroom(s);

/** A run of one baseline: problem, x_0 = x* + 10^e z, a few method settings (indices into fixed lists), T. */
export interface BaselineInstance {
  readonly problem: ProblemSpec;
  readonly e: number;
  /** log10 of d0 (Prodigy, D-Adaptation), of reps_rel (DoG), of lr (MoMo). */
  readonly j: number;
  /** Index into the method's settings list. */
  readonly option: number;
  readonly T: number;
  readonly coords: Coord[];
}

/** Instances of one baseline: the problems given, e in [-3, 3], j in the range given, an option index, T in [2, 40]. */
export function instanceArb(problems: fc.Arbitrary<ProblemSpec>, j: [number, number], options: number): fc.Arbitrary<BaselineInstance> {
  return fc
    .record({
      problem: problems,
      e: fc.integer({ min: -3, max: 3 }),
      j: fc.integer({ min: j[0], max: j[1] }),
      option: fc.integer({ min: 0, max: options - 1 }),
      T: fc.integer({ min: 2, max: 40 }),
      coords: coordsArb(coordArb, 1200),
    })
    .filter(movesAway);
}

/** x*, and a bound on the error of a numerically computed x* (||grad f(x~*)||_2 / mu), 0 when f* is exact. */
export function minimiser(p: Problem): { xs: Float64Array; err2: number } {
  const xs = p.constants.xStar!;
  if (!(p.constants.fStarError ?? 0)) return { xs, err2: 0 };
  const g = new Float64Array(p.d);
  p.grad(xs, g);
  const mu = p.constants.mu ?? 0;
  if (!(mu > 0)) throw new Error(`${p.name}: numerical x* without a strong-convexity modulus`);
  return { xs, err2: (1 + 1e-12) * (norm2(g) / mu) + 4 * U * normInf(xs) * Math.sqrt(p.d) };
}

/** One evaluated step: its outcome and tolerance. */
export interface Eval {
  readonly outcome: Outcome;
  readonly tol: number;
}

/** Keeps the step with the largest (lhs - rhs - tol) / scale (relation '<='), or the largest |lhs - rhs| - tol ('='). */
export class Worst {
  best: Eval | null = null;
  private score = -Infinity;
  add(lhs: number, rhs: number, tol: number, relation: '<=' | '=', detail: Record<string, number>): void {
    const scale = Math.abs(lhs) + Math.abs(rhs) || 1;
    const s = (relation === '<=' ? lhs - rhs - tol : Math.abs(lhs - rhs) - tol) / scale;
    if (s > this.score) {
      this.score = s;
      this.best = { outcome: { lhs, rhs, detail }, tol };
    }
  }
  get(): Eval {
    if (!this.best) throw new Error('no step to check');
    return this.best;
  }
}

/** Memoises an evaluation per instance (by identity) and key, so check and tolerance share one run. */
export function memo<K extends object>(f: (k: K, key: string) => Eval): (k: K, key: string) => Eval {
  const cache = new WeakMap<K, Map<string, Eval>>();
  return (k, key) => {
    let m = cache.get(k);
    if (!m) cache.set(k, (m = new Map()));
    let e = m.get(key);
    if (!e) m.set(key, (e = f(k, key)));
    return e;
  };
}

/** Runs the registered program `id` with `hyper` on the instance (observing the named state vectors). */
export function runOf(id: string, hyper: Record<string, number>, inst: BaselineInstance, vectors: string[] = []): ObservedRun {
  const { p, x0 } = problemAndStart(inst.problem, inst.coords, inst.e);
  return observeRun(id, hyper, p, x0, stepsFor(inst.T, p.d, inst.problem.family), vectors);
}

