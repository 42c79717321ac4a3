/**
 * `npm run bench:sweep`: the quick profile's sweeps on one worker and on a pool, in one invocation:
 * `signcheck rates --profile quick --fresh` with `--jobs 1` (the serial path: every cell in the
 * command's own process) and then with `--jobs N` for each N of `--jobs-list` (default: 2 and
 * every core), then the same for `signcheck verify`. Each run is a fresh command-line process with
 * its own results directory; the table gives wall seconds, CPU seconds of all its processes (a
 * shared machine's load shows as wall time well above CPU time / jobs), the speed-up over
 * `--jobs 1`, and whether the results files equal the serial run's apart from the timing and
 * provenance columns (wallMs, gitSha and the checksums over them). Nothing is asserted (tests/sweeps/pool.test.ts asserts the equality); the table is
 * what README's "Every core" section shows.
 *
 * Flags: `--only ids` (rates only these theorems), `--jobs-list 1,2,4`, `--no-verify`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const cores = availableParallelism();
const jobsList = (flag('--jobs-list') ?? [...new Set([2, cores])].join(','))
  .split(',')
  .map(Number)
  .filter((n) => n > 1);
const only = flag('--only');
const bin = fileURLToPath(new URL('../bin/signcheck.mjs', import.meta.url));
const root = fs.mkdtempSync(path.join(tmpdir(), 'signcheck-bench-sweep-'));

/**
 * A results file's text without its timing: wallMs zeroed, checksums dropped, and the gitSha
 * column blanked (a commit between the two runs changes it; it is provenance, not a result).
 */
function untimed(file: string): string {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/"wallMs":[^,]*,/g, '"wallMs":0,')
    .replace(/"gitSha":"[^"]*",/g, '"gitSha":"",')
    .replace(/,"crc":"[0-9a-f]{8}"/g, '');
}

function sameResults(a: string, b: string): string {
  const fa = fs.readdirSync(a).filter((f) => f.endsWith('.jsonl')).sort();
  const fb = fs.readdirSync(b).filter((f) => f.endsWith('.jsonl')).sort();
  if (fa.join() !== fb.join()) return `no (files ${fa.length} vs ${fb.length})`;
  const diff = fa.filter((f) => untimed(path.join(a, f)) !== untimed(path.join(b, f)));
  return diff.length ? `no (${diff.join(', ')})` : `yes (${fa.length} files)`;
}

/**
 * Runs the command line under bash's `time -p`, which also counts the CPU time of the worker
 * processes (waited-for children): wall seconds and CPU seconds (user + sys) of the whole run.
 */
function run(label: string, argv: string[]): { wall: number; cpu: number } {
  const quoted = [process.execPath, bin, ...argv].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('bash', ['-c', `time -p ${quoted} >/dev/null 2>/dev/null`], { encoding: 'utf8' });
  const num = (k: string) => Number(new RegExp(`^${k} ([0-9.]+)$`, 'm').exec(r.stderr)?.[1] ?? NaN);
  const t = { wall: num('real'), cpu: num('user') + num('sys') };
  process.stderr.write(`${label}: ${t.wall.toFixed(1)} s wall, ${t.cpu.toFixed(1)} s CPU (exit ${r.status})\n`);
  return t;
}

const rows: string[][] = [];
const loadBefore = loadavg()[0];
function measure(command: 'rates' | 'verify'): void {
  const dirOf = (jobs: number) => path.join(root, `${command}-jobs${jobs}`);
  const argvOf = (jobs: number) =>
    command === 'rates'
      ? ['rates', '--profile', 'quick', '--fresh', '--jobs', String(jobs), '--out', path.join(dirOf(jobs), 'results'), '--reports', dirOf(jobs), ...(only ? ['--only', only] : [])]
      : ['verify', '--profile', 'quick', '--jobs', String(jobs), '--reports', dirOf(jobs)];
  const serial = run(`${command} --jobs 1`, argvOf(1));
  rows.push([`${command} --profile quick`, '1', serial.wall.toFixed(1), serial.cpu.toFixed(1), '1.00', 'reference']);
  for (const jobs of jobsList) {
    const s = run(`${command} --jobs ${jobs}`, argvOf(jobs));
    rows.push([`${command} --profile quick`, String(jobs), s.wall.toFixed(1), s.cpu.toFixed(1), (serial.wall / s.wall).toFixed(2), sameResults(path.join(dirOf(1), 'results'), path.join(dirOf(jobs), 'results'))]);
  }
}

measure('rates');
if (!args.includes('--no-verify')) measure('verify');
const head = ['command', 'jobs', 'wall s', 'CPU s (all processes)', 'speed-up (wall)', 'results equal serial (timing aside)'];
console.log(`sweep pool bench: ${cores} cores (${cpus()[0]?.model ?? 'unknown CPU'}), node ${process.version}${only ? `, --only ${only}` : ''}; 1-minute load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after (above the core count, other processes shared the cores)`);
console.log(`| ${head.join(' | ')} |`);
console.log(`|${head.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
fs.rmSync(root, { recursive: true, force: true });
