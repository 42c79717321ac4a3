import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { momentumArb, momentumSetup, momentumTrace, type MomentumInstance } from '../src/lemmas/momentum.ts';
import { ETA, gamma, UNIT_ROUNDOFF as U } from '../src/core/numerics.ts';
import type { SignumTrace } from '../src/lemmas/signum-trace.ts';
import type { Outcome } from '../src/lemmas/types.ts';

const domain = momentumArb([], { maxT: 48, maxD: 200, minT: 2 });

const FAMILIES = [
  'every registered family (the identity is algebraic in the stored gradients); d <= 200, T in [2, 48]',
  'x_1 = x* + 10^e z, eta = 10^k s (capped for the exponential families), beta = 1, round values, or any double in [1e-4, 1]',
  'noise: none, Gaussian, Rademacher, Student-t(5), bimodal asymmetric; sigma = 10^[-6, 3], scalar or per coordinate; Philox seed per instance',
];

/** Which form and which (wrong) coefficients a check uses. */
interface Form {
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
function residual(tr: SignumTrace, beta: number, form: Form): Outcome {
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

function check(form: Form): (inst: MomentumInstance) => Outcome {
  return (inst) => {
    const setup = momentumSetup(inst);
    return residual(momentumTrace(inst, setup, 0), inst.beta, form);
  };
}

const tolerance = (_i: MomentumInstance, o: Outcome): number => o.detail!.bound;

/**
 * momentum-error-recursion (P1 App. A, proof of Thm 1): with eps_t = v_t - grad f(x_t),
 * n_t = (stochastic gradient) - grad f(x_t) and s_t = grad f(x_{t-1}) - grad f(x_t),
 * eps_t = (1 - beta) eps_{t-1} + (1 - beta) s_t + beta n_t for t >= 2, checked coordinate by
 * coordinate along real Signum runs (src/lemmas/signum-trace.ts, bit-identical to runCpu).
 */
export const momentumErrorRecursion = exactLemma<MomentumInstance>({
  id: 'momentum-error-recursion',
  title: 'Momentum estimation-error recursion along Signum runs',
  statement: String.raw`\epsilon_t = (1-\beta)\epsilon_{t-1} + (1-\beta)s_t + \beta n_t,\quad \epsilon_t = v_t - \nabla f(x_t),\ n_t = \nabla f(x_t;\xi_t) - \nabla f(x_t),\ s_t = \nabla f(x_{t-1}) - \nabla f(x_t)`,
  source: 'P1 (Jiang et al., arXiv 2507.12091) App. A, proof of Thm 1 (definition of eps_t, n_t, s_t and the recursion)',
  assumptions: ['Signum with v_1 = gs_1, v_t = (1 - beta) v_{t-1} + beta gs_t (P1 Alg. 1); any f, any noise; t >= 2'],
  families: FAMILIES,
  relation: '=',
  domain,
  check: check({ unrolled: false, drift: 'one-minus-beta', sOffset: 1 }),
  tolerance,
  toleranceDerivation:
    'per coordinate: the computed v_t carries the momentum update\'s rounding r_t, |r_t| <= gamma_3 ((1-beta)|v_{t-1}| + beta |gs_t|); eps, n, s are one rounding each; ' +
    'the right-hand side three products and two sums: |eps_t - rhs| <= gamma_8 (|r-magnitudes| + |eps_t| + (1-beta)(|eps_{t-1}| + |s_t|) + beta |n_t|) + 8 2^-1074. ' +
    'The reported lhs / rhs are the coordinate with the largest residual relative to this bound.',
  expect: 'holds',
  notes: ['An identity: the smallest margin is minus the largest relative residual (rounding only).'],
});

/** The unrolled form: eps_t = (1-beta)^{t-1} n_1 + beta sum_{k=2}^t (1-beta)^{t-k} n_k + sum_{k=2}^t (1-beta)^{t-k+1} s_k. */
export const momentumErrorUnrolled = exactLemma<MomentumInstance>({
  id: 'momentum-error-unrolled',
  title: 'Momentum estimation error, unrolled',
  statement: String.raw`\epsilon_t = (1-\beta)^{t-1} n_1 + \beta\sum_{k=2}^{t}(1-\beta)^{t-k} n_k + \sum_{k=2}^{t}(1-\beta)^{t-k+1} s_k`,
  source: 'P1 App. A, proof of Thm 1 ("Performing this recursively yields")',
  reading: 'eps_1 = n_1 because v_1 = gs_1 (stated in the proof).',
  assumptions: ['Signum as in P1 Alg. 1; t = 1..T'],
  families: FAMILIES,
  relation: '=',
  domain,
  check: check({ unrolled: true, drift: 'one-minus-beta', sOffset: 1 }),
  tolerance,
  toleranceDerivation:
    'per coordinate: u |eps_t| + sum_k (1-beta)^{t-k} gamma_3 R_k (the momentum roundings r_k carried through the recursion, R_k = (1-beta)|v_{k-1}| + beta|gs_k|) ' +
    '+ gamma_{4t+6} (sum of the absolute values of the unrolled terms) (powers by repeated multiplication, gamma_{2j+1}; products; a sum of 2t - 1 terms) + (4t + 8) 2^-1074.',
  expect: 'holds',
  notes: ['An identity: the smallest margin is minus the largest relative residual (rounding only).'],
});

/** Wrong variant: the drift term (1-beta) s_t missing. */
export const momentumErrorRecursionNoDrift = variantOf(momentumErrorRecursion, {
  id: 'momentum-error-recursion-no-drift',
  title: 'Momentum error recursion without the drift term (wrong)',
  statement: String.raw`\epsilon_t = (1-\beta)\epsilon_{t-1} + \beta n_t`,
  change: 'term (1 - beta) s_t dropped',
  check: check({ unrolled: false, drift: 'none', sOffset: 1 }),
});

/** Wrong variant: s_t without its factor (1 - beta). */
export const momentumErrorRecursionDriftFactor = variantOf(momentumErrorRecursion, {
  id: 'momentum-error-recursion-drift-factor-1',
  title: 'Momentum error recursion with s_t instead of (1-beta) s_t (wrong)',
  statement: String.raw`\epsilon_t = (1-\beta)\epsilon_{t-1} + s_t + \beta n_t`,
  change: 'factor (1 - beta) on s_t dropped',
  check: check({ unrolled: false, drift: 'one', sOffset: 1 }),
});

/** Wrong variant: exponent t - k instead of t - k + 1 on s_k in the unrolled form. */
export const momentumErrorUnrolledExponent = variantOf(momentumErrorUnrolled, {
  id: 'momentum-error-unrolled-exponent',
  title: 'Unrolled momentum error with (1-beta)^{t-k} on s_k (wrong)',
  statement: String.raw`\epsilon_t = (1-\beta)^{t-1} n_1 + \beta\sum_{k=2}^{t}(1-\beta)^{t-k} n_k + \sum_{k=2}^{t}(1-\beta)^{t-k} s_k`,
  change: 'exponent of (1 - beta) on s_k lowered by one',
  check: check({ unrolled: true, drift: 'one-minus-beta', sOffset: 0 }),
});
