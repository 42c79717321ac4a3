import { Option } from 'commander';
import { UserInputError } from '../core/errors.ts';
import type { PoolStatus } from '../theorems/pool.ts';
/**
 * Progress on a terminal: one line rewritten in place with cells done, total and an ETA from the
 * mean time per finished cell. Silent when stderr is not a TTY (CI logs, pipes).
 */
export function progressLine(label: string): { update(done: number, total: number, note: string): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let last = 0;
  return {
    update(done, total, note) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const per = done > 0 ? (now - started) / done : 0;
      const eta = done > 0 ? Math.round((per * (total - done)) / 1000) : NaN;
      const width = 24;
      const filled = total > 0 ? Math.round((width * done) / total) : 0;
      const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
      process.stderr.write(`\r${label} [${bar}] ${done}/${total} ${Number.isFinite(eta) ? `ETA ${eta}s` : ''} ${note}`.padEnd(100).slice(0, 100));
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}

/** `--jobs N`: worker processes for the sweep's cells (default: every core, os.availableParallelism()). */
export function jobsOption(): Option {
  return new Option('--jobs <n>', 'worker processes for the CPU cells (default: every core; 1 runs them in this process)').argParser((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UserInputError('--jobs', 'must be an integer >= 1', `got "${v}"`);
    return n;
  });
}

/** The pool's part of the progress line: ` | pool 2/4 busy, 7 queued`. */
export function poolNote(s: PoolStatus): string {
  return ` | pool ${s.busy}/${s.jobs} busy, ${s.queued} queued`;
}
