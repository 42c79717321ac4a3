import * as fs from 'node:fs';
import * as path from 'node:path';
import { TSX_EXEC_ARGV } from '../core/processes.ts';
import { Command, CommanderError, Option } from 'commander';
import { algorithms, allHypers } from '../algorithms/index.ts';
import type { Catalogue } from '../catalogue.ts';
import { UserInputError, fileSystemError } from '../core/errors.ts';
import { requireWritableDir } from '../core/files.ts';
import { noiseModels } from '../noise/index.ts';
import { problemFamilies } from '../problems/index.ts';
import { checkLemmas, verdictAsExpected } from '../lemmas/runner.ts';
import type { LemmaResult } from '../lemmas/types.ts';
import { lemmaRows, writeLemmaFiles } from '../report/lemmas-text.ts';
import { writeRateFiles } from '../report/rates-text.ts';
import { verifySummary } from '../report/summary.ts';
import { appendRunHeader, provenance, lockResultsDir, mergeResultDirs, readResults, repairResultsFile, runHeader, type RunHeader } from '../theorems/results/index.ts';
import { resultsFile } from '../theorems/runner.ts';
import { checkTheorems, parseShard, type CheckTheoremsResult } from '../theorems/check.ts';
import { loadSweepConfig } from '../theorems/config.ts';
import { ENGINE_CHOICES, requireEngineChoice } from '../theorems/engines.ts';
import { stabilityMarkdown, verdictStability } from '../theorems/stability.ts';
import { writeFileAtomic } from '../core/files.ts';
import type { ProfileName } from '../theorems/types.ts';
import { availableParallelism } from 'node:os';
import { idListFlag, integerFlag, replicasFlag, seedFlag } from './flags.ts';
import { preflightMerge, preflightRates } from './preflight.ts';
import { jobsOption, poolNote, progressLine } from './progress.ts';
import { loadCostModel, registerClusterCommands, shardTimeLine, writeShardReport } from './cluster.ts';
import { registerReportCommand, reportCommand } from './report.ts';

/** Most fast-check runs per lemma `--runs` accepts (10^7: hours for the slowest lemmas). */
export const MAX_LEMMA_RUNS = 10_000_000;

/** Exit codes: 0 all checks held, 1 a check failed, 2 usage or input error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const out = (s: string) => process.stdout.write(`${s}\n`);
/** A notice on stderr (kept out of --json output). */
const note = (s: string) => process.stderr.write(`signcheck: ${s}\n`);
/** The command line of this process, for lock files. */
const commandLine = () => ['signcheck', ...process.argv.slice(2)].join(' ');

interface RatesOptions {
  /** Print nothing (the caller prints). */
  quiet?: boolean;
  config?: string;
  profile: ProfileName;
  only?: string[];
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
  stability?: number;
  json?: boolean;
  /** Worker processes (default: every core). */
  jobs?: number;
  shardBy?: 'cost' | 'hash';
  costModel?: string;
  /** Also print what Dawn wrote while loading (its loader warnings). */
  verbose?: boolean;
}

/** Prints Dawn's loader messages of the adapter probe on stderr (for --verbose). */
async function printDawnMessages(): Promise<void> {
  const { dawnLoaderMessages } = await import('../gpu/device.ts');
  for (const m of await dawnLoaderMessages()) note(`dawn: ${m}`);
}

/**
 * `rates --stability K`: the selected theorems under K master seeds; writes
 * `<reports>/stability.{md,json}` and prints the outcome flip rates. Ok when every theorem is as
 * expected under every seed.
 */
export async function stabilityCommand(catalogue: Catalogue, o: RatesOptions, K: number): Promise<boolean> {
  for (const [flag, set] of [['--shard', o.shard !== undefined], ['--resume', o.resume], ['--analyze-only', o.analyzeOnly], ['--check', o.check], ['--update-baseline', o.updateBaseline]] as const) {
    if (set) throw new UserInputError('--stability', `cannot be combined with ${flag} (each seed runs its own fresh sweep)`);
  }
  const report = await verdictStability(
    { theorems: catalogue.theorems, profile: o.profile, ...(o.only ? { only: o.only } : {}), ...(o.config ? { config: o.config } : {}), engine: o.engine, out: o.out, ...(o.replicas ? { replicas: o.replicas } : {}), jobs: o.jobs ?? availableParallelism(), theoremsModule: catalogue.theoremsModule },
    K,
    (k) => !o.json && !o.quiet && out(`stability: seed offset ${k} of ${K}`),
  );
  writeFileAtomic(path.join(o.reports, 'stability.md'), stabilityMarkdown(report));
  writeFileAtomic(path.join(o.reports, 'stability.json'), `${JSON.stringify(report, null, 1)}\n`);
  const ok = report.theorems.every((t) => t.outcomes.every((x) => x === 'as expected'));
  if (o.json) out(JSON.stringify({ ok, stability: report }));
  else if (!o.quiet) {
    for (const t of report.theorems) out(`${t.theorem}: outcome flip rate ${t.flipRate.toFixed(2)} over ${K} seeds (${t.outcomes.join(', ')})`);
    const flips = report.series.filter((x) => x.flipRate > 0);
    out(`${flips.length} of ${report.series.length} series verdict(s) flip between seeds; table in ${path.join(o.reports, 'stability.md')}`);
  }
  return ok;
}

/** Runs (or reads) the sweeps, fits them, writes reports; returns whether every check held. */
export async function ratesCommand(catalogue: Catalogue, o: RatesOptions): Promise<CheckTheoremsResult> {
  const speak = !o.json && !o.quiet;
  if (o.resume && o.fresh) throw new UserInputError('--fresh', 'cannot be combined with --resume (one starts over, the other continues)');
  preflightRates({ out: o.out, reports: o.reports, baseline: o.baseline, analyzeOnly: o.analyzeOnly, check: o.check, updateBaseline: o.updateBaseline, shard: o.shard !== undefined });
  // everything that can be checked without computing, before the results directory is locked
  if (o.shard !== undefined) parseShard(o.shard);
  requireEngineChoice(o.engine);
  const config = o.config ? loadSweepConfig(o.config, catalogue.theorems.ids()) : null;
  if (config?.engine) requireEngineChoice(config.engine);
  const ids = o.only ?? config?.only ?? catalogue.theorems.ids();
  for (const id of ids) catalogue.theorems.get(id);
  const lock = o.analyzeOnly ? null : lockResultsDir(o.out, commandLine(), '--out', (stale, file) => note(`${o.out}: took over the stale lock of pid ${stale.pid} on ${stale.host} (started ${stale.started}; that process is gone): ${file}`));
  // the run header is written with the first finished cell, so a run refused before computing leaves the directory as it was
  const header = lock ? runHeader({ command: commandLine(), host: lock.info.host, profile: config?.profile ?? o.profile, engine: config?.engine ?? o.engine, replicas: o.replicas ?? null, shard: o.shard ?? null, config }) : null;
  try {
    // a second writer is told about the first (the lock) before anything else
    if (!o.analyzeOnly && !o.resume && !o.fresh) {
      const existing = ids.map((id) => resultsFile(o.out, id)).filter((f) => fs.existsSync(f));
      if (existing.length) throw new UserInputError('results file', 'already exists: pass --resume to continue it, or --fresh to start over', `${existing[0]}${existing.length > 1 ? ` and ${existing.length - 1} more` : ''}`);
    }
    return await ratesUnderLock(catalogue, o, speak, header);
  } finally {
    lock?.release();
    if (o.verbose) await printDawnMessages();
  }
}

async function ratesUnderLock(catalogue: Catalogue, o: RatesOptions, speak: boolean, header: RunHeader | null): Promise<CheckTheoremsResult> {
  let bar: ReturnType<typeof progressLine> | null = null;
  let pool = '';
  let headerWritten = false;
  const writeHeader = () => {
    if (header && !headerWritten) appendRunHeader(o.out, header);
    headerWritten = true;
  };
  const result = await checkTheorems({
    jobs: o.jobs ?? availableParallelism(),
    theoremsModule: catalogue.theoremsModule,
    onPool: (s) => (pool = poolNote(s)),
    ...(o.shardBy ? { shardBy: o.shardBy } : {}),
    ...(o.costModel ? { costModel: loadCostModel(o.costModel) } : {}),
    theorems: catalogue.theorems,
    profile: o.profile,
    ...(o.only ? { only: o.only } : {}),
    ...(o.config ? { config: o.config } : {}),
    engine: o.engine,
    out: o.out,
    ...(o.shard !== undefined ? { shard: parseShard(o.shard) } : {}),
    resume: Boolean(o.resume),
    fresh: Boolean(o.fresh),
    analyzeOnly: Boolean(o.analyzeOnly),
    ...(o.replicas ? { replicas: o.replicas } : {}),
    ...(o.updateBaseline ? { baseline: { file: o.baseline, mode: 'update' as const } } : o.check ? { baseline: { file: o.baseline, mode: 'check' as const } } : {}),
    events: {
      sweepStart: (th) => (bar = progressLine(th.id)),
      cell: (_th, done, total, cell) => {
        writeHeader();
        bar?.update(done, total, `T=${cell.recipe.T}${pool}`);
      },
      sweepEnd: (th, r) => {
        bar?.end();
        if (r) writeHeader(); // a sweep with no cells of its own (a shard) still records its run
        if (r?.recovered) note(`${th.id}: --resume dropped ${r.recovered.droppedBytes} bytes of an interrupted cell block (from line ${r.recovered.line}) of ${r.file}`);
        if (r && speak) out(`${th.id}: ${r.ran} cells run, ${r.skipped} resumed, ${r.total} in ${o.shard ? `shard ${o.shard}` : 'the sweep'} on ${r.engine} (${r.why}) -> ${r.file}`);
      },
      judged: (summaries) => {
        writeRateFiles(o.reports, summaries);
        if (!speak) return;
        for (const { th, summary, outcome } of summaries) {
          const fits = summary.series.flatMap((s) => s.fit?.variables.map((v) => `${v.variable}: slope ${v.slope.toFixed(3)} [${v.ci[0].toFixed(3)}, ${v.ci[1].toFixed(3)}] vs bound ${v.boundSlope.toFixed(3)}`) ?? []);
          out(`${th.id}: ${outcome.verdict}  ${fits.join('; ')}`);
          for (const note of outcome.notes) out(`  ${note}`);
        }
      },
    },
  });
  if (result.shardTime) {
    writeShardReport(o.out, result.shardTime);
    if (speak) out(shardTimeLine(result.shardTime));
  }
  const b = result.baseline;
  if (b?.mode === 'update') {
    if (!o.json) out(`baseline updated: ${b.file}`);
  } else if (b?.mode === 'check') {
    for (const t of b.theorems) {
      if (!t.comparison) {
        out(`${t.id}: no baseline entry (new theorem; run --update-baseline to record it)`);
        continue;
      }
      for (const r of t.comparison.regressions) out(`REGRESSION ${t.id} ${r.series}${r.variable ? ` ${r.variable}` : ''}: ${r.message}`);
      for (const c of t.comparison.changes) out(`change ${t.id} ${c.series}${c.variable ? ` ${c.variable}` : ''}: ${c.message}`);
    }
    if (speak) out(`baseline check against ${b.file}: ${result.summaries.length} theorem(s), ${b.regressions} regression(s), ${b.changes} other change(s)`);
  }
  if (o.json && !(o.shard !== undefined && !o.analyzeOnly)) out(JSON.stringify({ ok: result.ok, theorems: result.summaries.map(({ th, summary, outcome }) => ({ id: th.id, outcome, summary })) }));
  return result;
}

interface LemmasOptions {
  /** Print nothing (the caller prints). */
  quiet?: boolean;
  only?: string[];
  runs?: number;
  seed?: number;
  path?: string;
  reports: string;
  json?: boolean;
}

/** Checks the lemma catalogue (or `--only`), writes reports/lemmas.{md,json}; ok when every verdict is as declared. */
export function lemmasCommand(catalogue: Catalogue, o: LemmasOptions): { ok: boolean; results: LemmaResult[] } {
  if (o.path !== undefined && o.seed === undefined) throw new UserInputError('--path', 'needs --seed (a replay path belongs to one seed)');
  requireWritableDir('--reports', o.reports);
  const list = o.only ? o.only.map((id) => catalogue.lemmas.get(id)) : catalogue.lemmas.all();
  const bar = progressLine('lemmas');
  const results = checkLemmas(list, { ...(o.runs ? { runs: o.runs } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.path ? { path: o.path } : {}) }, (k, lemma) => bar.update(k, list.length, lemma.id));
  bar.update(list.length, list.length, '');
  bar.end();
  const argv = ['npx signcheck lemmas', ...(o.only ? ['--only', o.only.join(',')] : []), ...(o.runs ? ['--runs', String(o.runs)] : [])].join(' ');
  writeLemmaFiles(results, o.reports, { command: argv });
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

function listCommand(catalogue: Catalogue, kind: string, json: boolean): void {
  const rows: Record<string, unknown>[] = (() => {
    switch (kind) {
      case 'algorithms':
        return algorithms.all().map((a) => ({ id: a.id, name: a.name, summary: a.summary, updateRule: a.updateRule, source: a.source, distributed: a.distributed, hyper: allHypers(a) }));
      case 'problems':
        return problemFamilies.all().map((p) => ({ id: p.id, summary: p.summary, assumptions: p.assumptions }));
      case 'noise':
        return noiseModels.all().map((n) => ({ id: n.id, summary: n.summary }));
      case 'lemmas':
        return catalogue.lemmas.all().map((l) => ({ id: l.id, summary: l.summary, kind: l.kind, expect: l.expect, source: l.source, statement: l.statement, ...(l.variantOf ? { variantOf: l.variantOf } : {}) }));
      case 'theorems':
        return catalogue.theorems.all().map((t) => ({ id: t.id, summary: t.summary, kind: t.kind, source: t.source, bound: t.bound, variables: t.variables, metric: t.metric }));
      default:
        throw new UserInputError('list', 'takes one of: algorithms, problems, noise, lemmas, theorems', `got "${kind}"`);
    }
  })();
  if (json) out(JSON.stringify(rows, null, 1));
  else for (const r of rows) out(`${String(r.id).padEnd(34)} ${r.summary}`);
}

/** Builds the command-line program (exported for tests). */
export function program(catalogue: Catalogue): Command {
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
    .option('--only <ids>', 'comma-separated theorem ids', idListFlag('--only'))
    .option('--engine <name>', ENGINE_CHOICES.join(' | '), 'auto')
    .option('--out <dir>', 'results directory', 'reports/results')
    .option('--reports <dir>', 'report directory', 'reports')
    .option('--shard <i/N>', 'run only shard i of N (1-based); merge shards with `signcheck merge`')
    .option('--resume', 'continue existing results files, skipping finished cells')
    .option('--fresh', 'remove existing results files first')
    .option('--analyze-only', 'fit existing results without running')
    .option('--check', 'compare with the baseline; exit 1 on a regression')
    .option('--update-baseline', 'rewrite the baseline with these results')
    .option('--baseline <file>', 'baseline file', 'reports/baseline/rates.json')
    .option('--replicas <n>', 'override the replica count (2 to 10000)', replicasFlag)
    .option('--stability <K>', 'run and judge the theorems under K master seeds (seed offsets 0..K-1, each in <out>/seed-<k>) and report verdict flip rates; exit 1 unless every seed is as expected', integerFlag('--stability', 2, 100))
    .option('--json', 'machine-readable output')
    .option('--verbose', 'also print what Dawn (WebGPU) wrote while loading: its loader warnings')
    .addOption(jobsOption())
    .addOption(new Option('--shard-by <rule>', 'how --shard picks cells: by estimated cost, longest first (see `signcheck plan`), or by the cell key\'s hash').choices(['cost', 'hash']).default('cost'))
    .option('--cost-model <file>', 'cost model of --shard (from `signcheck plan --calibrate DIR --save FILE`)')
    .addHelpText('after', '\nExamples:\n  signcheck rates --profile quick --check\n  signcheck rates --config sweep.yaml --engine webgpu\n  signcheck rates --only signum-separable --profile full --resume\n  signcheck rates --shard 2/4 --out shard2   # then: signcheck merge shard1 shard2 ... --out merged')
    .action(async (o: RatesOptions) => {
      const ok = o.stability !== undefined ? await stabilityCommand(catalogue, o, o.stability) : (await ratesCommand(catalogue, o)).ok;
      process.exitCode = ok ? EXIT.ok : EXIT.failed;
    });
  cmd
    .command('lemmas')
    .description('check every lemma (fast-check properties, float64) and write reports/lemmas.{md,json}')
    .option('--only <ids>', 'comma-separated lemma ids', idListFlag('--only'))
    .option('--runs <n>', 'fast-check runs per lemma (default: each declaration\'s own, >= 200)', integerFlag('--runs', 1, MAX_LEMMA_RUNS))
    .option('--seed <s>', 'fast-check seed, a u32 (default: a fixed seed per lemma)', seedFlag)
    .option('--path <p>', 'replay path of a counterexample (with --seed)')
    .option('--reports <dir>', 'report directory', 'reports')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  signcheck lemmas\n  signcheck lemmas --only sign-mismatch --runs 100000\n  signcheck lemmas --only step-update-L0L1-needs-exp --seed 42 --path 3:1:0   # replay a counterexample')
    .action((o: LemmasOptions) => {
      const { ok } = lemmasCommand(catalogue, o);
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
      const r = spawnSync(process.execPath, [...TSX_EXEC_ARGV, script, ...(o.quick ? ['--quick'] : [])], { stdio: 'inherit' });
      process.exitCode = r.status === 0 ? EXIT.ok : EXIT.failed;
    });
  cmd
    .command('doctor')
    .description('what this machine offers: WebGPU adapters, limits, and which engine auto uses')
    .option('--json', 'JSON output')
    .action(async (o: { json?: boolean }) => {
      const gpu = await import('../gpu/index.ts');
      const choice = await gpu.autoEngineChoice();
      const messages = await gpu.dawnLoaderMessages();
      const g = await gpu.requestGpu();
      const report = {
        node: process.version,
        cores: (await import('node:os')).availableParallelism(),
        webgpu: g.ok ? { adapter: g.gpu.info, limits: g.gpu.limits, memoryBytes: gpu.deviceMemoryBytes(g.gpu.info) ?? null } : { adapter: null, reason: g.reason },
        auto: choice,
        dawn: { version: provenance().dawn, loaderMessages: messages },
      };
      if (o.json) out(JSON.stringify(report, null, 1));
      else {
        out(`node ${report.node}, ${report.cores} cores`);
        out(g.ok ? `WebGPU adapter: ${g.gpu.info.name}` : `WebGPU adapter: none (${g.reason})`);
        if (g.ok) out(`  maxStorageBufferBindingSize ${g.gpu.limits.maxStorageBufferBindingSize}, maxBufferSize ${g.gpu.limits.maxBufferSize}`);
        out(`auto engine: ${choice.engine} (${choice.reason})`);
        out(`Dawn (webgpu ${report.dawn.version ?? 'not installed'}) loader messages${messages.length ? ':' : ': none'}`);
        for (const m of messages) out(`  ${m}`);
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
      preflightMerge(dirs, o.out);
      const lock = lockResultsDir(o.out, commandLine(), '--out', (stale, file) => note(`${o.out}: took over the stale lock of pid ${stale.pid} on ${stale.host} (started ${stale.started}; that process is gone): ${file}`));
      let merged: ReturnType<typeof mergeResultDirs>;
      try {
        merged = mergeResultDirs(dirs, o.out);
      } finally {
        lock.release();
      }
      if (o.json) out(JSON.stringify({ merged }));
      else for (const m of merged) out(`${m.name}: ${m.shards} shard file(s), ${m.rows} rows -> ${m.file}`);
    });
  cmd
    .command('repair')
    .description('repair results files two writers appended to: drop cell blocks that repeat an earlier block with the same rows (timing aside) and an interrupted last block')
    .argument('<paths...>', 'results files (*.jsonl) or results directories')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nA repeated block with different rows is an error: the file is left as it is.\n\nExample:\n  signcheck repair reports/results')
    .action((paths: string[], o: { json?: boolean }) => {
      const reports = repairPaths(paths);
      if (o.json) out(JSON.stringify({ repaired: reports }));
      else for (const r of reports) out(`${r.file}: ${r.rewritten ? `removed ${r.duplicates.length} repeated block(s)${r.tornTail ? ` and ${r.tornTail.droppedBytes} bytes of an interrupted block` : ''}` : 'clean, unchanged'}`);
    });
  cmd
    .command('list')
    .description('list a registry: algorithms | problems | noise | lemmas | theorems')
    .argument('<kind>')
    .option('--json', 'JSON output')
    .action((kind: string, o: { json?: boolean }) => listCommand(catalogue, kind, Boolean(o.json)));
  cmd
    .command('verify')
    .description('the main job: check the lemmas and rate theorems, write reports/summary.md')
    .addOption(profile())
    .option('--reports <dir>', 'report directory', 'reports')
    .option('--json', 'machine-readable output: one JSON object with every verdict')
    .addOption(jobsOption())
    .option('--verbose', 'also print what Dawn (WebGPU) wrote while loading: its loader warnings')
    .action(async (o: { profile: ProfileName; reports: string; json?: boolean; verbose?: boolean; jobs?: number }) => {
      preflightRates({ out: path.join(o.reports, 'results'), reports: o.reports, baseline: path.join(o.reports, 'baseline', 'rates.json') });
      const lem = lemmasCommand(catalogue, { reports: o.reports, json: false, quiet: o.json });
      const rates = await ratesCommand(catalogue, { profile: o.profile, engine: 'auto', out: path.join(o.reports, 'results'), reports: o.reports, fresh: true, baseline: path.join(o.reports, 'baseline', 'rates.json'), json: false, quiet: o.json, verbose: o.verbose, ...(o.jobs ? { jobs: o.jobs } : {}) });
      const summaryFile = verifySummary(o.reports, o.profile, lem.results, rates.summaries);
      if (!o.json) out(`wrote ${summaryFile}`);
      const reportCode = await reportCommand(catalogue, { reports: o.reports, quiet: true });
      const ok = rates.ok && lem.ok && reportCode !== EXIT.usage;
      if (o.json) {
        out(
          JSON.stringify({
            ok,
            lemmas: lem.results.map((r) => ({ id: r.id, expect: r.expect, runs: r.runs, smallestRelativeMargin: Number.isFinite(r.smallestRelativeMargin) ? r.smallestRelativeMargin : null, verdict: r.verdict })),
            theorems: rates.summaries.map(({ th, outcome }) => ({ id: th.id, kind: th.kind, outcome })),
            reports: { summary: summaryFile, index: path.join(o.reports, 'index.html') },
          }),
        );
      } else out(`wrote ${path.join(o.reports, 'index.html')} and ${path.join(o.reports, 'index.md')}`);
      process.exitCode = ok ? EXIT.ok : EXIT.failed;
    });
  registerReportCommand(cmd, catalogue);
  registerClusterCommands(cmd, catalogue);
  return cmd;
}

/** Runs the CLI on argv over a catalogue; maps user errors to exit code 2 with a one-line message. */
export async function main(argv: string[], catalogue: Catalogue): Promise<number> {
  process.exitCode = undefined;
  try {
    await program(catalogue).parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    const user = err instanceof UserInputError ? err : fileSystemError(err);
    if (user) {
      process.stderr.write(`signcheck: ${oneLine(user.message)}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

/** Repairs the results files named, or those in the directories named, each directory under its lock. */
function repairPaths(paths: readonly string[]): ReturnType<typeof repairResultsFile>[] {
  const groups = new Map<string, string[]>();
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new UserInputError('repair', 'paths must be results files or directories that exist', p);
    }
    const files = st.isDirectory() ? fs.readdirSync(p).filter((f) => f.endsWith('.jsonl')).sort().map((f) => path.join(p, f)) : [p];
    if (st.isDirectory() && files.length === 0) throw new UserInputError('repair', 'directories must hold results files (*.jsonl)', p);
    if (!st.isDirectory() && !p.endsWith('.jsonl')) throw new UserInputError('repair', 'files must be results files (*.jsonl)', p);
    for (const f of files) {
      const d = path.dirname(f);
      groups.set(d, [...(groups.get(d) ?? []), f]);
    }
  }
  // check every file first: a conflicting repeat anywhere leaves every file as it was
  for (const files of groups.values()) for (const f of files) readResults(f, { allowTornTail: true, allowIdenticalDuplicates: true });
  const reports: ReturnType<typeof repairResultsFile>[] = [];
  for (const [d, files] of groups) {
    const lock = lockResultsDir(d, commandLine(), 'repair');
    try {
      for (const f of files) reports.push(repairResultsFile(f));
    } finally {
      lock.release();
    }
  }
  return reports;
}

/** A message on one line: line breaks become spaces (messages of the file parsers can hold some). */
function oneLine(s: string): string {
  return s.replace(/\s*[\r\n]+\s*/g, ' ');
}
