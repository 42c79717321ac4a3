import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { runCpu } from '../engine/cpu.ts';
import { specFromRecipe } from '../engine/recipe.ts';
import { theorems } from '../testing/pool-theorems.ts';
import { estimateCellMs, featuresOfRecipe } from './cost.ts';
import { CellPool, chunkCounts, replicaRanges } from './pool.ts';
import { finishedCells, readResults, serializeRows } from './results/index.ts';
import { cpuRun, runSweep } from './runner.ts';

const MODULE = new URL('../testing/pool-theorems.ts', import.meta.url).href;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-pool-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('replica ranges and chunk counts', () => {
  it('ranges are contiguous, cover 0..R-1 and differ in length by at most one', () => {
    for (const [R, k] of [[1, 1], [9, 4], [5, 8], [48, 7]]) {
      const rs = replicaRanges(R, k);
      expect(rs.length).toBe(Math.min(R, k));
      expect(rs[0][0]).toBe(0);
      expect(rs[rs.length - 1][1]).toBe(R);
      for (let i = 1; i < rs.length; i++) expect(rs[i][0]).toBe(rs[i - 1][1]);
      const lens = rs.map(([a, b]) => b - a);
      expect(Math.max(...lens) - Math.min(...lens)).toBeLessThanOrEqual(1);
    }
  });

  it('splits only cells above a quarter of the fair share, never beyond replicas or jobs, and nothing on one worker', () => {
    expect(chunkCounts([100, 1, 1, 1], [16, 4, 4, 4], 4)).toEqual([4, 1, 1, 1]);
    expect(chunkCounts([100, 1], [2, 4], 8)).toEqual([2, 1]);
    expect(chunkCounts([10, 10, 10, 10], [8, 8, 8, 8], 2)).toEqual([1, 1, 1, 1].map(() => Math.ceil(10 / (40 / 2 / 4))));
    expect(chunkCounts([100, 1], [16, 4], 1)).toEqual([1, 1]);
  });
});

describe('the cell pool', () => {
  it('refuses a pool without a theorem registry module, and --jobs below 1', () => {
    expect(() => CellPool.open(2, undefined)).toThrow(UserInputError);
    expect(() => CellPool.open(0, MODULE)).toThrow(/--jobs/);
  });

  it('a cell split into replica ranges equals one serial run bit for bit, and the theorem must be in the registry', async () => {
    const pool = CellPool.open(2, MODULE);
    try {
      for (const cell of theorems.get('fixture-pool').cells('quick')) {
        const one = runCpu(specFromRecipe(cell.recipe));
        const split = await pool.runCell('fixture-pool', cell.recipe, 3);
        for (const k of ['avgG1', 'avgG2', 'tauG1', 'tau', 'divergedAt', 'frozen', 'finalX'] as const) expect(Array.from(split[k])).toEqual(Array.from(one[k]));
        expect(split.curve.map((c) => Array.from(c.fGap))).toEqual(one.curve.map((c) => Array.from(c.fGap)));
      }
      await expect(pool.runCell('no-such-theorem', theorems.get('fixture-pool').cells('quick')[0].recipe)).rejects.toThrow(/theorem: must be one of/);
      expect(await pool.cellsOf('fixture-pool', 'quick')).toEqual(theorems.get('fixture-pool').cells('quick'));
    } finally {
      pool.close();
    }
  });

  it('a pooled sweep writes the serial results file apart from wallMs, the large cell split', async () => {
    const th = theorems.get('fixture-pool');
    const cells = th.cells('quick');
    const costs = cells.map((c) => estimateCellMs(featuresOfRecipe(c.recipe, specFromRecipe(c.recipe).problem.d)));
    expect(chunkCounts(costs, cells.map((c) => c.recipe.replicas), 2).at(-1)).toBeGreaterThan(1); // the large cell is split
    await runSweep(th, { profile: 'quick', outDir: path.join(tmp, 'serial'), engine: 'cpu', run: cpuRun, resume: false });
    const pool = CellPool.open(2, MODULE);
    try {
      await runSweep(th, { profile: 'quick', outDir: path.join(tmp, 'pooled'), engine: 'cpu', run: cpuRun, resume: false, pool });
    } finally {
      pool.close();
    }
    const a = readResults(path.join(tmp, 'serial', 'fixture-pool.jsonl'));
    const b = readResults(path.join(tmp, 'pooled', 'fixture-pool.jsonl'));
    expect(b.cells).toEqual(a.cells); // cell order
    expect(serializeRows(b.rows, { timing: false })).toBe(serializeRows(a.rows, { timing: false }));
    expect(a.rows.length).toBe(cells.reduce((s, c) => s + 7 * c.recipe.replicas, 0));
  });

  it('a cell that fails rejects the sweep with its error and every other finished cell is kept', async () => {
    const th = theorems.get('fixture-pool-bad');
    const pool = CellPool.open(2, MODULE);
    const out = path.join(tmp, 'bad');
    try {
      await expect(runSweep(th, { profile: 'quick', outDir: out, engine: 'cpu', run: cpuRun, resume: false, pool })).rejects.toThrow(UserInputError);
      // the pool keeps working after a failed cell
      expect((await pool.runCell('fixture-pool-bad', th.cells('quick')[0].recipe)).avgG1.length).toBe(2);
    } finally {
      pool.close();
    }
    const done = finishedCells(path.join(out, 'fixture-pool-bad.jsonl'));
    expect(done.size).toBe(2);
    expect([...done].some((k) => k.includes('k=1'))).toBe(false);
  });
});
