/**
 * One writer per results directory: a lock file `<dir>/.signcheck.lock` holding the writer's
 * pid, host, start time and command, created atomically (written to a temporary file, then
 * hard-linked to the lock name, which fails when the name exists), so a reader never sees a
 * half-written lock.
 *
 * - A second writer finds the lock and is refused with a UserInputError naming the first (pid,
 *   host, start time, command) and the lock file.
 * - A stale lock (its pid is not alive on this host, e.g. after SIGKILL) is detected, reported
 *   through `onStale`, and taken over.
 * - A lock of another host cannot be checked: it is refused with the advice to remove the file
 *   when that run is known to be gone. An unreadable lock file is refused the same way.
 * The lock is released (the file removed) by {@link DirLock.release}, and on process exit.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserInputError, shown } from '../../core/errors.ts';

/** Name of the lock file inside a results directory. */
export const LOCK_FILE = '.signcheck.lock';

/** What a lock file records. */
export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  /** ISO 8601 start time. */
  readonly started: string;
  /** The command that holds the lock (for the refusal message). */
  readonly command: string;
}

/** A held lock. */
export interface DirLock {
  readonly file: string;
  readonly info: LockInfo;
  /** The stale lock that was taken over, if any. */
  readonly tookOver: LockInfo | null;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseLock(text: string): LockInfo | null {
  try {
    const o = JSON.parse(text) as Partial<LockInfo>;
    if (Number.isInteger(o.pid) && typeof o.host === 'string' && typeof o.started === 'string') return { pid: o.pid!, host: o.host, started: o.started, command: String(o.command ?? '') };
  } catch {
    /* fall through */
  }
  return null;
}

function describe(l: LockInfo): string {
  return `pid ${l.pid} on ${l.host}, started ${l.started}${l.command ? `: ${shown(l.command)}` : ''}`;
}

const held = new Set<string>();
process.once('exit', () => {
  for (const f of held) {
    try {
      fs.unlinkSync(f);
    } catch {
      /* already gone */
    }
  }
});

/**
 * Takes the lock of results directory `dir` (created if absent) for `command`; `flag` names the
 * option the directory came from in errors. Refuses a live lock (module doc); takes over a stale
 * one after calling `onStale` with it.
 */
export function lockResultsDir(dir: string, command: string, flag = '--out', onStale?: (stale: LockInfo, file: string) => void): DirLock {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), command };
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(info)}\n`);
  let tookOver: LockInfo | null = null;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(tmp, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
      }
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        continue; // released in between: try again
      }
      const other = parseLock(text);
      if (!other) throw new UserInputError(flag, 'must not hold an unreadable lock file (remove it if no signcheck run is writing there)', `${file}: ${shown(text.slice(0, 80))}`);
      if (other.host !== info.host) {
        throw new UserInputError(flag, 'is being written by a signcheck run on another host (remove the lock file if that run is gone)', `${describe(other)}; lock ${file}`);
      }
      if (other.pid !== process.pid && alive(other.pid)) {
        throw new UserInputError(flag, 'is being written by another signcheck run: one writer per results directory (wait for it, or stop it)', `${describe(other)}; lock ${file}`);
      }
      if (other.pid === process.pid && held.has(file)) {
        throw new UserInputError(flag, 'is already locked by this process', file);
      }
      // stale: its process is gone; take it over. Only a lock still holding the stale text is
      // moved away (a racing taker-over that got there first keeps its own); the link decides.
      try {
        if (fs.readFileSync(file, 'utf8') !== text) continue;
      } catch {
        continue;
      }
      onStale?.(other, file);
      tookOver = other;
      const gone = `${file}.stale.${process.pid}`;
      try {
        fs.renameSync(file, gone);
        fs.unlinkSync(gone);
      } catch {
        /* someone else took it over or removed it; the next link attempt decides */
      }
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  held.add(file);
  return {
    file,
    info,
    tookOver,
    release() {
      if (!held.delete(file)) return;
      try {
        const now = parseLock(fs.readFileSync(file, 'utf8'));
        if (now && now.pid === info.pid && now.started === info.started) fs.unlinkSync(file);
      } catch {
        /* already gone */
      }
    },
  };
}

/** The lock currently on `dir`, if any (for messages and tests). */
export function readLock(dir: string): LockInfo | null {
  try {
    return parseLock(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'));
  } catch {
    return null;
  }
}
