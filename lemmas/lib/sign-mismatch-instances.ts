import fc from 'fast-check';
import { coordArb, coordsArb, estimateArb, estimateOf, type Coord, type EstimateSpec } from '../../src/lemmas/domains.ts';
import { ETA, gamma, sgn } from '../../src/core/numerics.ts';
import type { Outcome } from '../../src/lemmas/types.ts';

/**
 * Instances, evaluation and tolerance shared by the sign-mismatch lemmas (lemmas/sign-mismatch.ts,
 * lemmas/sign-mismatch-inner.ts): a vector g and an estimate v of it (P1 App. A, proof of Thm 1).
 */

/** g = 10^e z (z from the coordinates) and an estimate v of g (see EstimateSpec). */
export interface SignMismatchInstance {
  readonly e: number;
  readonly v: EstimateSpec;
  readonly coords: Coord[];
}

/** The instances: e in [-30, 30], an estimate mode, up to 1200 coordinates. */
export const domain: fc.Arbitrary<SignMismatchInstance> = fc.record({
  e: fc.integer({ min: -30, max: 30 }),
  v: estimateArb,
  coords: coordsArb(coordArb, 1200),
});

/** g = 10^e z and the estimate v of the instance. */
export function vectors(inst: SignMismatchInstance): { g: Float64Array; v: Float64Array } {
  const s = 10 ** inst.e;
  const g = Float64Array.from(inst.coords, (c) => s * c.z);
  return { g, v: estimateOf(g, inst.v, inst.coords) };
}

/** sum_i |g_i| 1[sign g_i != sign v_i] and ||g - v||_1. */
export function mismatch(inst: SignMismatchInstance): { miss: number; inner: number; dist: number; d: number } {
  const { g, v } = vectors(inst);
  let miss = 0;
  let inner = 0;
  let dist = 0;
  for (let i = 0; i < g.length; i++) {
    const sg = sgn(g[i]);
    const sv = sgn(v[i]);
    if (sg !== sv) miss += Math.abs(g[i]);
    inner += g[i] * (sg - sv);
    dist += Math.abs(g[i] - v[i]);
  }
  return { miss, inner, dist, d: g.length };
}

/** How the tolerance is derived (shown with every sign-mismatch lemma). */
export const TOL_TEXT =
  'lhs is a recursive sum of d exactly computed terms (|g_i|, or g_i (sign g_i - sign v_i) in {0, |g_i|, 2|g_i|}): error <= gamma_{d-1} lhs; ' +
  'rhs sums d terms |g_i - v_i| each rounded once: error <= gamma_d rhs (and the halved variants one more rounding). ' +
  'Subnormal underflow adds at most 2^-1074 per rounding: tolerance = gamma_{d+1} (|lhs| + |rhs|) + (2d + 2) 2^-1074.';
/** The tolerance of {@link TOL_TEXT}: gamma_{d+1} (|lhs| + |rhs|) + (2d + 2) 2^-1074. */
export const tol = (_i: SignMismatchInstance, o: Outcome): number =>
  gamma(o.detail!.d + 1) * (Math.abs(o.lhs) + Math.abs(o.rhs)) + (2 * o.detail!.d + 2) * ETA;

/** The instance families, in words (shown with every sign-mismatch lemma). */
export const FAMILIES = [
  'vectors only: g = 10^e z, e in [-30, 30], d in [1, 1200] (biased small); z entries 0, +-1 (ties) or any double in [-1, 1]',
  'v = g, v = g with masked coordinates flipped, zeroed (equality case), set to -10^-k g_i (limit case), perturbed, or independent',
];

