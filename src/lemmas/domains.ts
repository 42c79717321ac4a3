import fc from 'fast-check';
import { createProblem } from '../problems/index.ts';
import type { Problem } from '../problems/types.ts';

/**
 * Building blocks of lemma domains: JSON-able problem specifications drawn from every registered
 * family that declares the constants a lemma needs, dimensions from 1 to 1200 (biased to small),
 * unit vectors with adversarial entries (zeros, exact ties +-1, subnormals), log-uniform scales, and
 * the "v relative to g" modes that reach the equality cases of the sign lemmas.
 *
 * Instances carry no Float64Arrays and no closures: a counterexample prints as JSON and replays
 * through the same arbitrary (fast-check seed + path).
 */

/** Constants a lemma can require of a problem (ProblemConstants fields). */
export type Needs = 'Lvec' | 'L' | 'Linf' | 'L0L1' | 'fStar';

/** A problem instance by family id and parameters (validated by the family when built). */
export interface ProblemSpec {
  readonly family: string;
  /** Family parameters except d (d comes from the instance's coordinate list, see {@link specDim}). */
  readonly params: Readonly<Record<string, number | string>>;
}

interface FamilyDomain {
  readonly family: string;
  readonly provides: readonly Needs[];
  /** Largest dimension drawn (cost of building / evaluating). */
  readonly maxD: number;
  /** Fixed dimension (data sets). */
  readonly fixedD?: number;
  /** Parameters (d excluded). */
  readonly params: fc.Arbitrary<Record<string, number | string>>;
  /** Parameters passed to the family at dimension d (adds d, clamps d-dependent ones). */
  finalize(params: Readonly<Record<string, number | string>>, d: number): Record<string, number | string>;
  /** Largest safe |x_i - c_i| (overflow guard for exponential families). */
  coordCap(spec: ProblemSpec): number;
  /** Relative weight among the families a lemma admits. */
  readonly weight: number;
}

const pow10 = (lo: number, hi: number): fc.Arbitrary<number> => fc.integer({ min: lo, max: hi }).map((e) => 10 ** e);
/** Construction seeds 0..7: enough variety of rotations / data / centers, and built problems are reused (cache). */
const seedArb = fc.integer({ min: 0, max: 7 });
const centerArb: fc.Arbitrary<Record<string, number | string>> = fc.oneof(
  fc.constant({ center: 0 }),
  fc.record({ center: fc.constant('normal'), centerScale: pow10(-2, 2) }),
);

/**
 * Spectrum parameters of the quadratic families (uniform / ill-conditioned / power-law / sparse);
 * the sparse k is clamped to d when the problem is built.
 */
const spectrumArb: fc.Arbitrary<Record<string, number | string>> = fc.oneof(
  fc.record({ spectrum: fc.constant('uniform'), scale: pow10(-3, 3) }),
  fc.record({ spectrum: fc.constant('ill-conditioned'), scale: pow10(-3, 3), kappa: pow10(0, 6) }),
  fc.record({ spectrum: fc.constant('power-law'), scale: pow10(-3, 3), alpha: fc.constantFrom(0, 0.5, 1, 2) }),
  fc.record({ spectrum: fc.constant('sparse'), scale: pow10(-3, 3), kappa: pow10(0, 6), k: fc.integer({ min: 0, max: 1200 }) }),
);

const withD = (params: Readonly<Record<string, number | string>>, d: number): Record<string, number | string> => {
  const out: Record<string, number | string> = { ...params, d };
  if (typeof out.k === 'number') out.k = Math.min(out.k, d);
  return out;
};

const merge = (...parts: fc.Arbitrary<Record<string, number | string>>[]): fc.Arbitrary<Record<string, number | string>> =>
  fc.tuple(...parts).map((ps) => Object.assign({}, ...ps));

/** Isotropic separable quadratics 1/2 s ||x - c||^2 (the equality corner of several sign-step lemmas). */
export const isotropicQuadraticSpecArb: fc.Arbitrary<ProblemSpec> = merge(
  fc.record({ spectrum: fc.constant('uniform'), scale: pow10(-3, 3) }),
  centerArb,
  fc.record({ seed: seedArb }),
).map((params) => ({ family: 'separable-quadratic', params }));

/** The families lemma domains draw from, with the constants each declares. */
export const FAMILY_DOMAINS: readonly FamilyDomain[] = [
  {
    family: 'separable-quadratic',
    provides: ['Lvec', 'L', 'Linf', 'L0L1', 'fStar'],
    maxD: 1200,
    weight: 4,
    params: merge(spectrumArb, centerArb, fc.record({ seed: seedArb })),
    finalize: withD,
    coordCap: () => Infinity,
  },
  {
    family: 'rotated-quadratic',
    provides: ['Lvec', 'L', 'Linf', 'L0L1', 'fStar'],
    maxD: 40,
    weight: 2,
    params: merge(spectrumArb, centerArb, fc.record({ seed: seedArb })),
    finalize: withD,
    coordCap: () => Infinity,
  },
  {
    family: 'heterogeneous-quadratic',
    provides: ['Lvec', 'L', 'Linf', 'L0L1', 'fStar'],
    maxD: 1000,
    weight: 1,
    finalize: withD,
    params: merge(
        spectrumArb,
        centerArb,
        fc.record({ seed: seedArb, workers: fc.integer({ min: 1, max: 6 }), heterogeneity: fc.oneof(fc.constant(0), pow10(-2, 1)) }),
      ),
    coordCap: () => Infinity,
  },
  {
    family: 'logistic-synthetic',
    provides: ['Lvec', 'L', 'Linf', 'L0L1', 'fStar'],
    maxD: 40,
    weight: 1,
    finalize: withD,
    params: fc.record({
        m: fc.integer({ min: 1, max: 40 }),
        lambda: pow10(-3, 0),
        featureScale: pow10(-1, 1),
        flip: fc.constantFrom(0, 0.1, 0.5),
        seed: seedArb,
      }),
    coordCap: () => Infinity,
  },
  {
    family: 'mushroom',
    provides: ['Lvec', 'L', 'Linf', 'L0L1', 'fStar'],
    maxD: 112,
    fixedD: 112,
    weight: 1,
    // The paper's lambda = 1 only: building the set-up and its certified optimum takes ~0.5 s.
    params: fc.record({ lambda: fc.constant(1) }),
    finalize: (params) => ({ ...params }),
    coordCap: () => Infinity,
  },
  {
    family: 'sum-cosh',
    provides: ['L0L1', 'fStar'],
    maxD: 1200,
    weight: 2,
    params: merge(fc.record({ a: pow10(-2, 2), b: pow10(-2, 1) }), centerArb, fc.record({ seed: seedArb })),
    finalize: withD,
    // |b (x - c)| <= 40 keeps cosh below 1.2e17 and every product finite.
    coordCap: (s) => 40 / Number(s.params.b),
  },
  {
    family: 'exp-sum',
    provides: ['L0L1', 'fStar'],
    maxD: 1200,
    weight: 2,
    params: fc.record({ a: pow10(-2, 2), b: pow10(-2, 1), seed: seedArb }),
    finalize: withD,
    coordCap: (s) => 40 / Number(s.params.b),
  },
  {
    family: 'quartic-sum',
    provides: ['L0L1', 'fStar'],
    maxD: 1200,
    weight: 1,
    params: merge(fc.record({ a: pow10(-2, 2), L1: pow10(-1, 1) }), centerArb, fc.record({ seed: seedArb })),
    finalize: withD,
    // (x - c)^4 stays finite for |x - c| <= 1e60.
    coordCap: () => 1e60,
  },
];

/**
 * Per-coordinate data of an instance as one array, so that d = its length and shrinking removes
 * coordinates: lengths 1..8 (weight 5), 1..64 (3), 1..max spread over the whole range (2; about
 * one draw in six of these has d >= 1000 when max = 1200, so ~3% of all draws). Every branch has
 * minimum length 1, so counterexamples shrink to the smallest dimension that still fails.
 */
export function coordsArb<T>(coord: fc.Arbitrary<T>, max = 1200): fc.Arbitrary<T[]> {
  const parts: { arbitrary: fc.Arbitrary<T[]>; weight: number }[] = [{ arbitrary: fc.array(coord, { minLength: 1, maxLength: Math.min(8, max) }), weight: 5 }];
  if (max > 8) parts.push({ arbitrary: fc.array(coord, { minLength: 1, maxLength: Math.min(64, max), size: 'max' }), weight: 3 });
  if (max > 64) parts.push({ arbitrary: fc.array(coord, { minLength: 1, maxLength: max, size: 'max' }), weight: 2 });
  return fc.oneof(...parts);
}

/** Problem specs from every family providing all of `needs` (weighted by the families' weights). */
export function problemSpecArb(needs: readonly Needs[]): fc.Arbitrary<ProblemSpec> {
  const admitted = FAMILY_DOMAINS.filter((f) => needs.every((n) => f.provides.includes(n)));
  if (admitted.length === 0) throw new Error(`no problem family provides ${needs.join(', ')}`);
  return fc.oneof(
    ...admitted.map((f) => ({ weight: f.weight, arbitrary: f.params.map((params) => ({ family: f.family, params }) as ProblemSpec) })),
  );
}

/** Families admitted for `needs`, by id (for the declarations' `families` text). */
export function familiesProviding(needs: readonly Needs[]): string[] {
  return FAMILY_DOMAINS.filter((f) => needs.every((n) => f.provides.includes(n))).map((f) => f.family);
}

/** The dimension of a spec's problem given n coordinates drawn: the family's fixed d, else min(n, maxD). */
export function specDim(spec: ProblemSpec, n: number): number {
  const f = familyDomain(spec);
  return f.fixedD ?? Math.min(n, f.maxD);
}

/**
 * Coordinate i of a per-coordinate array for a problem of dimension d: arrays longer than d are cut
 * (families with a maximum dimension), shorter ones cycle (families with a fixed dimension).
 */
export function coord<T>(arr: readonly T[], i: number): T {
  return arr[i % arr.length];
}

const built = new Map<string, Problem>();
const BUILT_MAX = 64;

/** Builds (and caches, least recently used out, by JSON of the spec and d) the problem of a spec at dimension d. */
export function buildProblem(spec: ProblemSpec, d: number): Problem {
  const key = `${d}|${JSON.stringify(spec)}`;
  const hit = built.get(key);
  if (hit) {
    built.delete(key);
    built.set(key, hit);
    return hit;
  }
  const p = createProblem(spec.family, familyDomain(spec).finalize(spec.params, d));
  if (p.d !== d) throw new Error(`${spec.family}: built d = ${p.d}, expected ${d}`);
  if (built.size >= BUILT_MAX) built.delete(built.keys().next().value as string);
  built.set(key, p);
  return p;
}

/** The family domain of a spec. */
export function familyDomain(spec: ProblemSpec): FamilyDomain {
  const f = FAMILY_DOMAINS.find((x) => x.family === spec.family);
  if (!f) throw new Error(`unknown family ${spec.family}`);
  return f;
}

/**
 * Entries of unit vectors: exact 0 (weight 1), exact +-1 (ties, weight 1), multiples of 1/64 in
 * [-1, 1] (weight 3; counterexamples shrink to short decimals), any double in [-1, 1] (weight 1;
 * fast-check's bias adds -0, subnormals and the bounds).
 */
export const unitEntryArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constant(0), weight: 1 },
  { arbitrary: fc.constantFrom(1, -1), weight: 1 },
  { arbitrary: fc.integer({ min: -64, max: 64 }).map((k) => k / 64), weight: 3 },
  { arbitrary: fc.double({ min: -1, max: 1, noNaN: true }), weight: 1 },
);

/** One coordinate of a point-and-estimate instance: z (the point), m (mask of the estimate mode), w (its free vector). */
export interface Coord {
  readonly z: number;
  readonly m: boolean;
  readonly w: number;
}

export const coordArb: fc.Arbitrary<Coord> = fc.record({ z: unitEntryArb, m: fc.boolean(), w: unitEntryArb });

/** Nonzero entries (grid multiples of 1/64 and +-1): gradients with no zero coordinate, for equality corners. */
export const nonzeroEntryArb: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(1, -1),
  fc.integer({ min: 1, max: 64 }).chain((k) => fc.constantFrom(k / 64, -k / 64)),
);

/** Coordinates with nonzero z (the mask and w stay free). */
export const nonzeroCoordArb: fc.Arbitrary<Coord> = fc.record({ z: nonzeroEntryArb, m: fc.boolean(), w: unitEntryArb });

/** x = c + s z with c = xStar (or 0) and s = min(10^e, the family's overflow cap). */
export function pointOf(problem: Problem, spec: ProblemSpec, coords: readonly Coord[], e: number): Float64Array {
  const c = problem.constants.xStar;
  const s = Math.min(10 ** e, familyDomain(spec).coordCap(spec));
  const x = new Float64Array(problem.d);
  for (let i = 0; i < problem.d; i++) x[i] = (c ? c[i] : 0) + s * coord(coords, i).z;
  return x;
}

/**
 * How a vector v (an estimate of g) is formed from the true gradient g, with the per-coordinate mask
 * m and free vector w of the instance's coordinates:
 * - exact: v = g;  - flip: v_i = -g_i on the mask;  - zero: v_i = 0 on the mask (equality case of
 *   the sign-mismatch lemma);  - tiny-opposite: v_i = -10^-k g_i on the mask (equality limit of the
 *   inner-product form);  - perturb: v = g + 10^-k ||g||_inf w;  - independent: v = 10^(k-6) ||g||_inf w
 *   (10^(k-6) w when g = 0).
 */
export interface EstimateSpec {
  readonly mode: 'exact' | 'flip' | 'zero' | 'tiny-opposite' | 'perturb' | 'independent';
  readonly k: number;
}

export const estimateArb: fc.Arbitrary<EstimateSpec> = fc.record({
  mode: fc.constantFrom('exact', 'flip', 'zero', 'tiny-opposite', 'perturb', 'independent') as fc.Arbitrary<EstimateSpec['mode']>,
  k: fc.integer({ min: 0, max: 14 }),
});

/** v from g per {@link EstimateSpec}. */
export function estimateOf(g: ArrayLike<number>, e: EstimateSpec, coords: readonly Coord[]): Float64Array {
  const d = g.length;
  const v = Float64Array.from(g);
  let gInf = 0;
  for (let i = 0; i < d; i++) gInf = Math.max(gInf, Math.abs(g[i]));
  const ref = gInf > 0 ? gInf : 1;
  for (let i = 0; i < d; i++) {
    const { m, w } = coord(coords, i);
    switch (e.mode) {
      case 'exact':
        break;
      case 'flip':
        if (m) v[i] = -g[i];
        break;
      case 'zero':
        if (m) v[i] = 0;
        break;
      case 'tiny-opposite':
        if (m) v[i] = -(10 ** -e.k) * g[i];
        break;
      case 'perturb':
        v[i] = g[i] + 10 ** -e.k * gInf * w;
        break;
      case 'independent':
        v[i] = 10 ** (e.k - 6) * ref * w;
        break;
    }
  }
  return v;
}
