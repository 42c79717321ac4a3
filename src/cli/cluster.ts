/**
 * The cluster commands: `plan` (the cells with their estimated cost, the cost-weighted shards, the
 * cost model's calibration, a GitHub Actions matrix workflow), `slurm` (an sbatch job array and a
 * merge job), `k8s` (an Indexed Job and a merge Job) and `status` (per-shard progress and missing
 * cells of a cluster run directory). Every shard runs `signcheck rates --shard i/N --resume`, which
 * picks its cells by the same plan; the results of the merged shards equal the unsharded run.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { stringify as toYaml } from 'yaml';
import type { Catalogue } from '../catalogue.ts';
import { UserInputError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/files.ts';
import type { ShardTime } from '../theorems/check.ts';
import { applyOverride, loadSweepConfig } from '../theorems/config.ts';
import { BUILTIN_COST_MODEL, calibrationCells, estimateCellMs, fitCostModel, parseCostModel, type CostModel } from '../theorems/cost.ts';
import { planSweeps, type SweepPlan } from '../theorems/plan.ts';
import { CellPool } from '../theorems/pool.ts';
import { finishedCells, readResults, shardOf } from '../theorems/results/index.ts';
import { finalCells, type EngineName } from '../theorems/runner.ts';
import type { ProfileName, RateTheorem } from '../theorems/types.ts';
import { jobsOption } from './progress.ts';

const out = (s: string) => process.stdout.write(`${s}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Name of the shard report a cost-planned shard writes into its results directory. */
export const SHARD_REPORT = 'shard.json';

/** Writes a shard's estimated and measured time to `<outDir>/shard.json` (read by `status`). */
export function writeShardReport(outDir: string, t: ShardTime): string {
  const file = path.join(outDir, SHARD_REPORT);
  fs.mkdirSync(outDir, { recursive: true });
  writeFileAtomic(file, `${JSON.stringify({ shard: t.shard.index + 1, of: t.shard.count, cells: t.cells, estimatedMs: Math.round(t.estimatedMs), measuredMs: Math.round(t.measuredMs) })}\n`);
  return file;
}

/** The one line a cost-planned shard prints. */
export function shardTimeLine(t: ShardTime): string {
  return `shard ${t.shard.index + 1}/${t.shard.count}: ${t.cells} cells, estimated ${secs(t.estimatedMs)}, measured ${secs(t.measuredMs)}`;
}

/** What selects the sweeps of a plan (the same flags as `rates`). */
interface SweepSelection {
  profile: ProfileName;
  only?: string;
  config?: string;
  replicas?: number;
  costModel?: string;
  engine?: string;
  jobs?: number;
}

/** Reads a `--cost-model` file, or the built-in model. */
export function loadCostModel(file: string | undefined): CostModel {
  if (!file) return BUILTIN_COST_MODEL;
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserInputError('--cost-model', 'must be a readable JSON cost model', `${file}: ${(e as Error).message}`);
  }
  return parseCostModel(data, file);
}

/** The plan `rates --shard i/N` computes for the same flags (same theorems, overrides, model). */
export async function planOf(catalogue: Catalogue, o: SweepSelection, shards: number): Promise<{ plan: SweepPlan; profile: ProfileName; theorems: RateTheorem[] }> {
  const config = o.config ? loadSweepConfig(o.config, catalogue.theorems.ids()) : null;
  const profile = config?.profile ?? o.profile;
  const only = o.only ? o.only.split(',') : (config?.only ?? []);
  const list = only.length ? only.map((id) => catalogue.theorems.get(id.trim())) : catalogue.theorems.all();
  const jobs = o.jobs ?? availableParallelism();
  const pool = jobs > 1 ? CellPool.open(jobs, catalogue.theoremsModule) : undefined;
  try {
    for (const th of list) pool?.cellsOf(th.id, profile);
    const engine: EngineName = o.engine === 'webgpu' ? 'webgpu' : 'cpu';
    const plan = await planSweeps(list, async (th) => finalCells(pool ? await pool.cellsOf(th.id, profile) : th.cells(profile), (c) => applyOverride(th.id, c, config?.theorems?.[th.id]), o.replicas), shards, loadCostModel(o.costModel), engine);
    return { plan, profile, theorems: list };
  } finally {
    pool?.close();
  }
}

const positiveInt = (flag: string, min = 1) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UserInputError(flag, `must be an integer >= ${min}`, `got "${v}"`);
  return n;
};

function selectionOptions(c: Command): Command {
  return c
    .addOption(new Option('--profile <name>', 'sweep profile').choices(['quick', 'full']).default('quick'))
    .option('--only <ids>', 'comma-separated theorem ids')
    .option('--config <file>', 'sweep configuration (as for rates)')
    .option('--replicas <n>', 'override the replica count (as for rates)', positiveInt('--replicas', 2))
    .option('--cost-model <file>', 'a cost model saved by `plan --calibrate DIR --save FILE` (default: the built-in one)')
    .addOption(jobsOption());
}

/** The flags a shard's `rates` command repeats so that it computes the same plan. */
function rateFlags(o: SweepSelection, abs: (p: string) => string): string[] {
  return [
    '--profile', o.profile,
    ...(o.only ? ['--only', o.only] : []),
    ...(o.config ? ['--config', abs(o.config)] : []),
    ...(o.replicas ? ['--replicas', String(o.replicas)] : []),
    ...(o.costModel ? ['--cost-model', abs(o.costModel)] : []),
    '--engine', o.engine ?? 'cpu',
  ];
}

/** A word for sh: as is when it holds only characters the shell leaves alone, else single-quoted. */
const sh = (s: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** How the generated scripts start signcheck: `--signcheck`, else this node and this bin script. */
function signcheckCommand(given: string | undefined): string {
  if (given) return given;
  const script = process.argv[1] ?? '';
  if (/signcheck(\.mjs)?$/.test(script)) return `${sh(process.execPath)} ${sh(path.resolve(script))}`;
  return 'npx signcheck';
}

// ---------------------------------------------------------------------------------------------
// plan
// ---------------------------------------------------------------------------------------------

interface PlanOptions extends SweepSelection {
  shards: number;
  json?: boolean;
  calibrate?: string;
  save?: string;
  github?: string;
}

function calibrate(dir: string, save: string | undefined, json: boolean): void {
  if (!fs.existsSync(dir)) throw new UserInputError('--calibrate', 'must name a results directory (*.jsonl)', dir);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  if (!files.length) throw new UserInputError('--calibrate', 'must name a directory holding results files (*.jsonl)', dir);
  const cells = files.flatMap((f) => calibrationCells(readResults(path.join(dir, f)).rows));
  const model = fitCostModel(cells, `signcheck plan --calibrate ${dir} (${cells.length} cells, ${new Date().toISOString().slice(0, 10)})`);
  if (save) writeFileAtomic(save, `${JSON.stringify(model, null, 1)}\n`);
  if (json) {
    out(JSON.stringify({ model, ...(save ? { saved: save } : {}) }));
    return;
  }
  const s = model.slopes;
  out(`cost model fitted to ${model.cells} measured cells of ${dir}: log ms/replica = ${model.intercept.toFixed(3)} + problem + algorithm + ${s.T.toFixed(3)} log T + ${s.d.toFixed(3)} log d + ${s.n.toFixed(3)} log n + ${s.batch.toFixed(3)} log batch`);
  out(`R^2 (log) ${model.r2.toFixed(3)}, residual sd ${model.sdLog.toFixed(3)} (a cell's estimate is good to a factor ${Math.exp(model.sdLog).toFixed(2)} either way)`);
  out(`problem offsets: ${Object.entries(model.problem).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
  out(`algorithm offsets: ${Object.entries(model.algorithm).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
  out('');
  out('| theorem | cells | measured s | estimated s (this fit) | estimated s (built-in model) |');
  out('|---|---|---|---|---|');
  const byTh = new Map<string, typeof cells>();
  for (const c of cells) byTh.set(c.theorem, [...(byTh.get(c.theorem) ?? []), c]);
  let tm = 0;
  let te = 0;
  let tb = 0;
  for (const [th, cs] of byTh) {
    const m = cs.reduce((a, c) => a + c.msPerReplica * c.features.replicas, 0);
    const e = cs.reduce((a, c) => a + estimateCellMs(c.features, model), 0);
    const b = cs.reduce((a, c) => a + estimateCellMs(c.features, BUILTIN_COST_MODEL), 0);
    tm += m;
    te += e;
    tb += b;
    out(`| ${th} | ${cs.length} | ${(m / 1000).toFixed(2)} | ${(e / 1000).toFixed(2)} | ${(b / 1000).toFixed(2)} |`);
  }
  out(`| total | ${cells.length} | ${(tm / 1000).toFixed(2)} | ${(te / 1000).toFixed(2)} | ${(tb / 1000).toFixed(2)} |`);
  if (save) out(`\nsaved ${save} (use it with --cost-model ${save} on plan, rates --shard, slurm, k8s)`);
}

function hashLoads(plan: SweepPlan): number[] {
  const load = new Array<number>(plan.shards).fill(0);
  for (const c of plan.cells) load[shardOf(c.key, plan.shards)] += c.estimatedMs;
  return load;
}

function printPlan(plan: SweepPlan, profile: ProfileName, json: boolean): void {
  const hash = hashLoads(plan);
  if (json) {
    out(JSON.stringify({ profile, shards: plan.shards, model: plan.model.calibratedOn, loadMs: plan.loadMs, hashLoadMs: hash, cells: plan.cells }));
    return;
  }
  out(`| shard | theorem | cell | algorithm | T | d | n | replicas | estimated s |`);
  out(`|---|---|---|---|---|---|---|---|---|`);
  const sorted = [...plan.cells].sort((a, b) => a.shard - b.shard || b.estimatedMs - a.estimatedMs);
  for (const c of sorted) out(`| ${c.shard + 1} | ${c.theorem} | ${c.index} | ${c.algorithm} | ${c.T} | ${c.d} | ${c.n} | ${c.replicas} | ${(c.estimatedMs / 1000).toFixed(2)} |`);
  const total = plan.loadMs.reduce((a, b) => a + b, 0);
  out('');
  out(`${plan.cells.length} cells, profile ${profile}, estimated ${secs(total)} on one core (cost model: ${plan.model.calibratedOn})`);
  if (plan.shards > 1) {
    out(`shards by cost (longest first): ${plan.loadMs.map((l, i) => `${i + 1}: ${secs(l)}`).join(', ')}; largest ${secs(Math.max(...plan.loadMs))}`);
    out(`shards by hash (--shard-by hash) would be: ${hash.map((l, i) => `${i + 1}: ${secs(l)}`).join(', ')}; largest ${secs(Math.max(...hash))}`);
  }
}

/** A GitHub Actions workflow: one matrix job per shard of the plan, then a merge-and-analyze job. */
export function githubWorkflow(plan: SweepPlan, o: SweepSelection): string {
  const N = plan.shards;
  const flags = rateFlags(o, (p) => p).map(sh).join(' ');
  const shards = Array.from({ length: N }, (_, i) => i + 1);
  const wf = {
    name: 'signcheck sweep',
    on: { workflow_dispatch: {} },
    jobs: {
      shard: {
        'runs-on': 'ubuntu-latest',
        strategy: { 'fail-fast': false, matrix: { shard: shards } },
        steps: [
          { uses: 'actions/checkout@v4' },
          { uses: 'actions/setup-node@v4', with: { 'node-version': 20 } },
          { run: 'npm ci' },
          { run: `npx signcheck rates ${flags} --shard \${{ matrix.shard }}/${N} --resume --out shard-\${{ matrix.shard }}` },
          { uses: 'actions/upload-artifact@v4', with: { name: 'shard-${{ matrix.shard }}', path: 'shard-${{ matrix.shard }}' } },
        ],
      },
      merge: {
        needs: 'shard',
        'runs-on': 'ubuntu-latest',
        steps: [
          { uses: 'actions/checkout@v4' },
          { uses: 'actions/setup-node@v4', with: { 'node-version': 20 } },
          { run: 'npm ci' },
          { uses: 'actions/download-artifact@v4', with: { pattern: 'shard-*' } },
          { run: `npx signcheck merge ${shards.map((i) => `shard-${i}`).join(' ')} --out merged` },
          { run: `npx signcheck rates ${rateFlags({ ...o, costModel: undefined }, (p) => p).map(sh).join(' ')} --analyze-only --out merged --reports reports` },
          { uses: 'actions/upload-artifact@v4', with: { name: 'reports', path: 'reports' } },
        ],
      },
    },
  };
  const head = [
    `# Generated by \`signcheck plan --shards ${N} --github\`: ${plan.cells.length} cells in ${N} shards by estimated cost (longest first).`,
    `# Estimated per shard: ${plan.loadMs.map((l, i) => `${i + 1}: ${secs(l)}`).join(', ')} (cost model: ${plan.model.calibratedOn}).`,
  ];
  return `${head.join('\n')}\n${toYaml(wf, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

// ---------------------------------------------------------------------------------------------
// A cluster run directory: plan.json, shard-<i>/ results, merged/, reports/
// ---------------------------------------------------------------------------------------------

/** The plan a cluster run directory records (`<dir>/plan.json`), read by `status`. */
interface RunManifest {
  readonly schema: 'signcheck.cluster-run/1';
  readonly kind: 'slurm' | 'k8s';
  readonly profile: ProfileName;
  readonly shards: number;
  readonly flags: readonly string[];
  readonly loadMs: readonly number[];
  readonly cells: readonly { readonly theorem: string; readonly key: string; readonly shard: number; readonly estimatedMs: number }[];
  jobs?: { array: string; merge: string }[];
}

function writeManifest(dir: string, m: RunManifest): void {
  writeFileAtomic(path.join(dir, 'plan.json'), `${JSON.stringify(m, null, 1)}\n`);
}

function readManifest(dir: string): RunManifest {
  const file = path.join(dir, 'plan.json');
  let m: RunManifest;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8')) as RunManifest;
  } catch (e) {
    throw new UserInputError('status', 'must name a directory written by `signcheck slurm` or `signcheck k8s` (with plan.json)', `${file}: ${(e as Error).message}`);
  }
  if (m.schema !== 'signcheck.cluster-run/1') throw new UserInputError('status', 'plan.json must have schema signcheck.cluster-run/1', file);
  return m;
}

function manifestOf(kind: 'slurm' | 'k8s', plan: SweepPlan, profile: ProfileName, flags: string[]): RunManifest {
  return { schema: 'signcheck.cluster-run/1', kind, profile, shards: plan.shards, flags, loadMs: plan.loadMs.map(Math.round), cells: plan.cells.map((c) => ({ theorem: c.theorem, key: c.key, shard: c.shard + 1, estimatedMs: Math.round(c.estimatedMs) })) };
}

/** Per-shard progress of a cluster run directory. */
export interface ShardProgress {
  readonly shard: number;
  readonly planned: number;
  readonly done: number;
  readonly missing: readonly string[];
  readonly estimatedMs: number;
  readonly measuredMs: number | null;
}

/** Reads every shard's results files and counts the planned cells that are finished. */
export function clusterProgress(dir: string): { manifest: RunManifest; shards: ShardProgress[]; merged: boolean } {
  const m = readManifest(dir);
  const shards: ShardProgress[] = [];
  for (let i = 1; i <= m.shards; i++) {
    const sdir = path.join(dir, `shard-${i}`);
    const mine = m.cells.filter((c) => c.shard === i);
    const done = new Set<string>();
    for (const th of new Set(mine.map((c) => c.theorem))) for (const k of finishedCells(path.join(sdir, `${th}.jsonl`))) done.add(k);
    let measuredMs: number | null = null;
    try {
      measuredMs = (JSON.parse(fs.readFileSync(path.join(sdir, SHARD_REPORT), 'utf8')) as { measuredMs: number }).measuredMs;
    } catch {
      measuredMs = null;
    }
    shards.push({ shard: i, planned: mine.length, done: mine.filter((c) => done.has(c.key)).length, missing: mine.filter((c) => !done.has(c.key)).map((c) => c.key), estimatedMs: m.loadMs[i - 1], measuredMs });
  }
  const merged = fs.existsSync(path.join(dir, 'merged')) && fs.existsSync(path.join(dir, 'reports', 'rates.json'));
  return { manifest: m, shards, merged };
}

// ---------------------------------------------------------------------------------------------
// SLURM
// ---------------------------------------------------------------------------------------------

interface SlurmOptions extends SweepSelection {
  shards: number;
  out: string;
  partition?: string;
  time?: string;
  cpusPerTask: number;
  gres?: string;
  mem?: string;
  account?: string;
  maxParallel?: number;
  signcheck?: string;
  submit?: boolean;
  json?: boolean;
}

function sbatchHeader(o: SlurmOptions, name: string, log: string): string[] {
  return [
    '#!/bin/bash',
    `#SBATCH --job-name=${name}`,
    `#SBATCH --output=${log}`,
    `#SBATCH --cpus-per-task=${o.cpusPerTask}`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.time ? [`#SBATCH --time=${o.time}`] : []),
    ...(o.gres ? [`#SBATCH --gres=${o.gres}`] : []),
    ...(o.mem ? [`#SBATCH --mem=${o.mem}`] : []),
    ...(o.account ? [`#SBATCH --account=${o.account}`] : []),
  ];
}

/** Writes the SLURM files of a plan into `dir`; returns their paths. */
export function writeSlurmFiles(plan: SweepPlan, profile: ProfileName, o: SlurmOptions): { shards: string; merge: string; submit: string; manifest: string } {
  const dir = path.resolve(o.out);
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  const abs = (p: string) => path.resolve(p);
  const flags = rateFlags({ ...o, profile }, abs);
  const cmd = signcheckCommand(o.signcheck);
  const cwd = process.cwd();
  const N = plan.shards;
  const P = Math.min(o.maxParallel ?? N, N);
  const shardsFile = path.join(dir, 'shards.sbatch');
  const mergeFile = path.join(dir, 'merge.sbatch');
  const submitFile = path.join(dir, 'submit.sh');
  const shardScript = [
    ...sbatchHeader(o, 'signcheck-shards', `${dir}/logs/shard-%a.out`),
    `#SBATCH --array=1-${N}%${P}`,
    `# Generated by signcheck slurm: ${plan.cells.length} cells in ${N} shards by estimated cost;`,
    `# estimated per shard: ${plan.loadMs.map((l, i) => `${i + 1}: ${secs(l)}`).join(', ')}.`,
    '# Each task runs its shard with --resume: resubmitting a failed task (sbatch --array=<i> this file)',
    '# continues its results file. Needs the repository and this directory on a filesystem every node sees.',
    'set -euo pipefail',
    `cd ${sh(cwd)}`,
    'SHARD="${SLURM_ARRAY_TASK_ID}"',
    `exec ${cmd} rates ${flags.map(sh).join(' ')} --shard "$SHARD/${N}" --resume --jobs "\${SLURM_CPUS_PER_TASK:-1}" --out ${sh(dir)}/shard-"$SHARD"`,
    '',
  ].join('\n');
  const mergeScript = [
    ...sbatchHeader({ ...o, cpusPerTask: 1, gres: undefined }, 'signcheck-merge', `${dir}/logs/merge.out`),
    '# Generated by signcheck slurm: merges the shards and fits and judges the merged results.',
    'set -euo pipefail',
    `cd ${sh(cwd)}`,
    `${cmd} merge ${Array.from({ length: N }, (_, i) => `${sh(dir)}/shard-${i + 1}`).join(' ')} --out ${sh(dir)}/merged`,
    `exec ${cmd} rates ${rateFlags({ ...o, profile, costModel: undefined }, abs).map(sh).join(' ')} --analyze-only --out ${sh(dir)}/merged --reports ${sh(dir)}/reports`,
    '',
  ].join('\n');
  const submitScript = [
    '#!/bin/bash',
    '# Generated by signcheck slurm: submits the shard array, then the merge job after every task succeeded.',
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    'array="$(sbatch --parsable shards.sbatch)"; array="${array%%;*}"',
    'merge="$(sbatch --parsable --dependency=afterok:"$array" merge.sbatch)"; merge="${merge%%;*}"',
    'echo "submitted shard array $array and merge job $merge"',
    '',
  ].join('\n');
  fs.writeFileSync(shardsFile, shardScript, { mode: 0o755 });
  fs.writeFileSync(mergeFile, mergeScript, { mode: 0o755 });
  fs.writeFileSync(submitFile, submitScript, { mode: 0o755 });
  writeManifest(dir, manifestOf('slurm', plan, profile, flags));
  return { shards: shardsFile, merge: mergeFile, submit: submitFile, manifest: path.join(dir, 'plan.json') };
}

function sbatch(args: string[]): string {
  const r = spawnSync('sbatch', ['--parsable', ...args], { encoding: 'utf8' });
  if (r.error) throw new UserInputError('--submit', 'needs sbatch on PATH (a SLURM login node)', r.error.message);
  if (r.status !== 0) throw new UserInputError('--submit', 'sbatch refused the job', r.stderr.trim());
  return r.stdout.trim().split(';')[0];
}

/**
 * Submits the shard array (all tasks, or only `tasks`, e.g. "2,5") and the merge job after it
 * with `--dependency=afterok`; records the job ids in plan.json.
 */
export function submitSlurm(dir: string, tasks?: string): { array: string; merge: string } {
  const m = readManifest(dir);
  const array = sbatch([...(tasks ? [`--array=${tasks}`] : []), path.join(dir, 'shards.sbatch')]);
  const merge = sbatch([`--dependency=afterok:${array}`, path.join(dir, 'merge.sbatch')]);
  m.jobs = [...(m.jobs ?? []), { array, merge }];
  writeManifest(dir, m);
  return { array, merge };
}

// ---------------------------------------------------------------------------------------------
// Kubernetes
// ---------------------------------------------------------------------------------------------

interface K8sOptions extends SweepSelection {
  shards: number;
  out: string;
  image: string;
  pvc: string;
  parallelism?: number;
  backoffPerIndex: number;
  cpu: number;
  memory?: string;
  name: string;
  signcheck?: string;
}

/** The Indexed Job of the shards and the merge Job, as Kubernetes objects (batch/v1). */
export function k8sObjects(plan: SweepPlan, profile: ProfileName, o: K8sOptions): { shards: Record<string, unknown>; merge: Record<string, unknown> } {
  const N = plan.shards;
  const cmd = o.signcheck ?? 'npx signcheck';
  const flags = rateFlags({ ...o, profile }, (p) => p).map(sh).join(' ');
  const volume = { name: 'results', persistentVolumeClaim: { claimName: o.pvc } };
  const mount = { name: 'results', mountPath: '/results' };
  const resources = { requests: { cpu: String(o.cpu), ...(o.memory ? { memory: o.memory } : {}) }, limits: { cpu: String(o.cpu), ...(o.memory ? { memory: o.memory } : {}) } };
  const labels = { app: 'signcheck', run: o.name };
  const shards = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${o.name}-shards`, labels },
    spec: {
      completionMode: 'Indexed',
      completions: N,
      parallelism: Math.min(o.parallelism ?? N, N),
      backoffLimitPerIndex: o.backoffPerIndex,
      podFailurePolicy: {
        rules: [
          // exit 2 is a usage or input error: retrying the index cannot help
          { action: 'FailIndex', onExitCodes: { containerName: 'signcheck', operator: 'In', values: [2] } },
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        ],
      },
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          volumes: [volume],
          containers: [
            {
              name: 'signcheck',
              image: o.image,
              command: ['sh', '-c', `SHARD=$((JOB_COMPLETION_INDEX + 1)); exec ${cmd} rates ${flags} --shard "$SHARD/${N}" --resume --jobs ${o.cpu} --out /results/shard-"$SHARD"`],
              resources,
              volumeMounts: [mount],
            },
          ],
        },
      },
    },
  };
  const merge = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${o.name}-merge`, labels },
    spec: {
      backoffLimit: 1,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          volumes: [volume],
          containers: [
            {
              name: 'signcheck',
              image: o.image,
              command: ['sh', '-c', `${cmd} merge ${Array.from({ length: N }, (_, i) => `/results/shard-${i + 1}`).join(' ')} --out /results/merged && exec ${cmd} rates ${rateFlags({ ...o, profile, costModel: undefined }, (p) => p).map(sh).join(' ')} --analyze-only --out /results/merged --reports /results/reports`],
              resources: { requests: { cpu: '1' }, limits: { cpu: '1' } },
              volumeMounts: [mount],
            },
          ],
        },
      },
    },
  };
  return { shards, merge };
}

// ---------------------------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------------------------

/** Adds `plan`, `slurm`, `k8s` and `status` to the program. */
export function registerClusterCommands(cmd: Command, catalogue: Catalogue): void {
  selectionOptions(
    cmd
      .command('plan')
      .description('list the cells with their estimated cost and the shards by cost; calibrate the cost model; write a GitHub Actions matrix'),
  )
    .option('--shards <n>', 'number of shards', positiveInt('--shards'), 1)
    .option('--calibrate <dir>', 'fit the cost model to the measured cell times of a results directory and print the fit')
    .option('--save <file>', 'with --calibrate: write the fitted model (use it with --cost-model)')
    .option('--github <file>', 'write a GitHub Actions workflow: one matrix job per shard, then merge and analyze')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  signcheck plan --profile full --shards 8\n  signcheck plan --calibrate reports/results --save cost.json\n  signcheck plan --shards 4 --github .github/workflows/sweep.yml')
    .action(async (o: PlanOptions) => {
      if (o.save && !o.calibrate) throw new UserInputError('--save', 'needs --calibrate DIR');
      if (o.calibrate) return calibrate(o.calibrate, o.save, Boolean(o.json));
      const { plan, profile } = await planOf(catalogue, o, o.shards);
      if (o.github) {
        fs.mkdirSync(path.dirname(path.resolve(o.github)), { recursive: true });
        writeFileAtomic(o.github, githubWorkflow(plan, { ...o, profile }));
        if (!o.json) out(`wrote ${o.github}: ${o.shards} shard job(s) and a merge job`);
        return;
      }
      printPlan(plan, profile, Boolean(o.json));
    });

  selectionOptions(cmd.command('slurm').description('write an sbatch job array (one task per shard, --resume) and a merge-and-analyze job; --submit submits both'))
    .requiredOption('--shards <n>', 'number of shards (array tasks)', positiveInt('--shards'))
    .requiredOption('--out <dir>', 'run directory on a shared filesystem: scripts, logs, shard-<i>/, merged/, reports/')
    .option('--partition <p>', 'SLURM partition')
    .option('--time <t>', 'time limit per task (e.g. 02:00:00)')
    .option('--cpus-per-task <c>', 'cores per task (the task runs --jobs C)', positiveInt('--cpus-per-task'), 1)
    .option('--gres <g>', 'generic resources per task (e.g. gpu:1; pair with --engine webgpu)')
    .option('--mem <m>', 'memory per task (e.g. 4G)')
    .option('--account <a>', 'SLURM account')
    .option('--max-parallel <p>', 'tasks running at once (--array=1-N%P)', positiveInt('--max-parallel'))
    .option('--engine <name>', 'engine of the shard tasks: cpu | webgpu | auto', 'cpu')
    .option('--signcheck <cmd>', 'how the tasks start signcheck (default: this node and bin/signcheck.mjs)')
    .option('--submit', 'submit the array and the merge job (sbatch)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  signcheck slurm --profile full --shards 16 --partition cpu --time 01:00:00 --cpus-per-task 4 --out /shared/run1 --submit\n  signcheck status /shared/run1\n  signcheck status /shared/run1 --resubmit   # failed or missing shards, and a new merge job')
    .action(async (o: SlurmOptions) => {
      const { plan, profile } = await planOf(catalogue, o, o.shards);
      const files = writeSlurmFiles(plan, profile, o);
      const jobs = o.submit ? submitSlurm(path.resolve(o.out), undefined) : null;
      if (o.json) out(JSON.stringify({ files, loadMs: plan.loadMs, ...(jobs ? { jobs } : {}) }));
      else {
        out(`wrote ${files.shards} (array 1-${o.shards}), ${files.merge}, ${files.submit} and ${files.manifest}`);
        out(`estimated per shard: ${plan.loadMs.map((l, i) => `${i + 1}: ${secs(l)}`).join(', ')}`);
        out(jobs ? `submitted shard array ${jobs.array} and merge job ${jobs.merge} (afterok)` : `submit with: bash ${files.submit}`);
      }
    });

  selectionOptions(cmd.command('k8s').description('write a Kubernetes Indexed Job (one index per shard) and a merge Job'))
    .requiredOption('--shards <n>', 'number of shards (completions)', positiveInt('--shards'))
    .requiredOption('--out <dir>', 'directory for the manifests (shards-job.yaml, merge-job.yaml)')
    .option('--image <ref>', 'container image with signcheck and its node_modules', 'signcheck:latest')
    .option('--pvc <claim>', 'PersistentVolumeClaim (ReadWriteMany) mounted at /results in every pod', 'signcheck-results')
    .option('--parallelism <p>', 'pods running at once', positiveInt('--parallelism'))
    .option('--backoff-per-index <b>', 'retries of one index (backoffLimitPerIndex)', positiveInt('--backoff-per-index', 0), 2)
    .option('--cpu <c>', 'cores per pod (the shard runs --jobs C)', positiveInt('--cpu'), 1)
    .option('--memory <m>', 'memory per pod (e.g. 2Gi)')
    .option('--name <n>', 'Job name prefix', 'signcheck')
    .option('--engine <name>', 'engine of the shards', 'cpu')
    .option('--signcheck <cmd>', 'how the pods start signcheck', 'npx signcheck')
    .action(async (o: K8sOptions) => {
      if (!/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(o.name)) throw new UserInputError('--name', 'must be a DNS label of at most 42 characters (lower-case letters, digits, -)', `got "${o.name}"`);
      const { plan, profile } = await planOf(catalogue, o, o.shards);
      const { shards, merge } = k8sObjects(plan, profile, o);
      fs.mkdirSync(o.out, { recursive: true });
      const head = `# Generated by signcheck k8s: ${plan.cells.length} cells in ${o.shards} shards by estimated cost; estimated per shard: ${plan.loadMs.map((l, i) => `${i + 1}: ${secs(l)}`).join(', ')}\n`;
      writeFileAtomic(path.join(o.out, 'shards-job.yaml'), head + toYaml(shards, { lineWidth: 0, aliasDuplicateObjects: false }));
      writeFileAtomic(path.join(o.out, 'merge-job.yaml'), '# Apply after the shards Job completes: kubectl wait --for=condition=complete job/' + `${o.name}-shards --timeout=-1s && kubectl apply -f merge-job.yaml\n` + toYaml(merge, { lineWidth: 0, aliasDuplicateObjects: false }));
      writeManifest(o.out, manifestOf('k8s', plan, profile, rateFlags({ ...o, profile }, (p) => p)));
      out(`wrote ${path.join(o.out, 'shards-job.yaml')} (Indexed Job, ${o.shards} completions), ${path.join(o.out, 'merge-job.yaml')} and ${path.join(o.out, 'plan.json')} (copy it into the results volume to use signcheck status there)`);
    });

  cmd
    .command('status')
    .description('per-shard progress and missing cells of a run directory written by slurm or k8s')
    .argument('<dir>')
    .option('--resubmit', 'SLURM: resubmit the shards with missing cells and a new merge job after them')
    .option('--json', 'machine-readable output')
    .action((dir: string, o: { resubmit?: boolean; json?: boolean }) => {
      const p = clusterProgress(dir);
      const incomplete = p.shards.filter((s) => s.done < s.planned);
      let jobs: { array: string; merge: string } | null = null;
      if (o.resubmit) {
        if (p.manifest.kind !== 'slurm') throw new UserInputError('--resubmit', 'applies to SLURM run directories', dir);
        if (incomplete.length) jobs = submitSlurm(path.resolve(dir), incomplete.map((s) => s.shard).join(','));
      }
      if (o.json) {
        out(JSON.stringify({ shards: p.shards, merged: p.merged, ...(jobs ? { resubmitted: jobs } : {}) }));
        return;
      }
      const total = p.shards.reduce((a, s) => a + s.planned, 0);
      const done = p.shards.reduce((a, s) => a + s.done, 0);
      out(`${dir}: ${p.manifest.kind}, profile ${p.manifest.profile}, ${p.manifest.shards} shards, ${done}/${total} cells done${p.merged ? ', merged and analyzed' : ''}`);
      for (const s of p.shards) {
        const state = s.done === s.planned ? 'complete' : s.done === 0 ? 'not started' : 'incomplete';
        out(`shard ${s.shard}: ${s.done}/${s.planned} cells ${state}, estimated ${secs(s.estimatedMs)}${s.measuredMs !== null ? `, measured ${secs(s.measuredMs)}` : ''}`);
        for (const k of s.missing.slice(0, 5)) out(`  missing ${k}`);
        if (s.missing.length > 5) out(`  ... and ${s.missing.length - 5} more`);
      }
      if (jobs) out(`resubmitted shard(s) ${incomplete.map((s) => s.shard).join(',')} as array ${jobs.array}, merge job ${jobs.merge}`);
      else if (incomplete.length && p.manifest.kind === 'slurm') out(`to continue: signcheck status ${dir} --resubmit`);
    });
}
