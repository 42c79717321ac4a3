import { toJs } from '../algorithms/expr.ts';
import { BUILTIN_PARAMS, type CheckedProgram } from '../algorithms/program.ts';
import { lowerChecked, type PlannedMap } from './plan/lower.ts';
import { PHILOX_M0, PHILOX_M1, PHILOX_W0, PHILOX_W1 } from '../rng/philox.ts';
import { boxMullerSource, LOG_POW2, QC, QS } from '../rng/streams.ts';
import type { NoiseModel } from '../noise/types.ts';
import type { WasmNormals } from './wasm/normals.ts';
import { UPDATE_CHUNK, updateLayout, updateModuleBytes, type Assignment } from './wasm/update.ts';

/**
 * The CPU engine's fast path, the same fusion the GPU kernels do: for programs whose ops are all
 * server-scope maps without reductions (SGD, Signum, ...) on a separable quadratic, one loop per step
 * computes the exact gradient diag_i (x_i - c_i), its norms, the Philox noise (inlined, 10 rounds),
 * the minibatch mean, and the update. Generated from the same step program as the general path and
 * tested against it bit for bit (fused-cpu.test.ts).
 */
export type FusedStep = (
  V: Record<string, Float64Array>,
  diag: Float64Array,
  center: Float64Array,
  sigmaVec: Float64Array | null,
  sigma: number,
  P: Record<string, number>,
  d: number,
  seed: number,
  purpose: number,
  t: number,
  replica: number,
  batch: number,
  model: NoiseModel | null,
  norms: Float64Array,
) => void;

/** Coordinates per call of the WebAssembly noise kernel in the fused step (a multiple of 16). */
export const WASM_CHUNK = UPDATE_CHUNK;

/**
 * Which fused variant a compiled step is: `fused` (JavaScript noise and update), `fused-wasm`
 * (WebAssembly noise kernel and WebAssembly update, src/engine/wasm/update.ts), `fused-wasm-noise`
 * (WebAssembly noise, JavaScript update: programs using exp or log, or `wasmUpdate` off).
 */
export type FusedVariant = 'fused' | 'fused-wasm' | 'fused-wasm-noise';
/** A compiled fused step and its variant. */
export type CompiledFused = FusedStep & { readonly variant: FusedVariant };

// one function object per generated source: runs of the same program reuse its optimised code
const flatCache = new Map<string, (...a: unknown[]) => void>();

/** The map ops of a fusable program, lowered (src/engine/plan). */
function fusedMaps(checked: CheckedProgram): PlannedMap[] {
  return lowerChecked('fused', checked).ops as PlannedMap[];
}

/**
 * True when the fused path applies to this program: server maps only, without reductions, rand()
 * or reads of declared scalars (the fused step keeps no scalar state).
 */
export function fusable(checked: CheckedProgram): boolean {
  if (checked.workerOps) return false;
  return lowerChecked('fused', checked).ops.every((o) => o.op === 'map' && o.scope === 'server' && o.reduce.length === 0 && !o.random && o.assign.every((a) => ![...a.reads.values()].some((r) => r.kind === 'scalar')));
}

const ident = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');

/**
 * Inline Philox4x32-10, ten rounds unrolled, int32 arithmetic only (the 32x32 high word from four
 * 16-bit Math.imul products), round keys precomputed per step in K[0..19]. Reads c0..c3 and
 * leaves the words (as u32) in w0..w3. Same words as src/rng/philox.ts (tested).
 */
export function philoxUnrolledSource(): string {
  const lo = (m: number) => m & 0xffff;
  const hi = (m: number) => m >>> 16;
  let s = 'let x0 = c0 | 0, x1 = c1 | 0, x2 = c2 | 0, x3 = c3 | 0, h0 = 0, h1 = 0, l0 = 0, l1 = 0;\n';
  for (let r = 0; r < 10; r++) {
    s += `{ const a = x0 & 0xffff, b = x0 >>> 16, e = x2 & 0xffff, f = x2 >>> 16;
      const ll = Math.imul(${lo(PHILOX_M0)}, a), lh = Math.imul(${lo(PHILOX_M0)}, b), hl = Math.imul(${hi(PHILOX_M0)}, a), hh = Math.imul(${hi(PHILOX_M0)}, b);
      h0 = (hh + (lh >>> 16) + (hl >>> 16) + (((ll >>> 16) + (lh & 0xffff) + (hl & 0xffff)) >>> 16)) | 0; l0 = Math.imul(${PHILOX_M0 | 0}, x0);
      const ll1 = Math.imul(${lo(PHILOX_M1)}, e), lh1 = Math.imul(${lo(PHILOX_M1)}, f), hl1 = Math.imul(${hi(PHILOX_M1)}, e), hh1 = Math.imul(${hi(PHILOX_M1)}, f);
      h1 = (hh1 + (lh1 >>> 16) + (hl1 >>> 16) + (((ll1 >>> 16) + (lh1 & 0xffff) + (hl1 & 0xffff)) >>> 16)) | 0; l1 = Math.imul(${PHILOX_M1 | 0}, x2);
      x0 = h1 ^ x1 ^ K[${2 * r}]; x1 = l1; x2 = h0 ^ x3 ^ K[${2 * r + 1}]; x3 = l0; }\n`;
  }
  return s + 'w0 = x0 >>> 0; w1 = x1 >>> 0; w2 = x2 >>> 0; w3 = x3 >>> 0;';
}

/** Round keys of Philox4x32-10 for key (k0, k1): K[2r] = k0 + r W0, K[2r+1] = k1 + r W1 (mod 2^32). */
export function philoxRoundKeys(k0: number, k1: number, out = new Int32Array(20)): Int32Array {
  for (let r = 0; r < 10; r++) {
    out[2 * r] = (k0 + Math.imul(r, PHILOX_W0)) | 0;
    out[2 * r + 1] = (k1 + Math.imul(r, PHILOX_W1)) | 0;
  }
  return out;
}

/**
 * Compiles the fused step for a program's server maps. `gaussian` inlines Box-Muller. With `wasm`
 * (Gaussian noise that is present: sigma not identically 0) the noise of each step comes from the
 * WebAssembly kernel (src/engine/wasm/normals.ts: the same numbers, summed over the minibatch in the
 * same order); with `wasmUpdate` (default) gradient, norms, noise and update then run as WebAssembly
 * f64x2 code too (src/engine/wasm/update.ts, variant `fused-wasm`) where the program uses only the
 * functions it emits, else one flat JavaScript loop applies them (`fused-wasm-noise`); without
 * `wasm` the generated loop draws its own noise block by block (`fused`). All variants are
 * bit-identical to the general path (fused-cpu.test.ts).
 */
export function compileFused(checked: CheckedProgram, gaussian: boolean, wasm: WasmNormals | null = null, wasmUpdate = true): CompiledFused {
  const tag = (f: FusedStep, variant: FusedVariant) => Object.assign(f, { variant }) as CompiledFused;
  if (wasm && gaussian && wasmUpdate) {
    const step = wasmUpdateStep(checked, wasm);
    if (step) return tag(step, 'fused-wasm');
  }
  const maps = fusedMaps(checked);
  const used = new Set<string>();
  const usedParams = new Set<string>();
  const written = new Set<string>();
  const body: string[] = [];
  for (const op of maps) {
    for (const a of op.assign) {
      const rhs = toJs(a.expr, (v) => {
        const ref = a.reads.get(v);
        if (ref?.kind === 'local') return `l_${ident(v)}`;
        if (ref?.kind === 'vector') {
          used.add(v);
          return `v_${ident(v)}`;
        }
        if (ref?.kind === 'builtin' || ref?.kind === 'hyper') {
          usedParams.add(v);
          return `p_${ident(v)}`;
        }
        throw new Error(`unresolved ${v}`);
      });
      if (a.into.kind === 'vector') {
        used.add(a.target);
        written.add(a.target);
        body.push(`v_${ident(a.target)} = ${rhs};`);
      } else {
        body.push(`${a.into.declares ? 'let ' : ''}l_${ident(a.target)} = ${rhs};`);
      }
    }
  }
  used.delete('g');
  used.add('x');
  const head = [...used].map((v) => `const a_${ident(v)} = V[${JSON.stringify(v)}];`);
  head.push(...[...usedParams].map((p) => `const p_${ident(p)} = P[${JSON.stringify(p)}];`));
  const loads = [...used].map((v) => `let v_${ident(v)} = a_${ident(v)}[i];`);
  const stores = [...written].filter((v) => v !== 'g').map((v) => `a_${ident(v)}[i] = v_${ident(v)};`);
  const perCoord = `{
        const i = base + k;
        ${loads.join(' ')}
        const ge = diag[i] * (v_x - center[i]);
        s1 += Math.abs(ge); s2 += ge * ge;
        const v_g = ge + (sigmaVec === null ? sigma : sigmaVec[i]) * zs[k] * invB;
        ${body.join('\n        ')}
        ${stores.join(' ')}
      }`;
  const pos = (c: number) => (c > 0 ? 1 : 0);
  if (wasm && gaussian) {
    const flatCoord = (sig: string) => `for (let j = 0; j < n; j++) {
          const i = base + j;
          ${loads.join(' ')}
          const ge = diag[i] * (v_x - center[i]);
          s1 += Math.abs(ge); s2 += ge * ge;
          const v_g = ge + ${sig} * Z[j] * invB;
          ${body.join('\n          ')}
          ${stores.join(' ')}
        }`;
    // noise a chunk at a time (CHUNK coordinates: 16 KiB of float64, stays in L1) straight into the update
    const flat = `
    ${head.join('\n    ')}
    const invB = 1 / batch;
    let s1 = 0, s2 = 0;
    for (let base = 0; base < d; base += ${WASM_CHUNK}) {
      const n = Math.min(${WASM_CHUNK}, d - base);
      W.fillInto(Z, seed >>> 0, purpose >>> 0, t >>> 0, replica >>> 0, batch, base, n);
      if (sigmaVec === null) ${flatCoord('sigma')}
      else ${flatCoord('sigmaVec[i]')}
    }
    norms[0] = s1; norms[1] = Math.sqrt(s2);`;
    let fn = flatCache.get(flat);
    if (!fn) {
      fn = new Function('__pos', 'W', 'Z', 'V', 'diag', 'center', 'sigmaVec', 'sigma', 'P', 'd', 'seed', 'purpose', 't', 'replica', 'batch', 'model', 'norms', flat) as (...a: unknown[]) => void;
      flatCache.set(flat, fn);
    }
    return tag(fn.bind(null, pos, wasm, new Float64Array(WASM_CHUNK)) as FusedStep, 'fused-wasm-noise');
  }
  const noiseGen = gaussian
    ? `let z0 = 0, z1 = 0, z2 = 0, z3 = 0;
          ${boxMullerSource()}
          zs[0] += z0; zs[1] += z1; zs[2] += z2; zs[3] += z3;`
    : `words[0] = w0; words[1] = w1; words[2] = w2; words[3] = w3; model.fromWords(words, tmp, 0);
          for (let k = 0; k < spc; k++) zs[k] += tmp[k];`;
  const src = `
    ${head.join('\n    ')}
    const spc = ${gaussian ? 4 : 'model === null ? 4 : model.samplesPerCall'};
    const zs = new Float64Array(4), tmp = new Float64Array(4), words = new Uint32Array(4);
    const invB = 1 / batch;
    const noisy = model !== null && (sigmaVec !== null || sigma !== 0);
    let s1 = 0, s2 = 0, w0 = 0, w1 = 0, w2 = 0, w3 = 0;
    const K = keys(seed >>> 0, purpose >>> 0), c1 = t >>> 0, c3 = replica >>> 0;
    for (let q = 0, base = 0; base < d; q++, base += spc) {
      zs[0] = 0; zs[1] = 0; zs[2] = 0; zs[3] = 0;
      if (noisy) {
        const c0 = q >>> 0;
        for (let b = 0; b < batch; b++) {
          const c2 = (b << 16) >>> 0;
          ${philoxUnrolledSource()}
          ${noiseGen}
        }
      }
      const kmax = Math.min(spc, d - base);
      for (let k = 0; k < kmax; k++) ${perCoord}
    }
    norms[0] = s1; norms[1] = Math.sqrt(s2);`;
  const keyBuf = new Int32Array(20);
  const keys = (k0: number, k1: number) => philoxRoundKeys(k0, k1, keyBuf);
  return tag(new Function('__pos', 'QS', 'QC', 'LP2', 'keys', 'V', 'diag', 'center', 'sigmaVec', 'sigma', 'P', 'd', 'seed', 'purpose', 't', 'replica', 'batch', 'model', 'norms', src).bind(null, pos, QS, QC, LOG_POW2, keys) as FusedStep, 'fused');
}

type UpdateExports = { update_s: (n: number) => void; update_v: (n: number) => void };
const updateCache = new WeakMap<WasmNormals, Map<string, UpdateExports | null>>();

/**
 * The fused step with the per-coordinate work in WebAssembly (src/engine/wasm/update.ts): per chunk
 * of {@link WASM_CHUNK} coordinates the noise kernel writes the minibatch sum of normals into the
 * shared memory, diag, center, sigma and the program's vectors are copied in, the update function
 * runs, and the written vectors are copied back. Null where the program uses a function the emitter
 * does not write (exp, log) or a local that shadows a parameter name.
 */
function wasmUpdateStep(checked: CheckedProgram, W: WasmNormals): FusedStep | null {
  const maps = fusedMaps(checked);
  const params = new Set<string>([...BUILTIN_PARAMS, ...checked.program.params]);
  const assign: Assignment[] = [];
  const vecs = new Set<string>(['x']);
  const written = new Set<string>();
  const usedParams = new Set<string>();
  for (const op of maps) {
    for (const a of op.assign) {
      for (const [name, ref] of a.reads) {
        if (ref.kind === 'vector') {
          if (name !== 'g') vecs.add(name);
        } else if (ref.kind === 'builtin' || ref.kind === 'hyper') {
          usedParams.add(name);
        } else if (ref.kind !== 'local') {
          return null;
        }
      }
      const { target, expr: e } = a;
      if (a.into.kind === 'vector') {
        if (target !== 'g') {
          vecs.add(target);
          written.add(target);
        }
      } else {
        if (params.has(target)) return null;
      }
      assign.push([target, e]);
    }
  }
  const vecList = [...vecs];
  const paramList = [...usedParams];
  const bytes = updateModuleBytes(assign, vecList, written, paramList);
  if (!bytes) return null;
  // one instance per kernel and program: runs of the same program reuse its compiled code
  let byProgram = updateCache.get(W);
  if (!byProgram) updateCache.set(W, (byProgram = new Map()));
  const cacheKey = Array.from(bytes, (b) => String.fromCharCode(b)).join('');
  let ex = byProgram.get(cacheKey);
  if (ex === undefined) {
    ex = W.instantiate(bytes) as UpdateExports | null;
    byProgram.set(cacheKey, ex);
  }
  if (!ex) return null;
  const fns = ex;
  const L = updateLayout(vecList.length);
  const size = L.bytes(paramList.length);
  const S = L.scalars / 8;
  const oZ = L.diag / 8;
  const oC = L.center / 8;
  const oS = L.sigma / 8;
  const oV = vecList.map((_, k) => L.vec(k) / 8);
  const wr = vecList.map((v) => written.has(v));
  return (V, diag, center, sigmaVec, sigma, P, d, seed, purpose, t, replica, batch, _model, norms) => {
    const M = W.reserve(size); // a fresh view if another module grew the shared memory
    M[S] = 0;
    M[S + 1] = 0;
    M[S + 2] = 1 / batch;
    M[S + 3] = sigma;
    for (let k = 0; k < paramList.length; k++) M[S + 4 + k] = P[paramList[k]];
    const arrs = vecList.map((v) => V[v]);
    const run = sigmaVec === null ? fns.update_s : fns.update_v;
    for (let base = 0; base < d; base += WASM_CHUNK) {
      const n = Math.min(WASM_CHUNK, d - base);
      const end = base + n;
      W.fill(seed >>> 0, purpose >>> 0, t >>> 0, replica >>> 0, batch, base, n);
      M.set(diag.subarray(base, end), oZ);
      M.set(center.subarray(base, end), oC);
      if (sigmaVec !== null) M.set(sigmaVec.subarray(base, end), oS);
      for (let k = 0; k < arrs.length; k++) M.set(arrs[k].subarray(base, end), oV[k]);
      if (n & 1) {
        // the pad lane of the last pair: ge = 0 (0 (0 - 0)), adding +0 to the norm sums
        M[oZ + n] = 0;
        M[oC + n] = 0;
        M[oV[0] + n] = 0;
      }
      run(n);
      for (let k = 0; k < arrs.length; k++) if (wr[k]) arrs[k].set(M.subarray(oV[k], oV[k] + n), base);
    }
    norms[0] = M[S];
    norms[1] = Math.sqrt(M[S + 1]);
  };
}
