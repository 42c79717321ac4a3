import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserInputError } from '../core/errors.ts';
import { runCpu } from '../engine/cpu.ts';
import { specFromRecipe } from '../engine/recipe.ts';
import type { RunResult, RunSpec } from '../engine/types.ts';
import { codeVersion } from './results/provenance.ts';
import { cellKey, makeRow, ResultsWriter, shardOf, type CellSpec, type ParamValue, type ResultRow } from './results/index.ts';
import { estimateCellMs, featuresOfRecipe } from './cost.ts';
import { chunkCounts, type CellPool } from './pool.ts';
import type { MetricName, ProfileName, RateTheorem, SweepCell } from './types.ts';

/** Which engine runs the cells. */
export type EngineName = 'cpu' | 'webgpu';
/** Every {@link EngineName}. */
export const ENGINE_NAMES: readonly EngineName[] = ['cpu', 'webgpu'];

/** A function that runs one RunSpec (all replicas of one cell). */
export type EngineRun = (spec: RunSpec) => RunResult | Promise<RunResult>;

/**
 * The code version of result rows: the commit of signcheck's own checkout ("-dirty" when
 * modified), or signcheck@<version> outside one; never the working directory's repository
 * (./results/provenance.ts).
 */
export function gitSha(): string {
  return codeVersion();
}

/** Flattens a recipe's settings into row params: hyper.*, problem.*, noise.*, plus the cell's own. */
export function rowParams(cell: SweepCell): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  const put = (k: string, v: unknown) => {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
    else if (v !== undefined) out[k] = JSON.stringify(v);
  };
  const r = cell.recipe;
  for (const [k, v] of Object.entries(r.hyper)) put(`hyper.${k}`, v);
  for (const [k, v] of Object.entries(r.problem.params)) if (k !== 'd') put(`problem.${k}`, v);
  if (r.noise) {
    for (const [k, v] of Object.entries(r.noise.params ?? {})) put(`noise.${k}`, v);
    put('noise.sigma', r.noise.sigma);
  }
  for (const [k, v] of Object.entries(cell.params)) out[k] = v;
  return out;
}

/** The value of one metric for replica r. */
export function metricValue(res: RunResult, metric: MetricName, r: number): number {
  const last = res.curve.length - 1;
  switch (metric) {
    case 'grad_l1_avg':
      return res.avgG1[r];
    case 'grad_l2_avg':
      return res.avgG2[r];
    case 'grad_l1_tau':
      return res.tauG1[r];
    case 'grad_l1_final':
      return res.curve[last].g1[r];
    case 'grad_l2_final':
      return res.curve[last].g2[r];
    case 'f_gap_final':
      return res.curve[last].fGap[r];
    case 'frozen_final':
      return res.frozen[r];
  }
}

const ROW_METRICS: MetricName[] = ['grad_l1_avg', 'grad_l2_avg', 'grad_l1_tau', 'grad_l1_final', 'grad_l2_final', 'f_gap_final', 'frozen_final'];

/**
 * What identifies a cell in results rows: the theorem, the run spec's algorithm, seed, T, d and
 * workers, the recipe's problem family and noise model ('none' without noise), the engine, and the
 * flattened recipe settings ({@link rowParams}). Its {@link cellKey} keys the cell in results files,
 * for resume and sharding.
 */
export function cellSpecOf(theorem: string, cell: SweepCell, spec: RunSpec, engine: EngineName): CellSpec {
  return {
    theorem,
    algorithm: spec.algorithm.id,
    problem: cell.recipe.problem.family,
    noise: cell.recipe.noise ? cell.recipe.noise.model : 'none',
    engine,
    seed: spec.seed,
    T: spec.T,
    d: spec.problem.d,
    n: spec.workers,
    params: rowParams(cell),
  };
}

/** Result rows of one finished cell: one per replica and metric; divergence recorded as such. */
export function rowsOfCell(theorem: string, cell: SweepCell, spec: RunSpec, res: RunResult, engine: EngineName, sha: string): ResultRow[] {
  const rows: ResultRow[] = [];
  const identity = cellSpecOf(theorem, cell, spec, engine);
  const perReplicaMs = res.wallMs / spec.replicas;
  for (let r = 0; r < spec.replicas; r++) {
    const div = res.divergedAt[r];
    for (const metric of ROW_METRICS) {
      const v = metricValue(res, metric, r);
      const diverged = div >= 0 || !Number.isFinite(v);
      rows.push(
        makeRow({
          ...identity,
          replica: r,
          metric,
          value: diverged ? null : v,
          ...(diverged ? { diverged: { step: Math.max(0, div) } } : {}),
          gitSha: sha,
          wallMs: perReplicaMs,
        }),
      );
    }
  }
  return rows;
}

/** Options of {@link runSweep}. */
export interface SweepOptions {
  readonly profile: ProfileName;
  /** Directory of the results file `<theorem>.jsonl`. */
  readonly outDir: string;
  readonly engine: EngineName;
  /** Runs cells on this engine. */
  readonly run: EngineRun;
  /**
   * Only shard `index` (0-based) of `count`: the cells at the positions in `cells` (a cost plan,
   * ./plan.ts), or without it the cells with shardOf(cellKey) === index (hash sharding).
   */
  readonly shard?: { readonly index: number; readonly count: number; readonly cells?: ReadonlySet<number> };
  /** Continue an existing results file, skipping finished cells; otherwise the file must not exist. */
  readonly resume: boolean;
  /** Remove an existing results file first (once the cells are built and checked, so a refused run removes nothing). */
  readonly fresh?: boolean;
  /** Called after each cell. */
  readonly onCell?: (done: number, total: number, cell: SweepCell, ms: number) => void;
  /** Override replicas (e.g. from a flag); null keeps the declared count. */
  readonly replicas?: number | null;
  /** Changes the declared cells (a config file's overrides, ./config.ts). */
  readonly transform?: (cells: SweepCell[]) => SweepCell[];
  /**
   * Runs the CPU engine's cells in this worker pool instead of `run` (./pool.ts); finished cells
   * are still written in cell order. Ignored for other engines.
   */
  readonly pool?: CellPool;
}

/** The cells a sweep runs: the declared ones, changed by `transform`, with `replicas` when given. */
export function finalCells(cells: SweepCell[], transform?: (cells: SweepCell[]) => SweepCell[], replicas?: number | null): SweepCell[] {
  const t = transform ? transform(cells) : cells;
  return replicas ? t.map((c) => ({ ...c, recipe: { ...c.recipe, replicas } })) : t;
}

/** How a sweep's declared cells are changed before they run: a config's overrides, a replica count. */
export type CellChanges = Pick<SweepOptions, 'transform' | 'replicas'>;

/** The cells a sweep runs: the declaration's for the profile, with the config's overrides and the replica override applied. */
export function sweepCells(th: RateTheorem, profile: ProfileName, changes: CellChanges = {}): SweepCell[] {
  return finalCells(th.cells(profile), changes.transform, changes.replicas);
}

/**
 * Compares the cells present in a theorem's results rows with the sweep it declares (after the
 * same changes as the run): every declared cell must be present under one of the engines found in
 * the rows, and every row must belong to a declared cell. Returns the missing and unexpected keys.
 */
export function sweepCompleteness(th: RateTheorem, profile: ProfileName, rows: readonly ResultRow[], changes: CellChanges = {}): { missing: string[]; unexpected: string[] } {
  const present = new Set(rows.map((r) => r.cell));
  const engines = [...new Set(rows.map((r) => r.engine))].sort();
  const declared = sweepCells(th, profile, changes).map((cell) => {
    const spec = specFromRecipe(cell.recipe);
    return (engines.length ? engines : ['cpu']).map((e) => cellKey(cellSpecOf(th.id, cell, spec, e as EngineName)));
  });
  const known = new Set(declared.flat());
  return {
    missing: declared.filter((keys) => !keys.some((k) => present.has(k))).map((keys) => keys[0]),
    unexpected: [...present].filter((k) => !known.has(k)).sort(),
  };
}

/** Path of a theorem's results file in a directory. */
export function resultsFile(outDir: string, theoremId: string): string {
  return path.join(outDir, `${theoremId}.jsonl`);
}

/**
 * Runs the cells of one theorem for a profile, appending each finished cell atomically to
 * `<outDir>/<theorem>.jsonl` (see ./results/jsonl.ts). With `resume`, finished cells are skipped;
 * with `shard`, only that deterministic share of the cells runs.
 */
export async function runSweep(th: RateTheorem, opts: SweepOptions): Promise<SweepRun> {
  const file = resultsFile(opts.outDir, th.id);
  if (!opts.resume && !opts.fresh && fs.existsSync(file)) {
    throw new UserInputError('results file', 'already exists: pass --resume to continue it, or remove it to start over', file);
  }
  const sha = gitSha();
  const declared = opts.pool && opts.engine === 'cpu' ? await opts.pool.cellsOf(th.id, opts.profile) : th.cells(opts.profile);
  const cells = finalCells(declared, opts.transform, opts.replicas);
  const keyed = cells.map((cell) => {
    const spec = specFromRecipe(cell.recipe);
    requireCellSize(th.id, spec);
    // the same cell on the other engines: a resume may complete a sweep on another engine (a separate series)
    const otherEngines = ENGINE_NAMES.filter((e) => e !== opts.engine).map((e) => cellKey(cellSpecOf(th.id, cell, spec, e)));
    return { cell, spec, key: cellKey(cellSpecOf(th.id, cell, spec, opts.engine)), otherEngines };
  });
  const seen = new Set<string>();
  for (const k of keyed) {
    if (seen.has(k.key)) throw new UserInputError(`theorem ${th.id}`, 'must declare each cell once (two cells of its sweep run the same recipe)', k.key);
    seen.add(k.key);
  }
  const sh = opts.shard;
  const mine = sh ? keyed.filter((k, i) => (sh.cells ? sh.cells.has(i) : shardOf(k.key, sh.count) === sh.index)) : keyed;
  fs.mkdirSync(opts.outDir, { recursive: true });
  if (opts.fresh && fs.existsSync(file)) fs.rmSync(file);
  // on resume, the file must hold this sweep's cells with these replica counts: checked before
  // anything is computed or the file is touched
  const writer = opts.resume ? ResultsWriter.resume(file, (read) => requireResumable(file, keyed, read.cells, read.replicas)) : ResultsWriter.create(file);
  let ran = 0;
  let skipped = 0;
  // With a pool every pending cell starts now; the loop below still takes them in cell order.
  const pool = opts.engine === 'cpu' ? opts.pool : undefined;
  const pooled = pool ? startPooled(pool, th.id, mine.filter((k) => !writer.finished.has(k.key))) : null;
  try {
    for (const k of mine) {
      if (writer.finished.has(k.key)) {
        skipped++;
        opts.onCell?.(ran + skipped, mine.length, k.cell, 0);
        continue;
      }
      const t0 = performance.now();
      const res = pooled ? await pooled.get(k.cell)! : await opts.run(k.spec);
      writer.appendCell(rowsOfCell(th.id, k.cell, k.spec, res, opts.engine, sha));
      ran++;
      opts.onCell?.(ran + skipped, mine.length, k.cell, performance.now() - t0);
    }
  } catch (err) {
    // Keep every cell the pool still finishes (in cell order), then report the first failure.
    if (pooled) for (const k of mine) if (!writer.finished.has(k.key)) await pooled.get(k.cell)!.then((res) => writer.appendCell(rowsOfCell(th.id, k.cell, k.spec, res, opts.engine, sha)), () => {});
    writer.discardIfEmpty();
    throw err;
  } finally {
    writer.close();
  }
  const recovered = writer.recovered ? { line: writer.recovered.line, droppedBytes: writer.recovered.droppedBytes } : null;
  return { file, ran, skipped, total: mine.length, recovered };
}

/** What {@link runSweep} did. */
export interface SweepRun {
  readonly file: string;
  readonly ran: number;
  readonly skipped: number;
  readonly total: number;
  /** The interrupted block that resuming dropped: its line and size in bytes. */
  readonly recovered: { readonly line: number; readonly droppedBytes: number } | null;
}

/** Most numbers one cell's state may hold (replicas x d x workers), 2^26: 512 MiB per float64 vector. */
export const MAX_CELL_STATE = 2 ** 26;

function requireCellSize(theorem: string, spec: RunSpec): void {
  const size = spec.replicas * spec.problem.d * spec.workers;
  if (!(size <= MAX_CELL_STATE)) {
    throw new UserInputError('replicas', `times d times workers must be at most 2^26 = ${MAX_CELL_STATE} per cell (lower --replicas)`, `${theorem}: ${spec.replicas} x ${spec.problem.d} x ${spec.workers} = ${size}`);
  }
}

/**
 * The resume rule: every finished cell of the file is a cell of this sweep (same theorem,
 * settings and seed: its {@link cellKey}, on this engine or another, since a sweep a GPU failure
 * interrupted may be completed on the CPU as a separate series) with the replica count this run
 * asks for. A change of seed, grid, settings or replicas is refused before any compute, naming the
 * first mismatching cell, instead of mixing two designs in one file.
 */
function requireResumable(file: string, planned: readonly { key: string; otherEngines: readonly string[]; spec: RunSpec }[], finished: readonly string[], replicas: ReadonlyMap<string, number>): void {
  const byKey = new Map(planned.flatMap((p) => [p.key, ...p.otherEngines].map((k) => [k, p.spec] as const)));
  const foreign = finished.filter((c) => !byKey.has(c));
  if (foreign.length) {
    throw new UserInputError(
      '--resume',
      'must continue the same sweep: the file holds cells this run does not plan (the seed, grid or settings changed); use --fresh or another --out',
      `${file}: ${foreign.length} cell(s), first ${foreign[0]}`,
    );
  }
  for (const c of finished) {
    const want = byKey.get(c)!.replicas;
    const have = replicas.get(c);
    if (have !== undefined && have !== want) {
      throw new UserInputError('--resume', 'must keep the replica count of the finished cells (use --fresh or another --out to change it)', `${file}: cell ${c} has ${have} replicas, this run asks for ${want}`);
    }
  }
}

/**
 * Submits cells to a pool, each split into replica ranges by its estimated cost (./cost.ts,
 * {@link chunkCounts}); the promises are keyed by cell and never reject unobserved.
 */
function startPooled(pool: CellPool, theorem: string, cells: readonly { cell: SweepCell; spec: RunSpec }[]): Map<SweepCell, Promise<RunResult>> {
  const costs = cells.map((c) => estimateCellMs(featuresOfRecipe(c.cell.recipe, c.spec.problem.d)));
  const chunks = chunkCounts(costs, cells.map((c) => c.cell.recipe.replicas), pool.jobs);
  const out = new Map<SweepCell, Promise<RunResult>>();
  cells.forEach((c, i) => {
    const p = pool.runCell(theorem, c.cell.recipe, chunks[i]);
    p.catch(() => {});
    out.set(c.cell, p);
  });
  return out;
}

/** The CPU engine as an {@link EngineRun}. */
export const cpuRun: EngineRun = (spec) => runCpu(spec);

