import { UserInputError } from '../core/errors.ts';
import { wgslFloat } from '../algorithms/expr.ts';
import type { NoiseModel } from '../noise/types.ts';

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

fn sc_ln_unit(w: u32) -> f32 {
  if (w < 0x7f000000u) {
    return log(sc_unit(w));
  }
  let v = (f32(~w) + 0.5) * SC_TWO_M32;
  let s = v / (2.0 - v);
  let s2 = s * s;
  var p = 1.0 / 17.0;
  p = p * s2 + 1.0 / 15.0;
  p = p * s2 + 1.0 / 13.0;
  p = p * s2 + 1.0 / 11.0;
  p = p * s2 + 1.0 / 9.0;
  p = p * s2 + 1.0 / 7.0;
  p = p * s2 + 1.0 / 5.0;
  p = p * s2 + 1.0 / 3.0;
  return -2.0 * (s + s * s2 * p);
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

/** A model may carry its own WGSL transform under this property (see {@link WgslNoise}). */
export interface HasWgslNoise {
  readonly wgslFromWords: WgslNoise;
}

/** Noise model ids with a built-in WGSL transform (others may supply `wgslFromWords`). */
export const WGSL_NOISE_IDS = ['gaussian', 'fixture-gaussian', 'rademacher', 'pareto', 'student-t'] as const;

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
