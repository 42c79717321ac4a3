import { describe, expect, it } from 'vitest';
import { algorithms, checkProgram, type AlgorithmDef } from '../algorithms/index.ts';
import { UserInputError } from '../core/errors.ts';
import { gamma } from '../core/numerics.ts';
import { runCpu } from '../engine/cpu.ts';
import type { RunSpec } from '../engine/types.ts';
import { RademacherNoise, StudentTNoise, SymmetricStableNoise } from '../noise/index.ts';
import { separableQuadratic } from '../problems/separable-quadratic.ts';
import type { Problem } from '../problems/types.ts';
import { mean, variance } from '../stats/index.ts';
import { diagQuadratic, fixtureGaussian } from '../testing/fixtures.ts';
import { gpuSupport } from './codegen.ts';
import { metricSumLevels, planLayout, runWebGpu } from './engine.ts';
import { simulateWithBounds, U } from '../testing/f32-bounds.ts';
import { float32Example, gpuForTests, withStepSize } from '../testing/gpu.ts';

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

/** The same objective plus a constant (f* too), so f(c) != 0: fx and the f(c) offset are exercised. */
function shifted(p: Problem, by: number): Problem {
  return { ...p, id: `${p.id}+${by}`, f: (x) => p.f(x) + by, constants: { ...p.constants, fStar: (p.constants.fStar ?? 0) + by } };
}

/** P3's toy (0.5 ||x||^2 with L_0 = 1000) from the problems library, shifted center, x0 = 1. */
function illConditioned(d: number): Problem {
  const L = new Float64Array(d).fill(1);
  L[0] = 1000;
  const c = Float64Array.from({ length: d }, (_, i) => 0.3 * Math.sin(i));
  return separableQuadratic(L, c, { x0: () => new Float64Array(d).fill(1) });
}

const SHAPE = { id: 'q', separable: true, heterogeneous: false };
// single-node programs here; the distributed plan has its own tests (distributed.test.ts)
const gpuAlgorithms = algorithms.all().filter((def) => gpuSupport(def, SHAPE).supported && gpuSupport(def, SHAPE).plan !== 'distributed');
const fusedAlgorithms = gpuAlgorithms.filter((def) => gpuSupport(def, SHAPE).plan === 'fused');

/**
 * Test-only programs for the general plan's features that no registered algorithm (runnable in
 * float32) uses yet: fx, rand, an oracle op, an output vector, sum and max reductions, scalar ops.
 */
const polyakRand: AlgorithmDef = {
  id: 'test-polyak-rand',
  name: 'Polyak step with fx, plus a rand() perturbation',
  summary: 'test',
  updateRule: '',
  source: '',
  distributed: false,
  hyper: [{ name: 'lr', rule: 'positive', doc: '' }],
  example: { lr: 0.02 },
  program: {
    vectors: [],
    scalars: [
      { name: 'gsq', scope: 'server', init: 0 },
      { name: 'gmax', scope: 'server', init: 0 },
      { name: 'step', scope: 'server', init: 0 },
    ],
    params: ['lr'],
    ops: [
      { op: 'map', scope: 'server', assign: [], reduce: [{ into: 'gsq', kind: 'sum', expr: 'g * g' }, { into: 'gmax', kind: 'max', expr: 'abs(g)' }] },
      { op: 'scalar', scope: 'server', assign: [['step', 'lr * fx / max(fx + gsq, 1e-30) / (1 + 0.01 * gmax)']] },
      { op: 'map', scope: 'server', assign: [['x', 'x - step * g + 0.001 * (rand(0) - rand(3))']] },
    ],
  },
};
const oracleOutput: AlgorithmDef = {
  id: 'test-oracle-output',
  name: 'same-sample difference and an averaged output',
  summary: 'test',
  updateRule: '',
  source: '',
  distributed: false,
  hyper: [{ name: 'lr', rule: 'positive', doc: '' }],
  example: { lr: 0.02 },
  program: {
    vectors: [
      { name: 'xp', scope: 'server' },
      { name: 'q', scope: 'server' },
      { name: 'xbar', scope: 'server' },
    ],
    scalars: [{ name: 'dg', scope: 'server', init: 0 }],
    params: ['lr'],
    output: 'xbar',
    ops: [
      { op: 'oracle', at: 'xp', into: 'q' },
      { op: 'map', scope: 'server', assign: [], reduce: [{ into: 'dg', kind: 'sum', expr: 'abs(g - q)' }] },
      { op: 'map', scope: 'server', assign: [['xp', 'x'], ['x', 'x - lr * g / (1 + 0.001 * dg)'], ['xbar', '0.5 * xbar + 0.5 * x']] },
    ],
  },
};
const generalTestPrograms = [polyakRand, oracleOutput];

describe.skipIf(!gpu)('webgpu engine against the CPU reference', () => {
  it('supports every single-node algorithm of the registry (the loops below cover them all)', () => {
    const singleNode = algorithms.all().filter((def) => !checkProgram(def.id, def.program).workerOps);
    expect(singleNode.length).toBeGreaterThan(20);
    expect(gpuAlgorithms.map((a) => a.id).sort()).toEqual(singleNode.map((a) => a.id).sort());
  });

  // Three steps from the same x0 (later steps exercise momentum averages, step-size adaptation),
  // every coordinate of the output (x_3, or the program's output vector) within its derived float32 bound (src/testing/f32-bounds.ts: each rounding u|value|, WGSL's ULP bounds
  // for division/sqrt, the noise transform's own bound from noise.wgsl.ts), so the tolerance
  // grows with the magnitudes involved (|diag (x - c)|, sigma |z|, lr |g|) and nothing is tuned.
  // Coordinates where a sign decision was within rounding of 0 may flip: they are counted, their
  // bound allows the flip (|sign difference| <= 2), and their share must stay below 1% so that the
  // comparison keeps its power.
  // lr: the configuration's step size, in place of the example's where it sets one (0.001 for L0 = 1000)
  const configs: Array<{ name: string; problem: Problem; noise: RunSpec['noise']; R: number; workers?: number; lr: number }> = [
    { name: 'random quadratic d=1027 (+3), Gaussian sigma=0.5', problem: shifted(randomQuadratic(1027, 1), 3), noise: { model: fixtureGaussian, sigma: 0.5 }, R: 3, lr: 0.02 },
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
  configs.forEach((cfg, ci) => {
    // every supported algorithm on the first configuration; the fused ones (one kernel to
    // compile) on all of them, with an oracle program for the general plan with 3 workers
    const defs = ci === 0 ? [...gpuAlgorithms, ...generalTestPrograms] : ci === configs.length - 1 ? [...fusedAlgorithms, oracleOutput] : fusedAlgorithms;
    for (const def of defs) {
      it(`${def.id}, ${cfg.name}: x_3 within the derived float32 bound of runCpu`, async () => {
        const spec: RunSpec = { algorithm: def, hyper: withStepSize(float32Example(def), cfg.lr), problem: cfg.problem, noise: cfg.noise, T: 3, workers: cfg.workers ?? 1, replicas: cfg.R, seed: 2024, checkpoints: [0, 1, 3] };
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
        // metrics at t = 0, 1, 3 within their bounds
        for (let r = 0; r < cfg.R; r++) {
          for (let k = 0; k < 3; k++) {
            const m = r * (spec.T + 1) + spec.checkpoints![k];
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
  });

  // Whole runs (T = 100, 32 replicas, Gaussian noise).
  // (a) Same seed on both engines: replica r sees the same noise, so d_r = gpu_r - cpu_r is the
  //     float32 engine's deviation. Its mean must be negligible against the replica spread: the
  //     upper 99.9% confidence bound |mean d| + 3.551 sd(d)/sqrt(R) (Student t, 31 df would give
  //     3.63; 3.551 is the 40-df quantile, used with the margin below) must stay below a tenth of
  //     the CPU replicas' standard deviation plus the metric's own float32 resolution (64 u of its
  //     mean), so Monte-Carlo means from the two engines are interchangeable.
  // (b) Independent seeds: the replica means must agree within a Welch interval (3.551 standard
  //     errors: < 0.1% two-sided false alarms per comparison for Welch df >= 40) widened by the
  //     bound of (a) on the float32 bias. 20 comparisons of each kind: < 2% family-wise.
  // Seeds are fixed, so the outcome is deterministic.
  for (const def of gpuAlgorithms) {
    it(`${def.id}: whole runs (T=100, 32 replicas) agree in distribution with runCpu`, async () => {
      const R = 32;
      const problem = randomQuadratic(32, 3);
      // the example's d0 (1e-6 for D-Adaptation / Prodigy) here: distributions, not 3-step bounds
      const hyper = withStepSize(def.example, 0.01);
      const base = { algorithm: def, hyper, problem, noise: { model: fixtureGaussian, sigma: 1 }, T: 100, workers: 1, replicas: R };
      const other = runCpu({ ...base, seed: 11 });
      const same = runCpu({ ...base, seed: 12 });
      const g = await runWebGpu({ ...base, seed: 12 }, { gpu: gpu! });
      for (const pick of [(x: typeof g) => x.avgG1, (x: typeof g) => x.curve[0].fGap]) {
        const [a, c, b] = [pick(other), pick(same), pick(g)];
        const dlt = b.map((v, r) => v - c[r]);
        const bias = Math.abs(mean(dlt)) + (3.551 * Math.sqrt(variance(dlt))) / Math.sqrt(R);
        expect(Number.isFinite(bias)).toBe(true);
        expect(bias).toBeLessThanOrEqual(0.1 * Math.sqrt(variance(c)) + 64 * U * Math.abs(mean(c)));
        const se = Math.sqrt(variance(a) / R + variance(b) / R);
        expect(Math.abs(mean(a) - mean(b))).toBeLessThanOrEqual(3.551 * se + bias);
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
    const gammaT = gamma(spec.T - 1, U);
    for (let r = 0; r < 2; r++) {
      let e1 = 0;
      let e2 = 0;
      for (let t = 0; t < spec.T; t++) {
        e1 += sim.metrics.e1[r * steps + t];
        e2 += sim.metrics.e2[r * steps + t];
      }
      const tol1 = e1 / spec.T + (U + gammaT ** 2) * (cpu.avgG1[r] + e1 / spec.T);
      const tol2 = e2 / spec.T + (U + gammaT ** 2) * (cpu.avgG2[r] + e2 / spec.T);
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
    const gammaT = gamma(T - 1, U);
    for (let r = 0; r < 2; r++) {
      const v = g.curve[0].g1[r];
      expect(v).toBeCloseTo(2.4, 6);
      expect(g.curve[1].g1[r]).toBe(v);
      expect(Math.abs(g.avgG1[r] - v)).toBeLessThanOrEqual((U + gammaT ** 2) * v);
      expect(g.tauG1[r]).toBe(v);
      expect(g.frozen[r]).toBe(5);
    }
  });

  // Chunks keep the workgroup partition of each row (coordinate chunks are whole workgroups), so
  // every partial sum is the same float32 computation: results must be identical, not just close.
  for (const [id, hyper] of [['signum', { lr: 0.01, beta: 0.2 }], ['dog', {}], ['ef-signsgd', { lr: 0.01 }]] as const) {
    it(`${id}: splitting across bindings (replica and coordinate chunks) gives bit-identical results`, async () => {
      const problem = randomQuadratic(8197, 6);
      const spec: RunSpec = { algorithm: algorithms.get(id), hyper, problem, noise: { model: fixtureGaussian, sigma: 1 }, T: 5, workers: 1, replicas: 5, seed: 77, checkpoints: [0, 3, 5] };
      const maxBindingBytes = 32 * 256 * 4;
      const split = planLayout(problem.d, 5, gpu!.limits, maxBindingBytes);
      expect(split.chunks.length).toBe(9); // 3 replica chunks x 3 coordinate chunks
      const a = await runWebGpu(spec, { gpu: gpu! });
      const b = await runWebGpu(spec, { gpu: gpu!, maxBindingBytes });
      expect(Array.from(b.finalX)).toEqual(Array.from(a.finalX));
      expect(Array.from(b.avgG1)).toEqual(Array.from(a.avgG1));
      expect(Array.from(b.avgG2)).toEqual(Array.from(a.avgG2));
      expect(Array.from(b.frozen)).toEqual(Array.from(a.frozen));
      for (let k = 0; k < 3; k++) expect(Array.from(b.curve[k].fGap)).toEqual(Array.from(a.curve[k].fGap));
      expect(a.finalX.some((v, i) => v !== problem.x0()[i % problem.d])).toBe(true);
    });
  }

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

  it('says what is not supported: worker-scope oracle ops, non-separable problems, noise without WGSL, values outside float32 (guards and caps excepted)', async () => {
    const vote: AlgorithmDef = {
      id: 'test-vote-oracle',
      name: 'vote',
      summary: 'test',
      updateRule: '',
      source: '',
      distributed: true,
      hyper: [{ name: 'lr', rule: 'positive', doc: '' }],
      example: { lr: 0.1 },
      program: {
        vectors: [{ name: 's', scope: 'worker' }, { name: 'v', scope: 'server' }, { name: 'h', scope: 'worker' }],
        scalars: [],
        params: ['lr'],
        ops: [
          { op: 'oracle', at: 'x', into: 'h' },
          { op: 'map', scope: 'worker', assign: [['s', 'sign(g + h)']] },
          { op: 'aggregate', from: 's', to: 'v', kind: 'vote' },
          { op: 'map', scope: 'server', assign: [['x', 'x - lr * v']] },
        ],
      },
    };
    const problem = diagQuadratic([1, 2], [0, 0], [1, 1]);
    const base: RunSpec = { algorithm: vote, hyper: { lr: 0.1 }, problem, noise: null, T: 2, workers: 3, replicas: 1, seed: 1 };
    await expect(runWebGpu(base, { gpu: gpu! })).rejects.toThrow(/engine: webgpu does not yet support this run: test-vote-oracle has an oracle op in a worker-scope program/);
    const { separableQuadratic: _omit, ...rest } = problem;
    const rotated = { ...rest, id: 'no-fused-gradient' } as Problem;
    await expect(runWebGpu({ ...base, algorithm: algorithms.get('sgd'), workers: 1, problem: rotated }, { gpu: gpu! })).rejects.toThrow(
      /problem no-fused-gradient has no separable-quadratic gradient/,
    );
    // a noise model without a WGSL transform (every registered model has one now)
    const noWgsl = Object.assign(Object.create(Object.getPrototypeOf(new SymmetricStableNoise(1.5))), new SymmetricStableNoise(1.5), { id: 'test-no-wgsl' });
    await expect(runWebGpu({ ...base, algorithm: algorithms.get('sgd'), workers: 1, noise: { model: noWgsl, sigma: 1 } }, { gpu: gpu! })).rejects.toThrow(
      /noise: is not yet supported on webgpu: noise model "test-no-wgsl"/,
    );
    // float32 cannot hold a literal 1e-300 outside a max() guard (it rounds to 0) nor 1e300 (it
    // overflows), nor a hyperparameter of 1e-300, nor 1e300 unless the program reads it only as a cap
    const literal = (expr: string): AlgorithmDef => ({
      ...algorithms.get('sgd'),
      id: 'test-literal',
      program: { vectors: [], scalars: [], params: ['lr'], ops: [{ op: 'map', scope: 'server', assign: [['x', expr]] }] },
    });
    await expect(runWebGpu({ ...base, workers: 1, algorithm: literal('x - lr * g / (abs(g) + 1e-300)'), hyper: { lr: 0.1 } }, { gpu: gpu! })).rejects.toThrow(
      /test-literal uses the literal 1e-300, which is not a float32 number \(it rounds to 0/,
    );
    await expect(runWebGpu({ ...base, workers: 1, algorithm: literal('x - lr * min(g, 1e300)'), hyper: { lr: 0.1 } }, { gpu: gpu! })).rejects.toThrow(
      /test-literal uses the literal 1e\+300, which is not a float32 number \(it overflows/,
    );
    await expect(runWebGpu({ ...base, workers: 1, algorithm: algorithms.get('sgd'), hyper: { lr: 1e300 } }, { gpu: gpu! })).rejects.toThrow(
      /sgd\.lr: must be 0 or within float32 range .* except a cap read only through min\(\), which may be larger \(got 1e\+300 at t = 0; use engine "cpu"\)/,
    );
    // ALIAS's gammaMax = 1e300 (no cap) is read only through min(): it runs, as the largest float32
    await expect(runWebGpu({ ...base, workers: 1, algorithm: algorithms.get('alias'), hyper: { gammaMax: 1e300 } }, { gpu: gpu! })).resolves.toBeTruthy();
    await expect(runWebGpu({ ...base, workers: 1, algorithm: algorithms.get('adamw'), hyper: { eps: 1e-300 } }, { gpu: gpu! })).rejects.toThrow(
      /adamw\.eps: must be 0 or within float32 range .* \(got 1e-300 at t = 0; use engine "cpu"\)/,
    );
  });
});
