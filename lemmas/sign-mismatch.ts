import fc from 'fast-check';
import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { coordArb, coordsArb, estimateArb, estimateOf, type Coord, type EstimateSpec } from '../src/lemmas/domains.ts';
import { ETA, gamma, sgn } from '../src/core/numerics.ts';
import type { Outcome } from '../src/lemmas/types.ts';

/** g = 10^e z (z from the coordinates) and an estimate v of g (see EstimateSpec). */
export interface SignMismatchInstance {
  readonly e: number;
  readonly v: EstimateSpec;
  readonly coords: Coord[];
}

const domain: fc.Arbitrary<SignMismatchInstance> = fc.record({
  e: fc.integer({ min: -30, max: 30 }),
  v: estimateArb,
  coords: coordsArb(coordArb, 1200),
});

function vectors(inst: SignMismatchInstance): { g: Float64Array; v: Float64Array } {
  const s = 10 ** inst.e;
  const g = Float64Array.from(inst.coords, (c) => s * c.z);
  return { g, v: estimateOf(g, inst.v, inst.coords) };
}

/** sum_i |g_i| 1[sign g_i != sign v_i] and ||g - v||_1. */
function mismatch(inst: SignMismatchInstance): { miss: number; inner: number; dist: number; d: number } {
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

const TOL_TEXT =
  'lhs is a recursive sum of d exactly computed terms (|g_i|, or g_i (sign g_i - sign v_i) in {0, |g_i|, 2|g_i|}): error <= gamma_{d-1} lhs; ' +
  'rhs sums d terms |g_i - v_i| each rounded once: error <= gamma_d rhs (and the halved variants one more rounding). ' +
  'Subnormal underflow adds at most 2^-1074 per rounding: tolerance = gamma_{d+1} (|lhs| + |rhs|) + (2d + 2) 2^-1074.';
const tol = (_i: SignMismatchInstance, o: Outcome): number =>
  gamma(o.detail!.d + 1) * (Math.abs(o.lhs) + Math.abs(o.rhs)) + (2 * o.detail!.d + 2) * ETA;

const FAMILIES = [
  'vectors only: g = 10^e z, e in [-30, 30], d in [1, 1200] (biased small); z entries 0, +-1 (ties) or any double in [-1, 1]',
  'v = g, v = g with masked coordinates flipped, zeroed (equality case), set to -10^-k g_i (limit case), perturbed, or independent',
];

/**
 * sign-mismatch (P1 App. A, proof of Thm 1): coordinates where sign v disagrees with sign g cost at
 * most the estimation error, sum_i |g_i| 1[sign g_i != sign v_i] <= ||g - v||_1, because on such a
 * coordinate v_i = 0 or has the opposite sign, so |g_i - v_i| >= |g_i|. Equality when v_i = 0 on
 * every mismatch and v_i = g_i elsewhere.
 */
export const signMismatch = exactLemma<SignMismatchInstance>({
  id: 'sign-mismatch',
  title: 'Sign mismatches cost at most the l1 estimation error',
  statement: String.raw`\sum_{i=1}^d |g_i|\,\mathbb{1}[\operatorname{sign} g_i \ne \operatorname{sign} v_i] \le \|g - v\|_1`,
  source: 'P1 (Jiang et al., arXiv 2507.12091) App. A, proof of Thm 1 (second and third inequalities of the chain)',
  reading: 'sign(0) = 0: a zero v_i against a nonzero g_i is a mismatch (the proof needs |g_i - v_i| >= |g_i| there, which holds).',
  assumptions: ['g, v in R^d arbitrary; sign(0) = 0'],
  families: FAMILIES,
  relation: '<=',
  domain,
  check: (inst) => {
    const m = mismatch(inst);
    return { lhs: m.miss, rhs: m.dist, detail: { d: m.d } };
  },
  tolerance: tol,
  toleranceDerivation: TOL_TEXT,
  expect: 'holds',
  tightWithin: 1e-6,
  notes: ['Equality case reached by the zero mode (v_i = 0 on the mismatches).'],
});

/** The consequence used in the descent step: <g, sign g - sign v> <= 2 ||g - v||_1. */
export const signMismatchInner = exactLemma<SignMismatchInstance>({
  id: 'sign-mismatch-inner',
  title: 'Inner-product form of the sign mismatch bound',
  statement: String.raw`\langle g, \operatorname{sign} g - \operatorname{sign} v\rangle \le 2\|g - v\|_1`,
  source: 'P1 App. A, proof of Thm 1 (first inequality chain: <g, Sign g - Sign v> <= 2 ||g - v||_1)',
  assumptions: ['g, v in R^d arbitrary; sign(0) = 0'],
  families: FAMILIES,
  relation: '<=',
  domain,
  check: (inst) => {
    const m = mismatch(inst);
    return { lhs: m.inner, rhs: 2 * m.dist, detail: { d: m.d } };
  },
  tolerance: tol,
  toleranceDerivation: TOL_TEXT,
  expect: 'holds',
  tightWithin: 1e-6,
  notes: ['Attained in the limit v_i = -delta g_i, delta -> 0 (tiny-opposite mode: relative margin delta).'],
});

/** Wrong variant: half the right-hand side. */
export const signMismatchHalf = variantOf(signMismatch, {
  id: 'sign-mismatch-half',
  title: 'Sign mismatch with half the l1 error (wrong)',
  statement: String.raw`\sum_i |g_i|\,\mathbb{1}[\operatorname{sign} g_i \ne \operatorname{sign} v_i] \le \tfrac12\|g - v\|_1`,
  change: 'right-hand side halved',
  check: (inst) => {
    const m = mismatch(inst);
    return { lhs: m.miss, rhs: 0.5 * m.dist, detail: { d: m.d } };
  },
});

/** Wrong variant: the factor 2 of the inner-product form dropped. */
export const signMismatchInnerFactor1 = variantOf(signMismatchInner, {
  id: 'sign-mismatch-inner-factor-1',
  title: 'Inner-product form without the factor 2 (wrong)',
  statement: String.raw`\langle g, \operatorname{sign} g - \operatorname{sign} v\rangle \le \|g - v\|_1`,
  change: 'factor 2 on the right dropped',
  check: (inst) => {
    const m = mismatch(inst);
    return { lhs: m.inner, rhs: m.dist, detail: { d: m.d } };
  },
});
