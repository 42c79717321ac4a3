import { UserInputError } from '../core/errors.ts';
import type { Registered } from '../core/registry.ts';
import { freeVariables, parseExpr, type Expr } from './expr.ts';

/**
 * Where state lives. `worker` rows: one per (replica, worker); `server` rows: one per replica.
 * The iterate `x` is a server vector; the stochastic gradient `g` is a worker vector when the
 * program has worker ops, otherwise the server-scope mean of the n workers' stochastic gradients
 * (for n = 1, simply the stochastic gradient).
 */
export type Scope = 'worker' | 'server';

/** A coordinate-wise pass over every row of a scope. */
export interface MapOp {
  readonly op: 'map';
  readonly scope: Scope;
  /**
   * Statements run in order for each coordinate i: [target, expression]. A target that names a
   * declared vector stores into it; any other target is a local temporary of this pass.
   */
  readonly assign: ReadonlyArray<readonly [string, string]>;
  /** Row reductions computed in the same pass, stored into declared scalars of this scope. */
  readonly reduce?: ReadonlyArray<{ readonly into: string; readonly kind: 'sum' | 'max'; readonly expr: string }>;
}

/** Combines a worker vector over the n workers into a server vector. */
export interface AggregateOp {
  readonly op: 'aggregate';
  readonly from: string;
  readonly to: string;
  /** mean: (1/n) sum_j; vote: sign(sum_j from_j) (majority vote of sign messages, ties -> 0). */
  readonly kind: 'mean' | 'vote';
}

/** Per-row scalar updates, run on the host (CPU) or in a one-thread-per-row kernel (GPU). */
export interface ScalarOp {
  readonly op: 'scalar';
  readonly scope: Scope;
  readonly assign: ReadonlyArray<readonly [string, string]>;
}

/**
 * A second oracle call in the same step: the stochastic gradient at the server vector `at`, with the
 * SAME draws (noise, minibatch) as this step's `g`, stored into `into`, a vector of g's scope
 * (per worker when the program has worker ops, else the mean over the n workers, as for g). With
 * at = x it reproduces g bit for bit. Costs one more gradient evaluation per worker (and per draw of
 * the minibatch). Used by methods that need same-sample differences grad f(x_t; xi_t) -
 * grad f(x_{t-1}; xi_t) (sample-wise smoothness estimates, e.g. stochastic ALIAS, P4 Thm 2).
 * CPU engine only (the fused paths and the WGSL generator do not run it).
 */
export interface OracleOp {
  readonly op: 'oracle';
  readonly at: string;
  readonly into: string;
}

export type Op = MapOp | AggregateOp | ScalarOp | OracleOp;

/**
 * One step of an algorithm as data: declared state, per-step parameters and ops. The CPU engine
 * compiles it to JavaScript loops, the GPU engine to WGSL kernels: one definition, two engines.
 *
 * Built-in names readable in expressions: vectors `x` (server) and `g` (see {@link Scope});
 * per-step scalars {@link BUILTIN_PARAMS}.
 */
export interface StepProgram {
  readonly vectors: ReadonlyArray<{ readonly name: string; readonly scope: Scope }>;
  readonly scalars: ReadonlyArray<{ readonly name: string; readonly scope: Scope; readonly init: number }>;
  /** Names of per-step hyperparameters (values come from schedules evaluated each step). */
  readonly params: readonly string[];
  readonly ops: readonly Op[];
  /**
   * The vector the algorithm outputs (default `x`): a declared server vector that the engine sets to
   * x_0 at the start and at which it takes every metric (f - f*, gradient norms, final iterate).
   * For methods whose output is not the point where gradients are taken, e.g. DoG's polynomial-decay
   * average (Ivgi et al. 2023). Costs one more exact gradient per step (metrics only).
   */
  readonly output?: string;
}

/** Validation rule of a hyperparameter, checked on every value a schedule produces. */
export type HyperRule = 'positive' | 'nonnegative' | 'unit-open-closed' | 'unit-closed-open' | 'integer>=1' | 'flag' | 'any';

export const HYPER_RULE_TEXT: Record<HyperRule, string> = {
  positive: 'must be > 0',
  nonnegative: 'must be >= 0',
  'unit-open-closed': 'must lie in (0, 1]',
  'unit-closed-open': 'must lie in [0, 1)',
  'integer>=1': 'must be an integer >= 1',
  flag: 'must be 0 (off) or 1 (on)',
  any: 'must be finite',
};

/** True when v satisfies the rule. */
export function satisfiesRule(rule: HyperRule, v: number): boolean {
  if (!Number.isFinite(v)) return false;
  switch (rule) {
    case 'positive':
      return v > 0;
    case 'nonnegative':
      return v >= 0;
    case 'unit-open-closed':
      return v > 0 && v <= 1;
    case 'unit-closed-open':
      return v >= 0 && v < 1;
    case 'integer>=1':
      return Number.isInteger(v) && v >= 1;
    case 'flag':
      return v === 0 || v === 1;
    case 'any':
      return true;
  }
}

/** A hyperparameter: a number or a schedule expression in t, T, d, n. */
export interface HyperSpec {
  readonly name: string;
  readonly rule: HyperRule;
  /** Default value or expression; absent means required. */
  readonly default?: number | string;
  readonly doc: string;
}

/**
 * An algorithm in the registry: its update rule (LaTeX), source, hyperparameters and the step
 * program. Every algorithm also accepts `batch` (minibatch size of the oracle, default 1, may be
 * a schedule such as "2^floor(t/100)").
 */
export interface AlgorithmDef extends Registered {
  readonly name: string;
  /** The update rule in LaTeX, as in the source. */
  readonly updateRule: string;
  /** Paper or reference the rule comes from. */
  readonly source: string;
  readonly hyper: readonly HyperSpec[];
  /**
   * A valid hyperparameter set for small problems run for a few steps (d up to ~10^3, curvatures up
   * to 10, |x| < 4, Gaussian noise with sigma up to 2): the set the contract suite over algorithms x
   * engines (src/algorithms/contracts.test.ts) and the engine tests run. Required hyperparameters get
   * values: step sizes lr = 0.02, S_G bounds G = 100 (above every ||v||_inf on those problems:
   * 10 (4 + 4) from the gradient plus 2 x 6 from the noise). Momentum weights are 0.3 where a few
   * steps should see the average move, and a default is replaced where it leaves a few steps with
   * nothing to compare (said next to the entry); everything else is the default. Every value passes
   * the registry's validation (`resolveHyper` and `evaluateHyper`, src/engine/hyper.ts).
   */
  readonly example: Readonly<Record<string, number | string>>;
  /** Whether the algorithm is meant for n > 1 workers (distributed). */
  readonly distributed: boolean;
  readonly program: StepProgram;
}

/** The batch hyperparameter every algorithm accepts. */
export const BATCH_HYPER: HyperSpec = { name: 'batch', rule: 'integer>=1', default: 1, doc: 'oracle minibatch size (draws averaged per worker per step)' };

/** All hyperparameters of an algorithm including the shared `batch`. */
export function allHypers(def: AlgorithmDef): HyperSpec[] {
  return def.hyper.some((h) => h.name === 'batch') ? [...def.hyper] : [...def.hyper, BATCH_HYPER];
}

/**
 * Per-step scalars every program may read: t (0-based step), first (1 at t = 0), T, d, n, and
 * fx = f(x_t), the exact objective at the current iterate (computed only for programs that read
 * it; MoMo and ALIAS Option II use function values).
 */
export const BUILTIN_PARAMS = ['t', 'first', 'T', 'd', 'n', 'fx'] as const;

/** Parsed form of a program with every name resolved; throws on undeclared names or bad scopes. */
export interface CheckedProgram {
  readonly program: StepProgram;
  readonly workerOps: boolean;
  readonly parsed: Map<string, Expr>;
  /** Whether any expression reads fx = f(x_t). */
  readonly readsFx: boolean;
}

/** A name a program may declare or assign to. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks that every expression parses and reads only names visible in its scope. */
export function checkProgram(id: string, p: StepProgram): CheckedProgram {
  const parsed = new Map<string, Expr>();
  const workerOps = p.ops.some((o) => (o.op === 'map' || o.op === 'scalar') && o.scope === 'worker') || p.ops.some((o) => o.op === 'aggregate');
  const vecScope = new Map<string, Scope>([['x', 'server'], ['g', workerOps ? 'worker' : 'server']]);
  for (const v of p.vectors) {
    if (!IDENTIFIER.test(v.name)) throw new UserInputError(`${id} program`, `declares the vector "${v.name}", which is not a name`);
    if (vecScope.has(v.name)) throw new Error(`${id}: vector ${v.name} declared twice`);
    vecScope.set(v.name, v.scope);
  }
  const scalarScope = new Map<string, Scope>();
  for (const s of p.scalars) {
    if (!IDENTIFIER.test(s.name)) throw new UserInputError(`${id} program`, `declares the scalar "${s.name}", which is not a name`);
    scalarScope.set(s.name, s.scope);
  }
  const params = new Set<string>([...BUILTIN_PARAMS, ...p.params]);
  const parse = (src: string) => {
    let e = parsed.get(src);
    if (!e) {
      e = parseExpr(src);
      parsed.set(src, e);
    }
    return e;
  };
  const visible = (name: string, scope: Scope, locals: Set<string>, inMap: boolean) => {
    if (locals.has(name) || params.has(name)) return true;
    const vs = vecScope.get(name);
    if (vs && inMap) return vs === scope || vs === 'server';
    const ss = scalarScope.get(name);
    if (ss) return ss === scope || ss === 'server';
    return false;
  };
  for (const op of p.ops) {
    if (op.op === 'aggregate') {
      if (vecScope.get(op.from) !== 'worker') throw new Error(`${id}: aggregate reads ${op.from}, which is not a worker vector`);
      if (vecScope.get(op.to) !== 'server') throw new Error(`${id}: aggregate writes ${op.to}, which is not a server vector`);
      continue;
    }
    if (op.op === 'oracle') {
      if (vecScope.get(op.at) !== 'server') throw new Error(`${id}: oracle reads the point ${op.at}, which is not a server vector`);
      if (op.into === 'x' || op.into === 'g' || !p.vectors.some((v) => v.name === op.into)) throw new Error(`${id}: oracle writes ${op.into}, which is not a declared vector`);
      if (vecScope.get(op.into) !== vecScope.get('g')) throw new Error(`${id}: oracle writes ${op.into}, which does not have g's scope (${vecScope.get('g')})`);
      continue;
    }
    const locals = new Set<string>();
    const inMap = op.op === 'map';
    for (const [target, src] of op.assign) {
      if (!IDENTIFIER.test(target)) throw new UserInputError(`${id} program`, `assigns to "${target}", which is not a name (letters, digits, _; not starting with a digit)`, src);
      for (const name of freeVariables(parse(src))) {
        if (!visible(name, op.scope, locals, inMap)) throw new UserInputError(`${id} program`, `reads "${name}", which is not visible in a ${op.scope} ${op.op}`, src);
      }
      if (inMap) {
        const vs = vecScope.get(target);
        if (vs && vs !== op.scope) throw new Error(`${id}: ${op.scope} map writes ${target}, a ${vs} vector`);
        if (!vs) locals.add(target);
      } else if (scalarScope.get(target) !== op.scope) {
        throw new Error(`${id}: scalar op writes ${target}, which is not a ${op.scope} scalar`);
      }
    }
    if (op.op === 'map') {
      for (const r of op.reduce ?? []) {
        if (r.kind !== 'sum' && r.kind !== 'max') throw new UserInputError(`${id} program`, `reduction into ${r.into} has kind "${r.kind}"; it must be "sum" or "max"`, r.expr);
        if (scalarScope.get(r.into) !== op.scope) throw new Error(`${id}: reduction into ${r.into}, which is not a ${op.scope} scalar`);
        for (const name of freeVariables(parse(r.expr))) {
          if (!visible(name, op.scope, locals, true)) throw new Error(`${id}: reduction reads ${name}, not visible`);
        }
      }
    }
  }
  if (p.output !== undefined && (p.output === 'x' || vecScope.get(p.output) !== 'server' || !p.vectors.some((v) => v.name === p.output))) {
    throw new Error(`${id}: output ${p.output} is not a declared server vector`);
  }
  const readsFx = [...parsed.values()].some((e) => freeVariables(e).has('fx'));
  return { program: p, workerOps, parsed, readsFx };
}
