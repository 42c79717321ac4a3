import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { problemSpecArb } from '../src/lemmas/domains.ts';
import { ETA, gamma, norm1 } from '../src/core/numerics.ts';
import { evaluationErrors } from '../src/lemmas/rounding.ts';
import type { ObservedRun } from './lib/alias-common.ts';
import { withMinimiser, instanceArb, minimiser, Worst, memo, runOf, type BaselineInstance } from './lib/param-free-baselines.ts';

const PRODIGY_OPTIONS: ReadonlyArray<Record<string, number>> = [
  {},
  { dCoef: 2 },
  { dCoef: 0.5, lr: 2 },
  { biasCorrection: 1 },
  { beta1: 0, beta2: 0.9 },
  { lr: 0.5, beta3: 0.9 },
];

const prodigyRuns = new WeakMap<BaselineInstance, ObservedRun>();
function prodigyRun(inst: BaselineInstance): ObservedRun {
  let r = prodigyRuns.get(inst);
  if (!r) prodigyRuns.set(inst, (r = runOf('prodigy', { ...PRODIGY_OPTIONS[inst.option], d0: 10 ** inst.j }, inst)));
  return r;
}

/**
 * At every step t: lhs = the program's d-hat_t, rhs = factor * d_coef * ||x_0 - x*||_inf. Float64
 * errors of r and ||s||_1 are bounded from the weights w_i = (d_i/d_0) dlr_i b3^{t-i} the run used.
 */
const prodigyEval = memo<BaselineInstance>((inst, key) => {
  const factor = key === 'quarter' ? 0.25 : 1;
  const run = prodigyRun(inst);
  const { p, d, xs, S } = run;
  const ev = evaluationErrors(p);
  const { xs: xStar, err2 } = minimiser(p);
  const opts = { dCoef: 1, ...PRODIGY_OPTIONS[inst.option] };
  let Dinf = 0;
  for (let i = 0; i < d; i++) Dinf = Math.max(Dinf, Math.abs(xs[0][i] - xStar[i]));
  const rhs = factor * opts.dCoef * Dinf;
  const g = new Float64Array(d);
  const w = new Array<number>(S.length).fill(0);
  const termR: number[] = []; // sum_k |g_k| |x0_k - x_k| (rounding of the inner product) + gErr1 ||x0 - x||_inf
  const termS: number[] = []; // gErr1 + ||g||_1 (the latter times gamma_{2T+4})
  const absG: number[] = [];
  const absInc: number[] = [];
  const worst = new Worst();
  const d0 = 10 ** inst.j;
  for (let t = 0; t < S.length; t++) {
    p.grad(xs[t], g);
    let a = 0;
    let dist = 0;
    for (let k = 0; k < d; k++) {
      a += Math.abs(g[k] * (xs[0][k] - xs[t][k]));
      dist = Math.max(dist, Math.abs(xs[0][k] - xs[t][k]));
    }
    const gErr = ev.grad1(xs[t], g);
    termR.push(gamma(d + 1) * a + gErr * dist);
    termS.push(gErr);
    absG.push(norm1(g));
    absInc.push(Math.abs(S[t].rinc));
    const dStart = t === 0 ? d0 : S[t - 1].d;
    const b3 = S[t].b3;
    for (let i = 0; i < t; i++) w[i] *= b3;
    w[t] = (dStart / d0) * S[t].dlr;
    if (!(S[t].sl1 > 0)) continue;
    let Er = 0;
    let Es = 0;
    for (let i = 0; i <= t; i++) {
      Er += w[i] * (termR[i] + gamma(2 * t + 6) * absInc[i]);
      Es += w[i] * (termS[i] + gamma(2 * t + 6) * absG[i]);
    }
    const lhs = S[t].dhat;
    const tol = (opts.dCoef * (Dinf * Es + Er)) / S[t].sl1 + gamma(4) * (Math.abs(lhs) + rhs) + opts.dCoef * err2 + (4 * d + 16) * (t + 1) * ETA;
    worst.add(lhs, rhs, tol, '<=', { t, d, T: S.length });
    if (t > 0 && S[t].d < S[t - 1].d) throw new Error(`Prodigy's d decreased at t = ${t} (a bug: d = max(d, d-hat))`);
  }
  return worst.get();
});

const PRODIGY_TOL =
  'r and s are weighted sums with the same computed weights w_i = (d_i/d_0) dlr_i b3^{t-i}; the proof bounds r by <s, x_0 - x*> with the true gradients at the ' +
  'computed iterates. Float64: each <g~_i, x_0 - x_i> carries gamma_{d+1} sum |g_k||x0_k - x_k| plus gErr1 ||x_0 - x_i||_inf, each ||s||_1 term gErr1 (family ' +
  'models), the weighted accumulations gamma_{2t+6} per term; tolerance = d_coef (D_inf E_s + E_r) / ||s||_1 + gamma_4 (|d-hat| + rhs) + d_coef times the ' +
  "error bound of a numerically computed x* (||grad f(x~*)|| / mu); (4d + 16)(t + 1) 2^-1074.";

/**
 * param-free-prodigy-dhat: Prodigy (Adam version, reference defaults and the options listed in
 * `families`) on a convex f with exact gradients: every estimate d-hat_t <= d_coef ||x_0 - x*||_inf,
 * hence d_t <= max(d_0, d_coef ||x_0 - x*||_inf) (and d never decreases). Proof: r_t = sum_i w_i
 * <g_i, x_0 - x_i> <= sum_i w_i <g_i, x_0 - x*> = <s_t, x_0 - x*> <= ||s_t||_1 ||x_0 - x*||_inf, by
 * convexity <g_i, x_i - x*> >= f(x_i) - f* >= 0, since r and s carry the same weights.
 */
export const prodigyDHat = exactLemma<BaselineInstance>({
  id: 'param-free-prodigy-dhat',
  title: "Prodigy's D estimate never exceeds the distance to x*",
  statement: String.raw`\hat d_t = d_{\mathrm{coef}}\,\frac{\sum_{i\le t} w_i\langle g_i, x_0 - x_i\rangle}{\|\sum_{i\le t} w_i g_i\|_1} \le d_{\mathrm{coef}}\,\|x_0 - x^*\|_\infty \le d_{\mathrm{coef}}\,\|x_0 - x^*\|_2,\quad d_t\ \text{non-decreasing}`,
  source: 'Mishchenko & Defazio (2024), arXiv 2306.06101 (Prodigy), the lower-bound property of its D estimate; reference code konstmish/prodigy',
  reading:
    'THEORY.md states d-hat <= D = ||x_0 - x*||; for the Adam version with l1-normalised s the proof gives the l_inf distance, which is stronger. Exact gradients, weight decay 0, safeguard_warmup off (with it r and s have different weights and the factor becomes lr bc).',
  assumptions: ['f convex with a minimiser x*, exact gradients', 'Prodigy with weight decay 0 and safeguard_warmup off; any lr, d_coef, betas, bias correction'],
  families: [
    'convex families with a minimiser (separable, rotated and heterogeneous quadratics, logistic-synthetic, sum-cosh, quartic-sum)',
    'x_0 = x* + 10^e z (e in [-3, 3]), d_0 = 10^j (j in [-8, 0]), T in [2, 40] (T d <= 20000); settings: defaults, d_coef 2, d_coef 0.5 with lr 2, bias correction, betas (0, 0.9), lr 0.5 with beta3 0.9',
  ],
  relation: '<=',
  domain: instanceArb(problemSpecArb(['fStar']).filter(withMinimiser), [-8, 0], PRODIGY_OPTIONS.length),
  check: (inst) => prodigyEval(inst, 'main').outcome,
  tolerance: (inst) => prodigyEval(inst, 'main').tol,
  toleranceDerivation: PRODIGY_TOL,
  expect: 'holds',
});

/** Wrong variant: a quarter of the distance. */
export const prodigyDHatQuarter = variantOf(prodigyDHat, {
  id: 'param-free-prodigy-dhat-quarter',
  title: "Prodigy's d-hat below a quarter of the distance (wrong)",
  statement: String.raw`\hat d_t \le \tfrac14\, d_{\mathrm{coef}}\,\|x_0 - x^*\|_\infty`,
  change: 'right-hand side divided by 4 (the estimate does approach the distance)',
  check: (inst) => prodigyEval(inst, 'quarter').outcome,
  tolerance: (inst) => prodigyEval(inst, 'quarter').tol,
});

