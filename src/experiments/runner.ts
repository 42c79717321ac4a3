import { fork } from 'node:child_process';
import { TSX_EXEC_ARGV } from '../core/processes.ts';
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserInputError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/files.ts';
import { gitSha } from '../theorems/runner.ts';
import { EXPERIMENT_PROFILES, type ExperimentJob, type ExperimentProfile, type ExperimentResults, type JobResult, type SeedExperiment } from './types.ts';

/** Path of an experiment's results file in a directory: `<dir>/<id>.json`. */
export function experimentResultsFile(dir: string, id: string): string {
  return path.join(dir, `${id}.json`);
}

/** Rounds to `digits` significant digits (curves are stored this way to keep results files small). */
export function roundSig(x: number | null, digits = 6): number | null {
  if (x === null || !Number.isFinite(x)) return null;
  if (x === 0) return 0;
  return Number(x.toPrecision(digits));
}

/** A finite number, or null for NaN / Infinity (JSON has neither). */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Runs one job in this process and stamps it with its identity and wall time. */
export function runJobHere(exp: SeedExperiment, job: ExperimentJob, profile: ExperimentProfile): JobResult {
  const t0 = performance.now();
  const r = exp.runJob(job, profile);
  return { key: job.key, method: job.method, seed: job.seed, params: job.params, ...r, wallMs: Math.round((performance.now() - t0) * 10) / 10 };
}

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions {
  readonly profile: ExperimentProfile;
  /** Directory of the results file; nothing is written when absent. */
  readonly outDir?: string;
  /** Child processes to use (default: available cores); 1 runs in this process. */
  readonly processes?: number;
  /**
   * URL of a module exporting the seed-experiment registry as `seedExperiments` (the catalogue's
   * `seedExperimentsModule`): child processes look the experiment up there by id. Needed when
   * `processes` > 1.
   */
  readonly registryModule?: string;
  /** Called after each job. */
  readonly onJob?: (done: number, total: number, job: ExperimentJob) => void;
}

/**
 * Runs every job of an experiment for a profile (in child processes when `processes` > 1; each job
 * depends only on itself, so the results equal a serial run's apart from wall times), collects the
 * results in job order, and writes `<outDir>/<id>.json` atomically (temporary file + rename).
 */
export async function runExperiment(exp: SeedExperiment, opts: RunExperimentOptions): Promise<ExperimentResults> {
  if (!EXPERIMENT_PROFILES.includes(opts.profile)) throw new UserInputError('--profile', `must be one of ${EXPERIMENT_PROFILES.join(', ')}`, `got "${opts.profile}"`);
  const started = performance.now();
  const jobs = exp.jobs(opts.profile);
  const keys = new Set<string>();
  for (const j of jobs) {
    if (keys.has(j.key)) throw new Error(`${exp.id}: job key ${j.key} appears twice`);
    keys.add(j.key);
  }
  const processes = Math.max(1, Math.min(opts.processes ?? availableParallelism(), jobs.length));
  const results = processes === 1 ? runSerial(exp, jobs, opts) : await runPool(exp, jobs, opts, processes);
  const out: ExperimentResults = {
    schema: 'signcheck.seed-experiment/1',
    experiment: exp.id,
    profile: opts.profile,
    engine: 'cpu',
    gitSha: gitSha(),
    date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    seeds: exp.seeds(opts.profile),
    seedScheme: exp.seedScheme,
    settings: exp.settings(opts.profile),
    wallMs: Math.round(performance.now() - started),
    jobs: results,
  };
  if (opts.outDir) writeFileAtomic(experimentResultsFile(opts.outDir, exp.id), serializeExperimentResults(out));
  return out;
}

function runSerial(exp: SeedExperiment, jobs: ExperimentJob[], opts: RunExperimentOptions): JobResult[] {
  return jobs.map((job, i) => {
    const r = runJobHere(exp, job, opts.profile);
    opts.onJob?.(i + 1, jobs.length, job);
    return r;
  });
}

async function runPool(exp: SeedExperiment, jobs: ExperimentJob[], opts: RunExperimentOptions, processes: number): Promise<JobResult[]> {
  const results = new Map<string, JobResult>();
  let next = 0;
  let done = 0;
  const registryModule = opts.registryModule;
  if (!registryModule) throw new UserInputError('registryModule', `must name the module of the seed-experiment registry to run ${exp.id} in ${processes} processes`);
  const workerFile = fileURLToPath(new URL('./worker.ts', import.meta.url));
  await Promise.all(
    Array.from(
      { length: processes },
      () =>
        new Promise<void>((resolve, reject) => {
          const w = fork(workerFile, [], { execArgv: [...TSX_EXEC_ARGV], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          let settled = false;
          const feed = () => {
            if (next >= jobs.length) {
              settled = true;
              w.kill();
              resolve();
              return;
            }
            w.send({ registryModule, experiment: exp.id, profile: opts.profile, job: jobs[next++] });
          };
          w.on('message', (m: { ok: boolean; result?: JobResult; message?: string; name?: string }) => {
            if (!m.ok) {
              settled = true;
              w.kill();
              reject(m.name === 'UserInputError' ? new UserInputError(exp.id, m.message ?? 'invalid input') : new Error(`${exp.id}: ${m.message}`));
              return;
            }
            results.set(m.result!.key, m.result!);
            done++;
            opts.onJob?.(done, jobs.length, jobs.find((j) => j.key === m.result!.key)!);
            feed();
          });
          w.once('error', (e) => {
            settled = true;
            reject(e);
          });
          w.once('exit', (code, signal) => {
            if (!settled) reject(new Error(`${exp.id}: worker exited early (code ${code}, signal ${signal})`));
          });
          feed();
        }),
    ),
  );
  return jobs.map((j) => {
    const r = results.get(j.key);
    if (!r) throw new Error(`${exp.id}: job ${j.key} produced no result`);
    return r;
  });
}

/**
 * The results file's text: a JSON object with two-space indentation for the header and one job per
 * line (diff-friendly), keys in a fixed order. Same results, same bytes.
 */
export function serializeExperimentResults(r: ExperimentResults): string {
  const { jobs, ...head } = r;
  const headJson = JSON.stringify(head, null, 1).replace(/\n}$/, '');
  const lines = jobs.map((j) => `  ${JSON.stringify(j)}`);
  return `${headJson},\n "jobs": [\n${lines.join(',\n')}\n ]\n}\n`;
}

/** Reads and checks a results file (schema, required fields, job keys unique). */
export function readExperimentResults(file: string): ExperimentResults {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserInputError(file, 'must be a readable JSON seed-experiment results file', (e as Error).message);
  }
  const r = data as ExperimentResults;
  if (typeof r !== 'object' || r === null || r.schema !== 'signcheck.seed-experiment/1') {
    throw new UserInputError(file, 'must have schema "signcheck.seed-experiment/1"', `got ${JSON.stringify((r as { schema?: unknown })?.schema)}`);
  }
  for (const k of ['experiment', 'profile', 'engine', 'gitSha', 'date', 'seedScheme'] as const) {
    if (typeof r[k] !== 'string') throw new UserInputError(`${file}: ${k}`, 'must be a string');
  }
  if (!Array.isArray(r.seeds) || !Array.isArray(r.jobs)) throw new UserInputError(file, 'must have arrays "seeds" and "jobs"');
  const keys = new Set<string>();
  for (const [i, j] of r.jobs.entries()) {
    if (typeof j.key !== 'string' || typeof j.method !== 'string' || typeof j.seed !== 'number' || typeof j.values !== 'object' || typeof j.curves !== 'object' || !Array.isArray(j.checkpoints)) {
      throw new UserInputError(`${file}: jobs[${i}]`, 'must have key, method, seed, values, curves, checkpoints');
    }
    if (keys.has(j.key)) throw new UserInputError(`${file}: jobs[${i}]`, 'job keys must be unique', j.key);
    keys.add(j.key);
  }
  return r;
}
