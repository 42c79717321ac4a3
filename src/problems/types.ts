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
}

/**
 * A problem family: a named constructor with a parameter domain, used by the registry, by lemma
 * domains (fast-check draws instances) and by sweeps (instances at a given d).
 */
export interface ProblemFamily<P = Record<string, unknown>> {
  readonly id: string;
  readonly summary: string;
  /** Which assumption classes the family's instances satisfy (with constants declared per instance). */
  readonly assumptions: readonly string[];
  /** Build an instance; throws UserInputError on invalid parameters. */
  create(params: P): Problem;
}
