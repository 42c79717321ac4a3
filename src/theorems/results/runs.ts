/**
 * Run headers: `<results dir>/runs.ndjson`, one JSON object per line, appended (and fsynced) by
 * every run that writes the directory, before its first cell. A header says what produced the
 * rows: the command, profile, engine choice, replica override, shard, the sweep configuration
 * (parsed), and the provenance (./provenance.ts: signcheck version, commit and dirty flag of its
 * checkout, Node and Dawn versions). Result rows keep their own `engine` and code version
 * (`gitSha`); older directories without this file still read (the file is optional).
 *
 * `signcheck merge` compares the headers of its shard directories ({@link requireSameSweep}) and
 * refuses shards of different sweeps, naming the field that differs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserInputError, shown } from '../../core/errors.ts';
import { writeFileAtomic } from '../../core/files.ts';
import { codeVersion, provenance, type Provenance } from './provenance.ts';

/** Name of the run-header file in a results directory (not *.jsonl: merge and reports skip it). */
export const RUNS_FILE = 'runs.ndjson';

/** One run's header. */
export interface RunHeader extends Provenance {
  /** ISO 8601 start time. */
  readonly started: string;
  readonly command: string;
  readonly host: string;
  readonly pid: number;
  readonly profile: string;
  /** The engine asked for (auto, cpu, webgpu); the rows say which engine ran each cell. */
  readonly engine: string;
  /** --replicas, or null. */
  readonly replicas: number | null;
  /** --shard i/N, or null. */
  readonly shard: string | null;
  /** The parsed sweep configuration, or null. */
  readonly config: unknown;
  /** The code version written in the rows (./provenance.ts codeVersion). */
  readonly code: string;
}

/** A header for a run starting now, with this process's provenance. */
export function runHeader(parts: Pick<RunHeader, 'command' | 'host' | 'profile' | 'engine' | 'replicas' | 'shard' | 'config'>): RunHeader {
  const p = provenance();
  return { started: new Date().toISOString(), pid: process.pid, ...parts, ...p, code: codeVersion(p) };
}

/** Appends a header to `<dir>/runs.ndjson` (creating it) and fsyncs it. */
export function appendRunHeader(dir: string, header: RunHeader): void {
  fs.mkdirSync(dir, { recursive: true });
  const fd = fs.openSync(path.join(dir, RUNS_FILE), 'a');
  try {
    fs.writeSync(fd, `${JSON.stringify(header)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The headers of a results directory, in order; [] without the file. An unterminated last line (a kill mid-write) is ignored. */
export function readRunHeaders(dir: string): RunHeader[] {
  const file = path.join(dir, RUNS_FILE);
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  lines.pop(); // '' after the last newline, or an unterminated fragment
  return lines.map((line, i) => {
    try {
      const o = JSON.parse(line) as RunHeader;
      if (o && typeof o === 'object' && typeof o.profile === 'string') return o;
    } catch {
      /* reported below */
    }
    throw new UserInputError(`${file} line ${i + 1}`, 'must be a run header (a JSON object with profile, engine, code)', shown(line));
  });
}

/** The fields of a header that must agree between shards of one sweep, in the order they are compared. */
const SAME_SWEEP: readonly (keyof RunHeader)[] = ['profile', 'engine', 'replicas', 'config', 'code'];

function firstDifference(a: unknown, b: unknown, at: string): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
      if (d) return d;
    }
  }
  return `${at}: ${shown(a ?? null)} vs ${shown(b ?? null)}`;
}

/**
 * Checks that the run headers of several results directories describe one sweep: the same
 * profile, engine choice, replica override, configuration (seeds, grids, replicas, settings)
 * and code version. Throws a UserInputError naming the two directories and the first field
 * that differs, e.g. "config.theorems.signum-l2.seed: 5 vs 7". Directories without headers
 * (older runs) are not compared.
 */
export function requireSameSweep(dirs: readonly { readonly dir: string; readonly headers: readonly RunHeader[] }[]): void {
  let ref: { dir: string; h: RunHeader } | null = null;
  for (const { dir, headers } of dirs) {
    for (const h of headers) {
      if (!ref) {
        ref = { dir, h };
        continue;
      }
      for (const f of SAME_SWEEP) {
        const d = firstDifference(ref.h[f], h[f], f);
        if (d) throw new UserInputError('merge', 'shards must come from one sweep (same profile, engine, replicas, config and code version)', `${ref.dir} and ${dir} differ in ${d}`);
      }
    }
  }
}

/** Writes the union of the given headers (and those already in `dir`) to `<dir>/runs.ndjson`, atomically, in start order. */
export function writeRunHeaders(dir: string, headers: readonly RunHeader[]): void {
  const lines = new Set([...readRunHeaders(dir), ...headers].sort((a, b) => (a.started < b.started ? -1 : a.started > b.started ? 1 : 0)).map((h) => JSON.stringify(h)));
  writeFileAtomic(path.join(dir, RUNS_FILE), [...lines].map((l) => `${l}\n`).join(''));
}
