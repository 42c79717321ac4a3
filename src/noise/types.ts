/**
 * A noise model: the distribution of one coordinate of the additive gradient noise at unit scale.
 * The oracle returns g_i + sigma_i * xi_i, averaged over a minibatch of B independent draws.
 *
 * Sampling is a pure function of Philox words (see src/rng/streams.ts), so the CPU and GPU engines
 * draw identical numbers: one Philox call (four u32 words) yields `samplesPerCall` samples —
 * 4 for Gaussian (two Box-Muller pairs), 2 for transforms that need two uniforms per sample.
 * Coordinate i uses block floor(i / samplesPerCall) and slot i mod samplesPerCall.
 */
export interface NoiseModel {
  /** Registry id, e.g. "gaussian", "student-t". */
  readonly id: string;
  /** Human-readable name with parameters, e.g. "Student-t(nu=3)". */
  readonly name: string;
  /** One-line description for listings. */
  readonly summary: string;
  /** The model's parameters (for results rows and reports). */
  readonly params: Readonly<Record<string, number>>;
  /** 4 or 2: samples produced from one Philox call. */
  readonly samplesPerCall: 2 | 4;
  /** Writes `samplesPerCall` unit-scale samples computed from four words at out[offset..]. */
  fromWords(words: Uint32Array, out: Float64Array, offset: number): void;
  /** E xi = 0 for every model here (the oracle is unbiased); kept explicit for the reports. */
  readonly mean: number;
  /** The median of xi (differs from the mean for asymmetric models). */
  readonly median: number;
  /** E|xi|^kappa in closed form, or Infinity when the moment does not exist. */
  absMoment(kappa: number): number;
  /** Largest kappa for which E|xi|^kappa is finite (Infinity for all moments). Moments exist for kappa < this (or <=, see `momentBoundIncluded`). */
  readonly momentLimit: number;
  readonly symmetric: boolean;
  readonly unimodal: boolean;
  /** Absolute bound |xi| <= bound (Infinity when unbounded). Used for P1 Asm. 8 (bounded gradients). */
  readonly bound: number;
  /** True when E|xi|^momentLimit is itself finite; absent or false: moments exist only for kappa < momentLimit. */
  readonly momentBoundIncluded?: boolean;
  /** P(xi <= x) at unit scale, where a closed form (or an accurate special-function form) exists. */
  cdf?(x: number): number;
  /** Density of xi at unit scale (absent for discrete models and where no closed form exists). */
  pdf?(x: number): number;
}
