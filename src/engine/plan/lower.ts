import { freeVariables, usesRand, type Expr } from '../../algorithms/expr.ts';
import { checkProgram, type CheckedProgram, type Scope, type StepProgram } from '../../algorithms/program.ts';
import { nameTableOf, resolveName, type NameRef, type NameTable } from './resolve.ts';

/** Every name an expression reads, resolved (see {@link resolveName}). */
export type Reads = ReadonlyMap<string, NameRef>;

/** One statement of a map op: the target is a state vector (stored) or a local of the op. */
export interface PlannedAssign {
  readonly target: string;
  /** Where the value goes: a vector of the op's scope, or a local (the first assignment declares it). */
  readonly into: { readonly kind: 'vector'; readonly scope: Scope } | { readonly kind: 'local'; readonly declares: boolean };
  readonly source: string;
  readonly expr: Expr;
  readonly reads: Reads;
}

/** A row reduction of a map op (sum or NaN-propagating max) into a scalar of the op's scope. */
export interface PlannedReduce {
  readonly into: string;
  readonly kind: 'sum' | 'max';
  readonly source: string;
  readonly expr: Expr;
  readonly reads: Reads;
}

/** A coordinate-wise pass. */
export interface PlannedMap {
  readonly op: 'map';
  /** Index of the op in the program (keys the op's random stream: Purpose.compress + index). */
  readonly index: number;
  readonly scope: Scope;
  readonly assign: readonly PlannedAssign[];
  readonly reduce: readonly PlannedReduce[];
  /** Whether any expression of the op calls rand(k). */
  readonly random: boolean;
  /** State vectors the op reads or writes (assignment targets that are vectors included), in first-use order. */
  readonly touched: ReadonlySet<string>;
  /** State vectors the op stores. */
  readonly written: ReadonlySet<string>;
}

/** One assignment of a scalar op: target is a declared scalar of the op's scope. */
export interface PlannedScalarAssign {
  readonly target: string;
  readonly source: string;
  readonly expr: Expr;
  readonly reads: Reads;
}

/** Per-row scalar updates, in order. */
export interface PlannedScalar {
  readonly op: 'scalar';
  readonly index: number;
  readonly scope: Scope;
  readonly assign: readonly PlannedScalarAssign[];
}

/** Combines a worker vector over the workers into a server vector (mean, or the sign of the sum). */
export interface PlannedAggregate {
  readonly op: 'aggregate';
  readonly index: number;
  readonly from: string;
  readonly to: string;
  readonly kind: 'mean' | 'vote';
}

/** The stochastic gradient at the server vector `at`, with this step's draws, into `into` (g's scope). */
export interface PlannedOracle {
  readonly op: 'oracle';
  readonly index: number;
  readonly at: string;
  readonly into: string;
  readonly scope: Scope;
}

export type PlannedOp = PlannedMap | PlannedScalar | PlannedAggregate | PlannedOracle;

/**
 * The checked, resolved form of a step program that every backend emits from (the CPU engine's
 * JavaScript, the WGSL plans, the tfjs optimizer, the float32 bound simulation): each expression
 * with every name it reads resolved once ({@link resolveName}), each map statement's target
 * classified (vector store or local), and the state each op touches.
 */
export interface StepPlan {
  readonly id: string;
  readonly checked: CheckedProgram;
  readonly program: StepProgram;
  readonly names: NameTable;
  readonly workerOps: boolean;
  readonly readsFx: boolean;
  readonly ops: readonly PlannedOp[];
  /** Declared vectors the ops touch (read, write, oracle at/into, aggregate from/to, output). */
  readonly usedVectors: ReadonlySet<string>;
  /** Vectors some op writes (map targets, oracle and aggregate destinations). */
  readonly writtenVectors: ReadonlySet<string>;
  /** The output vector (program.output, default x). */
  readonly output: string;
}

/** Checks a step program (checkProgram: the same errors) and resolves it into a {@link StepPlan}. */
export function lowerProgram(id: string, program: StepProgram): StepPlan {
  return lowerChecked(id, checkProgram(id, program));
}

/** {@link lowerProgram} of an already checked program. */
export function lowerChecked(id: string, checked: CheckedProgram): StepPlan {
  const program = checked.program;
  const names = nameTableOf(checked);
  const declared = new Set(program.vectors.map((v) => v.name));
  const usedVectors = new Set<string>();
  const writtenVectors = new Set<string>();
  const touchDeclared = (v: string) => {
    if (declared.has(v)) usedVectors.add(v);
  };
  const exprOf = (src: string): Expr => {
    const e = checked.parsed.get(src);
    if (!e) throw new Error(`${id}: expression not parsed: ${src}`);
    return e;
  };
  const readsOf = (e: Expr, op: 'map' | 'scalar', locals: ReadonlySet<string>): Reads => {
    const reads = new Map<string, NameRef>();
    for (const name of freeVariables(e)) reads.set(name, resolveName(names, name, op, locals));
    return reads;
  };
  const ops = program.ops.map((op, index): PlannedOp => {
    switch (op.op) {
      case 'map': {
        const locals = new Set<string>();
        const touched = new Set<string>();
        const written = new Set<string>();
        const assign = op.assign.map(([target, source]): PlannedAssign => {
          const expr = exprOf(source);
          const reads = readsOf(expr, 'map', locals);
          touched.add(target);
          for (const [name, ref] of reads) if (ref.kind === 'vector') touched.add(name);
          for (const name of freeVariables(expr)) touchDeclared(name);
          const vs = names.vectors.get(target);
          if (vs) {
            written.add(target);
            writtenVectors.add(target);
            touchDeclared(target);
            return { target, into: { kind: 'vector', scope: vs }, source, expr, reads };
          }
          const declares = !locals.has(target);
          locals.add(target);
          return { target, into: { kind: 'local', declares }, source, expr, reads };
        });
        const reduce = (op.reduce ?? []).map((r): PlannedReduce => {
          const expr = exprOf(r.expr);
          const reads = readsOf(expr, 'map', locals);
          for (const [name, ref] of reads) if (ref.kind === 'vector') touched.add(name);
          for (const name of freeVariables(expr)) touchDeclared(name);
          return { into: r.into, kind: r.kind, source: r.expr, expr, reads };
        });
        const random = [...assign.map((a) => a.expr), ...reduce.map((r) => r.expr)].some(usesRand);
        for (const t of [...touched]) if (!names.vectors.has(t)) touched.delete(t);
        return { op: 'map', index, scope: op.scope, assign, reduce, random, touched, written };
      }
      case 'scalar': {
        const assign = op.assign.map(([target, source]): PlannedScalarAssign => {
          const expr = exprOf(source);
          return { target, source, expr, reads: readsOf(expr, 'scalar', EMPTY) };
        });
        return { op: 'scalar', index, scope: op.scope, assign };
      }
      case 'aggregate':
        touchDeclared(op.from);
        touchDeclared(op.to);
        writtenVectors.add(op.to);
        return { op: 'aggregate', index, from: op.from, to: op.to, kind: op.kind };
      case 'oracle':
        touchDeclared(op.at);
        touchDeclared(op.into);
        writtenVectors.add(op.into);
        return { op: 'oracle', index, at: op.at, into: op.into, scope: names.vectors.get('g')! };
    }
  });
  if (program.output) touchDeclared(program.output);
  return { id, checked, program, names, workerOps: checked.workerOps, readsFx: checked.readsFx, ops, usedVectors, writtenVectors, output: program.output ?? 'x' };
}

const EMPTY: ReadonlySet<string> = new Set();
