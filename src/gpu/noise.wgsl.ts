import { UserInputError } from '../core/errors.ts';
import { wgslFloat } from '../algorithms/expr.ts';
import type { NoiseModel } from '../noise/types.ts';
import { LOG1P_ATANH_WGSL } from './wgsl-math.ts';

/**
 * Noise transforms in WGSL: the GPU side of {@link NoiseModel.fromWords}. Each transform maps the
 * four Philox words of one call to `samplesPerCall` unit-scale samples, the same formula as the
 * model's float64 `fromWords`, evaluated in float32.
 *
 * Accuracy (u = 2^-24, the unit roundoff of f32). + - * are correctly rounded (error <= u relative);
 * the WGSL specification (section "Floating Point Accuracy") bounds the builtins we use by:
 * `log` 3 ULP outside [0.5, 2], `exp(x)` 3 + 2|x| ULP, `sqrt` as 1/inverseSqrt (2 ULP, then a
 * 2.5 ULP division: 4.5 ULP), 1 ULP <= 2u relative. WGSL's `sin`/`cos` are only bounded by 2^-11
 * absolute, so the transforms use {@link NOISE_PRELUDE_WGSL}'s own `sc_sincos_2pi` (exact angle
 * reduction on the integer word, then polynomials), and its `sc_ln_unit` avoids `log` near u = 1
 * where the spec allows 2^-21 absolute error. The bounds of each transform are written out in
 * its `errorBound`, which the tests check against the float64 samples.
 */

/** Unit roundoff of float32. */
export const F32_U = 2 ** -24;

/**
 * WGSL helpers shared by the transforms:
 * - `sc_unit(w)`: u = (w + 1/2) 2^-32 in f32 (relative error <= 2u: conversion of w, then + 1/2).
 * - `sc_ln_unit(w)`: ln u. For u < 0.496 (w < 0x7f000000): `log(sc_unit(w))`: input error 2u
 *   relative -> 2u / |ln u| <= 2.9u relative on the result, plus 3 ULP (6u): <= 9u relative.
 *   Otherwise v = 1 - u = (~w + 1/2) 2^-32 is formed from the complemented word (2u relative),
 *   s = v / (2 - v) in (0, 0.34] (condition 2/(2-v) <= 1.34 on v's 2u, u for 2 - v, 2.5 ULP = 5u for
 *   the division: <= 8.7u), and ln u = ln(1 - v) = -2 atanh(s) = -2 (s + s^3/3 + ... + s^17/17)
 *   (truncation s^19/19 < 6e-11 < u/200; atanh's condition number at s <= 0.34 is <= 1.06, and
 *   Horner in s^2 adds < 3u): <= 1.06 * 8.7u + 3u < 13u. So |d ln u| <= 13u |ln u| on both branches.
 * - `sc_sincos_2pi(w)`: (cos 2 pi u, sin 2 pi u). The quadrant comes from the top bits of
 *   w + 2^29 (exact integer arithmetic), the remainder y in [-1/2, 1/2) of a quarter turn is
 *   (i - 2^29 + 1/2) 2^-30 with i < 2^30 (conversion and + 1/2: absolute error <= 2^-26 in y),
 *   theta = y pi/2 in [-pi/4, pi/4] (absolute error <= 2^-25 pi + u pi/4 < 1.1u), and
 *   Cephes' sinf/cosf minimax polynomials (truncation error < 1e-8 absolute, below u) evaluated
 *   with at most ~6 roundings of terms bounded by |theta| <= 0.79: absolute error <= 1.1u + u + 4u < 7u.
 * - `sc_expm1(a)`: e^a - 1 for a >= 0: Taylor to a^9/9! for a < 1/4 (truncation < 1e-12 a,
 *   rounding <= 3u relative), else exp(a) - 1 ((6 + 4a)u relative error of exp, amplified by
 *   e^a/(e^a - 1) <= 4.6, plus u).
 */
export const NOISE_PRELUDE_WGSL = /* wgsl */ `
const SC_TWO_M32: f32 = 2.3283064365386963e-10;
const SC_TWO_M30: f32 = 9.313225746154785e-10;
const SC_HALF_PI: f32 = 1.5707963267948966;

fn sc_unit(w: u32) -> f32 {
  return (f32(w) + 0.5) * SC_TWO_M32;
}
${LOG1P_ATANH_WGSL}
fn sc_ln_unit(w: u32) -> f32 {
  if (w < 0x7f000000u) {
    return log(sc_unit(w));
  }
  let v = (f32(~w) + 0.5) * SC_TWO_M32;
  return wm_log1p_atanh(-v);
}

fn sc_sincos_2pi(w: u32) -> vec2<f32> {
  let s = w + 0x20000000u;
  let q = s >> 30u;
  let i = i32(s & 0x3fffffffu) - 0x20000000;
  let theta = (f32(i) + 0.5) * SC_TWO_M30 * SC_HALF_PI;
  let z = theta * theta;
  let sn = theta + theta * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let cs = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  switch (q) {
    case 0u: { return vec2<f32>(cs, sn); }
    case 1u: { return vec2<f32>(-sn, cs); }
    case 2u: { return vec2<f32>(-cs, -sn); }
    default: { return vec2<f32>(sn, -cs); }
  }
}

fn sc_expm1(a: f32) -> f32 {
  if (a < 0.25) {
    var p = 1.0 / 362880.0;
    p = p * a + 1.0 / 40320.0;
    p = p * a + 1.0 / 5040.0;
    p = p * a + 1.0 / 720.0;
    p = p * a + 1.0 / 120.0;
    p = p * a + 1.0 / 24.0;
    p = p * a + 1.0 / 6.0;
    p = p * a + 0.5;
    return a + a * a * p;
  }
  return exp(a) - 1.0;
}
`;

/** Relative error bound of sc_ln_unit (see {@link NOISE_PRELUDE_WGSL}). */
export const LN_REL = 13 * F32_U;
/** Absolute error bound of each component of sc_sincos_2pi. */
export const TRIG_ABS = 7 * F32_U;
/** Relative error bound of sqrt (4.5 ULP). */
const SQRT_REL = 9 * F32_U;

/** |ln u(w)| in float64, u = (w + 1/2) 2^-32. */
function absLnUnit(w: number): number {
  return -Math.log((w + 0.5) / 4294967296);
}

/**
 * The GPU side of a noise model: WGSL for the transform and the float32 error bound the tests hold
 * it to. A noise model may supply its own by carrying a `wgslFromWords` property of this shape
 * (duck-typed; see {@link wgslNoiseFor}).
 */
export interface WgslNoise {
  readonly samplesPerCall: 2 | 4;
  /**
   * WGSL defining `fn noise_from_words(w: vec4<u32>) -> vec4<f32>`: the samples of one Philox
   * call in the first `samplesPerCall` lanes. It may call the helpers of {@link NOISE_PRELUDE_WGSL}.
   */
  readonly wgsl: string;
  /**
   * Absolute error bound of each float32 sample against the float64 `fromWords` on the same words
   * (`exact` = the float64 samples); written into out[0..samplesPerCall-1].
   */
  errorBound(words: Uint32Array, exact: Float64Array, out: Float64Array): void;
}

/** Box-Muller, exactly the formula of normals4 (src/rng/streams.ts). */
const gaussian: WgslNoise = {
  samplesPerCall: 4,
  wgsl: /* wgsl */ `
fn noise_from_words(w: vec4<u32>) -> vec4<f32> {
  let r0 = sqrt(-2.0 * sc_ln_unit(w.x));
  let a0 = sc_sincos_2pi(w.y);
  let r1 = sqrt(-2.0 * sc_ln_unit(w.z));
  let a1 = sc_sincos_2pi(w.w);
  return vec4<f32>(r0 * a0.x, r0 * a0.y, r1 * a1.x, r1 * a1.y);
}`,
  // r = sqrt(-2 ln u): relative error LN_REL/2 (sqrt halves it) + SQRT_REL (+ u for the * 2, exact);
  // z = r c: |dz| <= r (rel_r + TRIG_ABS) + u |z|.
  errorBound(words, exact, out) {
    for (let p = 0; p < 2; p++) {
      const r = Math.sqrt(2 * absLnUnit(words[2 * p]));
      for (let k = 0; k < 2; k++) out[2 * p + k] = r * (LN_REL / 2 + SQRT_REL + TRIG_ABS) + F32_U * Math.abs(exact[2 * p + k]);
    }
  },
};

/** Rademacher: +1 when the word's top bit is 0, else -1 (exact in f32). */
const rademacher: WgslNoise = {
  samplesPerCall: 4,
  wgsl: /* wgsl */ `
fn noise_from_words(w: vec4<u32>) -> vec4<f32> {
  return vec4<f32>(1.0) - 2.0 * vec4<f32>(w >> vec4<u32>(31u));
}`,
  errorBound(_words, _exact, out) {
    out.fill(0, 0, 4);
  },
};

function pareto(alpha: number, xm: number): WgslNoise {
  return {
    samplesPerCall: 2,
    // |X| = xm exp(-(1/alpha) ln u1), sign from the top bit of the next word.
    wgsl: /* wgsl */ `
fn noise_from_words(w: vec4<u32>) -> vec4<f32> {
  let m0 = ${wgslFloat(xm)} * exp(${wgslFloat(-1 / alpha)} * sc_ln_unit(w.x));
  let m1 = ${wgslFloat(xm)} * exp(${wgslFloat(-1 / alpha)} * sc_ln_unit(w.z));
  return vec4<f32>(select(m0, -m0, (w.y >> 31u) != 0u), select(m1, -m1, (w.w >> 31u) != 0u), 0.0, 0.0);
}`,
    // a = -(1/alpha) ln u: |da| <= |a| (LN_REL + 2u) (constant and product roundings);
    // exp: relative |da| + (6 + 4|a|)u; constants xm, then * xm: 2u.
    errorBound(words, exact, out) {
      for (let k = 0; k < 2; k++) {
        const a = absLnUnit(words[2 * k]) / alpha;
        out[k] = Math.abs(exact[k]) * (a * (LN_REL + 2 * F32_U) + (6 + 4 * a) * F32_U + 2 * F32_U);
      }
    },
  };
}

function studentT(nu: number): WgslNoise {
  const c = 2 / nu;
  return {
    samplesPerCall: 2,
    // Bailey's polar form: T = sqrt(nu expm1(-(2/nu) ln u1)) cos(2 pi u2).
    wgsl: /* wgsl */ `
fn noise_from_words(w: vec4<u32>) -> vec4<f32> {
  let r0 = sqrt(${wgslFloat(nu)} * sc_expm1(${wgslFloat(-c)} * sc_ln_unit(w.x)));
  let r1 = sqrt(${wgslFloat(nu)} * sc_expm1(${wgslFloat(-c)} * sc_ln_unit(w.z)));
  return vec4<f32>(r0 * sc_sincos_2pi(w.y).x, r1 * sc_sincos_2pi(w.w).x, 0.0, 0.0);
}`,
    // a = (2/nu)|ln u1| with relative error LN_REL + 2u; expm1's condition number a e^a/(e^a-1) <= 1 + a
    // turns it into (1 + a)(LN_REL + 2u), plus expm1's own error (3u below 1/4, else 4.6 (6 + 4a)u + u);
    // nu *: 2u; sqrt halves the relative error and adds SQRT_REL; then |dz| <= r (rel_r + TRIG_ABS) + u|z|.
    errorBound(words, exact, out) {
      for (let k = 0; k < 2; k++) {
        const a = c * absLnUnit(words[2 * k]);
        const own = a < 0.25 ? 3 * F32_U : 4.6 * (6 + 4 * a) * F32_U + F32_U;
        const relE = (1 + a) * (LN_REL + 2 * F32_U) + own + 2 * F32_U;
        const r = Math.sqrt(nu * Math.expm1(a));
        out[k] = r * (relE / 2 + SQRT_REL + TRIG_ABS) + F32_U * Math.abs(exact[k]);
      }
    },
  };
}

/** Unit roundoff of float32 widened by 2^-10 to cover the second-order terms of the bounds below. */
const UW = F32_U * (1 + 2 ** -10);
/** Unit roundoff of float64 (the reference samplers), widened the same way. */
const U64 = 2 ** -53 * (1 + 2 ** -10);
/** WGSL `log` inside [0.5, 2]: absolute error 2^-21 (spec); outside: 3 ULP = 6u relative. */
const logErr = (v: number) => Math.max(6 * UW * Math.abs(v), 2 ** -21);
/** Rounds a constant to float32 and emits it: the literal is then exact and the rounding is ours (<= u relative). */
const f32Lit = (v: number) => wgslFloat(Math.fround(v));

/**
 * sin(pi s) and cos(pi t) with RELATIVE accuracy, for the stable transform (WGSL's sin/cos are only
 * bounded by 2^-11 absolute). Taylor polynomials on theta = pi s, |theta| <= pi/4:
 *   sin: theta + theta z (-1/3! + z/5! - ... - z^4/11!), z = theta^2, truncation <= theta^13/13! <= 7e-12 theta;
 *   cos: 1 - z (1/2! - z/4! + ... - z^5/12!), truncation <= theta^14/14! < 1e-12.
 * With z <= 0.617: the small part theta z P(z) of sin is <= 0.106 theta while sin theta >= 0.897 theta, its
 * Horner evaluation (4 steps, coefficients rounded) is within 10u relative, so
 * rel(sin) <= 1.12 rel(theta) + 0.118 (13u + 3 rel(theta)) + u <= 1.5 rel(theta) + 3u; for cos, z Q(z) <= 0.31
 * with Q in [0.474, 0.5] evaluated within 11u: absolute error <= 5.1u + 0.62 rel(theta), and cos >= 0.707:
 * rel(cos) <= 8u + rel(theta).
 * sc_sinpi(s), s in [0, 1/2]: s <= 1/4: sin(pi s) (theta = pi s: rel(s) + 2u); else cos(pi (1/2 - s))
 * (1/2 - s exact by Sterbenz; an error e s in s moves cos(pi t) by at most pi tan(pi t) e s <= (pi/2) e
 * relative): rel <= 1.6 rel(s) + 10u on both branches ({@link SINPI_REL}).
 * sc_cospi_small(t), t in [0, 1/4]: rel <= (pi/4) rel(t) + 10u.
 */
const TRIG_PI_WGSL = /* wgsl */ `
const SC_PI: f32 = ${f32Lit(Math.PI)};
fn sc_sin_poly(theta: f32) -> f32 {
  let z = theta * theta;
  var p = ${f32Lit(-1 / 39916800)};
  p = p * z + ${f32Lit(1 / 362880)};
  p = p * z + ${f32Lit(-1 / 5040)};
  p = p * z + ${f32Lit(1 / 120)};
  p = p * z + ${f32Lit(-1 / 6)};
  return theta + theta * z * p;
}
fn sc_cos_poly(theta: f32) -> f32 {
  let z = theta * theta;
  var p = ${f32Lit(-1 / 479001600)};
  p = p * z + ${f32Lit(1 / 3628800)};
  p = p * z + ${f32Lit(-1 / 40320)};
  p = p * z + ${f32Lit(1 / 720)};
  p = p * z + ${f32Lit(-1 / 24)};
  p = p * z + 0.5;
  return 1.0 - z * p;
}
fn sc_sinpi(s: f32) -> f32 {
  if (s <= 0.25) { return sc_sin_poly(SC_PI * s); }
  return sc_cos_poly(SC_PI * (0.5 - s));
}
fn sc_cospi_small(t: f32) -> f32 {
  return sc_cos_poly(SC_PI * t);
}
`;

/** Relative error of sc_sinpi(s) given the relative error `relS` of s (see TRIG_PI_WGSL). */
const SINPI_REL = (relS: number) => 1.6 * relS + 10 * UW;

/**
 * Symmetric alpha-stable (Chambers-Mallows-Stuck, beta = 0), the formula of
 * {@link SymmetricStableNoise.fromWords} rewritten so that every factor is computed with RELATIVE
 * accuracy in float32, also in the tails (alpha near 1 and 2, U1 near 0 or 1, U2 near 1):
 *
 *   V = pi (U1 - 1/2); write m = min(U1, 1 - U1) and a = |U1 - 1/2| = 1/2 - m, both formed from the
 *   integer word (j = min(w, ~w), a's integer 2^31 - 1 - j: m = (j + 1/2) 2^-32, a = (2^31 - 1 - j + 1/2) 2^-32,
 *   conversion and + 1/2: <= 2u relative each), sign(V) = top bit of w;
 *   cos V = sin(pi m);
 *   |sin(alpha V)| = sin(pi alpha a) if alpha a <= 1/2, else sin(pi (1 - alpha a)) with
 *     1 - alpha a = (1 - alpha/2) + alpha m (a sum of nonnegative terms: no cancellation);
 *   cos((alpha - 1) V) = cos(pi (alpha - 1) a) if (alpha - 1) a <= 1/4, else sin(pi ((1 - alpha/2) + (alpha - 1) m));
 *   W = -ln U2 (sc_ln_unit: relative accuracy also for U2 near 1, where W is tiny);
 *   X = c sign(V) |sin(alpha V)| exp( ((1 - alpha)/alpha) ln(cos((alpha - 1) V) / W) - (1/alpha) ln cos V ).
 *
 * Error bound (first order, per sample; u = 2^-24): with the relative errors of the arguments
 * (alpha a: 4u; (1 - alpha/2) + alpha m: 5u; (alpha - 1) a: 4u; m: 2u; the constants 1 - alpha/2, alpha,
 * alpha - 1 are exact in float64 and rounded once to float32), {@link SINPI_REL} gives
 * rel(cos V) <= 13.2u, rel|sin(alpha V)| <= 18u, rel cos((alpha - 1)V) <= 18u; rel W <= 13u (LN_REL).
 * L1 = ln(cos((alpha-1)V)/W): |dL1| <= (18 + 13 + 5)u + log's own error; L2 = ln cos V: |dL2| <= 13.2u + log's
 * (WGSL log: 3 ULP outside [0.5, 2], 2^-21 absolute inside). The exponent
 * A = e1 L1 - e2 L2 (e1 = (1 - alpha)/alpha, e2 = 1/alpha rounded to f32): |dA| <= |e1| (|dL1| + 2u|L1|) +
 * e2 (|dL2| + 2u|L2|) + u|A|; exp: relative |dA| + (6 + 4|A|)u (WGSL: 3 + 2|x| ULP); then c and two products:
 *   |X_f32 - X| <= |X| (18u + |dA| + (6 + 4|A|)u + 3u),
 * a RELATIVE bound: the heavy tails (|A| up to about 45 at the extreme words) loosen it only
 * through exp's (6 + 4|A|)u. The float64 reference carries the same kind of error with u = 2^-53,
 * amplified where it evaluates sin(alpha V), cos(V - alpha V) and cos V near a zero (which the
 * float32 rewrite avoids); that error is added to the bound (see errorBound).
 */
export function stableWgsl(alpha: number, scale: number): WgslNoise {
  const c1 = 1 - alpha / 2; // exact in float64 for alpha in (1, 2]
  const am1 = alpha - 1; // exact (Sterbenz)
  const e1 = (1 - alpha) / alpha;
  const e2 = 1 / alpha;
  return {
    samplesPerCall: 2,
    wgsl: /* wgsl */ `${TRIG_PI_WGSL}
fn stable_one(w0: u32, w1: u32) -> f32 {
  let j = min(w0, ~w0);
  let m = (f32(j) + 0.5) * SC_TWO_M32;
  let a = (f32(0x7fffffffu - j) + 0.5) * SC_TWO_M32;
  let s1 = ${f32Lit(alpha)} * a;
  var sin_av: f32;
  if (s1 <= 0.5) { sin_av = sc_sinpi(s1); } else { sin_av = sc_sinpi(${f32Lit(c1)} + ${f32Lit(alpha)} * m); }
  let s2 = ${f32Lit(am1)} * a;
  var cos_bv: f32;
  if (s2 <= 0.25) { cos_bv = sc_cospi_small(s2); } else { cos_bv = sc_sinpi(${f32Lit(c1)} + ${f32Lit(am1)} * m); }
  let cos_v = sc_sinpi(m);
  let w = -sc_ln_unit(w1);
  let ex = ${f32Lit(e1)} * log(cos_bv / w) - ${f32Lit(e2)} * log(cos_v);
  let x = ${f32Lit(scale)} * sin_av * exp(ex);
  return select(x, -x, w0 < 0x80000000u);
}
fn noise_from_words(w: vec4<u32>) -> vec4<f32> {
  return vec4<f32>(stable_one(w.x, w.y), stable_one(w.z, w.w), 0.0, 0.0);
}`,
    errorBound(words, _exact, out) {
      for (let k = 0; k < 2; k++) {
        const w0 = words[2 * k];
        const w1 = words[2 * k + 1];
        const j = Math.min(w0, (~w0) >>> 0);
        const m = (j + 0.5) * 2 ** -32;
        const a = (0x7fffffff - j + 0.5) * 2 ** -32;
        // float32 path (against the exact real-number formula)
        const relSinA = alpha * a <= 0.5 ? SINPI_REL(4 * UW) : SINPI_REL(5 * UW);
        const relCosB = am1 * a <= 0.25 ? (Math.PI / 4) * 4 * UW + 10 * UW : SINPI_REL(5 * UW);
        const relCosV = SINPI_REL(2 * UW);
        const cosV = Math.sin(Math.PI * m);
        const cosB = Math.cos(Math.PI * am1 * a);
        const sinA = Math.sin(Math.PI * alpha * a);
        const W = -Math.log((w1 + 0.5) * 2 ** -32);
        const L1 = Math.log(cosB / W);
        const L2 = Math.log(cosV);
        const A = e1 * L1 - e2 * L2;
        const dL1 = relCosB + LN_REL * (1 + 2 ** -10) + 5 * UW + logErr(L1);
        const dL2 = relCosV + logErr(L2);
        const dA = Math.abs(e1) * (dL1 + 2 * UW * Math.abs(L1)) + e2 * (dL2 + 2 * UW * Math.abs(L2)) + UW * Math.abs(A);
        const X = scale * Math.abs(sinA) * Math.exp(A);
        const rel32 = relSinA + Math.expm1(dA) + (6 + 4 * Math.abs(A)) * UW + 3 * UW;
        // float64 reference (fromWords): V = pi (U1 - 1/2) with |dV| <= 2u|V|; sin(alpha V), cos(V - alpha V),
        // cos V each <= 1 ulp (2u relative) plus their argument error times |cot| or |tan|.
        const V = Math.PI * a; // |V|
        const cotA = Math.abs(Math.cos(Math.PI * alpha * a) / sinA);
        const rel64SinA = 3 * U64 * alpha * V * cotA + 2 * U64;
        const tanB = Math.abs(Math.sin(Math.PI * am1 * a) / cosB);
        const rel64CosB = U64 * V * (1 + 4 * alpha) * tanB + 2 * U64;
        const rel64CosV = 2 * U64 * V * Math.abs(Math.cos(Math.PI * m) / cosV) + 2 * U64;
        const d64L1 = rel64CosB + 2 * U64 + U64 + 2 * U64 * Math.abs(L1);
        const d64L2 = rel64CosV + 2 * U64 * Math.abs(L2);
        const d64A = Math.abs(e1) * (d64L1 + 2 * U64 * Math.abs(L1)) + e2 * (d64L2 + 2 * U64 * Math.abs(L2)) + U64 * Math.abs(A);
        const rel64 = rel64SinA + Math.expm1(d64A) + 6 * U64;
        out[k] = X * (rel32 + rel64);
      }
    },
  };
}

/**
 * Bimodal mixture, the formula of {@link BimodalNoise.fromWords} in float32 with the component
 * decision made EXACTLY on the integer word and the rescaled uniform's complement formed without
 * cancellation:
 *   U1 < p  <=>  w < T,  T = ceil(x), x = p 2^32 - 1/2 (exact in float64);
 *   bump +a (w < T):  u = (w + 1/2) 2^-32 / p,        1 - u = ((T - 1 - w) + (x - T + 1)) 2^-32 / p;
 *   bump -b (w >= T): u = ((w - T) + (T - x)) 2^-32 / (1 - p),  1 - u = (~w + 1/2) 2^-32 / (1 - p);
 *   u = max(u, 2^-33) (the CPU's clamp); ln u = log(u) for u < 1/2, else -2 atanh(v/(2 - v)), v = 1 - u
 *   (the series of sc_ln_unit); r = sqrt(-2 ln u); xi = centre + width r cos(2 pi U2) (sc_sincos_2pi).
 *
 * Error bound (first order, u = 2^-24): the integer parts are exact, each conversion, + constant,
 * constant rounding and product is <= u: rel(u), rel(1 - u) <= 4u. ln u: |dL| <= 4u + 6u|L| (log branch,
 * u < 1/2) or <= 16u|L| (series: v/(2 - v) within (4u)(4/3) + u + 5u = 11.4u, atanh's condition <= 1.125
 * for v/(2 - v) <= 1/3, Horner < 3u). r: rel(L)/2 + 9u (sqrt); z = r cos: |dz| <= r (rel_r |cos| + 7u) +
 * u|z|; xi: |dxi| <= u|centre| + width (|dz| + 2u|z|) + u|xi|. The float64 reference's own error
 * (its u = U1/p rounds, so near u = 1 its ln u has absolute error ~3 * 2^-53, and r = sqrt(-2 ln u)
 * then up to sqrt(6 * 2^-53)) is added (see errorBound).
 */
export function bimodalWgsl(p: number, gap: number, width: number): WgslNoise {
  const a = (1 - p) * gap;
  const b = p * gap;
  const x = p * 2 ** 32 - 0.5;
  const T = Math.ceil(x); // words w < T pick the bump at +a
  const fa = x - (T - 1); // in (0, 1]
  const gb = T - x; // in [0, 1)
  const ca = 2 ** -32 / p;
  const cb = 2 ** -32 / (1 - p);
  const aBranch = /* wgsl */ `{
    centre = ${f32Lit(a)};
    u = (f32(w1) + 0.5) * ${f32Lit(ca)};
    v = (f32(${T - 1}u - w1) + ${f32Lit(fa)}) * ${f32Lit(ca)};
  }`;
  const bBranch = /* wgsl */ `{
    centre = ${f32Lit(-b)};
    u = (f32(w1 - ${T}u) + ${f32Lit(gb)}) * ${f32Lit(cb)};
    v = (f32(~w1) + 0.5) * ${f32Lit(cb)};
  }`;
  // T = 0: no word picks +a; T >= 2^32: every word does (p within 2^-33 of 0 or 1)
  const choose = T <= 0 ? bBranch : T >= 2 ** 32 ? aBranch : `if (w1 < ${T}u) ${aBranch} else ${bBranch}`;
  return {
    samplesPerCall: 2,
    wgsl: /* wgsl */ `
fn bimodal_ln(u: f32, v: f32) -> f32 {
  if (u < 0.5) { return log(u); }
  let s = v / (2.0 - v);
  let s2 = s * s;
  var q = 1.0 / 17.0;
  q = q * s2 + 1.0 / 15.0;
  q = q * s2 + 1.0 / 13.0;
  q = q * s2 + 1.0 / 11.0;
  q = q * s2 + 1.0 / 9.0;
  q = q * s2 + 1.0 / 7.0;
  q = q * s2 + 1.0 / 5.0;
  q = q * s2 + 1.0 / 3.0;
  return -2.0 * (s + s * s2 * q);
}
fn bimodal_one(w1: u32, w2: u32) -> f32 {
  var centre: f32;
  var u: f32;
  var v: f32;
  ${choose}
  u = max(u, ${f32Lit(2 ** -33)});
  let r = sqrt(-2.0 * bimodal_ln(u, v));
  return centre + ${f32Lit(width)} * (r * sc_sincos_2pi(w2).x);
}
fn noise_from_words(w: vec4<u32>) -> vec4<f32> {
  return vec4<f32>(bimodal_one(w.x, w.y), bimodal_one(w.z, w.w), 0.0, 0.0);
}`,
    errorBound(words, exact, out) {
      for (let k = 0; k < 2; k++) {
        const w1 = words[2 * k];
        const w2 = words[2 * k + 1];
        const pickA = w1 < T;
        const centre = pickA ? a : -b;
        // exact rescaled uniform and its complement (float64, exact up to one rounding each)
        const uu = Math.max(pickA ? (w1 + 0.5) * ca : (w1 - T + gb) * cb, 2 ** -33);
        const vv = pickA ? (T - 1 - w1 + fa) * ca : ((~w1 >>> 0) + 0.5) * cb;
        const L = uu < 0.5 ? Math.log(uu) : -2 * Math.atanh(vv / (2 - vv));
        const r = Math.sqrt(-2 * L);
        const cs = Math.cos(2 * Math.PI * (w2 + 0.5) * 2 ** -32);
        const z = r * cs;
        const absL = Math.abs(L);
        // float32 path
        const dL = uu < 0.5 ? 4 * UW + 6 * UW * absL : 16 * UW * absL;
        const relR = absL > 0 ? dL / absL / 2 + 9 * UW : Infinity;
        const dz = r * (relR * Math.abs(cs) + TRIG_ABS) + UW * Math.abs(z);
        const e32 = UW * Math.abs(centre) + width * (dz + 2 * UW * Math.abs(z)) + UW * Math.abs(exact[k]);
        // float64 reference: u64 = u (1 + 3 eps), Math.log 1 ulp; r64 = 0 when u64 >= 1
        const dL64 = 3 * U64 * (1 + 3 * U64) + 2 * U64 * absL;
        const e2 = 2 * dL64; // absolute error of r^2 = -2 L
        const dr64 = Math.min(Math.sqrt(e2), r > 0 ? e2 / r : Infinity) + 2 * U64 * r;
        const dz64 = dr64 * Math.abs(cs) + r * (4 * Math.PI + 1) * U64 + U64 * Math.abs(z);
        const e64 = 2 * U64 * Math.abs(centre) + width * (dz64 + 2 * U64 * Math.abs(z)) + U64 * Math.abs(exact[k]);
        out[k] = e32 + e64;
      }
    },
  };
}

/** A model may carry its own WGSL transform under this property (see {@link WgslNoise}). */
export interface HasWgslNoise {
  readonly wgslFromWords: WgslNoise;
}

/** Noise model ids with a built-in WGSL transform (others may supply `wgslFromWords`). */
export const WGSL_NOISE_IDS = ['gaussian', 'fixture-gaussian', 'rademacher', 'pareto', 'student-t', 'stable', 'bimodal'] as const;

/**
 * The WGSL transform for a noise model: the model's own `wgslFromWords` when it has one, else the
 * built-in transform for its id and parameters. Throws a UserInputError naming the model when
 * the GPU engine has no transform for it.
 */
export function wgslNoiseFor(model: NoiseModel): WgslNoise {
  const own = (model as Partial<HasWgslNoise>).wgslFromWords;
  let w: WgslNoise | null = own ?? null;
  if (!w) {
    const p = model.params;
    switch (model.id) {
      case 'gaussian':
      case 'fixture-gaussian':
        w = gaussian;
        break;
      case 'rademacher':
        w = rademacher;
        break;
      case 'pareto':
        w = pareto(p.alpha, p.xm);
        break;
      case 'student-t':
        w = studentT(p.nu);
        break;
      case 'stable':
        w = stableWgsl(p.alpha, p.scale);
        break;
      case 'bimodal':
        w = bimodalWgsl(p.p, p.gap, p.width);
        break;
      default:
        w = null;
    }
  }
  if (!w) {
    throw new UserInputError(
      'noise',
      `is not yet supported on webgpu: noise model "${model.id}" has no WGSL transform (built in: ${WGSL_NOISE_IDS.join(', ')}; a model may supply wgslFromWords)`,
      model.name,
    );
  }
  if (w.samplesPerCall !== model.samplesPerCall) {
    throw new Error(`WGSL transform of ${model.id} produces ${w.samplesPerCall} samples per call, the model ${model.samplesPerCall}`);
  }
  return w;
}
