import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { finishedCells, readResults, serializeRows } from '../../src/theorems/results/index.ts';

/**
 * The SLURM path end to end on a real cluster (scripts/start-slurm.sh starts a single-node one;
 * .ci/run does it before the tests): `signcheck slurm --submit` runs a 3-shard job array and the
 * merge-and-analyze job for one quick theorem; one array task is killed with SIGKILL once it has
 * written a cell, `signcheck status --resubmit` resubmits it (it resumes its results file) with a
 * new merge job, and the merged results equal the unsharded run's (timing columns aside).
 * Without sbatch the test is skipped with a line saying so, except under CI=true, where the
 * cluster is required.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'signcheck.mjs');
const haveSbatch = spawnSync('sbatch', ['--version'], { encoding: 'utf8' }).status === 0;
const ci = process.env.CI === 'true';
if (!haveSbatch && !ci) console.log('tests/cluster/slurm.test.ts: skipped: no sbatch on PATH (start a local cluster with: sudo bash scripts/start-slurm.sh)');

// alias-deterministic, 16 cells; 8 replicas make each cell take long enough to kill a task mid-run
const THEOREM = 'alias-deterministic';
const FLAGS = ['--only', THEOREM, '--replicas', '8', '--profile', 'quick', '--engine', 'cpu'];

function signcheck(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Array tasks and jobs still in the queue, as `jobid` or `arrayjob_task`. */
function queued(): string[] {
  const r = spawnSync('squeue', ['-h', '-r', '-o', '%i'], { encoding: 'utf8' });
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; queue: ${queued().join(' ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function content(file: string): string {
  return serializeRows(readResults(file).rows, { timing: false });
}

describe.runIf(haveSbatch || ci)('SLURM job array on a real cluster', () => {
  it('3 shards and the merge job give the unsharded results; a task killed mid-run and resubmitted loses nothing', async () => {
    expect(haveSbatch, 'CI=true needs a SLURM cluster: run scripts/start-slurm.sh first (.ci/run does)').toBe(true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-slurm-'));
    const run = path.join(dir, 'run');
    const sub = signcheck(['slurm', ...FLAGS, '--shards', '3', '--max-parallel', '2', '--jobs', '1', '--out', run, '--signcheck', `${process.execPath} ${bin}`, '--submit', '--json']);
    expect(sub.status, sub.stderr).toBe(0);
    const { jobs } = JSON.parse(sub.stdout) as { jobs: { array: string; merge: string } };
    const script = fs.readFileSync(path.join(run, 'shards.sbatch'), 'utf8');
    expect(script).toMatch(/#SBATCH --array=1-3%2/);
    expect(script).toMatch(/--shard "\$SHARD\/3" --resume/);
    expect(fs.readFileSync(path.join(run, 'merge.sbatch'), 'utf8')).toMatch(/merge .*shard-1 .*shard-2 .*shard-3 --out/);

    // kill task 2 once it has finished a cell and before it finishes them all
    const plan = JSON.parse(fs.readFileSync(path.join(run, 'plan.json'), 'utf8')) as { cells: { shard: number }[] };
    const planned2 = plan.cells.filter((c) => c.shard === 2).length;
    expect(planned2).toBeGreaterThan(1);
    const file2 = path.join(run, 'shard-2', `${THEOREM}.jsonl`);
    const done2 = () => (fs.existsSync(file2) ? finishedCells(file2).size : 0);
    await until('shard 2 to finish its first cell', () => done2() >= 1, 240_000);
    expect(done2()).toBeLessThan(planned2);
    expect(spawnSync('scancel', ['--signal=KILL', '--full', `${jobs.array}_2`]).status).toBe(0);
    await until('the array to leave the queue', () => !queued().some((j) => j.startsWith(`${jobs.array}_`)), 240_000);

    // the merge job's afterok can never hold now: status shows what is missing, then resubmit
    const before = signcheck(['status', run, '--json']);
    expect(before.status, before.stderr).toBe(0);
    const shards = (JSON.parse(before.stdout) as { shards: { shard: number; done: number; planned: number; missing: string[] }[] }).shards;
    expect(shards.map((s) => s.done === s.planned)).toEqual([true, false, true]);
    expect(shards[1].missing.length).toBeGreaterThan(0);
    spawnSync('scancel', [jobs.merge]);
    const re = signcheck(['status', run, '--resubmit', '--json']);
    expect(re.status, re.stderr).toBe(0);
    const again = (JSON.parse(re.stdout) as { resubmitted: { array: string; merge: string } }).resubmitted;
    await until('the resubmitted task and the new merge job to finish', () => !queued().some((j) => j === again.merge || j.startsWith(`${again.array}`)), 300_000);

    const after = signcheck(['status', run, '--json']);
    const final = JSON.parse(after.stdout) as { shards: { done: number; planned: number }[]; merged: boolean };
    expect(final.shards.every((s) => s.done === s.planned)).toBe(true);
    expect(final.merged, fs.existsSync(path.join(run, 'logs', 'merge.out')) ? fs.readFileSync(path.join(run, 'logs', 'merge.out'), 'utf8') : 'no merge log').toBe(true);
    // the resumed task kept the cells written before the kill: its log says how many it resumed
    expect(fs.readFileSync(path.join(run, 'logs', 'shard-2.out'), 'utf8')).toMatch(/[1-9]\d* resumed/);

    const whole = path.join(dir, 'whole');
    const u = signcheck(['rates', ...FLAGS, '--jobs', '1', '--out', whole, '--reports', path.join(dir, 'whole-reports')]);
    expect(u.status, u.stderr).toBe(0);
    expect(content(path.join(run, 'merged', `${THEOREM}.jsonl`))).toBe(content(path.join(whole, `${THEOREM}.jsonl`)));
  }, 900_000);
});
