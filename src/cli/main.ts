import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { theorems } from '../../experiments/theorems/index.ts';
import { algorithms, allHypers } from '../algorithms/index.ts';
import { UserInputError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/files.ts';
import { noiseModels } from '../noise/index.ts';
import { problemFamilies } from '../problems/index.ts';
import { compareToBaseline, type RateSummary } from '../rates/analyze.ts';
import { merge, readResults, writeResultsFile } from '../rates/results.ts';
import { analyzeTheorem } from '../theorems/analyze.ts';
import { ratesLatex, ratesReport, theoremOutcome } from '../theorems/report.ts';
import { cpuRun, resultsFile, runSweep, type EngineName, type EngineRun } from '../theorems/runner.ts';
import { specFromRecipe } from '../engine/recipe.ts';
import type { ProfileName, RateTheorem } from '../theorems/types.ts';
import { progressLine } from './progress.ts';
import { registerReportCommand, reportCommand } from './report.ts';
import { lemmas } from '../../lemmas/index.ts';
import { checkLemma, verdictAsExpected } from '../lemmas/runner.ts';
import { lemmaRows, writeLemmaReports } from '../lemmas/report.ts';
import type { LemmaResult } from '../lemmas/types.ts';
import { applyOverride, loadSweepConfig } from '../config/sweep-config.ts';

/** Exit codes: 0 all checks held, 1 a check failed, 2 usage or input error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const out = (s: string) => process.stdout.write(`${s}\n`);

function parseShard(v: string | undefined): { index: number; count: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || i < 1 || i > n) throw new UserInputError('--shard', 'must be i/N with 1 <= i <= N (e.g. 2/4)', `got "${v}"`);
  return { index: i - 1, count: n };
}

function selectTheorems(only: string | undefined): RateTheorem[] {
  if (!only) return theorems.all();
  return only.split(',').map((id) => theorems.get(id.trim()));
}

/**
 * The engine a theorem's cells run on. `cpu` and `webgpu` are explicit; `auto` takes webgpu when a
 * hardware GPU adapter is present and every cell of the theorem is supported there (algorithm,
 * problem, noise), else the CPU engine — decided per theorem, so one results file holds one engine.
 */
async function engineFor(name: string, th: RateTheorem, profile: ProfileName): Promise<{ engine: EngineName; run: EngineRun; why: string }> {
  if (name !== 'cpu' && name !== 'auto' && name !== 'webgpu') throw new UserInputError('--engine', 'must be one of auto, cpu, webgpu', `got "${name}"`);
  if (name === 'cpu') return { engine: 'cpu', run: cpuRun, why: 'requested' };
  const gpu = await import('../gpu/index.ts');
  const unsupported = th
    .cells(profile)
    .map((c) => {
      const spec = specFromRecipe(c.recipe);
      const sup = gpu.gpuSupport(spec.algorithm, gpu.problemShapeOf(spec.problem));
      const noiseOk = !spec.noise || (gpu.WGSL_NOISE_IDS as readonly string[]).includes(spec.noise.model.id);
      return [...sup.reasons, ...(noiseOk ? [] : [`noise ${spec.noise!.model.id} has no WGSL transform yet`])];
    })
    .flat();
  if (name === 'webgpu') {
    if (unsupported.length) throw new UserInputError('--engine webgpu', `cannot run ${th.id}: ${[...new Set(unsupported)].join('; ')}`);
    const g = await gpu.requestGpu();
    if (!g.ok) throw new UserInputError('--engine webgpu', 'needs a WebGPU adapter', g.reason);
    return { engine: 'webgpu', run: (spec) => gpu.runWebGpu(spec), why: g.gpu.info.name };
  }
  const choice = await gpu.autoEngineChoice();
  if (choice.engine === 'cpu') return { engine: 'cpu', run: cpuRun, why: choice.reason };
  if (unsupported.length) return { engine: 'cpu', run: cpuRun, why: `webgpu cannot run every cell: ${[...new Set(unsupported)][0]}` };
  return { engine: 'webgpu', run: (spec) => gpu.runWebGpu(spec), why: choice.reason };
}

interface RatesOptions {
  /** Print nothing (the caller prints). */
  quiet?: boolean;
  config?: string;
  profile: ProfileName;
  only?: string;
  engine: string;
  out: string;
  reports: string;
  shard?: string;
  resume?: boolean;
  fresh?: boolean;
  analyzeOnly?: boolean;
  check?: boolean;
  updateBaseline?: boolean;
  baseline: string;
  replicas?: number;
  json?: boolean;
}

/** Runs (or reads) the sweeps, fits them, writes reports; returns whether every check held. */
export async function ratesCommand(o: RatesOptions): Promise<{ ok: boolean; summaries: { th: RateTheorem; summary: RateSummary; file: string; profile: string }[] }> {
  const config = o.config ? loadSweepConfig(o.config, theorems.ids()) : null;
  if (config?.profile) o = { ...o, profile: config.profile };
  if (config?.engine) o = { ...o, engine: config.engine };
  const list = selectTheorems(o.only ?? config?.only?.join(','));
  const shard = parseShard(o.shard);
  if (!['auto', 'cpu', 'webgpu'].includes(o.engine)) throw new UserInputError('--engine', 'must be one of auto, cpu, webgpu', `got "${o.engine}"`);
  if (!o.analyzeOnly) {
    for (const th of list) {
      const { engine, run, why } = await engineFor(o.engine, th, o.profile);
      const file = resultsFile(o.out, th.id);
      if (o.fresh && fs.existsSync(file)) fs.rmSync(file);
      const bar = progressLine(th.id);
      let r: Awaited<ReturnType<typeof runSweep>>;
      try {
        r = await runSweep(th, {
        profile: o.profile,
        outDir: o.out,
        engine,
        run,
        shard,
        resume: Boolean(o.resume),
        replicas: o.replicas ?? null,
        transform: (cells) => applyOverride(th.id, cells, config?.theorems?.[th.id]),
        onCell: (done, total, cell) => bar.update(done, total, `T=${cell.recipe.T}`),
        });
      } catch (err) {
        bar.end();
        if (err instanceof UserInputError || engine !== 'webgpu') throw err;
        // a device fault (lost device, out of memory): finished cells are already on disk
        const what = await (await import('../gpu/index.ts')).describeGpuFailure(err);
        throw new UserInputError(
          'webgpu',
          `the GPU failed during ${th.id} (${what}); every finished cell is kept in ${resultsFile(o.out, th.id)}`,
          'rerun with --resume to continue on the GPU, or with --resume --engine cpu to run the remaining cells on the CPU (a separate series: the engine is part of each cell)',
        );
      }
      bar.end();
      if (!o.json && !o.quiet) out(`${th.id}: ${r.ran} cells run, ${r.skipped} resumed, ${r.total} in ${shard ? `shard ${o.shard}` : 'the sweep'} on ${engine} (${why}) -> ${r.file}`);
    }
    if (shard) return { ok: true, summaries: [] };
  }
  const summaries = list.map((th) => {
    const file = resultsFile(o.out, th.id);
    if (!fs.existsSync(file)) throw new UserInputError('results', `no results file for ${th.id}: run the sweep first`, file);
    const rows = readResults(file).rows;
    return { th, summary: analyzeTheorem(th, rows), file, profile: o.profile };
  });
  writeFileAtomic(path.join(o.reports, 'rates.md'), ratesReport(summaries));
  writeFileAtomic(path.join(o.reports, 'rates.tex'), ratesLatex(summaries));
  writeFileAtomic(path.join(o.reports, 'rates.json'), `${JSON.stringify(Object.fromEntries(summaries.map((s) => [s.th.id, s.summary])), null, 1)}\n`);
  let ok = true;
  for (const { th, summary } of summaries) {
    const outcome = theoremOutcome(th, summary);
    ok &&= outcome.ok;
    if (!o.json && !o.quiet) {
      const fits = summary.series.flatMap((s) => s.fit?.variables.map((v) => `${v.variable}: slope ${v.slope.toFixed(3)} [${v.ci[0].toFixed(3)}, ${v.ci[1].toFixed(3)}] vs bound ${v.boundSlope.toFixed(3)}`) ?? []);
      out(`${th.id}: ${outcome.verdict}  ${fits.join('; ')}`);
    }
  }
  if (o.updateBaseline) {
    const file = o.baseline;
    const prev = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, RateSummary>) : {};
    for (const { th, summary } of summaries) prev[th.id] = summary;
    writeFileAtomic(file, `${JSON.stringify(prev, null, 1)}\n`);
    if (!o.json) out(`baseline updated: ${file}`);
  } else if (o.check) {
    if (!fs.existsSync(o.baseline)) throw new UserInputError('--check', 'needs a baseline file (create it with --update-baseline)', o.baseline);
    const base = JSON.parse(fs.readFileSync(o.baseline, 'utf8')) as Record<string, RateSummary>;
    let regressions = 0;
    let changes = 0;
    for (const { th, summary } of summaries) {
      const b = base[th.id];
      if (!b) {
        out(`${th.id}: no baseline entry (new theorem; run --update-baseline to record it)`);
        continue;
      }
      const cmp = compareToBaseline(summary, b, th.tol);
      for (const r of cmp.regressions) out(`REGRESSION ${th.id} ${r.series}${r.variable ? ` ${r.variable}` : ''}: ${r.message}`);
      for (const c of cmp.changes) out(`change ${th.id} ${c.series}${c.variable ? ` ${c.variable}` : ''}: ${c.message}`);
      if (cmp.regressions.length) ok = false;
      regressions += cmp.regressions.length;
      changes += cmp.changes.length;
    }
    if (!o.json && !o.quiet) out(`baseline check against ${o.baseline}: ${summaries.length} theorem(s), ${regressions} regression(s), ${changes} other change(s)`);
  }
  if (o.json) out(JSON.stringify({ ok, theorems: summaries.map(({ th, summary }) => ({ id: th.id, outcome: theoremOutcome(th, summary), summary })) }));
  return { ok, summaries };
}

interface LemmasOptions {
  /** Print nothing (the caller prints). */
  quiet?: boolean;
  only?: string;
  runs?: number;
  seed?: number;
  path?: string;
  reports: string;
  json?: boolean;
}

/** Checks the lemma catalogue (or `--only`), writes reports/lemmas.{md,tex,json}; ok when every verdict is as declared. */
export function lemmasCommand(o: LemmasOptions): { ok: boolean; results: LemmaResult[] } {
  if (o.path !== undefined && o.seed === undefined) throw new UserInputError('--path', 'needs --seed (a replay path belongs to one seed)');
  const list = o.only ? o.only.split(',').map((id) => lemmas.get(id.trim())) : lemmas.all();
  const bar = progressLine('lemmas');
  const results: LemmaResult[] = [];
  for (const [k, lemma] of list.entries()) {
    bar.update(k, list.length, lemma.id);
    results.push(checkLemma(lemma, { ...(o.runs ? { runs: o.runs } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.path ? { path: o.path } : {}) }));
  }
  bar.update(list.length, list.length, '');
  bar.end();
  const argv = ['npx signcheck lemmas', ...(o.only ? ['--only', o.only] : []), ...(o.runs ? ['--runs', String(o.runs)] : [])].join(' ');
  writeLemmaReports(results, o.reports, { command: argv });
  writeFileAtomic(path.join(o.reports, 'lemmas.json'), `${JSON.stringify(lemmaRows(results), null, 1)}\n`);
  const ok = results.every((r) => verdictAsExpected(r.verdict));
  if (o.quiet) {
    // the caller reports
  } else if (o.json) out(JSON.stringify({ ok, lemmas: lemmaRows(results) }));
  else {
    for (const r of results) {
      const margin = Number.isFinite(r.smallestRelativeMargin) ? r.smallestRelativeMargin.toExponential(2) : '-';
      out(`${r.id.padEnd(44)} ${r.verdict.padEnd(20)} runs ${String(r.runs).padStart(6)}  smallest margin ${margin}  ${(r.timeMs / 1000).toFixed(1)} s${r.replayCommand && r.verdict !== 'holds' ? `  replay: ${r.replayCommand}` : ''}`);
    }
  }
  return { ok, results };
}

const positiveInt = (flag: string, min = 1) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UserInputError(flag, `must be an integer >= ${min}`, `got "${v}"`);
  return n;
};

function listCommand(kind: string, json: boolean): void {
  const rows: Record<string, unknown>[] = (() => {
    switch (kind) {
      case 'algorithms':
        return algorithms.all().map((a) => ({ id: a.id, name: a.name, summary: a.summary, updateRule: a.updateRule, source: a.source, distributed: a.distributed, hyper: allHypers(a) }));
      case 'problems':
        return problemFamilies.all().map((p) => ({ id: p.id, summary: p.summary, assumptions: p.assumptions }));
      case 'noise':
        return noiseModels.all().map((n) => ({ id: n.id, summary: n.summary }));
      case 'lemmas':
        return lemmas.all().map((l) => ({ id: l.id, summary: l.summary, kind: l.kind, expect: l.expect, source: l.source, statement: l.statement, ...(l.variantOf ? { variantOf: l.variantOf } : {}) }));
      case 'theorems':
        return theorems.all().map((t) => ({ id: t.id, summary: t.summary, kind: t.kind, source: t.source, bound: t.bound, variables: t.variables, metric: t.metric }));
      default:
        throw new UserInputError('list', 'takes one of: algorithms, problems, noise, lemmas, theorems', `got "${kind}"`);
    }
  })();
  if (json) out(JSON.stringify(rows, null, 1));
  else for (const r of rows) out(`${String(r.id).padEnd(34)} ${r.summary}`);
}

/** Builds the command-line program (exported for tests). */
export function program(): Command {
  const cmd = new Command('signcheck')
    .description('Executable theory of sign-based stochastic optimization: lemmas, rate theorems, reports.')
    .showHelpAfterError()
    .exitOverride();
  const profile = () => new Option('--profile <name>', 'sweep profile').choices(['quick', 'full']).default('quick');
  cmd
    .command('rates')
    .description('run the rate-theorem sweeps, fit exponents with bootstrap CIs, judge them against the bounds')
    .addOption(profile())
    .option('--config <file>', 'sweep configuration (JSON or YAML): profile, engine, only, per-theorem replicas/seed/T/d/n/hyper/sigma')
    .option('--only <ids>', 'comma-separated theorem ids')
    .option('--engine <name>', 'auto | cpu | webgpu', 'auto')
    .option('--out <dir>', 'results directory', 'reports/results')
    .option('--reports <dir>', 'report directory', 'reports')
    .option('--shard <i/N>', 'run only shard i of N (1-based); merge shards with `signcheck merge`')
    .option('--resume', 'continue existing results files, skipping finished cells')
    .option('--fresh', 'remove existing results files first')
    .option('--analyze-only', 'fit existing results without running')
    .option('--check', 'compare with the baseline; exit 1 on a regression')
    .option('--update-baseline', 'rewrite the baseline with these results')
    .option('--baseline <file>', 'baseline file', 'reports/baseline/rates.json')
    .option('--replicas <n>', 'override the replica count', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 2) throw new UserInputError('--replicas', 'must be an integer >= 2', `got "${v}"`);
      return n;
    })
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  signcheck rates --profile quick --check\n  signcheck rates --config sweep.yaml --engine webgpu\n  signcheck rates --only signum-separable --profile full --resume\n  signcheck rates --shard 2/4 --out shard2   # then: signcheck merge shard1 shard2 ... --out merged')
    .action(async (o: RatesOptions) => {
      const { ok } = await ratesCommand(o);
      process.exitCode = ok ? EXIT.ok : EXIT.failed;
    });
  cmd
    .command('lemmas')
    .description('check every lemma (fast-check properties, float64) and write reports/lemmas.{md,tex,json}')
    .option('--only <ids>', 'comma-separated lemma ids')
    .option('--runs <n>', 'fast-check runs per lemma (default: each declaration\'s own, >= 200)', positiveInt('--runs'))
    .option('--seed <s>', 'fast-check seed (default: a fixed seed per lemma)', positiveInt('--seed', 0))
    .option('--path <p>', 'replay path of a counterexample (with --seed)')
    .option('--reports <dir>', 'report directory', 'reports')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  signcheck lemmas\n  signcheck lemmas --only sign-mismatch --runs 100000\n  signcheck lemmas --only step-update-L0L1-needs-exp --seed 42 --path 3:1:0   # replay a counterexample')
    .action((o: LemmasOptions) => {
      const { ok } = lemmasCommand(o);
      process.exitCode = ok ? EXIT.ok : EXIT.failed;
    });
  cmd
    .command('bench')
    .description('print a benchmark table: cpu (Signum step beside a numpy peer) or gpu (copy bandwidth and every GPU-supported algorithm)')
    .argument('<kind>', 'cpu | gpu')
    .option('--quick', 'small shapes (gpu: for lavapipe)')
    .addHelpText('after', '\nExamples:\n  signcheck bench cpu\n  signcheck bench gpu --quick')
    .action(async (kind: string, o: { quick?: boolean }) => {
      if (kind !== 'cpu' && kind !== 'gpu') throw new UserInputError('bench', 'takes cpu or gpu', `got "${kind}"`);
      const { spawnSync } = await import('node:child_process');
      const { fileURLToPath } = await import('node:url');
      const script = fileURLToPath(new URL(`../../bench/${kind}.ts`, import.meta.url));
      const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...(o.quick ? ['--quick'] : [])], { stdio: 'inherit' });
      process.exitCode = r.status === 0 ? EXIT.ok : EXIT.failed;
    });
  cmd
    .command('doctor')
    .description('what this machine offers: WebGPU adapters, limits, and which engine auto uses')
    .option('--json', 'JSON output')
    .action(async (o: { json?: boolean }) => {
      const gpu = await import('../gpu/index.ts');
      const g = await gpu.requestGpu();
      const choice = await gpu.autoEngineChoice();
      const report = {
        node: process.version,
        cores: (await import('node:os')).availableParallelism(),
        webgpu: g.ok ? { adapter: g.gpu.info, limits: g.gpu.limits, memoryBytes: gpu.deviceMemoryBytes(g.gpu.info) ?? null } : { adapter: null, reason: g.reason },
        auto: choice,
      };
      if (o.json) out(JSON.stringify(report, null, 1));
      else {
        out(`node ${report.node}, ${report.cores} cores`);
        out(g.ok ? `WebGPU adapter: ${g.gpu.info.name}` : `WebGPU adapter: none (${g.reason})`);
        if (g.ok) out(`  maxStorageBufferBindingSize ${g.gpu.limits.maxStorageBufferBindingSize}, maxBufferSize ${g.gpu.limits.maxBufferSize}`);
        out(`auto engine: ${choice.engine} (${choice.reason})`);
      }
      gpu.releaseGpu();
    });
  cmd
    .command('merge')
    .description('combine the results of sharded runs (same file names in each directory)')
    .argument('<dirs...>', 'shard result directories')
    .requiredOption('--out <dir>', 'directory for the merged results')
    .option('--json', 'machine-readable output')
    .action((dirs: string[], o: { out: string; json?: boolean }) => {
      const merged: { file: string; shards: number; rows: number }[] = [];
      const names = new Set<string>();
      for (const d of dirs) {
        if (!fs.existsSync(d)) throw new UserInputError('merge', 'directories must exist', d);
        for (const f of fs.readdirSync(d)) if (f.endsWith('.jsonl')) names.add(f);
      }
      for (const name of [...names].sort()) {
        const files = dirs.map((d) => path.join(d, name)).filter((f) => fs.existsSync(f));
        const rows = merge(files);
        const target = path.join(o.out, name);
        fs.mkdirSync(o.out, { recursive: true });
        writeResultsFile(target, rows);
        merged.push({ file: target, shards: files.length, rows: rows.length });
        if (!o.json) out(`${name}: ${files.length} shard file(s), ${rows.length} rows -> ${target}`);
      }
      if (o.json) out(JSON.stringify({ merged }));
    });
  cmd
    .command('list')
    .description('list a registry: algorithms | problems | noise | lemmas | theorems')
    .argument('<kind>')
    .option('--json', 'JSON output')
    .action((kind: string, o: { json?: boolean }) => listCommand(kind, Boolean(o.json)));
  cmd
    .command('verify')
    .description('the main job: check the lemmas and rate theorems, write reports/summary.md')
    .addOption(profile())
    .option('--reports <dir>', 'report directory', 'reports')
    .option('--json', 'machine-readable output: one JSON object with every verdict')
    .action(async (o: { profile: ProfileName; reports: string; json?: boolean }) => {
      const lem = lemmasCommand({ reports: o.reports, json: false, quiet: o.json });
      const rates = await ratesCommand({ profile: o.profile, engine: 'auto', out: path.join(o.reports, 'results'), reports: o.reports, fresh: true, baseline: path.join(o.reports, 'baseline', 'rates.json'), json: false, quiet: o.json });
      const lines = [
        '# signcheck summary',
        '',
        `Profile ${o.profile}, engine cpu. Lemmas: fast-check over the declared domains in float64; the margin is (rhs - lhs)/scale, and a negative margin smaller than the lemma's derived rounding tolerance still holds (tolerances, counterexamples and replay commands in lemmas.md). Rate fits: OLS of log(replica mean) on log(variable), 95% bootstrap CI over replicas (details in rates.md).`,
        '',
        '## Lemmas',
        '',
        '| lemma | expected | runs | smallest relative margin | verdict |',
        '|---|---|---|---|---|',
        ...lem.results.map((r) => `| ${r.id} | ${r.expect} | ${r.runs} | ${Number.isFinite(r.smallestRelativeMargin) ? r.smallestRelativeMargin.toExponential(2) : '-'} | ${r.verdict} |`),
        '',
        '## Rate theorems',
        '',
        '| theorem | kind | variable | empirical slope | 95% CI | bound slope | verdict | replicas |',
        '|---|---|---|---|---|---|---|---|',
      ];
      for (const { th, summary } of rates.summaries) {
        const outcome = theoremOutcome(th, summary).verdict;
        for (const s of summary.series) {
          const fits = s.fit?.variables ?? [];
          if (fits.length === 0) lines.push(`| ${th.id} | ${th.kind} | - | - | - | - | ${outcome} | ${s.replicas} |`);
          for (const v of fits) {
            lines.push(`| ${th.id} | ${th.kind} | ${v.variable} | ${v.slope.toFixed(3)} | [${v.ci[0].toFixed(3)}, ${v.ci[1].toFixed(3)}] | ${v.boundSlope.toFixed(3)} | ${th.kind === 'negative' ? outcome : v.verdict} | ${s.replicas} |`);
          }
        }
      }
      writeFileAtomic(path.join(o.reports, 'summary.md'), `${lines.join('\n')}\n`);
      if (!o.json) out(`wrote ${path.join(o.reports, 'summary.md')}`);
      const reportCode = await reportCommand({ reports: o.reports, quiet: true });
      const ok = rates.ok && lem.ok && reportCode !== EXIT.usage;
      if (o.json) {
        out(
          JSON.stringify({
            ok,
            lemmas: lem.results.map((r) => ({ id: r.id, expect: r.expect, runs: r.runs, smallestRelativeMargin: Number.isFinite(r.smallestRelativeMargin) ? r.smallestRelativeMargin : null, verdict: r.verdict })),
            theorems: rates.summaries.map(({ th, summary }) => ({ id: th.id, kind: th.kind, outcome: theoremOutcome(th, summary) })),
            reports: { summary: path.join(o.reports, 'summary.md'), index: path.join(o.reports, 'index.html') },
          }),
        );
      } else out(`wrote ${path.join(o.reports, 'index.html')} and ${path.join(o.reports, 'index.md')}`);
      process.exitCode = ok ? EXIT.ok : EXIT.failed;
    });
  registerReportCommand(cmd);
  return cmd;
}

/** Runs the CLI on argv; maps user errors to exit code 2 with a one-line message. */
export async function main(argv: string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await program().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof UserInputError) {
      process.stderr.write(`signcheck: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

const isEntry = process.argv[1] && /signcheck(\.mjs)?$|cli[\\/]main\.ts$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
