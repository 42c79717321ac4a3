/**
 * The nonparametric bootstrap (Efron 1979) on Philox streams: exactly uniform resampling indices,
 * the bootstrap over replicas of a table of cells (the same replica indices in every cell), the
 * bootstrap over seeds of a statistic, and the range of a statistic computed from fewer seeds (a
 * paper's repeats). Intervals are percentile intervals ({@link percentileInterval}).
 */
import { requireInteger, requireInterval, shown, UserInputError } from '../core/errors.ts';
import { philox4x32 } from '../rng/philox.ts';
import { aggregate, type Aggregation } from './descriptive.ts';
import { percentileInterval, tQuantile } from './quantiles.ts';
import { normalCdf } from './special.ts';

/**
 * Philox key word 1 of the bootstrap's resampling stream ("boot" in ASCII), alongside the
 * purposes of src/rng/streams.ts. The stream of resample b is key (seed, BOOTSTRAP_PURPOSE),
 * counters (k, b, 0, 0) for k = 0, 1, 2, ..., four u32 words per counter, consumed in order.
 */
export const BOOTSTRAP_PURPOSE = 0x626f6f74;

/** Smallest number of bootstrap resamples accepted (percentile CIs need the tails populated). */
export const MIN_RESAMPLES = 1000;

/**
 * `count` integers uniform on 0..range-1 from the Philox4x32-10 stream (seed, BOOTSTRAP_PURPOSE),
 * counters (k, stream, 0, 0), k = 0, 1, ..., words consumed in order. Exactly uniform by
 * rejection: a word w is accepted when $w < 2^{32} - (2^{32} \bmod \text{range})$ and mapped to
 * $w \bmod \text{range}$; rejected words are skipped (plain $w \bmod \text{range}$ would favour
 * small values whenever range does not divide $2^{32}$). Deterministic in (seed, stream, count,
 * range).
 */
export function uniformIntegers(seed: number, stream: number, count: number, range: number, out = new Uint32Array(count)): Uint32Array {
  requireInteger('seed', seed, 0, 0xffffffff);
  requireInteger('stream', stream, 0, 0xffffffff);
  requireInteger('count', count, 0, out.length);
  requireInteger('range', range, 1, 4294967296);
  const limit = 4294967296 - (4294967296 % range);
  const words = new Uint32Array(4);
  let block = 0;
  let used = 4;
  for (let i = 0; i < count; ) {
    if (used === 4) {
      philox4x32(block++, stream, 0, 0, seed, BOOTSTRAP_PURPOSE, words, 0);
      used = 0;
    }
    const w = words[used++];
    if (w < limit) out[i++] = w % range;
  }
  return out;
}

/**
 * Resample b of R replica indices, drawn uniformly with replacement from 0..R-1:
 * `uniformIntegers(seed, b, R, R)`. Deterministic in (seed, b, R).
 */
export function resampleReplicas(seed: number, b: number, replicas: number, out = new Uint32Array(replicas)): Uint32Array {
  requireInteger('replicas', replicas, 1, 0xffffffff);
  return uniformIntegers(seed, b, replicas, replicas, out);
}

/** Options of {@link bootstrapReplicas}. */
export interface BootstrapOptions {
  /** Replica aggregation per cell (default 'mean'). */
  readonly aggregation?: Aggregation;
  /** Number of resamples B >= {@link MIN_RESAMPLES} (default 2000). */
  readonly resamples?: number;
  /** u32 seed of the resampling stream (default 1). */
  readonly seed?: number;
  /** Two-sided confidence level of the reported intervals, in (0, 1) (default 0.95). */
  readonly level?: number;
  /**
   * 'percentile' (default): the central interval of the replicates at `level`. 'expanded': the
   * expanded percentile interval ({@link expandedLevel}), which corrects the percentile interval's
   * under-coverage at few replicas.
   */
  readonly interval?: 'percentile' | 'expanded';
}

/**
 * The level at which the expanded percentile interval takes the replicates' central interval, for
 * a nominal `level` and R replicas: $2\Phi(\sqrt{R/(R-1)}\, t_{R-1,(1+\ell)/2}) - 1$ (Hesterberg
 * 2015, "What teachers should know about the bootstrap", sec. 3.3), capped at $1 - 2/B$ so that both
 * ends stay inside the B replicates. For a statistic that is to first order a mean over replicas,
 * the percentile interval is $\bar z \pm z_{(1+\ell)/2} s_R/\sqrt R$ with the plug-in
 * $s_R = s_{R-1}\sqrt{(R-1)/R}$, which covers with probability
 * $P(|t_{R-1}| \le z_{(1+\ell)/2}\sqrt{(R-1)/R}) < \ell$; the expanded level replaces
 * $z_{(1+\ell)/2}$ by $\sqrt{R/(R-1)}\,t_{R-1,(1+\ell)/2}$, so the coverage is $\ell$ to first order.
 * R = 1 has no interval to expand: the level is returned unchanged.
 */
export function expandedLevel(level: number, R: number, resamples: number): number {
  requireInterval('level', level, 0, 1, 'open', 'open');
  requireInteger('replicas', R, 1);
  if (R < 2) return level;
  const z = Math.sqrt(R / (R - 1)) * tQuantile((1 + level) / 2, R - 1);
  return Math.min(2 * normalCdf(z) - 1, 1 - 2 / resamples);
}

/** Result of {@link bootstrapReplicas}: one entry per component of the statistic. */
export interface BootstrapResult {
  /** The statistic on the original data (the replica aggregates of all replicas). */
  readonly estimate: readonly number[];
  /** Percentile interval at `level`: lower limits. */
  readonly lo: readonly number[];
  /** Percentile interval at `level`: upper limits. */
  readonly hi: readonly number[];
  /** Sorted bootstrap replicates of each component (for intervals at other levels). */
  readonly replicates: readonly Float64Array[];
  readonly resamples: number;
  readonly seed: number;
  readonly level: number;
  readonly aggregation: Aggregation;
}

/**
 * Nonparametric bootstrap over replicas with a percentile confidence interval.
 *
 * `values[c][r]` is the metric of replica r in sweep cell c; every cell holds the same replicas in
 * the same order. Resample b draws R replica indices $r^*_1..r^*_R$ with replacement
 * ({@link resampleReplicas}) and uses **the same indices in every cell**: the replica is the
 * independent unit of the experiment (one seed stream, and under the stream contract the same
 * noise in every cell: common random numbers), so cells are dependent within a replica and
 * independent across replicas. Resampling cells independently would break that dependence and
 * misstate the variance of a slope (for common-random-number sweeps it inflates it).
 *
 * For each resample the per-cell aggregates $\bar m^*_c$ are computed and passed to `statistic`,
 * which returns a vector (e.g. OLS coefficients of $\log \bar m^*$, Theil-Sen slopes, the
 * aggregates themselves). The interval of each component is the percentile interval of its B
 * replicates, or the expanded percentile interval ({@link expandedLevel}) with `interval: 'expanded'`.
 * Deterministic in (values, statistic, seed, B).
 */
export function bootstrapReplicas(
  values: readonly (readonly number[])[],
  statistic: (aggregates: Float64Array) => ArrayLike<number>,
  options: BootstrapOptions = {},
): BootstrapResult {
  const aggregation = options.aggregation ?? 'mean';
  const B = requireInteger('resamples', options.resamples ?? 2000, MIN_RESAMPLES);
  const seed = requireInteger('seed', options.seed ?? 1, 0, 0xffffffff);
  const level = requireInterval('level', options.level ?? 0.95, 0, 1, 'open', 'open');
  if (aggregation !== 'mean' && aggregation !== 'median') {
    throw new UserInputError('aggregation', 'must be "mean" or "median"', `got ${shown(aggregation)}`);
  }
  const C = values.length;
  if (C === 0) throw new UserInputError('values', 'must hold at least one cell');
  const R = values[0].length;
  if (R === 0) throw new UserInputError('values', 'must hold at least one replica per cell');
  values.forEach((row, c) => {
    if (row.length !== R) throw new UserInputError(`values[${c}]`, `must hold ${R} replicas like cell 0`, `got ${row.length}`);
    row.forEach((v, r) => {
      if (!Number.isFinite(v)) throw new UserInputError(`values[${c}][${r}]`, 'must be finite', `got ${shown(v)}`);
    });
  });

  const agg = new Float64Array(C);
  for (let c = 0; c < C; c++) agg[c] = aggregate(values[c], aggregation);
  const estimate = Array.from(statistic(agg));
  const K = estimate.length;
  const reps = Array.from({ length: K }, () => new Float64Array(B));
  const idx = new Uint32Array(R);
  const scratch = new Float64Array(R);
  for (let b = 0; b < B; b++) {
    resampleReplicas(seed, b, R, idx);
    for (let c = 0; c < C; c++) {
      const row = values[c];
      if (aggregation === 'mean') {
        // Plain summation in index order: deterministic, and R is small.
        let s = 0;
        for (let i = 0; i < R; i++) s += row[idx[i]];
        agg[c] = s / R;
      } else {
        for (let i = 0; i < R; i++) scratch[i] = row[idx[i]];
        scratch.sort();
        agg[c] = R % 2 === 1 ? scratch[(R - 1) >> 1] : (scratch[R / 2 - 1] + scratch[R / 2]) / 2;
      }
    }
    const s = statistic(agg);
    if (s.length !== K) throw new Error(`bootstrap statistic returned ${s.length} components, expected ${K}`);
    for (let k = 0; k < K; k++) {
      if (!Number.isFinite(s[k])) throw new Error(`bootstrap statistic component ${k} is ${s[k]} in resample ${b}`);
      reps[k][b] = s[k];
    }
  }
  const lo: number[] = [];
  const hi: number[] = [];
  const at = (options.interval ?? 'percentile') === 'expanded' ? expandedLevel(level, R, B) : level;
  for (const r of reps) {
    r.sort();
    const [l, h] = percentileInterval(r, at);
    lo.push(l);
    hi.push(h);
  }
  return { estimate, lo, hi, replicates: reps, resamples: B, seed, level, aggregation };
}

/** Options of {@link seedBootstrap}. */
export interface SeedBootstrapOptions {
  /** Resamples (default 2000). */
  readonly resamples?: number;
  /** u32 seed of the resampling stream (default 1). */
  readonly seed?: number;
  /** Seeds drawn per resample (default: all S; fewer to mimic a paper that ran fewer repeats). */
  readonly size?: number;
  /** Level of the percentile interval (default 0.95). */
  readonly level?: number;
}

/**
 * Bootstrap over seeds: each resample draws `size` seed indices uniformly with replacement
 * ({@link uniformIntegers}, stream = resample index) and evaluates `statistic` on them. With
 * size = S the percentile interval is a CI of the statistic; with size = n (a paper's number of repeats) it is the range within which a statistic computed from n
 * repeats of our set-up falls with probability ~level: the yardstick for "does the paper's number
 * agree with ours", since the paper's own number carries the noise of its n repeats.
 */
export function seedBootstrap(seeds: number, statistic: (idx: Uint32Array) => number, options: SeedBootstrapOptions = {}): { lo: number; hi: number; resamples: number; size: number } {
  requireInteger('seeds', seeds, 1);
  const B = options.resamples ?? 2000;
  requireInteger('resamples', B, 100);
  const size = options.size ?? seeds;
  requireInteger('size', size, 1);
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 1;
  const idx = new Uint32Array(size);
  const reps = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    uniformIntegers(seed, b, size, seeds, idx);
    reps[b] = statistic(idx);
  }
  reps.sort();
  const [lo, hi] = percentileInterval(reps, level);
  return { lo, hi, resamples: B, size };
}

/**
 * The range within which a paper's statistic should fall if its set-up equals ours: our value plus
 * the percentile interval of $\mathrm{stat}(A) - \mathrm{stat}(B)$ over bootstrap pairs, A a
 * resample of `paperSize` seeds (the paper's repeats) and B a resample of all S seeds, both from
 * our seeds. It accounts for the noise of the paper's few repeats and for our own estimation
 * error; resample b uses streams 2b and 2b + 1 of {@link uniformIntegers}.
 */
export function paperRange(seeds: number, statistic: (idx: ArrayLike<number>) => number, paperSize: number, options: { resamples?: number; seed?: number; level?: number } = {}): { lo: number; hi: number; resamples: number } {
  requireInteger('seeds', seeds, 1);
  requireInteger('paperSize', paperSize, 1);
  const B = options.resamples ?? 2000;
  requireInteger('resamples', B, 100);
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 1;
  const all = Array.from({ length: seeds }, (_, i) => i);
  const value = statistic(all);
  const a = new Uint32Array(paperSize);
  const b = new Uint32Array(seeds);
  const reps = new Float64Array(B);
  for (let k = 0; k < B; k++) {
    uniformIntegers(seed, 2 * k, paperSize, seeds, a);
    uniformIntegers(seed, 2 * k + 1, seeds, seeds, b);
    reps[k] = statistic(a) - statistic(b);
  }
  reps.sort();
  const [lo, hi] = percentileInterval(reps, level);
  return { lo: value + lo, hi: value + hi, resamples: B };
}
