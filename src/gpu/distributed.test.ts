import { describe, expect, it } from 'vitest';
import { distributedAlgorithms } from '../algorithms/distributed.ts';
import { algorithms, type AlgorithmDef } from '../algorithms/index.ts';
import { UserInputError } from '../core/errors.ts';
import { runCpu } from '../engine/cpu.ts';
import type { RunResult, RunSpec } from '../engine/types.ts';
import { heterogeneousQuadratic, heterogeneousQuadraticFamily } from '../problems/heterogeneous-quadratic.ts';
import type { Problem } from '../problems/types.ts';
import { mean, variance } from '../stats/index.ts';
import { diagQuadratic, fixtureGaussian } from '../testing/fixtures.ts';
import { gpuSupport } from './codegen.ts';
import { metricSumLevels, planLayout, runWebGpu, WebGpuRun } from './engine.ts';
import { simulateDistributedWithBounds, U } from '../testing/f32-bounds.ts';
import { expectMetricsWithinBounds, gpuForTests } from '../testing/gpu.ts';

const gpu = await gpuForTests();

/** Deterministic pseudo-random numbers for fixtures (not the engines' stream). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** d coordinates, log-uniform curvatures in [0.1, 10], centers in [-1, 1], x0 in [-2, 2]. */
function randomQuadratic(d: number, seed: number): Problem {
  const rnd = lcg(seed);
  const L = Array.from({ length: d }, () => 10 ** (2 * rnd() - 1));
  const c = Array.from({ length: d }, () => 2 * rnd() - 1);
  const x0 = Array.from({ length: d }, () => 4 * rnd() - 2);
  return diagQuadratic(L, c, x0);
}

const HOMOGENEOUS = { id: 'q', separable: true, heterogeneous: false };
const distributed = distributedAlgorithms.filter((def) => gpuSupport(def, HOMOGENEOUS).plan === 'distributed');

/**
 * One differential check: the GPU run against runCpu with the bounds of
 * simulateDistributedWithBounds (src/testing/f32-bounds.ts). Every coordinate of x_T within its derived bound;
 * coordinates where a sign decision (a worker's sign, S_R's comparison with its uniform, a vote) was
 * within rounding of 0 are counted (their bound allows the flip) and must stay below 1%; metrics
 * within their bounds; communication: bits and ternary counts equal to runCpu's unless a ternary
 * format was within rounding (then within that count), bound use within its bound.
 */
async function checkAgainstCpu(spec: RunSpec): Promise<{ cpu: RunResult; gpu: RunResult; uncertain: number }> {
  const cpu = runCpu(spec);
  const g = await runWebGpu(spec, { gpu: gpu! });
  expect(g.path).toBe('distributed');
  const layout = planLayout(spec.problem.d, spec.replicas, gpu!.limits);
  const sim = simulateDistributedWithBounds(spec, metricSumLevels(layout));
  const N = cpu.finalX.length;
  let violations = 0;
  let uncertain = 0;
  for (let i = 0; i < N; i++) {
    expect(Math.abs(sim.x[i] - cpu.finalX[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(cpu.finalX[i])));
    const err = Math.abs(g.finalX[i] - cpu.finalX[i]);
    if (!(err <= sim.ex[i])) violations++;
    if (sim.uncertain[i]) uncertain++;
  }
  expect(violations).toBe(0);
  expect(uncertain / N).toBeLessThan(0.01);
  expectMetricsWithinBounds(spec, cpu, g, sim);
  if (!cpu.communication) {
    expect(g.communication).toBeUndefined();
    return { cpu, gpu: g, uncertain };
  }
  const cc = cpu.communication;
  const gc = g.communication!;
  expect(gc.packed).toBe(true);
  expect(gc.float32UpBitsPerWorkerStep).toBe(cc.float32UpBitsPerWorkerStep);
  expect(gc.float32DownBitsPerWorkerStep).toBe(cc.float32DownBitsPerWorkerStep);
  for (let r = 0; r < spec.replicas; r++) {
    if (sim.uncertainTernary[r] === 0) {
      expect(gc.upBits[r]).toBe(cc.upBits[r]);
      expect(gc.downBits[r]).toBe(cc.downBits[r]);
      expect(gc.upBitsPerWorkerStep[r]).toBe(cc.upBitsPerWorkerStep[r]);
      expect(gc.downBitsPerWorkerStep[r]).toBe(cc.downBitsPerWorkerStep[r]);
      expect(gc.ternaryMessages[r]).toBe(cc.ternaryMessages[r]);
    } else {
      expect(Math.abs(gc.ternaryMessages[r] - cc.ternaryMessages[r])).toBeLessThanOrEqual(sim.uncertainTernary[r]);
    }
    for (const [p, use] of Object.entries(cc.boundUse)) {
      expect(Math.abs(gc.boundUse[p][r] - use[r])).toBeLessThanOrEqual(sim.boundUse[p].e[r]);
      expect(Math.abs(sim.boundUse[p].v[r] - use[r])).toBeLessThanOrEqual(1e-12 * use[r]);
    }
  }
  expect(Object.keys(gc.boundUse).sort()).toEqual(Object.keys(cc.boundUse).sort());
  expect(Array.from(g.divergedAt)).toEqual(Array.from(cpu.divergedAt));
  return { cpu, gpu: g, uncertain };
}

describe.skipIf(!gpu)('webgpu distributed plan against the CPU reference', () => {
  it('covers every distributed algorithm of the registry with worker-scope ops', () => {
    expect(distributed.map((a) => a.id).sort()).toEqual(
      [
        'ef-signsgd-mv', 'mv-signsgd', 'mv-sto-signsgd-sim', 'mv-sto-signsgd-sim-runmax', 'mvsm-v1', 'mvsm-v1-runmax', 'mvsm-v2', 'mvsm-v2-runmax', 'signum-mv', 'sto-signsgd',
        'sto-signsgd-runmax',
      ].sort(),
    );
    // every registered algorithm with worker ops is among them
    const withWorkerOps = algorithms.all().filter((a) => a.program.ops.some((o) => o.op === 'aggregate'));
    for (const def of withWorkerOps) expect(gpuSupport(def, HOMOGENEOUS).supported).toBe(true);
  });

  // d = 37: two 32-coordinate words, the second partly padding; three steps from the same x0
  const configs = [
    { name: 'homogeneous, n = 1', problem: () => randomQuadratic(37, 1), workers: 1, R: 3 },
    { name: 'homogeneous, n = 3', problem: () => randomQuadratic(37, 2), workers: 3, R: 2 },
    { name: 'homogeneous, n = 32 (ties)', problem: () => randomQuadratic(37, 3), workers: 32, R: 2 },
    { name: 'heterogeneous family, n = 1 (one local objective)', problem: () => heterogeneousQuadraticFamily.create({ d: 37, workers: 1, heterogeneity: 1, seed: 6 }), workers: 1, R: 2 },
    { name: 'heterogeneous, n = 3', problem: () => heterogeneousQuadraticFamily.create({ d: 37, workers: 3, heterogeneity: 1, seed: 4 }), workers: 3, R: 2 },
    { name: 'heterogeneous, n = 32', problem: () => heterogeneousQuadraticFamily.create({ d: 37, workers: 32, heterogeneity: 0.5, seed: 5 }), workers: 32, R: 1 },
  ];
  for (const cfg of configs) {
    for (const def of distributed) {
      it(`${def.id}, ${cfg.name}: x_3, metrics and bits within the derived float32 bounds of runCpu`, async () => {
        const problem = cfg.problem();
        const spec: RunSpec = { algorithm: def, hyper: def.example, problem, noise: { model: fixtureGaussian, sigma: 0.5 }, T: 3, workers: cfg.workers, replicas: cfg.R, seed: 2025, checkpoints: [0, 1, 3] };
        const { cpu, gpu: g, uncertain } = await checkAgainstCpu(spec);
        // the run moved and sent real messages
        expect(cpu.communication!.upBits[0]).toBeGreaterThan(0);
        expect(g.finalX.some((v, i) => v !== problem.x0()[i % problem.d])).toBe(true);
        if (uncertain > 0) console.info(`[gpu] ${def.id} ${cfg.name}: ${uncertain} coordinates within rounding of a sign decision`);
      });
    }
  }

  // A test-only worker program for what no registered algorithm uses: worker scalar ops, fx, rand
  // in a worker map with a slot other than 0, a mean of float rows, and no declared communication
  // (no messages, no bits: both engines sum the float rows and report nothing).
  const workerScalarsFx: AlgorithmDef = {
    id: 'test-worker-scalars-fx',
    name: 'worker scalars, fx, float mean',
    summary: 'test',
    updateRule: '',
    source: '',
    distributed: true,
    hyper: [{ name: 'lr', rule: 'positive', doc: '' }],
    example: { lr: 0.05 },
    program: {
      vectors: [
        { name: 'u', scope: 'worker' },
        { name: 'a', scope: 'server' },
      ],
      scalars: [
        { name: 'gn', scope: 'worker', init: 0 },
        { name: 'w', scope: 'worker', init: 1 },
        { name: 's', scope: 'server', init: 0 },
      ],
      params: ['lr'],
      ops: [
        { op: 'map', scope: 'worker', assign: [], reduce: [{ into: 'gn', kind: 'sum', expr: 'abs(g)' }] },
        { op: 'scalar', scope: 'worker', assign: [['w', '0.5 * w + 1 / (1 + gn / d)']] },
        { op: 'map', scope: 'worker', assign: [['u', 'w * g + 0.01 * (rand(2) - 0.5)']] },
        { op: 'aggregate', from: 'u', to: 'a', kind: 'mean' },
        { op: 'scalar', scope: 'server', assign: [['s', 'lr / (1 + 0.01 * fx)']] },
        { op: 'map', scope: 'server', assign: [['x', 'x - s * a']] },
      ],
    },
  };
  for (const [name, problem, workers] of [
    ['homogeneous, n = 5', randomQuadratic(37, 12), 5],
    ['heterogeneous, n = 4', heterogeneousQuadraticFamily.create({ d: 37, workers: 4, seed: 7 }), 4],
  ] as const) {
    it(`worker scalar ops, fx and a float mean (no declared messages), ${name}: within the derived bounds of runCpu`, async () => {
      const spec: RunSpec = { algorithm: workerScalarsFx, hyper: { lr: 0.05 }, problem, noise: { model: fixtureGaussian, sigma: 0.5 }, T: 3, workers, replicas: 2, seed: 8, checkpoints: [0, 3] };
      const { gpu: g } = await checkAgainstCpu(spec);
      expect(g.communication).toBeUndefined();
    });
  }

  it('a vote over 1024 workers (d = 37) matches runCpu within the derived bounds', async () => {
    for (const id of ['mv-signsgd', 'mvsm-v1']) {
      const spec: RunSpec = { algorithm: algorithms.get(id), hyper: algorithms.get(id).example, problem: randomQuadratic(37, 8), noise: { model: fixtureGaussian, sigma: 2 }, T: 3, workers: 1024, replicas: 2, seed: 3, checkpoints: [0, 3] };
      await checkAgainstCpu(spec);
    }
  });

  // Sums of +-1 (and 0) messages are exact integers in float32, and the scaled-sign rows add the
  // same float32 values in the same worker order whether decoded from words or read as floats:
  // the packed and unpacked paths must agree bit for bit, bits included.
  for (const [id, workers] of [['mv-signsgd', 32], ['mvsm-v2', 3], ['ef-signsgd-mv', 3], ['sto-signsgd-runmax', 4]] as const) {
    it(`${id}, n = ${workers}: packed words with the popcount vote and unpacked float rows give identical iterates`, async () => {
      const def = algorithms.get(id);
      const spec: RunSpec = { algorithm: def, hyper: def.example, problem: randomQuadratic(37, 9), noise: { model: fixtureGaussian, sigma: 1 }, T: 6, workers, replicas: 2, seed: 21, checkpoints: [0, 6] };
      const a = await runWebGpu(spec, { gpu: gpu! });
      const b = await runWebGpu(spec, { gpu: gpu!, packed: false });
      expect(a.communication!.packed).toBe(true);
      expect(b.communication!.packed).toBe(false);
      expect(Array.from(b.finalX)).toEqual(Array.from(a.finalX));
      expect(Array.from(b.avgG1)).toEqual(Array.from(a.avgG1));
      expect(Array.from(b.curve[1].fGap)).toEqual(Array.from(a.curve[1].fGap));
      expect(Array.from(b.communication!.upBits)).toEqual(Array.from(a.communication!.upBits));
      expect(Array.from(b.communication!.downBits)).toEqual(Array.from(a.communication!.downBits));
      expect(Array.from(b.communication!.ternaryMessages)).toEqual(Array.from(a.communication!.ternaryMessages));
      expect(a.finalX.some((v, i) => v !== spec.problem.x0()[i % 37])).toBe(true);
    });
  }

  it('even n: a tied vote is sent as a ternary message (2 bits a coordinate) and counted as runCpu does', async () => {
    // two workers with mirrored centers, x0 = 0 between them, no noise: worker gradients L (0 - c^j)
    // have opposite signs on every coordinate, the vote ties (sign(0) = 0), x never moves
    const problem = heterogeneousQuadratic(Float64Array.from([1, 2, 3]), [Float64Array.from([1, 1, 1]), Float64Array.from([-1, -1, -1])], { x0: () => new Float64Array(3) });
    const spec: RunSpec = { algorithm: algorithms.get('mv-signsgd'), hyper: { lr: 0.01 }, problem, noise: null, T: 4, workers: 2, replicas: 1, seed: 1 };
    const cpu = runCpu(spec);
    const g = await runWebGpu(spec, { gpu: gpu! });
    expect(cpu.communication!.ternaryMessages[0]).toBe(4); // the down message of every step
    expect(cpu.communication!.upBitsPerWorkerStep[0]).toBe(32); // binary: one sign plane (d = 3 < 32)
    expect(cpu.communication!.downBitsPerWorkerStep[0]).toBe(64); // ternary: sign and nonzero planes
    expect(Array.from(g.communication!.ternaryMessages)).toEqual(Array.from(cpu.communication!.ternaryMessages));
    expect(Array.from(g.communication!.upBits)).toEqual(Array.from(cpu.communication!.upBits));
    expect(Array.from(g.communication!.downBits)).toEqual(Array.from(cpu.communication!.downBits));
    expect(Array.from(g.finalX)).toEqual([0, 0, 0]);
    expect(g.frozen[0]).toBe(3);
  });

  it('an S_G bound violation raises the CPU engine\'s UserInputError (same parameter, step, worker, replica)', async () => {
    const def = algorithms.get('mvsm-v1');
    const spec: RunSpec = { algorithm: def, hyper: { lr: 0.02, G: 2.5 }, problem: randomQuadratic(37, 10), noise: { model: fixtureGaussian, sigma: 0.5 }, T: 5, workers: 3, replicas: 2, seed: 4 };
    let cpuErr: unknown;
    try {
      runCpu(spec);
    } catch (e) {
      cpuErr = e;
    }
    expect(cpuErr).toBeInstanceOf(UserInputError);
    const gpuErr = await runWebGpu(spec, { gpu: gpu! }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(gpuErr).toBeInstanceOf(UserInputError);
    const where = (e: unknown) => /^(mvsm-v1\.G: must bound .*)\(\|\|v\|\|_inf = [^>]+> G = [^ ]+ (at step t = \d+, worker \d+, replica \d+)/.exec((e as Error).message)?.slice(1);
    const [cRule, cAt] = where(cpuErr)!;
    const [gRule, gAt] = where(gpuErr)!;
    expect(gRule).toBe(cRule);
    expect(gAt).toBe(cAt);
  });

  // Chunks split replicas and coordinates (whole 64-coordinate units, so words never straddle a
  // chunk): every float32 operation is the same, results must be identical.
  it('mvsm-v2 and ef-signsgd-mv: splitting across bindings (replica and coordinate chunks) gives bit-identical results', async () => {
    // vec4 planes per replica row of the worker buffer: (g, v, m) x 3 workers = 9 for mvsm-v2,
    // (g, e, p, delta) x 3 = 12 for ef-signsgd-mv; a binding of 256 quads x that many planes forces
    // one replica per chunk and coordinate chunks of 256 quads (d = 1100: 275 quads, two chunks)
    for (const [id, planes] of [['mvsm-v2', 9], ['ef-signsgd-mv', 12]] as const) {
      const def = algorithms.get(id);
      const spec: RunSpec = { algorithm: def, hyper: def.example, problem: randomQuadratic(1100, 11), noise: { model: fixtureGaussian, sigma: 1 }, T: 4, workers: 3, replicas: 5, seed: 5, checkpoints: [0, 4] };
      const maxBindingBytes = 256 * 16 * planes;
      const split = planLayout(1100, 5, gpu!.limits, maxBindingBytes, planes, 3);
      expect(split.chunks.length).toBe(10); // 5 replica chunks x 2 coordinate chunks
      const probe = await WebGpuRun.create(spec, { gpu: gpu!, maxBindingBytes });
      expect(probe.layout.chunks.length).toBe(10); // the engine plans the same split
      probe.destroy();
      const a = await runWebGpu(spec, { gpu: gpu! });
      const b = await runWebGpu(spec, { gpu: gpu!, maxBindingBytes });
      expect(Array.from(b.finalX)).toEqual(Array.from(a.finalX));
      expect(Array.from(b.avgG1)).toEqual(Array.from(a.avgG1));
      expect(Array.from(b.communication!.upBits)).toEqual(Array.from(a.communication!.upBits));
      expect(Array.from(b.communication!.boundUse.G ?? [])).toEqual(Array.from(a.communication!.boundUse.G ?? []));
    }
  });

  // Whole runs (T = 100, 32 replicas, n = 3 workers, Gaussian noise), as the single-node check in
  // engine.test.ts: (a) same seed: the float32 deviation d_r = gpu_r - cpu_r has an upper 99.9%
  // confidence bound |mean d| + 3.551 sd(d)/sqrt(R) below a tenth of the CPU replicas' spread plus
  // 64 u of the mean; (b) independent seeds: replica means within 3.551 Welch standard errors
  // (< 0.1% two-sided false alarms for df >= 40) widened by (a)'s bias bound. 2 metrics x 2
  // comparisons: < 0.4% family-wise. Fixed seeds: the outcome is deterministic.
  it('mvsm-v1: whole runs (T=100, 32 replicas, n=3) agree in distribution with runCpu', async () => {
    const R = 32;
    const def = algorithms.get('mvsm-v1');
    const base = { algorithm: def, hyper: { lr: 0.01, G: 100 }, problem: randomQuadratic(37, 3), noise: { model: fixtureGaussian, sigma: 1 }, T: 100, workers: 3, replicas: R };
    const other = runCpu({ ...base, seed: 11 });
    const same = runCpu({ ...base, seed: 12 });
    const g = await runWebGpu({ ...base, seed: 12 }, { gpu: gpu! });
    for (const pick of [(x: RunResult) => x.avgG1, (x: RunResult) => x.curve[0].fGap]) {
      const [a, c, b] = [pick(other), pick(same), pick(g)];
      const dlt = b.map((v, r) => v - c[r]);
      const bias = Math.abs(mean(dlt)) + (3.551 * Math.sqrt(variance(dlt))) / Math.sqrt(R);
      expect(Number.isFinite(bias)).toBe(true);
      expect(bias).toBeLessThanOrEqual(0.1 * Math.sqrt(variance(c)) + 64 * U * Math.abs(mean(c)));
      const se = Math.sqrt(variance(a) / R + variance(b) / R);
      expect(Math.abs(mean(a) - mean(b))).toBeLessThanOrEqual(3.551 * se + bias);
    }
    // bits: MVSM v1 with odd n never ties and S_G never outputs 0: one sign plane each way (32 ceil(d/32) bits)
    expect(Array.from(g.communication!.upBits)).toEqual(Array.from(same.communication!.upBits));
    expect(g.communication!.upBitsPerWorkerStep[0]).toBe(32 * Math.ceil(37 / 32));
  });
});

describe('planLayout for the distributed plan', () => {
  const limits = { maxStorageBufferBindingSize: 2 ** 27, maxComputeWorkgroupsPerDimension: 65535 };
  it('sizes chunks by the worker buffer (vectors x workers planes) and caps the worker-grid rows', () => {
    // 3 worker vectors x 1024 workers, d = 4096: 1024 quads x 16 bytes x 3072 planes = 48 MiB a replica
    const l = planLayout(4096, 8, limits, Infinity, 3 * 1024, 1024);
    expect(l.chunks.every((c) => c.quads === 1024 && c.rows === 2)).toBe(true); // 2 x 48 MiB <= 128 MiB
    expect(l.chunks.length).toBe(4);
    // rows of the worker grid (replicas x workers) stay within 65535 workgroups of wy rows: with a
    // 2 GiB binding, d = 4 (wy = 256) and 65535 workers the binding would allow 2048 replicas a
    // chunk, the grid only 256
    const small = planLayout(4, 1000, { ...limits, maxStorageBufferBindingSize: 2 ** 31 }, Infinity, 65535, 65535);
    expect(small.wy).toBe(256);
    expect(Math.max(...small.chunks.map((c) => c.rows))).toBe(256);
    for (const c of small.chunks) expect(Math.ceil((c.rows * 65535) / small.wy)).toBeLessThanOrEqual(65535);
  });
  it('says when one replica\'s worker rows cannot fit a binding at all', () => {
    expect(() => planLayout(10_000, 1, limits, Infinity, 3 * 65536, 65536)).toThrow(/workers: is too large for the webgpu engine at this binding size/);
  });
});
