import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiments/runner.ts';
import { ALIAS_GRID, aliasVsTuned, aliasVsTunedSummary, pipelineOutcomes } from './alias-vs-tuned.ts';

// Tiny profile of alias-vs-tuned: the bookkeeping (which runs the pipelines pick, what they cost,
// how the speed-up and ratios are formed) is recomputed here from the raw job values.

describe('alias-vs-tuned (tiny)', async () => {
  const res = await runExperiment(aliasVsTuned, { profile: 'tiny', processes: 1 });
  const T = Number(res.settings.T);

  it('runs every method, grid point and horizon once per instance and seed; nothing diverges', () => {
    // 2 instances x 2 seeds x (2 ALIAS + 3 baselines x 8 peaks x 2 horizons)
    expect(res.jobs.length).toBe(2 * 2 * (2 + 3 * ALIAS_GRID.length * 2));
    for (const j of res.jobs) {
      // sign methods and ALIAS take bounded steps and cannot blow up; AdamW's steps are bounded by lr too
      expect(j.divergedAt).toBeNull();
      const steps = j.method.startsWith('alias') ? 2 * T : j.params.horizon === 'H' ? T / 10 : T;
      expect(j.checkpoints[j.checkpoints.length - 1]).toBe(steps);
    }
  });

  it('the short pipeline picks the best T/10 run and reports that peak\'s T-run; the speed-up is 1.8 T over ALIAS\'s steps to reach it', () => {
    for (const instance of ['rotated', 'logistic']) {
      const po = pipelineOutcomes(res, instance, 'alias', 'signsgd');
      expect(po.length).toBe(2);
      for (const p of po) {
        const short = res.jobs.filter((j) => j.method === 'signsgd' && j.params.instance === instance && j.seed === p.seed && j.params.horizon === 'H');
        const best = short.reduce((b, j) => ((j.values.gapEnd as number) < (b.values.gapEnd as number) ? j : b));
        expect(p.short!.lr).toBe(Number(best.params.lr));
        const finalRun = res.jobs.find((j) => j.method === 'signsgd' && j.params.instance === instance && j.seed === p.seed && j.params.horizon === 'T' && Number(j.params.lr) === p.short!.lr)!;
        expect(p.short!.gap).toBe(finalRun.values.gapEnd);
        const full = res.jobs.filter((j) => j.method === 'signsgd' && j.params.instance === instance && j.seed === p.seed && j.params.horizon === 'T');
        expect(p.full!.gap).toBe(Math.min(...full.map((j) => j.values.gapEnd as number)));
        // ALIAS's first checkpoint at or below the target, or censored
        const a = res.jobs.find((j) => j.method === 'alias' && j.params.instance === instance && j.seed === p.seed)!;
        const k = a.curves.gap.findIndex((g) => g !== null && g <= p.short!.gap);
        expect(p.stepsToShort).toBe(k >= 0 ? a.checkpoints[k] : null);
      }
    }
    const s = aliasVsTunedSummary(res);
    const row = s.rows.find((r) => r.instance === 'rotated' && r.alias === 'alias' && r.baseline === 'signsgd')!;
    const po = pipelineOutcomes(res, 'rotated', 'alias', 'signsgd');
    const logs = po.map((p) => Math.log10(p.alias / p.short!.gap));
    expect(Math.log10(row.ratioShort!.mean)).toBeCloseTo((logs[0] + logs[1]) / 2, 12);
    const sp = po.map((p) => Math.log10((1.8 * T) / (p.stepsToShort ?? 2 * T)));
    expect(Math.log10(row.speedupShort!.mean)).toBeCloseTo((sp[0] + sp[1]) / 2, 12);
    expect(s.evaluations).toEqual({ alias: T, shortGrid: 1.8 * T, fullGrid: 8 * T });
  });

  it('analysis: one table row per instance, ALIAS option and baseline; claims and a figure per instance', () => {
    const a = aliasVsTuned.analyze(res);
    expect(a.tables[0].rows.length).toBe(2 * 2 * 3);
    expect(a.figures.map((f) => f.id)).toEqual(['alias-vs-tuned-rotated', 'alias-vs-tuned-logistic']);
    expect(a.claims.length).toBeGreaterThanOrEqual(5);
  });
});
