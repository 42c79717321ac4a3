import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCatalogue } from '../../catalogue.ts';
import { checkTheorems } from '../../src/theorems/check.ts';
import { mergeResultDirs, readResults, serializeRows } from '../../src/theorems/results/index.ts';
import { resultsFile } from '../../src/theorems/runner.ts';

/**
 * The built-in catalogue through checkTheorems: the pool (2 workers, finding the theorems through
 * the catalogue's theoremsModule) gives the serial results apart from wallMs, and 3 shards planned
 * by cost, merged, give the unsharded results. Two quick theorems with 4 replicas per cell keep it
 * short; every engine path of the quick profile is compared by `npm run bench:sweep`.
 */
const only = ['signsgd-nonsmooth', 'alias-deterministic'];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-pool-e2e-'));
const base = { theorems: builtinCatalogue.theorems, profile: 'quick' as const, only, engine: 'cpu', replicas: 4, theoremsModule: builtinCatalogue.theoremsModule };
const content = (dir: string, id: string) => serializeRows(readResults(resultsFile(dir, id)).rows, { timing: false });

describe('sweeps of the built-in catalogue on a worker pool and in cost-planned shards', () => {
  it('pooled = serial (timing aside), and merged cost shards = unsharded', async () => {
    const serial = path.join(tmp, 'serial');
    const pooled = path.join(tmp, 'pooled');
    const a = await checkTheorems({ ...base, out: serial, jobs: 1 });
    const statuses: number[] = [];
    const b = await checkTheorems({ ...base, out: pooled, jobs: 2, onPool: (s) => statuses.push(s.busy) });
    expect(Math.max(...statuses)).toBe(2); // both workers ran at once
    for (const id of only) expect(content(pooled, id)).toBe(content(serial, id));
    expect(b.summaries.map((s) => s.outcome.verdict)).toEqual(a.summaries.map((s) => s.outcome.verdict));

    const dirs = [0, 1, 2].map((i) => path.join(tmp, `shard-${i + 1}`));
    const times = [];
    for (let i = 0; i < 3; i++) {
      const r = await checkTheorems({ ...base, out: dirs[i], jobs: 1, shard: { index: i, count: 3 } });
      expect(r.shardTime).toBeDefined();
      times.push(r.shardTime!);
    }
    const cells = 28; // 12 + 16 quick cells
    expect(times.reduce((s, t) => s + t.cells, 0)).toBe(cells);
    expect(times.every((t) => t.estimatedMs > 0 && t.measuredMs > 0)).toBe(true); // each shard reports both (src/theorems/plan.test.ts checks the balance)
    mergeResultDirs(dirs, path.join(tmp, 'merged'));
    for (const id of only) expect(content(path.join(tmp, 'merged'), id)).toBe(content(serial, id));
  });
});
