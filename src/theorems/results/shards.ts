/**
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
import { UserInputError, requireInteger, shown } from '../../core/errors.ts';
import { blockText, readResults, writeResultsFile } from './jsonl.ts';
import { sortRows, type ResultRow } from './row.ts';
import { readRunHeaders, requireSameSweep, writeRunHeaders } from './runs.ts';

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

/**
 * Combines results files (shards of one sweep, or a single file to normalise it): each is read
 * strictly; a cell present in two files is kept once when its rows are equal apart from the
 * timing column (`wallMs`: two runs computed the same cell), and rejected when they differ (a
 * conflict, naming both files and lines); the shards must agree on the engines and the code
 * version their rows record. The rows come back in canonical order, so
 * `serializeRows(merge(shards))` equals `serializeRows(merge([unsharded]))` byte for byte.
 */
export function merge(files: readonly string[]): ResultRow[] {
  if (files.length === 0) throw new UserInputError('files', 'must name at least one results file');
  const owner = new Map<string, { file: string; line: number; text: string }>();
  const all: ResultRow[] = [];
  let first: { file: string; engines: string; code: string } | null = null;
  for (const file of files) {
    const read = readResults(file);
    const engines = [...new Set(read.rows.map((r) => r.engine))].sort().join(', ');
    const code = [...new Set(read.rows.map((r) => r.gitSha))].sort().join(', ');
    if (read.rows.length) {
      if (!first) first = { file, engines, code };
      else if (first.engines !== engines) throw new UserInputError('merge', 'shards must run on the same engine', `${first.file}: ${first.engines}; ${file}: ${engines}`);
      else if (first.code !== code) throw new UserInputError('merge', 'shards must come from the same code version', `${first.file}: ${first.code}; ${file}: ${code}`);
    }
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
      const text = blockText(rows, false);
      const prev = owner.get(cell);
      if (prev) {
        if (prev.text === text) continue; // the same results, timing aside
        throw new UserInputError(
          'merge',
          'a cell in two files must have the same rows (timing aside)',
          `conflict (different rows): cell ${shown(cell)} is in ${prev.file} line ${prev.line} and ${file} line ${firstLine.get(cell)}`,
        );
      }
      owner.set(cell, { file, line: firstLine.get(cell)!, text });
      all.push(...rows);
    }
  }
  return sortRows(all);
}

/** One merged results file: its name, path, how many shard files held it, and its row count. */
export interface MergedFile {
  readonly name: string;
  readonly file: string;
  readonly shards: number;
  readonly rows: number;
}

/**
 * Merges the results directories of sharded runs: every `*.jsonl` name found in any directory is
 * merged ({@link merge}) over the directories that hold it and written to `<outDir>/<name>`, in
 * name order. Every directory must exist.
 */
export function mergeResultDirs(dirs: readonly string[], outDir: string): MergedFile[] {
  const names = new Set<string>();
  for (const d of dirs) {
    if (!fs.existsSync(d)) throw new UserInputError('merge', 'directories must exist', d);
    for (const f of fs.readdirSync(d)) if (f.endsWith('.jsonl')) names.add(f);
  }
  const headers = dirs.map((dir) => ({ dir, headers: readRunHeaders(dir) }));
  requireSameSweep(headers);
  // every file is read and checked before the first is written
  const plan = [...names].sort().map((name) => {
    const files = dirs.map((d) => path.join(d, name)).filter((f) => fs.existsSync(f));
    return { name, files, rows: merge(files) };
  });
  const merged: MergedFile[] = [];
  fs.mkdirSync(outDir, { recursive: true });
  for (const { name, files, rows } of plan) {
    const target = path.join(outDir, name);
    writeResultsFile(target, rows);
    merged.push({ name, file: target, shards: files.length, rows: rows.length });
  }
  const all = headers.flatMap((h) => h.headers);
  if (all.length) writeRunHeaders(outDir, all);
  return merged;
}
