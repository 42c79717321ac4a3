/**
 * Long-format results of rate sweeps (benchopt-style: one row per sweep cell, replica and metric,
 * with provenance columns), their crash-safe JSONL file format, resume, sharding and merging.
 *
 * ## File format
 * UTF-8 text, one JSON object per line, each line ended by "\n". A line is a {@link ResultRow}
 * with its fields in a fixed order, followed by two integrity fields:
 *
 *     {"theorem":...,"cell":...,...,"wallMs":12.5,"blk":[i,k],"crc":"1a2b3c4d"}
 *
 * - `blk: [i, k]`: the line is row i (0-based) of a block of k rows. A block holds all rows of one
 *   finished cell and is appended in one piece; a cell counts as finished only when all k rows of
 *   its block are present.
 * - `crc`: CRC-32 (IEEE 802.3, as in zlib/PNG), 8 lowercase hex digits, of the UTF-8 bytes of the
 *   line without the `,"crc":"........"` part (i.e. of `{...,"blk":[i,k]}`).
 * Every line stays valid JSON, so jq / pandas read the file as is (blk and crc become two extra
 * columns).
 *
 * ## Write protocol and why it survives SIGKILL
 * The file is only ever appended to, one whole block per finished cell: the block's bytes are
 * built in memory, written with write(2) on an O_APPEND descriptor (looping over short writes),
 * then fsync(2)ed before the cell is reported finished. A kill (or power loss after the last
 * fsync) can therefore only leave a *prefix of one block* after the last complete block: some
 * complete lines of the interrupted block and possibly one line without its final "\n". The reader
 * accepts a block only when all its k lines are present, terminated, checksum-valid and
 * consistent, so a torn block is never taken as results:
 * - strict reading ({@link readResults}, {@link merge}, analysis) rejects the file with a
 *   {@link ResultsFileError} naming the file and line where the incomplete block starts;
 * - resuming ({@link ResultsWriter.resume}, {@link finishedCells}) treats that prefix as not
 *   written: it truncates the file back to the end of the last complete block and carries on.
 * Anything else that is wrong — a terminated line with a bad checksum, invalid JSON, unknown
 * fields, a block interrupted and followed by more data, a cell written twice — cannot come from
 * an interrupted append and is reported as corruption with its line number, in both modes.
 * (Writing the whole file to a temporary and renaming it per cell would also be atomic, but costs
 * O(file) per cell; {@link writeResultsFile} uses it for one-shot outputs such as merges.)
 *
 * ## Cells, shards, merging
 * A cell is one configuration of a sweep (theorem, algorithm, problem, noise, engine, seed, T, d, n,
 * params); {@link cellKey} gives its stable string key. Shard i of N runs the cells with
 * {@link shardOf}(key, N) = i. {@link merge} combines shard files, rejects a cell present twice,
 * and sorts rows into the canonical order ({@link compareRows}); {@link serializeRows} writes rows
 * in that order, one block per cell, so a merged sharded run and the unsharded run serialize to
 * the same bytes (given equal row contents; `wallMs` is measured and differs between real runs:
 * serialize with `{ timing: false }` to compare contents only).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserInputError, requireInteger, shown } from '../core/errors.ts';

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
  /** `git rev-parse HEAD` of the code that produced the row (any non-empty string). */
  readonly gitSha: string;
  /** Wall-clock milliseconds of the cell's replica (>= 0). */
  readonly wallMs: number;
  /** {@link cellKey} of the row's cell. */
  readonly cell: string;
}

/** A corrupt or incomplete results file; `file` and 1-based `line` say where. */
export class ResultsFileError extends UserInputError {
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${file} line ${line}`, problem);
    this.name = 'ResultsFileError';
  }
}

// ---------------------------------------------------------------------------------------------
// Hashes
// ---------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib's crc32) of bytes. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** FNV-1a 32-bit hash of the UTF-8 bytes of s (offset basis 0x811C9DC5, prime 0x01000193). */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The shard (0..shards-1) that runs a cell: `fnv1a32(cellKey) mod shards`. Deterministic and
 * independent of cell order, so N machines given the same sweep partition it without talking.
 */
export function shardOf(key: string, shards: number): number {
  requireInteger('shards', shards, 1, 0xffffffff);
  if (typeof key !== 'string' || key === '') throw new UserInputError('cell key', 'must be a non-empty string', `got ${shown(key)}`);
  return fnv1a32(key) % shards;
}

// ---------------------------------------------------------------------------------------------
// Rows: keys, validation, order
// ---------------------------------------------------------------------------------------------

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

function codeUnitCompare(a: string, b: string): number {
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

// ---------------------------------------------------------------------------------------------
// Lines and blocks
// ---------------------------------------------------------------------------------------------

function canonicalParams(p: Readonly<Record<string, ParamValue>>): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const k of Object.keys(p).sort(codeUnitCompare)) out[k] = p[k];
  return out;
}

function rowLine(row: ResultRow, i: number, k: number, timing: boolean): string {
  const o: Record<string, unknown> = {
    theorem: row.theorem,
    cell: row.cell,
    algorithm: row.algorithm,
    problem: row.problem,
    noise: row.noise,
    engine: row.engine,
    params: canonicalParams(row.params),
    seed: row.seed,
    T: row.T,
    d: row.d,
    n: row.n,
    replica: row.replica,
    metric: row.metric,
    value: row.value,
  };
  if (row.diverged) o.diverged = { step: row.diverged.step };
  o.gitSha = row.gitSha;
  o.wallMs = timing ? row.wallMs : 0;
  o.blk = [i, k];
  const body = JSON.stringify(o);
  const crc = crc32(Buffer.from(body, 'utf8')).toString(16).padStart(8, '0');
  return `${body.slice(0, -1)},"crc":"${crc}"}\n`;
}

/** Checks that rows form one cell with distinct (replica, metric); returns them in canonical order. */
function blockRows(rows: readonly ResultRow[]): ResultRow[] {
  if (rows.length === 0) throw new UserInputError('cell rows', 'must hold at least one row');
  rows.forEach((r, i) => validateRow(r, `row ${i}`));
  const cell = rows[0].cell;
  const seen = new Set<string>();
  for (const r of rows) {
    if (r.cell !== cell) throw new UserInputError('cell rows', 'must all belong to one cell', `${shown(cell)} and ${shown(r.cell)}`);
    const id = `${r.replica}\u0000${r.metric}`;
    if (seen.has(id)) throw new UserInputError('cell rows', 'must not repeat a (replica, metric)', `replica ${r.replica}, metric ${shown(r.metric)} twice in ${shown(cell)}`);
    seen.add(id);
  }
  return sortRows(rows);
}

function blockText(rows: readonly ResultRow[], timing: boolean): string {
  const sorted = blockRows(rows);
  return sorted.map((r, i) => rowLine(r, i, sorted.length, timing)).join('');
}

/** Options of {@link serializeRows}. */
export interface SerializeOptions {
  /** false writes every wallMs as 0, to compare the contents of runs whose timings differ. */
  readonly timing?: boolean;
}

/**
 * The canonical file text of rows: sorted by {@link compareRows}, one block per cell, in the
 * format of the module doc. Rejects a repeated (cell, replica, metric). Equal row sets give equal
 * bytes whatever their input order.
 */
export function serializeRows(rows: readonly ResultRow[], options: SerializeOptions = {}): string {
  const timing = options.timing ?? true;
  const sorted = sortRows(rows);
  let out = '';
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i === sorted.length || sorted[i].cell !== sorted[start].cell) {
      out += blockText(sorted.slice(start, i), timing);
      start = i;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** Where a torn (interrupted) last block starts. */
export interface TornTail {
  /** 1-based line where the incomplete block (or the unterminated fragment) starts. */
  readonly line: number;
  /** Byte offset of that line: the file's committed length. */
  readonly byteOffset: number;
  readonly reason: string;
}

/** Contents of a results file. */
export interface ReadResult {
  /** Rows of complete blocks, in file order. */
  readonly rows: ResultRow[];
  /** Cell keys of complete blocks, in file order. */
  readonly cells: string[];
  /** 1-based first line of each row (parallel to rows). */
  readonly lines: number[];
  /** Length in bytes of the complete blocks (the file is truncated here on resume). */
  readonly committedBytes: number;
  /** The interrupted last block, when reading with `allowTornTail`; else always null. */
  readonly tornTail: TornTail | null;
}

/** Options of {@link parseResults} / {@link readResults}. */
export interface ReadOptions {
  /**
   * Accept (and ignore) an incomplete last block, as left by an interrupted append; reported in
   * `tornTail`. Default false: it is an error naming its line.
   */
  readonly allowTornTail?: boolean;
}

const LINE_RE = /^(\{.*),"crc":"([0-9a-f]{8})"\}$/s;
const decoder = new TextDecoder('utf-8', { fatal: true });

interface ParsedLine {
  row: ResultRow;
  blk: [number, number];
}

function parseLine(bytes: Uint8Array, file: string, line: number): ParsedLine {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new ResultsFileError(file, line, 'must be valid UTF-8');
  }
  const m = LINE_RE.exec(text);
  if (!m) throw new ResultsFileError(file, line, 'must be a result row ending in a "crc" field (truncated or not a results file?)');
  const body = `${m[1]}}`;
  const crc = crc32(Buffer.from(body, 'utf8'));
  if (crc !== parseInt(m[2], 16)) {
    throw new ResultsFileError(file, line, `checksum mismatch (stored ${m[2]}, computed ${crc.toString(16).padStart(8, '0')}): the line is corrupted`);
  }
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(body) as Record<string, unknown>;
  } catch (err) {
    throw new ResultsFileError(file, line, `must be valid JSON (${(err as Error).message})`);
  }
  const blk = obj.blk;
  if (!Array.isArray(blk) || blk.length !== 2 || !blk.every((x) => Number.isInteger(x)) || blk[0] < 0 || blk[1] < 1 || blk[0] >= blk[1]) {
    throw new ResultsFileError(file, line, `must carry blk: [i, k] with 0 <= i < k (got ${shown(blk)})`);
  }
  delete obj.blk;
  try {
    validateRow(obj as unknown as ResultRow, 'row');
  } catch (err) {
    throw new ResultsFileError(file, line, `must be a valid result row: ${(err as Error).message}`);
  }
  return { row: obj as unknown as ResultRow, blk: blk as [number, number] };
}

/**
 * Parses the text (bytes) of a results file; `file` names it in errors. See the module doc for
 * what is accepted. Throws {@link ResultsFileError} (a UserInputError) with the 1-based line.
 */
export function parseResults(data: Uint8Array, file: string, options: ReadOptions = {}): ReadResult {
  const rows: ResultRow[] = [];
  const lines: number[] = [];
  const cells: string[] = [];
  const cellLine = new Map<string, number>();
  let committed = 0;
  let block: { cell: string; k: number; next: number; line: number; offset: number; rows: ResultRow[]; lines: number[]; ids: Set<string> } | null = null;
  let pos = 0;
  let lineNo = 0;
  while (pos < data.length) {
    lineNo++;
    const nl = data.indexOf(0x0a, pos);
    if (nl < 0) {
      // Unterminated last line: only an interrupted append leaves one.
      const at = block ? { line: block.line, offset: block.offset } : { line: lineNo, offset: pos };
      const reason = `line ${lineNo} is not terminated by a newline (interrupted write)`;
      if (!options.allowTornTail) throw new ResultsFileError(file, at.line, `incomplete cell block: ${reason}; resume the run to recover`);
      return { rows, lines, cells, committedBytes: committed, tornTail: { line: at.line, byteOffset: at.offset, reason } };
    }
    const { row, blk } = parseLine(data.subarray(pos, nl), file, lineNo);
    const [i, k] = blk;
    if (block) {
      if (i === 0) {
        throw new ResultsFileError(
          file,
          lineNo,
          `starts a new cell block while the block starting at line ${block.line} is incomplete (${block.next} of ${block.k} rows)`,
        );
      }
      if (row.cell !== block.cell || k !== block.k || i !== block.next) {
        throw new ResultsFileError(file, lineNo, `must continue the cell block starting at line ${block.line} as row ${block.next} of ${block.k} of cell ${shown(block.cell)}`);
      }
    } else {
      if (i !== 0) throw new ResultsFileError(file, lineNo, `must start a cell block (blk [0, k]); got row ${i} of ${k}`);
      const prev = cellLine.get(row.cell);
      if (prev !== undefined) throw new ResultsFileError(file, lineNo, `cell ${shown(row.cell)} was already written at line ${prev} (duplicate cell)`);
      block = { cell: row.cell, k, next: 0, line: lineNo, offset: pos, rows: [], lines: [], ids: new Set() };
    }
    const id = `${row.replica}\u0000${row.metric}`;
    if (block.ids.has(id)) throw new ResultsFileError(file, lineNo, `repeats replica ${row.replica}, metric ${shown(row.metric)} within its cell (duplicate row)`);
    block.ids.add(id);
    block.rows.push(row);
    block.lines.push(lineNo);
    block.next++;
    pos = nl + 1;
    if (block.next === block.k) {
      rows.push(...block.rows);
      lines.push(...block.lines);
      cells.push(block.cell);
      cellLine.set(block.cell, block.line);
      committed = pos;
      block = null;
    }
  }
  if (block) {
    const reason = `cell block starting at line ${block.line} has ${block.next} of ${block.k} rows (interrupted write)`;
    if (!options.allowTornTail) throw new ResultsFileError(file, block.line, `incomplete cell block: ${reason}; resume the run to recover`);
    return { rows, lines, cells, committedBytes: committed, tornTail: { line: block.line, byteOffset: block.offset, reason } };
  }
  return { rows, lines, cells, committedBytes: committed, tornTail: null };
}

/** Reads a results file ({@link parseResults}); a missing file is a UserInputError. */
export function readResults(file: string, options: ReadOptions = {}): ReadResult {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (err) {
    throw new UserInputError('results file', 'must exist and be readable', `${file}: ${(err as Error).message}`);
  }
  return parseResults(data, file, options);
}

/**
 * Cells already finished in a results file (complete blocks; an interrupted last block does not
 * count), for `--resume`. A file that does not exist has none.
 */
export function finishedCells(file: string): Set<string> {
  if (!fs.existsSync(file)) return new Set();
  return new Set(readResults(file, { allowTornTail: true }).cells);
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

function fsyncDir(file: string): void {
  // Makes a new directory entry (create / rename) durable; not every platform allows it.
  try {
    const fd = fs.openSync(path.dirname(path.resolve(file)), 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* directory fsync unsupported here (e.g. Windows): the file data itself is fsynced */
  }
}

/**
 * Appends finished cells to a results file with the protocol of the module doc. One writer per
 * file (shards write separate files). Open with {@link ResultsWriter.create} or
 * {@link ResultsWriter.resume}.
 */
export class ResultsWriter {
  private fd: number | null;
  private constructor(
    /** Path of the results file. */
    readonly file: string,
    fd: number,
    /** Cells finished in the file (those found on resume plus those appended). */
    readonly finished: Set<string>,
    /** The interrupted block dropped on resume, if there was one. */
    readonly recovered: TornTail | null,
  ) {
    this.fd = fd;
  }

  /** Starts a new results file; refuses to touch an existing one. */
  static create(file: string): ResultsWriter {
    let fd: number;
    try {
      fd = fs.openSync(file, 'ax');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new UserInputError('results file', 'must not exist yet (resume it, or remove it to start over)', file);
      }
      throw new UserInputError('results file', 'must be creatable', `${file}: ${(err as Error).message}`);
    }
    fsyncDir(file);
    return new ResultsWriter(file, fd, new Set(), null);
  }

  /**
   * Continues a results file (creating it if absent): validates it, truncates an interrupted last
   * block (reported in `recovered`), and appends after the last complete block. Corruption
   * elsewhere is an error (ResultsFileError), never silently dropped.
   */
  static resume(file: string): ResultsWriter {
    if (!fs.existsSync(file)) return ResultsWriter.create(file);
    const read = readResults(file, { allowTornTail: true });
    if (read.tornTail) {
      fs.truncateSync(file, read.committedBytes);
    }
    const fd = fs.openSync(file, 'a');
    if (read.tornTail) fs.fsyncSync(fd);
    return new ResultsWriter(file, fd, new Set(read.cells), read.tornTail);
  }

  /**
   * Appends all rows of one finished cell as one block: one write (looping over short writes),
   * then fsync. Rejects a cell already in the file and rows of more than one cell.
   */
  appendCell(rows: readonly ResultRow[]): void {
    if (this.fd === null) throw new Error(`results writer for ${this.file} is closed`);
    const text = blockText(rows, true);
    const cell = rows[0].cell;
    if (this.finished.has(cell)) throw new UserInputError('cell', 'must not be written twice to one results file', cell);
    writeAll(this.fd, Buffer.from(text, 'utf8'));
    fs.fsyncSync(this.fd);
    this.finished.add(cell);
  }

  /** Closes the file. */
  close(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }
}

/**
 * Writes rows as a complete canonical file ({@link serializeRows}) atomically: temporary file in
 * the same directory, fsync, rename over `file`, fsync of the directory. Readers see the old file
 * or the new one, never a mixture.
 */
export function writeResultsFile(file: string, rows: readonly ResultRow[], options: SerializeOptions = {}): void {
  const text = serializeRows(rows, options);
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  const fd = fs.openSync(tmp, 'wx');
  try {
    writeAll(fd, Buffer.from(text, 'utf8'));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(file);
}

/**
 * Combines results files (shards of one sweep, or a single file to normalise it): each is read
 * strictly; a cell present in two files is rejected (a duplicate if its rows are identical, a
 * conflict otherwise, naming both files and lines); the rows come back in canonical order, so
 * `serializeRows(merge(shards))` equals `serializeRows(merge([unsharded]))` byte for byte.
 */
export function merge(files: readonly string[]): ResultRow[] {
  if (files.length === 0) throw new UserInputError('files', 'must name at least one results file');
  const owner = new Map<string, { file: string; line: number; text: string }>();
  const all: ResultRow[] = [];
  for (const file of files) {
    const read = readResults(file);
    const byCell = new Map<string, ResultRow[]>();
    const firstLine = new Map<string, number>();
    read.rows.forEach((r, i) => {
      let list = byCell.get(r.cell);
      if (!list) {
        byCell.set(r.cell, (list = []));
        firstLine.set(r.cell, read.lines[i]);
      }
      list.push(r);
    });
    for (const [cell, rows] of byCell) {
      const text = blockText(rows, true);
      const prev = owner.get(cell);
      if (prev) {
        const kind = prev.text === text ? 'duplicate (identical rows)' : 'conflict (different rows)';
        throw new UserInputError(
          'merge',
          'each cell must come from exactly one file',
          `${kind}: cell ${shown(cell)} is in ${prev.file} line ${prev.line} and ${file} line ${firstLine.get(cell)}`,
        );
      }
      owner.set(cell, { file, line: firstLine.get(cell)!, text });
      all.push(...rows);
    }
  }
  return sortRows(all);
}
