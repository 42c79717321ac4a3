import { toJs, usesRand, type Expr } from '../algorithms/expr.ts';
import { philox4x32 } from '../rng/philox.ts';
import { Purpose } from '../rng/streams.ts';
import { BUILTIN_PARAMS, type CheckedProgram, type MapOp, type Scope, type ScalarOp } from '../algorithms/program.ts';

/** Vectors of one replica: name -> Float64Array (worker vectors n*d, server vectors d). */
export type VecStore = Record<string, Float64Array>;
/** Scalars of one replica: name -> Float64Array (worker scalars n, server scalars 1). */
export type ScalarStore = Record<string, Float64Array>;
/** Per-step parameter values. */
export type ParamStore = Record<string, number>;

/** A compiled coordinate-wise pass over row `j` (worker index; 0 for server scope). */
export type CompiledMap = (V: VecStore, S: ScalarStore, P: ParamStore, d: number, j: number) => void;
/** A compiled per-row scalar update. */
export type CompiledScalar = (S: ScalarStore, P: ParamStore, j: number) => void;

const ident = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');

/**
 * Compiles a map op to a JavaScript function with one loop over coordinates. Each vector the pass
 * touches is read into a local once per coordinate, statements run in order on the locals, and
 * written vectors are stored back, so the semantics are sequential per coordinate.
 */
export function compileMap(
  checked: CheckedProgram,
  op: MapOp,
  vecScope: ReadonlyMap<string, Scope>,
  scalarScope: ReadonlyMap<string, Scope>,
  opIndex = 0,
): CompiledMap {
  const exprOf = (src: string): Expr => checked.parsed.get(src)!;
  const params = new Set<string>([...BUILTIN_PARAMS, ...checked.program.params]);
  const usedVecs = new Set<string>();
  const usedScalars = new Set<string>();
  const usedParams = new Set<string>();
  const locals = new Set<string>();
  const written = new Set<string>();
  const nameFor = (v: string): string => {
    if (locals.has(v)) return `l_${ident(v)}`;
    if (vecScope.has(v)) {
      usedVecs.add(v);
      return `v_${ident(v)}`;
    }
    if (scalarScope.has(v)) {
      usedScalars.add(v);
      return `s_${ident(v)}`;
    }
    if (params.has(v)) {
      usedParams.add(v);
      return `p_${ident(v)}`;
    }
    throw new Error(`unresolved name ${v}`);
  };
  const body: string[] = [];
  for (const [target, src] of op.assign) {
    const rhs = toJs(exprOf(src), nameFor);
    if (vecScope.has(target)) {
      usedVecs.add(target);
      written.add(target);
      body.push(`v_${ident(target)} = ${rhs};`);
    } else {
      const isNew = !locals.has(target);
      locals.add(target);
      body.push(`${isNew ? 'let ' : ''}l_${ident(target)} = ${rhs};`);
    }
  }
  const reductions = (op.reduce ?? []).map((r, k) => {
    const rhs = toJs(exprOf(r.expr), nameFor);
    return { ...r, acc: `r_${k}`, rhs };
  });
  for (const r of reductions) {
    body.push(r.kind === 'sum' ? `${r.acc} += ${r.rhs};` : `{ const q = ${r.rhs}; if (q > ${r.acc} || q !== q) ${r.acc} = q; }`);
  }
  const head: string[] = ['const off = j * d;'];
  const loads: string[] = [];
  const stores: string[] = [];
  for (const v of usedVecs) {
    const a = `a_${ident(v)}`;
    const idx = vecScope.get(v) === 'worker' ? 'off + i' : 'i';
    head.push(`const ${a} = V[${JSON.stringify(v)}];`);
    loads.push(`let v_${ident(v)} = ${a}[${idx}];`);
    if (written.has(v)) stores.push(`${a}[${idx}] = v_${ident(v)};`);
  }
  for (const s of usedScalars) {
    const idx = scalarScope.get(s) === 'worker' ? 'j' : '0';
    head.push(`const s_${ident(s)} = S[${JSON.stringify(s)}][${idx}];`);
  }
  for (const p of usedParams) head.push(`const p_${ident(p)} = P[${JSON.stringify(p)}];`);
  for (const r of reductions) head.push(`let ${r.acc} = ${r.kind === 'sum' ? '0' : '-Infinity'};`);
  const tail = reductions.map((r) => `S[${JSON.stringify(r.into)}][${op.scope === 'worker' ? 'j' : '0'}] = ${r.acc};`);
  const random = [...op.assign.map(([, src]) => src), ...(op.reduce ?? []).map((r) => r.expr)].some((src) => usesRand(exprOf(src)));
  if (random) {
    // counter (i, t, j, replica), key (seed, compress + op index): see EXPR_FUNCTIONS.rand
    head.push(`const __W = new Uint32Array(4); const __t = P.t >>> 0, __r = P.__replica >>> 0, __seed = P.__seed >>> 0, __key = (${Purpose.compress} + ${opIndex}) >>> 0;`);
    loads.unshift(
      'philox(i, __t, j, __r, __seed, __key, __W, 0); const __u0 = (__W[0] + 0.5) * 2.3283064365386963e-10, __u1 = (__W[1] + 0.5) * 2.3283064365386963e-10, __u2 = (__W[2] + 0.5) * 2.3283064365386963e-10, __u3 = (__W[3] + 0.5) * 2.3283064365386963e-10;',
    );
  }
  const src = `${head.join('\n')}\nfor (let i = 0; i < d; i++) {\n${loads.join('\n')}\n${body.join('\n')}\n${stores.join('\n')}\n}\n${tail.join('\n')}`;
  const pos = (c: number) => (c > 0 ? 1 : 0);
  return new Function('__pos', 'philox', 'V', 'S', 'P', 'd', 'j', src).bind(null, pos, philox4x32) as CompiledMap;
}

/** Compiles a scalar op (per-row scalar updates, sequential). */
export function compileScalar(checked: CheckedProgram, op: ScalarOp, scalarScope: ReadonlyMap<string, Scope>): CompiledScalar {
  const params = new Set<string>([...BUILTIN_PARAMS, ...checked.program.params]);
  const lines: string[] = [];
  const nameFor = (v: string): string => {
    if (scalarScope.has(v)) return `S[${JSON.stringify(v)}][${scalarScope.get(v) === 'worker' ? 'j' : '0'}]`;
    if (params.has(v)) return `P[${JSON.stringify(v)}]`;
    throw new Error(`unresolved scalar name ${v}`);
  };
  for (const [target, src] of op.assign) {
    lines.push(`${nameFor(target)} = ${toJs(checked.parsed.get(src)!, nameFor)};`);
  }
  const pos = (c: number) => (c > 0 ? 1 : 0);
  return new Function('__pos', 'S', 'P', 'j', lines.join('\n')).bind(null, pos) as CompiledScalar;
}
