import * as tf from '@tensorflow/tfjs-core';
import { freeVariables } from '../algorithms/expr.ts';
import { distributedPartOf, type BoundGuard, type MaxSync } from '../algorithms/distributed.ts';
import { algorithms } from '../algorithms/index.ts';
import { allHypers, HYPER_RULE_TEXT, satisfiesRule, type AlgorithmDef, type CheckedProgram, type Scope } from '../algorithms/program.ts';
import { requireInteger, shown, UserInputError } from '../core/errors.ts';
import { evaluateHyper, resolveHyper, type ResolvedHyper } from '../engine/hyper.ts';
import { lowerProgram, type Reads } from '../engine/plan/lower.ts';
import { MAX_WORKERS } from '../rng/streams.ts';
import { asTensor, compileTfExpr, philoxUniforms, type CompiledTfExpr, type TfEvalContext, type TfValue } from './compile-tfjs.ts';

/**
 * How a program's row reductions and scalars relate to the model's variables.
 * - `per-variable` (default): each tfjs variable is its own vector x in R^d (d = its size) with its
 *   own scalars (e.g. its own ||p||_1 / d in EF-SignSGD's scaled sign, its own adaptive step in
 *   ALIAS), like layer-wise methods (LARS/LAMB).
 * - `global`: the variables of one call, flattened and concatenated in the order given, form one
 *   x in R^d (d = total size) with one set of scalars: exactly the vector the CPU engine would step.
 * Coordinate-wise programs (SignSGD, Signum, Lion) give the same update under both.
 */
export type Grouping = 'per-variable' | 'global';

/** Options of {@link ProgramOptimizer} besides the hyperparameters. */
export interface ProgramOptimizerOptions {
  /**
   * Number of simulated workers n (default 1), the `n` of schedules and programs. Programs with
   * worker ops (majority vote, MVSM) need one gradient per worker: {@link ProgramOptimizer.minimizeWorkers}.
   */
  readonly workers?: number;
  /** See {@link Grouping}; default 'per-variable'. */
  readonly grouping?: Grouping;
  /** u32 key of the Philox draws behind rand(k) (default 0). */
  readonly seed?: number;
  /** Horizon T: required when a schedule or the program reads T. */
  readonly horizon?: number;
  /**
   * Check the S_R bound guards of distributed algorithms (src/algorithms/distributed.ts: S_R(v) is
   * defined only for ||v||_inf <= R, P1 Def. 1) every step, as the CPU engine does: a violation is a
   * UserInputError and the step is not applied. Default true. Each check reads one small tensor
   * back to the host (a device sync per step on GPU backends); false skips it, and then a violated
   * bound silently biases the S_R messages.
   */
  readonly checkGuards?: boolean;
}

/** Hyperparameter values: numbers or schedule expressions in t, T, d, n (src/algorithms/schedules.ts). */
export type HyperValues = Readonly<Record<string, number | string>>;

/** A named tensor, as tf.Optimizer's applyGradients and getWeights exchange them. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** One variable's gradient in the normalised form a step consumes. */
interface Entry {
  readonly name: string;
  readonly variable: tf.Variable;
  /** Server programs: the gradient (variable's shape or flat); worker programs: [n, size]. */
  readonly grad: tf.Tensor;
}

/** Gradients at other points (oracle op): flat server vectors by variable name -> gradients like {@link Entry.grad}. */
type OracleFn = (points: ReadonlyMap<string, tf.Tensor>) => Map<string, tf.Tensor>;

type CompiledOp =
  | {
      readonly kind: 'map';
      readonly index: number;
      readonly scope: Scope;
      readonly assign: ReadonlyArray<{ readonly target: string; readonly vector: boolean; readonly expr: CompiledTfExpr; readonly reads: Reads }>;
      readonly reduce: ReadonlyArray<{ readonly into: string; readonly kind: 'sum' | 'max'; readonly expr: CompiledTfExpr; readonly reads: Reads }>;
    }
  | { readonly kind: 'scalar'; readonly assign: ReadonlyArray<{ readonly target: string; readonly expr: CompiledTfExpr; readonly reads: Reads }> }
  | { readonly kind: 'aggregate'; readonly from: string; readonly to: string; readonly agg: 'mean' | 'vote' }
  | { readonly kind: 'oracle'; readonly at: string; readonly into: string };

interface Slot {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly size: number;
  readonly index: number;
  readonly offset: number;
  /** Current values of x, g and the declared vectors (flat: [size] server, [n, size] worker). */
  readonly cur: Map<string, tf.Tensor>;
  readonly written: Set<string>;
}

interface Group {
  readonly key: string;
  readonly slots: Slot[];
  d: number;
  readonly P: Record<string, number>;
  readonly scalars: Map<string, TfValue>;
  readonly written: Set<string>;
}

/** Key prefix of the scalars in `global` grouping. */
export const GLOBAL_GROUP = 'signcheck:global';

const GROUPINGS: readonly Grouping[] = ['per-variable', 'global'];

/**
 * minimize needs tfjs's gradient functions, which tfjs-core alone does not register: importing
 * @tensorflow/tfjs, @tensorflow/tfjs-node(-gpu) or @tensorflow/tfjs-layers registers them.
 */
function requireGradients(): void {
  if (tf.getGradient('Sum') == null) {
    throw new UserInputError('tfjs gradients', 'must be registered for minimize: import @tensorflow/tfjs, @tensorflow/tfjs-node or @tensorflow/tfjs-layers once (tfjs-core alone registers none)');
  }
}

function lookupAlgorithm(algorithm: string | AlgorithmDef): AlgorithmDef {
  if (typeof algorithm !== 'string') return algorithm;
  return algorithms.get(algorithm);
}

/**
 * Any algorithm of the registry (src/algorithms/index.ts) as a TensorFlow.js optimizer: a subclass of
 * `tf.Optimizer` (minimize / applyGradients / getWeights / setWeights / getConfig, registered for
 * serialisation), running on whatever backend tfjs has (cpu, webgl, webgpu, tfjs-node(-gpu)).
 *
 * The algorithm's step program (src/algorithms/program.ts) is the one the CPU and GPU engines run:
 * its expressions are compiled to tfjs ops by src/tfjs/compile-tfjs.ts, so SignSGD's
 * x_{t+1} = x_t - eta_t sign(g_t), Signum's v_t = (1-beta) v_{t-1} + beta g_t, v_1 = g_1,
 * x_{t+1} = x_t - eta_t sign(v_t) (Bernstein et al. 2018; Jiang et al. 2025, Alg. 1) and every
 * other registered rule are the same definitions as in the engines, not second copies.
 *
 * Mapping of the IR to tfjs, per model variable (flattened; see {@link Grouping}):
 * - x is the variable, g its gradient (the minibatch gradient of the user's loss: the minibatch is
 *   whatever the loss function uses, so the engines' `batch` hyperparameter does not apply);
 * - declared vectors become non-trainable tf.Variables (server: [size], worker: [n, size]),
 *   declared scalars too ([] or [n, 1]), initialised as in the engines (0, `init`, output = x_0);
 * - per-step parameters t (this.iterations), first, T (option `horizon`), d, n and the
 *   hyperparameters are evaluated on the host each step (schedules in t, T, d, n); fx is the loss
 *   value returned by the function given to minimize (a minibatch loss, not the exact f(x_t));
 * - map ops: one tensor expression per variable; reductions: tf.sum / tf.max (per worker row for
 *   worker scope), combined across variables in `global` grouping; scalar ops: rank-0 (or [n, 1])
 *   tensors; aggregate ops: tf.sum over the worker axis, then / n (mean) or tf.sign (vote);
 *   oracle ops: the loss function's gradient with the variables temporarily set to the point
 *   (minimize / minimizeWorkers only; the loss function must use the same minibatch each call);
 * - rand(k): the CPU engine's Philox4x32-10 uniforms with counter (offset + i, t, worker, replica)
 *   and key (seed, compress + op index), where replica = the variable's index in the call
 *   (per-variable grouping, offset 0) or 0 (global grouping, offset = position in the
 *   concatenation); generated on the host.
 *
 * - distributed algorithms' declarations beyond the program (src/algorithms/distributed.ts), as the
 *   CPU engine's DistributedRuntime applies them: running-max syncs R <- max(R, max_j ||v^j||_inf)
 *   after the reducing op, and the S_R bound guards ||v||_inf <= R (option `checkGuards`); sign
 *   messages are kept as float tensors (packing them into bits changes no value);
 * - host numbers outside float32's range meet tensors as +-2^-126 or +-F32_MAX (compile-tfjs.ts
 *   `f32Operand`: the guard literal 1e-300 stays nonzero, the "no cap" 1e300 stays finite).
 *
 * Simulated workers (MVSM, majority vote): with `workers` = n the optimizer needs n gradients per
 * step; {@link ProgramOptimizer.minimizeWorkers} calls the loss once per worker j (typically on the
 * j-th of n shards of the batch), or pass them to {@link ProgramOptimizer.applyWorkerGradients}.
 * Programs without worker ops step on the mean of the n gradients (the engines' convention).
 *
 * All work of a step runs inside one tf.tidy: the only tensors that outlive it are the state
 * variables, so tf.memory().numTensors stays flat across steps. A step that throws (a schedule value
 * breaking its rule, a guard violation) changes nothing: state is written back only at its end.
 *
 * minimize needs tfjs's gradient functions registered (tfjs-core alone has none: importing
 * @tensorflow/tfjs, tfjs-node or tfjs-layers registers them).
 */
export class ProgramOptimizer extends tf.Optimizer {
  /** The name under which the class is registered with tf.serialization. */
  static get className(): string {
    return 'SignCheckProgramOptimizer';
  }

  readonly algorithm: AlgorithmDef;
  readonly hyper: Readonly<Record<string, number | string>>;
  readonly workers: number;
  readonly grouping: Grouping;
  readonly seed: number;
  readonly horizon: number | undefined;
  /** Whether the program has worker-scope ops (needs one gradient per worker). */
  readonly workerProgram: boolean;
  /** Whether the program reads fx (needs the loss: minimize / minimizeWorkers / a given loss). */
  readonly readsLoss: boolean;
  /** Whether the program has oracle ops (needs the loss function: minimize / minimizeWorkers). */
  readonly needsOracle: boolean;
  /** Whether S_R bound guards are checked each step (see {@link ProgramOptimizerOptions.checkGuards}). */
  readonly checkGuards: boolean;

  /** Per op index: running-max syncs and bound guards that follow it (distributed algorithms). */
  private readonly after: { syncs: MaxSync[]; guards: BoundGuard[] }[];
  private readonly checked: CheckedProgram;
  private readonly resolved: ResolvedHyper;
  private readonly ops: CompiledOp[];
  private readonly vecScope: Map<string, Scope>;
  private readonly scalarScope: Map<string, Scope>;
  private readonly vecState = new Map<string, tf.Variable>();
  private readonly scalarState = new Map<string, tf.Variable>();

  /**
   * @param algorithm a registry id (`npx signcheck list algorithms`) or an AlgorithmDef
   * @param hyper hyperparameters by name (numbers or schedule expressions); missing ones take the
   *   algorithm's defaults; `batch` is rejected (the minibatch is the loss function's)
   */
  constructor(algorithm: string | AlgorithmDef, hyper: HyperValues = {}, options: ProgramOptimizerOptions = {}) {
    super();
    const def = lookupAlgorithm(algorithm);
    this.algorithm = def;
    if (hyper === null || typeof hyper !== 'object') throw new UserInputError(`${def.id} hyperparameters`, 'must be an object of numbers or schedule expressions', `got ${shown(hyper)}`);
    if (Object.hasOwn(hyper, 'batch')) {
      throw new UserInputError(`${def.id}.batch`, 'is not a tfjs optimizer setting: the minibatch is whatever the loss function uses');
    }
    this.hyper = { ...hyper };
    this.workers = requireInteger('workers', options.workers ?? 1, 1, MAX_WORKERS);
    this.seed = requireInteger('seed', options.seed ?? 0, 0, 0xffffffff);
    this.horizon = options.horizon === undefined ? undefined : requireInteger('horizon', options.horizon, 1);
    const grouping = options.grouping ?? 'per-variable';
    if (!GROUPINGS.includes(grouping)) throw new UserInputError('grouping', `must be one of: ${GROUPINGS.join(', ')}`, `got ${shown(grouping)}`);
    this.grouping = grouping;

    const plan = lowerProgram(def.id, def.program);
    this.checked = plan.checked;
    this.resolved = resolveHyper(def, { ...this.hyper, batch: 1 });
    for (const s of allHypers(def)) {
      const v = this.hyper[s.name] ?? s.default;
      if (typeof v === 'number' && !satisfiesRule(s.rule, v)) throw new UserInputError(`${def.id}.${s.name}`, HYPER_RULE_TEXT[s.rule], `got ${v}`);
    }
    const readsT = [...this.checked.parsed.values()].some((e) => freeVariables(e).has('T'));
    const schedT = [...this.resolved.schedules.values()].some((s) => /(^|[^A-Za-z0-9_])T([^A-Za-z0-9_]|$)/.test(s.expression));
    if ((readsT || schedT) && this.horizon === undefined) {
      throw new UserInputError('horizon', `is required: ${def.id} ${readsT ? 'reads T' : 'has a schedule in T'}; give the total number of steps`);
    }
    this.workerProgram = this.checked.workerOps;
    this.readsLoss = this.checked.readsFx;
    this.needsOracle = def.program.ops.some((o) => o.op === 'oracle');
    this.checkGuards = options.checkGuards ?? true;
    if (typeof this.checkGuards !== 'boolean') throw new UserInputError('checkGuards', 'must be true or false', `got ${shown(options.checkGuards)}`);
    // what the engines do after an op beyond the program (src/engine/bits.ts DistributedRuntime)
    const dist = distributedPartOf(def);
    this.after = def.program.ops.map((op) => {
      const reduced = new Set(op.op === 'map' ? (op.reduce ?? []).map((r) => r.into) : []);
      return {
        syncs: (dist?.syncs ?? []).filter((q) => reduced.has(q.from)),
        guards: (dist?.guards ?? []).filter((q) => reduced.has(q.norm)),
      };
    });
    this.vecScope = new Map<string, Scope>([['x', 'server'], ['g', this.workerProgram ? 'worker' : 'server']]);
    for (const v of def.program.vectors) this.vecScope.set(v.name, v.scope);
    this.scalarScope = new Map(def.program.scalars.map((s) => [s.name, s.scope]));
    this.ops = plan.ops.map((op): CompiledOp => {
      switch (op.op) {
        case 'map':
          return {
            kind: 'map',
            index: op.index,
            scope: op.scope,
            assign: op.assign.map((a) => ({ target: a.target, vector: a.into.kind === 'vector', expr: compileTfExpr(a.expr), reads: a.reads })),
            reduce: op.reduce.map((r) => ({ into: r.into, kind: r.kind, expr: compileTfExpr(r.expr), reads: r.reads })),
          };
        case 'scalar':
          return { kind: 'scalar', assign: op.assign.map((a) => ({ target: a.target, expr: compileTfExpr(a.expr), reads: a.reads })) };
        case 'aggregate':
          return { kind: 'aggregate', from: op.from, to: op.to, agg: op.kind };
        case 'oracle':
          return { kind: 'oracle', at: op.at, into: op.into };
      }
    });
  }

  /** Updates the variables with one step of the algorithm (standard tf.Optimizer entry point). */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    if (this.workerProgram && this.workers > 1) {
      throw new UserInputError('workers', `${this.algorithm.id} with ${this.workers} workers needs one gradient per worker: use minimizeWorkers or applyWorkerGradients`);
    }
    this.requireNoOracle('applyGradients');
    const entries = this.entries(variableGradients);
    tf.tidy(() => {
      const shaped = entries.map((e) => ({ ...e, grad: this.workerProgram ? tf.reshape(e.grad, [1, e.variable.size]) : e.grad }));
      this.step(shaped, null, null);
    });
  }

  /**
   * Minimises f() by one step: gradients by tfjs autodiff, then the algorithm's step. Programs that
   * read fx get f's value; oracle ops evaluate f's gradient again at another point.
   */
  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    if (this.workerProgram && this.workers > 1) {
      throw new UserInputError('workers', `${this.algorithm.id} with ${this.workers} workers needs one loss per worker: use minimizeWorkers((j) => loss on shard j)`);
    }
    requireGradients();
    const { value, grads } = this.computeGradients(f, varList);
    try {
      const named: NamedTensor[] = varList ? varList.map((v) => ({ name: v.name, tensor: grads[v.name] })) : Object.keys(grads).map((name) => ({ name, tensor: grads[name] }));
      const entries = this.entries(named);
      const oracle = this.needsOracle ? this.oracleFrom([() => f()]) : null;
      tf.tidy(() => {
        const shaped = entries.map((e) => ({ ...e, grad: this.workerProgram ? tf.reshape(e.grad, [1, e.variable.size]) : e.grad }));
        this.step(shaped, value, oracle);
      });
    } finally {
      tf.dispose(grads);
    }
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /**
   * One step with n = `workers` simulated workers: worker j's gradient is that of f(j) (typically the
   * loss on the j-th of n shards of the minibatch). Worker programs (MVSM, majority vote) get the n
   * gradients; other programs step on their mean. fx is the mean of the n losses (returned when
   * returnCost).
   */
  minimizeWorkers(f: (worker: number) => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    requireGradients();
    const n = this.workers;
    const perWorker: tf.NamedTensorMap[] = [];
    const values: tf.Scalar[] = [];
    try {
      for (let j = 0; j < n; j++) {
        const { value, grads } = this.computeGradients(() => f(j), varList);
        perWorker.push(grads);
        values.push(value);
      }
      const loss = tf.tidy(() => tf.div(tf.addN(values), n) as tf.Scalar);
      try {
        const oracle = this.needsOracle ? this.oracleFrom(Array.from({ length: n }, (_, j) => () => f(j))) : null;
        const order = varList?.map((v) => v.name);
        this.stepWorkers(perWorker, loss, oracle, order);
      } catch (err) {
        loss.dispose();
        throw err;
      }
      if (returnCost) return loss;
      loss.dispose();
      return null;
    } finally {
      for (const g of perWorker) tf.dispose(g);
      tf.dispose(values);
    }
  }

  /**
   * One step from n = `workers` gradient maps (worker j's gradients), with an optional loss for
   * programs that read fx. The caller keeps ownership of the tensors.
   */
  applyWorkerGradients(perWorker: ReadonlyArray<tf.NamedTensorMap | NamedTensor[]>, loss?: tf.Scalar): void {
    this.requireNoOracle('applyWorkerGradients');
    const maps = perWorker.map((g) => (Array.isArray(g) ? Object.fromEntries(g.map((q) => [q.name, q.tensor])) : g));
    const order = perWorker.length > 0 && Array.isArray(perWorker[0]) ? (perWorker[0] as NamedTensor[]).map((q) => q.name) : undefined;
    this.stepWorkers(maps, loss ?? null, null, order);
  }

  private stepWorkers(perWorker: readonly tf.NamedTensorMap[], loss: tf.Scalar | null, oracle: OracleFn | null, order?: string[]): void {
    const n = this.workers;
    if (perWorker.length !== n) throw new UserInputError('worker gradients', `must hold one gradient map per worker (workers = ${n})`, `got ${perWorker.length}`);
    const names = order ?? Object.keys(perWorker[0]);
    tf.tidy(() => {
      const entries: Entry[] = [];
      for (const name of names) {
        const gs = perWorker.map((m) => m[name]);
        if (gs.some((g) => g == null)) continue;
        const variable = this.variableNamed(name);
        for (const g of gs) this.checkGrad(name, variable, g);
        const flat = gs.map((g) => tf.reshape(g, [variable.size]));
        const grad = this.workerProgram ? tf.stack(flat) : tf.addN(flat.map((g) => tf.div(g, n)));
        entries.push({ name, variable, grad });
      }
      this.step(entries, loss, oracle);
    });
  }

  private requireNoOracle(method: string): void {
    if (this.needsOracle) {
      throw new UserInputError(method, `cannot run ${this.algorithm.id}: its oracle op needs the loss function (use minimize or minimizeWorkers)`);
    }
  }

  private variableNamed(name: string): tf.Variable {
    const variable = tf.engine().registeredVariables[name];
    if (!variable) throw new UserInputError('gradients', 'must be keyed by the names of registered tf.Variables', `no variable "${name}"`);
    return variable;
  }

  private checkGrad(name: string, variable: tf.Variable, g: tf.Tensor): void {
    if (variable.dtype !== 'float32') throw new UserInputError(`variable ${name}`, 'must be float32', `got ${variable.dtype}`);
    if (g.size !== variable.size || g.dtype !== 'float32') {
      throw new UserInputError(`gradient of ${name}`, `must be float32 with the variable's shape [${variable.shape.join(', ')}]`, `got ${g.dtype} [${g.shape.join(', ')}]`);
    }
  }

  private entries(variableGradients: tf.NamedTensorMap | NamedTensor[]): Entry[] {
    const list = Array.isArray(variableGradients) ? variableGradients : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    const out: Entry[] = [];
    for (const { name, tensor } of list) {
      if (tensor == null) continue; // tfjs convention: a variable without gradient is left alone
      const variable = this.variableNamed(name);
      this.checkGrad(name, variable, tensor);
      out.push({ name, variable, grad: tensor });
    }
    return out;
  }

  /** Builds the oracle callback: gradients of the per-worker losses at other points of the variables. */
  private oracleFrom(losses: ReadonlyArray<() => tf.Scalar>): OracleFn {
    return (points) => {
      const names = [...points.keys()];
      const vars = names.map((nm) => this.variableNamed(nm));
      const saved = vars.map((v) => tf.clone(v));
      const rows: tf.NamedTensorMap[] = [];
      try {
        vars.forEach((v, k) => v.assign(tf.reshape(points.get(names[k])!, v.shape)));
        for (const f of losses) {
          const { value, grads } = tf.variableGrads(f, vars);
          value.dispose();
          rows.push(grads);
        }
      } finally {
        vars.forEach((v, k) => v.assign(saved[k]));
      }
      const n = losses.length;
      const out = new Map<string, tf.Tensor>();
      for (let k = 0; k < names.length; k++) {
        const size = vars[k].size;
        const flat = rows.map((r) => tf.reshape(r[names[k]], [size]));
        out.set(names[k], this.workerProgram ? tf.stack(flat) : n === 1 ? flat[0] : tf.addN(flat.map((g) => tf.div(g, n))));
      }
      return out;
    };
  }

  /** Shape of a vector's flat state: [size] (server) or [n, size] (worker). */
  private vecShape(name: string, size: number): number[] {
    return this.vecScope.get(name) === 'worker' ? [this.workers, size] : [size];
  }

  private scalarShape(name: string): number[] {
    return this.scalarScope.get(name) === 'worker' ? [this.workers, 1] : [];
  }

  /** The state variable of a declared vector of a model variable, created (zeros; output = x) on first use. */
  private vectorState(varName: string, vec: string, variable: tf.Variable): tf.Variable {
    const key = `${varName}/${vec}`;
    let s = this.vecState.get(key);
    if (!s) {
      const shape = this.vecShape(vec, variable.size);
      const isOutput = vec === this.algorithm.program.output;
      s = tf.tidy(() => (isOutput ? tf.reshape(variable, shape) : tf.zeros(shape)).variable(false));
      this.vecState.set(key, s);
    }
    return s;
  }

  private scalarStateOf(group: string, name: string, init: number): tf.Variable {
    const key = `${group}/${name}`;
    let s = this.scalarState.get(key);
    if (!s) {
      const shape = this.scalarShape(name);
      s = tf.tidy(() => tf.fill(shape, init, 'float32').variable(false));
      this.scalarState.set(key, s);
    }
    return s;
  }

  /** One step of the program over the given variables (inside one tidy). */
  private step(entries: readonly Entry[], loss: tf.Scalar | null, oracle: OracleFn | null): void {
    if (entries.length === 0) return;
    if (this.readsLoss && !loss) {
      throw new UserInputError('fx', `${this.algorithm.id} reads the loss value fx: use minimize / minimizeWorkers (or applyWorkerGradients with a loss)`);
    }
    const def = this.algorithm;
    const prog = def.program;
    const n = this.workers;
    const t = this.iterations;
    const T = this.horizon ?? Number.NaN;
    // state variables first (outside the tidy's bookkeeping of temporaries)
    const groupKeys = entries.map((e) => (this.grouping === 'global' ? GLOBAL_GROUP : e.name));
    entries.forEach((e) => prog.vectors.forEach((v) => this.vectorState(e.name, v.name, e.variable)));
    for (const key of new Set(groupKeys)) for (const s of prog.scalars) this.scalarStateOf(key, s.name, s.init);

    tf.tidy(() => {
      const groups = new Map<string, Group>();
      let offset = 0;
      entries.forEach((e, index) => {
        const size = e.variable.size;
        const cur = new Map<string, tf.Tensor>();
        cur.set('x', tf.reshape(e.variable, [size]));
        cur.set('g', this.workerProgram ? e.grad : tf.reshape(e.grad, [size]));
        for (const v of prog.vectors) cur.set(v.name, this.vecState.get(`${e.name}/${v.name}`)!);
        const slot: Slot = { name: e.name, variable: e.variable, size, index, offset: this.grouping === 'global' ? offset : 0, cur, written: new Set() };
        offset += size;
        const key = groupKeys[index];
        let g = groups.get(key);
        if (!g) {
          g = { key, slots: [], d: 0, P: {}, scalars: new Map(), written: new Set() };
          for (const s of prog.scalars) g.scalars.set(s.name, this.scalarState.get(`${key}/${s.name}`)!);
          groups.set(key, g);
        }
        g.slots.push(slot);
        g.d += size;
      });
      for (const g of groups.values()) {
        evaluateHyper(def, this.resolved, { t, T, d: g.d, n }, g.P);
        Object.assign(g.P, { t, first: t === 0 ? 1 : 0, T, d: g.d, n });
      }
      const readParam = (g: Group, name: string): TfValue => {
        const s = g.scalars.get(name);
        if (s !== undefined) return s;
        const p = g.P[name];
        if (p !== undefined) return p;
        if (name === 'fx' && loss) return loss;
        throw new Error(`${def.id}: unresolved name ${name}`);
      };
      // a name of an expression, as the plan resolved it (declared scalars shadow builtins)
      const readName = (reads: Reads, name: string, g: Group, slot: Slot | null, locals: ReadonlyMap<string, TfValue> | null): TfValue => {
        const ref = reads.get(name);
        let v: TfValue | undefined;
        if (ref?.kind === 'local') v = locals?.get(name);
        else if (ref?.kind === 'vector') v = slot?.cur.get(name);
        else if (ref?.kind === 'scalar') v = g.scalars.get(name);
        else if (ref?.kind === 'builtin' && name === 'fx') v = loss ?? undefined;
        else if (ref) v = g.P[name];
        if (v === undefined) throw new Error(`${def.id}: unresolved name ${name}`);
        return v;
      };

      for (const [k, op] of this.ops.entries()) {
        if (op.kind === 'map') {
          for (const g of groups.values()) {
            const acc = new Map<string, tf.Tensor>();
            for (const slot of g.slots) {
              const shape = op.scope === 'worker' ? [n, slot.size] : [slot.size];
              const locals = new Map<string, TfValue>();
              let uniforms: Float32Array[] | null = null;
              let reads: Reads = new Map();
              const ctx: TfEvalContext = {
                read: (name) => readName(reads, name, g, slot, locals),
                rand: (k) => {
                  uniforms ??= philoxUniforms({
                    seed: this.seed,
                    opIndex: op.index,
                    t,
                    replica: this.grouping === 'global' ? 0 : slot.index,
                    offset: slot.offset,
                    size: slot.size,
                    rows: op.scope === 'worker' ? n : 1,
                  });
                  return tf.tensor(uniforms[k], shape, 'float32');
                },
              };
              for (const a of op.assign) {
                reads = a.reads;
                const v = a.expr(ctx);
                if (a.vector) {
                  slot.cur.set(a.target, asTensor(v, shape));
                  slot.written.add(a.target);
                } else {
                  locals.set(a.target, v);
                }
              }
              for (const r of op.reduce) {
                reads = r.reads;
                const v = asTensor(r.expr(ctx), shape);
                const part = op.scope === 'worker' ? (r.kind === 'sum' ? tf.sum(v, 1, true) : tf.max(v, 1, true)) : r.kind === 'sum' ? tf.sum(v) : tf.max(v);
                const prev = acc.get(r.into);
                acc.set(r.into, prev === undefined ? part : r.kind === 'sum' ? tf.add(prev, part) : tf.maximum(prev, part));
              }
            }
            for (const [into, v] of acc) {
              g.scalars.set(into, v);
              g.written.add(into);
            }
          }
        } else if (op.kind === 'scalar') {
          for (const g of groups.values()) {
            let reads: Reads = new Map();
            const ctx: TfEvalContext = {
              read: (name) => readName(reads, name, g, null, null),
              rand: () => {
                throw new Error('rand() in a scalar op');
              },
            };
            for (const a of op.assign) {
              reads = a.reads;
              g.scalars.set(a.target, a.expr(ctx));
              g.written.add(a.target);
            }
          }
        } else if (op.kind === 'aggregate') {
          for (const g of groups.values()) {
            for (const slot of g.slots) {
              const s = tf.sum(slot.cur.get(op.from)!, 0);
              slot.cur.set(op.to, op.agg === 'mean' ? tf.div(s, n) : tf.sign(s));
              slot.written.add(op.to);
            }
          }
        } else {
          if (!oracle) throw new UserInputError('oracle', `${def.id} needs the loss function for its oracle op (use minimize or minimizeWorkers)`);
          const points = new Map<string, tf.Tensor>();
          for (const g of groups.values()) for (const slot of g.slots) points.set(slot.name, slot.cur.get(op.at)!);
          const grads = oracle(points);
          for (const g of groups.values()) {
            for (const slot of g.slots) {
              slot.cur.set(op.into, grads.get(slot.name)!);
              slot.written.add(op.into);
            }
          }
        }
        this.afterOp(k, groups.values(), readParam, t);
      }

      // write back: the model variable and every state tensor the step changed
      for (const g of groups.values()) {
        for (const slot of g.slots) {
          if (slot.written.has('x')) slot.variable.assign(tf.reshape(slot.cur.get('x')!, slot.variable.shape));
          for (const v of prog.vectors) {
            if (slot.written.has(v.name)) this.vecState.get(`${slot.name}/${v.name}`)!.assign(slot.cur.get(v.name)!);
          }
        }
        for (const s of prog.scalars) {
          if (g.written.has(s.name)) this.scalarState.get(`${g.key}/${s.name}`)!.assign(asTensor(g.scalars.get(s.name)!, this.scalarShape(s.name)));
        }
      }
    });
    this.incrementIterations();
  }

  /**
   * After op k, as the CPU engine's DistributedRuntime.afterOp: running-max syncs
   * into <- max(into, max_j from_j), then the S_R guards ||v||_inf <= R (checked on the host).
   */
  private afterOp(k: number, groups: Iterable<Group>, readParam: (g: Group, name: string) => TfValue, t: number): void {
    const a = this.after[k];
    if (a.syncs.length === 0 && (a.guards.length === 0 || !this.checkGuards)) return;
    for (const g of groups) {
      for (const q of a.syncs) {
        g.scalars.set(q.into, tf.maximum(readParam(g, q.into), tf.max(readParam(g, q.from))));
        g.written.add(q.into);
      }
      if (!this.checkGuards) continue;
      for (const q of a.guards) {
        const norms = readParam(g, q.norm);
        const bound = readParam(g, q.bound);
        let nv: number[];
        let bv: number;
        try {
          nv = typeof norms === 'number' ? [norms] : Array.from(norms.dataSync());
          bv = typeof bound === 'number' ? bound : bound.dataSync()[0];
        } catch (e) {
          throw new UserInputError(
            'checkGuards',
            `needs a synchronous read-back of ||v||_inf, which the ${tf.getBackend()} backend does not offer here; pass checkGuards: false (the S_R bound is then not checked)`,
            (e as Error).message,
          );
        }
        nv.forEach((v, j) => {
          if (!(v <= bv)) {
            throw new UserInputError(
              `${this.algorithm.id}.${q.parameter}`,
              `must bound ${q.what}: ${q.operator} is defined only for ||v||_inf <= ${q.parameter} (P1 Def. 1), and clipping would silently bias the message`,
              `||v||_inf = ${v} > ${q.parameter} = ${bv} at step t = ${t}${nv.length > 1 ? `, worker ${j}` : ''}, ${g.key === GLOBAL_GROUP ? 'all variables' : `variable ${g.key}`}; the step was not applied`,
            );
          }
        });
      }
    }
  }

  /**
   * The algorithm's output point for a variable (program.output, e.g. an averaged iterate), or the
   * variable itself when the program declares none. A new tensor: the caller disposes it.
   */
  output(variable: tf.Variable): tf.Tensor {
    const out = this.algorithm.program.output;
    const s = out ? this.vecState.get(`${variable.name}/${out}`) : undefined;
    return tf.tidy(() => (s ? tf.reshape(s, variable.shape) : tf.clone(variable)));
  }

  /** Disposes the state variables (the model's variables are the caller's). */
  override dispose(): void {
    tf.dispose([...this.vecState.values(), ...this.scalarState.values()]);
    this.vecState.clear();
    this.scalarState.clear();
  }

  /**
   * The iteration count ("iter") then every state tensor, named `<variable>/<vector>` and
   * `<group>/<scalar>` (group: the variable's name, or {@link GLOBAL_GROUP}); flat layouts
   * ([size], [n, size], [], [n, 1]).
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const state = [...this.vecState, ...this.scalarState].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return [await this.saveIterations(), ...state.map(([name, tensor]) => ({ name, tensor }))];
  }

  /** Restores what {@link getWeights} returned (the tensors are copied into new variables). */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const vectors = new Set(this.algorithm.program.vectors.map((v) => v.name));
    const scalars = new Set(this.algorithm.program.scalars.map((s) => s.name));
    const next: Array<[Map<string, tf.Variable>, string, tf.Tensor]> = [];
    for (const { name, tensor } of rest) {
      const k = name.lastIndexOf('/');
      const field = k >= 0 ? name.slice(k + 1) : '';
      if (vectors.has(field)) next.push([this.vecState, name, tensor]);
      else if (scalars.has(field)) next.push([this.scalarState, name, tensor]);
      else throw new UserInputError('optimizer weights', `must be named <variable>/<state> with a state of ${this.algorithm.id} (${[...vectors, ...scalars].join(', ') || 'none'})`, `got "${name}"`);
    }
    this.dispose();
    for (const [map, name, tensor] of next) map.set(name, tf.tidy(() => tf.clone(tensor).variable(false)));
  }

  /** Serialisable configuration: algorithm id, hyperparameters as given, options. */
  override getConfig(): tf.serialization.ConfigDict {
    return {
      algorithm: this.algorithm.id,
      hyper: { ...this.hyper },
      workers: this.workers,
      grouping: this.grouping,
      seed: this.seed,
      horizon: this.horizon ?? null,
      checkGuards: this.checkGuards,
    };
  }

  /** Rebuilds an optimizer from {@link getConfig}'s output (the algorithm is looked up in the registry). */
  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    const hyper = (config.hyper ?? {}) as Record<string, number | string>;
    const options: ProgramOptimizerOptions = {
      workers: config.workers as number | undefined,
      grouping: config.grouping as Grouping | undefined,
      seed: config.seed as number | undefined,
      horizon: config.horizon == null ? undefined : (config.horizon as number),
      checkGuards: config.checkGuards == null ? undefined : (config.checkGuards as boolean),
    };
    const C = cls as unknown as new (a: string, h: HyperValues, o: ProgramOptimizerOptions) => T;
    return new C(String(config.algorithm), hyper, options);
  }
}

tf.serialization.registerClass(ProgramOptimizer);
