import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { problemSpecArb } from '../src/lemmas/domains.ts';
import { ETA, gamma } from '../src/core/numerics.ts';
import { notMushroom, type ObservedRun } from './lib/alias-common.ts';
import { instanceArb, Worst, memo, runOf, type BaselineInstance } from './lib/param-free-baselines.ts';

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

