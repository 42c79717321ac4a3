import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readResults, serializeRows } from '../../src/theorems/results/index.ts';

const bin = fileURLToPath(new URL('../../bin/signcheck.mjs', import.meta.url));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-resume-'));
// a small but real sweep: 4 cells of signum-separable with 6 replicas each (too few for a conclusive
// verdict: the runs exit 1 with INCONCLUSIVE, which is the judgement, not an error; 2 would be one)
const config = 'theorems:\n  signum-separable:\n    replicas: 6\n';

function content(file: string): string {
  return serializeRows(readResults(file).rows, { timing: false });
}

describe('sweeps survive SIGKILL and are deterministic', () => {
  it('a sweep killed part-way and resumed equals an uninterrupted run, bit for bit (timing aside)', async () => {
    const dir = tmp();
    const cfg = path.join(dir, 'c.yaml');
    fs.writeFileSync(cfg, config);
    const args = (out: string) => [bin, 'rates', '--only', 'signum-separable', '--config', cfg, '--out', out, '--reports', path.join(dir, `rep-${path.basename(out)}`)];

    const whole = path.join(dir, 'whole');
    const r = spawnSync(process.execPath, args(whole), { encoding: 'utf8' });
    expect([0, 1], r.stderr).toContain(r.status);
    expect(r.stdout).toMatch(/signum-separable: (TIGHT|PASS|SLOWER|INCONCLUSIVE|FAIL)/);

    const killed = path.join(dir, 'killed');
    const file = path.join(killed, 'signum-separable.jsonl');
    const child = spawn(process.execPath, args(killed), { stdio: 'ignore' });
    // kill once the first cell is on disk (the sweep has 4 cells, the largest takes most of the time)
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const done = fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('\n');
        if (done || Date.now() - started > 60_000) {
          clearInterval(poll);
          child.kill('SIGKILL');
          done ? resolve() : reject(new Error('no cell finished within 60 s'));
        }
      }, 20);
    });
    await new Promise((res) => child.once('exit', res));
    const partial = readResults(file, { allowTornTail: true });
    expect(partial.cells.length).toBeGreaterThan(0);
    expect(partial.cells.length).toBeLessThan(4);

    const resumed = spawnSync(process.execPath, [...args(killed), '--resume'], { encoding: 'utf8' });
    expect([0, 1], resumed.stderr).toContain(resumed.status);
    expect(resumed.stdout).toMatch(/resumed/);
    expect(content(file)).toBe(content(path.join(whole, 'signum-separable.jsonl')));

    // determinism: the same command again writes the same results (timing columns aside)
    const again = path.join(dir, 'again');
    expect([0, 1]).toContain(spawnSync(process.execPath, args(again), { encoding: 'utf8' }).status);
    expect(content(path.join(again, 'signum-separable.jsonl'))).toBe(content(path.join(whole, 'signum-separable.jsonl')));
  });

  it('refuses to overwrite results without --resume or --fresh, and reports a corrupted file with its line', () => {
    const dir = tmp();
    const cfg = path.join(dir, 'c.yaml');
    fs.writeFileSync(cfg, 'theorems:\n  signum-separable:\n    replicas: 2\n    T: [1024, 4096]\n');
    const out = path.join(dir, 'r');
    const base = [bin, 'rates', '--only', 'signum-separable', '--config', cfg, '--out', out, '--reports', path.join(dir, 'rep')];
    expect([0, 1]).toContain(spawnSync(process.execPath, base, { encoding: 'utf8' }).status);
    const second = spawnSync(process.execPath, base, { encoding: 'utf8' });
    expect(second.status).toBe(2);
    expect(second.stderr).toMatch(/results file: already exists: pass --resume/);
    const file = path.join(out, 'signum-separable.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[3] = lines[3].replace(/"value":[^,]+/, '"value":123.5');
    fs.writeFileSync(file, lines.join('\n'));
    const corrupt = spawnSync(process.execPath, [...base, '--analyze-only'], { encoding: 'utf8' });
    expect(corrupt.status).toBe(2);
    expect(corrupt.stderr).toMatch(/line 4/);
    expect(corrupt.stderr).not.toMatch(/\n\s+at /); // no stack trace for a user error
  });
});
