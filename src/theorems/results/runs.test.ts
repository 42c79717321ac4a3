import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUNS_FILE, appendRunHeader, readRunHeaders, requireSameSweep, runHeader, writeRunHeaders } from './runs.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-runs-'));
const h = (over: Record<string, unknown> = {}) => ({ ...runHeader({ command: 'signcheck rates', host: 'h', profile: 'quick', engine: 'cpu', replicas: null, shard: '1/2', config: { theorems: { a: { seed: 5 } } } }), ...over });

describe('run headers', () => {
  it('append and read back; an unterminated last line is ignored', () => {
    const dir = tmp();
    const a = h();
    appendRunHeader(dir, a);
    fs.appendFileSync(path.join(dir, RUNS_FILE), '{"started":');
    expect(readRunHeaders(dir)).toEqual([a]);
    expect(a.code.length).toBeGreaterThan(0);
    expect(a.node).toBe(process.version);
    expect(readRunHeaders(path.join(dir, 'none'))).toEqual([]);
  });

  it('a malformed line names the file and line', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, RUNS_FILE), '{"profile":"quick"}\n[1]\n');
    expect(() => readRunHeaders(dir)).toThrow(/runs\.ndjson line 2: must be a run header/);
  });

  it('shards of one sweep agree; a different profile, engine, replicas, seed or code is named', () => {
    requireSameSweep([{ dir: 'x', headers: [h()] }, { dir: 'y', headers: [h({ shard: '2/2', started: 'later', pid: 1 })] }]);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ profile: 'full' }, /x and y differ in profile: "quick" vs "full"/],
      [{ engine: 'webgpu' }, /differ in engine: "cpu" vs "webgpu"/],
      [{ replicas: 8 }, /differ in replicas: null vs 8/],
      [{ config: { theorems: { a: { seed: 7 } } } }, /differ in config\.theorems\.a\.seed: 5 vs 7/],
      [{ code: 'abc-dirty' }, /differ in code: ".*" vs "abc-dirty"/],
    ];
    for (const [over, re] of cases) expect(() => requireSameSweep([{ dir: 'x', headers: [h()] }, { dir: 'y', headers: [h(over)] }])).toThrow(re);
    requireSameSweep([{ dir: 'old', headers: [] }, { dir: 'y', headers: [h()] }]);
  });

  it('writeRunHeaders keeps the union in start order', () => {
    const dir = tmp();
    const a = h({ started: '2026-01-01T00:00:00.000Z' });
    const b = h({ started: '2026-01-02T00:00:00.000Z' });
    writeRunHeaders(dir, [b, a]);
    writeRunHeaders(dir, [a]);
    expect(readRunHeaders(dir)).toEqual([a, b]);
  });
});
