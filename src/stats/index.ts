/**
 * Generic statistics for the lemma checks, the rate-theorem fits and the seed experiments, one
 * topic per module:
 * - descriptive.ts: means, variances, seed-mean curves, the replica aggregate of a cell;
 * - regression.ts: OLS with an intercept (standard errors, projector), Theil-Sen;
 * - quantiles.ts: Student-t and chi-square quantiles, percentile (type-7) intervals;
 * - intervals.ts: mean (Student-t) and median (order-statistic) intervals, the empirical
 *   Bernstein lower limit;
 * - mean-tests.ts: the Welch interval of a difference of means, the chi-square acceptance
 *   interval of a mean;
 * - bootstrap.ts: Philox resampling, the bootstrap over replicas and over seeds;
 * - special.ts: special functions (gamma, incomplete gamma, erf, normal and Student-t
 *   distributions, normal absolute moments).
 *
 * Layering: src/stats imports only src/core and src/rng (and simple-statistics), so every layer
 * above them may use it (src/layering.test.ts).
 */
export * from './bootstrap.ts';
export * from './descriptive.ts';
export * from './intervals.ts';
export * from './mean-tests.ts';
export * from './quantiles.ts';
export * from './regression.ts';
