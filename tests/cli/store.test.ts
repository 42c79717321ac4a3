/**
 * The results store from the command line: one writer per results directory, stale locks,
 * resume refusing a changed design before any compute, the torn tail it drops, no empty file
 * after a failed start, and `signcheck repair` for a file two writers appended to.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtinCatalogue } from '../../catalogue.ts';
import { main } from '../../src/cli/main.ts';
import { LOCK_FILE, readResults } from '../../src/theorems/results/index.ts';

const bin = fileURLToPath(new URL('../../bin/signcheck.mjs', import.meta.url));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-store-'));

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function run(argv: string[]): Promise<{ code: number; err: string; out: string }> {
  const err: string[] = [];
  const out: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  });
  try {
    return { code: await main(argv, builtinCatalogue), err: err.join(''), out: out.join('') };
  } finally {
    vi.restoreAllMocks();
  }
}

/** A small sweep: signum-separable at 2 values of T, 2 replicas (2 cells). */
function small(dir: string, extra = ''): string[] {
  const cfg = path.join(dir, `c${extra.length}.yaml`);
  fs.writeFileSync(cfg, `theorems:\n  signum-separable:\n    replicas: 2\n    T: [1024, 4096]\n${extra}`);
  return ['rates', '--only', 'signum-separable', '--config', cfg, '--engine', 'cpu', '--out', path.join(dir, 'out'), '--reports', path.join(dir, 'rep')];
}
const resultsOf = (dir: string) => path.join(dir, 'out', 'signum-separable.jsonl');
const snapshot = (dir: string) => Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f)).toString('base64')]));

describe('one writer per results directory', () => {
  it('a second writer (fresh or --resume) is refused naming the first; the file stays readable', async () => {
    const dir = tmp();
    const cfg = path.join(dir, 'c.yaml');
    fs.writeFileSync(cfg, 'theorems:\n  signum-separable:\n    replicas: 6\n');
    const args = ['rates', '--only', 'signum-separable', '--config', cfg, '--engine', 'cpu', '--out', path.join(dir, 'out'), '--reports', path.join(dir, 'rep')];
    const first = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
    const exited = new Promise<number | null>((res) => first.once('exit', res));
    const lock = path.join(dir, 'out', LOCK_FILE);
    for (let i = 0; i < 600 && !fs.existsSync(lock); i++) await new Promise((r) => setTimeout(r, 50));
    expect(fs.existsSync(lock)).toBe(true);
    for (const extra of [['--resume'], []]) {
      const second = await run([...args, ...extra]);
      expect(second.code).toBe(2);
      expect(second.err).toMatch(new RegExp(`--out: is being written by another signcheck run: one writer per results directory .*pid ${first.pid} on ${os.hostname()}`));
    }
    expect([0, 1]).toContain(await exited);
    expect(fs.existsSync(lock)).toBe(false); // released at exit
    expect(readResults(path.join(dir, 'out', 'signum-separable.jsonl')).cells).toHaveLength(4); // no duplicate blocks
  }, 120_000);

  it('a stale lock (its process is gone) is reported and taken over', async () => {
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'out'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    fs.writeFileSync(path.join(dir, 'out', LOCK_FILE), JSON.stringify({ pid: dead, host: os.hostname(), started: '2026-01-01T00:00:00.000Z', command: 'signcheck rates' }));
    const r = await run(small(dir));
    expect([0, 1]).toContain(r.code);
    expect(r.err).toMatch(new RegExp(`took over the stale lock of pid ${dead} on ${os.hostname()} \\(started 2026-01-01T00:00:00.000Z; that process is gone\\)`));
    expect(fs.existsSync(path.join(dir, 'out', LOCK_FILE))).toBe(false);
  }, 60_000);
});

describe('--resume refuses a changed design before any compute, and says what it drops', () => {
  const dir = tmp();
  it('a first run', async () => {
    expect([0, 1]).toContain((await run(small(dir))).code);
    expect(readResults(resultsOf(dir)).cells).toHaveLength(2);
  }, 60_000);

  it('other replicas: refused, the results directory untouched', async () => {
    const before = snapshot(path.join(dir, 'out'));
    const r = await run([...small(dir), '--resume', '--replicas', '3']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--resume: must keep the replica count of the finished cells .*has 2 replicas, this run asks for 3/);
    expect(snapshot(path.join(dir, 'out'))).toEqual(before);
  });

  it('another seed: refused (the file holds cells this run does not plan)', async () => {
    const before = snapshot(path.join(dir, 'out'));
    const r = await run([...small(dir, '    seed: 5\n'), '--resume']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--resume: must continue the same sweep: .*seed, grid or settings changed.*2 cell\(s\), first signum-separable\//);
    expect(snapshot(path.join(dir, 'out'))).toEqual(before);
  });

  it('a torn tail: --resume says how many bytes it dropped', async () => {
    const file = resultsOf(dir);
    const whole = fs.readFileSync(file);
    fs.appendFileSync(file, '{"theorem":"signum-separable","cell":');
    const r = await run([...small(dir), '--resume']);
    expect([0, 1]).toContain(r.code);
    expect(r.err).toMatch(new RegExp(`signum-separable: --resume dropped 37 bytes of an interrupted cell block \\(from line ${whole.toString().split("\n").length}\\)`));
    expect(fs.readFileSync(file)).toEqual(whole);
  }, 60_000);
});

describe('failures leave nothing behind', () => {
  it('an invalid schedule leaves no empty results file (the corrected command then runs)', async () => {
    const dir = tmp();
    const r = await run(small(dir, '    hyper:\n      lr: "1/("\n'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/lr/);
    expect(fs.existsSync(resultsOf(dir))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'out', LOCK_FILE))).toBe(false);
  });
});

describe('signcheck repair', () => {
  it('removes identical repeated blocks (two writers), after which the file reads strictly', async () => {
    const dir = tmp();
    expect([0, 1]).toContain((await run(small(dir))).code);
    const file = resultsOf(dir);
    const once = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, once + once);
    const analyze = await run([...small(dir), '--analyze-only']);
    expect(analyze.code).toBe(2);
    expect(analyze.err).toMatch(/duplicate cell\): if two runs wrote it, `signcheck repair`/);
    const r = await run(['repair', path.join(dir, 'out')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/signum-separable\.jsonl: removed 2 repeated block\(s\)/);
    expect(fs.readFileSync(file, 'utf8')).toBe(once);
    expect([0, 1]).toContain((await run([...small(dir), '--analyze-only'])).code);
  }, 60_000);
});

describe('merge checks that shards come from one sweep', () => {
  it('merges shards of one sweep (run headers kept); refuses a shard of another seed, naming it', async () => {
    const dir = tmp();
    const cfg = (seed: number) => {
      const f = path.join(dir, `s${seed}.yaml`);
      fs.writeFileSync(f, `theorems:\n  signum-separable:\n    replicas: 2\n    seed: ${seed}\n    T: [1024, 4096]\n`);
      return f;
    };
    const shard = async (i: number, seed: number, out: string) => {
      const r = await run(['rates', '--only', 'signum-separable', '--config', cfg(seed), '--engine', 'cpu', '--shard', `${i}/2`, '--out', path.join(dir, out)]);
      expect(r.code, r.err).toBe(0);
    };
    await shard(1, 5, 'a');
    await shard(2, 5, 'b');
    await shard(2, 6, 'c');
    for (const d of ['a', 'b']) {
      const headers = fs.readFileSync(path.join(dir, d, 'runs.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      if (fs.existsSync(path.join(dir, d, 'signum-separable.jsonl'))) expect(headers).toHaveLength(1);
      for (const h of headers) expect(Object.keys(h)).toEqual(expect.arrayContaining(['signcheck', 'gitSha', 'dirty', 'node', 'dawn', 'profile', 'engine', 'code', 'config']));
    }
    const ok = await run(['merge', path.join(dir, 'a'), path.join(dir, 'b'), '--out', path.join(dir, 'm')]);
    expect(ok.code, ok.err).toBe(0);
    expect(readResults(path.join(dir, 'm', 'signum-separable.jsonl')).cells).toHaveLength(2);
    expect(fs.existsSync(path.join(dir, 'm', 'runs.ndjson'))).toBe(true);
    const bad = await run(['merge', path.join(dir, 'a'), path.join(dir, 'c'), '--out', path.join(dir, 'm2')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/merge: shards must come from one sweep .*differ in config\.theorems\.signum-separable\.seed: 5 vs 6/);
    expect(fs.existsSync(path.join(dir, 'm2', 'signum-separable.jsonl'))).toBe(false);
  }, 60_000);
});
