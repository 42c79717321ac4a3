/**
 * A small but complete set of report inputs for tests: a rate theorem's results rows and summary
 * (synthetic values with a known exponent, analysed by the real pipeline), a lemmas.json (one real lemma checked), and a
 * tiny seed-experiment run. Used by build.test.ts and browser.test.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seedExperiments } from '../../experiments/seeds/index.ts';
import { builtinCatalogue } from '../../catalogue.ts';
import { checkLemma } from '../../src/lemmas/runner.ts';
import { lemmaRows } from '../../src/report/lemmas-text.ts';
import { writeFileAtomic } from '../../src/core/files.ts';
import { runExperiment } from '../../src/experiments/runner.ts';
import { analyzeTheorem } from '../../src/theorems/analysis.ts';
import { theorems } from '../../experiments/theorems/index.ts';
import { makeRow, writeResultsFile, type ResultRow } from '../../src/theorems/results/index.ts';

/**
 * Writes fixture inputs under `dir` (rates.json, lemmas.json, results/) and returns the paths.
 * Rate rows: metric = 2 T^{-1/4} (1 + 0.05 z) with z from a fixed LCG, 8 replicas, T = 2^10..2^16,
 * for the registered theorem `signum-separable` (so its declaration is used for the page).
 */
export async function writeFixtureInputs(dir: string): Promise<{ reportsDir: string; resultsDir: string }> {
  const resultsDir = path.join(dir, 'results');
  fs.mkdirSync(path.join(resultsDir, 'experiments'), { recursive: true });
  const th = theorems.get('signum-separable');
  let state = 99;
  const z = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296 - 0.5;
  };
  const rows: ResultRow[] = [];
  for (const e of [10, 12, 14, 16]) {
    const T = 2 ** e;
    for (let r = 0; r < 8; r++) {
      const v = 2 * T ** -0.25 * (1 + 0.05 * z());
      for (const metric of ['grad_l1_avg', 'f_gap_final']) {
        rows.push(makeRow({ theorem: th.id, algorithm: 'signum', problem: 'separable-quadratic', noise: 'gaussian', engine: 'cpu', seed: 7, T, d: 10, n: 1, params: {}, replica: r, metric, value: v, gitSha: '0123456789abcdef0123456789abcdef01234567', wallMs: 1 }));
      }
    }
  }
  writeResultsFile(path.join(resultsDir, `${th.id}.jsonl`), rows, { timing: false });
  const summary = analyzeTheorem(th, rows, 1000);
  writeFileAtomic(path.join(dir, 'rates.json'), `${JSON.stringify({ [th.id]: summary }, null, 1)}\n`);
  writeFileAtomic(path.join(dir, 'lemmas.json'), `${JSON.stringify(lemmaRows([checkLemma(builtinCatalogue.lemmas.get('sign-mismatch'), { runs: 200 })]), null, 1)}\n`);
  await runExperiment(seedExperiments.get('sparse-noise-toy'), { profile: 'tiny', processes: 1, outDir: path.join(resultsDir, 'experiments') });
  return { reportsDir: dir, resultsDir };
}
