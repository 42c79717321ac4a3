/**
 * WGSL helpers shared by the noise prelude and the gradient passes (WGSL has no log1p, and its
 * `log` near 1 is only 2^-21-accurate in absolute terms).
 *
 *   wm_log1p_atanh(v) = log(1 + v) = 2 atanh(s),  s = v / (2 + v),  by the odd series to s^17/17.
 *
 * For |v| <= 1/2 (|s| <= 1/3) the truncation s^19/19 / atanh(s) is below 2e-10 relative, far below
 * float32's u; the callers stay in that range (logistic: v = e^-|t| in (0, 1]: s <= 1/3; the noise
 * prelude: log(1 - v) = wm_log1p_atanh(-v) with v < 0.504, |s| < 0.337).
 */
export const LOG1P_ATANH_WGSL = /* wgsl */ `
fn wm_log1p_atanh(v: f32) -> f32 {
  let s = v / (2.0 + v);
  let s2 = s * s;
  var q = 1.0 / 17.0;
  q = q * s2 + 1.0 / 15.0;
  q = q * s2 + 1.0 / 13.0;
  q = q * s2 + 1.0 / 11.0;
  q = q * s2 + 1.0 / 9.0;
  q = q * s2 + 1.0 / 7.0;
  q = q * s2 + 1.0 / 5.0;
  q = q * s2 + 1.0 / 3.0;
  return 2.0 * (s + s * s2 * q);
}
`;
