import { describe, expect, it } from 'vitest';
import { algorithms, type AlgorithmDef } from '../algorithms/index.ts';
import { runCpu } from '../engine/cpu.ts';
import type { RunSpec } from '../engine/types.ts';
import { createProblem } from '../problems/index.ts';
import type { Problem } from '../problems/types.ts';
import { diagQuadratic, fixtureGaussian } from '../testing/fixtures.ts';
import { gpuSupport, problemShapeOf } from './codegen.ts';
import { metricSumLevels, planLayout, runWebGpu, WebGpuRun } from './engine.ts';
import { simulateWithBounds } from '../testing/f32-bounds.ts';
import { gradientKernelFor } from './gradients/index.ts';
import { trackedGradient, type Kind } from '../testing/gpu-gradients.ts';
import { gpuForTests, withStepSize } from '../testing/gpu.ts';

const gpu = await gpuForTests();

/** A general-plan test program: fx, a sum reduction, a scalar op and an oracle op (no output vector). */
const oracleFx: AlgorithmDef = {
  id: 'test-oracle-fx',
  name: 'same-sample gradient difference and an fx-scaled step',
  summary: 'test',
  updateRule: '',
  source: '',
  distributed: false,
  hyper: [{ name: 'lr', rule: 'positive', doc: '' }],
  example: { lr: 0.02 },
  program: {
    vectors: [{ name: 'xp', scope: 'server' }, { name: 'q', scope: 'server' }],
    scalars: [{ name: 'dg', scope: 'server', init: 0 }, { name: 'step', scope: 'server', init: 0 }],
    params: ['lr'],
    ops: [
      { op: 'oracle', at: 'xp', into: 'q' },
      { op: 'map', scope: 'server', assign: [], reduce: [{ into: 'dg', kind: 'sum', expr: 'abs(g - q)' }] },
      { op: 'scalar', scope: 'server', assign: [['step', 'lr / (1 + 0.01 * dg + 0.01 * abs(fx))']] },
      { op: 'map', scope: 'server', assign: [['xp', 'x'], ['x', 'x - step * g']] },
    ],
  },
};

interface Case {
  name: string;
  kind: Kind;
  make: () => Problem;
  lr: number;
  /** Only these programs (default: all), replicas (default 8), workers averaged (default 1). */
  only?: string[];
  R?: number;
  workers?: number;
}
const cases: Case[] = [
  { name: 'rotated-quadratic d=37', kind: 'rotated-quadratic', make: () => createProblem('rotated-quadratic', { d: 37 }), lr: 0.02 },
  { name: 'logistic-synthetic m=300 d=21', kind: 'logistic', make: () => createProblem('logistic-synthetic', { m: 300, d: 21 }), lr: 0.02 },
  { name: 'sum-cosh d=37 (a=1.5, b=2)', kind: 'sum-cosh', make: () => createProblem('sum-cosh', { d: 37, a: 1.5, b: 2 }), lr: 0.02 },
  { name: 'exp-sum d=37 (b=0.5)', kind: 'exp-sum', make: () => createProblem('exp-sum', { d: 37, b: 0.5 }), lr: 0.02 },
  { name: 'quartic-sum d=37', kind: 'quartic-sum', make: () => createProblem('quartic-sum', { d: 37 }), lr: 0.02 },
];
const programs = [algorithms.get('signsgd'), algorithms.get('signum'), algorithms.get('sgd-momentum'), algorithms.get('ef-signsgd'), oracleFx, algorithms.get('dog')];

describe.skipIf(!gpu)('webgpu engine on problems with a gradient pass (src/gpu/gradients)', () => {
  it('gpuSupport: single-node programs run (output vectors too), worker-scope programs on the distributed plan; sharded-logistic says why not', () => {
    const rot = problemShapeOf(createProblem('rotated-quadratic', { d: 5 }));
    expect(rot.gradientPass).toBe(true);
    expect(gpuSupport(algorithms.get('signsgd'), rot)).toEqual({ supported: true, plan: 'fused', reasons: [] });
    expect(gpuSupport(algorithms.get('ef-signsgd'), rot).plan).toBe('general');
    expect(gpuSupport(algorithms.get('mv-signsgd'), rot)).toEqual({ supported: true, plan: 'distributed', reasons: [] });
    // an output vector (dog's average): a second pass at the output point
    expect(gpuSupport(algorithms.get('dog'), rot)).toEqual({ supported: true, plan: 'general', reasons: [] });
    const sharded = problemShapeOf(createProblem('sharded-logistic', {}));
    expect(gpuSupport(algorithms.get('signsgd'), sharded).supported).toBe(false);
  });

  // Three steps from the same x0 with Gaussian noise (sigma 0.5): every coordinate of x_3 within its
  // derived bound (simulateWithBounds with the oracle above), f - f* and the gradient norms at
  // t = 0, 1, 3 within theirs. Coordinates whose sign decision was within rounding of 0 are counted
  // (their bound allows the flip) and must stay below 1% so the comparison keeps its power.
  const extra: Case[] = [
    { name: 'mushroom (80% training split, d = 112)', kind: 'logistic', make: () => createProblem('mushroom', {}), lr: 0.02, only: ['signsgd'], R: 4 },
    { name: 'sum-cosh d=37, 3 workers averaged', kind: 'sum-cosh', make: () => createProblem('sum-cosh', { d: 37, a: 1.5, b: 2 }), lr: 0.02, only: ['signsgd', 'ef-signsgd'], workers: 3 },
  ];
  for (const c of [...cases, ...extra]) {
    const problem = c.make();
    for (const def of programs.filter((p) => !c.only || c.only.includes(p.id))) {
      it(`${def.id}, ${c.name}: x_3 and the metrics within the derived float32 bounds of runCpu`, async () => {
        const R = c.R ?? 8;
        const spec: RunSpec = { algorithm: def, hyper: withStepSize(def.example, c.lr), problem, noise: { model: fixtureGaussian, sigma: 0.5 }, T: 3, workers: c.workers ?? 1, replicas: R, seed: 77, checkpoints: [0, 1, 3] };
        const layout = planLayout(problem.d, R, gpu!.limits);
        const made = gradientKernelFor(problem, { wx: layout.wx, wy: layout.wy });
        if (!made.kernel) throw new Error(made.reason);
        const P = made.kernel.fPartialsPerReplica;
        const levels = metricSumLevels(layout);
        const sim = simulateWithBounds(spec, levels, trackedGradient(problem, c.kind, layout.wx, levels + Math.ceil(P / layout.nwg)));
        const cpu = runCpu(spec);
        const g = await runWebGpu(spec, { gpu: gpu! });
        expect(g.path).toBe(gpuSupport(def, problemShapeOf(problem)).plan);
        const N = cpu.finalX.length;
        let violations = 0;
        let uncertain = 0;
        for (let i = 0; i < N; i++) {
          expect(Math.abs(sim.x[i] - cpu.finalX[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(cpu.finalX[i])));
          if (!(Math.abs(g.finalX[i] - cpu.finalX[i]) <= sim.ex[i])) violations++;
          if (sim.uncertain[i]) uncertain++;
        }
        expect(violations).toBe(0);
        expect(uncertain / N).toBeLessThan(0.01);
        for (let r = 0; r < R; r++) {
          expect(sim.uncertainReplica[r]).toBe(0);
          for (let k = 0; k < 3; k++) {
            const m = r * (spec.T + 1) + spec.checkpoints![k];
            expect(Math.abs(g.curve[k].g1[r] - cpu.curve[k].g1[r])).toBeLessThanOrEqual(sim.metrics.e1[m]);
            expect(Math.abs(g.curve[k].g2[r] - cpu.curve[k].g2[r])).toBeLessThanOrEqual(sim.metrics.e2[m]);
            // fGap = f - f*: f* is exact on both engines (added in float64 to the float32 sum)
            expect(Math.abs(g.curve[k].fGap[r] - cpu.curve[k].fGap[r])).toBeLessThanOrEqual(sim.metrics.ehf[m] + 1e-12 * Math.abs(cpu.curve[k].fGap[r]));
          }
        }
        expect(Array.from(g.divergedAt)).toEqual(Array.from(cpu.divergedAt));
        if (uncertain > 0) console.info(`[gpu] ${def.id} ${c.name}: ${uncertain}/${N} coordinates within rounding of a sign decision`);
      });
    }
  }

  it('replica chunks sized by the logistic scratch (m floats per replica) are bit-identical to one chunk', async () => {
    const problem = createProblem('logistic-synthetic', { m: 300, d: 21 });
    const spec: RunSpec = { algorithm: algorithms.get('signum'), hyper: { lr: 0.01, beta: 0.3 }, problem, noise: { model: fixtureGaussian, sigma: 0.5 }, T: 3, workers: 1, replicas: 100, seed: 5, checkpoints: [0, 3] };
    const a = await runWebGpu(spec, { gpu: gpu! });
    const run = await WebGpuRun.create(spec, { gpu: gpu!, maxBindingBytes: 32768 });
    try {
      // 1200 bytes of scratch per replica: at most 27 replicas per 32 KiB binding
      expect(run.layout.chunks.length).toBeGreaterThanOrEqual(4);
      const b = await run.finish();
      expect(Array.from(b.finalX)).toEqual(Array.from(a.finalX));
      for (let k = 0; k < 2; k++) expect(Array.from(b.curve[k].fGap)).toEqual(Array.from(a.curve[k].fGap));
    } finally {
      run.destroy();
    }
  });

  it('a pass that needs whole replica rows refuses a layout with coordinate chunks', async () => {
    // a diagonal quadratic presented as a dense hessian (what the rotated-quadratic pass reads), d = 1030
    const d = 1030;
    const base = diagQuadratic(Array.from({ length: d }, () => 1), Array.from({ length: d }, () => 0), Array.from({ length: d }, () => 1));
    const hessian = new Float64Array(d * d);
    for (let i = 0; i < d; i++) hessian[i * d + i] = 1;
    const { separableQuadratic: _omit, ...rest } = base;
    const dense = { ...rest, id: 'dense-diag', hessian, constants: { ...base.constants, xStar: new Float64Array(d) } } as Problem;
    expect(problemShapeOf(dense).gradientPass).toBe(true);
    const spec: RunSpec = { algorithm: algorithms.get('signsgd'), hyper: { lr: 0.01 }, problem: dense, noise: null, T: 1, workers: 1, replicas: 1, seed: 1 };
    await expect(runWebGpu(spec, { gpu: gpu!, maxBindingBytes: 8192 })).rejects.toThrow(/replicas x d: is too large for the rotated-quadratic gradient pass on the webgpu engine: it needs whole replica rows/);
  });

  it('coordinate chunks (sum-cosh, d = 2100 split into 3 chunks, data bound at per-quad offsets) are bit-identical to the unsplit run', async () => {
    const problem = createProblem('sum-cosh', { d: 2100, b: 2 });
    const spec: RunSpec = { algorithm: algorithms.get('ef-signsgd'), hyper: { lr: 0.01 }, problem, noise: { model: fixtureGaussian, sigma: 0.5 }, T: 3, workers: 1, replicas: 3, seed: 5, checkpoints: [0, 3] };
    // 16 KiB bindings and 64 bytes of sum-cosh data per quad: 256 quads per chunk (525 quads)
    const split = planLayout(2100, 3, gpu!.limits, 16384, 1, 0, 64);
    expect(split.chunks.map((c) => c.quads)).toEqual([256, 256, 13]);
    const a = await runWebGpu(spec, { gpu: gpu! });
    const b = await runWebGpu(spec, { gpu: gpu!, maxBindingBytes: 16384 });
    expect(Array.from(b.finalX)).toEqual(Array.from(a.finalX));
    for (let k = 0; k < 2; k++) {
      expect(Array.from(b.curve[k].g1)).toEqual(Array.from(a.curve[k].g1));
      expect(Array.from(b.curve[k].fGap)).toEqual(Array.from(a.curve[k].fGap));
    }
  });
});
