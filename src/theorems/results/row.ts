/**
 * Result rows of rate sweeps (long format, benchopt-style: one row per sweep cell, replica and
 * metric, with provenance columns): their types, the stable key of a cell, validation and the
 * canonical order. The file format is in ./jsonl.ts, sharding and merging in ./shards.ts.
 */
import { UserInputError, requireInteger, shown } from '../../core/errors.ts';

/** A parameter value: hyperparameters, schedule constants, extra sweep variables (kappa, sigma...). */
export type ParamValue = number | string | boolean;

/** What identifies a sweep cell. Sweep variables other than T, d, n go into `params`. */
export interface CellSpec {
  /** Theorem id (THEORY.md), e.g. "signum-l2". */
  readonly theorem: string;
  /** Algorithm id in the algorithm registry. */
  readonly algorithm: string;
  /** Problem id (with its own parameters encoded by its registry). */
  readonly problem: string;
  /** Noise model id. */
  readonly noise: string;
  /** Engine that ran the cell ("cpu", "webgpu"). */
  readonly engine: string;
  /** u32 base seed of the run (replicas are Philox streams under it). */
  readonly seed: number;
  /** Iterations. */
  readonly T: number;
  /** Dimension. */
  readonly d: number;
  /** Workers. */
  readonly n: number;
  /** Flat map of further parameters; keys other than T, d, n. */
  readonly params: Readonly<Record<string, ParamValue>>;
}

/** One result: one metric of one replica of one cell. */
export interface ResultRow extends CellSpec {
  /** Monte-Carlo replica index (0-based), the independent unit of the bootstrap. */
  readonly replica: number;
  /** Metric name, e.g. "grad_l1_at_tau". */
  readonly metric: string;
  /** The metric's value; null exactly when the run diverged (NaN/Inf is a result, never averaged). */
  readonly value: number | null;
  /** Present exactly when the run diverged: the first step at which a NaN/Inf appeared. */
  readonly diverged?: { readonly step: number };
  /**
   * Code version that produced the row (any non-empty string): the commit of signcheck's own
   * checkout, "-dirty" appended when modified, or signcheck@<version> outside a checkout
   * (./provenance.ts). Older files hold `git rev-parse HEAD` of the working directory.
   */
  readonly gitSha: string;
  /** Wall-clock milliseconds of the cell's replica (>= 0). */
  readonly wallMs: number;
  /** {@link cellKey} of the row's cell. */
  readonly cell: string;
}

const enc = encodeURIComponent;

function paramsString(params: Readonly<Record<string, ParamValue>>): string {
  return Object.keys(params)
    .sort(codeUnitCompare)
    .map((k) => {
      const v = params[k];
      return `${enc(k)}=${typeof v === 'number' ? String(v) : enc(JSON.stringify(v))}`;
    })
    .join(',');
}

/**
 * Stable key of a cell:
 * `theorem/algorithm/problem/noise/engine/seed=S/T=..,d=..,n=../k1=v1,k2=v2` with each id and
 * parameter name percent-encoded (encodeURIComponent, so "/", ",", "=" inside them cannot clash),
 * parameters sorted by name, numbers written as JavaScript's shortest round-trip decimal, strings
 * and booleans as percent-encoded JSON (so 1, "1" and true differ). Example:
 * `signum-l2/signum/quad-sep/gauss/cpu/seed=7/T=1024,d=16,n=1/beta=0.03125,eta0=0.5`.
 */
export function cellKey(spec: CellSpec): string {
  validateCellSpec(spec, 'cell');
  return (
    [spec.theorem, spec.algorithm, spec.problem, spec.noise, spec.engine].map(enc).join('/') +
    `/seed=${spec.seed}/T=${spec.T},d=${spec.d},n=${spec.n}/${paramsString(spec.params)}`
  );
}

function requireId(where: string, field: string, v: unknown): void {
  if (typeof v !== 'string' || v === '') throw new UserInputError(`${where}.${field}`, 'must be a non-empty string', `got ${shown(v)}`);
}

function validateCellSpec(spec: CellSpec, where: string): void {
  if (spec === null || typeof spec !== 'object') throw new UserInputError(where, 'must be an object', `got ${shown(spec)}`);
  for (const f of ['theorem', 'algorithm', 'problem', 'noise', 'engine'] as const) requireId(where, f, spec[f]);
  requireInteger(`${where}.seed`, spec.seed, 0, 0xffffffff);
  requireInteger(`${where}.T`, spec.T, 1);
  requireInteger(`${where}.d`, spec.d, 1);
  requireInteger(`${where}.n`, spec.n, 1);
  const p = spec.params;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) {
    throw new UserInputError(`${where}.params`, 'must be a flat object of numbers, strings and booleans', `got ${shown(p)}`);
  }
  for (const [k, v] of Object.entries(p)) {
    if (k === '' || k === 'T' || k === 'd' || k === 'n') {
      throw new UserInputError(`${where}.params`, 'keys must be non-empty and not T, d or n (those are columns)', `got key ${shown(k)}`);
    }
    const ok = typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    if (!ok) throw new UserInputError(`${where}.params.${k}`, 'must be a finite number, a string or a boolean', `got ${shown(v)}`);
  }
}

const ROW_FIELDS = new Set([
  'theorem', 'cell', 'algorithm', 'problem', 'noise', 'engine', 'params', 'seed', 'T', 'd', 'n',
  'replica', 'metric', 'value', 'diverged', 'gitSha', 'wallMs',
]);

/**
 * Checks a row: ids non-empty, seed u32, T, d, n integers >= 1, replica integer >= 0, params flat
 * and finite, value finite or null with `value === null` exactly when `diverged = { step }` is
 * present (step integer >= 0), wallMs finite >= 0, no unknown fields, and `cell === cellKey(row)`.
 * Throws UserInputError naming the field.
 */
export function validateRow(row: ResultRow, where = 'row'): void {
  validateCellSpec(row, where);
  for (const k of Object.keys(row)) {
    if (!ROW_FIELDS.has(k)) throw new UserInputError(`${where}.${k}`, 'is not a result-row field');
  }
  requireInteger(`${where}.replica`, row.replica, 0);
  requireId(where, 'metric', row.metric);
  requireId(where, 'gitSha', row.gitSha);
  if (typeof row.wallMs !== 'number' || !Number.isFinite(row.wallMs) || row.wallMs < 0) {
    throw new UserInputError(`${where}.wallMs`, 'must be a finite number >= 0', `got ${shown(row.wallMs)}`);
  }
  if (row.diverged !== undefined) {
    const dv = row.diverged;
    if (dv === null || typeof dv !== 'object' || Object.keys(dv).join() !== 'step') {
      throw new UserInputError(`${where}.diverged`, 'must be { step }', `got ${shown(dv)}`);
    }
    requireInteger(`${where}.diverged.step`, dv.step, 0);
    if (row.value !== null) throw new UserInputError(`${where}.value`, 'must be null when the run diverged', `got ${shown(row.value)}`);
  } else if (row.value === null || typeof row.value !== 'number' || !Number.isFinite(row.value)) {
    throw new UserInputError(
      `${where}.value`,
      'must be a finite number (a NaN/Inf result is written as value null with diverged: { step })',
      `got ${shown(row.value)}`,
    );
  }
  const key = cellKey(row);
  if (row.cell !== key) throw new UserInputError(`${where}.cell`, `must equal the cell key ${shown(key)}`, `got ${shown(row.cell)}`);
}

/** Builds a row from its parts, filling in `cell`; validates it. */
export function makeRow(parts: Omit<ResultRow, 'cell'>): ResultRow {
  const row: ResultRow = { ...parts, cell: cellKey(parts) };
  if (row.diverged === undefined) delete (row as { diverged?: unknown }).diverged;
  validateRow(row);
  return row;
}

/** Locale-free comparison of strings by UTF-16 code units. */
export function codeUnitCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Canonical total order of rows: theorem, algorithm, problem, noise, engine (string, UTF-16 code
 * unit order, locale-free), seed, T, d, n (numeric), params (their canonical string), replica
 * (numeric), metric (string). Rows of one cell are contiguous in this order.
 */
export function compareRows(a: ResultRow, b: ResultRow): number {
  return (
    codeUnitCompare(a.theorem, b.theorem) ||
    codeUnitCompare(a.algorithm, b.algorithm) ||
    codeUnitCompare(a.problem, b.problem) ||
    codeUnitCompare(a.noise, b.noise) ||
    codeUnitCompare(a.engine, b.engine) ||
    a.seed - b.seed ||
    a.T - b.T ||
    a.d - b.d ||
    a.n - b.n ||
    codeUnitCompare(paramsString(a.params), paramsString(b.params)) ||
    a.replica - b.replica ||
    codeUnitCompare(a.metric, b.metric)
  );
}

/** A sorted copy of rows in the canonical order ({@link compareRows}). */
export function sortRows(rows: readonly ResultRow[]): ResultRow[] {
  return [...rows].sort(compareRows);
}

/** A copy of params with its keys in code-unit order (the order rows are written in). */
export function canonicalParams(p: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const k of Object.keys(p).sort(codeUnitCompare)) out[k] = p[k];
  return out;
}
