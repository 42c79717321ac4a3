import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { UserInputError } from '../../core/errors.ts';
import {
  ResultsFileError,
  ResultsWriter,
  cellKey,
  crc32,
  finishedCells,
  fnv1a32,
  makeRow,
  merge,
  parseResults,
  readResults,
  serializeRows,
  shardOf,
  sortRows,
  validateRow,
  writeResultsFile,
  type ResultRow,
} from './index.ts';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-results-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
let fileCounter = 0;
const tmpFile = () => path.join(tmpRoot, `r${fileCounter++}.jsonl`);

const base = {
  theorem: 'signum-l2',
  algorithm: 'signum',
  problem: 'quad-sep',
  noise: 'gauss',
  engine: 'cpu',
  seed: 7,
  T: 1024,
  d: 16,
  n: 1,
  params: { eta0: 0.5, beta: 0.03125 },
};

/** Rows of a small sweep: 2 algorithms x 3 T x 2 d = 12 cells of 3 replicas x 2 metrics = 6 rows; one diverged run. */
function sweepRows(): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const algorithm of ['signum', 'signsgd']) {
    for (const T of [16, 64, 256]) {
      for (const d of [4, 16]) {
        for (let replica = 0; replica < 3; replica++) {
          for (const metric of ['grad_l1', 'f_gap']) {
            const diverged = algorithm === 'signsgd' && T === 64 && d === 16 && replica === 1;
            rows.push(
              makeRow({
                ...base,
                algorithm,
                T,
                d,
                params: { eta0: 0.5, label: 'σ-sweep' },
                replica,
                metric,
                value: diverged ? null : Math.sqrt(d) / T ** 0.25 + replica / 100,
                ...(diverged ? { diverged: { step: 40 } } : {}),
                gitSha: 'abc123',
                wallMs: 10 + replica,
              }),
            );
          }
        }
      }
    }
  }
  return rows;
}

/** Rows grouped by cell, in a given cell order. */
function byCell(rows: readonly ResultRow[]): Map<string, ResultRow[]> {
  const m = new Map<string, ResultRow[]>();
  for (const r of rows) {
    if (!m.has(r.cell)) m.set(r.cell, []);
    m.get(r.cell)!.push(r);
  }
  return m;
}

describe('hashes', () => {
  it('CRC-32 and FNV-1a known values', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from(''))).toBe(0);
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('shardOf is deterministic, in range, and spreads this fixed set of 600 sweep keys evenly', () => {
    const keys: string[] = [];
    for (let T = 1; T <= 100; T++) for (let d = 1; d <= 6; d++) keys.push(cellKey({ ...base, T, d }));
    const counts = [0, 0, 0, 0];
    for (const k of keys) {
      const s = shardOf(k, 4);
      expect(shardOf(k, 4)).toBe(s);
      counts[s]++;
    }
    // Deterministic check on a fixed key set (not a statistical test): no shard gets less than
    // 2/3 or more than 4/3 of its fair share of 150.
    for (const c of counts) {
      expect(c).toBeGreaterThan(100);
      expect(c).toBeLessThan(200);
    }
    expect(shardOf(keys[0], 1)).toBe(0);
    expect(() => shardOf(keys[0], 0)).toThrow(/shards/);
  });
});

describe('cell keys and rows', () => {
  it('cell key format, parameter order independence, type distinctions and escaping', () => {
    expect(cellKey(base)).toBe('signum-l2/signum/quad-sep/gauss/cpu/seed=7/T=1024,d=16,n=1/beta=0.03125,eta0=0.5');
    expect(cellKey({ ...base, params: { beta: 0.03125, eta0: 0.5 } })).toBe(cellKey(base));
    const num = cellKey({ ...base, params: { k: 1 } });
    const str = cellKey({ ...base, params: { k: '1' } });
    const bool = cellKey({ ...base, params: { k: true } });
    expect(new Set([num, str, bool]).size).toBe(3);
    expect(cellKey({ ...base, problem: 'a/b', params: {} })).toContain('/a%2Fb/');
    expect(cellKey({ ...base, problem: 'a/b' })).not.toBe(cellKey({ ...base, problem: 'a', algorithm: 'signum/b' }));
  });

  it('validation: divergence, values, cell consistency, fields', () => {
    const ok = makeRow({ ...base, replica: 0, metric: 'm', value: 1.5, gitSha: 'x', wallMs: 0 });
    expect(ok.cell).toBe(cellKey(base));
    expect(() => makeRow({ ...base, replica: 0, metric: 'm', value: Number.NaN, gitSha: 'x', wallMs: 0 })).toThrow(/value null with diverged/);
    expect(() => makeRow({ ...base, replica: 0, metric: 'm', value: null, gitSha: 'x', wallMs: 0 })).toThrow(/value/);
    expect(() => makeRow({ ...base, replica: 0, metric: 'm', value: 1, diverged: { step: 3 }, gitSha: 'x', wallMs: 0 })).toThrow(/must be null when the run diverged/);
    expect(makeRow({ ...base, replica: 0, metric: 'm', value: null, diverged: { step: 3 }, gitSha: 'x', wallMs: 0 }).diverged).toEqual({ step: 3 });
    expect(() => validateRow({ ...ok, cell: 'other' })).toThrow(/must equal the cell key/);
    expect(() => validateRow({ ...ok, extra: 1 } as ResultRow)).toThrow(/not a result-row field/);
    expect(() => makeRow({ ...base, params: { T: 3 }, replica: 0, metric: 'm', value: 1, gitSha: 'x', wallMs: 0 })).toThrow(/not T, d or n/);
    expect(() => makeRow({ ...base, seed: -1, replica: 0, metric: 'm', value: 1, gitSha: 'x', wallMs: 0 })).toThrow(/seed/);
    expect(() => makeRow({ ...base, replica: 1.5, metric: 'm', value: 1, gitSha: 'x', wallMs: 0 })).toThrow(/replica/);
  });

  it('canonical order sorts numbers numerically and is independent of input order', () => {
    const rows = sweepRows();
    const sorted = sortRows(rows);
    const reversed = sortRows([...rows].reverse());
    expect(reversed).toEqual(sorted);
    const signumTs = sorted.filter((r) => r.algorithm === 'signum' && r.replica === 0 && r.metric === 'f_gap' && r.d === 4).map((r) => r.T);
    expect(signumTs).toEqual([16, 64, 256]);
  });
});

describe('file format: serialize and parse', () => {
  it('round-trips rows, diverged ones included', () => {
    const rows = sweepRows();
    const text = serializeRows(rows);
    const read = parseResults(Buffer.from(text), 'x.jsonl');
    expect(read.rows).toEqual(sortRows(rows));
    expect(read.tornTail).toBeNull();
    expect(read.cells.length).toBe(12);
    expect(read.committedBytes).toBe(Buffer.byteLength(text));
    // every line is plain JSON
    for (const line of text.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    expect(text).toContain('"diverged":{"step":40}');
  });

  it('every truncation point: torn blocks are never accepted, and are located by line', () => {
    // Three cells of 2 rows each (one with a non-ASCII param, so cuts land inside multibyte chars).
    const rows = sweepRows().filter((r) => r.algorithm === 'signum' && r.d === 4 && r.replica === 0);
    const text = Buffer.from(serializeRows(rows));
    const lineEnds: number[] = [];
    text.forEach((b, i) => b === 0x0a && lineEnds.push(i + 1));
    expect(lineEnds.length).toBe(6);
    const blockEnds = [0, lineEnds[1], lineEnds[3], lineEnds[5]];
    for (let L = 0; L <= text.length; L++) {
      const prefix = text.subarray(0, L);
      const complete = blockEnds.filter((e) => e <= L).length - 1;
      const read = parseResults(prefix, 'p.jsonl', { allowTornTail: true });
      expect(read.cells.length).toBe(complete);
      expect(read.rows.length).toBe(2 * complete);
      expect(read.committedBytes).toBe(blockEnds[complete]);
      const atBoundary = blockEnds.includes(L);
      expect(read.tornTail === null).toBe(atBoundary);
      if (!atBoundary) {
        const tornLine = 2 * complete + 1;
        expect(read.tornTail!.line).toBe(tornLine);
        let err: unknown;
        try {
          parseResults(prefix, 'p.jsonl');
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ResultsFileError);
        expect((err as ResultsFileError).line).toBe(tornLine);
        expect((err as Error).message).toMatch(new RegExp(`^p\\.jsonl line ${tornLine}: incomplete cell block`));
      } else {
        expect(parseResults(prefix, 'p.jsonl').rows.length).toBe(2 * complete);
      }
    }
  });

  it('corruption anywhere is an error with its line number, even when tolerating a torn tail', () => {
    const text = serializeRows(sweepRows());
    const lines = text.split('\n');
    // change one digit of a value on line 4 (a bit flip on disk, or a hand edit)
    lines[3] = lines[3].replace(/"value":(\d)/, (_, d: string) => `"value":${(Number(d) + 1) % 10}`);
    const bad = Buffer.from(lines.join('\n'));
    for (const allowTornTail of [false, true]) {
      expect(() => parseResults(bad, 'c.jsonl', { allowTornTail })).toThrow(/^c\.jsonl line 4: checksum mismatch/);
    }
    // a garbage line at the very end with its newline: not an interrupted append either
    const garbage = Buffer.from(`${text}{"oops": true}\n`);
    expect(() => parseResults(garbage, 'g.jsonl', { allowTornTail: true })).toThrow(/^g\.jsonl line 73: /);
    // a line removed from the middle: the interrupted block is followed by more data
    const dropped = text.split('\n');
    dropped.splice(4, 1);
    expect(() => parseResults(Buffer.from(dropped.join('\n')), 'd.jsonl', { allowTornTail: true })).toThrow(/^d\.jsonl line 5: /);
    // a whole block written twice
    const firstBlock = text.split('\n').slice(0, 6).join('\n') + '\n';
    expect(() => parseResults(Buffer.from(text + firstBlock), 'dup.jsonl')).toThrow(/^dup\.jsonl line 73: .*already written at line 1 \(duplicate cell\)/);
    // invalid UTF-8
    expect(() => parseResults(Buffer.from([0xff, 0xfe, 0x0a]), 'u.jsonl')).toThrow(/^u\.jsonl line 1: must be valid UTF-8/);
  });

  it('an empty file has no rows', () => {
    const read = parseResults(new Uint8Array(0), 'e.jsonl');
    expect(read.rows).toEqual([]);
    expect(read.tornTail).toBeNull();
  });
});

describe('ResultsWriter: append, resume, recovery', () => {
  it('appends cells, refuses to clobber or duplicate, and resumes', () => {
    const file = tmpFile();
    const cells = [...byCell(sweepRows()).values()];
    const w = ResultsWriter.create(file);
    for (const c of cells.slice(0, 5)) w.appendCell(c);
    expect(() => w.appendCell(cells[0])).toThrow(/written twice/);
    expect(() => w.appendCell([...cells[5], ...cells[6]])).toThrow(/one cell/);
    w.close();
    expect(() => ResultsWriter.create(file)).toThrow(/must not exist yet/);
    expect(finishedCells(file)).toEqual(new Set(cells.slice(0, 5).map((c) => c[0].cell)));
    const r = ResultsWriter.resume(file);
    expect(r.recovered).toBeNull();
    expect(r.finished.size).toBe(5);
    for (const c of cells.slice(5)) r.appendCell(c);
    r.close();
    expect(serializeRows(readResults(file).rows)).toBe(serializeRows(sweepRows()));
    expect(finishedCells(path.join(tmpRoot, 'absent.jsonl')).size).toBe(0);
  });

  it('an interrupted append is dropped on resume, and the file reads strictly again', () => {
    const file = tmpFile();
    const cells = [...byCell(sweepRows()).values()];
    const w = ResultsWriter.create(file);
    w.appendCell(cells[0]);
    w.appendCell(cells[1]);
    w.close();
    const committed = fs.statSync(file).size;
    // simulate a kill inside the third block's write: 1.5 of its 6 lines reach the file
    const block = serializeRows(cells[2]);
    const cut = block.indexOf('\n') + 1 + Math.floor(block.split('\n')[1].length / 2);
    fs.appendFileSync(file, block.slice(0, cut));
    expect(() => readResults(file)).toThrow(/line 13: incomplete cell block/);
    expect(finishedCells(file).size).toBe(2);
    const r = ResultsWriter.resume(file);
    expect(r.recovered?.line).toBe(13);
    expect(fs.statSync(file).size).toBe(committed);
    r.appendCell(cells[2]);
    r.close();
    expect(readResults(file).cells.length).toBe(3);
  });

  it('survives SIGKILL of a writing process at an arbitrary moment', async () => {
    const file = tmpFile();
    const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'writer.kill-child.ts');
    const proc = spawn(process.execPath, ['--import', 'tsx', child, file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => proc.on('exit', (code, signal) => resolve(signal ?? code)));
    // Wait until some blocks are on disk, then kill without warning.
    const t0 = Date.now();
    while (!(fs.existsSync(file) && fs.statSync(file).size > 400_000)) {
      if (proc.exitCode !== null) throw new Error(`child exited early: ${stderr}`);
      if (Date.now() - t0 > 60_000) throw new Error('child wrote nothing in 60 s');
      await new Promise((r) => setTimeout(r, 5));
    }
    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const tolerant = readResults(file, { allowTornTail: true });
    console.info(`SIGKILL after ${tolerant.cells.length} cells; torn tail: ${tolerant.tornTail ? tolerant.tornTail.reason : 'none'}`);
    expect(tolerant.cells.length).toBeGreaterThan(0);
    for (const c of byCell(tolerant.rows).values()) expect(c.length).toBe(100);
    // Resume in this process and finish two more cells: the file must then read strictly.
    const w = ResultsWriter.resume(file);
    expect(w.finished.size).toBe(tolerant.cells.length);
    const next = tolerant.cells.length;
    for (const cell of [next, next + 1]) {
      const rows = tolerant.rows.filter((r) => r.cell === tolerant.cells[0]).map((r) => makeRow({ ...r, T: 16 + cell, value: 0.5 }));
      w.appendCell(rows);
    }
    w.close();
    const strict = readResults(file);
    expect(strict.cells.length).toBe(next + 2);
    expect(strict.rows.length).toBe(100 * (next + 2));
  });
});

describe('sharding and merge', () => {
  it('a merged sharded run equals the unsharded run byte for byte', () => {
    const rows = sweepRows();
    const cells = [...byCell(rows).entries()];
    const unsharded = tmpFile();
    const w = ResultsWriter.create(unsharded);
    for (const [, c] of cells) w.appendCell(c);
    w.close();
    const N = 3;
    const shardFiles = Array.from({ length: N }, () => tmpFile());
    const writers = shardFiles.map((f) => ResultsWriter.create(f));
    // shards run their cells in a different (reversed) order
    for (const [key, c] of [...cells].reverse()) writers[shardOf(key, N)].appendCell(c);
    writers.forEach((x) => x.close());
    expect(shardFiles.every((f) => readResults(f).cells.length > 0)).toBe(true);
    const a = serializeRows(merge(shardFiles));
    const b = serializeRows(merge([unsharded]));
    expect(a).toBe(b);
    expect(a).toBe(serializeRows(rows));
    const merged = tmpFile();
    writeResultsFile(merged, merge([...shardFiles].reverse()));
    expect(fs.readFileSync(merged, 'utf8')).toBe(b);
    expect(fs.readdirSync(tmpRoot).some((f) => f.includes('.tmp-'))).toBe(false);
  });

  it('timing-free serialization compares runs whose wall times differ', () => {
    const rows = sweepRows();
    const slower = rows.map((r) => ({ ...r, wallMs: r.wallMs * 3 }));
    expect(serializeRows(slower)).not.toBe(serializeRows(rows));
    expect(serializeRows(slower, { timing: false })).toBe(serializeRows(rows, { timing: false }));
  });

  it('keeps a cell present in two files once when its rows agree (timing aside), rejects a conflict', () => {
    const cells = [...byCell(sweepRows()).values()];
    const f1 = tmpFile();
    const f2 = tmpFile();
    const f3 = tmpFile();
    const f4 = tmpFile();
    const w1 = ResultsWriter.create(f1);
    w1.appendCell(cells[0]);
    w1.appendCell(cells[1]);
    w1.close();
    const w2 = ResultsWriter.create(f2);
    w2.appendCell(cells[1]);
    w2.close();
    const w3 = ResultsWriter.create(f3);
    w3.appendCell(cells[1].map((r) => ({ ...r, wallMs: r.wallMs + 1 })));
    w3.close();
    const w4 = ResultsWriter.create(f4);
    w4.appendCell(cells[1].map((r, i) => (i === 0 ? makeRow({ ...r, cell: undefined, value: (r.value ?? 0) + 1 } as unknown as Omit<ResultRow, 'cell'>) : r)));
    w4.close();
    const once = serializeRows(merge([f1]));
    expect(serializeRows(merge([f1, f2]))).toBe(once);
    expect(serializeRows(merge([f1, f3]), { timing: false })).toBe(serializeRows(merge([f1]), { timing: false }));
    expect(() => merge([f1, f4])).toThrow(UserInputError);
    expect(() => merge([f1, f4])).toThrow(/conflict \(different rows\).* line 7 and .* line 1/);
    expect(() => merge([])).toThrow(/at least one/);
    fs.appendFileSync(f2, '{"theorem":');
    expect(() => merge([f2])).toThrow(/line 7: incomplete cell block/);
  });
});
