import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE, lockResultsDir, readLock } from './lock.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-lock-'));

/** A pid that is not alive: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

describe('results directory lock', () => {
  it('holds pid, host, start time and command; release removes it', () => {
    const dir = tmp();
    const l = lockResultsDir(dir, 'signcheck rates --out x');
    const seen = readLock(dir);
    expect(seen).toEqual({ pid: process.pid, host: os.hostname(), started: l.info.started, command: 'signcheck rates --out x' });
    expect(Number.isNaN(Date.parse(seen!.started))).toBe(false);
    l.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expect(fs.readdirSync(dir)).toEqual([]); // no temporary left behind
  });

  it('a second writer is refused, naming the first (a live process)', async () => {
    const dir = tmp();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: child.pid, host: os.hostname(), started: '2026-01-01T00:00:00.000Z', command: 'signcheck rates' }));
      expect(() => lockResultsDir(dir, 'second')).toThrow(new RegExp(`--out: is being written by another signcheck run.*pid ${child.pid} on ${os.hostname()}, started 2026-01-01T00:00:00.000Z: "signcheck rates"`));
      expect(readLock(dir)?.pid).toBe(child.pid); // untouched
    } finally {
      child.kill();
    }
  });

  it('the same process cannot take the lock twice', () => {
    const dir = tmp();
    const l = lockResultsDir(dir, 'a');
    expect(() => lockResultsDir(dir, 'b')).toThrow(/already locked by this process/);
    l.release();
  });

  it('a stale lock (dead pid on this host) is reported and taken over', () => {
    const dir = tmp();
    const pid = deadPid();
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid, host: os.hostname(), started: '2026-01-01T00:00:00.000Z', command: 'killed' }));
    const stale: number[] = [];
    const l = lockResultsDir(dir, 'new', '--out', (s) => stale.push(s.pid));
    expect(stale).toEqual([pid]);
    expect(l.tookOver?.pid).toBe(pid);
    expect(readLock(dir)?.pid).toBe(process.pid);
    l.release();
  });

  it('a lock of another host, or an unreadable one, is refused with advice', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: 1, host: 'elsewhere.example', started: 'x', command: '' }));
    expect(() => lockResultsDir(dir, 'x')).toThrow(/another host \(remove the lock file if that run is gone\).*elsewhere\.example/);
    fs.writeFileSync(path.join(dir, LOCK_FILE), '{"pi');
    expect(() => lockResultsDir(dir, 'x')).toThrow(/unreadable lock file/);
  });
});
