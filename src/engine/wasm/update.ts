import type { Expr } from '../../algorithms/expr.ts';
import { emitModule, F64, Fn, I32, V128, VOID } from './emit.ts';

/**
 * WebAssembly f64x2 code for the per-coordinate part of the CPU engine's fused step (see
 * src/engine/fused-cpu.ts): for a chunk of n coordinates held in WebAssembly memory,
 *
 *   ge_i = diag_i (x_i - c_i);  s1 += |ge_i|;  s2 += ge_i^2;  g_i = ge_i + sigma_i Z_i invB;
 *
 * then the program's server-map assignments in program order, each coordinate's arithmetic in the
 * same IEEE operations and order as the JavaScript the general path generates (src/algorithms/expr.ts
 * toJs): + - * / neg abs sqrt min max are IEEE-exact in both; sign(a) is emitted as
 * a > 0 ? 1 : (a < 0 ? -1 : a), which is Math.sign on every input (0, -0 and NaN returned as they
 * are); pos(a) as a > 0 ? 1 : 0. The norm sums s1, s2 are scalar chains in coordinate order, the
 * order of the JavaScript loop, so they are bit-identical too. exp, log and rand are not emitted:
 * {@link updateModuleBytes} returns null and the engine keeps its JavaScript loop.
 *
 * Memory layout (bytes), chunk capacity {@link UPDATE_CHUNK} float64 per region (+1 pad slot):
 * region 0 = the summed normals Z (written by the noise kernel at offset 0), then diag, center,
 * sigma (vector case), then the program's vectors in the order given, then the scalar slots:
 * s1, s2, invB, sigma, and the parameters in the order given.
 */

/** Float64 per region: the noise kernel's chunk. */
export const UPDATE_CHUNK = 2048;
const REGION = (UPDATE_CHUNK + 16) * 8; // room for the odd tail's pad lane; 16-byte aligned

/** Byte offsets of the layout for a program with `nVecs` vectors. */
export function updateLayout(nVecs: number): { z: number; diag: number; center: number; sigma: number; vec: (k: number) => number; scalars: number; bytes: (nParams: number) => number } {
  const vec = (k: number) => (4 + k) * REGION;
  const scalars = vec(nVecs);
  return { z: 0, diag: REGION, center: 2 * REGION, sigma: 3 * REGION, vec, scalars, bytes: (nParams) => scalars + 8 * (4 + nParams) };
}

const EMITTED = new Set(['sign', 'abs', 'sqrt', 'min', 'max', 'pos']);

/** Whether every call in `e` is one this emitter writes. */
export function emittable(e: Expr): boolean {
  switch (e.kind) {
    case 'call':
      return EMITTED.has(e.fn) && e.args.every(emittable);
    case 'bin':
      return emittable(e.left) && emittable(e.right);
    case 'neg':
      return emittable(e.arg);
    default:
      return true;
  }
}

/** One assignment of a server map: target name and parsed right-hand side. */
export type Assignment = readonly [target: string, rhs: Expr];

/**
 * The module (functions `update_s`: scalar sigma, `update_v`: sigma vector; both (n: i32)) for the
 * assignments, or null where an expression uses a function not emitted. `vecs`: the program's
 * vectors read or written (x first; not g), in layout order; `written`: those stored back;
 * `params`: scalar parameters read, in layout order. Any other name assigned is a local.
 */
export function updateModuleBytes(assign: readonly Assignment[], vecs: readonly string[], written: ReadonlySet<string>, params: readonly string[]): Uint8Array | null {
  if (!assign.every(([, e]) => emittable(e))) return null;
  return emitModule([updateFn('update_s', false, assign, vecs, written, params), updateFn('update_v', true, assign, vecs, written, params)]);
}

const BIN = { '+': 'f64x2.add', '-': 'f64x2.sub', '*': 'f64x2.mul', '/': 'f64x2.div' } as const;

function updateFn(name: string, sigmaVec: boolean, assign: readonly Assignment[], vecs: readonly string[], written: ReadonlySet<string>, params: readonly string[]): Fn {
  const f = new Fn(name, [I32]);
  const n = 0;
  const L = updateLayout(vecs.length);
  const j = f.local(I32); // byte offset of the pair
  const end = f.local(I32);
  const s1 = f.local(F64);
  const s2 = f.local(F64);
  const ge = f.local(V128);
  const t = f.local(V128);
  const invB = f.local(V128);
  const sig = f.local(V128);
  const names = new Map<string, number>();
  names.set('g', f.local(V128));
  for (const v of vecs) names.set(v, f.local(V128));
  params.forEach((p) => names.set(p, f.local(V128)));
  for (const [target] of assign) if (!names.has(target)) names.set(target, f.local(V128));
  const splat = (off: number, into: number) => f.i32(0).loadF64(off).simd('f64x2.splat').set(into);
  // prologue: sums, invB, sigma and parameters from the scalar slots
  f.i32(0).loadF64(L.scalars).set(s1);
  f.i32(0).loadF64(L.scalars + 8).set(s2);
  splat(L.scalars + 16, invB);
  if (!sigmaVec) splat(L.scalars + 24, sig);
  params.forEach((p, k) => splat(L.scalars + 32 + 8 * k, names.get(p)!));
  // end = 8 * (n rounded up to even)
  f.get(n).i32(1).op('i32.add').i32(1).op('i32.shr_u').i32(4).op('i32.shl').set(end);
  f.i32(0).set(j);
  const lanes = (v: number, acc: number) => {
    for (const lane of [0, 1]) f.get(acc).get(v).simd('f64x2.extract_lane', lane).op('f64.add').set(acc);
  };
  let tmpCount = 0;
  const temps: number[] = [];
  const expr = (e: Expr): void => {
    switch (e.kind) {
      case 'num':
        f.f64x2(e.value);
        return;
      case 'var': {
        const k = names.get(e.name);
        if (k === undefined) throw new Error(`unresolved ${e.name}`);
        f.get(k);
        return;
      }
      case 'neg':
        expr(e.arg);
        f.simd('f64x2.neg');
        return;
      case 'bin':
        expr(e.left);
        expr(e.right);
        f.simd(BIN[e.op as keyof typeof BIN]);
        return;
      case 'call': {
        if (e.fn === 'min' || e.fn === 'max') {
          expr(e.args[0]);
          expr(e.args[1]);
          f.simd(e.fn === 'min' ? 'f64x2.min' : 'f64x2.max');
          return;
        }
        if (e.fn === 'abs' || e.fn === 'sqrt') {
          expr(e.args[0]);
          f.simd(e.fn === 'abs' ? 'f64x2.abs' : 'f64x2.sqrt');
          return;
        }
        // sign, pos: the argument in a temporary (one per nesting depth)
        const depth = tmpCount++;
        if (temps.length <= depth) temps.push(f.local(V128));
        const a = temps[depth];
        expr(e.args[0]);
        f.set(a);
        if (e.fn === 'sign') {
          // a > 0 ? 1 : (a < 0 ? -1 : a)
          f.f64x2(1).f64x2(-1).get(a).get(a).f64x2(0).simd('f64x2.lt').simd('v128.bitselect');
          f.get(a).f64x2(0).simd('f64x2.gt').simd('v128.bitselect');
        } else if (e.fn === 'pos') {
          f.get(a).f64x2(0).simd('f64x2.gt').f64x2(1).simd('v128.and');
        } else {
          throw new Error(`function ${e.fn} is not emitted`);
        }
        tmpCount--;
        return;
      }
    }
  };
  f.op('block', VOID).op('loop', VOID);
  f.get(j).get(end).op('i32.ge_u').op('br_if', 1);
  // loads
  vecs.forEach((v, k) => f.get(j).load128(L.vec(k)).set(names.get(v)!));
  // ge = diag (x - c); norms in coordinate order
  f.get(j).load128(L.diag).get(names.get('x')!).get(j).load128(L.center).simd('f64x2.sub').simd('f64x2.mul').set(ge);
  f.get(ge).simd('f64x2.abs').set(t);
  lanes(t, s1);
  f.get(ge).get(ge).simd('f64x2.mul').set(t);
  lanes(t, s2);
  // g = ge + sigma Z invB
  f.get(ge);
  if (sigmaVec) f.get(j).load128(L.sigma);
  else f.get(sig);
  f.get(j).load128(L.z).simd('f64x2.mul').get(invB).simd('f64x2.mul').simd('f64x2.add').set(names.get('g')!);
  for (const [target, e] of assign) {
    expr(e);
    f.set(names.get(target)!);
  }
  vecs.forEach((v, k) => {
    if (written.has(v)) f.get(j).get(names.get(v)!).store128(L.vec(k));
  });
  f.get(j).i32(16).op('i32.add').set(j);
  f.op('br', 0).op('end').op('end');
  f.i32(0).get(s1).storeF64(L.scalars);
  f.i32(0).get(s2).storeF64(L.scalars + 8);
  return f;
}
