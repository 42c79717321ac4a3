import { describe, expect, it } from 'vitest';
import { algorithms } from '../src/algorithms/index.ts';
import { runCpu } from '../src/engine/cpu.ts';
import { runJobHere, runExperiment } from '../src/experiments/runner.ts';
import { mean, weightedChiSquareMeanInterval } from '../src/stats/index.ts';
import { createProblem } from '../src/problems/index.ts';
import type { LogisticProblem } from '../src/problems/logistic-core.ts';
import { illConditionedRecipe } from './seed-ill-conditioned-toy.ts';
import { mushroomTable1, mushroomW0, p0StepSizes, P0_TABLE1, zeroInitMomentum } from './seed-mushroom-table1.ts';
import { sgdFinalVariances } from './seed-sparse-noise-toy.ts';
import { CATALOGUE_SEED_EXPERIMENTS, seedExperiments } from './seeds.ts';
import { specFromRecipe } from '../src/engine/recipe.ts';

describe('seed-experiment registry', () => {
  it('registers the three experiments of this issue and lists every catalogue id', () => {
    expect(seedExperiments.ids()).toEqual(['mushroom-table1', 'sparse-noise-toy', 'ill-conditioned-toy', 'alias-vs-tuned', 'alias-cosine', 'mvsm-distributed']);
    for (const id of seedExperiments.ids()) expect(CATALOGUE_SEED_EXPERIMENTS.map((c) => c.id)).toContain(id);
    for (const e of seedExperiments.all()) for (const p of ['tiny', 'quick', 'full'] as const) expect(new Set(e.jobs(p).map((j) => j.key)).size).toBe(e.jobs(p).length);
  });
});

describe('sparse-noise-toy (tiny)', () => {
  it("SGD's final losses follow the exact law of the toy (engine + noise + bookkeeping)", async () => {
    const exp = seedExperiments.get('sparse-noise-toy');
    const res = await runExperiment(exp, { profile: 'tiny', processes: 1 });
    const sgd = res.jobs.filter((j) => j.method === 'sgd').map((j) => j.values.finalLoss as number);
    // x_T is exactly Gaussian: the mean of n final losses lies in this interval with probability
    // 0.999 (Satterthwaite, nearly exact here), so a false alarm has probability about 1e-3.
    const acc = weightedChiSquareMeanInterval(sgdFinalVariances(), sgd.length, 0.999);
    expect(mean(sgd)).toBeGreaterThan(acc.lo);
    expect(mean(sgd)).toBeLessThan(acc.hi);
    const a = exp.analyze(res);
    const sgdRow = a.tables[0].rows.find((r) => r.label === 'SGD')!;
    expect(sgdRow.ours).toBeCloseTo(mean(sgd), 12);
    expect(a.figures.map((f) => f.id)).toEqual(['sparse-noise-toy-curves', 'sparse-noise-toy-dots']);
    expect(a.claims.length).toBe(2);
  });
});

describe('ill-conditioned-toy (tiny)', () => {
  it('SGD matches its closed form per seed, diverges above 2/L_0, and SignSGD ends within lr of the optimum', async () => {
    const exp = seedExperiments.get('ill-conditioned-toy');
    const res = await runExperiment(exp, { profile: 'tiny', processes: 1 });
    const d = Number(res.settings.d);
    for (const j of res.jobs) {
      const lr = Number(j.params.lr);
      const problem = specFromRecipe(illConditionedRecipe('sgd', lr, j.seed, d)).problem;
      const x0 = problem.x0();
      const L = (i: number) => (i === 0 ? 1000 : 1);
      if (j.method === 'sgd') {
        if (lr > 2 / 1000) {
          expect(j.divergedAt).not.toBeNull();
          expect(j.values.finalLoss).toBeNull();
          continue;
        }
        // f_T = 1/2 sum L_i (1 - lr L_i)^{2T} x0_i^2; each x_i takes T roundings (relative 2^-53 each),
        // so the relative error is below 2 T 2^-53 = 7e-13 per term; 1e-10 leaves a wide margin.
        let f = 0;
        for (let i = 0; i < d; i++) f += 0.5 * L(i) * (1 - lr * L(i)) ** 6000 * x0[i] ** 2;
        expect(Math.abs((j.values.finalLoss as number) - f)).toBeLessThanOrEqual(1e-10 * f);
      } else if (lr === 1e-2) {
        // T lr = 30 exceeds every |x0_i| here, so every coordinate ends within lr of 0.
        const maxAbs = Math.max(...Array.from(x0, Math.abs));
        expect(maxAbs).toBeLessThan(3000 * lr);
        expect(j.values.finalLoss as number).toBeLessThanOrEqual(0.5 * lr * lr * (d - 1 + 1000) * (1 + 1e-9));
      }
    }
    const a = exp.analyze(res);
    expect(a.tables.map((t) => t.id)).toEqual(['ill-conditioned-toy', 'ill-conditioned-toy-grid']);
    // the grid table reports divergence for SGD at lr = 1e-2 for every seed
    expect(a.tables[1].rows[0].sgdci).toBe(`diverged (${res.seeds.length}/${res.seeds.length})`);
  });
});

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
