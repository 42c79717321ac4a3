/**
 * Synthetic sweeps with a known exponent, for measuring the coverage of the whole rate procedure
 * (fit + CI + verdict; the model and the expected rates are in src/theorems/coverage.test.ts). Test support:
 * `npx tsx src/testing/rate-coverage.ts` prints the table of docs/coverage.md.
 */
import { fillNormals, Purpose } from '../rng/streams.ts';
import { analyzeRate } from '../theorems/analysis.ts';
import { parseBound } from '../theorems/bound.ts';
import { makeRow, type ResultRow } from '../theorems/results/index.ts';

const Ts = [2 ** 10, 2 ** 12, 2 ** 14, 2 ** 16];
const SIGMA = 0.2;
const RHO = 0.5;

/** One synthetic sweep of R replicas from noise stream `k`. */
export function syntheticSweep(k: number, R: number): ResultRow[] {
  const rows: ResultRow[] = [];
  const u = new Float64Array(2);
  const v = new Float64Array(2);
  for (let r = 0; r < R; r++) {
    fillNormals(20261208, Purpose.noise, k, 0, r, u);
    Ts.forEach((T, c) => {
      fillNormals(20261208, Purpose.noise, k, c + 1, r, v);
      const value = 2 * T ** -0.25 * Math.exp(SIGMA * (Math.sqrt(RHO) * u[0] + Math.sqrt(1 - RHO) * v[0]));
      rows.push(makeRow({ theorem: 'synthetic', algorithm: 'a', problem: 'p', noise: 'n', engine: 'cpu', seed: k, T, d: 1, n: 1, params: {}, replica: r, metric: 'm', value, gitSha: 'synthetic', wallMs: 0 }));
    });
  }
  return rows;
}

/** Coverage of -1/4 and FAIL count over N sweeps, with the analysis' expanded interval or the plain percentile one. */
export function measureCoverage(N: number, R: number, interval: 'expanded' | 'percentile'): { covered: number; fails: number } {
  const bound = parseBound('T^(-1/4)', ['T', 'd', 'n']);
  let covered = 0;
  let fails = 0;
  for (let k = 0; k < N; k++) {
    const s = analyzeRate(syntheticSweep(k, R), { theorem: 'synthetic', metric: 'm', bound, variables: ['T'], tol: 0.05, resamples: 1000, seed: k, interval });
    const fit = s.series[0].fit!.variables[0];
    if (fit.ci[0] <= -0.25 && -0.25 <= fit.ci[1]) covered++;
    if (fit.verdict === 'FAIL') fails++;
  }
  return { covered, fails };
}


const isMain = process.argv[1]?.endsWith('rate-coverage.ts');
if (isMain) {
  console.log('| replicas R | expanded percentile: covered | plain percentile: covered | FAIL verdicts (expanded) |');
  console.log('|---:|---:|---:|---:|');
  for (const R of [4, 8, 16, 32, 48]) {
    const e = measureCoverage(1000, R, 'expanded');
    const p = measureCoverage(1000, R, 'percentile');
    console.log(`| ${R} | ${e.covered}/1000 | ${p.covered}/1000 | ${e.fails} |`);
  }
}
