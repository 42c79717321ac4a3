import { describe, expect, it } from 'vitest';
import { algorithms } from '../algorithms/index.ts';
import { runCpu } from '../engine/cpu.ts';
import type { RunResult, RunSpec } from '../engine/types.ts';
import { heterogeneousQuadratic, heterogeneousQuadraticFamily } from '../problems/heterogeneous-quadratic.ts';
import { createProblem } from '../problems/index.ts';
import type { Problem } from '../problems/types.ts';
import { fixtureGaussian } from '../testing/fixtures.ts';
import { gpuSupport, problemShapeOf } from './codegen.ts';
import { metricSumLevels, planLayout, runWebGpu } from './engine.ts';
import { simulateDistributedWithBounds, simulateWithBounds, type TrackedDistributedRun, type TrackedRun } from '../testing/f32-bounds.ts';
import { gradientKernelFor } from './gradients/index.ts';
import { trackedGradient, type Kind } from '../testing/gpu-gradients.ts';
import { expectMetricsWithinBounds, gpuForTests } from '../testing/gpu.ts';

const gpu = await gpuForTests();

/**
 * Coverage of the runs gpuSupport used to refuse:
 * (1) worker-scope programs (distributed plan) on homogeneous problems with a gradient pass: the pass
 *     writes the exact gradient at x once per replica, every worker adds its own noise (lane j, as
 *     runCpu, which evaluates gradWorker(x, 0) once per worker: the same float64 values);
 * (2) server-scope programs on heterogeneous quadratics (see the second describe block).
 * Each run: three steps from x0, compared with runCpu (float64) within the float32 bounds of the
 * src/testing/f32-bounds.ts simulators (the gradient pass through the oracle of src/testing/gpu-gradients.ts).
 */

interface Outcome {
  cpu: RunResult;
  gpu: RunResult;
  sim: TrackedRun;
  violations: number;
  uncertain: number;
  /** Largest |gpu - cpu| / bound over the coordinates of x_T. */
  worst: number;
}

/** The comparison of x_T (bounds, uncertain sign decisions counted), without assertions (the power check reuses it). */
function compareX(cpu: RunResult, g: RunResult, sim: TrackedRun): Pick<Outcome, 'violations' | 'uncertain' | 'worst'> {
  let violations = 0;
  let uncertain = 0;
  let worst = 0;
  for (let i = 0; i < cpu.finalX.length; i++) {
    const err = Math.abs(g.finalX[i] - cpu.finalX[i]);
    if (!(err <= sim.ex[i])) violations++;
    if (sim.ex[i] > 0) worst = Math.max(worst, err / sim.ex[i]);
    if (sim.uncertain[i]) uncertain++;
  }
  return { violations, uncertain, worst };
}

/** Metrics at every checkpoint within their bounds, and divergence as on the CPU. */
function expectMetrics(spec: RunSpec, cpu: RunResult, g: RunResult, sim: TrackedRun): void {
  expectMetricsWithinBounds(spec, cpu, g, sim);
  expect(Array.from(g.divergedAt)).toEqual(Array.from(cpu.divergedAt));
}

/** (1): the distributed plan with a gradient pass against runCpu; `reference` (default: the spec's problem) is what the CPU and the simulator run. */
async function distributedWithPass(spec: RunSpec, kind: Kind, reference: Problem = spec.problem): Promise<Outcome> {
  const layout = planLayout(spec.problem.d, spec.replicas, gpu!.limits);
  const made = gradientKernelFor(spec.problem, { wx: layout.wx, wy: layout.wy });
  if (!made.kernel) throw new Error(made.reason);
  const levels = metricSumLevels(layout);
  // the pass's P partials of f: summed with stride nwg by the grad kernel, then by the metric reduction
  const oracle = trackedGradient(reference, kind, layout.wx, levels + Math.ceil(made.kernel.fPartialsPerReplica / layout.nwg));
  const ref = { ...spec, problem: reference };
  const sim = simulateDistributedWithBounds(ref, levels, oracle);
  const cpu = runCpu(ref);
  const g = await runWebGpu(spec, { gpu: gpu! });
  return { cpu, gpu: g, sim, ...compareX(cpu, g, sim) };
}

/** A problem whose gradients and f are the given one's times `s` (a deliberately wrong reference). */
function scaled(problem: Problem, s: number): Problem {
  return {
    ...problem,
    f: (x) => s * problem.f(x),
    grad: (x, out) => {
      problem.grad(x, out);
      for (let i = 0; i < out.length; i++) out[i] *= s;
    },
    gradWorker: (x, j, out) => {
      problem.gradWorker(x, j, out);
      for (let i = 0; i < out.length; i++) out[i] *= s;
    },
  } as Problem;
}

const PASS_PROBLEMS: ReadonlyArray<{ name: string; kind: Kind; make: () => Problem }> = [
  { name: 'rotated-quadratic d=37', kind: 'rotated-quadratic', make: () => createProblem('rotated-quadratic', { d: 37 }) },
  // d = 37 everywhere: one workgroup shape, so the three problems share the step pipelines (lavapipe compiles are the cost)
  { name: 'logistic-synthetic m=300 d=37', kind: 'logistic', make: () => createProblem('logistic-synthetic', { m: 300, d: 37 }) },
  { name: 'sum-cosh d=37 (a=1.5, b=2)', kind: 'sum-cosh', make: () => createProblem('sum-cosh', { d: 37, a: 1.5, b: 2 }) },
];
const WORKER_PROGRAMS = ['mv-signsgd', 'signum-mv', 'mvsm-v2', 'sto-signsgd', 'ef-signsgd-mv', 'mvsm-v1-runmax'];

describe.skipIf(!gpu)('webgpu distributed plan on problems with a gradient pass', () => {
  for (const pc of PASS_PROBLEMS) {
    const problem = pc.make();
    for (const id of WORKER_PROGRAMS) {
      it(`${id}, ${pc.name}, n = 3: x_3, metrics and bits within the derived float32 bounds of runCpu`, async () => {
        const def = algorithms.get(id);
        expect(gpuSupport(def, problemShapeOf(problem)).plan).toBe('distributed');
        const spec: RunSpec = { algorithm: def, hyper: def.example, problem, noise: { model: fixtureGaussian, sigma: 0.5 }, T: 3, workers: 3, replicas: 2, seed: 31, checkpoints: [0, 1, 3] };
        const o = await distributedWithPass(spec, pc.kind);
        expect(o.gpu.path).toBe('distributed');
        for (let i = 0; i < o.cpu.finalX.length; i++) expect(Math.abs(o.sim.x[i] - o.cpu.finalX[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(o.cpu.finalX[i])));
        expect(o.violations).toBe(0);
        expect(o.uncertain / o.cpu.finalX.length).toBeLessThan(0.01);
        expectMetrics(spec, o.cpu, o.gpu, o.sim);
        // communication: the same messages, so the same bits (no ternary message here: the
        // Gaussian noise makes an exact 0 in a worker's sign or the vote improbable; where the
        // simulator marks a ternary format within rounding the counts may differ by that much)
        const cc = o.cpu.communication!;
        const gc = o.gpu.communication!;
        const sim = o.sim as TrackedDistributedRun;
        for (let r = 0; r < spec.replicas; r++) {
          if (sim.uncertainTernary[r] === 0) {
            expect(gc.upBits[r]).toBe(cc.upBits[r]);
            expect(gc.downBits[r]).toBe(cc.downBits[r]);
            expect(gc.ternaryMessages[r]).toBe(cc.ternaryMessages[r]);
          } else {
            expect(Math.abs(gc.ternaryMessages[r] - cc.ternaryMessages[r])).toBeLessThanOrEqual(sim.uncertainTernary[r]);
          }
          // bound use max ||v||_inf / G (S_G programs) within its derived bound
          for (const [p, use] of Object.entries(cc.boundUse)) expect(Math.abs(gc.boundUse[p][r] - use[r])).toBeLessThanOrEqual(sim.boundUse[p].e[r]);
        }
        expect(Object.keys(gc.boundUse).sort()).toEqual(Object.keys(cc.boundUse).sort());
        // the run moved
        expect(o.gpu.finalX.some((v, i) => v !== problem.x0()[i % problem.d])).toBe(true);
        if (o.uncertain > 0) console.info(`[gpu] ${id} ${pc.name}: ${o.uncertain} coordinates within rounding of a sign decision`);
      });
    }
  }

  // Power: the same GPU run against a reference whose gradients (and f) are scaled by 1 + 1e-5 must
  // fail the metric bounds (||g||_1, ||g||_2, f - f* move by 1e-5 relative; their bounds are ~1e-6
  // relative), and by 1 + 1e-4 the bound on x_3 too (ef-signsgd-mv's scaled sign is linear in the
  // gradient; a pure sign update is invariant to a positive scale, so it cannot show this).
  it('power: a reference gradient scaled by 1 + 1e-5 fails the metric bounds, by 1 + 1e-4 the x_3 bound (ef-signsgd-mv, rotated-quadratic)', async () => {
    const def = algorithms.get('ef-signsgd-mv');
    const problem = PASS_PROBLEMS[0].make();
    const spec: RunSpec = { algorithm: def, hyper: def.example, problem, noise: { model: fixtureGaussian, sigma: 0.5 }, T: 3, workers: 3, replicas: 2, seed: 31, checkpoints: [0, 1, 3] };
    const small = await distributedWithPass(spec, 'rotated-quadratic', scaled(problem, 1 + 1e-5));
    expect(metricViolations(spec, small)).toBeGreaterThan(0);
    const large = await distributedWithPass(spec, 'rotated-quadratic', scaled(problem, 1 + 1e-4));
    expect(large.violations).toBeGreaterThan(0);
    // and the unscaled reference passes (the test above, repeated here so the contrast is in one place)
    const right = await distributedWithPass(spec, 'rotated-quadratic');
    expect(right.violations).toBe(0);
    expect(metricViolations(spec, right)).toBe(0);
  });
});

/** Checkpoint metrics (g1, g2, f - f*) outside their bounds. */
function metricViolations(spec: RunSpec, o: Outcome): number {
  let v = 0;
  for (let r = 0; r < spec.replicas; r++) {
    spec.checkpoints!.forEach((t, k) => {
      const m = r * (spec.T + 1) + t;
      if (!(Math.abs(o.gpu.curve[k].g1[r] - o.cpu.curve[k].g1[r]) <= o.sim.metrics.e1[m])) v++;
      if (!(Math.abs(o.gpu.curve[k].g2[r] - o.cpu.curve[k].g2[r]) <= o.sim.metrics.e2[m])) v++;
      if (!(Math.abs(o.gpu.curve[k].fGap[r] - o.cpu.curve[k].fGap[r]) <= o.sim.metrics.ehf[m] + 1e-12 * Math.abs(o.cpu.curve[k].fGap[r]))) v++;
    });
  }
  return v;
}

/** (2): a server-scope program on a heterogeneous quadratic against runCpu; `reference` as above. */
async function serverOnHeterogeneous(spec: RunSpec, reference: Problem = spec.problem): Promise<Outcome> {
  const layout = planLayout(spec.problem.d, spec.replicas, gpu!.limits);
  const ref = { ...spec, problem: reference };
  const sim = simulateWithBounds(ref, metricSumLevels(layout));
  const cpu = runCpu(ref);
  const g = await runWebGpu(spec, { gpu: gpu! });
  return { cpu, gpu: g, sim, ...compareX(cpu, g, sim) };
}

const SERVER_PROGRAMS = ['signsgd', 'signum', 'sgd', 'ef-signsgd', 'dog', 'adamw'];

describe.skipIf(!gpu)('webgpu single-node plans on heterogeneous quadratics (server gradient = mean of per-worker gradients)', () => {
  // n is compiled into the kernels: n = 4 for two of the programs only (shader compiles dominate on lavapipe)
  const problems = [
    { name: 'n = 3', make: () => heterogeneousQuadraticFamily.create({ d: 37, workers: 3, heterogeneity: 1, seed: 4 }), only: SERVER_PROGRAMS },
    { name: 'n = 4', make: () => heterogeneousQuadraticFamily.create({ d: 37, workers: 4, heterogeneity: 0.5, seed: 9 }), only: ['signum', 'ef-signsgd'] },
  ];
  for (const pc of problems) {
    const problem = pc.make();
    for (const id of pc.only) {
      it(`${id}, heterogeneous-quadratic d=37 ${pc.name}: x_3 and the metrics within the derived float32 bounds of runCpu`, async () => {
        const def = algorithms.get(id);
        const plan = gpuSupport(def, problemShapeOf(problem)).plan;
        expect(plan === 'fused' || plan === 'general').toBe(true);
        const spec: RunSpec = { algorithm: def, hyper: def.example, problem, noise: { model: fixtureGaussian, sigma: 0.5 }, T: 3, workers: problem.workers, replicas: 2, seed: 41, checkpoints: [0, 1, 3] };
        const o = await serverOnHeterogeneous(spec);
        expect(o.gpu.path).toBe(plan);
        for (let i = 0; i < o.cpu.finalX.length; i++) expect(Math.abs(o.sim.x[i] - o.cpu.finalX[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(o.cpu.finalX[i])));
        expect(o.violations).toBe(0);
        expect(o.uncertain / o.cpu.finalX.length).toBeLessThan(0.01);
        for (let r = 0; r < spec.replicas; r++) expect(o.sim.uncertainReplica[r]).toBe(0);
        expectMetrics(spec, o.cpu, o.gpu, o.sim);
        // single-node programs declare no messages: neither engine reports communication
        expect(o.cpu.communication).toBeUndefined();
        expect(o.gpu.communication).toBeUndefined();
        expect(o.gpu.finalX.some((v, i) => v !== problem.x0()[i % problem.d])).toBe(true);
      });
    }
  }

  // Power. Swapping two workers' centers is NOT a detectable mistake here: the server gradient
  // (1/n) sum_j (diag (x - c^j) + noise_j) is invariant under a permutation of the centers up to
  // rounding (and equals diag (x - cbar) + mean noise). What a wrong per-worker gradient would
  // change is its value: a reference whose curvatures are scaled by 1 + 1e-5 must fail the metric
  // bounds, and the x_3 bound for sgd (linear in the gradient).
  it('power: a reference with curvatures scaled by 1 + 1e-5 fails the metric and x_3 bounds (sgd, n = 3)', async () => {
    const problem = problems[0].make();
    const sqw = problem.separableQuadraticWorkers!;
    const n = problem.workers;
    const d = problem.d;
    const wrong = heterogeneousQuadratic(
      sqw.diag.map((v) => v * (1 + 1e-5)),
      Array.from({ length: n }, (_, j) => sqw.centers.slice(j * d, (j + 1) * d)),
      { x0: problem.x0 },
    );
    const def = algorithms.get('sgd');
    const spec: RunSpec = { algorithm: def, hyper: def.example, problem, noise: { model: fixtureGaussian, sigma: 0.5 }, T: 3, workers: n, replicas: 2, seed: 41, checkpoints: [0, 1, 3] };
    const bad = await serverOnHeterogeneous(spec, wrong);
    expect(metricViolations(spec, bad)).toBeGreaterThan(0);
    expect(bad.violations).toBeGreaterThan(0);
    const right = await serverOnHeterogeneous(spec);
    expect(right.violations).toBe(0);
    expect(metricViolations(spec, right)).toBe(0);
  });
});

describe.skipIf(!gpu)('what stays refused', () => {
  it('sharded-logistic (heterogeneous without per-worker quadratics) is refused for server- and worker-scope programs, with the reason', async () => {
    const problem = createProblem('sharded-logistic', {});
    for (const id of ['signsgd', 'mv-signsgd']) {
      const def = algorithms.get(id);
      const spec: RunSpec = { algorithm: def, hyper: { lr: 0.01 }, problem, noise: null, T: 1, workers: problem.workers, replicas: 1, seed: 1 };
      await expect(runWebGpu(spec, { gpu: gpu! })).rejects.toThrow(/engine: webgpu does not yet support this run: problem sharded-logistic is heterogeneous without per-worker separable-quadratic gradients/);
    }
  });
});
