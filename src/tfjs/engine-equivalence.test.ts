import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { algorithms } from '../algorithms/index.ts';
import type { AlgorithmDef } from '../algorithms/program.ts';
import { runCpu } from '../engine/cpu.ts';
import { createProblem } from '../problems/index.ts';
import { ProgramOptimizer } from './optimizer.ts';
import {
  cloneState,
  compareTracked,
  exactTracked,
  expectComparison,
  f32,
  f32Random,
  freshVariableName,
  initialState,
  layoutOf,
  loadedOptimizer,
  midRunState,
  oneStepFromMidRun,
  paramsAt,
  randomVector,
  readState,
  stepWith,
  TEST_HORIZON,
  tfjsExample,
  trackedStep,
  useTfCpu,
  type Comparison,
  type EngineState,
} from '../testing/tfjs.ts';

// One tfjs step equals one CPU-engine step on the same state and gradient.
//
// Tolerance (derived, not tuned): the engine runs in float64, tfjs in float32. Every quantity of the
// step is carried with a first-order bound on the float32 deviation (src/testing/f32-bounds.ts rules:
// one rounding of U = 2^-24 (1 + 2^-10) per op, inputs rounded to float32, Higham's gamma_{k-1} for a
// sum of k terms in any order; the tfjs CPU backend rounds each op's float64 result once, so it is
// inside these bounds). Inputs (x, g, state) are float32 numbers, so both sides start from the same
// values. A coordinate whose sign/pos argument lies within its bound of 0 may legitimately flip: it
// is counted as uncertain, not compared, and the test requires such coordinates to be rare (< 2%),
// so the comparison cannot pass vacuously.

const T = TEST_HORIZON;
const freshName = freshVariableName;

beforeAll(useTfCpu);

const noOracle = (def: AlgorithmDef) => !def.program.ops.some((o) => o.op === 'oracle');

const testable = algorithms.all().filter(noOracle);

describe('one tfjs step equals one CPU-engine step (tfjs cpu backend)', () => {
  it('covers every registered algorithm without oracle ops', () => {
    expect(testable.length).toBeGreaterThanOrEqual(5);
  });

  it.each(testable.map((def) => [def.id, def] as const))('%s: from a mid-run state (single variable)', async (_id, def) => {
    const { comparison, opt, engineMismatches } = await oneStepFromMidRun(def);
    expect(engineMismatches, 'tracked float64 values = the engine step').toEqual([]);
    expectComparison(def.id, comparison);
    expect(opt.iterations).toBe(4);
    opt.dispose();
  });

  it.each(testable.map((def) => [def.id, def] as const))('%s: two variables, global grouping = the engine on their concatenation; per-variable = the engine on each', async (_id, def) => {
    const shapes = [[3, 5], [7]];
    const sizes = [15, 7];
    const d = 22;
    const n = layoutOf(def).workerOps ? 2 : 1;
    const hyper = tfjsExample(def);
    const t = 2;
    const workerG = layoutOf(def).vecScope.get('g') === 'worker';
    const rows = workerG ? n : 1;
    const fx = Math.fround(0.75);

    // global: one engine state over the concatenation
    {
      const s = midRunState(def, hyper, d, n, t, 21);
      const g = randomVector(f32Random(22), rows * d);
      const P = paramsAt(def, hyper, t, d, n, { fx, __replica: 0, __seed: 9 });
      const tr = exactTracked(s);
      tr.V.g = Array.from(g, (q) => ({ v: q, e: 0, uncertain: false }));
      trackedStep(def, tr, P, d, n, { seed: 9, replica: 0 });
      // split the concatenated layout into per-variable pieces (worker rows: j * d + offset + i)
      const piece = (a: ArrayLike<number>, worker: boolean, off: number, size: number) => {
        const out = new Float64Array((worker ? n : 1) * size);
        for (let j = 0; j < (worker ? n : 1); j++) for (let i = 0; i < size; i++) out[j * size + i] = a[j * d + off + i];
        return out;
      };
      const { vecScope } = layoutOf(def);
      const items: { v: tf.Variable; s: EngineState; g: Float64Array }[] = [];
      let off = 0;
      for (let k = 0; k < 2; k++) {
        const V: EngineState['V'] = {};
        for (const [name, scope] of vecScope) V[name] = piece(s.V[name], scope === 'worker', off, sizes[k]);
        const v = tf.variable(tf.tensor(f32(V.x), shapes[k], 'float32'), true, freshName('gw'));
        items.push({ v, s: { V, S: s.S }, g: piece(g, workerG, off, sizes[k]) });
        off += sizes[k];
      }
      const opt = await loadedOptimizer(def, hyper, n, 'global', t, items, s);
      stepWith(opt, def, n, items, fx);
      const state = await readState(opt);
      const c: Comparison = { compared: 0, uncertain: 0, worst: 0, failures: [] };
      off = 0;
      for (let k = 0; k < 2; k++) {
        const sel = (arr: (typeof tr.V)[string], worker: boolean) => {
          const out: (typeof arr)[number][] = [];
          for (let j = 0; j < (worker ? n : 1); j++) for (let i = 0; i < sizes[k]; i++) out.push(arr[j * d + off + i]);
          return out;
        };
        compareTracked(`x${k}`, await items[k].v.data(), sel(tr.V.x, false), c);
        for (const vec of def.program.vectors) compareTracked(`${vec.name}${k}`, state.get(`${items[k].v.name}/${vec.name}`)!, sel(tr.V[vec.name], vec.scope === 'worker'), c);
        off += sizes[k];
      }
      for (const sc of def.program.scalars) compareTracked(sc.name, state.get(`signcheck:global/${sc.name}`)!, tr.S[sc.name], c);
      expectComparison(`${def.id} global`, c);
      opt.dispose();
      tf.dispose(items.map((q) => q.v));
    }

    // per-variable: an independent engine state per variable (replica word = its index for rand)
    {
      const items: { v: tf.Variable; s: EngineState; g: Float64Array; tr: ReturnType<typeof exactTracked> }[] = [];
      for (let k = 0; k < 2; k++) {
        const s = midRunState(def, hyper, sizes[k], n, t, 31 + k, k);
        const g = randomVector(f32Random(41 + k), rows * sizes[k]);
        const tr = exactTracked(s);
        tr.V.g = Array.from(g, (q) => ({ v: q, e: 0, uncertain: false }));
        trackedStep(def, tr, paramsAt(def, hyper, t, sizes[k], n, { fx, __replica: k, __seed: 9 }), sizes[k], n, { seed: 9, replica: k });
        const v = tf.variable(tf.tensor(f32(s.V.x), shapes[k], 'float32'), true, freshName('pv'));
        items.push({ v, s, g, tr });
      }
      const opt = await loadedOptimizer(def, hyper, n, 'per-variable', t, items);
      stepWith(opt, def, n, items, fx);
      const state = await readState(opt);
      const c: Comparison = { compared: 0, uncertain: 0, worst: 0, failures: [] };
      for (const { v, tr } of items) {
        compareTracked(`${v.name}`, await v.data(), tr.V.x, c);
        for (const vec of def.program.vectors) compareTracked(`${v.name}/${vec.name}`, state.get(`${v.name}/${vec.name}`)!, tr.V[vec.name], c);
        for (const sc of def.program.scalars) compareTracked(`${v.name}/${sc.name}`, state.get(`${v.name}/${sc.name}`)!, tr.S[sc.name], c);
      }
      expectComparison(`${def.id} per-variable`, c);
      opt.dispose();
      tf.dispose(items.map((q) => q.v));
    }
  });

  it.each(testable.map((def) => [def.id, def] as const))('%s: first step from the engine initial state equals runCpu (T = 1, exact gradients)', async (_id, def) => {
    const n = layoutOf(def).workerOps ? 3 : 1;
    const problem = n > 1 ? createProblem('heterogeneous-quadratic', { d: 9, workers: n, heterogeneity: 0.5, seed: 3 }) : createProblem('rotated-quadratic', { d: 9, seed: 3 });
    const d = problem.d;
    const x0 = Float64Array.from(problem.x0(), Math.fround);
    const hyper = tfjsExample(def);
    let after: EngineState | null = null;
    runCpu(
      { algorithm: def, hyper: { ...hyper, batch: 1 }, problem, noise: null, T: 1, workers: n, replicas: 1, seed: 9, x0 },
      { observe: (st) => (after = cloneState({ V: st.V as EngineState['V'], S: st.S as EngineState['S'] })) },
    );
    expect(after).not.toBeNull();
    const eng = after! as EngineState;
    // the gradients tfjs gets: the engine's, rounded to float32 (input error U|g|)
    const workerG = layoutOf(def).vecScope.get('g') === 'worker';
    const gw = new Float64Array(n * d);
    const row = new Float64Array(d);
    for (let j = 0; j < n; j++) {
      problem.gradWorker(x0, j, row);
      gw.set(row, j * d);
    }
    const fx = problem.f(x0);
    const P = paramsAt(def, hyper, 0, d, n, { fx, __replica: 0, __seed: 9 });
    const tr = exactTracked(initialState(def, x0, n));
    // n = 1 without worker ops, so g is gw either way; tfjs sees fround(g), within |fround(g) - g| of it
    tr.V.g = Array.from(gw, (v) => ({ v, e: Math.abs(Math.fround(v) - v), uncertain: false }));
    trackedStep(def, tr, P, d, n, { seed: 9, replica: 0 });
    // the tracked float64 values are runCpu's (same operations in the same order)
    for (const [name, arr] of Object.entries(eng.V)) arr.forEach((q, i) => expect(tr.V[name][i].v, `${name}[${i}]`).toBe(q));
    for (const [name, arr] of Object.entries(eng.S)) arr.forEach((q, i) => expect(tr.S[name][i].v, `${name}[${i}]`).toBe(q));

    const v = tf.variable(tf.tensor(f32(x0), [d], 'float32'), true, freshName('rc'));
    const opt = new ProgramOptimizer(def, hyper, { workers: n, seed: 9, horizon: T });
    stepWith(opt, def, n, [{ v, g: workerG ? gw : gw.subarray(0, d) }], Math.fround(fx));
    const state = await readState(opt);
    const c: Comparison = { compared: 0, uncertain: 0, worst: 0, failures: [] };
    compareTracked('x', await v.data(), tr.V.x, c);
    for (const vec of def.program.vectors) compareTracked(vec.name, state.get(`${v.name}/${vec.name}`)!, tr.V[vec.name], c);
    for (const sc of def.program.scalars) compareTracked(sc.name, state.get(`${v.name}/${sc.name}`)!, tr.S[sc.name], c);
    // x moved: the comparison is not the trivial x_1 = x_0
    expect(Array.from(await v.data()).some((q, i) => q !== x0[i])).toBe(true);
    expectComparison(def.id, c);
    opt.dispose();
    v.dispose();
  });
});
