import { beforeAll, describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { runCpu } from '../engine/cpu.ts';
import { fusable } from '../engine/fused-cpu.ts';
import { evaluateHyper, resolveHyper } from '../engine/hyper.ts';
import type { RunResult, RunSpec } from '../engine/types.ts';
import { gpuSupport, problemShapeOf } from '../gpu/codegen.ts';
import { metricSumLevels, planLayout, runWebGpu } from '../gpu/engine.ts';
import { simulateDistributedWithBounds, simulateWithBounds } from '../testing/f32-bounds.ts';
import { expectMetricsWithinBounds, float32Example, gpuForTests } from '../testing/gpu.ts';
import { GaussianNoise } from '../noise/index.ts';
import { diagQuadratic } from '../testing/fixtures.ts';
import { applyGradientsError, expectComparison, oneStepFromMidRun, useTfCpu } from '../testing/tfjs.ts';
import { algorithms } from './index.ts';
import { checkProgram, type AlgorithmDef } from './program.ts';

/**
 * The contract every registered algorithm keeps with every engine, in the manner of optax's
 * optimizer tests (one parametrised suite over the registry, not a table per engine): its `example`
 * hyperparameters validate, a few steps on a small problem give finite iterates that moved, and each
 * engine that claims the algorithm agrees with the float64 reference within the tolerance its own
 * tests derive:
 * - cpu (runCpu, JavaScript; fused where the program allows): equal to the general path bit for bit
 *   (src/engine/fused-cpu.test.ts);
 * - wasm (runCpu's WebAssembly noise and update, the fused step of single-node programs with
 *   Gaussian noise): equal to the general path bit for bit (same test);
 * - webgpu (float32; where an adapter exists): every output coordinate within the derived float32
 *   bound of src/gpu/f32-bounds.ts, coordinates with a sign decision within rounding of 0 under 1%,
 *   metrics within their bounds (src/gpu/engine.test.ts, distributed.test.ts);
 * - tfjs (float32): one step from a reachable mid-run state within the tracked float32 bounds, under
 *   the pass rule of src/tfjs/engine-equivalence.test.ts.
 * An engine that does not run an algorithm names why; the suite checks that the engine indeed
 * refuses it.
 */

beforeAll(useTfCpu);

const all = algorithms.all();

/** d = 37 (a 32-coordinate word and a padded one), curvatures in [0.1, 10], centers in [-1, 1], x0 in [-2, 2]. */
const D = 37;
const problem = diagQuadratic(
  Array.from({ length: D }, (_, i) => 10 ** Math.sin(1.7 * i + 0.3)),
  Array.from({ length: D }, (_, i) => Math.cos(2.3 * i + 1)),
  Array.from({ length: D }, (_, i) => 2 * Math.sin(0.9 * i + 2)),
);
const noise = { model: new GaussianNoise(), sigma: 0.5 };
const T = 3;

/** Three workers for programs with worker-scope ops, one otherwise. */
const workersFor = (def: AlgorithmDef) => (checkProgram(def.id, def.program).workerOps ? 3 : 1);

function specFor(def: AlgorithmDef, hyper: RunSpec['hyper'] = def.example): RunSpec {
  return { algorithm: def, hyper, problem, noise, T, workers: workersFor(def), replicas: 2, seed: 1515, checkpoints: [0, 1, T] };
}

/** The float64 reference: runCpu's general path. */
const reference = (spec: RunSpec) => runCpu(spec, { fused: false });

function expectBitForBit(a: RunResult, b: RunResult): void {
  expect(Array.from(a.finalX)).toEqual(Array.from(b.finalX));
  expect(Array.from(a.avgG1)).toEqual(Array.from(b.avgG1));
  expect(Array.from(a.avgG2)).toEqual(Array.from(b.avgG2));
  for (let k = 0; k < a.curve.length; k++) expect(Array.from(a.curve[k].fGap)).toEqual(Array.from(b.curve[k].fGap));
}

/**
 * Why runCpu's WebAssembly path does not take a program: it fuses single-node programs made of
 * server maps only, without row reductions, rand() draws or an output vector (fusable and
 * runCpu's canFuse in src/engine). Null when it takes it.
 */
function wasmRefusal(def: AlgorithmDef): string | null {
  const p = def.program;
  const checked = checkProgram(def.id, p);
  const why: string[] = [];
  if (checked.workerOps) why.push('worker-scope ops (the fused step is single-node)');
  const other = [...new Set(p.ops.filter((o) => o.op !== 'map').map((o) => o.op))];
  if (other.length) why.push(`${other.join(', ')} ops (the fused step runs server maps only)`);
  if (p.ops.some((o) => o.op === 'map' && (o.reduce?.length ?? 0) > 0)) why.push('row reductions');
  if (p.ops.some((o) => o.op === 'map' && o.assign.some(([, src]) => /\brand\s*\(/.test(src)))) why.push('rand() draws');
  if (p.output !== undefined) why.push(`an output vector (${p.output})`);
  return why.length ? `${def.id} has ${why.join(', ')}` : null;
}

/** Why the WebGPU engine does not take a program on the suite's problem: gpuSupport's own reasons. */
function webgpuRefusal(def: AlgorithmDef): string | null {
  const s = gpuSupport(def, problemShapeOf(problem));
  return s.supported ? null : s.reasons.join('; ');
}

/** Why the tfjs step comparison (gradients given directly) does not take a program. */
function tfjsRefusal(def: AlgorithmDef): string | null {
  return def.program.ops.some((o) => o.op === 'oracle') ? `${def.id} has an oracle op: tfjs runs it only through minimize, which calls the loss function at the second point` : null;
}

interface Engine {
  readonly name: string;
  /** Null when the engine runs `def` here, else the reason it does not. */
  refusal(def: AlgorithmDef): string | null;
}

const engines: readonly Engine[] = [
  { name: 'cpu', refusal: () => null },
  { name: 'wasm', refusal: wasmRefusal },
  { name: 'webgpu', refusal: webgpuRefusal },
  { name: 'tfjs', refusal: tfjsRefusal },
];

describe('every registered algorithm: its example and every engine', () => {
  it('the registry is not empty and every engine either claims each algorithm or names why not', () => {
    expect(all.length).toBeGreaterThan(0);
    for (const engine of engines) {
      const claimed = all.filter((def) => engine.refusal(def) === null);
      const refused = all.filter((def) => engine.refusal(def) !== null);
      expect(claimed.length + refused.length, engine.name).toBe(all.length);
      expect(claimed.length, `${engine.name} runs some algorithm`).toBeGreaterThan(0);
      for (const def of refused) expect(engine.refusal(def), `${engine.name}'s reason names ${def.id}`).toContain(def.id);
    }
    // the reasons named for wasm are exactly the cases the engine's own predicate excludes
    for (const def of all) expect(wasmRefusal(def) === null, def.id).toBe(fusable(checkProgram(def.id, def.program)) && def.program.output === undefined);
    // the reference engine runs everything
    expect(all.filter((def) => engines[0].refusal(def) !== null)).toEqual([]);
  });

  describe.each(all.map((def) => [def.id, def] as const))('%s', (_id, def) => {
    it('example: known hyperparameters, every required one given, every value valid at each step', () => {
      const spec = specFor(def);
      const h = resolveHyper(def, def.example);
      const out: Record<string, number> = {};
      for (let t = 0; t < T; t++) evaluateHyper(def, h, { t, T, d: D, n: spec.workers }, out);
      expect(Object.keys(out).length).toBeGreaterThan(0);
    });

    it('cpu: a few steps give finite iterates that moved; the JavaScript engine equals the general path bit for bit', () => {
      const spec = specFor(def);
      const ref = reference(spec);
      expect(ref.finalX.every(Number.isFinite)).toBe(true);
      const x0 = problem.x0();
      expect(ref.finalX.some((v, i) => v !== x0[i % D])).toBe(true);
      const js = runCpu(spec, { wasm: false });
      expect(['fused', 'general']).toContain(js.path);
      expectBitForBit(js, ref);
    });

    const wasmWhy = wasmRefusal(def);
    if (wasmWhy === null) {
      it('wasm: the WebAssembly step equals the general path bit for bit', () => {
        const spec = specFor(def);
        const w = runCpu(spec);
        expect(w.path).toMatch(/^fused-wasm/);
        expectBitForBit(w, reference(spec));
      });
    } else {
      it(`wasm: not taken (${wasmWhy}); runCpu runs it on its JavaScript path`, () => {
        expect(runCpu(specFor(def)).path).toBe('general');
      });
    }

    const tfWhy = tfjsRefusal(def);
    if (tfWhy === null) {
      it('tfjs: one step from a mid-run state within the tracked float32 bounds of the engine step', async () => {
        const { comparison, opt, engineMismatches } = await oneStepFromMidRun(def);
        expect(engineMismatches, 'tracked float64 values = the engine step').toEqual([]);
        expectComparison(def.id, comparison);
        opt.dispose();
      });
    } else {
      it(`tfjs: not taken by the gradient-fed comparison (${tfWhy}); the optimizer refuses gradients given directly`, () => {
        const error = applyGradientsError(def, workersFor(def));
        expect(error).toBeInstanceOf(UserInputError);
        expect((error as Error).message).toMatch(/oracle op needs the loss function/);
      });
    }
  });
});

const gpu = await gpuForTests();

describe.skipIf(!gpu)('every registered algorithm on webgpu: within the derived float32 bounds of runCpu', () => {
  for (const def of all) {
    const why = webgpuRefusal(def);
    if (why !== null) {
      it(`${def.id}: refused (${why})`, async () => {
        await expect(runWebGpu(specFor(def, float32Example(def)), { gpu: gpu! })).rejects.toThrow(/does not yet support this run/);
      });
      continue;
    }
    it(`${def.id}: x_${T} and the metrics within their bounds`, async () => {
      const spec = specFor(def, float32Example(def));
      const cpu = runCpu(spec);
      const g = await runWebGpu(spec, { gpu: gpu! });
      const levels = metricSumLevels(planLayout(D, spec.replicas, gpu!.limits));
      const sim = g.path === 'distributed' ? simulateDistributedWithBounds(spec, levels) : simulateWithBounds(spec, levels);
      const N = cpu.finalX.length;
      let violations = 0;
      let uncertain = 0;
      for (let i = 0; i < N; i++) {
        // the simulation reproduces runCpu (same operations in float64)
        expect(Math.abs(sim.x[i] - cpu.finalX[i])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(cpu.finalX[i])));
        if (!(Math.abs(g.finalX[i] - cpu.finalX[i]) <= sim.ex[i])) violations++;
        if (sim.uncertain[i]) uncertain++;
      }
      expect(g.finalX.every(Number.isFinite)).toBe(true);
      expect(violations).toBe(0);
      expect(uncertain / N).toBeLessThan(0.01);
      expectMetricsWithinBounds(spec, cpu, g, sim);
      expect(Array.from(g.divergedAt)).toEqual(Array.from(cpu.divergedAt));
    });
  }
});
