/**
 * Coverage of the whole rate procedure (fit + CI + verdict, src/theorems/analysis.ts) on synthetic
 * sweeps with a known exponent and realistic replica noise.
 *
 * Model: four cells T = 2^10, 2^12, 2^14, 2^16, R replicas, metric
 * m_{c,r} = 2 T_c^{-1/4} exp(sigma (sqrt(rho) u_r + sqrt(1 - rho) v_{c,r})), sigma = 0.2, rho = 0.5:
 * a lognormal replica spread of about 20% with half of it shared by the cells of a replica (the
 * common random numbers of a real sweep). The replica mean has E = 2 e^{sigma^2/2} T^{-1/4}, so the
 * slope of log E in log T is exactly -1/4: the CI of every synthetic sweep should cover -1/4, and the
 * verdict against the bound T^(-1/4) with tol 0.05 should not be FAIL.
 *
 * Expected rates, to first order in sigma (the slope is then a mean over replicas: see
 * src/stats/bootstrap.ts expandedLevel): the expanded percentile interval covers with probability
 * 0.95; the plain percentile interval with P(|t_{R-1}| <= 1.96 sqrt((R-1)/R)), 0.891 at R = 8.
 * Acceptance for N = 1000 sweeps (fixed seeds): the expanded interval covers at least 930 times
 * (the 93%; at a true 0.95 that fails with probability 0.2%) and at most 978 (an interval
 * too wide: 0.95 N + 3.29 sd + 0.005 N); the plain percentile interval covers fewer than 930 (the
 * power check: the test tells the two apart). FAIL verdicts at the true slope: at most 50 of 1000
 * (the one-sided miss rate is 2.5% at first order; 50 is 2.5% + 3.29 sd + 0.005 N, false alarm
 * about 0.1%). docs/coverage.md records the measured numbers.
 */
import { describe, expect, it } from 'vitest';
import { measureCoverage } from '../testing/rate-coverage.ts';

describe('coverage of fit + CI + verdict on synthetic sweeps with a known slope (R = 8, N = 1000)', () => {
  it('the expanded percentile interval covers at the nominal rate; the plain percentile interval does not', () => {
    const expanded = measureCoverage(1000, 8, 'expanded');
    const plain = measureCoverage(1000, 8, 'percentile');
    console.info(`coverage at R = 8: expanded ${expanded.covered}/1000 (FAIL ${expanded.fails}), percentile ${plain.covered}/1000 (FAIL ${plain.fails})`);
    expect(expanded.covered).toBeGreaterThanOrEqual(930);
    expect(expanded.covered).toBeLessThanOrEqual(978);
    expect(expanded.fails).toBeLessThanOrEqual(50);
    expect(plain.covered).toBeLessThan(930);
  });
});
