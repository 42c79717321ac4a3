/**
 * The `report` and `experiments` commands of the signcheck CLI.
 *
 *   signcheck experiments [--profile tiny|quick|full] [--only ids] [--out dir] [--processes n]
 *     runs seed experiments (THEORY.md, last table) into <out>/<id>.json
 *     (default reports/results/experiments);
 *   signcheck report [--reports dir] [--results dir] [--out dir]
 *     builds reports/ (index.html, index.md, pages/, figures/, tex/) from the results on disk.
 *
 * Wire them into a commander program with {@link registerReportCommand}.
 */
import * as path from 'node:path';
import { Command, Option } from 'commander';
import type { Catalogue } from '../catalogue.ts';
import { UserInputError } from '../core/errors.ts';
import { experimentResultsFile, runExperiment } from '../experiments/runner.ts';
import { EXPERIMENT_PROFILES, type ExperimentProfile } from '../experiments/types.ts';
import { buildReport } from '../report/build.ts';
import { requireExistingDir, requireWritableDir } from '../core/files.ts';
import { idListFlag, integerFlag } from './flags.ts';
import { preflightReport } from './preflight.ts';
import { progressLine } from './progress.ts';

const say = (s: string) => process.stdout.write(`${s}\n`);

/** Options of {@link reportCommand}. */
export interface ReportOptions {
  /** Directory with rates.json / lemmas.json; default output directory (default "reports"). */
  readonly reports?: string;
  /** Results directory (default <reports>/results). */
  readonly results?: string;
  /** Output directory (default <reports>). */
  readonly out?: string;
  /** Print nothing but errors. */
  readonly quiet?: boolean;
  /** Print one JSON object (files written, items with verdicts) instead of the text summary. */
  readonly json?: boolean;
}

/**
 * Builds the report from the results on disk. Returns the exit code: 0 when the report was
 * written (whatever the verdicts say: the report shows them); user errors (a corrupt results
 * file, a bad directory) throw UserInputError, which the CLI maps to exit code 2.
 */
export async function reportCommand(catalogue: Catalogue, opts: ReportOptions = {}): Promise<number> {
  const reportsDir = opts.reports ?? 'reports';
  if (opts.results !== undefined) requireExistingDir('--results', opts.results);
  preflightReport({ reports: reportsDir, results: opts.results ?? path.join(reportsDir, 'results'), out: opts.out ?? reportsDir });
  const r = await buildReport({ catalogue, reportsDir, resultsDir: opts.results ?? path.join(reportsDir, 'results'), outDir: opts.out ?? reportsDir });
  if (opts.json) {
    const out = opts.out ?? reportsDir;
    say(
      JSON.stringify({
        index: path.join(out, 'index.html'),
        files: r.files,
        removed: r.removed,
        figures: r.figures,
        items: r.pages.map((p) => ({ id: p.id, kind: p.kind, verdict: p.verdict, ok: p.ok })),
      }),
    );
  } else if (!opts.quiet) {
    const out = opts.out ?? reportsDir;
    say(`report: ${r.pages.length} items, ${r.figures} figures, ${r.files.length} files -> ${path.join(out, 'index.html')}${r.removed.length ? ` (removed ${r.removed.length} stale files)` : ''}`);
    for (const kind of ['lemma', 'rate', 'negative', 'experiment'] as const) {
      const ps = r.pages.filter((p) => p.kind === kind);
      if (ps.length === 0) continue;
      const attention = ps.filter((p) => p.ok === false);
      say(`  ${kind.padEnd(10)} ${ps.length} item(s)${attention.length ? `; worth a look: ${attention.map((p) => `${p.id} (${p.verdict})`).join(', ')}` : ''}`);
    }
  }
  return 0;
}

/** Options of {@link experimentsCommand}. */
export interface ExperimentsOptions {
  readonly profile?: ExperimentProfile;
  /** Comma-separated experiment ids (default: all registered). */
  readonly only?: readonly string[];
  /** Results directory (default reports/results/experiments). */
  readonly out?: string;
  /** Child processes (default: available cores). */
  readonly processes?: number;
  readonly quiet?: boolean;
  /** Print one JSON object (per experiment: results file, verdict, claims) instead of text. */
  readonly json?: boolean;
}

/**
 * Runs seed experiments and writes their results files. Returns 0 when every experiment ran
 * (agreement with the papers is reported, not an exit status: a disagreement is a finding).
 */
export async function experimentsCommand(catalogue: Catalogue, opts: ExperimentsOptions = {}): Promise<number> {
  const profile = opts.profile ?? 'quick';
  if (!EXPERIMENT_PROFILES.includes(profile)) throw new UserInputError('--profile', `must be one of ${EXPERIMENT_PROFILES.join(', ')}`, `got "${profile}"`);
  const list = opts.only ? opts.only.map((id) => catalogue.seedExperiments.get(id)) : catalogue.seedExperiments.all();
  const outDir = opts.out ?? path.join('reports', 'results', 'experiments');
  requireWritableDir('--out', outDir);
  const rows: Record<string, unknown>[] = [];
  for (const exp of list) {
    const bar = opts.quiet || opts.json ? null : progressLine(exp.id);
    const res = await runExperiment(exp, { profile, outDir, registryModule: catalogue.seedExperimentsModule, processes: opts.processes, onJob: (done, total, job) => bar?.update(done, total, job.key) });
    bar?.end();
    if (opts.json) {
      const a = exp.analyze(res);
      rows.push({
        id: exp.id,
        profile,
        jobs: res.jobs.length,
        wallMs: res.wallMs,
        file: experimentResultsFile(outDir, exp.id),
        ok: a.ok,
        verdict: a.verdict,
        claims: a.claims.map((c) => ({ statement: c.statement, verdict: c.verdict })),
        discrepancies: a.discrepancies,
      });
    } else if (!opts.quiet) {
      const a = exp.analyze(res);
      say(`${exp.id} (${profile}, ${res.jobs.length} jobs, ${(res.wallMs / 1000).toFixed(1)} s) -> ${experimentResultsFile(outDir, exp.id)}`);
      say(`  ${a.verdict}`);
      for (const c of a.claims) say(`  [${c.verdict}] ${c.statement}`);
    }
  }
  if (opts.json) say(JSON.stringify({ experiments: rows }));
  return 0;
}

/**
 * Adds `report` and `experiments` to a commander program. Actions set `process.exitCode` to the
 * command's exit code; errors propagate to the program's own handling (UserInputError -> 2).
 */
export function registerReportCommand(program: Command, catalogue: Catalogue): Command {
  program
    .command('report')
    .description('build reports/ (index.html, index.md, pages, SVG figures, LaTeX tables, pgfplots data) from the results on disk')
    .option('--reports <dir>', 'directory with rates.json and lemmas.json (and the default output)', 'reports')
    .option('--results <dir>', 'results directory (default <reports>/results)')
    .option('--out <dir>', 'output directory (default <reports>)')
    .option('--quiet', 'print nothing but errors')
    .option('--json', 'machine-readable output: files written and every item with its verdict')
    .addHelpText('after', '\nExamples:\n  signcheck report\n  signcheck report --reports /tmp/ci-reports --out /tmp/ci-reports')
    .action(async (o: ReportOptions) => {
      process.exitCode = await reportCommand(catalogue, o);
    });
  program
    .command('experiments')
    .description('run the seed experiments (papers\' experiments reproduced over many seeds) into results files')
    .addOption(new Option('--profile <name>', 'tiny (seconds) | quick (minutes) | full (paper scale)').choices([...EXPERIMENT_PROFILES]).default('quick'))
    .option('--only <ids>', `comma-separated experiment ids (${catalogue.seedExperiments.ids().join(', ')})`, idListFlag('--only'))
    .option('--out <dir>', 'results directory', path.join('reports', 'results', 'experiments'))
    .option('--processes <n>', 'child processes (default: available cores)', integerFlag('--processes'))
    .option('--quiet', 'print nothing but errors')
    .option('--json', 'machine-readable output: per experiment its results file, verdict and claims')
    .addHelpText('after', '\nExamples:\n  signcheck experiments --profile quick && signcheck report\n  signcheck experiments --only mushroom-table1 --profile full')
    .action(async (o: ExperimentsOptions) => {
      process.exitCode = await experimentsCommand(catalogue, o);
    });
  return program;
}
