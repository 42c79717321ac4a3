import { describe, expect, it } from 'vitest';
import { algorithms, type AlgorithmDef } from '../algorithms/index.ts';
import { UserInputError } from '../core/errors.ts';
import { runCpu } from '../engine/cpu.ts';
import type { RunSpec } from '../engine/types.ts';
import { RademacherNoise, StudentTNoise, SymmetricStableNoise } from '../noise/index.ts';
import { separableQuadratic } from '../problems/separable-quadratic.ts';
import type { Problem } from '../problems/types.ts';
import { diagQuadratic, fixtureGaussian } from '../testing/fixtures.ts';
import { gpuSupport } from './codegen.ts';
import { metricSumLevels, planLayout, runWebGpu } from './engine.ts';
import { simulateWithBounds, U } from './f32-bounds.ts';
import { gpuForTests } from './test-support.ts';

const gpu = await gpuForTests();

/** Deterministic pseudo-random numbers for fixtures (not the engines' stream). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** d coordinates, log-uniform curvatures in [0.1, 10], centers in [-1, 1], x0 in [-2, 2] (not float32 values). */
function randomQuadratic(d: number, seed: number): Problem {
  const rnd = lcg(seed);
  const L = Array.from({ length: d }, () => 10 ** (2 * rnd() - 1));
  const c = Array.from({ length: d }, () => 2 * rnd() - 1);
  const x0 = Array.from({ length: d }, () => 4 * rnd() - 2);
  return diagQuadratic(L, c, x0);
}

/** P3's toy (0.5 ||x||^2 with L_0 = 1000) from the problems library, shifted center, x0 = 1. */
function illConditioned(d: number): Problem {
  const L = new Float64Array(d).fill(1);
  L[0] = 1000;
  const c = Float64Array.from({ length: d }, (_, i) => 0.3 * Math.sin(i));
  return separableQuadratic(L, c, { x0: () => new Float64Array(d).fill(1) });
}

/** Hyperparameters for any registry algorithm: lr given, batch 3 where the algorithm requires it. */
function hyperFor(def: AlgorithmDef, lr: number): Record<string, number> {
  const h: Record<string, number> = {};
  for (const s of def.hyper) {
    if (s.name === 'lr') h.lr = lr;
    else if (s.default === undefined) h[s.name] = s.name === 'batch' ? 3 : 0.5;
  }
  if (def.hyper.some((s) => s.name === 'beta')) h.beta = 0.3;
  return h;
}

const gpuAlgorithms = algorithms.all().filter((def) => gpuSupport(def, { id: 'q', separable: true, heterogeneous: false }).supported);

describe.skipIf(!gpu)('webgpu engine against the CPU reference', () => {
  it('supports every single-node algorithm of the registry (the loop below is not empty)', () => {
    expect(gpuAlgorithms.map((a) => a.id)).toEqual(expect.arrayContaining(['sgd', 'sgd-momentum', 'signsgd', 'minibatch-signsgd', 'signum']));
  });

  // Two steps from the same x0 (the second exercises the momentum average), every coordinate of
  // x_2 within its derived float32 bound (f32-bounds.ts: each rounding u|value|, WGSL's ULP bounds
  // for division/sqrt, the noise transform's own bound from noise.wgsl.ts), so the tolerance
  // grows with the magnitudes involved (|diag (x - c)|, sigma |z|, lr |g|) and nothing is tuned.
  // Coordinates where a sign decision was within rounding of 0 may flip: they are counted, their
  // bound allows the flip (|sign difference| <= 2), and their share must stay below 1% so that the
  // comparison keeps its power.
  const configs: Array<{ name: string; problem: Problem; noise: RunSpec['noise']; R: number; workers?: number; lr: number }> = [
    { name: 'random quadratic d=1027, Gaussian sigma=0.5', problem: randomQuadratic(1027, 1), noise: { model: fixtureGaussian, sigma: 0.5 }, R: 3, lr: 0.02 },
    {
      name: 'ill-conditioned d=64 (L0=1000), per-coordinate sigma, Student-t(3)',
      problem: illConditioned(64),
      noise: { model: new StudentTNoise(3), sigma: Float64Array.from({ length: 64 }, (_, i) => 0.1 + (i % 5)) },
      R: 4,
      lr: 0.001,
    },
    { name: 'd=3, 300 replicas (several per workgroup), Rademacher', problem: diagQuadratic([1, 2, 4], [0.5, -1, 0], [1, 1, 1]), noise: { model: new RademacherNoise(), sigma: 0.7 }, R: 300, lr: 0.05 },
    { name: 'd=37, 3 workers averaged, Gaussian sigma=2', problem: randomQuadratic(37, 2), noise: { model: fixtureGaussian, sigma: 2 }, R: 5, workers: 3, lr: 0.02 },
  ];
  for (const cfg of configs) {
    for (const def of gpuAlgorithms) {
      it(`${def.id}, ${cfg.name}: x_2 within the derived float32 bound of runCpu`, async () => {
        const spec: RunSpec = { algorithm: def, hyper: hyperFor(def, cfg.lr), problem: cfg.problem, noise: cfg.noise, T: 2, workers: cfg.workers ?? 1, replicas: cfg.R, seed: 2024, checkpoints: [0, 1, 2] };
        const cpu = runCpu(spec);
        const g = await runWebGpu(spec, { gpu: gpu! });
        const layout = planLayout(cfg.problem.d, cfg.R, gpu!.limits);
        const sim = simulateWithBounds(spec, metricSumLevels(layout));
        const N = cpu.finalX.length;
        let violations = 0;
        let uncertain = 0;
        let flipped = 0;
        const lr = spec.hyper.lr as number;
        for (let i = 0; i < N; i++) {
          // the simulation reproduces runCpu (same operations in float64)
          expect(Math.abs(sim.x[i] - cpu.finalX[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(cpu.finalX[i])));
          const err = Math.abs(g.finalX[i] - cpu.finalX[i]);
          if (!(err <= sim.ex[i])) violations++;
          if (sim.uncertain[i]) {
            uncertain++;
            if (err > lr / 2) flipped++;
          }
        }
        expect(violations).toBe(0);
        expect(uncertain / N).toBeLessThan(0.01);
        // metrics at t = 0, 1, 2 within their bounds
        for (let r = 0; r < cfg.R; r++) {
          for (let k = 0; k < 3; k++) {
            const m = r * 3 + k;
            expect(Math.abs(g.curve[k].g1[r] - cpu.curve[k].g1[r])).toBeLessThanOrEqual(sim.metrics.e1[m]);
            expect(Math.abs(g.curve[k].g2[r] - cpu.curve[k].g2[r])).toBeLessThanOrEqual(sim.metrics.e2[m]);
            expect(Math.abs(g.curve[k].fGap[r] - cpu.curve[k].fGap[r])).toBeLessThanOrEqual(sim.metrics.ehf[m] + 1e-12 * Math.abs(cpu.curve[k].fGap[r]));
          }
        }
        expect(Array.from(g.tau)).toEqual(Array.from(cpu.tau));
        expect(Array.from(g.divergedAt)).toEqual(Array.from(cpu.divergedAt));
        if (uncertain > 0) console.info(`[gpu] ${def.id} ${cfg.name}: ${uncertain}/${N} coordinates within rounding of a sign decision, ${flipped} flipped`);
      });
    }
  }

  // Independent seeds on the two engines: the replica means of avgG1 and of f(x_T) - f* must
  // agree within a Welch interval. |t| > 3.551 (the 0.9995 quantile of Student t with 40 df; the
  // Welch df here exceed 100, so the two-sided false-alarm rate of each comparison is < 0.1%;
  // 10 comparisons: < 1% family-wise). Seeds are fixed, so the outcome is deterministic.
  for (const def of gpuAlgorithms) {
    it(`${def.id}: whole runs (T=100, 64 replicas) agree in distribution with runCpu`, async () => {
      const problem = randomQuadratic(64, 3);
      const base = { algorithm: def, hyper: hyperFor(def, 0.01), problem, noise: { model: fixtureGaussian, sigma: 1 }, T: 100, workers: 1, replicas: 64 };
      const cpu = runCpu({ ...base, seed: 11 });
      const g = await runWebGpu({ ...base, seed: 12 }, { gpu: gpu! });
      for (const [a, b] of [
        [cpu.avgG1, g.avgG1],
        [cpu.curve[0].fGap, g.curve[0].fGap],
      ]) {
        const ma = mean(a);
        const mb = mean(b);
        const se = Math.sqrt(variance(a) / a.length + variance(b) / b.length);
        expect(Number.isFinite(mb)).toBe(true);
        expect(Math.abs(ma - mb)).toBeLessThanOrEqual(3.551 * se);
      }
    });
  }

  it('deterministic SGD: every metric (checkpoints, avgG1/avgG2, tauG1) and x_T within derived bounds', async () => {
    const problem = randomQuadratic(1027, 4);
    const spec: RunSpec = { algorithm: algorithms.get('sgd'), hyper: { lr: 0.01 }, problem, noise: null, T: 50, workers: 1, replicas: 2, seed: 9, checkpoints: [0, 10, 50] };
    const cpu = runCpu(spec);
    const g = await runWebGpu(spec, { gpu: gpu! });
    const layout = planLayout(problem.d, 2, gpu!.limits);
    const sim = simulateWithBounds(spec, metricSumLevels(layout));
    const steps = spec.T + 1;
    // Ogita-Rump-Oishi Sum2 (two-sum with the errors accumulated): |error| <= u|s| + gamma_{T-1}^2 sum|p_i|
    const gamma = ((spec.T - 1) * U) / (1 - (spec.T - 1) * U);
    for (let r = 0; r < 2; r++) {
      let e1 = 0;
      let e2 = 0;
      for (let t = 0; t < spec.T; t++) {
        e1 += sim.metrics.e1[r * steps + t];
        e2 += sim.metrics.e2[r * steps + t];
      }
      const tol1 = e1 / spec.T + (U + gamma ** 2) * (cpu.avgG1[r] + e1 / spec.T);
      const tol2 = e2 / spec.T + (U + gamma ** 2) * (cpu.avgG2[r] + e2 / spec.T);
      expect(Math.abs(g.avgG1[r] - cpu.avgG1[r])).toBeLessThanOrEqual(tol1);
      expect(Math.abs(g.avgG2[r] - cpu.avgG2[r])).toBeLessThanOrEqual(tol2);
      expect(Math.abs(g.tauG1[r] - cpu.tauG1[r])).toBeLessThanOrEqual(sim.metrics.e1[r * steps + cpu.tau[r]]);
      spec.checkpoints!.forEach((t, k) => {
        expect(Math.abs(g.curve[k].g1[r] - cpu.curve[k].g1[r])).toBeLessThanOrEqual(sim.metrics.e1[r * steps + t]);
        expect(Math.abs(g.curve[k].g2[r] - cpu.curve[k].g2[r])).toBeLessThanOrEqual(sim.metrics.e2[r * steps + t]);
        expect(Math.abs(g.curve[k].fGap[r] - cpu.curve[k].fGap[r])).toBeLessThanOrEqual(sim.metrics.ehf[r * steps + t] + 1e-12 * cpu.curve[k].fGap[r]);
      });
      expect(g.frozen[r]).toBe(cpu.frozen[r]);
    }
    for (let i = 0; i < cpu.finalX.length; i++) expect(Math.abs(g.finalX[i] - cpu.finalX[i])).toBeLessThanOrEqual(sim.ex[i]);
  });

  it('accumulates avgG1 over 20000 steps with compensated sums (a plain float32 sum would be off by ~1e-4)', async () => {
    // lr = 1e-20 cannot move x = 1 in float32 (or float64), so the float32 ||g_t||_1 is the same
    // number v every step and the exact average is v; Sum2's bound is (u + gamma_{T-1}^2) v with
    // gamma_{T-1}^2 ~ 1.4e-6, while summing 20000 copies of v in plain float32 errs by ~1e-4 v.
    const problem = diagQuadratic([0.1, 0.2, 0.3, 0.7, 1.1], [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]);
    const T = 20000;
    const spec: RunSpec = { algorithm: algorithms.get('signsgd'), hyper: { lr: 1e-20 }, problem, noise: null, T, workers: 1, replicas: 2, seed: 5, checkpoints: [0, T] };
    const g = await runWebGpu(spec, { gpu: gpu! });
    const gamma = ((T - 1) * U) / (1 - (T - 1) * U);
    for (let r = 0; r < 2; r++) {
      const v = g.curve[0].g1[r];
      expect(v).toBeCloseTo(2.4, 6);
      expect(g.curve[1].g1[r]).toBe(v);
      expect(Math.abs(g.avgG1[r] - v)).toBeLessThanOrEqual((U + gamma ** 2) * v);
      expect(g.tauG1[r]).toBe(v);
      expect(g.frozen[r]).toBe(5);
    }
  });

  it('splitting across bindings (replica and coordinate chunks) gives bit-identical results', async () => {
    const problem = randomQuadratic(8197, 6);
    const spec: RunSpec = { algorithm: algorithms.get('signum'), hyper: { lr: 0.01, beta: 0.2 }, problem, noise: { model: fixtureGaussian, sigma: 1 }, T: 5, workers: 1, replicas: 5, seed: 77, checkpoints: [0, 3, 5] };
    const maxBindingBytes = 32 * 256 * 4;
    const split = planLayout(problem.d, 5, gpu!.limits, maxBindingBytes);
    expect(split.chunks.length).toBe(9); // 3 replica chunks x 3 coordinate chunks
    const a = await runWebGpu(spec, { gpu: gpu! });
    const b = await runWebGpu(spec, { gpu: gpu!, maxBindingBytes });
    expect(Array.from(b.finalX)).toEqual(Array.from(a.finalX));
    expect(Array.from(b.avgG1)).toEqual(Array.from(a.avgG1));
    expect(Array.from(b.avgG2)).toEqual(Array.from(a.avgG2));
    for (let k = 0; k < 3; k++) expect(Array.from(b.curve[k].fGap)).toEqual(Array.from(a.curve[k].fGap));
  });

  it('records divergence when the float32 metrics overflow, with NaN metrics from there on', async () => {
    const problem = diagQuadratic([1, 2, 4], [0.5, -1, 0], [1, 1, 1]);
    const spec: RunSpec = { algorithm: algorithms.get('sgd'), hyper: { lr: 10 }, problem, noise: null, T: 100, workers: 1, replicas: 1, seed: 1, checkpoints: [0, 100] };
    const g = await runWebGpu(spec, { gpu: gpu! });
    // predicted step: the first t at which sum_i g_i^2 exceeds the largest float32 (float64 trajectory;
    // the float32 one agrees to ~1e-5 relative, so the crossing can move by at most one step)
    const x = Float64Array.from([1, 1, 1]);
    const gr = new Float64Array(3);
    let predicted = -1;
    for (let t = 0; t <= 100; t++) {
      problem.grad(x, gr);
      if (gr.reduce((s, v) => s + v * v, 0) > 3.4028234663852886e38) {
        predicted = t;
        break;
      }
      for (let i = 0; i < 3; i++) x[i] -= 10 * gr[i];
    }
    expect(predicted).toBeGreaterThan(0);
    expect(Math.abs(g.divergedAt[0] - predicted)).toBeLessThanOrEqual(1);
    expect(Number.isNaN(g.avgG1[0])).toBe(true);
    expect(Number.isNaN(g.curve[1].g1[0])).toBe(true);
    expect(Number.isFinite(g.curve[0].g1[0])).toBe(true);
    expect(runCpu(spec).divergedAt[0]).toBeGreaterThan(g.divergedAt[0]); // float64 overflows later
  });

  it('rejects a run larger than the device memory before anything runs', async () => {
    const problem = randomQuadratic(4096, 7);
    const spec: RunSpec = { algorithm: algorithms.get('signum'), hyper: { lr: 0.01 }, problem, noise: null, T: 3, workers: 1, replicas: 64, seed: 1 };
    await expect(runWebGpu(spec, { gpu: gpu!, memoryLimitBytes: 2 ** 20 })).rejects.toThrow(UserInputError);
    await expect(runWebGpu(spec, { gpu: gpu!, memoryLimitBytes: 2 ** 20 })).rejects.toThrow(/replicas x d: needs \d+\.\d MiB of device memory, more than the 1\.0 MiB available/);
    // the same run fits when the budget allows it
    await expect(runWebGpu(spec, { gpu: gpu!, memoryLimitBytes: 2 ** 24 })).resolves.toBeTruthy();
  });

  it('says what is not supported: distributed programs, non-separable problems, noise without WGSL', async () => {
    const vote: AlgorithmDef = {
      id: 'test-vote',
      name: 'vote',
      summary: 'test',
      updateRule: '',
      source: '',
      distributed: true,
      hyper: [{ name: 'lr', rule: 'positive', doc: '' }],
      program: {
        vectors: [{ name: 's', scope: 'worker' }, { name: 'v', scope: 'server' }],
        scalars: [],
        params: ['lr'],
        ops: [
          { op: 'map', scope: 'worker', assign: [['s', 'sign(g)']] },
          { op: 'aggregate', from: 's', to: 'v', kind: 'vote' },
          { op: 'map', scope: 'server', assign: [['x', 'x - lr * v']] },
        ],
      },
    };
    const problem = diagQuadratic([1, 2], [0, 0], [1, 1]);
    const base: RunSpec = { algorithm: vote, hyper: { lr: 0.1 }, problem, noise: null, T: 2, workers: 3, replicas: 1, seed: 1 };
    await expect(runWebGpu(base, { gpu: gpu! })).rejects.toThrow(/engine: webgpu does not yet support this run: test-vote has worker-scope ops or aggregates/);
    const { separableQuadratic: _omit, ...rest } = problem;
    const rotated = { ...rest, id: 'no-fused-gradient' } as Problem;
    await expect(runWebGpu({ ...base, algorithm: algorithms.get('sgd'), workers: 1, problem: rotated }, { gpu: gpu! })).rejects.toThrow(
      /problem no-fused-gradient has no separable-quadratic gradient/,
    );
    await expect(
      runWebGpu({ ...base, algorithm: algorithms.get('sgd'), workers: 1, noise: { model: new SymmetricStableNoise(1.5), sigma: 1 } }, { gpu: gpu! }),
    ).rejects.toThrow(/noise: is not yet supported on webgpu: noise model "stable"/);
  });
});

function mean(a: Float64Array): number {
  return a.reduce((s, v) => s + v, 0) / a.length;
}
function variance(a: Float64Array): number {
  const m = mean(a);
  return a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1);
}
