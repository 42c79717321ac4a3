/**
 * Constants a problem declares it satisfies (THEORY.md, "Assumption classes"). Every declared
 * constant is checked by a property test on random pairs of points (properties/problem-constants).
 */
export interface ProblemConstants {
  /** Separable smoothness vector: f(y) <= f(x) + <g, y-x> + 1/2 sum_i L_i (y_i - x_i)^2. */
  readonly Lvec?: Float64Array;
  /** l2 smoothness: ||grad f(x) - grad f(y)||_2 <= L ||x - y||_2. */
  readonly L?: number;
  /** l_inf smoothness: ||grad f(x) - grad f(y)||_1 <= Linf ||x - y||_inf. */
  readonly Linf?: number;
  /** (L0, L1) smoothness (P0): ||g(x) - g(y)||_2 <= (L0 + L1 sup_{u in [x,y]} ||g(u)||_2) ||x - y||_2. */
  readonly L0?: number;
  readonly L1?: number;
  /** Convexity of f (and of each worker's f_j for heterogeneous problems). */
  readonly convex: boolean;
  /** Known optimal value and minimiser, where they exist. */
  readonly fStar?: number;
  readonly xStar?: Float64Array;
  /**
   * Strong convexity modulus in l2: f(y) >= f(x) + <g, y-x> + mu/2 ||y-x||_2^2 (optional).
   */
  readonly mu?: number;
  /**
   * Absolute error bound on `fStar` when it is computed numerically (e.g. by Newton's method with a
   * certificate f(w) - f* <= ||grad f(w)||^2 / (2 mu)); absent or 0 when fStar is exact.
   */
  readonly fStarError?: number;
  /**
   * Constants quoted by a paper for this instance, kept apart from the declared (proved) ones because
   * they may rest on a different argument or be loose; never used by the checks.
   */
  readonly quoted?: { readonly source: string; readonly values: Readonly<Record<string, number>>; readonly note: string };
  /** Human-readable derivation notes (which constants are tight, which are upper bounds, and why). */
  readonly notes?: readonly string[];
}

/** One documented parameter of a problem family (for the CLI help and the reports). */
export interface ProblemParameterDoc {
  readonly name: string;
  /** 'integer' | 'number' | 'string' | 'vector' | a union such as 'number | vector'. */
  readonly type: string;
  /** The default, as text ('required' when there is none). */
  readonly default: string;
  readonly doc: string;
}

/**
 * A deterministic objective f: R^d -> R with its exact gradient. Stochastic gradients are formed by
 * the engine as grad f_j(x) + sigma (.) xi, with xi from a noise model (src/noise).
 *
 * Heterogeneous (distributed) problems have `workers` > 1 local objectives f_j with
 * f = (1/n) sum_j f_j; `gradWorker(x, j, out)` is grad f_j. Homogeneous problems have workers = 1
 * and every worker sees grad f.
 */
export interface Problem {
  readonly id: string;
  readonly name: string;
  readonly summary: string;
  readonly d: number;
  /** Number of distinct local objectives (1 = homogeneous). */
  readonly workers: number;
  /** Parameters that define the instance (for results rows). */
  readonly params: Readonly<Record<string, number | string>>;
  readonly constants: ProblemConstants;
  /** f(x) (the average over workers for heterogeneous problems). */
  f(x: Float64Array): number;
  /** grad f(x) into out. */
  grad(x: Float64Array, out: Float64Array): void;
  /** grad f_j(x) into out (equals grad for homogeneous problems). */
  gradWorker(x: Float64Array, worker: number, out: Float64Array): void;
  /** The default starting point (a fresh array each call). */
  x0(): Float64Array;
  /**
   * When the gradient is coordinate-wise, g_i = diag_i * (x_i - center_i) (separable quadratics),
   * its description, so the GPU engine can fuse it into the step kernel. Absent otherwise.
   */
  readonly separableQuadratic?: { readonly diag: Float64Array; readonly center: Float64Array };
  /**
   * The coefficients of the separable non-quadratic families, so other engines (the GPU's gradient
   * passes) can evaluate the same f and gradient: sum-cosh a_i cosh(b_i (x_i - c_i)), exp-sum
   * a_i exp(b_i x_i), quartic-sum (a_i / 4) (x_i - c_i)^4. Copies; absent on other families.
   */
  readonly separableCoefficients?:
    | { readonly kind: 'sum-cosh'; readonly a: Float64Array; readonly b: Float64Array; readonly center: Float64Array }
    | { readonly kind: 'exp-sum'; readonly a: Float64Array; readonly b: Float64Array }
    | { readonly kind: 'quartic-sum'; readonly a: Float64Array; readonly center: Float64Array };
  /**
   * f_j(x) for heterogeneous problems (equals f for homogeneous ones where present). Optional: lets
   * checks verify convexity and smoothness of each local objective.
   */
  fWorker?(x: Float64Array, worker: number): number;
  /**
   * Heterogeneous separable quadratics: grad f_j(x)_i = diag_i (x_i - centers[j*d + i]) with one
   * center row per worker (row-major, workers x d), so a GPU engine can fuse the per-worker gradient.
   * `separableQuadratic` is deliberately absent on such problems (its single center would silently
   * give every worker grad f).
   */
  readonly separableQuadraticWorkers?: {
    readonly diag: Float64Array;
    readonly centers: Float64Array;
    readonly meanCenter: Float64Array;
  };
}

/**
 * A problem family: a named constructor with a parameter domain, used by the registry, by lemma
 * domains (fast-check draws instances) and by sweeps (instances at a given d).
 */
export interface ProblemFamily<P = Record<string, unknown>, T extends Problem = Problem> {
  readonly id: string;
  readonly summary: string;
  /** Which assumption classes the family's instances satisfy (with constants declared per instance). */
  readonly assumptions: readonly string[];
  /** The family's parameters with defaults and meaning (optional for families defined elsewhere). */
  readonly parameters?: readonly ProblemParameterDoc[];
  /** Build an instance; throws UserInputError on invalid parameters. */
  create(params: P): T;
}
