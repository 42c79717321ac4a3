import type { RateTheorem, SweepCell } from '../../src/theorems/types.ts';
import { wrongVariant } from '../../src/theorems/variants.ts';
import { mvsmRecipe, sweepG, v1Floor } from '../lib/mvsm-heterogeneous-quadratics.ts';

const eta0 = 0.2;
const beta = 0.5;
const d = 4;
const n = 3;
const seed = 20250717;
const G = sweepG([[d, n]], 0);
const predicted = v1Floor(d, n, G);
/** The same prediction for more workers (each with its own G by the same rule), for the design note. */
const byN = [3, 5, 9, 17].map((k) => ({ n: k, floor: v1Floor(d, k, sweepG([[d, k]], 0)).floor }));
const r4 = (x: number) => Number(x.toPrecision(4));

const VARIANTS = [
  { variant: 'v1', algorithm: 'mvsm-v1' },
  { variant: 'v2', algorithm: 'mvsm-v2' },
] as const;

/**
 * Negative result (P1 Sec. 4.2: Thms 3 and 4 "do not converge to zero as T increases"; v2 fixes it):
 * MVSM v1's server sends sign((1/n) sum_j S_G(v^j)), a biased estimate of the direction of
 * grad f when the workers are heterogeneous: the count of +1 messages is Poisson-binomial with unequal
 * p_j, so E sign(2c - n) is not 0 at x* and the iterates drift to a point x_eq != x* where it is.
 * E||grad f||_1 then stays near sum_i |x_eq,i - x*_i| however small the step. v2 sends S_1 of the
 * mean, unbiased for (1/(nG)) sum_j v^j (lemma mvsm-v2-server-unbiased): it keeps falling.
 */
export const mvsmV1Floor: RateTheorem = {
  id: 'mvsm-v1-floor',
  summary: "MVSM v1's majority vote is biased under heterogeneity: E||grad f||_1 plateaus; v2 (unbiased server) keeps falling",
  title: 'MVSM v1 plateaus, v2 keeps falling',
  statement:
    '\\liminf_{T\\to\\infty} \\frac1T\\sum_{t<T}\\mathbb{E}\\|\\nabla f(x_t)\\|_1 > 0 \\text{ for MVSM v1 with } \\eta_T \\to 0 \\text{ on heterogeneous workers; MVSM v2 converges}',
  source: 'P1 (Jiang et al. 2025, arXiv 2507.12091) Sec. 4.2 (remark before Thm 5: v1\'s bounds do not vanish as T grows; v2 replaces the server sign by S_1); THEORY.md mvsm-v1-floor',
  kind: 'negative',
  assumptions: ['heterogeneous separable quadratics (Asms. 6, 8)', 'no oracle noise (sigma = 0; the randomness is that of S_G)', 'odd n (no ties in the vote)'],
  schedule: `MVSM v1 and v2 with the same schedule: beta = ${beta}, eta = ${eta0} T^{-1/2}; G = ${G}`,
  design:
    `Mechanism-driven set-up (not tuned on outcomes): n = ${n} workers (odd: no ties; few workers: the Poisson-binomial skew is largest), d = ${d}, f_j = 1/2||x - c^j||^2 with c^j ~ N(0, I), ` +
    `G = 1.3 max |x*_i - c^j_i| = ${G} (tight, so the p_j spread over (0, 1)), no oracle noise (noise smooths the p_j and delays the plateau: on another instance with Rademacher noise of scale 0.25, v1 is still falling at T = 2^16), start x0 = x*. ` +
    `Predicted v1 floor: the zero of v1's noise-free mean field per coordinate (exact Poisson-binomial with the algorithms' own S_G probabilities; experiments/lib/mvsm-heterogeneous-quadratics.ts v1Floor): offsets ${predicted.offsets.map(r4).join(', ')} from x*, so sum |offset| = ${r4(predicted.floor)}. ` +
    'Since E|X_i - x*_i| >= |E X_i - x*_i|, v1\'s E||grad f||_1 cannot settle below it while its mean sits at x_eq; this is the stall floor (the level check). ' +
    'The slope check excludes T^{-1/4}, the rate at which a stationary level ~ (eta G)^{1/2} falls under eta ~ T^{-1/2} (what v2 does). ' +
    'THEORY.md expects the plateau only far beyond T = 2^14; this set-up (largest predicted floor, no noise, start at x*) is chosen so that the fluctuation level falls below the floor within T = 2^16. ' +
    `Predicted floor against n on this family (same rule for G): ${byN.map((b) => `n = ${b.n}: ${r4(b.floor)}`).join(', ')}; it falls much faster than THEORY.md's d/n^{1/2} (P1's bound, not a prediction of the level), so larger n needs far longer runs to show the plateau.`,
  bound: 'T^(-1/4)',
  constants: {},
  variables: ['T'],
  metric: 'grad_l1_avg',
  aggregation: 'mean',
  aggregationWhy: 'the claim is about the expectation E||grad f||_1 staying away from 0; the replica mean estimates it',
  tol: 0.05,
  tolWhy: 'a fifth of the gap between the convergent rate -1/4 and no convergence (0)',
  series: ['variant', 'G'],
  stall: {
    variable: 'T',
    floor: r4(predicted.floor),
    claimedSlope: -0.25,
    contrast: { param: 'variant', values: ['v2'], why: 'the server sends S_1 of the mean vote, unbiased for (1/(nG)) sum_j v^j: no drift away from x*' },
  },
  cells(profile) {
    const exps = profile === 'quick' ? [10, 12, 14, 16] : [10, 12, 14, 16, 18, 20];
    const replicas = profile === 'quick' ? 8 : 32;
    const cells: SweepCell[] = [];
    for (const v of VARIANTS) {
      for (const e of exps) {
        cells.push({
          recipe: mvsmRecipe({ algorithm: v.algorithm, hyper: { lr: `${eta0} * T^(-1/2)`, beta, G }, d, n, T: 2 ** e, sigma: 0, replicas, seed }),
          params: { variant: v.variant, G },
        });
      }
    }
    return cells;
  },
};

/** Wrong variants: the check must reject each (NOT REPRODUCED). */
export const mvsmV1FloorVariants: RateTheorem[] = [
  wrongVariant(mvsmV1Floor, {
    suffix: 'primary-v2',
    kind: 'no-mechanism',
    change: 'the v1 series runs MVSM v2 (the server sends S_1 of the mean vote: no drift away from x*, nothing to stall at)',
    recipe: (r) => ({ ...r, algorithm: 'mvsm-v2' }),
  }),
  wrongVariant(mvsmV1Floor, {
    suffix: 'contrast-v1',
    kind: 'no-mechanism',
    change: 'the v2 contrast series runs MVSM v1 (the biased majority vote: the contrast stalls too)',
    recipe: (r) => ({ ...r, algorithm: 'mvsm-v1' }),
  }),
];
