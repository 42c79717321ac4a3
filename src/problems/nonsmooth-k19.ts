import { checkLength, checkWorker, resolveX0, X0_PARAM_DOCS } from './common.ts';
import { choiceParam, openIntervalParam, rejectUnknown, seedParam, type ParamBag } from './params.ts';
import type { Problem, ProblemFamily } from './types.ts';

/** Value used for sign(x1 - x2) at the kink x1 = x2 of the |x1 - x2| term (see {@link nonsmoothK19}). */
export type KinkConvention = 'zero' | 'plus';

/** Parameters of {@link nonsmoothK19Family}. */
export interface NonsmoothK19Params {
  eps?: number;
  kink?: KinkConvention;
  x0?: number | number[] | Float64Array | string;
  x0Seed?: number;
}

const ID = 'nonsmooth-k19';
/** Default start (1, 1/2): off the kink x1 = x2, with x1 + x2 = 3/2, so SignSGD's floor is eps 3/2. */
const DEFAULT_X0 = [1, 0.5] as const;

/**
 * Karimireddy, Rebjock, Stich, Jaggi (2019), "Error feedback fixes SignSGD and other gradient
 * compression schemes", counterexample to SignSGD on a non-smooth convex function (d = 2):
 *
 *   f(x) = eps |x1 + x2| + |x1 - x2|,   0 < eps < 1,   f* = 0 at x* = 0.
 *
 * Subgradient returned by `grad` (a selection from the subdifferential):
 *
 *   g(x) = eps s (1, 1) + r (1, -1),   s = sign(x1 + x2),   r = sign(x1 - x2),
 *
 * with sign(0) = 0 for s always, and for r when `kink` = 'zero' (the default). Both give an element
 * of the subdifferential: at x1 + x2 = 0, s ranges over [-1, 1]; at x1 = x2, r ranges over [-1, 1].
 * sign(0) = 0 picks the minimum-norm element in each direction. With `kink` = 'plus' the r of the
 * kink x1 = x2 is +1 instead, still a subgradient.
 *
 * The counterexample: for x1 != x2 (and eps < 1) sign(g) = r (1, -1), orthogonal to the diagonal, so
 * every SignSGD step x <- x - gamma sign(g) leaves x1 + x2 unchanged and f(x_t) >= eps |x1(0) + x2(0)|
 * for every step-size sequence, adaptive ones included. At the kink x1 = x2 with `kink` = 'zero',
 * g = eps s (1, 1) and sign(g) = s (1, 1) does move along the diagonal; with `kink` = 'plus',
 * sign(g) = (1, -1) there too, so the floor holds at every point. (In floating point SignSGD with a
 * decaying step does land exactly on x1 = x2: see the test beside this file.)
 *
 * Constants: convex (a sum of absolute values of linear forms), f* = 0, x* = 0, not strongly convex.
 * NON-SMOOTH: the gradient jumps across x1 = x2 and x1 + x2 = 0, so no L, Linf, Lvec or (L0, L1)
 * constant exists and none is declared. f is Lipschitz with ||g||_2^2 = 2 eps^2 s^2 + 2 r^2 <= 2 (1 + eps^2)
 * (the two terms are orthogonal); ProblemConstants has no field for it, so it is stated here only.
 */
export function nonsmoothK19(
  eps: number,
  options: { kink?: KinkConvention; x0?: () => Float64Array; params?: Record<string, number | string>; name?: string } = {},
): Problem {
  const d = 2;
  const kink = options.kink ?? 'zero';
  const kinkSign = kink === 'plus' ? 1 : 0;
  const f = (x: Float64Array): number => {
    checkLength('nonsmooth-k19 f(x): x', x, d);
    return eps * Math.abs(x[0] + x[1]) + Math.abs(x[0] - x[1]);
  };
  const grad = (x: Float64Array, out: Float64Array): void => {
    checkLength('nonsmooth-k19 grad(x): x', x, d);
    checkLength('nonsmooth-k19 grad(x): out', out, d);
    const s = Math.sign(x[0] + x[1]);
    const diff = x[0] - x[1];
    const r = diff === 0 ? kinkSign : Math.sign(diff);
    // s and r are 0 or +-1 (sign(-0) = -0 counts as 0): write eps s + r, eps s - r
    out[0] = eps * s + r;
    out[1] = eps * s - r;
  };
  return {
    id: ID,
    name: options.name ?? `nonsmooth-k19(eps=${eps})`,
    summary: 'f(x) = eps |x1 + x2| + |x1 - x2| (K19): convex, non-smooth, f* = 0 at 0',
    d,
    workers: 1,
    params: options.params ?? { eps, kink },
    constants: {
      convex: true,
      fStar: 0,
      xStar: new Float64Array(d),
      notes: [
        'Non-smooth: the subgradient jumps across x1 = x2 and across x1 + x2 = 0, so no L, Linf, Lvec or (L0, L1) constant exists; none is declared.',
        `grad returns eps s (1, 1) + r (1, -1), s = sign(x1 + x2) with sign(0) = 0, r = sign(x1 - x2) with sign(0) = ${kinkSign} (kink = '${kink}').`,
        'fStar = 0 and xStar = 0 are exact; convex, not strongly convex (f is linear along rays from 0).',
      ],
    },
    f,
    grad,
    gradWorker: (x, worker, out) => {
      checkWorker(worker, 1);
      grad(x, out);
    },
    fWorker: (x, worker) => {
      checkWorker(worker, 1);
      return f(x);
    },
    x0: options.x0 ?? (() => Float64Array.from(DEFAULT_X0)),
  };
}

/** Family `nonsmooth-k19`: d = 2, eps in (0, 1) (default 0.5), kink convention, x0 (default (1, 0.5)). */
export const nonsmoothK19Family: ProblemFamily<NonsmoothK19Params> = {
  id: ID,
  summary: 'f(x) = eps |x1 + x2| + |x1 - x2| in d = 2 (Karimireddy et al. 2019): convex, NON-smooth, f* = 0 at x* = 0',
  assumptions: ['convex', 'fStar', 'non-smooth (no smoothness constant)'],
  parameters: [
    { name: 'eps', type: 'number in (0, 1)', default: '0.5', doc: 'weight of |x1 + x2| (eps < 1 makes sign(g) = +-(1, -1) off the kink)' },
    {
      name: 'kink',
      type: "'zero' | 'plus'",
      default: 'zero',
      doc: "sign(x1 - x2) used at x1 = x2: 'zero' (sign(0) = 0, the minimum-norm subgradient) or 'plus' (+1, the subgradient for which SignSGD never leaves x1 + x2 = const)",
    },
    ...X0_PARAM_DOCS.map((p) => (p.name === 'x0' ? { ...p, default: '1,0.5' } : p)),
  ],
  create(params: NonsmoothK19Params = {}): Problem {
    const bag = params as ParamBag;
    rejectUnknown(ID, bag, ['eps', 'kink', 'x0', 'x0Seed']);
    const eps = openIntervalParam(ID, bag, 'eps', 0.5, 0, 1);
    const kink = choiceParam<KinkConvention>(ID, bag, 'kink', 'zero', ['zero', 'plus']);
    const x0Seed = seedParam(ID, bag, 'x0Seed', 0);
    const { x0 } = resolveX0(ID, { ...bag, x0: bag.x0 ?? Array.from(DEFAULT_X0) }, 2, 'zeros', x0Seed);
    const start = x0();
    return nonsmoothK19(eps, { kink, x0, params: { eps, kink, x0: `${start[0]},${start[1]}` }, name: `nonsmooth-k19(eps=${eps})` });
  },
};
