import { toJs } from '../algorithms/expr.ts';
import { philox4x32 } from '../rng/philox.ts';
import { Purpose } from '../rng/streams.ts';
import type { Scope } from '../algorithms/program.ts';
import type { PlannedMap, PlannedScalar, Reads } from './plan/lower.ts';
import type { NameRef } from './plan/resolve.ts';

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

/** The JavaScript that reads a resolved name inside a compiled map (`vec`) or scalar op. */
function jsRead(ref: NameRef, use: { vecs: Set<string>; scalars: Set<string>; params: Set<string> }): string {
  switch (ref.kind) {
    case 'local':
      return `l_${ident(ref.name)}`;
    case 'vector':
      use.vecs.add(ref.name);
      return `v_${ident(ref.name)}`;
    case 'scalar':
      use.scalars.add(ref.name);
      return `s_${ident(ref.name)}`;
    case 'builtin':
    case 'hyper':
      use.params.add(ref.name);
      return `p_${ident(ref.name)}`;
  }
}

/**
 * Compiles a map op of a lowered program (src/engine/plan) to a JavaScript function with one loop
 * over coordinates. Each vector the pass touches is read into a local once per coordinate,
 * statements run in order on the locals, and written vectors are stored back, so the semantics are
 * sequential per coordinate. Names are read as the plan resolved them.
 */
export function compileMap(op: PlannedMap): CompiledMap {
  const vecScope = new Map<string, Scope>();
  const scalarScope = new Map<string, Scope>();
  const use = { vecs: new Set<string>(), scalars: new Set<string>(), params: new Set<string>() };
  const written = new Set<string>();
  const reader = (reads: Reads) => (v: string): string => {
    const ref = reads.get(v);
    if (!ref) throw new Error(`unresolved name ${v}`);
    if (ref.kind === 'vector') vecScope.set(ref.name, ref.scope);
    if (ref.kind === 'scalar') scalarScope.set(ref.name, ref.scope);
    return jsRead(ref, use);
  };
  const body: string[] = [];
  for (const a of op.assign) {
    const rhs = toJs(a.expr, reader(a.reads));
    if (a.into.kind === 'vector') {
      use.vecs.add(a.target);
      vecScope.set(a.target, a.into.scope);
      written.add(a.target);
      body.push(`v_${ident(a.target)} = ${rhs};`);
    } else {
      body.push(`${a.into.declares ? 'let ' : ''}l_${ident(a.target)} = ${rhs};`);
    }
  }
  const reductions = op.reduce.map((r, k) => {
    const rhs = toJs(r.expr, reader(r.reads));
    return { ...r, acc: `r_${k}`, rhs };
  });
  for (const r of reductions) {
    body.push(r.kind === 'sum' ? `${r.acc} += ${r.rhs};` : `{ const q = ${r.rhs}; if (q > ${r.acc} || q !== q) ${r.acc} = q; }`);
  }
  const head: string[] = ['const off = j * d;'];
  const loads: string[] = [];
  const stores: string[] = [];
  for (const v of use.vecs) {
    const a = `a_${ident(v)}`;
    const idx = vecScope.get(v) === 'worker' ? 'off + i' : 'i';
    head.push(`const ${a} = V[${JSON.stringify(v)}];`);
    loads.push(`let v_${ident(v)} = ${a}[${idx}];`);
    if (written.has(v)) stores.push(`${a}[${idx}] = v_${ident(v)};`);
  }
  for (const s of use.scalars) {
    const idx = scalarScope.get(s) === 'worker' ? 'j' : '0';
    head.push(`const s_${ident(s)} = S[${JSON.stringify(s)}][${idx}];`);
  }
  for (const p of use.params) head.push(`const p_${ident(p)} = P[${JSON.stringify(p)}];`);
  for (const r of reductions) head.push(`let ${r.acc} = ${r.kind === 'sum' ? '0' : '-Infinity'};`);
  const tail = reductions.map((r) => `S[${JSON.stringify(r.into)}][${op.scope === 'worker' ? 'j' : '0'}] = ${r.acc};`);
  if (op.random) {
    // counter (i, t, j, replica), key (seed, compress + op index): see EXPR_FUNCTIONS.rand
    head.push(`const __W = new Uint32Array(4); const __t = P.t >>> 0, __r = P.__replica >>> 0, __seed = P.__seed >>> 0, __key = (${Purpose.compress} + ${op.index}) >>> 0;`);
    loads.unshift(
      'philox(i, __t, j, __r, __seed, __key, __W, 0); const __u0 = (__W[0] + 0.5) * 2.3283064365386963e-10, __u1 = (__W[1] + 0.5) * 2.3283064365386963e-10, __u2 = (__W[2] + 0.5) * 2.3283064365386963e-10, __u3 = (__W[3] + 0.5) * 2.3283064365386963e-10;',
    );
  }
  const src = `${head.join('\n')}\nfor (let i = 0; i < d; i++) {\n${loads.join('\n')}\n${body.join('\n')}\n${stores.join('\n')}\n}\n${tail.join('\n')}`;
  const pos = (c: number) => (c > 0 ? 1 : 0);
  return new Function('__pos', 'philox', 'V', 'S', 'P', 'd', 'j', src).bind(null, pos, philox4x32) as CompiledMap;
}

/** Compiles a scalar op of a lowered program (per-row scalar updates, sequential). */
export function compileScalar(op: PlannedScalar): CompiledScalar {
  const lines: string[] = [];
  const read = (ref: NameRef): string => {
    if (ref.kind === 'scalar') return `S[${JSON.stringify(ref.name)}][${ref.scope === 'worker' ? 'j' : '0'}]`;
    if (ref.kind === 'builtin' || ref.kind === 'hyper') return `P[${JSON.stringify(ref.name)}]`;
    throw new Error(`unresolved scalar name ${ref.name}`);
  };
  for (const a of op.assign) {
    const target = `S[${JSON.stringify(a.target)}][${op.scope === 'worker' ? 'j' : '0'}]`;
    lines.push(`${target} = ${toJs(a.expr, (v) => {
      const ref = a.reads.get(v);
      if (!ref) throw new Error(`unresolved scalar name ${v}`);
      return read(ref);
    })};`);
  }
  const pos = (c: number) => (c > 0 ? 1 : 0);
  return new Function('__pos', 'S', 'P', 'j', lines.join('\n')).bind(null, pos) as CompiledScalar;
}
