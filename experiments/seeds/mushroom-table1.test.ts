import { describe, expect, it } from 'vitest';
import { algorithms } from '../../src/algorithms/index.ts';
import { runCpu } from '../../src/engine/cpu.ts';
import { specFromRecipe } from '../../src/engine/recipe.ts';
import { runExperiment, runJobHere } from '../../src/experiments/runner.ts';
import { mean } from '../../src/stats/index.ts';
import { createProblem } from '../../src/problems/index.ts';
import type { LogisticProblem } from '../../src/problems/logistic-core.ts';
import { mushroomTable1, mushroomW0, p0StepSizes, P0_TABLE1, zeroInitMomentum } from './mushroom-table1.ts';

describe('mushroom-table1', () => {
  it("P0's step sizes come out of its constants (0.01504 and 0.003816)", () => {
    const lr = p0StepSizes();
    expect(lr.sign.toPrecision(4)).toBe('0.01504');
    expect(lr.sgd.toPrecision(4)).toBe('0.003816');
    expect(lr.R).toBeCloseTo(Math.sqrt(21), 12);
  });

  it('w0 of seed s is the mushroom family draw for x0Seed = s', () => {
    for (const s of [0, 7]) expect(Array.from(mushroomW0(s))).toEqual(Array.from((createProblem('mushroom', { x0Seed: s }) as LogisticProblem).x0()));
  });

  it('the m_0 = 0 momentum variant follows m = (1 - beta) m + beta g from m = 0 exactly', () => {
    const def = zeroInitMomentum(algorithms.get('signum'));
    const spec = specFromRecipe({ algorithm: 'signum', hyper: { lr: 0.1, beta: 0.1 }, problem: { family: 'separable-quadratic', params: { d: 3, spectrum: 'power-law', x0: 'ones' } }, noise: null, T: 7, workers: 1, replicas: 1, seed: 0 });
    const res = runCpu({ ...spec, algorithm: def });
    const L = [1, 1 / 2, 1 / 3];
    const x = [1, 1, 1];
    const m = [0, 0, 0];
    for (let t = 0; t < 7; t++) {
      for (let i = 0; i < 3; i++) {
        m[i] = (1 - 0.1) * m[i] + 0.1 * L[i] * x[i];
        x[i] = x[i] - 0.1 * Math.sign(m[i]);
      }
    }
    expect(Array.from(res.finalX)).toEqual(x);
    expect(() => zeroInitMomentum(algorithms.get('sgd'))).toThrow(/no longer has the momentum rule/);
  });

  it('a tiny run records the loss and test accuracy at every iterate and averages them as declared', () => {
    const job = mushroomTable1.jobs('tiny').find((j) => j.method === 'm-signsgd')!;
    const r = runJobHere(mushroomTable1, job, 'tiny');
    const T = Number(job.params.T);
    const loss = r.curves.loss as number[];
    const correct = r.curves.testCorrect as number[];
    expect(loss.length).toBe(T + 1);
    expect(correct.every((c) => Number.isInteger(c) && c >= 0 && c <= 1625)).toBe(true);
    const p = createProblem('mushroom', { x0Seed: job.seed }) as LogisticProblem;
    const w0 = p.x0();
    expect(loss[0]).toBeCloseTo(p.f(w0), 4); // stored with 6 significant digits
    expect(correct[0]).toBe(Math.round(p.accuracy(w0, 'test') * 1625));
    // means over t = 0..T-1 of the full-precision curve; the stored curve is rounded to 6 digits
    expect(r.values.meanLoss as number).toBeCloseTo(mean(loss.slice(0, T)), 3);
    expect(r.values.meanAcc as number).toBeCloseTo((100 * mean(correct.slice(0, T))) / 1625, 10);
  });

  it('the analysis puts paper and ours side by side for all 16 numbers of Table 1', async () => {
    const res = await runExperiment(mushroomTable1, { profile: 'tiny', processes: 1 });
    const a = mushroomTable1.analyze(res);
    const detail = a.tables.find((t) => t.id === 'mushroom-table1')!;
    expect(detail.rows.length).toBe(16);
    for (const row of detail.rows) expect(Object.values(P0_TABLE1).flatMap((v) => [v.loss, v.lossVar, v.acc, v.accVar])).toContain(row.paper);
    expect(a.claims.map((c) => c.statement)).toContain("P0's ordering of mean train loss: M-SignSGD < SignSGD < M-SGD < SGD");
    expect(a.figures.length).toBe(4);
  });
});
