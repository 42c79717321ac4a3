import { exactLemma, variantOf } from '../src/lemmas/declare.ts';
import { problemSpecArb } from '../src/lemmas/domains.ts';
import { gamma } from '../src/core/numerics.ts';
import { notMushroom, type ObservedRun } from './lib/alias-common.ts';
import { instanceArb, Worst, memo, runOf, type BaselineInstance } from './lib/param-free-baselines.ts';

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

