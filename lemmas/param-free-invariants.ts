import fc from 'fast-check';
import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { coordArb, coordsArb, problemSpecArb, type Coord, type ProblemSpec } from '../src/lemmas/domains.ts';
import { ETA, gamma, norm1, norm2, normInf, UNIT_ROUNDOFF as U } from '../src/core/numerics.ts';
import { evaluationErrors } from '../src/lemmas/rounding.ts';
import type { Outcome } from '../src/lemmas/types.ts';
import type { Problem } from '../src/problems/types.ts';
import { movesAway, notMushroom, observeRun, problemAndStart, stepsFor, type ObservedRun } from './alias-common.ts';

/**
 * Invariants of the parameter-free baselines (src/algorithms/baselines.ts), checked along real runs of
 * the registered programs with exact gradients: Prodigy's and D-Adaptation SGD's D estimates never
 * exceed the distance to the solution (convex f), DoG's r-bar is the running maximum distance from
 * x_0, MoMo's step never exceeds its cap.
 */

/** Families with a known minimiser x* (exp-sum has none; Mushroom left out for cost). */
const withMinimiser = (s: ProblemSpec) => s.family !== 'exp-sum' && notMushroom(s);

/** A run of one baseline: problem, x_0 = x* + 10^e z, a few method settings (indices into fixed lists), T. */
export interface BaselineInstance {
  readonly problem: ProblemSpec;
  readonly e: number;
  /** log10 of d0 (Prodigy, D-Adaptation), of reps_rel (DoG), of lr (MoMo). */
  readonly j: number;
  /** Index into the method's settings list. */
  readonly option: number;
  readonly T: number;
  readonly coords: Coord[];
}

function instanceArb(problems: fc.Arbitrary<ProblemSpec>, j: [number, number], options: number): fc.Arbitrary<BaselineInstance> {
  return fc
    .record({
      problem: problems,
      e: fc.integer({ min: -3, max: 3 }),
      j: fc.integer({ min: j[0], max: j[1] }),
      option: fc.integer({ min: 0, max: options - 1 }),
      T: fc.integer({ min: 2, max: 40 }),
      coords: coordsArb(coordArb, 1200),
    })
    .filter(movesAway);
}

/** x*, and a bound on the error of a numerically computed x* (||grad f(x~*)||_2 / mu), 0 when f* is exact. */
function minimiser(p: Problem): { xs: Float64Array; err2: number } {
  const xs = p.constants.xStar!;
  if (!(p.constants.fStarError ?? 0)) return { xs, err2: 0 };
  const g = new Float64Array(p.d);
  p.grad(xs, g);
  const mu = p.constants.mu ?? 0;
  if (!(mu > 0)) throw new Error(`${p.name}: numerical x* without a strong-convexity modulus`);
  return { xs, err2: (1 + 1e-12) * (norm2(g) / mu) + 4 * U * normInf(xs) * Math.sqrt(p.d) };
}

interface Eval {
  readonly outcome: Outcome;
  readonly tol: number;
}

/** Keeps the step with the largest (lhs - rhs - tol) / scale (relation '<='), or the largest |lhs - rhs| - tol ('='). */
class Worst {
  best: Eval | null = null;
  private score = -Infinity;
  add(lhs: number, rhs: number, tol: number, relation: '<=' | '=', detail: Record<string, number>): void {
    const scale = Math.abs(lhs) + Math.abs(rhs) || 1;
    const s = (relation === '<=' ? lhs - rhs - tol : Math.abs(lhs - rhs) - tol) / scale;
    if (s > this.score) {
      this.score = s;
      this.best = { outcome: { lhs, rhs, detail }, tol };
    }
  }
  get(): Eval {
    if (!this.best) throw new Error('no step to check');
    return this.best;
  }
}

function memo<K extends object>(f: (k: K, key: string) => Eval): (k: K, key: string) => Eval {
  const cache = new WeakMap<K, Map<string, Eval>>();
  return (k, key) => {
    let m = cache.get(k);
    if (!m) cache.set(k, (m = new Map()));
    let e = m.get(key);
    if (!e) m.set(key, (e = f(k, key)));
    return e;
  };
}

function runOf(id: string, hyper: Record<string, number>, inst: BaselineInstance, vectors: string[] = []): ObservedRun {
  const { p, x0 } = problemAndStart(inst.problem, inst.coords, inst.e);
  return observeRun(id, hyper, p, x0, stepsFor(inst.T, p.d, inst.problem.family), vectors);
}

// ---------------------------------------------------------------------------------------------
// Prodigy

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

// ---------------------------------------------------------------------------------------------
// D-Adaptation SGD

const DADAPT_LR = [1, 0.5, 2, 4];

const dadaptRuns = new WeakMap<BaselineInstance, ObservedRun>();
function dadaptRun(inst: BaselineInstance): ObservedRun {
  let r = dadaptRuns.get(inst);
  if (!r) dadaptRuns.set(inst, (r = runOf('dadapt-sgd', { lr: DADAPT_LR[inst.option], d0: 10 ** inst.j }, inst, ['s'])));
  return r;
}

/**
 * At every step t: lhs = the program's d-hat_t = 2 r_t / ||s_t||_2, rhs = factor ||x_0 - x*||_2 with
 * factor 2 (the reference code's estimate) or 1 (the wrong variant).
 */
const dadaptEval = memo<BaselineInstance>((inst, key) => {
  const factor = key === 'half' ? 0.5 : 2;
  const run = dadaptRun(inst);
  const { p, d, xs, S, V } = run;
  const ev = evaluationErrors(p);
  const { xs: xStar, err2 } = minimiser(p);
  const D2 = Math.hypot(...Array.from(xs[0], (v, i) => v - xStar[i]));
  let Dinf = 0;
  for (let i = 0; i < d; i++) Dinf = Math.max(Dinf, Math.abs(xs[0][i] - xStar[i]));
  const rhs = factor * D2;
  const g = new Float64Array(d);
  const worst = new Worst();
  let Er = 0;
  let Es = 0;
  for (let t = 0; t < S.length; t++) {
    p.grad(xs[t], g);
    const dlr = S[t].dlr;
    const sOld = t === 0 ? new Float64Array(d) : V[t - 1].s;
    let a = 0;
    let b = 0;
    for (let k = 0; k < d; k++) {
      a += Math.abs(g[k] * sOld[k]);
      b += Math.abs(g[k] * xs[t][k]);
    }
    const gErr = ev.grad1(xs[t], g);
    // rinc's rounding and gradient error; x_t = fl(x_0 - s_{t-1}) costs u sum |g_k||x_k| (+ u^2)
    Er += dlr * (gamma(d + 1) * a + gErr * normInf(sOld) + 2 * U * b) + gamma(t + 3) * dlr * Math.abs(S[t].rinc);
    Es += dlr * (gErr + gamma(t + 3) * norm1(g));
    if (!(S[t].ssq > 0)) continue;
    const sn = Math.sqrt(S[t].ssq);
    const lhs = S[t].dhat;
    const tol = (2 * (Er + Es * Dinf)) / sn + gamma(d + 4) * (Math.abs(lhs) + rhs) + factor * err2 + (4 * d + 16) * (t + 1) * ETA;
    worst.add(lhs, rhs, tol, '<=', { t, d, T: S.length });
  }
  return worst.get();
});

/**
 * param-free-dadapt-sgd-dhat: D-Adaptation SGD (reference v3 code, momentum 0) on a convex f with exact
 * gradients: d-hat_t = 2 r_t / ||s_t||_2 <= 2 ||x_0 - x*||_2. Proof: x_t = x_0 - s_{t-1}, so
 * r_t = sum_i dlr_i <g_i, s_{i-1}> = sum_i dlr_i <g_i, x_0 - x_i> <= <s_t, x_0 - x*> <= ||s_t|| D. The
 * factor 2 is the code's (d_hat = 2 numerator / ||s||; the paper's estimate is r / ||s|| <= D).
 */
export const dadaptSgdDHat = exactLemma<BaselineInstance>({
  id: 'param-free-dadapt-sgd-dhat',
  title: "D-Adaptation SGD's D estimate is at most twice the distance to x*",
  statement: String.raw`\hat d_t = \frac{2\sum_{i\le t}\lambda_i\langle g_i, s_{i-1}\rangle}{\|s_t\|_2} \le 2\|x_0 - x^*\|_2,\quad x_t = x_0 - s_{t-1},\ s_t = \sum_{i\le t}\lambda_i g_i`,
  source: 'Defazio & Mishchenko (2023), arXiv 2301.07733, Lemma on the D lower bound; reference code facebookresearch/dadaptation v3 (DAdaptSGD)',
  reading: "The code's d_hat = 2 numerator_weighted / ||s|| is twice the paper's r / ||s||: the paper's bound D becomes 2D for the code's estimate (the wrong variant without the 2 is the paper's bound applied to the code). Momentum 0 (with momentum, x_t is no longer x_0 - s_{t-1} and the argument does not apply).",
  assumptions: ['f convex with a minimiser x*, exact gradients', 'D-Adaptation SGD with momentum 0 and weight decay 0; lr in {0.5, 1, 2, 4}'],
  families: [
    'convex families with a minimiser (separable, rotated and heterogeneous quadratics, logistic-synthetic, sum-cosh, quartic-sum)',
    'x_0 = x* + 10^e z (e in [-3, 3]), d_0 = 10^j (j in [-8, 0]), T in [2, 40] (T d <= 20000)',
  ],
  relation: '<=',
  domain: instanceArb(problemSpecArb(['fStar']).filter(withMinimiser), [-8, 0], DADAPT_LR.length),
  check: (inst) => dadaptEval(inst, 'main').outcome,
  tolerance: (inst) => dadaptEval(inst, 'main').tol,
  toleranceDerivation:
    'r and s accumulate dlr_i-weighted terms; with the true gradients at the computed iterates the proof gives r <= <s, x_0 - x*>. Float64: each <g~, s> has gamma_{d+1} ' +
    'sum |g_k s_k| plus gErr1 ||s||_inf, the computed x_t = fl(x_0 - s_{t-1}) differs by u |x_t| per coordinate (2u sum |g_k x_k|), accumulations gamma_{t+3}; ' +
    '||s~ - s||_1 <= sum dlr (gErr1 + gamma_{t+3} ||g||_1) enters as D_inf times it; tolerance = 2 (E_r + D_inf E_s) / ||s||_2 + gamma_{d+4} (|d-hat| + rhs) + the x* error; (4d + 16)(t + 1) 2^-1074.',
  expect: 'holds',
  notes: [
    "Finding: in every run of this domain the code's estimate also stayed below D itself (largest d-hat / D about 0.86), i.e. the paper's bound for r/||s|| held for the code's 2r/||s|| too; it is not implied by the proof (2r/||s|| <= ||s_t|| = ||x_0 - x_{t+1}||, which can exceed D after an overshoot), so it is recorded here, not claimed.",
  ],
});

/** Wrong variant: half the distance (the estimate does get close to ||x_0 - x*||). */
export const dadaptSgdDHatHalf = variantOf(dadaptSgdDHat, {
  id: 'param-free-dadapt-sgd-dhat-half',
  title: "D-Adaptation SGD's d-hat below half the distance (wrong)",
  statement: String.raw`\hat d_t \le \tfrac12\|x_0 - x^*\|_2`,
  change: 'right-hand side 2D replaced by D/2',
  check: (inst) => dadaptEval(inst, 'half').outcome,
  tolerance: (inst) => dadaptEval(inst, 'half').tol,
});

// ---------------------------------------------------------------------------------------------
// DoG

const DOG_LR = [1, 0.5];

const dogRuns = new WeakMap<BaselineInstance, ObservedRun>();
function dogRun(inst: BaselineInstance): ObservedRun {
  let r = dogRuns.get(inst);
  if (!r) dogRuns.set(inst, (r = runOf('dog-last', { lr: DOG_LR[inst.option], repsRel: 10 ** inst.j }, inst)));
  return r;
}

/** r-bar_t against max(r_eps, max_{1 <= i <= t + shift} ||x_i - x_0||_2). */
const dogEval = memo<BaselineInstance>((inst, key) => {
  const shift = key === 'next' ? 1 : 0;
  const run = dogRun(inst);
  const { d, xs, S } = run;
  const worst = new Worst();
  let x0sq = 0;
  for (let k = 0; k < d; k++) x0sq += xs[0][k] * xs[0][k];
  let rmax = 10 ** inst.j * (1 + Math.sqrt(x0sq));
  const dist = (i: number) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += (xs[i][k] - xs[0][k]) * (xs[i][k] - xs[0][k]);
    return Math.sqrt(s);
  };
  for (let t = 0; t < S.length; t++) {
    if (t >= 1) rmax = Math.max(rmax, dist(t));
    const rhs = shift ? Math.max(rmax, dist(t + 1)) : rmax;
    const lhs = S[t].rbar;
    worst.add(lhs, rhs, gamma(d + 3) * (Math.abs(lhs) + Math.abs(rhs)) + ETA, '=', { t, d, T: S.length });
    if (t > 0 && S[t].rbar < S[t - 1].rbar) throw new Error(`DoG's r-bar decreased at t = ${t} (a bug)`);
  }
  return worst.get();
});

/**
 * param-free-dog-rbar: DoG's r-bar_t is the running maximum distance from x_0,
 * r-bar_t = max(r_eps, max_{i <= t} ||x_i - x_0||_2), r_eps = reps_rel (1 + ||x_0||): it never decreases
 * and never exceeds max_{i <= t} ||x_i - x_0|| (beyond r_eps). Structural (the reference code's
 * definition), checked on the registered program; the wrong variant includes the iterate x_{t+1} that
 * step t produces (the step size of step t must not depend on its own result).
 */
export const dogRBar = exactLemma<BaselineInstance>({
  id: 'param-free-dog-rbar',
  title: "DoG's r-bar is the running maximum distance from x_0",
  statement: String.raw`\bar r_t = \max\big(r_\epsilon, \max_{i\le t}\|x_i - x_0\|_2\big),\quad r_\epsilon = \text{reps\_rel}\,(1 + \|x_0\|_2)`,
  source: 'Ivgi, Hinder & Carmon (2023), arXiv 2302.12022, Algorithm 1; reference code formll/dog',
  assumptions: ['any f (the identity is structural)', 'DoG with weight decay 0, lr in {0.5, 1}, reps_rel = 10^j (j in [-8, -1])'],
  families: ['every family declaring f* but Mushroom (cost)', 'x_0 = x* + 10^e z (e in [-3, 3]), T in [2, 40] (T d <= 20000)'],
  relation: '=',
  domain: instanceArb(problemSpecArb(['fStar']).filter(notMushroom), [-8, -1], DOG_LR.length),
  check: (inst) => dogEval(inst, 'main').outcome,
  tolerance: (inst) => dogEval(inst, 'main').tol,
  toleranceDerivation: 'Both sides are square roots of d-term sums of squares computed in the same order: gamma_{d+3} (|lhs| + |rhs|) covers any reordering; plus 2^-1074.',
  expect: 'holds',
  tightWithin: 1e-6,
});

/** Wrong variant: the maximum taken up to x_{t+1}. */
export const dogRBarNext = variantOf(dogRBar, {
  id: 'param-free-dog-rbar-includes-next',
  title: "DoG's r-bar including the iterate the step produces (wrong)",
  statement: String.raw`\bar r_t = \max\big(r_\epsilon, \max_{i\le t+1}\|x_i - x_0\|_2\big)`,
  change: 'the maximum runs to t + 1',
  check: (inst) => dogEval(inst, 'next').outcome,
  tolerance: (inst) => dogEval(inst, 'next').tol,
});

// ---------------------------------------------------------------------------------------------
// MoMo

const MOMO_OPTIONS: ReadonlyArray<Record<string, number>> = [{}, { beta: 0 }, { beta: 0.5 }, { biasCorrection: 1 }, { beta: 0, lb: -1 }, { wd: 0.1 }];

const momoRuns = new WeakMap<BaselineInstance, ObservedRun>();
function momoRun(inst: BaselineInstance): ObservedRun {
  let r = momoRuns.get(inst);
  if (!r) momoRuns.set(inst, (r = runOf('momo', { ...MOMO_OPTIONS[inst.option], lr: 10 ** inst.j }, inst)));
  return r;
}

const momoEval = memo<BaselineInstance>((inst, key) => {
  const factor = key === 'half' ? 0.5 : 1;
  const run = momoRun(inst);
  const worst = new Worst();
  const lr = 10 ** inst.j;
  for (let t = 0; t < run.S.length; t++) {
    const { tau, rho } = run.S[t];
    if (!(tau >= 0)) throw new Error(`MoMo's tau = ${tau} < 0 at t = ${t} (a bug: tau = min(lr/rho, max(., 0)/||d||^2))`);
    // tau is either lr / rho (exactly, the cap) or the model step, whose d-term inner products and
    // divisions carry gamma_{d+8} relative rounding: that is the tolerance (0 for the cap branch)
    worst.add(tau, factor * (lr / rho), tau === lr / rho ? 0 : gamma(run.d + 8) * tau, '<=', { t, T: run.S.length });
  }
  return worst.get();
});

/**
 * param-free-momo-tau: MoMo's adaptive step is in [0, lr / rho] at every step (rho = 1 - beta^k with
 * bias correction, else 1): the cap of the model-based (Polyak-type) step. Structural; the domain
 * reaches both branches of the min (cap binding and the model step).
 */
export const momoTau = exactLemma<BaselineInstance>({
  id: 'param-free-momo-tau',
  title: "MoMo's step never exceeds its cap",
  statement: String.raw`0 \le \tau_k = \min\Big(\frac{\eta}{\rho_k}, \frac{\big((1+\eta\lambda)(\bar f_k - \rho_k\,\mathrm{lb}) + \langle x_k, d_k\rangle - (1+\eta\lambda)\bar\gamma_k\big)_+}{\|d_k\|^2}\Big) \le \frac{\eta}{\rho_k}`,
  source: 'Schaipp et al. (2024), arXiv 2305.07583, Alg. 1; reference code fabian-sp/MoMo',
  assumptions: ['any f, exact gradients and function values', 'MoMo settings: defaults, beta 0 / 0.5, bias correction, lb = -1, weight decay 0.1; lr = 10^j (j in [-3, 1])'],
  families: ['every family declaring f* but Mushroom (cost)', 'x_0 = x* + 10^e z (e in [-3, 3]), T in [2, 40]'],
  relation: '<=',
  domain: instanceArb(problemSpecArb(['fStar']).filter(notMushroom), [-3, 1], MOMO_OPTIONS.length),
  check: (inst) => momoEval(inst, 'main').outcome,
  tolerance: (inst) => momoEval(inst, 'main').tol,
  toleranceDerivation:
    'tau is the exact minimum of lr / rho (recomputed here with the same single rounding) and the model step: 0 when the cap binds, else gamma_{d+8} tau for the rounding of the model step (d-term inner products, one division, a few products).',
  expect: 'holds',
  tightWithin: 1e-6,
  notes: ['Equality whenever the cap binds (large model steps), which the domain reaches with small lr.'],
});

/** Wrong variant: half the cap. */
export const momoTauHalf = variantOf(momoTau, {
  id: 'param-free-momo-tau-half',
  title: "MoMo's step below half its cap (wrong)",
  statement: String.raw`\tau_k \le \frac{\eta}{2\rho_k}`,
  change: 'cap halved',
  check: (inst) => momoEval(inst, 'half').outcome,
  tolerance: (inst) => momoEval(inst, 'half').tol,
});
