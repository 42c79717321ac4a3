/**
 * Mutation testing, one module at a time: `npm run mutate -- <rng|noise|problems|algorithms> [--concurrency N]`.
 *
 * Writes a StrykerJS config for the module (mutate src/<module>/**, tests from
 * vitest.mutate.config.ts's selection for that module) under .stryker-tmp/, runs Stryker, and
 * leaves reports/mutation/<module>.html and <module>.json. Prints the score line at the end.
 * Not part of CI (minutes to hours on 2 cores).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const MODULES = ['rng', 'noise', 'problems', 'algorithms'];
const args = process.argv.slice(2);
const module = args.find((a) => !a.startsWith('--'));
if (!module || !MODULES.includes(module)) {
  process.stderr.write(`mutate: the module must be one of ${MODULES.join(', ')} (got ${module === undefined ? 'nothing' : `"${module}"`})\n`);
  process.exit(2);
}
const ci = args.indexOf('--concurrency');
const concurrency = ci >= 0 ? Number(args[ci + 1]) : 1;
if (!Number.isInteger(concurrency) || concurrency < 1) {
  process.stderr.write(`mutate: --concurrency must be an integer >= 1 (got "${args[ci + 1]}")\n`);
  process.exit(2);
}

const base = JSON.parse(fs.readFileSync('stryker.config.json', 'utf8')) as Record<string, unknown>;
const config = {
  ...base,
  mutate: [`src/${module}/**/*.ts`, '!src/**/*.test.ts', '!src/**/*.kill-child.ts', '!src/**/test-util.ts'],
  concurrency,
  htmlReporter: { fileName: `reports/mutation/${module}.html` },
  jsonReporter: { fileName: `reports/mutation/${module}.json` },
  tempDirName: `.stryker-tmp/${module}`,
};
delete (config as Record<string, unknown>)._comment;
fs.mkdirSync('.stryker-tmp', { recursive: true });
const file = path.join('.stryker-tmp', `stryker.${module}.json`);
fs.writeFileSync(file, `${JSON.stringify(config, null, 1)}\n`);
const r = spawnSync('npx', ['stryker', 'run', file], { stdio: 'inherit', env: { ...process.env, SIGNCHECK_MUTATE_MODULE: module } });
process.exit(r.status ?? 1);
