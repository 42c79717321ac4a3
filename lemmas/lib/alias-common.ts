import fc from 'fast-check';
import { algorithms } from '../../src/algorithms/index.ts';
import { runCpu } from '../../src/engine/cpu.ts';
import { buildProblem, coordsArb, familyDomain, pointOf, specDim, type Coord, type ProblemSpec } from '../../src/lemmas/domains.ts';
import type { Problem } from '../../src/problems/types.ts';

/**
 * Shared machinery of the lemmas checked along real runs of the registered step programs (ALIAS and
 * the parameter-free baselines): the engine runs the algorithm with exact gradients from
 * x^0 = x* + s z (s = 10^e, capped by the family), and its `observe` hook records every iterate and
 * the program's scalars (and chosen vectors) after each step. The lemma then checks the program's
 * own internal quantities (d~^t, eta increments, d-hat, r-bar, tau), not a re-implementation.
 */
export interface ObservedRun {
  readonly p: Problem;
  readonly d: number;
  readonly T: number;
  /** Iterates x^0 .. x^T (x^t is the point where step t took its gradient). */
  readonly xs: readonly Float64Array[];
  /** Scalars after step t = 0..T-1. */
  readonly S: ReadonlyArray<Readonly<Record<string, number>>>;
  /** Recorded vectors after step t (copies), by name. */
  readonly V: ReadonlyArray<Readonly<Record<string, Float64Array>>>;
}

/** Runs `algorithm` with `hyper` for T steps from x0 (exact gradients), recording `vectors` after each step. */
export function observeRun(algorithm: string, hyper: Record<string, number | string>, p: Problem, x0: Float64Array, T: number, vectors: readonly string[] = []): ObservedRun {
  const xs: Float64Array[] = [Float64Array.from(x0)];
  const S: Record<string, number>[] = [];
  const V: Record<string, Float64Array>[] = [];
  runCpu(
    { algorithm: algorithms.get(algorithm), hyper, problem: p, noise: null, T, workers: p.workers, replicas: 1, seed: 1, x0 },
    {
      observe: (s) => {
        xs.push(Float64Array.from(s.V.x));
        S.push(Object.fromEntries(Object.entries(s.S).map(([k, v]) => [k, v[0]])));
        V.push(Object.fromEntries(vectors.map((name) => [name, Float64Array.from(s.V[name])])));
      },
    },
  );
  return { p, d: p.d, T, xs, S, V };
}

/**
 * Steps actually run: T capped so that T d <= budget (at least 2); on the Mushroom data set (a full
 * pass over 6.5k rows per gradient, with the rounding model another) at most 3, to keep the 200-run
 * checks within seconds.
 */
export function stepsFor(T: number, d: number, family = '', budget = 20000): number {
  const cap = family === 'mushroom' ? 3 : Math.floor(budget / d);
  return Math.max(2, Math.min(T, cap));
}

/** The problem and starting point of an instance: d from the coordinates, x^0 = x* + s z. */
export function problemAndStart(spec: ProblemSpec, coords: readonly Coord[], e: number): { p: Problem; x0: Float64Array; s: number } {
  const d = specDim(spec, coords.length);
  const p = buildProblem(spec, d);
  const x0 = pointOf(p, spec, coords, e);
  const s = Math.min(10 ** e, familyDomain(spec).coordCap(spec));
  return { p, x0, s };
}

/** Problem-spec filter: every family but the Mushroom data set (cost; see stepsFor). */
export function notMushroom(spec: ProblemSpec): boolean {
  return spec.family !== 'mushroom';
}

/** ALIAS variants the lemmas range over (weight decay 0, exact gradients). */
export const ALIAS_VARIANTS = ['alias', 'alias-ii', 'alias-momentum', 'alias-ii-momentum', 'alias-me', 'alias-ii-me'] as const;
export type AliasVariantId = (typeof ALIAS_VARIANTS)[number];

/**
 * An ALIAS run instance: problem, x^0 = x* + 10^e z, first step gamma0 = 10^k s, d^0 = 10^j (Option I)
 * or ftilde = f* - 10^j (Option II), momentum mu, T steps.
 */
export interface AliasInstance {
  readonly problem: ProblemSpec;
  readonly variant: AliasVariantId;
  readonly e: number;
  readonly k: number;
  readonly j: number;
  readonly mu: number;
  readonly T: number;
  readonly coords: Coord[];
}

/** Instances of every ALIAS variant on the given problem specs, with points from `coord`. */
export function aliasInstanceArb(problems: fc.Arbitrary<ProblemSpec>, coord: fc.Arbitrary<Coord>, e: [number, number] = [-4, 4]): fc.Arbitrary<AliasInstance> {
  return fc
    .record({
    problem: problems,
    variant: fc.constantFrom(...ALIAS_VARIANTS),
    e: fc.integer({ min: e[0], max: e[1] }),
    k: fc.integer({ min: -6, max: 0 }),
    j: fc.integer({ min: -8, max: 3 }),
    mu: fc.constantFrom(0.5, 0.9, 0.99),
    T: fc.integer({ min: 2, max: 40 }),
    coords: coordsArb(coord, 1200),
    })
    .filter(movesAway);
}

/**
 * Excludes the degenerate start x^0 = x* (every coordinate of z that the problem uses is 0, or so
 * small that x* + s z rounds to x*: nothing moves and every claim holds with equality 0 = 0, which
 * would read as "tight"). Some |z_i| >= 2^-20 with s >= 10^-4 moves x^0 by >= 1e-10, far above the
 * spacing of doubles near any centre the families draw (|c| <= ~1e3). 40 is the smallest maximal
 * dimension of the families (rotated quadratics), so the first 40 entries are always used.
 */
export function movesAway(inst: { readonly coords: readonly Coord[] }): boolean {
  return inst.coords.slice(0, 40).some((c) => Math.abs(c.z) >= 2 ** -20);
}

/** The hyperparameters an instance runs with. */
export function aliasHyper(inst: AliasInstance, p: Problem, s: number): Record<string, number> {
  const h: Record<string, number> = { gamma0: 10 ** inst.k * s };
  if (inst.variant === 'alias' || inst.variant === 'alias-momentum' || inst.variant === 'alias-me') h.d0 = 10 ** inst.j;
  else h.flow = (p.constants.fStar ?? 0) - (p.constants.fStarError ?? 0) - 10 ** inst.j;
  if (inst.variant.endsWith('momentum')) h.mu = inst.mu;
  return h;
}

/** The vector whose sign is the direction step t took (recorded after step t). */
export function directionVector(variant: AliasVariantId): string {
  if (variant.endsWith('momentum')) return 'm';
  if (variant.endsWith('-me')) return 'sp';
  return 'gp';
}

const runs = new WeakMap<AliasInstance, ObservedRun>();

/** Runs an ALIAS instance (cached per instance object). */
export function runAliasInstance(inst: AliasInstance): ObservedRun {
  const hit = runs.get(inst);
  if (hit) return hit;
  const { p, x0, s } = problemAndStart(inst.problem, inst.coords, inst.e);
  const r = observeRun(inst.variant, aliasHyper(inst, p, s), p, x0, stepsFor(inst.T, p.d, inst.problem.family), [directionVector(inst.variant)]);
  runs.set(inst, r);
  return r;
}
