/**
 * A pool of worker processes that runs sweep cells on the CPU engine, on every core of one machine.
 *
 * Each task is one cell, or a contiguous range of its replicas (a large cell is split so the pool's
 * last busy worker does not finish it alone). A worker is a child process (`./pool-worker.ts`,
 * processes rather than threads so the TypeScript loader applies in each); it finds the task's
 * theorem by id in the registry module the catalogue names (`Catalogue.theoremsModule`), builds
 * the run from the cell's recipe (plain data) and runs it with `runCpu`. Every random stream is
 * keyed by the global replica index, so the concatenation of the ranges equals one serial run bit
 * for bit ({@link concatResults}); the callers write finished cells in cell order, so a pooled
 * sweep's results file equals the serial one apart from the `wallMs` column (tested in
 * tests/sweeps/pool.test.ts).
 *
 * Tasks run in submission order (first in, first out), so the cells of several theorems may share
 * one pool: the next theorem's cells fill the workers the previous one leaves idle.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { TSX_EXEC_ARGV } from '../core/processes.ts';
import { fileURLToPath } from 'node:url';
import { UserInputError } from '../core/errors.ts';
import { concatResults } from '../engine/cpu-parallel.ts';
import type { RunRecipe } from '../engine/recipe.ts';
import type { RunResult } from '../engine/types.ts';
import type { ProfileName, SweepCell } from './types.ts';

/** What the pool shows a progress display: workers, how many are busy, tasks waiting, cells done. */
export interface PoolStatus {
  readonly jobs: number;
  readonly busy: number;
  readonly queued: number;
  readonly cellsDone: number;
  /** What each busy worker runs: `theorem T=... r0-r1`. */
  readonly running: readonly string[];
}

/** A task: replicas `range` of one cell's recipe, or (recipe null) building a theorem's cells. */
interface Chunk {
  readonly theorem: string;
  readonly recipe: RunRecipe | null;
  readonly range: readonly [number, number];
  readonly profile: ProfileName;
  readonly label: string;
  resolve(r: unknown): void;
  reject(e: Error): void;
}

interface Worker {
  readonly proc: ChildProcess;
  current: Chunk | null;
  dead: boolean;
}

/**
 * Splits replicas 0..R-1 into `k` contiguous ranges as equal as possible (k clamped to 1..R):
 * range i is [round(i R / k), round((i+1) R / k)).
 */
export function replicaRanges(replicas: number, k: number): [number, number][] {
  const parts = Math.max(1, Math.min(Math.floor(k), replicas));
  const b = Array.from({ length: parts + 1 }, (_, i) => Math.round((i * replicas) / parts));
  return b.slice(0, parts).map((s, i) => [s, b[i + 1]]);
}

/**
 * How many replica ranges each cell of a sweep is split into on `jobs` workers: a cell whose
 * estimated cost exceeds a quarter of a fair share (total / jobs / 4) is cut into ceil(cost /
 * share) ranges, at most its replica count and at most `jobs`; others stay whole. With one worker
 * nothing is split. Deterministic in its inputs.
 */
export function chunkCounts(costs: readonly number[], replicas: readonly number[], jobs: number): number[] {
  if (jobs <= 1) return costs.map(() => 1);
  const total = costs.reduce((s, c) => s + c, 0);
  const share = total / jobs / 4;
  return costs.map((c, i) => (share > 0 && c > share ? Math.max(1, Math.min(replicas[i], jobs, Math.ceil(c / share))) : 1));
}

/**
 * A busy worker keeps this process alive (its pending result is awaited); an idle one does not, so
 * a pool left open after an error never keeps the command from exiting.
 */
function hold(proc: ChildProcess, busy: boolean): void {
  const ch = proc.channel as { ref(): void; unref(): void } | null | undefined;
  if (busy) {
    proc.ref();
    ch?.ref();
  } else {
    proc.unref();
    ch?.unref();
  }
}

/** The pool of the module doc. Create with {@link CellPool.open}; always {@link CellPool.close} it. */
export class CellPool {
  private readonly workers: Worker[] = [];
  private readonly queue: Chunk[] = [];
  private cellsDone = 0;
  private readonly cells = new Map<string, Promise<SweepCell[]>>();
  private closed = false;
  private readonly workerFile = fileURLToPath(new URL('./pool-worker.ts', import.meta.url));

  private constructor(
    /** Worker processes at most (started on demand). */
    readonly jobs: number,
    /** URL of the module exporting the catalogue's theorem registry as `theorems`. */
    readonly theoremsModule: string,
    private readonly onChange?: (s: PoolStatus) => void,
  ) {}

  /**
   * A pool of `jobs` workers (an integer >= 1) over the theorem registry exported as `theorems` by
   * `theoremsModule`; `onChange` hears every change of {@link CellPool.status}.
   */
  static open(jobs: number, theoremsModule: string | undefined, onChange?: (s: PoolStatus) => void): CellPool {
    if (!Number.isInteger(jobs) || jobs < 1) throw new UserInputError('--jobs', 'must be an integer >= 1', `got ${jobs}`);
    if (!theoremsModule) throw new UserInputError('theoremsModule', `must name the module of the theorem registry to run cells in ${jobs} worker processes`);
    return new CellPool(jobs, theoremsModule, onChange);
  }

  /** Workers, busy workers, queued tasks, cells done, and what runs. */
  status(): PoolStatus {
    const busy = this.workers.filter((w) => w.current);
    return { jobs: this.jobs, busy: busy.length, queued: this.queue.length, cellsDone: this.cellsDone, running: busy.map((w) => w.current!.label) };
  }

  /**
   * Runs one cell of theorem `theorem` (all replicas of `recipe`) split into `chunks` replica
   * ranges; resolves with the result a serial `runCpu` would give (wallMs: the sum over ranges).
   */
  runCell(theorem: string, recipe: RunRecipe, chunks = 1): Promise<RunResult> {
    if (this.closed) return Promise.reject(new Error('the cell pool is closed'));
    const ranges = replicaRanges(recipe.replicas, chunks);
    const parts = ranges.map(
      (range) =>
        new Promise<RunResult>((resolve, reject) => {
          const label = `${theorem} T=${recipe.T}${ranges.length > 1 ? ` r${range[0]}-${range[1] - 1}` : ''}`;
          this.queue.push({ theorem, recipe, range, profile: 'quick', label, resolve: resolve as (r: unknown) => void, reject });
        }),
    );
    this.dispatch();
    return Promise.all(parts).then((rs) => {
      this.cellsDone++;
      this.changed();
      return rs.length === 1 ? rs[0] : concatResults(rs, rs.reduce((s, r) => s + r.wallMs, 0));
    });
  }

  /**
   * The cells of a theorem for a profile, built by a worker (`theorem.cells(profile)`; building
   * some runs a tuning search, so several theorems' cells build in parallel). Asked once per
   * (theorem, profile); later calls get the same promise. Equal to building them here: cells are
   * plain data from a deterministic function, copied by the structured clone.
   */
  cellsOf(theorem: string, profile: ProfileName): Promise<SweepCell[]> {
    const key = `${profile}\u0000${theorem}`;
    let p = this.cells.get(key);
    if (!p) {
      if (this.closed) return Promise.reject(new Error('the cell pool is closed'));
      p = new Promise<SweepCell[]>((resolve, reject) => {
        this.queue.push({ theorem, recipe: null, range: [0, 0], profile, label: `${theorem} cells`, resolve: resolve as (r: unknown) => void, reject });
      });
      p.catch(() => {});
      this.cells.set(key, p);
      this.dispatch();
    }
    return p;
  }

  /**
   * Stops every worker; queued tasks are rejected. An idle worker is disconnected and exits by
   * itself, a busy one is killed; either way this process waits for its exit (a few milliseconds),
   * so no worker outlives the command and its CPU time is counted as the command's.
   */
  close(): void {
    this.closed = true;
    for (const c of this.queue.splice(0)) c.reject(new Error('the cell pool was closed'));
    for (const w of this.workers) {
      w.dead = true;
      w.proc.ref();
      w.current?.reject(new Error(`${w.current.label}: the cell pool was closed`));
      if (w.current || !w.proc.connected) w.proc.kill();
      else w.proc.disconnect();
    }
    this.workers.length = 0;
  }

  private changed(): void {
    this.onChange?.(this.status());
  }

  private dispatch(): void {
    while (this.queue.length) {
      let w = this.workers.find((x) => !x.current && !x.dead);
      if (!w && this.workers.length < this.jobs) w = this.spawn();
      if (!w) break;
      const chunk = this.queue.shift()!;
      w.current = chunk;
      hold(w.proc, true);
      w.proc.send({ theoremsModule: this.theoremsModule, theorem: chunk.theorem, recipe: chunk.recipe, range: chunk.range, profile: chunk.profile });
    }
    this.changed();
  }

  private spawn(): Worker {
    const proc = fork(this.workerFile, [], { execArgv: [...TSX_EXEC_ARGV], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const w: Worker = { proc, current: null, dead: false };
    hold(proc, false);
    this.workers.push(w);
    const finish = () => {
      const c = w.current;
      w.current = null;
      hold(proc, false);
      return c;
    };
    proc.on('message', (m: { ok: boolean; res?: unknown; message?: string; name?: string; parameter?: string; rule?: string }) => {
      const c = finish();
      if (!c) return;
      if (m.ok) c.resolve(m.res!);
      else if (m.name === 'UserInputError') c.reject(Object.assign(new UserInputError(m.parameter ?? c.theorem, m.rule ?? 'invalid input'), { message: m.message }));
      else c.reject(new Error(`${c.label}: ${m.message}`));
      this.dispatch();
    });
    const lost = (why: string) => {
      if (w.dead) return;
      w.dead = true;
      this.workers.splice(this.workers.indexOf(w), 1);
      const c = finish();
      c?.reject(new Error(`${c.label}: the worker process ${why}`));
      if (!this.closed) this.dispatch();
    };
    proc.once('error', (e) => lost(`failed (${e.message})`));
    proc.once('exit', (code, signal) => lost(`exited (code ${code}, signal ${signal})`));
    return w;
  }
}
