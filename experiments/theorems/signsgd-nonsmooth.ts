import type { RunRecipe } from '../../src/engine/recipe.ts';
import { wrongVariant } from '../../src/theorems/variants.ts';
import type { RateTheorem, SweepCell } from '../../src/theorems/types.ts';

const eps = 0.5;
const X0 = [1, 0.5] as const;
/** c of the decaying step c / sqrt(t + 1), shared by SignSGD and EF-SignSGD. */
const c = 0.1;
const SEED = 20190128;
/** The problem instance: K19's function, with r = +1 at the kink x1 = x2 (see design). */
const PROBLEM = { family: 'nonsmooth-k19', params: { eps, kink: 'plus', x0: `${X0[0]},${X0[1]}` } } as const;
/** SignSGD's floor: x1 + x2 never changes, so f(x_t) - f* >= eps |x1(0) + x2(0)|. */
const level = eps * Math.abs(X0[0] + X0[1]);
/**
 * Rounding slack of the floor: every step rounds each coordinate (|x_i| <= 2 on these runs) with
 * error <= 2^-52, so x1 + x2 drifts by at most 2^-51 per step, <= 2^16 2^-51 = 2^-35 ~ 3e-11 over the
 * longest run, plus a few ulps in evaluating f: 1e-9 covers it with margin.
 */
const ROUNDING = 1e-9;
const floor = level - ROUNDING;

const VARIANTS = [
  { variant: 'signsgd-decay', algorithm: 'signsgd', hyper: { lr: `${c} / sqrt(t + 1)` } },
  { variant: 'alias', algorithm: 'alias', hyper: {} },
  { variant: 'ef-signsgd', algorithm: 'ef-signsgd', hyper: { lr: `${c} / sqrt(t + 1)` } },
] as const;

/**
 * Negative result (P4's motivation; Karimireddy, Rebjock, Stich, Jaggi 2019, "Error feedback fixes
 * SignSGD and other gradient compression schemes", counterexample on a non-smooth convex function):
 * on f(x) = eps |x1 + x2| + |x1 - x2| (d = 2, 0 < eps < 1) the sign of every subgradient off the kink
 * x1 = x2 is +-(1, -1), orthogonal to the diagonal, so SignSGD never changes x1 + x2 and
 * f(x_t) - f* >= eps |x1(0) + x2(0)| for every step-size sequence: a decaying one and ALIAS's
 * parameter-free adaptive one alike. EF-SignSGD (K19 Alg. 1) keeps the part of lr g that the scaled
 * sign drops in its error memory e; the diagonal component accumulates there until it moves the
 * iterate, and f(x_t) -> 0 (the contrast series).
 */
export const signsgdNonsmooth: RateTheorem = {
  id: 'signsgd-nonsmooth',
  summary: 'SignSGD (decaying step, or ALIAS) stalls at f - f* >= eps |x1(0) + x2(0)| on K19\'s non-smooth convex f; EF-SignSGD converges',
  title: 'SignSGD fails on a non-smooth convex problem; error feedback fixes it',
  statement:
    'f(x) = \\varepsilon|x_1 + x_2| + |x_1 - x_2|:\\quad x_1 \\ne x_2 \\Rightarrow \\mathrm{sign}(g) = \\pm(1,-1) \\ \\forall g \\in \\partial f(x),\\ \\text{so } f(x_t) - f^\\star \\ge \\varepsilon\\,|x_1^0 + x_2^0| \\ \\forall t \\text{ for SignSGD with any steps } \\gamma_t',
  source:
    'Karimireddy, Rebjock, Stich, Jaggi (2019), Error feedback fixes SignSGD and other gradient compression schemes (ICML), counterexample on a non-smooth convex function and Alg. 1 (EF-SignSGD); P4 (Medyakov et al. 2025, arXiv 2506.03725) for ALIAS',
  kind: 'negative',
  assumptions: ['convex, non-smooth (no smoothness constant)', 'exact subgradients (no noise)', 'subgradient with r = +1 at the kink x1 = x2'],
  schedule: `signsgd-decay: SignSGD, gamma_t = ${c} / sqrt(t + 1); alias: ALIAS Option I with its defaults (gamma^t = sqrt(d^t / eta^t), no tuning); ef-signsgd: EF-SignSGD (K19 Alg. 1, Delta = ||p||_1 / d sign(p)), lr_t = ${c} / sqrt(t + 1)`,
  design:
    `f = ${eps} |x1 + x2| + |x1 - x2|, x0 = (${X0[0]}, ${X0[1]}), exact subgradients g = eps s (1, 1) + r (1, -1) (s = sign(x1 + x2), sign(0) = 0; r = sign(x1 - x2)). ` +
    `SignSGD and ALIAS move along (1, -1) only, so f(x_T) - f* >= eps |x1(0) + x2(0)| = ${level}. Stall check: f_gap_final at the largest T above ${level} - ${ROUNDING} (the rounding drift of x1 + x2, see the source) and its T-slope CI above -1/2 + tol; ` +
    '-1/2 is the rate of the subgradient method on a convex Lipschitz function (used as the reference a converging method would show; no paper claims it for these methods here). ' +
    'The contrast EF-SignSGD series must not stall (its f_gap_final falls far below the floor). ' +
    "Kink convention: with sign(0) = 0 also for r (the minimum-norm subgradient, the family's default kink = 'zero'), SignSGD's float iterates land exactly on x1 = x2 after ~1500 steps (x0 = (1, 0.5), gamma_t = 0.1 / sqrt(t + 1): the period-3 orbit of x1 - x2 passes within 1e-11 of 0), where sign(g) = s (1, 1) moves along the diagonal, and SignSGD then converges; the negative result is about a subgradient oracle that may return any element, so the instance uses kink = 'plus' (r = +1 at x1 = x2, still a subgradient), for which the floor holds at every point. " +
    'Exact subgradients make the 2 replicas identical: the CIs have zero width (2 replicas for the bootstrap, as in alias-deterministic).',
  bound: 'T^(-1/2)',
  constants: {},
  variables: ['T'],
  metric: 'f_gap_final',
  aggregation: 'mean',
  aggregationWhy: 'the quantity is deterministic; mean and median of identical replicas coincide',
  tol: 0.05,
  tolWhy: 'a tenth of the gap between the reference exponent -1/2 and no convergence (0); equal to the other negative results',
  series: ['variant'],
  stall: {
    variable: 'T',
    floor,
    claimedSlope: -0.5,
    contrast: { param: 'variant', values: ['ef-signsgd'], why: 'error feedback accumulates the diagonal component that the sign drops and applies it later (K19)' },
  },
  cells(profile) {
    const exps = profile === 'quick' ? [6, 8, 10, 12] : [6, 7, 8, 9, 10, 11, 12, 13, 14];
    const cells: SweepCell[] = [];
    for (const v of VARIANTS) {
      for (const e of exps) {
        const recipe: RunRecipe = {
          algorithm: v.algorithm,
          hyper: { ...v.hyper },
          problem: { family: PROBLEM.family, params: { ...PROBLEM.params } },
          noise: null,
          T: 2 ** e,
          workers: 1,
          replicas: 2,
          seed: SEED,
        };
        cells.push({ recipe, params: { variant: v.variant } });
      }
    }
    return cells;
  },
};

/** Wrong variants: the check must reject each (NOT REPRODUCED). */
export const signsgdNonsmoothVariants: RateTheorem[] = [
  wrongVariant(signsgdNonsmooth, {
    suffix: 'error-feedback-everywhere',
    kind: 'no-mechanism',
    change: 'every series runs EF-SignSGD with the decaying step (error feedback restores the dropped component: nothing stalls)',
    recipe: (r) => ({ ...r, algorithm: 'ef-signsgd', hyper: { lr: `${c} / sqrt(t + 1)` } }),
  }),
  wrongVariant(signsgdNonsmooth, {
    suffix: 'contrast-without-feedback',
    kind: 'no-mechanism',
    change: 'the EF-SignSGD contrast series runs plain SignSGD with the same step (no error feedback: the contrast stalls too)',
    recipe: (r, cell) => (cell.params.variant === 'ef-signsgd' ? { ...r, algorithm: 'signsgd' } : r),
  }),
];
