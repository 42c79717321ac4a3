import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { Expr } from '../algorithms/expr.ts';
import { gamma } from '../core/numerics.ts';
import { checkProgram, type AlgorithmDef, type Scope } from '../algorithms/program.ts';
import { lowerProgram, type Reads } from '../engine/plan/lower.ts';
import { distributedPartOf } from '../algorithms/distributed.ts';
import { DistributedRuntime } from '../engine/bits.ts';
import { compileMap, compileScalar, type ParamStore, type ScalarStore, type VecStore } from '../engine/compile-cpu.ts';
import { evaluateHyper, resolveHyper } from '../engine/hyper.ts';
import { trackExpr, U, type Tracked } from './f32-bounds.ts';
import { philox4x32 } from '../rng/philox.ts';
import { Purpose } from '../rng/streams.ts';
import { ProgramOptimizer, type Grouping, type ProgramOptimizerOptions } from '../tfjs/optimizer.ts';

/**
 * Test support for src/tfjs: the tfjs CPU backend with gradients registered, a reference step of a
 * program on the CPU engine's compiled maps (float64), and the same step with float32 error bounds
 * (src/testing/f32-bounds.ts `trackExpr` rules), so a tfjs step can be compared with the engine's to a
 * derived tolerance.
 */

/** Registers tfjs's CPU backend and its gradients (via tfjs-layers' side effect) and selects it. */
export async function useTfCpu(): Promise<void> {
  await import('@tensorflow/tfjs-backend-cpu');
  await import('@tensorflow/tfjs-layers'); // registers every gradient function of tfjs-core
  tf.env().set('IS_TEST', true); // silences the "install tfjs-node" banner
  await tf.setBackend('cpu');
  await tf.ready();
}

/** A program's state for one replica as the CPU engine lays it out (compile-cpu's stores). */
export interface EngineState {
  V: VecStore;
  S: ScalarStore;
}

/** Layout of a program's state: scopes of vectors and scalars (x and g included). */
export interface Layout {
  readonly vecScope: Map<string, Scope>;
  readonly scalarScope: Map<string, Scope>;
  readonly workerOps: boolean;
}

/** Scopes of x, g and the declared vectors and scalars of a program. */
export function layoutOf(def: AlgorithmDef): Layout {
  const checked = checkProgram(def.id, def.program);
  const vecScope = new Map<string, Scope>([['x', 'server'], ['g', checked.workerOps ? 'worker' : 'server']]);
  for (const v of def.program.vectors) vecScope.set(v.name, v.scope);
  const scalarScope = new Map<string, Scope>(def.program.scalars.map((s) => [s.name, s.scope]));
  return { vecScope, scalarScope, workerOps: checked.workerOps };
}

/** The engine's initial state (runCpu: vectors 0, output = x_0, scalars at init). */
export function initialState(def: AlgorithmDef, x0: Float64Array, n: number): EngineState {
  const { vecScope } = layoutOf(def);
  const d = x0.length;
  const V: VecStore = {};
  for (const [name, scope] of vecScope) V[name] = new Float64Array(scope === 'worker' ? n * d : d);
  V.x.set(x0);
  if (def.program.output) V[def.program.output].set(x0);
  const S: ScalarStore = {};
  for (const s of def.program.scalars) S[s.name] = new Float64Array(s.scope === 'worker' ? n : 1).fill(s.init);
  return { V, S };
}

/** A deep copy of an engine state. */
export function cloneState(s: EngineState): EngineState {
  const V: VecStore = {};
  for (const k of Object.keys(s.V)) V[k] = s.V[k].slice();
  const S: ScalarStore = {};
  for (const k of Object.keys(s.S)) S[k] = s.S[k].slice();
  return { V, S };
}

/** Rounds every stored number to float32 (so tfjs can hold the state exactly). */
export function roundState(s: EngineState): void {
  for (const a of [...Object.values(s.V), ...Object.values(s.S)]) for (let i = 0; i < a.length; i++) a[i] = Math.fround(a[i]);
}

/**
 * One step of the program on the CPU engine's compiled code: compileMap / compileScalar of
 * src/engine/compile-cpu.ts for map and scalar ops, and runCpu's aggregate loops (sum over workers,
 * then / n or sign). Oracle ops are not supported here. Mutates `s`.
 */
export function engineStep(def: AlgorithmDef, s: EngineState, P: ParamStore, d: number, n: number): void {
  const plan = lowerProgram(def.id, def.program);
  // distributed algorithms: the engine's own runtime (unpacked float sums; running-max syncs; guards)
  const comm = DistributedRuntime.create(def, n, d, 1, false);
  comm?.startReplica(0);
  plan.ops.forEach((op, k) => {
    if (op.op === 'map') {
      const f = compileMap(op);
      if (op.scope === 'worker') for (let j = 0; j < n; j++) f(s.V, s.S, P, d, j);
      else f(s.V, s.S, P, d, 0);
    } else if (op.op === 'scalar') {
      const f = compileScalar(op);
      if (op.scope === 'worker') for (let j = 0; j < n; j++) f(s.S, P, j);
      else f(s.S, P, 0);
    } else if (op.op === 'aggregate') {
      if (comm) {
        comm.aggregate(op.from, op.to, op.kind, s.V, s.S, P.t);
      } else {
        const from = s.V[op.from];
        const to = s.V[op.to];
        to.fill(0);
        for (let j = 0; j < n; j++) for (let i = 0; i < d; i++) to[i] += from[j * d + i];
        if (op.kind === 'mean') for (let i = 0; i < d; i++) to[i] /= n;
        else for (let i = 0; i < d; i++) to[i] = Math.sign(to[i]);
      }
    } else {
      throw new Error('engineStep: oracle ops need a problem (use runCpu)');
    }
    comm?.afterOp(k, s.V, s.S, P, P.t, 0);
  });
}

/** Tracked (value, float32 error bound) state: same layout as {@link EngineState}. */
export interface TrackedState {
  V: Record<string, Tracked[]>;
  S: Record<string, Tracked[]>;
}

/** A float32-exact state as tracked values (error 0). */
export function exactTracked(s: EngineState): TrackedState {
  const wrap = (a: Float64Array) => Array.from(a, (v) => ({ v, e: 0, uncertain: false }));
  const V: Record<string, Tracked[]> = {};
  for (const k of Object.keys(s.V)) V[k] = wrap(s.V[k]);
  const S: Record<string, Tracked[]> = {};
  for (const k of Object.keys(s.S)) S[k] = wrap(s.S[k]);
  return { V, S };
}

/**
 * Prepares an expression for tracking: rand(k) becomes the variable __rand<k>, and a literal that
 * float32 represents exactly becomes a variable read with error 0 (trackExpr's literal rule charges
 * every literal a rounding U|v|, which would make e.g. 1 - first with first = 1 "uncertain" under pos).
 */
function prepare(e: Expr): Expr {
  switch (e.kind) {
    case 'num':
      return Math.fround(e.value) === e.value ? { kind: 'var', name: `__lit:${e.value}` } : e;
    case 'call':
      if (e.fn === 'rand') return { kind: 'var', name: `__rand${(e.args[0] as { value: number }).value}` };
      return { ...e, args: e.args.map(prepare) };
    case 'bin':
      return { ...e, left: prepare(e.left), right: prepare(e.right) };
    case 'neg':
      return { ...e, arg: prepare(e.arg) };
    default:
      return e;
  }
}

/** How a backend's float32 arithmetic is bounded. */
export interface TrackOptions {
  /**
   * Whether division is correctly rounded (true for the tfjs CPU backend: a float64 quotient of
   * float32 inputs rounded once; false for WGSL, where x / y is only within 2.5 ULP). Default true.
   */
  readonly exactDivision?: boolean;
}

/**
 * trackExpr with one refinement: an operation of + - * / neg abs min max sign pos on exact inputs
 * (error 0, certain) whose float64 result is a float32 number is exact in float32 too (error 0):
 * the tfjs CPU backend rounds the float64 result of float32 inputs once (for + - * / a float64
 * result rounded to float32 equals the correctly rounded float32 result: 53 >= 2 * 24 + 2 bits), and
 * rounding a representable number changes nothing; WGSL's + - * are correctly rounded too, its
 * division is not (opts.exactDivision = false). Otherwise trackExpr's rule applies to the node.
 */
export function track(e: Expr, env: (name: string) => Tracked, opts: TrackOptions = {}): Tracked {
  const exactDivision = opts.exactDivision ?? true;
  const A: Expr = { kind: 'var', name: '__a' };
  const B: Expr = { kind: 'var', name: '__b' };
  const exactOps = new Set(['abs', 'min', 'max', 'sign', 'pos']);
  switch (e.kind) {
    case 'num':
    case 'var':
      return trackExpr(e, env);
    case 'neg': {
      const a = track(e.arg, env, opts);
      return trackExpr({ kind: 'neg', arg: A }, (nm) => (nm === '__a' ? a : env(nm)));
    }
    case 'bin': {
      const a = track(e.left, env, opts);
      const b = track(e.right, env, opts);
      const r = trackExpr({ kind: 'bin', op: e.op, left: A, right: B }, (nm) => (nm === '__a' ? a : nm === '__b' ? b : env(nm)));
      const roundsExactly = e.op !== '/' || exactDivision;
      return roundsExactly && a.e === 0 && b.e === 0 && !a.uncertain && !b.uncertain && Math.fround(r.v) === r.v ? { v: r.v, e: 0, uncertain: false } : r;
    }
    case 'call': {
      const args = e.args.map((x) => track(x, env, opts));
      const node: Expr = { kind: 'call', fn: e.fn, args: args.map((_, k) => (k === 0 ? A : B)) };
      const r = trackExpr(node, (nm) => (nm === '__a' ? args[0] : nm === '__b' ? args[1] : env(nm)));
      const exact = exactOps.has(e.fn) && args.every((q) => q.e === 0 && !q.uncertain) && Math.fround(r.v) === r.v;
      return exact ? { v: r.v, e: 0, uncertain: false } : r;
    }
  }
}

const literal = (name: string): Tracked | undefined => (name.startsWith('__lit:') ? { v: Number(name.slice(6)), e: 0, uncertain: false } : undefined);

/**
 * Summation bound: a float32 sum of k terms, each within e_i of its float64 value, in any order is
 * within sum e_i + gamma_{k-1} sum (|v_i| + e_i) of the float64 sum, gamma_m = m U / (1 - m U)
 * (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., section 4.2).
 */
function sumTracked(terms: readonly Tracked[]): Tracked {
  let v = 0;
  let e = 0;
  let mag = 0;
  let uncertain = false;
  for (const q of terms) {
    v += q.v;
    e += q.e;
    mag += Math.abs(q.v) + q.e;
    uncertain ||= q.uncertain;
  }
  // exact integers whose magnitudes sum to at most 2^24: every partial sum is a float32 integer (exact)
  if (e === 0 && mag <= 2 ** 24 && terms.every((q) => Number.isInteger(q.v))) return { v, e: 0, uncertain };
  const m = terms.length - 1;
  return { v, e: e + gamma(m, U) * mag, uncertain };
}

/**
 * The same step as {@link engineStep}, each value carried with a bound on how far a float32
 * evaluation (any order of summation; per-op rounding as in `trackExpr`) can be from it.
 * Parameters enter as float32 inputs (error U|p|) except t and first (exact); `rand` gives the
 * Philox uniforms with counter (offset + i, t, j, replica), key (seed, compress + op index).
 */
export function trackedStep(
  def: AlgorithmDef,
  s: TrackedState,
  P: ParamStore,
  d: number,
  n: number,
  rand: { seed: number; replica: number; offset?: number } = { seed: 0, replica: 0 },
  opts: TrackOptions = {},
): void {
  const plan = lowerProgram(def.id, def.program);
  const { vecScope, scalarScope } = layoutOf(def);
  const param = (name: string): Tracked | undefined => {
    const v = P[name];
    if (v === undefined) return undefined;
    return Math.fround(v) === v ? { v, e: 0, uncertain: false } : { v, e: U * Math.abs(v), uncertain: false };
  };
  const w = new Uint32Array(4);
  plan.ops.forEach((op, k) => {
    if (op.op === 'map') {
      const rows = op.scope === 'worker' ? n : 1;
      const exprs = op.assign.map((a) => ({ target: a.target, vector: a.into.kind === 'vector', reads: a.reads, e: prepare(a.expr) }));
      const reds = op.reduce.map((r) => ({ ...r, e: prepare(r.expr) }));
      for (let j = 0; j < rows; j++) {
        const terms = reds.map(() => [] as Tracked[]);
        const newVals = new Map<string, Tracked[]>();
        for (let i = 0; i < d; i++) {
          const locals = new Map<string, Tracked>();
          const cur = new Map<string, Tracked>();
          philox4x32(((rand.offset ?? 0) + i) >>> 0, P.t >>> 0, j, rand.replica, rand.seed, (Purpose.compress + k) >>> 0, w, 0);
          // literals and rand() words first (prepare names them), then names as the plan resolved them
          const envOf = (reads: Reads) => (name: string): Tracked => {
            const lit = literal(name);
            if (lit) return lit;
            if (name.startsWith('__rand')) {
              const u = (w[Number(name.slice(6))] + 0.5) * 2.3283064365386963e-10;
              return { v: u, e: U * u, uncertain: false };
            }
            const ref = reads.get(name);
            let l: Tracked | undefined;
            if (ref?.kind === 'local') l = locals.get(name);
            else if (ref?.kind === 'vector') l = cur.get(name) ?? s.V[name][ref.scope === 'worker' ? j * d + i : i];
            else if (ref?.kind === 'scalar') l = s.S[name][ref.scope === 'worker' ? j : 0];
            else if (ref) l = param(name);
            if (l) return l;
            throw new Error(`unresolved ${name}`);
          };
          for (const a of exprs) {
            const val = track(a.e, envOf(a.reads), opts);
            if (a.vector) cur.set(a.target, val);
            else locals.set(a.target, val);
          }
          reds.forEach((r, q) => terms[q].push(track(r.e, envOf(r.reads), opts)));
          for (const [name, val] of cur) {
            if (!newVals.has(name)) newVals.set(name, []);
            newVals.get(name)![i] = val;
          }
        }
        for (const [name, vals] of newVals) {
          const off = vecScope.get(name) === 'worker' ? j * d : 0;
          for (let i = 0; i < d; i++) s.V[name][off + i] = vals[i];
        }
        reds.forEach((r, q) => {
          const idx = scalarScope.get(r.into) === 'worker' ? j : 0;
          s.S[r.into][idx] = r.kind === 'sum' ? sumTracked(terms[q]) : maxTracked(terms[q]);
        });
      }
    } else if (op.op === 'scalar') {
      const rows = op.scope === 'worker' ? n : 1;
      for (let j = 0; j < rows; j++) {
        const envOf = (reads: Reads) => (name: string): Tracked => {
          const lit = literal(name);
          if (lit) return lit;
          const ref = reads.get(name);
          const l = ref?.kind === 'scalar' ? s.S[name][ref.scope === 'worker' ? j : 0] : ref?.kind === 'builtin' || ref?.kind === 'hyper' ? param(name) : undefined;
          if (l) return l;
          throw new Error(`unresolved ${name}`);
        };
        for (const a of op.assign) {
          s.S[a.target][op.scope === 'worker' ? j : 0] = track(prepare(a.expr), envOf(a.reads), opts);
        }
      }
    } else if (op.op === 'aggregate') {
      const from = s.V[op.from];
      const to = s.V[op.to];
      for (let i = 0; i < d; i++) {
        const sum = sumTracked(Array.from({ length: n }, (_, j) => from[j * d + i]));
        if (op.kind === 'mean') {
          const v = sum.v / n;
          to[i] = { v, e: sum.e / n + 5 * U * Math.abs(v), uncertain: sum.uncertain };
        } else {
          const sure = sum.e === 0 || Math.abs(sum.v) > sum.e;
          to[i] = { v: Math.sign(sum.v), e: sure ? 0 : 2, uncertain: sum.uncertain || !sure };
        }
      }
    } else {
      throw new Error('trackedStep: oracle ops are not supported');
    }
    // running-max syncs after the op that reduced their source (max is 1-Lipschitz: max of bounds)
    if (op.op === 'map') {
      const reduced = new Set((op.reduce ?? []).map((r) => r.into));
      for (const q of distributedPartOf(def)?.syncs ?? []) {
        if (reduced.has(q.from)) s.S[q.into][0] = maxTracked([s.S[q.into][0], ...s.S[q.from]]);
      }
    }
  });
}

function maxTracked(terms: readonly Tracked[]): Tracked {
  let best = terms[0];
  let e = 0;
  let uncertain = false;
  for (const q of terms) {
    if (q.v > best.v) best = q;
    e = Math.max(e, q.e);
    uncertain ||= q.uncertain;
  }
  return { v: best.v, e, uncertain };
}

/**
 * The algorithm's example hyperparameters as a tfjs optimizer takes them: without `batch`, which
 * ProgramOptimizer rejects (the minibatch is whatever the loss function uses; the engine side of a
 * comparison runs with batch 1).
 */
export function tfjsExample(def: AlgorithmDef): Record<string, number | string> {
  const { batch: _batch, ...rest } = def.example;
  return rest;
}

/**
 * What applyGradients throws for an optimizer of `def` (its example) given a gradient for one
 * 3-vector variable, or null when it steps: how a test sees the optimizer refuse a program.
 */
export function applyGradientsError(def: AlgorithmDef, workers = 1): unknown {
  const v = tf.variable(tf.zeros([3]), true, freshVariableName('refusal'));
  const g = tf.ones([3]);
  const opt = new ProgramOptimizer(def, tfjsExample(def), { workers, horizon: 10 });
  let error: unknown = null;
  try {
    opt.applyGradients({ [v.name]: g });
  } catch (e) {
    error = e;
  }
  opt.dispose();
  tf.dispose([v, g]);
  return error;
}

/** A Float64Array of float32 numbers as a Float32Array (what tf.tensor takes). */
export function f32(a: ArrayLike<number>): Float32Array {
  return Float32Array.from(a);
}

/** Deterministic test numbers (mulberry32), rounded to float32. */
export function f32Random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A float32-exact vector with entries uniform in (-scale, scale). */
export function randomVector(rng: () => number, length: number, scale = 1): Float64Array {
  return Float64Array.from({ length }, () => Math.fround((2 * rng() - 1) * scale));
}

/** Result of {@link compareTracked}. */
export interface Comparison {
  compared: number;
  uncertain: number;
  /** Largest |actual - tracked.v| / tracked.e over compared entries (<= 1 passes). */
  worst: number;
  failures: string[];
}

/**
 * Compares float32 results with tracked float64 values: every entry whose sign decisions are certain
 * must satisfy |actual - v| <= e (NaN only where v is NaN); uncertain ones are counted.
 */
export function compareTracked(label: string, actual: ArrayLike<number>, tracked: readonly Tracked[], out: Comparison): void {
  if (actual.length !== tracked.length) {
    out.failures.push(`${label}: length ${actual.length} vs ${tracked.length}`);
    return;
  }
  for (let i = 0; i < tracked.length; i++) {
    const q = tracked[i];
    if (q.uncertain) {
      out.uncertain++;
      continue;
    }
    out.compared++;
    const a = actual[i];
    if (Number.isNaN(q.v)) {
      if (!Number.isNaN(a)) out.failures.push(`${label}[${i}]: expected NaN, got ${a}`);
      continue;
    }
    const diff = Math.abs(a - q.v);
    const ratio = q.e > 0 ? diff / q.e : diff === 0 ? 0 : Infinity;
    out.worst = Math.max(out.worst, ratio);
    if (!(diff <= q.e)) out.failures.push(`${label}[${i}]: tfjs ${a}, engine ${q.v}, bound ${q.e}`);
  }
}

/**
 * The pass rule of a tracked comparison: no certain entry outside its bound, something compared,
 * and entries whose sign decision lies within rounding of 0 (counted, not compared) under 2%, so
 * that the comparison cannot pass vacuously.
 */
export function expectComparison(label: string, c: Comparison): void {
  expect(c.failures, `${label}: ${c.failures.slice(0, 5).join('; ')}`).toEqual([]);
  expect(c.compared).toBeGreaterThan(0);
  expect(c.uncertain / (c.compared + c.uncertain)).toBeLessThan(0.02);
}

/** Horizon T of the equivalence tests. */
export const TEST_HORIZON = 100;
const T = TEST_HORIZON;
let variableCounter = 0;
/** A unique tfjs variable name. */
export const freshVariableName = (base: string): string => `${base}_${variableCounter++}`;

/** P of step t for a group of size d, as both the optimizer and the engine see it. */
export function paramsAt(def: AlgorithmDef, hyper: Record<string, number | string>, t: number, d: number, n: number, extra: Record<string, number>) {
  const P: Record<string, number> = {};
  evaluateHyper(def, resolveHyper(def, { ...hyper, batch: 1 }), { t, T, d, n }, P);
  return Object.assign(P, { t, first: t === 0 ? 1 : 0, T, d, n }, extra);
}

/** A reachable mid-run state: `steps` engine steps from x0 with random gradients, rounded to float32. */
export function midRunState(def: AlgorithmDef, hyper: Record<string, number | string>, d: number, n: number, steps: number, seed: number, replica = 0): EngineState {
  const rng = f32Random(seed);
  const s = initialState(def, randomVector(rng, d, 2), n);
  const workerG = layoutOf(def).vecScope.get('g') === 'worker';
  for (let t = 0; t < steps; t++) {
    s.V.g = randomVector(rng, workerG ? n * d : d);
    engineStep(def, s, paramsAt(def, hyper, t, d, n, { fx: Math.fround(1 + rng()), __replica: replica, __seed: 9 }), d, n);
    roundState(s);
  }
  return s;
}

/** Creates the optimizer, loads `state` (iteration t) for the given variables, and returns it. */
export async function loadedOptimizer(
  def: AlgorithmDef,
  hyper: Record<string, number | string>,
  n: number,
  grouping: Grouping,
  t: number,
  vars: readonly { v: tf.Variable; s: EngineState }[],
  groupState?: EngineState,
  extra: ProgramOptimizerOptions = {},
) {
  const opt = new ProgramOptimizer(def, hyper, { workers: n, grouping, seed: 9, horizon: T, ...extra });
  const weights: { name: string; tensor: tf.Tensor }[] = [{ name: 'iter', tensor: tf.scalar(t, 'int32') }];
  const { vecScope } = layoutOf(def);
  for (const { v, s } of vars) {
    for (const vec of def.program.vectors) {
      const shape = vecScope.get(vec.name) === 'worker' ? [n, v.size] : [v.size];
      weights.push({ name: `${v.name}/${vec.name}`, tensor: tf.tensor(f32(s.V[vec.name]), shape, 'float32') });
    }
    if (grouping === 'per-variable') {
      for (const sc of def.program.scalars) weights.push({ name: `${v.name}/${sc.name}`, tensor: tf.tensor(f32(s.S[sc.name]), sc.scope === 'worker' ? [n, 1] : [], 'float32') });
    }
  }
  if (grouping === 'global' && groupState) {
    for (const sc of def.program.scalars) weights.push({ name: `signcheck:global/${sc.name}`, tensor: tf.tensor(f32(groupState.S[sc.name]), sc.scope === 'worker' ? [n, 1] : [], 'float32') });
  }
  await opt.setWeights(weights);
  tf.dispose(weights.map((w) => w.tensor));
  return opt;
}

/** Steps the optimizer with per-worker (or single) gradients; g is laid out as the engine's V.g. */
export function stepWith(opt: ProgramOptimizer, def: AlgorithmDef, n: number, items: readonly { v: tf.Variable; g: Float64Array }[], fx: number) {
  const workerG = layoutOf(def).vecScope.get('g') === 'worker';
  const loss = tf.scalar(fx);
  const perWorker = Array.from({ length: workerG ? n : 1 }, (_, j) =>
    items.map(({ v, g }) => ({ name: v.name, tensor: tf.tensor(f32(workerG ? g.subarray(j * v.size, (j + 1) * v.size) : g), v.shape, 'float32') })),
  );
  if (workerG || n > 1) opt.applyWorkerGradients(perWorker, loss);
  else if (opt.readsLoss) opt.applyWorkerGradients(perWorker, loss);
  else opt.applyGradients(perWorker[0]);
  tf.dispose([loss, ...perWorker.flat().map((q) => q.tensor)]);
}

/** Every state tensor of the optimizer by name (getWeights), as float32 arrays. */
export async function readState(opt: ProgramOptimizer): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const w of await opt.getWeights()) out.set(w.name, (await w.tensor.data()) as Float32Array);
  return out;
}

/**
 * One tfjs step from a reachable mid-run state (3 engine steps, d = 37, n = 3 workers for worker
 * programs) against the CPU engine's step, compared under the tracked float32 bounds. Also checks
 * that the tracked float64 values are the engine's, bit for bit. Returns the optimizer (the caller
 * disposes it); the model variable is disposed here.
 */
export async function oneStepFromMidRun(def: AlgorithmDef, bounds: TrackOptions = {}, extra: ProgramOptimizerOptions = {}): Promise<{ comparison: Comparison; opt: ProgramOptimizer; engineMismatches: string[] }> {
  const d = 37;
  const n = layoutOf(def).workerOps ? 3 : 1;
  const hyper = tfjsExample(def);
  const t = 3;
  const s = midRunState(def, hyper, d, n, t, 11);
  const rng = f32Random(5);
  const workerG = layoutOf(def).vecScope.get('g') === 'worker';
  const g = randomVector(rng, workerG ? n * d : d);
  const fx = Math.fround(1.5);
  const P = paramsAt(def, hyper, t, d, n, { fx, __replica: 0, __seed: 9 });

  // engine (float64) and tracked (float64 + float32 bounds) from the same state
  const engineMismatches: string[] = [];
  const eng = cloneState(s);
  eng.V.g = g.slice();
  engineStep(def, eng, P, d, n);
  const tr = exactTracked(s);
  tr.V.g = Array.from(g, (v) => ({ v, e: 0, uncertain: false }));
  trackedStep(def, tr, P, d, n, { seed: 9, replica: 0 }, bounds);
  for (const [name, arr] of Object.entries(eng.V)) arr.forEach((v, i) => { if (!Object.is(tr.V[name][i].v, v)) engineMismatches.push(`${name}[${i}]`); });
  for (const [name, arr] of Object.entries(eng.S)) arr.forEach((v, i) => { if (!Object.is(tr.S[name][i].v, v)) engineMismatches.push(`${name}[${i}]`); });

  // tfjs
  const v = tf.variable(tf.tensor(f32(s.V.x), [d], 'float32'), true, freshVariableName('w'));
  const opt = await loadedOptimizer(def, hyper, n, 'per-variable', t, [{ v, s }], undefined, extra);
  stepWith(opt, def, n, [{ v, g }], fx);
  const state = await readState(opt);
  const c: Comparison = { compared: 0, uncertain: 0, worst: 0, failures: [] };
  compareTracked('x', await v.data(), tr.V.x, c);
  for (const vec of def.program.vectors) compareTracked(vec.name, state.get(`${v.name}/${vec.name}`)!, tr.V[vec.name], c);
  for (const sc of def.program.scalars) compareTracked(sc.name, state.get(`${v.name}/${sc.name}`)!, tr.S[sc.name], c);
  v.dispose();
  return { comparison: c, opt, engineMismatches };
}

