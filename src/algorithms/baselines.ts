import type { AlgorithmDef } from './program.ts';

/**
 * The baselines a reviewer asks for next to ALIAS (P4's experiments compare AdamW, Lion, normalized
 * SGD, Prodigy, D-Adaptation, DoG and MoMo): each is written as a step program following its
 * reference implementation line by line, with that implementation's defaults. Where two well-known
 * implementations differ, the reference one is the default and the other is a hyperparameter
 * (Prodigy's bias correction, D-Adaptation's weight-decay coupling, Lion's weight decay).
 *
 * Conventions shared by all: t is the 0-based step of the engine (the reference code's k = t, and
 * its 1-based step counters are t + 1); "first" is 1 at t = 0; divisions that the reference code
 * could perform by zero (only when every gradient so far is exactly 0) are guarded with
 * max(., 1e-300) and documented per method; `fx` is the engine's exact objective f(x_t) where a
 * method uses the (minibatch) loss (MoMo). Weight decay defaults to 0 everywhere except AdamW, whose
 * PyTorch default is 0.01.
 */
const TINY = '1e-300';

/**
 * AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization"; PyTorch torch.optim.AdamW,
 * whose defaults are used: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0.01):
 *   x <- x (1 - lr wd);  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
 *   x <- x - (lr / (1 - b1^{t+1})) m / (sqrt(v) / sqrt(1 - b2^{t+1}) + eps).
 * The powers b^{t+1} are running products (scalars b1p, b2p).
 */
export const adamw: AlgorithmDef = {
  id: 'adamw',
  name: 'AdamW',
  summary: 'Adam with decoupled weight decay (PyTorch AdamW defaults)',
  updateRule:
    'x \\leftarrow (1-\\eta\\lambda)x;\\; m = \\beta_1 m + (1-\\beta_1) g,\\; v = \\beta_2 v + (1-\\beta_2) g^2;\\; x \\leftarrow x - \\frac{\\eta}{1-\\beta_1^{t+1}} \\frac{m}{\\sqrt{v}/\\sqrt{1-\\beta_2^{t+1}} + \\epsilon}',
  source: 'Loshchilov & Hutter (2019), arXiv 1711.05101, Alg. 2; PyTorch torch.optim.AdamW (reference defaults)',
  distributed: false,
  hyper: [
    { name: 'lr', rule: 'positive', default: 1e-3, doc: 'step size (PyTorch default 1e-3)' },
    { name: 'beta1', rule: 'unit-closed-open', default: 0.9, doc: 'first-moment decay' },
    { name: 'beta2', rule: 'unit-closed-open', default: 0.999, doc: 'second-moment decay' },
    { name: 'eps', rule: 'positive', default: 1e-8, doc: 'denominator epsilon' },
    { name: 'wd', rule: 'nonnegative', default: 0.01, doc: 'decoupled weight decay lambda (PyTorch AdamW default 0.01)' },
  ],
  example: {},
  program: {
    vectors: [
      { name: 'm', scope: 'server' },
      { name: 'v', scope: 'server' },
    ],
    scalars: [
      { name: 'b1p', scope: 'server', init: 1 },
      { name: 'b2p', scope: 'server', init: 1 },
    ],
    params: ['lr', 'beta1', 'beta2', 'eps', 'wd'],
    ops: [
      { op: 'scalar', scope: 'server', assign: [['b1p', 'b1p * beta1'], ['b2p', 'b2p * beta2']] },
      {
        op: 'map',
        scope: 'server',
        assign: [
          ['x', 'x * (1 - lr * wd)'],
          ['m', 'beta1 * m + (1 - beta1) * g'],
          ['v', 'beta2 * v + (1 - beta2) * g * g'],
          ['x', 'x - (lr / (1 - b1p)) * (m / (sqrt(v) / sqrt(1 - b2p) + eps))'],
        ],
      },
    ],
  },
};

/**
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Program 1; reference code
 * google/automl lion_pytorch.py, defaults lr 1e-4, betas (0.9, 0.99), weight_decay 0):
 *   x <- x (1 - lr wd);  u = sign(b1 m + (1 - b1) g);  x <- x - lr u;  m = b2 m + (1 - b2) g.
 * optax.lion defaults weight_decay to 1e-3: pass wd = 1e-3 for that convention.
 */
export const lion: AlgorithmDef = {
  id: 'lion',
  name: 'Lion',
  summary: 'sign of an interpolated momentum (EvoLved Sign Momentum)',
  updateRule: 'x \\leftarrow (1-\\eta\\lambda)x - \\eta\\, \\operatorname{sign}(\\beta_1 m + (1-\\beta_1) g);\\; m = \\beta_2 m + (1-\\beta_2) g',
  source: 'Chen et al. (2023), arXiv 2302.06675, Program 1; reference code google/automl/lion (lion_pytorch.py)',
  distributed: false,
  hyper: [
    { name: 'lr', rule: 'positive', default: 1e-4, doc: 'step size (reference default 1e-4)' },
    { name: 'beta1', rule: 'unit-closed-open', default: 0.9, doc: 'interpolation weight of the update' },
    { name: 'beta2', rule: 'unit-closed-open', default: 0.99, doc: 'momentum decay' },
    { name: 'wd', rule: 'nonnegative', default: 0, doc: 'decoupled weight decay (reference 0; optax.lion 1e-3)' },
  ],
  example: {},
  program: {
    vectors: [{ name: 'm', scope: 'server' }],
    scalars: [],
    params: ['lr', 'beta1', 'beta2', 'wd'],
    ops: [
      {
        op: 'map',
        scope: 'server',
        assign: [
          ['x', 'x * (1 - lr * wd)'],
          ['x', 'x - lr * sign(m * beta1 + g * (1 - beta1))'],
          ['m', 'beta2 * m + (1 - beta2) * g'],
        ],
      },
    ],
  },
};

/**
 * Normalized SGD with momentum (Cutkosky & Mehta 2020, "Momentum Improves Normalized SGD", Alg. 1;
 * with beta = 0 it is normalized gradient descent, Nesterov 1984 / Hazan et al. 2015):
 *   m = beta m + (1 - beta) g (m starts at 0);  x <- x (1 - lr wd) - lr m / ||m||_2.
 * m = 0 (every gradient so far 0) gives a zero step: the division is guarded.
 */
export const normalizedSgd: AlgorithmDef = {
  id: 'normalized-sgd',
  name: 'normalized SGD',
  summary: 'step of fixed length along the (momentum) gradient direction',
  updateRule: 'm = \\beta m + (1-\\beta) g;\\; x \\leftarrow (1-\\eta\\lambda) x - \\eta\\, m / \\|m\\|_2',
  source: 'Cutkosky & Mehta (2020), arXiv 2002.03305, Alg. 1; Hazan, Levy & Shalev-Shwartz (2015) for beta = 0',
  distributed: false,
  hyper: [
    { name: 'lr', rule: 'positive', doc: 'step length' },
    { name: 'beta', rule: 'unit-closed-open', default: 0, doc: 'momentum (0: normalized gradient descent)' },
    { name: 'wd', rule: 'nonnegative', default: 0, doc: 'decoupled weight decay' },
  ],
  example: { lr: 0.02, beta: 0.3 },
  program: {
    vectors: [{ name: 'm', scope: 'server' }],
    scalars: [{ name: 'msq', scope: 'server', init: 0 }],
    params: ['lr', 'beta', 'wd'],
    ops: [
      { op: 'map', scope: 'server', assign: [['m', 'beta * m + (1 - beta) * g']], reduce: [{ into: 'msq', kind: 'sum', expr: 'm * m' }] },
      { op: 'map', scope: 'server', assign: [['x', `x * (1 - lr * wd) - lr * m / max(sqrt(msq), ${TINY})`]] },
    ],
  },
};

/**
 * Prodigy (Mishchenko & Defazio 2024, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner",
 * Adam version; reference code konstmish/prodigy prodigyopt/prodigy.py and its defaults: lr 1,
 * betas (0.9, 0.999), beta3 = sqrt(beta2), eps 1e-8, weight_decay 0, decouple = True,
 * use_bias_correction = False, safeguard_warmup = False, d0 1e-6, d_coef 1, growth_rate inf).
 * With g' = g + wd x when decouple = 0 (else g' = g), per step:
 *   dlr = d lr bc,  bc = sqrt(1 - b2^{t+1}) / (1 - b1^{t+1}) if bias correction else 1
 *   r = b3 r + (d/d0) dlr <g', x0 - x>;  m = b1 m + d (1 - b1) g';  v = b2 v + d^2 (1 - b2) g'^2
 *   s = b3 s + (d/d0) dlr g'  (safeguard warmup: (d/d0) d g');  dhat = d_coef r / ||s||_1
 *   d <- max(d, dhat)  (growth_rate = inf; the reference keeps d_max, equal to d then)
 *   x <- x - decouple wd dlr x;  x <- x - dlr m / (sqrt(v) + d_new eps)
 * The reference returns before stepping when ||s||_1 = 0 (all gradients 0): here the division is
 * guarded and d stays, and the step is 0 anyway (m = 0). beta3 = 0 selects sqrt(beta2) (the
 * reference's beta3 = None); any beta3 in (0, 1) is used as given.
 */
export const prodigy: AlgorithmDef = {
  id: 'prodigy',
  name: 'Prodigy',
  summary: 'Adam with a D-adapted step size (reference prodigyopt defaults)',
  updateRule:
    'r = \\beta_3 r + \\tfrac{d}{d_0} d\\eta \\langle g, x_0 - x\\rangle;\\; s = \\beta_3 s + \\tfrac{d}{d_0} d\\eta\\, g;\\; d \\leftarrow \\max(d, r/\\|s\\|_1);\\; x \\leftarrow x - d\\eta\\, m/(\\sqrt{v} + d\\epsilon)',
  source: 'Mishchenko & Defazio (2024), arXiv 2306.06101, Alg. 4 (Adam version); reference code konstmish/prodigy (prodigyopt)',
  distributed: false,
  hyper: [
    { name: 'lr', rule: 'positive', default: 1, doc: 'multiplier of the D-adapted step (reference 1)' },
    { name: 'beta1', rule: 'unit-closed-open', default: 0.9, doc: 'first-moment decay' },
    { name: 'beta2', rule: 'unit-closed-open', default: 0.999, doc: 'second-moment decay' },
    { name: 'beta3', rule: 'unit-closed-open', default: 0, doc: 'decay of r and s; 0 = sqrt(beta2) (reference: beta3 = None)' },
    { name: 'eps', rule: 'positive', default: 1e-8, doc: 'denominator epsilon (times d)' },
    { name: 'wd', rule: 'nonnegative', default: 0, doc: 'weight decay' },
    { name: 'decouple', rule: 'flag', default: 1, doc: '1: AdamW-style decoupled decay (reference default); 0: L2 added to the gradient' },
    { name: 'biasCorrection', rule: 'flag', default: 0, doc: "1: Adam's bias correction in dlr (reference default off; the paper's Adam pseudo-code uses it)" },
    { name: 'safeguard', rule: 'flag', default: 0, doc: 'safeguard_warmup: lr left out of the s accumulation' },
    { name: 'd0', rule: 'positive', default: 1e-6, doc: 'initial D estimate' },
    { name: 'dCoef', rule: 'positive', default: 1, doc: 'd_coef multiplier of the D estimate' },
  ],
  example: {},
  program: {
    vectors: ['p0', 'm', 'v', 's'].map((name) => ({ name, scope: 'server' as const })),
    scalars: ['d', 'dlr', 'b1p', 'b2p', 'b3', 'r', 'rinc', 'sl1', 'dhat'].map((name) => ({ name, scope: 'server' as const, init: 0 })),
    params: ['lr', 'beta1', 'beta2', 'beta3', 'eps', 'wd', 'decouple', 'biasCorrection', 'safeguard', 'd0', 'dCoef'],
    ops: [
      {
        op: 'scalar',
        scope: 'server',
        assign: [
          ['b1p', 'first * beta1 + (1 - first) * b1p * beta1'],
          ['b2p', 'first * beta2 + (1 - first) * b2p * beta2'],
          ['b3', 'pos(beta3) * beta3 + (1 - pos(beta3)) * sqrt(beta2)'],
          ['d', 'first * d0 + (1 - first) * d'],
          ['dlr', 'd * lr * (biasCorrection * sqrt(1 - b2p) / (1 - b1p) + (1 - biasCorrection))'],
          ['r', 'r * b3'],
        ],
      },
      {
        op: 'map',
        scope: 'server',
        assign: [
          ['p0', 'first * x + (1 - first) * p0'],
          ['ge', 'g + (1 - decouple) * wd * x'],
          ['m', 'beta1 * m + d * (1 - beta1) * ge'],
          ['v', 'beta2 * v + d * d * (1 - beta2) * ge * ge'],
          ['s', 's * b3 + (d / d0) * (safeguard * d + (1 - safeguard) * dlr) * ge'],
        ],
        reduce: [
          { into: 'rinc', kind: 'sum', expr: 'ge * (p0 - x)' },
          { into: 'sl1', kind: 'sum', expr: 'abs(s)' },
        ],
      },
      {
        op: 'scalar',
        scope: 'server',
        assign: [
          ['r', 'r + (d / d0) * dlr * rinc'],
          ['dhat', `pos(sl1) * dCoef * r / max(sl1, ${TINY}) + (1 - pos(sl1)) * dhat`],
          ['d', 'pos(sl1) * max(d, dhat) + (1 - pos(sl1)) * d'],
        ],
      },
      {
        op: 'map',
        scope: 'server',
        assign: [
          ['x', 'x - decouple * wd * dlr * x'],
          ['x', 'x - dlr * m / (sqrt(v) + d * eps)'],
        ],
      },
    ],
  },
};

/**
 * D-Adaptation SGD (Defazio & Mishchenko 2023, "Learning-Rate-Free Learning by D-Adaptation";
 * reference code facebookresearch/dadaptation v3 DAdaptSGD: lr 1, momentum 0, weight_decay 0 as an
 * L2 term added to the gradient, d0 1e-6, growth_rate inf). With g' = g + wd x:
 *   dlr = d lr / ||g_0||  (||g_0|| of the raw first gradient, as the reference computes it)
 *   r += dlr <g', s>;  s += dlr g';  dhat = 2 r / ||s||_2;  d <- max(d, dhat)
 *   z = x0 - s;  x <- momentum x + (1 - momentum) z.
 * The factor 2 in dhat is the reference code's (the paper's estimate is r / ||s||): see the lemma
 * param-free-dadapt-sgd-bound (dhat <= 2 ||x0 - x*||_2 for momentum 0, convex f, exact gradients).
 * A zero first gradient (the reference divides by it) or s = 0 are guarded.
 */
export const dadaptSgd: AlgorithmDef = {
  id: 'dadapt-sgd',
  name: 'D-Adaptation SGD',
  summary: 'SGD (dual averaging form) with a D-adapted step (dadaptation v3)',
  updateRule: 's \\mathrel{+}= \\tfrac{d\\eta}{\\|g_0\\|} g,\\; r \\mathrel{+}= \\tfrac{d\\eta}{\\|g_0\\|}\\langle g, s_{\\text{old}}\\rangle;\\; d \\leftarrow \\max(d, 2r/\\|s\\|_2);\\; x \\leftarrow \\mu x + (1-\\mu)(x_0 - s)',
  source: 'Defazio & Mishchenko (2023), arXiv 2301.07733, Alg. 1; reference code facebookresearch/dadaptation v3 (DAdaptSGD)',
  distributed: false,
  hyper: [
    { name: 'lr', rule: 'positive', default: 1, doc: 'multiplier of the D-adapted step (reference 1)' },
    { name: 'momentum', rule: 'unit-closed-open', default: 0, doc: 'primal-averaging momentum (reference 0)' },
    { name: 'wd', rule: 'nonnegative', default: 0, doc: 'L2 weight decay added to the gradient (the reference SGD variant has only this coupling)' },
    { name: 'd0', rule: 'positive', default: 1e-6, doc: 'initial D estimate' },
  ],
  example: {},
  program: {
    vectors: ['x0', 's'].map((name) => ({ name, scope: 'server' as const })),
    scalars: ['d', 'dlr', 'g0n', 'gsq', 'r', 'rinc', 'ssq', 'dhat'].map((name) => ({ name, scope: 'server' as const, init: 0 })),
    params: ['lr', 'momentum', 'wd', 'd0'],
    ops: [
      { op: 'map', scope: 'server', assign: [['x0', 'first * x + (1 - first) * x0']], reduce: [{ into: 'gsq', kind: 'sum', expr: 'g * g' }] },
      {
        op: 'scalar',
        scope: 'server',
        assign: [
          ['g0n', 'first * sqrt(gsq) + (1 - first) * g0n'],
          ['d', 'first * d0 + (1 - first) * d'],
          ['dlr', `d * lr / max(g0n, ${TINY})`],
        ],
      },
      {
        op: 'map',
        scope: 'server',
        assign: [
          ['ge', 'g + wd * x'],
          ['so', 's'],
          ['s', 's + dlr * ge'],
        ],
        reduce: [
          { into: 'rinc', kind: 'sum', expr: 'ge * so' },
          { into: 'ssq', kind: 'sum', expr: 's * s' },
        ],
      },
      {
        op: 'scalar',
        scope: 'server',
        assign: [
          ['r', 'r + dlr * rinc'],
          ['dhat', `pos(ssq) * 2 * r / max(sqrt(ssq), ${TINY}) + (1 - pos(ssq)) * dhat`],
          ['d', 'pos(ssq) * max(d, dhat) + (1 - pos(ssq)) * d'],
        ],
      },
      { op: 'map', scope: 'server', assign: [['x', 'momentum * x + (1 - momentum) * (x0 - s)']] },
    ],
  },
};


/**
 * The D estimate of D-Adaptation's Adam and Lion variants (dadaptation v3): r accumulates the
 * EMA-weighted <g, s>-type sum, dhat = r / ((1 - sqrt(beta2)) ||s||_1) when s != 0, and
 * d = max(d, dhat). Shared by dadapt-adam and dadapt-lion (same rule in the reference code).
 */
const DADAPT_EMA_D_UPDATE = {
  op: 'scalar',
  scope: 'server',
  assign: [
    ['r', 'sqrt(beta2) * r + (1 - sqrt(beta2)) * dlr * racc'],
    ['dhat', `pos(sl1) * r / max((1 - sqrt(beta2)) * sl1, ${TINY}) + (1 - pos(sl1)) * dhat`],
    ['d', 'pos(sl1) * max(d, dhat) + (1 - pos(sl1)) * d'],
  ],
} as const;

/**
 * D-Adaptation Adam (reference code facebookresearch/dadaptation v3 DAdaptAdam: lr 1, betas
 * (0.9, 0.999), eps 1e-8, weight_decay 0, decouple = False (L2 added to the gradient; decouple = 1
 * is the AdamW-style option), use_bias_correction = False, d0 1e-6). With g' = g + (1 - decouple) wd x,
 * b = sqrt(beta2), dlr = d lr bc:
 *   r = b r + (1 - b) dlr <g', s / (sqrt(v) + eps)>   (v, s before this step's update)
 *   m = b1 m + dlr (1 - b1) g';  v = b2 v + (1 - b2) g'^2;  s = b s + dlr (1 - b) g'
 *   dhat = r / ((1 - b) ||s||_1);  d <- max(d, dhat)
 *   x <- x - decouple wd dlr x;  x <- x - m / (sqrt(v) + eps).
 */
export const dadaptAdam: AlgorithmDef = {
  id: 'dadapt-adam',
  name: 'D-Adaptation Adam',
  summary: 'Adam with a D-adapted step (dadaptation v3)',
  updateRule:
    'r = \\sqrt{\\beta_2} r + (1-\\sqrt{\\beta_2}) d\\eta\\langle g, \\tfrac{s}{\\sqrt v + \\epsilon}\\rangle;\\; s = \\sqrt{\\beta_2} s + (1-\\sqrt{\\beta_2}) d\\eta\\, g;\\; d \\leftarrow \\max\\big(d, \\tfrac{r}{(1-\\sqrt{\\beta_2})\\|s\\|_1}\\big);\\; x \\leftarrow x - \\tfrac{m}{\\sqrt v + \\epsilon}',
  source: 'Defazio & Mishchenko (2023), arXiv 2301.07733; reference code facebookresearch/dadaptation v3 (DAdaptAdam)',
  distributed: false,
  hyper: [
    { name: 'lr', rule: 'positive', default: 1, doc: 'multiplier of the D-adapted step' },
    { name: 'beta1', rule: 'unit-closed-open', default: 0.9, doc: 'first-moment decay' },
    { name: 'beta2', rule: 'unit-closed-open', default: 0.999, doc: 'second-moment decay' },
    { name: 'eps', rule: 'positive', default: 1e-8, doc: 'denominator epsilon' },
    { name: 'wd', rule: 'nonnegative', default: 0, doc: 'weight decay' },
    { name: 'decouple', rule: 'flag', default: 0, doc: '0: L2 added to the gradient (reference default); 1: AdamW-style decoupled' },
    { name: 'biasCorrection', rule: 'flag', default: 0, doc: "1: Adam's bias correction in dlr (reference default off)" },
    { name: 'd0', rule: 'positive', default: 1e-6, doc: 'initial D estimate' },
  ],
  example: {},
  program: {
    vectors: ['m', 'v', 's'].map((name) => ({ name, scope: 'server' as const })),
    scalars: ['d', 'dlr', 'b1p', 'b2p', 'r', 'racc', 'sl1', 'dhat'].map((name) => ({ name, scope: 'server' as const, init: 0 })),
    params: ['lr', 'beta1', 'beta2', 'eps', 'wd', 'decouple', 'biasCorrection', 'd0'],
    ops: [
      {
        op: 'scalar',
        scope: 'server',
        assign: [
          ['b1p', 'first * beta1 + (1 - first) * b1p * beta1'],
          ['b2p', 'first * beta2 + (1 - first) * b2p * beta2'],
          ['d', 'first * d0 + (1 - first) * d'],
          ['dlr', 'd * lr * (biasCorrection * sqrt(1 - b2p) / (1 - b1p) + (1 - biasCorrection))'],
        ],
      },
      {
        op: 'map',
        scope: 'server',
        assign: [
          ['ge', 'g + (1 - decouple) * wd * x'],
          ['q', 'ge * (s / (sqrt(v) + eps))'],
          ['m', 'beta1 * m + dlr * (1 - beta1) * ge'],
          ['v', 'beta2 * v + (1 - beta2) * ge * ge'],
          ['s', 's * sqrt(beta2) + dlr * (1 - sqrt(beta2)) * ge'],
        ],
        reduce: [
          { into: 'racc', kind: 'sum', expr: 'q' },
          { into: 'sl1', kind: 'sum', expr: 'abs(s)' },
        ],
      },
      DADAPT_EMA_D_UPDATE,
      {
        op: 'map',
        scope: 'server',
        assign: [
          ['x', 'x - decouple * wd * dlr * x'],
          ['x', 'x - m / (sqrt(v) + eps)'],
        ],
      },
    ],
  },
};

/**
 * D-Adaptation Lion (reference code facebookresearch/dadaptation v3 DAdaptLion, "experimental": lr 1,
 * betas (0.9, 0.99), weight_decay 0 (decoupled, x <- (1 - dlr wd) x), d0 1e-6). With b = sqrt(beta2),
 * dlr = d lr:
 *   x <- x (1 - dlr wd);  u = sign(b1 m + (1 - b1) g);  x <- x - dlr u;  m = b2 m + (1 - b2) dlr g
 *   r = b r + (1 - b) dlr <u, s>  (s before update);  s = b s + (1 - b) dlr u
 *   dhat = r / ((1 - b) ||s||_1);  d <- max(d, dhat)
 * (the momentum buffer accumulates dlr g, as in the reference).
 */
export const dadaptLion: AlgorithmDef = {
  id: 'dadapt-lion',
  name: 'D-Adaptation Lion',
  summary: 'Lion with a D-adapted step (dadaptation v3, experimental there)',
  updateRule:
    'u = \\operatorname{sign}(\\beta_1 m + (1-\\beta_1) g);\\; x \\leftarrow (1 - d\\eta\\lambda) x - d\\eta\\, u;\\; m = \\beta_2 m + (1-\\beta_2) d\\eta\\, g;\\; s = \\sqrt{\\beta_2} s + (1-\\sqrt{\\beta_2}) d\\eta\\, u;\\; d \\leftarrow \\max\\big(d, \\tfrac{r}{(1-\\sqrt{\\beta_2})\\|s\\|_1}\\big)',
  source: 'Defazio & Mishchenko (2023); reference code facebookresearch/dadaptation v3 (DAdaptLion)',
  distributed: false,
  hyper: [
    { name: 'lr', rule: 'positive', default: 1, doc: 'multiplier of the D-adapted step' },
    { name: 'beta1', rule: 'unit-closed-open', default: 0.9, doc: 'interpolation weight' },
    { name: 'beta2', rule: 'unit-closed-open', default: 0.99, doc: 'momentum decay' },
    { name: 'wd', rule: 'nonnegative', default: 0, doc: 'decoupled weight decay (times dlr)' },
    { name: 'd0', rule: 'positive', default: 1e-6, doc: 'initial D estimate' },
  ],
  example: {},
  program: {
    vectors: ['m', 's'].map((name) => ({ name, scope: 'server' as const })),
    scalars: ['d', 'dlr', 'r', 'racc', 'sl1', 'dhat'].map((name) => ({ name, scope: 'server' as const, init: 0 })),
    params: ['lr', 'beta1', 'beta2', 'wd', 'd0'],
    ops: [
      {
        op: 'scalar',
        scope: 'server',
        assign: [
          ['d', 'first * d0 + (1 - first) * d'],
          ['dlr', 'd * lr'],
        ],
      },
      {
        op: 'map',
        scope: 'server',
        assign: [
          ['x', 'x * (1 - dlr * wd)'],
          ['u', 'sign(m * beta1 + g * (1 - beta1))'],
          ['x', 'x - dlr * u'],
          ['m', 'beta2 * m + (1 - beta2) * dlr * g'],
          ['q', 'u * s'],
          ['s', 's * sqrt(beta2) + (1 - sqrt(beta2)) * dlr * u'],
        ],
        reduce: [
          { into: 'racc', kind: 'sum', expr: 'q' },
          { into: 'sl1', kind: 'sum', expr: 'abs(s)' },
        ],
      },
      DADAPT_EMA_D_UPDATE,
    ],
  },
};

/** DoG's step program; `averaged` makes the polynomial-decay average the output. */
function dogProgram(averaged: boolean): AlgorithmDef['program'] {
  return {
    vectors: [{ name: 'z0', scope: 'server' }, ...(averaged ? [{ name: 'xbar', scope: 'server' as const }] : [])],
    scalars: ['rbar', 'G', 'eta', 'gsq', 'xsq', 'dsq'].map((name) => ({ name, scope: 'server' as const, init: 0 })),
    params: ['lr', 'repsRel', 'eps', 'wd', 'initEta', ...(averaged ? ['avgGamma'] : [])],
    ...(averaged ? { output: 'xbar' } : {}),
    ops: [
      {
        op: 'map',
        scope: 'server',
        assign: [
          ['z0', 'first * x + (1 - first) * z0'],
          ['ge', 'g + wd * x'],
        ],
        reduce: [
          { into: 'gsq', kind: 'sum', expr: 'ge * ge' },
          { into: 'xsq', kind: 'sum', expr: 'x * x' },
          { into: 'dsq', kind: 'sum', expr: '(x - z0) * (x - z0)' },
        ],
      },
      {
        op: 'scalar',
        scope: 'server',
        assign: [
          ['rbar', 'first * repsRel * (1 + sqrt(xsq)) + (1 - first) * max(rbar, sqrt(dsq))'],
          ['G', 'first * (gsq + eps) + (1 - first) * (G + gsq)'],
          ['eta', 'first * pos(initEta) * initEta + (1 - first * pos(initEta)) * lr * rbar / sqrt(G)'],
        ],
      },
      {
        op: 'map',
        scope: 'server',
        assign: [
          ['x', 'x - eta * (g + wd * x)'],
          ...(averaged ? ([['xbar', '(1 - (1 + avgGamma) / (t + 1 + avgGamma)) * xbar + ((1 + avgGamma) / (t + 1 + avgGamma)) * x']] as Array<readonly [string, string]>) : []),
        ],
      },
    ],
  };
}

const DOG_HYPER: AlgorithmDef['hyper'] = [
  { name: 'lr', rule: 'positive', default: 1, doc: 'c in the paper (reference 1, changing it not recommended)' },
  { name: 'repsRel', rule: 'positive', default: 1e-6, doc: 'r_eps = repsRel (1 + ||x0||) (suggested 1e-6)' },
  { name: 'eps', rule: 'positive', default: 1e-8, doc: 'added to the first squared gradient norm' },
  { name: 'wd', rule: 'nonnegative', default: 0, doc: 'L2 weight decay added to the gradient' },
  { name: 'initEta', rule: 'nonnegative', default: 0, doc: 'first step size if > 0 (reference init_eta; 0 = None)' },
];

/**
 * DoG, Distance over Gradients (Ivgi, Hinder & Carmon 2023, "DoG is SGD's Best Friend"; reference code
 * formll/dog DoG and PolynomialDecayAverager, defaults lr 1, reps_rel 1e-6, eps 1e-8, weight decay 0,
 * averaging gamma 8), with g' = g + wd x:
 *   rbar_0 = reps_rel (1 + ||x_0||), rbar_t = max(rbar_{t-1}, ||x_t - x_0||);  G_t = sum_{i<=t} ||g'_i||^2 + eps
 *   eta_t = lr rbar_t / sqrt(G_t);  x_{t+1} = x_t - eta_t g'_t
 *   xbar_0 = x_0, xbar_{t+1} = (1 - w) xbar_t + w x_{t+1}, w = (1 + gamma) / (t + 1 + gamma).
 * The output (where metrics are taken) is the average xbar, as the paper evaluates DoG; `dog-last`
 * outputs the last iterate.
 */
export const dog: AlgorithmDef = {
  id: 'dog',
  name: 'DoG (polynomial-decay average)',
  summary: 'SGD with step max_i ||x_i - x_0|| / sqrt(sum ||g_i||^2), averaged output',
  updateRule:
    '\\eta_t = \\frac{\\max(r_\\epsilon, \\max_{i\\le t}\\|x_i - x_0\\|)}{\\sqrt{\\sum_{i\\le t}\\|g_i\\|^2}};\\; x_{t+1} = x_t - \\eta_t g_t;\\; \\bar x_{t+1} = (1-\\tfrac{1+\\gamma}{t+1+\\gamma})\\bar x_t + \\tfrac{1+\\gamma}{t+1+\\gamma} x_{t+1}',
  source: 'Ivgi, Hinder & Carmon (2023), arXiv 2302.12022, Alg. 1 and Sec. 3 (averaging, Shamir & Zhang 2013); reference code formll/dog',
  distributed: false,
  hyper: [...DOG_HYPER, { name: 'avgGamma', rule: 'nonnegative', default: 8, doc: 'gamma of the polynomial-decay average (reference 8)' }],
  // the first step is repsRel (1 + ||x0||) / ||g||: at the default 1e-6 the averaged output stays
  // next to x0 for a few steps, so they would show almost no movement
  example: { repsRel: 0.05 },
  program: dogProgram(true),
};

/** DoG reporting its last iterate (no averaging). */
export const dogLast: AlgorithmDef = {
  ...dog,
  id: 'dog-last',
  name: 'DoG (last iterate)',
  summary: 'DoG without the averaged output',
  hyper: DOG_HYPER,
  example: {},
  program: dogProgram(false),
};

/**
 * MoMo (Schaipp, Ohana, Eickenberg, Defazio & Gower 2024, "MoMo: Momentum Models for Adaptive
 * Learning Rates", Alg. 1 (MoMo); reference code fabian-sp/MoMo momo.py, defaults lr 1, beta 0.9,
 * lb 0, weight_decay 0, bias_correction False, use_fstar False). Step k = t + 1, loss f_k = fx (the
 * engine's exact objective stands for the minibatch loss):
 *   fbar = b fbar + (1 - b) f_k;  dvec = b dvec + (1 - b) g;  gam = b gam + (1 - b) <x, g>
 *   (initialised with f_1, g_1, <x_1, g_1> without bias correction, with 0 with it; rho = 1 - b^k with
 *   bias correction, else 1)
 *   tau = min(lr / rho, max((1 + lr wd)(fbar - rho lb) + <x, dvec> - (1 + lr wd) gam, 0) / ||dvec||^2)
 *   x <- (x - tau dvec) / (1 + lr wd).
 * ||dvec|| = 0 gives tau = lr / rho as in the reference (min with NaN / Inf), and a zero step.
 */
export const momo: AlgorithmDef = {
  id: 'momo',
  name: 'MoMo',
  summary: 'momentum with a Polyak-type adaptive step from a model of the loss',
  updateRule:
    '\\bar f = \\beta\\bar f + (1-\\beta) f(x),\\; d = \\beta d + (1-\\beta) g,\\; \\gamma = \\beta\\gamma + (1-\\beta)\\langle x, g\\rangle;\\; \\tau = \\min\\big(\\eta, \\tfrac{(\\bar f - \\text{lb} + \\langle x, d\\rangle - \\gamma)_+}{\\|d\\|^2}\\big);\\; x \\leftarrow x - \\tau d',
  source: 'Schaipp et al. (2024), arXiv 2305.07583, Alg. 1; reference code fabian-sp/MoMo (momo.py)',
  distributed: false,
  hyper: [
    { name: 'lr', rule: 'positive', default: 1, doc: 'cap of the adaptive step (reference 1)' },
    { name: 'beta', rule: 'unit-closed-open', default: 0.9, doc: 'momentum' },
    { name: 'lb', rule: 'any', default: 0, doc: 'lower bound on the loss (reference 0)' },
    { name: 'wd', rule: 'nonnegative', default: 0, doc: 'weight decay (the reference\'s proximal form)' },
    { name: 'biasCorrection', rule: 'flag', default: 0, doc: 'the averaging with bias correction (reference default off)' },
  ],
  example: { beta: 0.3 },
  program: {
    vectors: [{ name: 'dv', scope: 'server' }],
    scalars: ['fbar', 'gam', 'bp', 'rho', 'xg', 'xd', 'dsq', 'tau'].map((name) => ({ name, scope: 'server' as const, init: 0 })),
    params: ['lr', 'beta', 'lb', 'wd', 'biasCorrection'],
    ops: [
      {
        op: 'map',
        scope: 'server',
        assign: [
          ['dv', 'first * (1 - biasCorrection) * g + (1 - first) * dv'],
          ['dv', 'beta * dv + (1 - beta) * g'],
        ],
        reduce: [
          { into: 'xg', kind: 'sum', expr: 'x * g' },
          { into: 'xd', kind: 'sum', expr: 'x * dv' },
          { into: 'dsq', kind: 'sum', expr: 'dv * dv' },
        ],
      },
      {
        op: 'scalar',
        scope: 'server',
        assign: [
          ['bp', 'first * beta + (1 - first) * bp * beta'],
          ['rho', 'biasCorrection * (1 - bp) + (1 - biasCorrection)'],
          ['fbar', 'first * (1 - biasCorrection) * fx + (1 - first) * fbar'],
          ['fbar', 'beta * fbar + (1 - beta) * fx'],
          ['gam', 'first * (1 - biasCorrection) * xg + (1 - first) * gam'],
          ['gam', 'beta * gam + (1 - beta) * xg'],
          ['tau', `min(lr / rho, max((1 + lr * wd) * (fbar - rho * lb) + xd - (1 + lr * wd) * gam, 0) / max(dsq, ${TINY}))`],
        ],
      },
      { op: 'map', scope: 'server', assign: [['x', '(x - tau * dv) / (1 + lr * wd)']] },
    ],
  },
};

/** Every baseline, for registration. */
export const baselineAlgorithms: readonly AlgorithmDef[] = [adamw, lion, normalizedSgd, prodigy, dadaptSgd, dadaptAdam, dadaptLion, dog, dogLast, momo];
