import type { AlgorithmDef, HyperSpec, MapOp, Op, ScalarOp, StepProgram } from './program.ts';

/**
 * ALIAS: parameter-free Sign-SGD (P4: Medyakov, Stanko, Molodtsov, Zmushko, Evseev, Petrov,
 * Beznosikov, "Sign-SGD via Parameter-Free Optimization", arXiv 2506.03725, Algorithm 1), and the
 * variants the paper describes: momentum, the memory-efficient variant, the stochastic variant with
 * an increasing batch. One builder ({@link aliasProgram}) writes every variant as a step program.
 *
 * Algorithm 1 (exact gradients g_t = grad f(x^t)), for t = 0, 1, ...:
 *   eta^t   = eta^{t-1} + ||g_t - g_{t-1}||_1 / ||x^t - x^{t-1}||_inf,   lambda^t = 1 / sqrt(eta^t)
 *   (t > 0) dtilde^t = sum_{i<t} gamma^i <g_{i+1}, sign g_i>,  d^t = max(d^{t-1}, dtilde^t)
 *   Option I:  gamma^t = lambda^t sqrt(d^t);   Option II: gamma^t = lambda^t sqrt(f(x^0) - ftilde)
 *   x^{t+1} = x^t - gamma^t sign(g_t)          (sign(0) = 0)
 *
 * Details the paper leaves open, and what this implementation does (each is tested in alias.test.ts):
 * - First step. The paper's input is eta^{-1} = 0 and the increment at t = 0 would need x^{-1}, which
 *   does not exist: the increment at t = 0 is 0, so eta^0 = eta^{-1} (hyperparameter `eta0`, default 0
 *   as in the paper). While eta^t = 0 (1/sqrt(0) = infinity) the step is `gamma0` (default 1e-3). This
 *   is what the authors' code does with L_inf = 0 (their LLM runs): sqrt(D / 0) = inf, clamped to
 *   clamp_level = 1e-3. Theorem 1's L_inf^0 = ||g_1 - g_0||_1 / ||x^1 - x^0||_inf is then the first
 *   increment (at t = 1), as in the paper.
 * - Clamp. The authors' code caps every step at clamp_level; the paper's Algorithm 1 has no cap. Default
 *   `gammaMax` = 1e300 (no cap, the paper); pass gammaMax = gamma0 to reproduce the code's clamp.
 * - Division by zero. ||x^t - x^{t-1}||_inf = 0 happens when the previous step was 0 (gamma = 0, or
 *   sign g_{t-1} = 0 everywhere: a stationary point); then x and, for exact gradients, g did not change
 *   and the increment is defined as 0 (no new curvature information), never 0/0. Expressions guard
 *   divisions with max(., 1e-300) and gate them with pos(.) so no Inf/NaN can appear.
 * - Option II with ftilde >= f(x^0) gives D = max(f(x^0) - ftilde, 0) = 0: the method does not move.
 *   f(x^0) is the exact objective (the engine's built-in fx at t = 0).
 * - Momentum (the paper's "ALIAS with added momentum"; the authors' code: PyTorch SGD momentum
 *   m_t = mu m_{t-1} + (1 - damp) g_t, m_0 = g_0, x^{t+1} = x^t - gamma^t sign(m_t)). The smoothness
 *   estimate uses the gradients and iterates as before. The progress estimate uses the direction the
 *   step actually took: dtilde^t = sum_{i<t} gamma^i <g_{i+1}, sign m_i>, which keeps
 *   dtilde^t <= f(x^0) - f(x^t) on convex problems (convexity at x^{i+1}, the lemma
 *   alias-d-lower-bound); the authors' code uses sign g_i there, for which that bound can fail.
 * - Memory-efficient variant ("swap the (l_inf, l_1) norms and work with L_1-smoothness, store only the
 *   previous sign", the poster's one sentence; the full algorithm was not available to us, so this is
 *   our reading): with s_{t-1} = sign g_{t-1} the only stored vector (plus the scalars ||g_{t-1}||_1
 *   and gamma^{t-1}), the increment is |<g_t - g_{t-1}, s_{t-1}>| / gamma^{t-1}, computed as
 *   |<g_t, s_{t-1}> - ||g_{t-1}||_1| / gamma^{t-1}. It equals ||s||_1^2 l^t with
 *   l^t = |<g_t - g_{t-1}, s>| / (||s||_1 ||x^t - x^{t-1}||_1) <= ||g_t - g_{t-1}||_inf / ||x^t - x^{t-1}||_1
 *   <= L_1, the l1-smoothness estimate (Hoelder), and ||s||_1^2 L_1 is the constant of a sign step's
 *   quadratic term under L_1-smoothness (L_1 gamma^2 ||s||_1^2 / 2); it is also <= L_inf
 *   (|<a, s>| <= ||a||_1 ||s||_inf), so Algorithm 1's step rule applies unchanged.
 * - Stochastic variant (P4 Thm 2: Option II, sample-wise L_inf-smoothness, increasing batch): the
 *   smoothness increment at step t uses the SAME minibatch xi_t at both points,
 *   ||g(x^t; xi_t) - g(x^{t-1}; xi_t)||_1 / ||x^t - x^{t-1}||_inf (an `oracle` op: one more gradient
 *   evaluation per sample), as the theorem's L_inf^{t, xi^{t+1}} indicates; batch B_t = t + 1 by
 *   default (our choice of "increasing": (1/T) sum_t sigma / sqrt(B_t) = O(T^{-1/2})).
 *
 * Scalars a run exposes through the engine's `observe` hook: eta (eta^t), inc (its increment), dtil
 * (dtilde^t), dd (d^t), gam (gamma^t, the effective step size of step t), F0 (f(x^0)).
 */
export interface AliasVariant {
  /** Option I (d^t from the observed progress) or II (f(x^0) - ftilde). */
  readonly option: 1 | 2;
  readonly momentum?: boolean;
  readonly memoryEfficient?: boolean;
  /** Same-sample smoothness increments (the stochastic variant; Option II). */
  readonly sameSample?: boolean;
}

const TINY = '1e-300';

/** The step-size rule shared by all variants (see {@link AliasVariant}); D is sqrt's numerator. */
function stepSizeAssign(option: 1 | 2): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  if (option === 1) {
    out.push(['dtil', 'dtil + (1 - first) * gam * prog']);
    out.push(['dd', 'first * d0 + (1 - first) * max(dd, dtil)']);
  } else {
    out.push(['F0', 'first * fx + (1 - first) * F0']);
    out.push(['dtil', 'dtil + (1 - first) * gam * prog']);
    out.push(['dd', 'max(F0 - flow, 0)']);
  }
  // gamma = lambda sqrt(D) capped at gammaMax; gamma0 while eta = 0 (lambda = infinity)
  out.push(['gam', `pos(eta) * min(sqrt(dd / max(eta, ${TINY})), gammaMax) + (1 - pos(eta)) * gamma0`]);
  return out;
}

/** Builds the step program of one ALIAS variant. */
export function aliasProgram(v: AliasVariant): StepProgram {
  const scalars = ['eta', 'inc', 'dtil', 'dd', 'gam', 'F0', 'dg1', 'dx', 'prog', 'g1', 'g1p'].map((name) => ({ name, scope: 'server' as const, init: 0 }));
  const params = ['eta0', 'gamma0', 'gammaMax', ...(v.option === 1 ? ['d0'] : ['flow']), ...(v.momentum ? ['mu', 'damp'] : []), ...(v.memoryEfficient ? [] : ['wd'])];
  if (v.memoryEfficient) {
    if (v.momentum || v.sameSample) throw new Error('aliasProgram: the memory-efficient variant has no momentum / same-sample form');
    const reduce: MapOp['reduce'] = [
      { into: 'prog', kind: 'sum', expr: 'g * sp' },
      { into: 'g1', kind: 'sum', expr: 'abs(g)' },
    ];
    const scalar: ScalarOp = {
      op: 'scalar',
      scope: 'server',
      assign: [
        // |<g_t - g_{t-1}, s_{t-1}>| / gamma^{t-1}; 0 at t = 0 and when the previous step was 0
        ['inc', `(1 - first) * pos(gam) * abs(prog - g1p) / max(gam, ${TINY})`],
        ['eta', 'first * eta0 + (1 - first) * eta + inc'],
        ['g1p', 'g1'],
        ...stepSizeAssign(v.option),
      ],
    };
    return {
      vectors: [{ name: 'sp', scope: 'server' }],
      scalars,
      params,
      ops: [
        { op: 'map', scope: 'server', assign: [], reduce },
        scalar,
        { op: 'map', scope: 'server', assign: [['sp', 'sign(g)'], ['x', 'x - gam * sp']] },
      ],
    };
  }
  const vectors = [
    { name: 'gp', scope: 'server' as const },
    { name: 'xp', scope: 'server' as const },
    ...(v.momentum ? [{ name: 'm', scope: 'server' as const }] : []),
    ...(v.sameSample ? [{ name: 'q', scope: 'server' as const }] : []),
  ];
  // g at the previous point: the stored g_{t-1} (exact gradients) or the same-sample oracle
  const prevG = v.sameSample ? 'q' : 'gp';
  const prevDir = v.momentum ? 'sign(m)' : 'sign(gp)';
  const ops: Op[] = [];
  if (v.sameSample) ops.push({ op: 'oracle', at: 'xp', into: 'q' });
  ops.push({
    op: 'map',
    scope: 'server',
    assign: [],
    reduce: [
      { into: 'dg1', kind: 'sum', expr: `abs(g - ${prevG})` },
      { into: 'dx', kind: 'max', expr: 'abs(x - xp)' },
      { into: 'prog', kind: 'sum', expr: `g * ${prevDir}` },
    ],
  });
  ops.push({
    op: 'scalar',
    scope: 'server',
    assign: [
      // ||g_t - g_{t-1}||_1 / ||x^t - x^{t-1}||_inf; 0 at t = 0 and when the iterate did not move
      ['inc', `(1 - first) * pos(dx) * dg1 / max(dx, ${TINY})`],
      ['eta', 'first * eta0 + (1 - first) * eta + inc'],
      ...stepSizeAssign(v.option),
    ],
  });
  const dir = v.momentum ? 'sign(m)' : 'sign(g)';
  ops.push({
    op: 'map',
    scope: 'server',
    assign: [
      ['gp', 'g'],
      ['xp', 'x'],
      ...(v.momentum ? ([['m', 'first * g + (1 - first) * (mu * m + (1 - damp) * g)']] as Array<readonly [string, string]>) : []),
      ['x', `x * (1 - gam * wd) - gam * ${dir}`],
    ],
  });
  return { vectors, scalars, params, ops };
}

const COMMON_HYPER: HyperSpec[] = [
  { name: 'eta0', rule: 'nonnegative', default: 0, doc: 'eta^{-1}, the initial L_inf estimate (paper: 0)' },
  { name: 'gamma0', rule: 'positive', default: 1e-3, doc: 'step while eta = 0, i.e. the first step when eta0 = 0 (authors\' code: clamp_level 1e-3)' },
  { name: 'gammaMax', rule: 'positive', default: 1e300, doc: 'cap on every step (paper: none; authors\' code: clamp_level = 1e-3)' },
];
const OPTION_I: HyperSpec = { name: 'd0', rule: 'positive', default: 1e-6, doc: 'd^0, the initial Delta* estimate of Option I (paper: any d^0 > 0; 1e-6 as the d0 of D-Adaptation and Prodigy)' };
const OPTION_II: HyperSpec = { name: 'flow', rule: 'any', default: 0, doc: 'ftilde <= f(x*), the lower bound of Option II (authors\' runs: 0)' };
const MOMENTUM: HyperSpec[] = [
  { name: 'mu', rule: 'unit-closed-open', default: 0.9, doc: 'momentum mu of m_t = mu m_{t-1} + (1 - damp) g_t (authors\' runs: 0.9)' },
  { name: 'damp', rule: 'unit-closed-open', default: 0, doc: 'dampening (PyTorch SGD convention; default 0)' },
];
const WD: HyperSpec = { name: 'wd', rule: 'nonnegative', default: 0, doc: 'decoupled weight decay: x <- (1 - gamma wd) x before the sign step (authors\' code)' };

const SOURCE = 'P4: Medyakov et al. (2025), Sign-SGD via Parameter-Free Optimization, arXiv 2506.03725, Algorithm 1; reference code github.com/evseevgrv/SignSGD_GoldenGate (AIDsignSGD)';
const ETA_RULE = '\\eta^t = \\eta^{t-1} + \\frac{\\|g_t - g_{t-1}\\|_1}{\\|x^t - x^{t-1}\\|_\\infty}';
const D_RULE = '\\tilde d^t = \\sum_{i<t} \\gamma^i \\langle g_{i+1}, \\operatorname{sign} g_i\\rangle,\\; d^t = \\max(d^{t-1}, \\tilde d^t)';

function def(id: string, name: string, summary: string, updateRule: string, hyper: HyperSpec[], v: AliasVariant, extraSource = ''): AlgorithmDef {
  // parameter-free: the defaults are the example
  return { id, name, summary, updateRule, source: SOURCE + extraSource, distributed: false, hyper, example: {}, program: aliasProgram(v) };
}

/** ALIAS, Option I (P4 Algorithm 1): gamma^t = sqrt(d^t / eta^t), d^t from the observed progress. */
export const alias = def(
  'alias',
  'ALIAS (Option I)',
  'parameter-free Sign-SGD, Delta* estimated from observed progress',
  `${ETA_RULE};\\; ${D_RULE};\\; \\gamma^t = \\sqrt{d^t/\\eta^t};\\; x^{t+1} = x^t - \\gamma^t \\operatorname{sign} g_t`,
  [...COMMON_HYPER, OPTION_I, WD],
  { option: 1 },
);

/** ALIAS, Option II (P4 Algorithm 1): gamma^t = sqrt((f(x^0) - ftilde) / eta^t). */
export const aliasII = def(
  'alias-ii',
  'ALIAS (Option II)',
  'parameter-free Sign-SGD with a known lower bound ftilde on f*',
  `${ETA_RULE};\\; \\gamma^t = \\sqrt{(f(x^0) - \\tilde f)/\\eta^t};\\; x^{t+1} = x^t - \\gamma^t \\operatorname{sign} g_t`,
  [...COMMON_HYPER, OPTION_II, WD],
  { option: 2 },
);

/** ALIAS Option I with momentum ("ALIAS with added momentum", P4 experiments). */
export const aliasMomentum = def(
  'alias-momentum',
  'ALIAS with momentum (Option I)',
  'ALIAS stepping along sign of a momentum buffer',
  `m_t = \\mu m_{t-1} + (1-\\tau) g_t,\\, m_0 = g_0;\\; ${ETA_RULE};\\; \\tilde d^t = \\sum_{i<t} \\gamma^i \\langle g_{i+1}, \\operatorname{sign} m_i\\rangle;\\; x^{t+1} = x^t - \\sqrt{d^t/\\eta^t}\\, \\operatorname{sign} m_t`,
  [...COMMON_HYPER, OPTION_I, ...MOMENTUM, WD],
  { option: 1, momentum: true },
);

/** ALIAS Option II with momentum (the setting of the authors' LLM runs: lower bound 0, momentum 0.9). */
export const aliasIIMomentum = def(
  'alias-ii-momentum',
  'ALIAS with momentum (Option II)',
  'ALIAS Option II stepping along sign of a momentum buffer',
  `m_t = \\mu m_{t-1} + (1-\\tau) g_t,\\, m_0 = g_0;\\; ${ETA_RULE};\\; x^{t+1} = x^t - \\sqrt{(f(x^0) - \\tilde f)/\\eta^t}\\, \\operatorname{sign} m_t`,
  [...COMMON_HYPER, OPTION_II, ...MOMENTUM, WD],
  { option: 2, momentum: true },
);

const ME_RULE = '\\eta^t = \\eta^{t-1} + \\frac{|\\langle g_t, s_{t-1}\\rangle - \\|g_{t-1}\\|_1|}{\\gamma^{t-1}},\\; s_{t-1} = \\operatorname{sign} g_{t-1}';

/** Memory-efficient ALIAS, Option I: only sign g_{t-1} is stored (our reading of P4's variant). */
export const aliasMemoryEfficient = def(
  'alias-me',
  'ALIAS memory-efficient (Option I)',
  'ALIAS storing only the previous sign (l1-smoothness estimate)',
  `${ME_RULE};\\; \\tilde d^t = \\sum_{i<t} \\gamma^i \\langle g_{i+1}, s_i\\rangle;\\; x^{t+1} = x^t - \\sqrt{d^t/\\eta^t}\\, \\operatorname{sign} g_t`,
  [...COMMON_HYPER, OPTION_I],
  { option: 1, memoryEfficient: true },
  '; memory-efficient variant as read from the poster (see src/algorithms/alias.ts)',
);

/** Memory-efficient ALIAS, Option II. */
export const aliasIIMemoryEfficient = def(
  'alias-ii-me',
  'ALIAS memory-efficient (Option II)',
  'ALIAS Option II storing only the previous sign',
  `${ME_RULE};\\; x^{t+1} = x^t - \\sqrt{(f(x^0) - \\tilde f)/\\eta^t}\\, \\operatorname{sign} g_t`,
  [...COMMON_HYPER, OPTION_II],
  { option: 2, memoryEfficient: true },
  '; memory-efficient variant as read from the poster (see src/algorithms/alias.ts)',
);

/** Stochastic ALIAS (P4 Thm 2): Option II, same-sample smoothness increments, increasing batch B_t = t + 1. */
export const aliasStochastic = def(
  'alias-stochastic',
  'stochastic ALIAS (Option II, increasing batch)',
  'ALIAS Option II with same-sample smoothness estimates and an increasing batch',
  `\\eta^t = \\eta^{t-1} + \\frac{\\|g(x^t;\\xi_t) - g(x^{t-1};\\xi_t)\\|_1}{\\|x^t - x^{t-1}\\|_\\infty};\\; x^{t+1} = x^t - \\sqrt{(f(x^0) - \\tilde f)/\\eta^t}\\, \\operatorname{sign} g(x^t;\\xi_t),\\; |\\xi_t| = B_t`,
  [
    ...COMMON_HYPER,
    OPTION_II,
    WD,
    { name: 'batch', rule: 'integer>=1', default: 't + 1', doc: 'minibatch B_t (default t + 1: increasing, P4 Thm 2); a constant gives the variance-limited regime' },
  ],
  { option: 2, sameSample: true },
  '; Theorem 2 (stochastic, sample-wise smoothness)',
);

/** Every ALIAS variant, for registration. */
export const aliasAlgorithms: readonly AlgorithmDef[] = [alias, aliasII, aliasMomentum, aliasIIMomentum, aliasMemoryEfficient, aliasIIMemoryEfficient, aliasStochastic];
