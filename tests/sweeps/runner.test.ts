import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { theorems } from '../../experiments/theorems/index.ts';
import { merge, readResults, serializeRows } from '../../src/theorems/results/index.ts';
import { builtinCatalogue } from '../../catalogue.ts';
import { checkTheorems } from '../../src/theorems/check.ts';
import { stabilityMarkdown, verdictStability } from '../../src/theorems/stability.ts';
import { cpuRun, resultsFile, runSweep, sweepCompleteness, type EngineRun } from '../../src/theorems/runner.ts';
import type { SweepCell } from '../../src/theorems/types.ts';

// a real declared sweep, shrunk: 4 cells of signum-separable with 3 replicas
const th = theorems.get('signum-separable');
const small = (cells: SweepCell[]) => cells.map((c) => ({ ...c, recipe: { ...c.recipe, replicas: 3 } }));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-runner-'));

describe('sweep runner', () => {
  it('a merged sharded run equals the unsharded run byte for byte (timing aside)', async () => {
    const dir = tmp();
    const whole = await runSweep(th, { profile: 'quick', outDir: path.join(dir, 'whole'), engine: 'cpu', run: cpuRun, resume: false, transform: small });
    expect(whole.ran).toBe(4);
    const shardDirs: string[] = [];
    let ran = 0;
    for (let i = 0; i < 3; i++) {
      const out = path.join(dir, `shard${i}`);
      shardDirs.push(out);
      const r = await runSweep(th, { profile: 'quick', outDir: out, engine: 'cpu', run: cpuRun, resume: false, transform: small, shard: { index: i, count: 3 } });
      ran += r.ran;
    }
    expect(ran).toBe(4); // every cell in exactly one shard
    const merged = merge(shardDirs.map((d) => resultsFile(d, th.id)));
    expect(serializeRows(merged, { timing: false })).toBe(serializeRows(readResults(whole.file).rows, { timing: false }));
  });

  it('keeps the finished cells when the engine fails part-way, and --resume completes the sweep', async () => {
    const dir = tmp();
    let calls = 0;
    const failing: EngineRun = (spec) => {
      if (++calls === 3) throw new Error('device lost (simulated)');
      return cpuRun(spec);
    };
    await expect(runSweep(th, { profile: 'quick', outDir: dir, engine: 'cpu', run: failing, resume: false, transform: small })).rejects.toThrow(/device lost/);
    expect(readResults(resultsFile(dir, th.id)).cells).toHaveLength(2);
    const resumed = await runSweep(th, { profile: 'quick', outDir: dir, engine: 'cpu', run: cpuRun, resume: true, transform: small });
    expect([resumed.ran, resumed.skipped]).toEqual([2, 2]);
    const ref = await runSweep(th, { profile: 'quick', outDir: path.join(dir, 'ref'), engine: 'cpu', run: cpuRun, resume: false, transform: small });
    expect(serializeRows(readResults(resultsFile(dir, th.id)).rows, { timing: false })).toBe(serializeRows(readResults(ref.file).rows, { timing: false }));
  });

  it('a result set is checked against the declared sweep: a missing shard or a deleted cell is an error naming the cell', async () => {
    const dir = tmp();
    const shard = await runSweep(th, { profile: 'quick', outDir: dir, engine: 'cpu', run: cpuRun, resume: false, transform: small, shard: { index: 0, count: 2 } });
    const rows = readResults(shard.file).rows;
    const got = sweepCompleteness(th, 'quick', rows, { transform: small });
    expect(got.missing.length).toBe(4 - shard.ran);
    expect(got.missing.length).toBeGreaterThan(0);
    expect(got.unexpected).toEqual([]);
    // a cell that is not in the sweep (here: another theorem's grid) is named as unexpected
    const foreign = sweepCompleteness(th, 'quick', rows, { transform: (cells) => small(cells).map((c) => ({ ...c, recipe: { ...c.recipe, T: c.recipe.T * 2 } })) });
    expect(foreign.unexpected.length).toBe(shard.ran);
    // through the pipeline: --analyze-only on the partial set is a usage error naming a missing cell
    const only = [th.id];
    const err = await checkTheorems({ theorems: builtinCatalogue.theorems, profile: 'quick', only, engine: 'cpu', out: dir, analyzeOnly: true, replicas: 3 }).catch((e: Error) => e);
    expect(String(err)).toMatch(/results of signum-separable: must hold exactly the cells of the declared quick sweep.*declared cell\(s\) missing \(first: signum-separable\/signum\//);
  });

  it('a config that changes the run (here: a constant step) marks the verdict "modified run" and says so', async () => {
    const dir = tmp();
    const config = path.join(dir, 'sweep.json');
    fs.writeFileSync(config, JSON.stringify({ theorems: { [th.id]: { replicas: 3, hyper: { lr: 0.001 } } } }));
    const r = await checkTheorems({ theorems: builtinCatalogue.theorems, profile: 'quick', only: [th.id], config, engine: 'cpu', out: dir });
    const o = r.summaries[0].outcome;
    expect(o.verdict).toMatch(/\(modified run\)$/);
    expect(o.notes.join()).toMatch(/modified by the config \(hyper lr = 0\.001\): judged against the declared bound/);
    // a constant step cannot converge at the claimed rate: the modified run fails
    expect(o.ok).toBe(false);
  });

  it('stability: each master seed runs its own sweep (seed offset in every row) and the flip rates count the verdicts that differ', async () => {
    const dir = tmp();
    const only = [th.id, `${th.id}-constant-step`];
    const r = await verdictStability({ theorems: builtinCatalogue.theorems, profile: 'quick', only, engine: 'cpu', out: dir, replicas: 3 }, 2);
    expect(r.seeds).toBe(2);
    expect(r.theorems.map((t) => t.theorem)).toEqual(only);
    const seeds = (k: number) => new Set(readResults(resultsFile(path.join(dir, `seed-${k}`), th.id)).rows.map((row) => row.seed));
    expect([...seeds(1)]).toEqual([...seeds(0)].map((x) => x + 1));
    for (const s of r.series) {
      expect(s.verdicts).toHaveLength(2);
      expect(s.flipRate).toBe(s.verdicts[0] === s.verdicts[1] ? 0 : 0.5);
    }
    // the constant step is rejected under both seeds
    expect(r.theorems[1]).toMatchObject({ outcomes: ['as expected', 'as expected'], flipRate: 0 });
    expect(stabilityMarkdown(r)).toContain(`| ${th.id}-constant-step | 0.00 | as expected, as expected |`);
  });

  it('a sweep that declares one cell twice is refused before anything runs (a repeated cell used to be skipped as finished)', async () => {
    const dir = tmp();
    const twice = { ...th, cells: (p: 'quick' | 'full') => { const c = small(th.cells(p)); return [...c, c[0]]; } };
    await expect(runSweep(twice, { profile: 'quick', outDir: dir, engine: 'cpu', run: cpuRun, resume: false })).rejects.toThrow(/theorem signum-separable: must declare each cell once/);
    expect(fs.existsSync(resultsFile(dir, th.id))).toBe(false);
  });
});
