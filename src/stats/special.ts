/**
 * Special functions the noise models need for their closed forms (moments, CDFs, medians).
 * Written for float64 accuracy (about 1e-14 relative or better on the ranges used here); each
 * function is tested against exact identities and independent values in special.test.ts.
 */

const LANCZOS_G = 7;
// Lanczos coefficients for g = 7, n = 9 (the widely published set; relative error ~1e-15).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const LN_SQRT_2PI = 0.91893853320467274178;

/**
 * ln Gamma(x) for x > 0 by the Lanczos approximation (g = 7, nine terms), with the reflection
 * Gamma(x) Gamma(1 - x) = pi / sin(pi x) below x = 1/2. Returns NaN for x <= 0.
 */
export function lnGamma(x: number): number {
  if (!(x > 0)) return NaN;
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) s += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Gamma(x) = exp(ln Gamma(x)) for x > 0 (NaN otherwise). */
export function gammaFn(x: number): number {
  return Math.exp(lnGamma(x));
}

const FPMIN = 1e-300;
const EPS = 1e-16;
const MAX_ITER = 10_000;

/**
 * Regularized lower incomplete gamma P(a, x) = gamma(a, x) / Gamma(a), a > 0, x >= 0: the power
 * series for x < a + 1, else 1 - Q(a, x) from Legendre's continued fraction (modified Lentz).
 */
export function regGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), computed without cancellation. */
export function regGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITER; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** Complementary error function, erfc(x) = Q(1/2, x^2) for x >= 0 and 2 - erfc(-x) below 0. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 0) return regGammaQ(0.5, x * x);
  return 2 - regGammaQ(0.5, x * x);
}

/** Standard normal CDF Phi(x) = erfc(-x / sqrt 2) / 2 (accurate in both tails). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Standard normal density phi(x) = exp(-x^2/2) / sqrt(2 pi). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x - LN_SQRT_2PI);
}

/**
 * Regularized incomplete beta I_x(a, b), a, b > 0, x in [0, 1], by the continued fraction of
 * Abramowitz–Stegun 26.5.8 (modified Lentz), using I_x(a, b) = 1 - I_{1-x}(b, a) where the
 * fraction converges faster. `y` = 1 - x may be passed separately to avoid cancellation.
 */
export function regIncBeta(a: number, b: number, x: number, y: number = 1 - x): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(y);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, y)) / b;
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/**
 * CDF of Student's t with nu > 0 degrees of freedom (unit t scale):
 * P(T <= t) = 1 - I_{nu/(nu+t^2)}(nu/2, 1/2) / 2 for t >= 0, and I_{nu/(nu+t^2)}(nu/2, 1/2) / 2 for t < 0.
 */
export function studentTCdf(t: number, nu: number): number {
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const t2 = t * t;
  const tail = 0.5 * regIncBeta(nu / 2, 0.5, nu / (nu + t2), t2 / (nu + t2));
  return t >= 0 ? 1 - tail : tail;
}

/** Density of Student's t with nu degrees of freedom (unit t scale). */
export function studentTPdf(t: number, nu: number): number {
  const lnC = lnGamma((nu + 1) / 2) - lnGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI);
  return Math.exp(lnC - ((nu + 1) / 2) * Math.log1p((t * t) / nu));
}

/**
 * E|mu + s Z|^k for Z ~ N(0, 1), s > 0, k > 0 (the absolute moment of a shifted normal).
 *
 * Closed form: s^k 2^{k/2} Gamma((k+1)/2) / sqrt(pi) * M(-k/2, 1/2, -z), z = mu^2 / (2 s^2), with
 * Kummer's M = 1F1. Kummer's transformation M(a, b, -z) = e^{-z} M(b - a, b, z) turns the
 * alternating series into one of positive terms,
 *   e^{-z} sum_n ((1+k)/2)_n / (1/2)_n  z^n / n!,
 * which is summed directly for z <= 600 (no cancellation; relative error ~ n eps). For z > 600
 * (|mu| > 34.6 s) the shifted normal is negative with probability < e^{-600}, and the binomial
 * expansion |mu|^k sum_j C(k, 2j) (2j-1)!! (s/mu)^{2j} is used (asymptotic, error ~ e^{-z}).
 */
export function normalAbsMoment(mu: number, s: number, k: number): number {
  const z = (mu * mu) / (2 * s * s);
  return z <= 600 ? normalAbsMomentSeries(mu, s, k) : normalAbsMomentAsymptotic(mu, s, k);
}

/** Series branch of {@link normalAbsMoment} (valid for z = mu^2/(2 s^2) <= ~700; exported for tests). */
export function normalAbsMomentSeries(mu: number, s: number, k: number): number {
  const z = (mu * mu) / (2 * s * s);
  const base = Math.pow(s, k) * Math.pow(2, k / 2) * Math.exp(lnGamma((k + 1) / 2)) / Math.sqrt(Math.PI);
  if (z === 0) return base;
  const a = (1 + k) / 2;
  let term = Math.exp(-z);
  let sum = term;
  for (let n = 1; n < 1_000_000; n++) {
    term *= ((a + n - 1) / (0.5 + n - 1)) * (z / n);
    sum += term;
    if (n > z && term < sum * 1e-17) break;
  }
  return base * sum;
}

/** Asymptotic branch of {@link normalAbsMoment} for |mu| >> s (exported for tests). */
export function normalAbsMomentAsymptotic(mu: number, s: number, k: number): number {
  const e2 = (s * s) / (mu * mu);
  let term = 1;
  let sum = 1;
  for (let j = 0; j < 1000; j++) {
    // t_{j+1} / t_j = C(k, 2j+2)(2j+1)!! / (C(k, 2j)(2j-1)!!) e^2 = (k-2j)(k-2j-1)/(2j+2) e^2
    const next = (term * (k - 2 * j) * (k - 2 * j - 1) * e2) / (2 * j + 2);
    if (Math.abs(next) >= Math.abs(term) && j > 0) break; // asymptotic series: stop at the smallest term
    term = next;
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return Math.pow(Math.abs(mu), k) * sum;
}
