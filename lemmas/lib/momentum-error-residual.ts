import { momentumArb, momentumSetup, momentumTrace, type MomentumInstance } from '../../src/lemmas/momentum.ts';
import { ETA, gamma, UNIT_ROUNDOFF as U } from '../../src/core/numerics.ts';
import type { SignumTrace } from '../../src/lemmas/signum-trace.ts';
import type { Outcome } from '../../src/lemmas/types.ts';

/**
 * The residual of the momentum estimation-error recursion along real Signum runs, shared by
 * lemmas/momentum-error-recursion.ts and lemmas/momentum-error-unrolled.ts (P1 App. A, proof of Thm 1).
 */

/** Signum instances: every registered family, d <= 200, T in [2, 48]. */
export const domain = momentumArb([], { maxT: 48, maxD: 200, minT: 2 });

/** The instance families, in words. */
export const FAMILIES = [
  'every registered family (the identity is algebraic in the stored gradients); d <= 200, T in [2, 48]',
  'x_1 = x* + 10^e z, eta = 10^k s (capped for the exponential families), beta = 1, round values, or any double in [1e-4, 1]',
  'noise: none, Gaussian, Rademacher, Student-t(5), bimodal asymmetric; sigma = 10^[-6, 3], scalar or per coordinate; Philox seed per instance',
];

/** Which form and which (wrong) coefficients a check uses. */
export interface Form {
  readonly unrolled: boolean;
  /** Coefficient on s_t in the recursion: 1 - beta (right) or 0 / 1 (wrong variants). */
  readonly drift: 'one-minus-beta' | 'none' | 'one';
  /** Exponent offset of s_k in the unrolled sum: 1 (right: (1-beta)^{t-k+1}) or 0 (wrong). */
  readonly sOffset: 0 | 1;
}

/**
 * Worst coordinate of |eps_t - formula_t| / bound over t and i, with the per-coordinate rounding
 * bound derived in the declarations' toleranceDerivation. eps_t = v_t - g_t, n_t = gs_t - g_t,
 * s_t = g_{t-1} - g_t (P1's notation, t = 1..T stored at rows 0..T-1).
 */
export function residual(tr: SignumTrace, beta: number, form: Form): Outcome {
  const { d, T } = tr;
  const c = 1 - beta;
  const cs = form.drift === 'one-minus-beta' ? c : form.drift === 'one' ? 1 : 0;
  const eps = new Float64Array(T * d);
  const n = new Float64Array(T * d);
  const sArr = new Float64Array(T * d);
  for (let k = 0; k < T * d; k++) {
    eps[k] = tr.v[k] - tr.g[k];
    n[k] = tr.gs[k] - tr.g[k];
  }
  for (let t = 1; t < T; t++) for (let i = 0; i < d; i++) sArr[t * d + i] = tr.g[(t - 1) * d + i] - tr.g[t * d + i];
  // R_k: magnitude of the momentum update's rounding, |r_k| <= gamma_3 R_k.
  const R = new Float64Array(T * d);
  for (let t = 1; t < T; t++) for (let i = 0; i < d; i++) R[t * d + i] = c * Math.abs(tr.v[(t - 1) * d + i]) + beta * Math.abs(tr.gs[t * d + i]);
  let worst = { ratio: -1, a: 0, b: 0, bound: 0, scale: 1 };
  const consider = (a: number, b: number, bound: number, scale: number): void => {
    const diff = Math.abs(a - b);
    const ratio = diff === 0 ? 0 : diff / bound;
    if (ratio > worst.ratio) worst = { ratio, a, b, bound, scale };
  };
  if (!form.unrolled) {
    for (let t = 1; t < T; t++) {
      for (let i = 0; i < d; i++) {
        const k = t * d + i;
        const rec = c * eps[k - d] + cs * sArr[k] + beta * n[k];
        const mag = R[k] + Math.abs(eps[k]) + c * Math.abs(eps[k - d]) + cs * Math.abs(sArr[k]) + beta * Math.abs(n[k]);
        consider(eps[k], rec, gamma(8) * mag + 8 * ETA, mag);
      }
    }
  } else {
    // powers (1-beta)^j by repeated multiplication: relative error <= gamma_{2j+1}
    const pw = new Float64Array(T + 1);
    pw[0] = 1;
    for (let j = 1; j <= T; j++) pw[j] = pw[j - 1] * c;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < d; i++) {
        let sum = pw[t] * n[i];
        let mag = Math.abs(sum);
        let carried = 0;
        for (let k = 1; k <= t; k++) {
          const tn = beta * pw[t - k] * n[k * d + i];
          const ts = pw[t - k + form.sOffset] * sArr[k * d + i];
          sum += tn + ts;
          mag += Math.abs(tn) + Math.abs(ts);
          carried += pw[t - k] * R[k * d + i];
        }
        const e = eps[t * d + i];
        const bound = U * Math.abs(e) + gamma(3) * carried + gamma(4 * t + 6) * mag + (4 * t + 8) * ETA;
        consider(e, sum, bound, mag + Math.abs(e) + carried);
      }
    }
  }
  return { lhs: worst.a, rhs: worst.b, scale: Math.max(worst.scale, 1e-300), detail: { bound: worst.bound, d, T } };
}

/** The check of one form: the residual along the instance's Signum trace. */
export function residualCheck(form: Form): (inst: MomentumInstance) => Outcome {
  return (inst) => {
    const setup = momentumSetup(inst);
    return residual(momentumTrace(inst, setup, 0), inst.beta, form);
  };
}

/** The per-coordinate rounding bound computed by {@link residual}. */
export const tolerance = (_i: MomentumInstance, o: Outcome): number => o.detail!.bound;

