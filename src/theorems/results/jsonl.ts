/**
 * The crash-safe JSONL file format of rate-sweep results (rows: ./row.ts), reading, resume and
 * atomic writing.
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
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserInputError, shown } from '../../core/errors.ts';
import { canonicalParams, sortRows, validateRow, type ResultRow } from './row.ts';

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
// Checksum
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


// ---------------------------------------------------------------------------------------------
// Lines and blocks
// ---------------------------------------------------------------------------------------------

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

/** The text of one cell's block: its rows validated, sorted and written as lines. */
export function blockText(rows: readonly ResultRow[], timing: boolean): string {
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
  /** Bytes from byteOffset to the end of the file: what resuming drops. */
  readonly droppedBytes: number;
  readonly reason: string;
}

/** A cell block that repeats an earlier block of the same cell with equal rows (timing aside). */
export interface DuplicateBlock {
  readonly cell: string;
  /** 1-based first line of the repeated block, and of the block it repeats. */
  readonly line: number;
  readonly firstLine: number;
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
  /** Blocks skipped as identical repeats, when reading with `allowIdenticalDuplicates`; else []. */
  readonly duplicates: DuplicateBlock[];
  /** Replicas of each complete cell: the number of distinct replica indices in its block. */
  readonly replicas: Map<string, number>;
}

/** Options of {@link parseResults} / {@link readResults}. */
export interface ReadOptions {
  /**
   * Accept (and ignore) an incomplete last block, as left by an interrupted append; reported in
   * `tornTail`. Default false: it is an error naming its line.
   */
  readonly allowTornTail?: boolean;
  /**
   * Accept (and skip) a cell block that repeats an earlier block of its cell with the same rows,
   * timing columns aside (two writers that computed the same cell); listed in `duplicates`. A
   * repeat with different rows stays an error. Default false: every repeat is an error.
   */
  readonly allowIdenticalDuplicates?: boolean;
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
  const duplicates: DuplicateBlock[] = [];
  const replicas = new Map<string, number>();
  const cellLine = new Map<string, number>();
  const cellRows = new Map<string, { start: number; count: number }>();
  let committed = 0;
  let block: { cell: string; k: number; next: number; line: number; offset: number; rows: ResultRow[]; lines: number[]; ids: Set<string>; repeats: number | null } | null = null;
  const done = (tornTail: TornTail | null): ReadResult => ({ rows, lines, cells, committedBytes: committed, tornTail, duplicates, replicas });
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
      return done({ line: at.line, byteOffset: at.offset, droppedBytes: data.length - at.offset, reason });
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
      if (prev !== undefined && !options.allowIdenticalDuplicates) {
        throw new ResultsFileError(file, lineNo, `cell ${shown(row.cell)} was already written at line ${prev} (duplicate cell): if two runs wrote it, \`signcheck repair\` removes identical repeats`);
      }
      block = { cell: row.cell, k, next: 0, line: lineNo, offset: pos, rows: [], lines: [], ids: new Set(), repeats: prev ?? null };
    }
    const id = `${row.replica}\u0000${row.metric}`;
    if (block.ids.has(id)) throw new ResultsFileError(file, lineNo, `repeats replica ${row.replica}, metric ${shown(row.metric)} within its cell (duplicate row)`);
    block.ids.add(id);
    block.rows.push(row);
    block.lines.push(lineNo);
    block.next++;
    pos = nl + 1;
    if (block.next === block.k) {
      if (block.repeats !== null) {
        const first = cellRows.get(block.cell)!;
        const same = blockText(rows.slice(first.start, first.start + first.count), false) === blockText(block.rows, false);
        if (!same) {
          throw new ResultsFileError(file, block.line, `cell ${shown(block.cell)} was already written at line ${block.repeats} with different rows (conflicting duplicate: the two runs disagree; remove the wrong block by hand)`);
        }
        duplicates.push({ cell: block.cell, line: block.line, firstLine: block.repeats });
      } else {
        cellRows.set(block.cell, { start: rows.length, count: block.rows.length });
        rows.push(...block.rows);
        lines.push(...block.lines);
        cells.push(block.cell);
        cellLine.set(block.cell, block.line);
        replicas.set(block.cell, new Set(block.rows.map((r) => r.replica)).size);
      }
      committed = pos;
      block = null;
    }
  }
  if (block) {
    const reason = `cell block starting at line ${block.line} has ${block.next} of ${block.k} rows (interrupted write)`;
    if (!options.allowTornTail) throw new ResultsFileError(file, block.line, `incomplete cell block: ${reason}; resume the run to recover`);
    return done({ line: block.line, byteOffset: block.offset, droppedBytes: data.length - block.offset, reason });
  }
  return done(null);
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
  private appended = 0;
  private constructor(
    /** Path of the results file. */
    readonly file: string,
    fd: number,
    /** Cells finished in the file (those found on resume plus those appended). */
    readonly finished: Set<string>,
    /** The interrupted block dropped on resume, if there was one. */
    readonly recovered: TornTail | null,
    /** Replicas of each finished cell found on resume (see {@link ReadResult.replicas}). */
    readonly replicas: ReadonlyMap<string, number> = new Map(),
    /** True when this writer created the file. */
    private readonly created = false,
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
    return new ResultsWriter(file, fd, new Set(), null, new Map(), true);
  }

  /**
   * Continues a results file (creating it if absent): validates it, truncates an interrupted last
   * block (reported in `recovered`), and appends after the last complete block. Corruption
   * elsewhere is an error (ResultsFileError), never silently dropped.
   */
  static resume(file: string, check?: (read: ReadResult) => void): ResultsWriter {
    if (!fs.existsSync(file)) return ResultsWriter.create(file);
    const read = readResults(file, { allowTornTail: true });
    check?.(read);
    if (read.tornTail) {
      fs.truncateSync(file, read.committedBytes);
    }
    const fd = fs.openSync(file, 'a');
    if (read.tornTail) fs.fsyncSync(fd);
    return new ResultsWriter(file, fd, new Set(read.cells), read.tornTail, read.replicas);
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
    this.appended++;
  }

  /**
   * Closes the file and, when this writer created it and appended nothing (a run that failed
   * before its first cell), removes it, so the corrected command is not blocked by an empty file.
   */
  discardIfEmpty(): void {
    this.close();
    if (this.created && this.appended === 0) {
      try {
        if (fs.statSync(this.file).size === 0) fs.unlinkSync(this.file);
      } catch {
        /* already gone */
      }
    }
  }

  /** Closes the file. */
  close(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }
}

/** Writes `text` to `file` atomically: temporary file in the same directory, fsync, rename, fsync of the directory. */
function replaceFileAtomic(file: string, text: string): void {
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
 * Writes rows as a complete canonical file ({@link serializeRows}) atomically: temporary file in
 * the same directory, fsync, rename over `file`, fsync of the directory. Readers see the old file
 * or the new one, never a mixture.
 */
export function writeResultsFile(file: string, rows: readonly ResultRow[], options: SerializeOptions = {}): void {
  replaceFileAtomic(file, serializeRows(rows, options));
}

/** What {@link repairResultsFile} did to one file. */
export interface RepairReport {
  readonly file: string;
  /** Identical repeated blocks removed. */
  readonly duplicates: DuplicateBlock[];
  /** The interrupted last block removed, if any. */
  readonly tornTail: TornTail | null;
  /** Whether the file was rewritten (false: it was already clean). */
  readonly rewritten: boolean;
}

/**
 * Repairs a results file that two writers appended to: blocks repeating an earlier block of their
 * cell with the same rows (timing columns aside) are removed, keeping the first, and an
 * interrupted last block is dropped; a repeat with different rows, or any other corruption, is an
 * error and the file is left as it was. The kept blocks are written in file order, atomically
 * (temporary file, fsync, rename).
 */
export function repairResultsFile(file: string): RepairReport {
  const read = readResults(file, { allowTornTail: true, allowIdenticalDuplicates: true });
  if (read.duplicates.length === 0 && read.tornTail === null) return { file, duplicates: [], tornTail: null, rewritten: false };
  let text = '';
  let start = 0;
  for (let i = 1; i <= read.rows.length; i++) {
    if (i === read.rows.length || read.rows[i].cell !== read.rows[start].cell) {
      text += blockText(read.rows.slice(start, i), true);
      start = i;
    }
  }
  replaceFileAtomic(file, text);
  return { file, duplicates: read.duplicates, tornTail: read.tornTail, rewritten: true };
}
