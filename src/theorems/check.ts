/**
 * The rate-theorem check as one call: choose the theorems (and a sweep config's overrides), run or
 * resume each sweep on its engine, fit every theorem's results, judge them, and compare with (or
 * record) the baseline. The command line calls {@link checkTheorems} and prints what it returns.
 */
import * as fs from 'node:fs';
import { UserInputError } from '../core/errors.ts';
import type { Registry } from '../core/registry.ts';
import { analyzeTheorem, type RateSummary } from './analysis.ts';
import { checkBaseline, updateBaseline, type BaselineCheck } from './baseline.ts';
import { applyOverride, loadSweepConfig, overrideModification } from './config.ts';
import { gpuFaultError, requireEngineChoice, selectEngine } from './engines.ts';
import { theoremOutcome, type TheoremOutcome } from './outcome.ts';
import { readResults } from './results/index.ts';
import type { CostModel } from './cost.ts';
import { planSweeps, shardCells } from './plan.ts';
import { CellPool, type PoolStatus } from './pool.ts';
import { finalCells, resultsFile, runSweep, sweepCompleteness, type EngineName } from './runner.ts';
import type { ProfileName, RateTheorem, SweepCell } from './types.ts';

/** Shard i of N, 0-based index. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Parses `--shard i/N` (1-based i) into a 0-based {@link Shard}. */
export function parseShard(v: string | undefined): Shard | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || i < 1 || i > n) throw new UserInputError('--shard', 'must be i/N with 1 <= i <= N (e.g. 2/4)', `got "${v}"`);
  return { index: i - 1, count: n };
}

/** What happens while sweeps run, for a progress display. */
export interface CheckEvents {
  readonly sweepStart?: (th: RateTheorem) => void;
  readonly cell?: (th: RateTheorem, done: number, total: number, cell: SweepCell) => void;
  /** After a sweep, also after one that failed (then `result` is null). */
  readonly sweepEnd?: (th: RateTheorem, result: SweepReport | null) => void;
  /** Every theorem fitted and judged, before the baseline step (so reports are written even when it fails). */
  readonly judged?: (summaries: readonly TheoremCheck[]) => void;
}

/** Options of {@link checkTheorems}. */
export interface CheckTheoremsOptions {
  /** The registry the theorems come from (the built-in catalogue or a user's). */
  readonly theorems: Registry<RateTheorem>;
  readonly profile: ProfileName;
  /** Theorem ids; empty or absent: every registered theorem (or the config's `only`). */
  readonly only?: readonly string[];
  /** A sweep configuration file (JSON or YAML, ./config.ts): profile, engine, only and per-theorem overrides. */
  readonly config?: string;
  /** auto | cpu | webgpu (./engines.ts). */
  readonly engine: string;
  /** Results directory: `<out>/<theorem>.jsonl`. */
  readonly out: string;
  readonly shard?: Shard;
  readonly resume?: boolean;
  /** Remove existing results files first. */
  readonly fresh?: boolean;
  /** Fit existing results without running. */
  readonly analyzeOnly?: boolean;
  /** Replicas per cell for every theorem; absent keeps each declaration's. */
  readonly replicas?: number;
  /**
   * Added to every cell's base seed (mod 2^32): the same sweep under another master seed, for
   * stability checks (./stability.ts). Default 0.
   */
  readonly seedOffset?: number;
  /** Compare with the baseline file, or record these results in it. */
  readonly baseline?: { readonly file: string; readonly mode: 'check' | 'update' };
  readonly events?: CheckEvents;
  // Worker pool (./pool.ts, issue 20).
  /** Worker processes for the CPU engine's cells (default 1: this process runs them). */
  readonly jobs?: number;
  /** Module exporting the theorem registry as `theorems` (the catalogue's `theoremsModule`), for jobs > 1. */
  readonly theoremsModule?: string;
  /** Hears every change of the pool's status (jobs > 1). */
  readonly onPool?: (status: PoolStatus) => void;
  // Cost-weighted shards (./plan.ts, issue 20).
  /** How `shard` picks cells: by estimated cost, longest first (default), or by the cell key's hash. */
  readonly shardBy?: 'cost' | 'hash';
  /** The cost model of the plan (default: the built-in one, ./cost.ts). */
  readonly costModel?: CostModel;
}

/** A cost-planned shard's estimated and measured wall time. */
export interface ShardTime {
  readonly shard: Shard;
  readonly cells: number;
  readonly estimatedMs: number;
  readonly measuredMs: number;
}

/** One sweep that ran: how many cells ran and were resumed, where, and on which engine. */
export interface SweepReport {
  readonly file: string;
  readonly ran: number;
  readonly skipped: number;
  readonly total: number;
  readonly engine: EngineName;
  readonly why: string;
  /** The interrupted block that resuming dropped (line, bytes), if any. */
  readonly recovered?: { readonly line: number; readonly droppedBytes: number } | null;
}

/** One theorem's fitted results and outcome. */
export interface TheoremCheck {
  readonly th: RateTheorem;
  readonly summary: RateSummary;
  readonly outcome: TheoremOutcome;
  /** The results file the summary was fitted from. */
  readonly file: string;
  readonly profile: ProfileName;
}

/** The result of {@link checkTheorems}. */
export interface CheckTheoremsResult {
  /** Every outcome holds and no baseline regression (a shard run only runs: ok). */
  readonly ok: boolean;
  readonly profile: ProfileName;
  readonly sweeps: readonly { readonly id: string; readonly sweep: SweepReport }[];
  /** Empty for a shard run (a shard is fitted after merging). */
  readonly summaries: readonly TheoremCheck[];
  readonly baseline: ({ readonly mode: 'check' } & BaselineCheck) | { readonly mode: 'update'; readonly file: string } | null;
  /** A cost-planned shard run: its estimated and measured time. */
  readonly shardTime?: ShardTime;
}

/** Runs (or reads) the sweeps, fits and judges them, and checks the baseline (module doc). */
export async function checkTheorems(o: CheckTheoremsOptions): Promise<CheckTheoremsResult> {
  const config = o.config ? loadSweepConfig(o.config, o.theorems.ids()) : null;
  const profile = config?.profile ?? o.profile;
  const engineChoice = requireEngineChoice(config?.engine ?? o.engine);
  const only = o.only ?? config?.only ?? [];
  if (o.only && o.only.every((id) => id.trim() === '')) throw new UserInputError('--only', 'must name at least one theorem id', `got "${o.only.join(',')}"`);
  const list = only.length ? only.map((id) => o.theorems.get(id.trim())) : o.theorems.all();
  const offset = o.seedOffset ?? 0;
  /** The config's overrides, then the seed offset. */
  const cellTransform = (id: string) => (cells: SweepCell[]) =>
    applyOverride(id, cells, config?.theorems?.[id]).map((c) => (offset ? { ...c, recipe: { ...c.recipe, seed: (c.recipe.seed + offset) >>> 0 } } : c));
  const sweeps: { id: string; sweep: SweepReport }[] = [];
  if (!o.analyzeOnly) {
    const pool = (o.jobs ?? 1) > 1 && engineChoice !== 'webgpu' ? CellPool.open(o.jobs!, o.theoremsModule, o.onPool) : undefined;
    for (const th of list) pool?.cellsOf(th.id, profile); // every theorem's cells start building in the pool
    const plan = o.shard && o.shardBy !== 'hash' ? await planSweeps(list, async (th) => finalCells(pool ? await pool.cellsOf(th.id, profile) : th.cells(profile), cellTransform(th.id), o.replicas), o.shard.count, o.costModel) : null;
    const planned = plan && o.shard ? shardCells(plan, o.shard.index) : null;
    const started = performance.now();
    for (const th of list) {
      const { engine, run, why } = await selectEngine(engineChoice, th, profile);
      const transform = cellTransform(th.id);
      const file = resultsFile(o.out, th.id);
      o.events?.sweepStart?.(th);
      let r: Awaited<ReturnType<typeof runSweep>>;
      try {
        r = await runSweep(th, {
          profile,
          outDir: o.out,
          engine,
          run,
          ...(o.shard ? { shard: planned ? { ...o.shard, cells: planned.get(th.id) ?? new Set<number>() } : o.shard } : {}),
          resume: Boolean(o.resume),
          fresh: Boolean(o.fresh),
          replicas: o.replicas ?? null,
          transform,
          onCell: (done, total, cell) => o.events?.cell?.(th, done, total, cell),
          ...(pool ? { pool } : {}),
        });
      } catch (err) {
        pool?.close();
        o.events?.sweepEnd?.(th, null);
        if (err instanceof UserInputError || engine !== 'webgpu') throw err;
        throw await gpuFaultError(err, th.id, file);
      }
      const sweep = { ...r, engine, why };
      o.events?.sweepEnd?.(th, sweep);
      sweeps.push({ id: th.id, sweep });
    }
    pool?.close();
    if (o.shard) {
      const shardTime = plan && planned ? { shard: o.shard, cells: [...planned.values()].reduce((n, c) => n + c.size, 0), estimatedMs: plan.loadMs[o.shard.index], measuredMs: performance.now() - started } : undefined;
      return { ok: true, profile, sweeps, summaries: [], baseline: null, ...(shardTime ? { shardTime } : {}) };
    }
  }
  const summaries = list.map((th): TheoremCheck => {
    const file = resultsFile(o.out, th.id);
    if (!fs.existsSync(file)) throw new UserInputError('results', `no results file for ${th.id}: run the sweep first`, file);
    const rows = readResults(file).rows;
    const changes = { transform: cellTransform(th.id), replicas: o.replicas ?? null };
    const { missing, unexpected } = sweepCompleteness(th, profile, rows, changes);
    if (missing.length || unexpected.length) {
      const say = (what: string, keys: string[]) => (keys.length ? [`${keys.length} ${what} (first: ${keys[0]})`] : []);
      throw new UserInputError(
        `results of ${th.id}`,
        `must hold exactly the cells of the declared ${profile} sweep (a complete, unsharded or merged set)`,
        `${file}: ${[...say('declared cell(s) missing', missing), ...say('cell(s) not in the sweep', unexpected)].join('; ')}`,
      );
    }
    const summary = analyzeTheorem(th, rows);
    const outcome = theoremOutcome(th, summary);
    const modified = overrideModification(config?.theorems?.[th.id]);
    if (!modified) return { th, summary, outcome, file, profile };
    const note = `modified by the config (${modified}): judged against the declared bound and constants, not the run's`;
    return { th, summary, outcome: { ...outcome, verdict: `${outcome.verdict} (modified run)`, notes: [...outcome.notes, note] }, file, profile };
  });
  o.events?.judged?.(summaries);
  let ok = summaries.every((s) => s.outcome.ok);
  let baseline: CheckTheoremsResult['baseline'] = null;
  if (o.baseline?.mode === 'update') {
    updateBaseline(o.baseline.file, summaries.map((s) => ({ id: s.th.id, summary: s.summary })));
    baseline = { mode: 'update', file: o.baseline.file };
  } else if (o.baseline?.mode === 'check') {
    const check = checkBaseline(o.baseline.file, summaries.map((s) => ({ id: s.th.id, tol: s.th.tol, summary: s.summary })));
    if (check.regressions) ok = false;
    baseline = { mode: 'check', ...check };
  }
  return { ok, profile, sweeps, summaries, baseline };
}
