import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiments/runner.ts';
import { MVSM_METHODS, distributedG, mvsmDistributed } from './mvsm-distributed.ts';

describe('mvsm-distributed (tiny profile)', () => {
  it('runs every method on every seed with its tuned step, records bits and the S_G bound use, and analyses', async () => {
    const res = await runExperiment(mvsmDistributed, { profile: 'tiny', processes: 1 });
    const seeds = mvsmDistributed.seeds('tiny');
    expect(res.jobs.length).toBe(MVSM_METHODS.length * seeds.length);
    const d = Number(res.settings.d);
    for (const j of res.jobs) {
      // 1-bit messages: one u32 word per worker and step up (d <= 32); down 32 bits, or 64 for a
      // ternary message (a tied vote of the even number of workers)
      expect(j.values.upBits).toBe(32);
      expect(j.values.downBits as number).toBeGreaterThanOrEqual(32);
      expect(j.values.downBits as number).toBeLessThanOrEqual(64);
      expect(j.values.float32Up).toBe(32 * d);
      const m = MVSM_METHODS.find((x) => x.method === j.method)!;
      if (m.usesG) {
        // the guard stops a run above 1, so a finished run has max ||v||_inf / G <= 1
        expect(j.values.boundUse as number).toBeGreaterThan(0);
        expect(j.values.boundUse as number).toBeLessThanOrEqual(1);
      } else expect(j.values.boundUse).toBeNull();
      expect((res.settings.grid as number[]).includes(j.values.lr as number)).toBe(true);
      expect(j.curves.gap.length).toBe(j.checkpoints.length);
      expect(j.divergedAt).toBeNull();
    }
    // MVSM v2 never sends a 0 (S_1 outputs +-1): exactly 32 bits down
    for (const j of res.jobs.filter((x) => x.method === 'mvsm-v2')) expect(j.values.downBits).toBe(32);
    // every job of a method used the same tuned step (chosen on seed 0 only)
    for (const m of MVSM_METHODS) expect(new Set(res.jobs.filter((j) => j.method === m.method).map((j) => j.values.lr)).size).toBe(1);
    expect(Number(res.settings.G)).toBe(distributedG(d, Number(res.settings.n)));
    const a = mvsmDistributed.analyze(res);
    expect(a.tables[0].rows.length).toBe(MVSM_METHODS.length);
    expect(a.figures.map((f) => f.id)).toEqual(['mvsm-distributed-gap', 'mvsm-distributed-g1', 'mvsm-distributed-g2']);
    expect(a.claims.length).toBe(3);
  });
});
