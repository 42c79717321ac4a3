import { readFileSync } from 'node:fs';
import { UserInputError, shown } from '../core/errors.ts';
import { parseDecimal } from './params.ts';

/** One sparse row: 0-based feature indices (strictly increasing) and their values. */
export interface SparseRow {
  readonly indices: Uint32Array;
  readonly values: Float64Array;
}

/** A parsed LIBSVM file. */
export interface LibsvmData {
  /** The name used in error messages (file name or a label). */
  readonly source: string;
  readonly rows: readonly SparseRow[];
  readonly labels: Float64Array;
  /** Number of features: the largest index seen (1-based), or options.dim when given. */
  readonly dim: number;
  /** 1-based line number of each row in the source text. */
  readonly lineNumbers: Uint32Array;
}

/** Options of {@link parseLibsvm}. */
export interface LibsvmOptions {
  /** Name of the source in error messages (default "libsvm input"). */
  source?: string;
  /** Expected number of features: indices above it are rejected; the result has this dim. */
  dim?: number;
}

/** Largest feature index accepted (fits the Uint32Array of 0-based indices and typed-array lengths). */
export const LIBSVM_MAX_INDEX = 2 ** 31 - 1;

const INDEX = /^\d+$/;

/**
 * Parses LIBSVM / SVMlight sparse text: one row per line, `LABEL INDEX:VALUE INDEX:VALUE ...`,
 * indices 1-based and strictly increasing, absent features 0 (Chang & Lin, LIBSVM; the format of
 * the LIBSVM binary data sets collection).
 *
 * Accepted: tokens separated by spaces or tabs, trailing whitespace, CRLF line ends, blank lines
 * and `#` comments (from `#` to the end of the line, as in SVMlight), which are skipped. Numbers are
 * strict decimal literals ("1", "-0.5", "+1", "2.5e-3"); no "nan", "inf", hex or thousands marks.
 *
 * Rejected, each with a {@link UserInputError} whose parameter is "<source> line <n>" and whose rule
 * states the requirement: a label that is not a finite decimal number; a feature token without
 * exactly one ':'; an empty index or value; an index that is not a positive integer (0, -1, 1.5,
 * "qid"); an index above options.dim or 2^31 - 1; indices not strictly increasing (duplicates
 * included); a value that is not a finite decimal number (NaN, Inf, overflow such as 1e999); and a
 * source with no data rows.
 */
export function parseLibsvm(text: string, options: LibsvmOptions = {}): LibsvmData {
  const source = options.source ?? 'libsvm input';
  if (typeof text !== 'string') throw new UserInputError(source, 'must be text', `got ${shown(text)}`);
  const limit = options.dim ?? LIBSVM_MAX_INDEX;
  const rows: SparseRow[] = [];
  const labels: number[] = [];
  const lineNumbers: number[] = [];
  let maxIndex = 0;
  const lines = text.split('\n');
  for (let ln = 0; ln < lines.length; ln++) {
    let line = lines[ln];
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    line = line.trim();
    if (line === '') continue;
    const where = `${source} line ${ln + 1}`;
    const tokens = line.split(/[ \t]+/);
    const label = parseDecimal(tokens[0]);
    if (label === undefined) {
      throw new UserInputError(where, 'label must be a finite decimal number', `got ${shown(tokens[0])}`);
    }
    const k = tokens.length - 1;
    const indices = new Uint32Array(k);
    const values = new Float64Array(k);
    let prev = 0;
    for (let t = 0; t < k; t++) {
      const token = tokens[t + 1];
      const colon = token.indexOf(':');
      if (colon < 0 || token.indexOf(':', colon + 1) >= 0) {
        throw new UserInputError(where, `feature ${t + 1} must be INDEX:VALUE with exactly one ':'`, `got ${shown(token)}`);
      }
      const idxText = token.slice(0, colon);
      const valText = token.slice(colon + 1);
      if (idxText === '') throw new UserInputError(where, `feature ${t + 1} has an empty index`, `got ${shown(token)}`);
      if (valText === '') throw new UserInputError(where, `feature ${t + 1} has an empty value`, `got ${shown(token)}`);
      if (!INDEX.test(idxText)) {
        throw new UserInputError(where, `feature ${t + 1}: index must be a positive integer`, `got ${shown(token)}`);
      }
      const idx = Number(idxText);
      if (idx < 1) throw new UserInputError(where, `feature ${t + 1}: index must be a positive integer`, `got ${shown(token)}`);
      if (idx > limit) {
        const rule = options.dim !== undefined ? `index must be <= dim = ${options.dim}` : `index must be <= ${LIBSVM_MAX_INDEX}`;
        throw new UserInputError(where, `feature ${t + 1}: ${rule}`, `got ${shown(token)}`);
      }
      if (idx <= prev) {
        throw new UserInputError(where, `feature ${t + 1}: indices must be strictly increasing`, `index ${idx} after ${prev}`);
      }
      const value = parseDecimal(valText);
      if (value === undefined) {
        throw new UserInputError(where, `feature ${t + 1}: value must be a finite decimal number`, `got ${shown(token)}`);
      }
      indices[t] = idx - 1;
      values[t] = value;
      prev = idx;
    }
    if (prev > maxIndex) maxIndex = prev;
    rows.push({ indices, values });
    labels.push(label);
    lineNumbers.push(ln + 1);
  }
  if (rows.length === 0) throw new UserInputError(source, 'must contain at least one data row');
  return {
    source,
    rows,
    labels: Float64Array.from(labels),
    dim: options.dim ?? maxIndex,
    lineNumbers: Uint32Array.from(lineNumbers),
  };
}

/** Reads and parses a LIBSVM file; I/O failures become UserInputErrors naming the file. */
export function readLibsvmFile(path: string, options: Omit<LibsvmOptions, 'source'> & { source?: string } = {}): LibsvmData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserInputError(options.source ?? path, 'must be a readable file', (e as Error).message);
  }
  return parseLibsvm(text, { ...options, source: options.source ?? path });
}

/** A sparse row as a dense Float64Array of length dim. */
export function toDense(row: SparseRow, dim: number): Float64Array {
  const out = new Float64Array(dim);
  for (let k = 0; k < row.indices.length; k++) out[row.indices[k]] = row.values[k];
  return out;
}

/**
 * Writes rows back in LIBSVM text (one line each, `label idx:val ...`, indices 1-based), numbers in
 * JavaScript's shortest round-trip form, so parseLibsvm(formatLibsvm(x)) reproduces x exactly.
 */
export function formatLibsvm(labels: ArrayLike<number>, rows: readonly SparseRow[]): string {
  const lines: string[] = [];
  for (let r = 0; r < rows.length; r++) {
    const parts = [String(labels[r])];
    const row = rows[r];
    for (let k = 0; k < row.indices.length; k++) parts.push(`${row.indices[k] + 1}:${String(row.values[k])}`);
    lines.push(parts.join(' '));
  }
  return lines.join('\n') + '\n';
}
