import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { algorithms } from '../algorithms/index.ts';
import { checkProgram, type AlgorithmDef } from '../algorithms/program.ts';
import { UserInputError } from '../core/errors.ts';
import { runCpu } from '../engine/cpu.ts';
import { createProblem } from '../problems/index.ts';
import { alias, efSignSgd, lion, mvsm, programOptimizer, signSgd, signum, CONVENIENCE_IDS } from './index.ts';
import { ProgramOptimizer } from './optimizer.ts';
import { f32Random, layoutOf, randomVector, tfjsExample, useTfCpu } from '../testing/tfjs.ts';

beforeAll(useTfCpu);

let counter = 0;
const fresh = (base: string) => `${base}_opt_${counter++}`;

/** A tiny regression model: two variables (W [4, 3], b [3]) and a fixed batch of 8 rows. */
function tinyModel(seed: number) {
  const rng = f32Random(seed);
  const W = tf.variable(tf.tensor(Float32Array.from(randomVector(rng, 12)), [4, 3]), true, fresh('W'));
  const b = tf.variable(tf.tensor(Float32Array.from(randomVector(rng, 3)), [3]), true, fresh('b'));
  const X = tf.tensor(Float32Array.from(randomVector(rng, 32)), [8, 4]);
  const Y = tf.tensor(Float32Array.from(randomVector(rng, 24)), [8, 3]);
  const lossOn = (rows: [number, number]) => () =>
    tf.tidy(() => {
      const xs = tf.slice(X, [rows[0], 0], [rows[1] - rows[0], 4]);
      const ys = tf.slice(Y, [rows[0], 0], [rows[1] - rows[0], 3]);
      return tf.mean(tf.square(tf.sub(tf.add(tf.matMul(xs, W), b), ys))) as tf.Scalar;
    });
  const dispose = () => tf.dispose([W, b, X, Y]);
  return { W, b, vars: [W, b], loss: lossOn([0, 8]), shard: (j: number, n: number) => lossOn([Math.floor((j * 8) / n), Math.floor(((j + 1) * 8) / n)])(), dispose };
}

/** One training step for any algorithm: minimize, or minimizeWorkers for worker programs. */
function trainStep(opt: ProgramOptimizer, m: ReturnType<typeof tinyModel>) {
  if (opt.workerProgram) return opt.minimizeWorkers((j) => m.shard(j, opt.workers), true, m.vars);
  return opt.minimize(m.loss, true, m.vars);
}

describe('no leaked tensors', () => {
  it.each(algorithms.all().map((def) => [def.id, def] as const))('%s: tf.memory().numTensors is flat across 20 steps', (_id, def: AlgorithmDef) => {
    const m = tinyModel(3);
    const n = layoutOf(def).workerOps ? 2 : 1;
    const opt = new ProgramOptimizer(def, tfjsExample(def), { workers: n, horizon: 100 });
    // the first step creates the optimizer state (one variable per declared vector and scalar)
    trainStep(opt, m)!.dispose();
    const after1 = tf.memory().numTensors;
    const expectedState = (def.program.vectors.length + def.program.scalars.length) * 2;
    for (let k = 0; k < 19; k++) {
      const cost = trainStep(opt, m)!;
      expect(cost.shape).toEqual([]);
      cost.dispose();
      expect(tf.memory().numTensors).toBe(after1);
    }
    expect(opt.iterations).toBe(20);
    opt.dispose();
    // dispose() frees exactly the state: 2 model variables, each with its vectors and scalars
    expect(after1 - tf.memory().numTensors).toBe(expectedState);
    m.dispose();
  });
});

describe('serialisation', () => {
  const cases: Array<[string, Record<string, number | string>, { workers?: number; grouping?: 'global' | 'per-variable'; seed?: number; horizon?: number }]> = [
    ['signum', { lr: 0.01, beta: 0.2 }, {}],
    ['signsgd', { lr: '0.05 * (t + 1)^(-1/2)' }, { grouping: 'global', seed: 17 }],
    ['mvsm-v1', { lr: 0.01, G: 50 }, { workers: 3, seed: 5, horizon: 40 }],
  ];
  it.each(cases.filter(([id]) => algorithms.has(id)))('%s: getConfig -> fromConfig via the tf.serialization registry, identical steps', async (id, hyper, options) => {
    const a = new ProgramOptimizer(id, hyper, options);
    const cfg = a.getConfig();
    expect(cfg.algorithm).toBe(id);
    const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[ProgramOptimizer.className];
    const b = fromConfig(cls, JSON.parse(JSON.stringify(cfg))) as ProgramOptimizer;
    expect(b).toBeInstanceOf(ProgramOptimizer);
    expect(b.getConfig()).toEqual(cfg);
    expect(b.getClassName()).toBe('SignCheckProgramOptimizer');
    // two copies of the same model, one per optimizer: bitwise identical after 4 steps
    const m1 = tinyModel(7);
    const m2 = tinyModel(7);
    const w0 = Array.from(await m1.W.data());
    for (let k = 0; k < 4; k++) {
      trainStep(a, m1)!.dispose();
      trainStep(b, m2)!.dispose();
    }
    expect(Array.from(await m1.W.data())).toEqual(Array.from(await m2.W.data()));
    expect(Array.from(await m1.b.data())).toEqual(Array.from(await m2.b.data()));
    expect(Array.from(await m1.W.data())).not.toEqual(w0); // the steps moved the weights
    // getWeights -> setWeights: a third optimizer continues exactly where `a` stands
    const c = b.getConfig();
    const resumed = ProgramOptimizer.fromConfig(ProgramOptimizer, c) as ProgramOptimizer;
    await resumed.setWeights(await a.getWeights());
    expect(resumed.iterations).toBe(4);
    trainStep(a, m1)!.dispose();
    trainStep(resumed, m2)!.dispose();
    expect(Array.from(await m1.W.data())).toEqual(Array.from(await m2.W.data()));
    for (const o of [a, b, resumed]) o.dispose();
    m1.dispose();
    m2.dispose();
  });
});

describe('oracle ops (minimize only)', () => {
  // q = grad f(xp) with the same minibatch, dq = q - g, xp <- x, x <- x - lr g. On
  // f(x) = 1/2 ||x||^2 with lr = 1/2 every value is exact in float32 and float64
  // (x_{t+1} = x_t / 2, q = x_{t-1}, dq = x_{t-1} - x_t = x_t), so tfjs must equal runCpu bit for bit.
  const oracleDiff: AlgorithmDef = {
    id: 'test-oracle-diff',
    name: 'oracle diff',
    summary: 'test program',
    updateRule: '',
    source: 'test',
    distributed: false,
    hyper: [{ name: 'lr', rule: 'positive', doc: 'step' }],
    example: { lr: 0.5 },
    program: {
      vectors: [
        { name: 'xp', scope: 'server' },
        { name: 'q', scope: 'server' },
        { name: 'dq', scope: 'server' },
      ],
      scalars: [],
      params: ['lr'],
      ops: [
        { op: 'oracle', at: 'xp', into: 'q' },
        { op: 'map', scope: 'server', assign: [['dq', 'q - g'], ['xp', 'x'], ['x', 'x - lr * g']] },
      ],
    },
  };

  it('evaluates the loss gradient at the other point and restores the variable (equals runCpu exactly)', async () => {
    const d = 6;
    const x0 = Float64Array.from([1.5, -2, 0.75, 3, -0.25, 1]);
    const problem = createProblem('separable-quadratic', { d, L: Array(d).fill(1), x0: Array.from(x0) });
    const seen: Record<string, Float64Array>[] = [];
    runCpu(
      { algorithm: oracleDiff, hyper: { lr: 0.5 }, problem, noise: null, T: 3, workers: 1, replicas: 1, seed: 1 },
      { observe: (s) => seen.push({ x: s.V.x.slice(), xp: s.V.xp.slice(), q: s.V.q.slice(), dq: s.V.dq.slice() }) },
    );
    const x = tf.variable(tf.tensor(Float32Array.from(x0)), true, fresh('ox'));
    const f = () => tf.mul(0.5, tf.sum(tf.square(x))) as tf.Scalar;
    // precondition: tfjs autodiff of this f is exactly x
    const { grads, value } = tf.variableGrads(f, [x]);
    expect(Array.from(grads[x.name].dataSync())).toEqual(Array.from(x0));
    tf.dispose([value, grads[x.name]]);
    const opt = new ProgramOptimizer(oracleDiff, { lr: 0.5 });
    expect(() => opt.applyGradients({ [x.name]: tf.zerosLike(x) })).toThrow(/oracle op needs the loss function/);
    for (let t = 0; t < 3; t++) {
      opt.minimize(f, false, [x]);
      const w = new Map((await opt.getWeights()).map((q) => [q.name, Array.from(q.tensor.dataSync())]));
      expect(Array.from(await x.data())).toEqual(Array.from(seen[t].x));
      for (const vec of ['xp', 'q', 'dq']) expect(w.get(`${x.name}/${vec}`), `${vec} at t = ${t}`).toEqual(Array.from(seen[t][vec]));
    }
    opt.dispose();
    x.dispose();
  });
});

describe('simulated workers (minimizeWorkers)', () => {
  it('a program without worker ops steps on the mean of the shard gradients (= the full-batch gradient of a mean loss)', async () => {
    // mean-square loss over 8 rows; 4 shards of 2 rows: mean_j grad(shard_j) = grad(full) up to rounding
    const m1 = tinyModel(11);
    const m2 = tinyModel(11);
    const a = new ProgramOptimizer('sgd', { lr: 0.1 }, { workers: 4 });
    const b = new ProgramOptimizer('sgd', { lr: 0.1 });
    a.minimizeWorkers((j) => m1.shard(j, 4), false, m1.vars);
    b.minimize(m2.loss, false, m2.vars);
    const wa = await m1.W.data();
    const wb = await m2.W.data();
    // both are float32 evaluations of the same float64 number; |differences| of a few ulps of the
    // gradient step (lr |g| <= 1 here: 2^-20 covers 16 roundings of magnitude <= 1)
    for (let i = 0; i < wa.length; i++) expect(Math.abs(wa[i] - wb[i])).toBeLessThan(2 ** -20);
    m1.dispose();
    m2.dispose();
    a.dispose();
    b.dispose();
  });

  it('worker programs refuse a single gradient when workers > 1', () => {
    if (!algorithms.has('mv-signsgd')) return;
    const m = tinyModel(2);
    const opt = new ProgramOptimizer('mv-signsgd', { lr: 0.1 }, { workers: 3 });
    expect(() => opt.minimize(m.loss)).toThrow(UserInputError);
    expect(() => opt.applyGradients({ [m.W.name]: tf.zerosLike(m.W) })).toThrow(/minimizeWorkers/);
    expect(() => opt.applyWorkerGradients([{}, {}])).toThrow(/one gradient map per worker/);
    m.dispose();
    opt.dispose();
  });
});

describe('user errors name the parameter and the rule', () => {
  it('unknown algorithm, unknown or bad hyperparameters, batch, workers, seed, grouping, horizon', () => {
    expect(() => new ProgramOptimizer('no-such-method')).toThrow(/algorithm: must be one of/);
    expect(() => new ProgramOptimizer('signum', { lr: 0.1, momentum: 0.9 })).toThrow(/signum.momentum: is not a hyperparameter/);
    expect(() => new ProgramOptimizer('signum', { beta: 0.1 })).toThrow(/signum.lr: is required/);
    expect(() => new ProgramOptimizer('signum', { lr: 0.1, beta: 1.5 })).toThrow(/signum.beta: must lie in \(0, 1\]/);
    expect(() => new ProgramOptimizer('signum', { lr: 0.1, batch: 4 })).toThrow(/signum.batch: is not a tfjs optimizer setting/);
    expect(() => new ProgramOptimizer('signum', { lr: 0.1 }, { workers: 0 })).toThrow(/workers: must be an integer/);
    expect(() => new ProgramOptimizer('signum', { lr: 0.1 }, { seed: -1 })).toThrow(/seed: must be an integer/);
    expect(() => new ProgramOptimizer('signum', { lr: 0.1 }, { grouping: 'layer' as never })).toThrow(/grouping: must be one of/);
    expect(() => new ProgramOptimizer('signum', { lr: '0.1 * T^(-1/2)' })).toThrow(/horizon: is required/);
    expect(() => new ProgramOptimizer('signum', { lr: '0.1 * T^(-1/2)' }, { horizon: 100 })).not.toThrow();
  });

  it('a schedule value that breaks its rule is reported at the step', () => {
    const m = tinyModel(4);
    const opt = new ProgramOptimizer('signsgd', { lr: '0.1 - 0.1 * t' });
    opt.minimize(m.loss);
    expect(() => opt.minimize(m.loss)).toThrow(/signsgd.lr: must be > 0 \(got 0 at t = 1/);
    m.dispose();
    opt.dispose();
  });

  it('programs that read fx need the loss', () => {
    const id = algorithms.all().find((def) => checkProgram(def.id, def.program).readsFx && !layoutOf(def).workerOps && !def.program.ops.some((o) => o.op === 'oracle'));
    expect(id, 'some registered algorithm reads fx').toBeDefined();
    if (!id) return;
    const m = tinyModel(5);
    const opt = new ProgramOptimizer(id, tfjsExample(id), { horizon: 10 });
    expect(() => opt.applyGradients({ [m.W.name]: tf.zerosLike(m.W) })).toThrow(/reads the loss value fx/);
    expect(() => opt.minimize(m.loss)).not.toThrow();
    m.dispose();
    opt.dispose();
  });

  it('an S_R bound guard violation is a UserInputError and the step is not applied', async () => {
    if (!algorithms.has('mvsm-v1')) return;
    const m = tinyModel(6);
    const before = Array.from(await m.W.data());
    const opt = new ProgramOptimizer('mvsm-v1', { lr: 0.1, G: 1e-3 }, { workers: 2 });
    expect(() => opt.minimizeWorkers((j) => m.shard(j, 2))).toThrow(/mvsm-v1.G: must bound the worker momentum/);
    expect(Array.from(await m.W.data())).toEqual(before);
    expect(opt.iterations).toBe(0);
    // with the check off the step runs (documented: the S_G messages are then biased)
    const loose = new ProgramOptimizer('mvsm-v1', { lr: 0.1, G: 1e-3 }, { workers: 2, checkGuards: false });
    loose.minimizeWorkers((j) => m.shard(j, 2));
    expect(loose.iterations).toBe(1);
    m.dispose();
    opt.dispose();
    loose.dispose();
  });
});

describe('convenience constructors are registry algorithms', () => {
  it('every id the tfjs module names is registered, and each constructor builds the optimizer of its id', () => {
    for (const id of Object.values(CONVENIENCE_IDS)) expect(algorithms.has(id), id).toBe(true);
    const made: Record<keyof typeof CONVENIENCE_IDS, () => ProgramOptimizer> = {
      signSgd: () => signSgd({ lr: 0.1 }),
      signum: () => signum({ lr: 0.1 }),
      efSignSgd: () => efSignSgd({ lr: 0.1 }),
      lion: () => lion({ lr: 0.1 }),
      alias: () => alias({}),
      mvsm: () => mvsm({ lr: 0.1, G: 10 }, { workers: 2 }),
    };
    expect(Object.keys(made).sort()).toEqual(Object.keys(CONVENIENCE_IDS).sort());
    for (const [what, make] of Object.entries(made)) {
      const opt = make();
      expect(opt.algorithm.id, what).toBe(CONVENIENCE_IDS[what as keyof typeof CONVENIENCE_IDS]);
      opt.dispose();
    }
    // the variants the docs name
    for (const id of ['mvsm-v2', 'mvsm-v1-runmax']) {
      expect(algorithms.has(id), id).toBe(true);
      const opt = mvsm(tfjsExample(algorithms.get(id)), { workers: 2, id });
      expect(opt.algorithm.id).toBe(id);
      opt.dispose();
    }
    expect(programOptimizer('sgd', { lr: 1 }).algorithm.id).toBe('sgd');
    // an unknown id is the registry's user error, listing what exists
    expect(() => mvsm({ lr: 0.1 }, { workers: 2, id: 'mvsm' })).toThrow(/algorithm: must be one of: .*mvsm-v1/);
  });
});
