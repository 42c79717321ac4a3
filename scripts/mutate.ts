/**
 * Mutation testing, one module at a time:
 *   `npm run mutate -- <rng|noise|problems|algorithms> [--concurrency N] [--sample N [--seed S]] [--include-static]`.
 *
 * Writes a StrykerJS config for the module (mutate src/<module>/**, tests from
 * vitest.mutate.config.ts's selection for that module) under .stryker-tmp/, runs Stryker, and
 * leaves reports/mutation/<module>.html and <module>.json. Prints the score line at the end.
 * Not part of CI (minutes to hours on 2 cores).
 *
 * `--sample N`: an estimate instead of the full run, for modules whose full run takes longer than a
 * session here (src/problems: 3142 mutants, src/algorithms: 2636, at 15-60 s each on 2 cores). The
 * module's mutants are listed with Stryker's own instrumenter, N of them are drawn uniformly without
 * replacement (Philox-free, a seeded xorshift: `--seed`, default 1), Stryker runs on their exact
 * source ranges (it also runs mutants nested inside a drawn range; those are left out of the
 * estimate), and the score of the drawn mutants is reported with a Wilson 95% interval for the
 * module's score (killed + timed out over killed + timed out + survived + no coverage; the ignored
 * (static) and compile-error ones are left out, as in Stryker's own score). The drawn mutants, their
 * statuses and the interval are written to reports/mutation/<module>-sample.json.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Instrumenter } from '@stryker-mutator/instrumenter';
import { wilsonInterval } from '../src/stats/index.ts';

const MODULES = ['rng', 'noise', 'problems', 'algorithms'];
const args = process.argv.slice(2);
const module = args.find((a, i) => !a.startsWith('--') && !(i > 0 && ['--concurrency', '--sample', '--seed'].includes(args[i - 1])));
if (!module || !MODULES.includes(module)) {
  process.stderr.write(`mutate: the module must be one of ${MODULES.join(', ')} (got ${module === undefined ? 'nothing' : `"${module}"`})\n`);
  process.exit(2);
}
function intOption(name: string, fallback: number | null, min: number): number | null {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const v = Number(args[at + 1]);
  if (!Number.isInteger(v) || v < min) {
    process.stderr.write(`mutate: ${name} must be an integer >= ${min} (got "${args[at + 1]}")\n`);
    process.exit(2);
  }
  return v;
}
const concurrency = intOption('--concurrency', 1, 1)!;
const sample = intOption('--sample', null, 1);
const seed = intOption('--seed', 1, 0)!;
// `--include-static`: test static and hybrid mutants too (ignoreStatic off). With ignoreStatic on,
// Stryker runs a hybrid mutant (executed at module load and again inside a test) with runtime
// activation only, so a mutant in a module-level definition (a step program built at import) cannot
// take effect and is reported as surviving; with it off, such mutants run with a full reload.
const includeStatic = args.includes('--include-static');
const direct = args.includes('--direct');
if (direct && sample === null) {
  process.stderr.write('mutate: --direct needs --sample N\n');
  process.exit(2);
}

const files = fs
  .readdirSync(`src/${module}`, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.kill-child.ts') && !f.endsWith('test-util.ts'))
  .map((f) => path.posix.join('src', module, f.split(path.sep).join('/')))
  .sort();

interface Loc {
  start: { line: number; column: number };
  end: { line: number; column: number };
}
interface Drawn {
  fileName: string;
  location: Loc;
  mutatorName: string;
  replacement: string;
}
const key = (m: Drawn): string => `${m.fileName}|${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column}|${m.mutatorName}|${m.replacement}`;

let drawn: Drawn[] | null = null;
let total = 0;
let mutate: string[] = [`src/${module}/**/*.ts`, '!src/**/*.test.ts', '!src/**/*.kill-child.ts', '!src/**/test-util.ts'];
if (sample !== null) {
  const noop = (): void => {};
  const logger = { isTraceEnabled: () => false, isDebugEnabled: () => false, isInfoEnabled: () => false, isWarnEnabled: () => false, isErrorEnabled: () => false, isFatalEnabled: () => false, trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop };
  const instrumenter = new Instrumenter(logger as never);
  const result = await instrumenter.instrument(
    files.map((name) => ({ name, content: fs.readFileSync(name, 'utf8'), mutate: true as const })),
    { plugins: null, excludedMutations: [], ignorers: [] } as never,
  );
  const all = result.mutants as unknown as Drawn[];
  total = all.length;
  // seeded partial Fisher-Yates (xorshift32): the same seed draws the same mutants from the same source
  let s = (seed ^ 0x9e3779b9) >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const idx = all.map((_, i) => i);
  const n = Math.min(sample, all.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(next() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  drawn = idx.slice(0, n).map((i) => all[i]);
  // Stryker's mutate ranges: 1-based lines, 0-based columns (the instrumenter's lines are 0-based)
  mutate = drawn.map((m) => `${m.fileName}:${m.location.start.line + 1}:${m.location.start.column}-${m.location.end.line + 1}:${m.location.end.column}`);
  console.log(`mutate: ${n} of ${total} mutants of src/${module} drawn (seed ${seed})`);
}

if (direct && drawn) {
  await runDirect(drawn);
  process.exit(0);
}

const base = JSON.parse(fs.readFileSync('stryker.config.json', 'utf8')) as Record<string, unknown>;
const report = `reports/mutation/${module}${drawn ? '-sample-run' : ''}`;
const config = {
  ...base,
  mutate,
  concurrency,
  ...(includeStatic ? { ignoreStatic: false } : {}),
  htmlReporter: { fileName: `${report}.html` },
  jsonReporter: { fileName: `${report}.json` },
  tempDirName: `.stryker-tmp/${module}`,
};
delete (config as Record<string, unknown>)._comment;
fs.mkdirSync('.stryker-tmp', { recursive: true });
const file = path.join('.stryker-tmp', `stryker.${module}.json`);
fs.writeFileSync(file, `${JSON.stringify(config, null, 1)}\n`);
const r = spawnSync('npx', ['stryker', 'run', file], { stdio: 'inherit', env: { ...process.env, SIGNCHECK_MUTATE_MODULE: module } });
if (!drawn || r.status !== 0) process.exit(r.status ?? 1);

// the estimate from the drawn mutants only (Stryker's report locations are 1-based lines and columns)
const run = JSON.parse(fs.readFileSync(`${report}.json`, 'utf8')) as { files: Record<string, { mutants: Array<{ location: Loc; mutatorName: string; replacement: string; status: string }> }> };
const status = new Map<string, string>();
for (const [fileName, f] of Object.entries(run.files)) {
  for (const m of f.mutants) {
    const loc = { start: { line: m.location.start.line - 1, column: m.location.start.column - 1 }, end: { line: m.location.end.line - 1, column: m.location.end.column - 1 } };
    status.set(key({ fileName: fileName.split(path.sep).join('/'), location: loc, mutatorName: m.mutatorName, replacement: m.replacement }), m.status);
  }
}
summarize(drawn.map((m) => ({ ...m, status: status.get(key(m)) ?? 'NotFound' })));

/**
 * `--direct`: each drawn mutant is written into a copy of the source tree (Stryker's own replacement
 * text at the mutant's exact range), the module's suites run once against it with vitest (--bail 1),
 * and the copy is restored. A failing run kills the mutant; a run longer than ten times the clean
 * run (at least 60 s) is a timeout (detected). Unlike Stryker's mutant switching, a mutant in a
 * module-level definition (a step program built at import) takes effect, because every run starts
 * from a fresh process. Cost: one suite run per mutant (seconds for these modules).
 */
async function runDirect(mutants: Drawn[]): Promise<void> {
  const root = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', `signcheck-mutate-${module}-`));
  for (const entry of ['src', 'lemmas', 'properties', 'data', 'package.json', 'tsconfig.json', 'vitest.mutate.config.ts']) {
    if (fs.existsSync(entry)) fs.cpSync(entry, path.join(root, entry), { recursive: true });
  }
  fs.symlinkSync(path.resolve('node_modules'), path.join(root, 'node_modules'));
  const vitest = path.resolve('node_modules/vitest/vitest.mjs');
  const run = (timeoutMs: number) => {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [vitest, 'run', '--config', 'vitest.mutate.config.ts', '--bail', '1'], {
      cwd: root,
      env: { ...process.env, SIGNCHECK_MUTATE_MODULE: module, CI: '' },
      encoding: 'utf8',
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    // a kill is a failing test or suite as vitest reports it; any other non-zero exit (vitest could not
    // start) is a RuntimeError, left out of the score as Stryker does
    // a timed-out run leaves vitest's fork workers behind (SIGKILL reaches the parent only): kill
    // every process still working in the copy
    if (process.platform === 'linux') {
      for (const pid of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
        try {
          if (fs.readlinkSync(`/proc/${pid}/cwd`) === root && Number(pid) !== process.pid) process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone, or not ours to read
        }
      }
    }
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '');
    const failed = /Test Files\s+\d+ failed|\bFAIL\b/.test(out);
    return { ms: Date.now() - t0, status: r.status, failed, timedOut: r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' };
  };
  const clean = run(600_000);
  if (clean.status !== 0) throw new Error(`mutate --direct: the module's suites fail without a mutant (exit ${clean.status}); fix them first`);
  const limit = Math.max(60_000, 10 * clean.ms);
  console.log(`mutate --direct: clean run ${(clean.ms / 1000).toFixed(1)} s, timeout ${(limit / 1000).toFixed(0)} s, tree copied to ${root}`);
  const rows: Array<Drawn & { status: string }> = [];
  for (const [k, m] of mutants.entries()) {
    const file = path.join(root, m.fileName);
    const original = fs.readFileSync(file, 'utf8');
    const lines = original.split('\n');
    const offset = (line: number, column: number): number => lines.slice(0, line).reduce((a, l) => a + l.length + 1, 0) + column;
    const a = offset(m.location.start.line, m.location.start.column);
    const b = offset(m.location.end.line, m.location.end.column);
    fs.writeFileSync(file, original.slice(0, a) + m.replacement + original.slice(b));
    const r = run(limit);
    fs.writeFileSync(file, original);
    const status = r.timedOut ? 'Timeout' : r.status === 0 ? 'Survived' : r.failed ? 'Killed' : 'RuntimeError';
    rows.push({ ...m, status });
    console.log(`  ${k + 1}/${mutants.length} ${status.padEnd(8)} ${m.fileName}:${m.location.start.line + 1}:${m.location.start.column + 1} ${m.mutatorName} (${(r.ms / 1000).toFixed(1)} s)`);
  }
  fs.rmSync(root, { recursive: true, force: true });
  summarize(rows);
}

function summarize(rows: Array<Drawn & { status: string }>): void {
  const count = (s: string[]): number => rows.filter((x) => s.includes(x.status)).length;
  const detected = count(['Killed', 'Timeout']);
  const undetected = count(['Survived', 'NoCoverage']);
  const valid = detected + undetected;
  // Wilson score interval, z = 1.96 (95%); the drawn mutants are a uniform sample without replacement
  // from `total`, so the interval is conservative (no finite-population correction)
  const { p, centre, half } = wilsonInterval(detected, valid);
  const summary = {
    module,
    mode: direct ? 'direct (source rewriting, one vitest run per mutant)' : `stryker${includeStatic ? ' (static mutants included)' : ''}`,
    totalMutants: total,
    drawn: rows.length,
    seed,
    counts: Object.fromEntries([...new Set(rows.map((x) => x.status))].map((s) => [s, count([s])])),
    score: p,
    wilson95: [centre - half, centre + half],
    survivors: rows.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage').map((x) => `${x.fileName}:${x.location.start.line + 1}:${x.location.start.column + 1} ${x.mutatorName} -> ${x.replacement.slice(0, 60)}`),
    mutants: rows,
  };
  fs.mkdirSync('reports/mutation', { recursive: true });
  fs.writeFileSync(`reports/mutation/${module}-sample.json`, `${JSON.stringify(summary, null, 1)}\n`);
  console.log(
    `\nmutate: estimated score of src/${module}: ${(100 * p).toFixed(1)}% (${detected} of ${valid} drawn mutants detected; ${rows.length - valid} ignored/not found), Wilson 95% interval [${(100 * (centre - half)).toFixed(1)}%, ${(100 * (centre + half)).toFixed(1)}%]; ${total} mutants in the module`,
  );
}
