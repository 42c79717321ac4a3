import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { algorithms } from '../algorithms/index.ts';
import { DEFAULT_OPTIMIZERS, runMushroomComparison, writeOutputs } from '../../examples/mushroom-mlp.ts';
import { useTfCpu } from '../testing/tfjs.ts';

beforeAll(useTfCpu);

// The tiny version of examples/mushroom-mlp.ts (1 epoch, batch 512: 13 steps per optimizer).

describe('examples/mushroom-mlp.ts (tiny profile)', () => {
  it('trains every registered optimizer of the line-up, lowers the loss, writes the results file', async () => {
    const r = await runMushroomComparison({ epochs: 1, batchSize: 512, hidden: 8 });
    const expected = DEFAULT_OPTIMIZERS.filter((s) => s.ids.some((id) => algorithms.has(id))).map((s) => s.name);
    expect(r.curves.map((c) => c.name)).toEqual(expected);
    expect(r.skipped.length + r.curves.length).toBe(DEFAULT_OPTIMIZERS.length);
    expect(r.trainRows + r.testRows).toBe(8124);
    expect(r.stepsPerEpoch).toBe(Math.ceil(r.trainRows / 512));
    for (const c of r.curves) {
      expect(c.trainLoss).toHaveLength(2);
      // same initial weights for every optimizer (one Glorot draw)
      expect(c.trainLoss[0]).toBe(r.curves[0].trainLoss[0]);
      // deterministic run (fixed seed): 13 steps of each method lower the training loss
      expect(c.trainLoss[1], c.name).toBeLessThan(c.trainLoss[0]);
      expect(c.testAccuracy[1]).toBeGreaterThan(0.5);
    }
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-mushroom-'));
    try {
      const w = await writeOutputs(r, 1, join(dir, 'r.json'), join(dir, 'f.svg'), 'tiny');
      const file = JSON.parse(readFileSync(w.json, 'utf8'));
      expect(file.schema).toBe('signcheck.seed-experiment/1');
      expect(file.experiment).toBe('tfjs-mushroom');
      expect(file.jobs).toHaveLength(r.curves.length);
      expect(new Set(file.jobs.map((j: { key: string }) => j.key)).size).toBe(r.curves.length);
      for (const j of file.jobs) {
        expect(j.checkpoints).toEqual([0, r.stepsPerEpoch]);
        expect(j.curves.trainLoss).toHaveLength(2);
      }
      if (w.svg) expect(readFileSync(w.svg, 'utf8')).toMatch(/^<svg/);
      else expect(w.why).toMatch(/renderSvg not available/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
