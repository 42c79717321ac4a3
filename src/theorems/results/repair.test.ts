import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResultsWriter, blockText, makeRow, parseResults, readResults, repairResultsFile, serializeRows, type ResultRow } from './index.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-repair-'));

/** One cell's rows: `replicas` replicas x 2 metrics, values from the replica index and `shift`. */
function cell(T: number, replicas: number, shift = 0, wallMs = 1): ResultRow[] {
  const rows: ResultRow[] = [];
  for (let replica = 0; replica < replicas; replica++) {
    for (const metric of ['a', 'b']) {
      rows.push(makeRow({ theorem: 't', algorithm: 'signum', problem: 'p', noise: 'none', engine: 'cpu', seed: 1, T, d: 2, n: 1, params: {}, replica, metric, value: replica + shift + T, gitSha: 'abc', wallMs }));
    }
  }
  return rows;
}

describe('identical repeated blocks (two writers on one file)', () => {
  const a = cell(16, 3);
  const b = cell(64, 3);
  const aAgain = cell(16, 3, 0, 7.5); // same rows, other timing
  const text = blockText(a, true) + blockText(b, true) + blockText(aAgain, true);

  it('strict reading refuses them; tolerant reading skips them and lists where', () => {
    expect(() => parseResults(Buffer.from(text), 'f.jsonl')).toThrow(/f\.jsonl line 13: cell .* already written at line 1 \(duplicate cell\): if two runs wrote it, `signcheck repair`/);
    const r = parseResults(Buffer.from(text), 'f.jsonl', { allowIdenticalDuplicates: true });
    expect(r.rows).toHaveLength(12);
    expect(r.duplicates).toEqual([{ cell: a[0].cell, line: 13, firstLine: 1 }]);
    expect(r.replicas.get(a[0].cell)).toBe(3);
  });

  it('a repeat with different rows is a conflict, also when tolerating', () => {
    const bad = blockText(a, true) + blockText(cell(16, 3, 0.5), true);
    expect(() => parseResults(Buffer.from(bad), 'f.jsonl', { allowIdenticalDuplicates: true })).toThrow(/line 7: .*with different rows \(conflicting duplicate/);
  });

  it('repair removes the repeats and a torn tail, keeps file order, and leaves a clean file alone', () => {
    const file = path.join(dir, 'dup.jsonl');
    fs.writeFileSync(file, text + blockText(cell(256, 3), true).slice(0, 100));
    const rep = repairResultsFile(file);
    expect(rep.rewritten).toBe(true);
    expect(rep.duplicates).toHaveLength(1);
    expect(rep.tornTail?.droppedBytes).toBe(100);
    expect(fs.readFileSync(file, 'utf8')).toBe(blockText(a, true) + blockText(b, true));
    expect(readResults(file).rows).toHaveLength(12);
    const before = fs.readFileSync(file);
    expect(repairResultsFile(file).rewritten).toBe(false);
    expect(fs.readFileSync(file)).toEqual(before);
  });

  it('a conflicting file is left byte for byte as it was', () => {
    const file = path.join(dir, 'conflict.jsonl');
    const bad = serializeRows(a) + blockText(cell(16, 3, 0.5), true);
    fs.writeFileSync(file, bad);
    expect(() => repairResultsFile(file)).toThrow(/conflicting duplicate/);
    expect(fs.readFileSync(file, 'utf8')).toBe(bad);
  });
});

describe('writer', () => {
  it('discardIfEmpty removes a file it created and never wrote to, and keeps one with cells', () => {
    const f1 = path.join(dir, 'empty.jsonl');
    ResultsWriter.create(f1).discardIfEmpty();
    expect(fs.existsSync(f1)).toBe(false);
    const f2 = path.join(dir, 'one.jsonl');
    const w = ResultsWriter.create(f2);
    w.appendCell(cell(16, 2));
    w.discardIfEmpty();
    expect(readResults(f2).rows).toHaveLength(4);
  });

  it('resume reports the bytes of the torn tail it drops, and runs its check before truncating', () => {
    const f = path.join(dir, 'torn.jsonl');
    const whole = blockText(cell(16, 2), true);
    fs.writeFileSync(f, whole + blockText(cell(64, 2), true).slice(0, 57));
    expect(() =>
      ResultsWriter.resume(f, () => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(fs.statSync(f).size).toBe(Buffer.byteLength(whole) + 57); // untouched by the refused resume
    const w = ResultsWriter.resume(f);
    expect(w.recovered?.droppedBytes).toBe(57);
    expect(w.replicas.get(cell(16, 2)[0].cell)).toBe(2);
    w.close();
    expect(fs.readFileSync(f, 'utf8')).toBe(whole);
  });
});
