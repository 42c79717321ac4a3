import { BUILTIN_PARAMS, type CheckedProgram, type Scope } from '../../algorithms/program.ts';

/** A builtin per-step parameter ({@link BUILTIN_PARAMS}: t, first, T, d, n, fx). */
export type BuiltinName = (typeof BUILTIN_PARAMS)[number];

/**
 * What a name read in an expression of a step program denotes, decided once for every backend:
 * - `local`: a temporary of the map op, assigned by an earlier statement of the same op;
 * - `vector`: a state vector (x, g or declared), read at the coordinate being computed (map ops only);
 * - `scalar`: a declared scalar (its row: the op's worker, or the replica for server scalars);
 * - `builtin`: t, first, T, d, n or fx ({@link BUILTIN_PARAMS});
 * - `hyper`: a per-step hyperparameter the program declares in `params`.
 */
export type NameRef =
  | { readonly kind: 'local'; readonly name: string }
  | { readonly kind: 'vector'; readonly name: string; readonly scope: Scope }
  | { readonly kind: 'scalar'; readonly name: string; readonly scope: Scope }
  | { readonly kind: 'builtin'; readonly name: BuiltinName }
  | { readonly kind: 'hyper'; readonly name: string };

/** The names a program declares, by kind (x and g included among the vectors). */
export interface NameTable {
  readonly vectors: ReadonlyMap<string, Scope>;
  readonly scalars: ReadonlyMap<string, Scope>;
  readonly hypers: ReadonlySet<string>;
}

const BUILTINS: ReadonlySet<string> = new Set(BUILTIN_PARAMS);

/**
 * The name table of a checked program: vectors x (server), g (worker when the program has worker
 * ops, else server) and the declared vectors; declared scalars; the declared hyperparameters.
 */
export function nameTableOf(checked: CheckedProgram): NameTable {
  const p = checked.program;
  const vectors = new Map<string, Scope>([['x', 'server'], ['g', checked.workerOps ? 'worker' : 'server']]);
  for (const v of p.vectors) vectors.set(v.name, v.scope);
  return { vectors, scalars: new Map(p.scalars.map((s) => [s.name, s.scope])), hypers: new Set(p.params) };
}

/**
 * Resolves a name read by an expression, with the one precedence every backend uses: locals of the
 * op, then vectors (in map ops; scalar ops see no vectors), then declared scalars, then builtins,
 * then hyperparameters. So a declared scalar shadows a builtin of the same name: D-Adaptation's and
 * Prodigy's D estimate `d` is the scalar, not the dimension. Throws on a name of none of these
 * (checkProgram has already refused programs that read one).
 */
export function resolveName(table: NameTable, name: string, op: 'map' | 'scalar', locals: ReadonlySet<string> = EMPTY): NameRef {
  if (op === 'map' && locals.has(name)) return { kind: 'local', name };
  if (op === 'map') {
    const vs = table.vectors.get(name);
    if (vs) return { kind: 'vector', name, scope: vs };
  }
  const ss = table.scalars.get(name);
  if (ss) return { kind: 'scalar', name, scope: ss };
  if (BUILTINS.has(name)) return { kind: 'builtin', name: name as BuiltinName };
  if (table.hypers.has(name)) return { kind: 'hyper', name };
  throw new Error(`unresolved name ${name}`);
}

const EMPTY: ReadonlySet<string> = new Set();
