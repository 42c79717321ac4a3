import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readResults, serializeRows } from '../../src/theorems/results/index.ts';

/**
 * The generated SLURM scripts without a cluster: an sbatch file is a bash script, so each array
 * task is run here with its SLURM_ARRAY_TASK_ID, then the merge job; `status` follows the progress,
 * and the merged results equal the unsharded run's (timing aside). tests/cluster/slurm.test.ts
 * runs the same through a real cluster.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'signcheck.mjs');
const FLAGS = ['--only', 'signsgd-nonsmooth', '--profile', 'quick', '--engine', 'cpu'];

function signcheck(args: string[]): string {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('SLURM scripts run as plain bash', () => {
  it('3 tasks and the merge job give the unsharded results; status follows', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-sbatch-'));
    const run = path.join(dir, 'run with space');
    signcheck(['slurm', ...FLAGS, '--shards', '3', '--jobs', '1', '--partition', 'debug', '--time', '00:10:00', '--out', run, '--signcheck', `${process.execPath} ${bin}`]);
    const script = fs.readFileSync(path.join(run, 'shards.sbatch'), 'utf8');
    expect(script).toMatch(/^#SBATCH --partition=debug$/m);
    expect(script).toMatch(/^#SBATCH --time=00:10:00$/m);
    expect(fs.readFileSync(path.join(run, 'submit.sh'), 'utf8')).toMatch(/--dependency=afterok:"\$array" merge\.sbatch/);
    const status = () => JSON.parse(signcheck(['status', run, '--json'])) as { shards: { done: number; planned: number }[]; merged: boolean };
    expect(status().shards.map((s) => s.done)).toEqual([0, 0, 0]);
    for (const task of ['1', '2', '3']) {
      const r = spawnSync('bash', [path.join(run, 'shards.sbatch')], { encoding: 'utf8', env: { ...process.env, SLURM_ARRAY_TASK_ID: task, SLURM_CPUS_PER_TASK: '1' } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`shard ${task}/3: \\d+ cells, estimated [0-9.]+ s, measured [0-9.]+ s`));
    }
    const s = status();
    expect(s.shards.every((x) => x.done === x.planned)).toBe(true);
    expect(s.shards.reduce((a, x) => a + x.planned, 0)).toBe(12);
    expect(s.merged).toBe(false);
    const m = spawnSync('bash', [path.join(run, 'merge.sbatch')], { encoding: 'utf8' });
    expect(m.status, m.stderr).toBe(0);
    expect(status().merged).toBe(true);
    const whole = path.join(dir, 'whole');
    signcheck(['rates', ...FLAGS, '--jobs', '1', '--out', whole, '--reports', path.join(dir, 'whole-reports')]);
    const content = (f: string) => serializeRows(readResults(f).rows, { timing: false });
    expect(content(path.join(run, 'merged', 'signsgd-nonsmooth.jsonl'))).toBe(content(path.join(whole, 'signsgd-nonsmooth.jsonl')));
  });
});
