import { PHILOX_M0, PHILOX_M1, PHILOX_W0, PHILOX_W1 } from '../../rng/philox.ts';
import { COS_TAYLOR, LN2_HI, LN2_LO, LOG_ATANH, SIN_TAYLOR } from '../../rng/streams.ts';
import { emitModule, Fn, I32, V128, VOID } from './emit.ts';

/**
 * WebAssembly SIMD kernel for the Gaussian noise of the CPU engine: Philox4x32-10 (Salmon et al.,
 * SC 2011) on four counters at once in i32x4 lanes, with the 32x32 -> 64-bit products from
 * i64x2.extmul, followed by the Box-Muller transform of src/rng/streams.ts ({@link boxMullerSource}:
 * own logarithm, own sin/cos polynomials) in f64x2 lanes, operation for operation, so every normal
 * is bit-identical to {@link normals4} of the same words (tested in normals.test.ts).
 *
 * Layout: one call handles `groups` groups of four consecutive Philox blocks (16 normals) starting
 * at block q0; block q0 + q (counter (q0 + q, c1, c2, c3), key (k0, k1)) writes its four normals at
 * f64 index 4q of the buffer at byte offset `ptr`, exactly the order of the general path (coordinate 4q + j gets word j's normal).
 * `gauss_set` stores the normals, `gauss_add` adds them to what is there (minibatch sums).
 */

// byte-lane patterns for i8x16.shuffle
const range = (a: number, n: number) => Array.from({ length: n }, (_, i) => a + i);
/** high 32-bit words of two i64x2 products: lanes [hi(p0), hi(p1), hi(p2), hi(p3)] */
const HI_WORDS = [...range(4, 4), ...range(12, 4), ...range(20, 4), ...range(28, 4)];
const LO_WORDS = [...range(0, 4), ...range(8, 4), ...range(16, 4), ...range(24, 4)];
/** i32 lanes 2, 3 moved to lanes 0, 1 */
const UPPER_HALF = [...range(8, 8), ...range(8, 8)];
/** [a0, b0] and [a1, b1] of two f64x2 */
const FIRST_LANES = [...range(0, 8), ...range(16, 8)];
const SECOND_LANES = [...range(8, 8), ...range(24, 8)];

const MANTISSA = 0x000fffffffffffffn;
const EXP_ONE = 0x3ff0000000000000n;
const TWO52_BITS = 0x4330000000000000n; // bits of 2^52

/** acc = c[0] + z (c[1] + z (... + z c[n-1])) on f64x2, the order of the JS Horner strings. */
function horner(f: Fn, coef: readonly number[], z: number, acc: number): void {
  f.f64x2(coef[coef.length - 1]).set(acc);
  for (let i = coef.length - 2; i >= 0; i--) {
    f.f64x2(coef[i]).get(z).get(acc).simd('f64x2.mul').simd('f64x2.add').set(acc);
  }
}

/** Emits r = sqrt(-2 ln u), u = (w + 1/2) 2^-32, for the two u32 words (as f64) in local `w`. */
function radius(f: Fn, w: number, out: number, t: { v: number; m: number; e: number; s: number; z: number; acc: number; mask: number }): void {
  // v = w + 1/2 (exact); its exponent field is k + 1023 with k = floor(log2 v) = 31 - clz32(w)
  f.get(w).f64x2(0.5).simd('f64x2.add').set(t.v);
  // e0 = k + 1023 as f64 (2^52 + n trick; exact)
  f.get(t.v).i32(52).simd('i64x2.shr_u').i64x2(TWO52_BITS).simd('v128.or').f64x2(2 ** 52).simd('f64x2.sub').set(t.e);
  // m = v 2^-k in [1, 2): replace the exponent field by that of 1
  f.get(t.v).i64x2(MANTISSA).simd('v128.and').i64x2(EXP_ONE).simd('v128.or').set(t.m);
  // h = [m > sqrt 2]: m <- m/2, e <- (k + 1023) - 1055 + h = k + h - 32
  f.get(t.m).f64x2(Math.SQRT2).simd('f64x2.gt').set(t.mask);
  f.get(t.m).f64x2(0.5).simd('f64x2.mul').get(t.m).get(t.mask).simd('v128.bitselect').set(t.m);
  f.get(t.e).f64x2(1055).simd('f64x2.sub').get(t.mask).f64x2(1).simd('v128.and').simd('f64x2.add').set(t.e);
  // s = (m - 1)/(m + 1), z = s^2
  f.get(t.m).f64x2(1).simd('f64x2.sub').get(t.m).f64x2(1).simd('f64x2.add').simd('f64x2.div').set(t.s);
  f.get(t.s).get(t.s).simd('f64x2.mul').set(t.z);
  horner(f, LOG_ATANH, t.z, t.acc);
  // ln u = e LN2_HI + (2 s + (e LN2_LO + s (z R)))
  f.get(t.e).f64x2(LN2_HI).simd('f64x2.mul');
  f.f64x2(2).get(t.s).simd('f64x2.mul');
  f.get(t.e).f64x2(LN2_LO).simd('f64x2.mul');
  f.get(t.s).get(t.z).get(t.acc).simd('f64x2.mul').simd('f64x2.mul');
  f.simd('f64x2.add').simd('f64x2.add').simd('f64x2.add');
  // r = sqrt(-2 ln u)
  f.f64x2(-2).simd('f64x2.mul').simd('f64x2.sqrt').set(out);
}

/** Emits (sin, cos)(2 pi u), u = (w + 1/2) 2^-32, as {@link sinCos2PiSource} does. */
function sinCos(f: Fn, w: number, sOut: number, cOut: number, t: { v: number; fl: number; th: number; tt: number; sn: number; cs: number; qs: number; qc: number }): void {
  // v = 4 u; fl = floor(v + 1/2); th = (v - fl) pi/2; tt = th^2
  f.f64x2(4).get(w).f64x2(0.5).simd('f64x2.add').f64x2(2.3283064365386963e-10).simd('f64x2.mul').simd('f64x2.mul').set(t.v);
  f.get(t.v).f64x2(0.5).simd('f64x2.add').simd('f64x2.floor').set(t.fl);
  f.get(t.v).get(t.fl).simd('f64x2.sub').f64x2(1.5707963267948966).simd('f64x2.mul').set(t.th);
  f.get(t.th).get(t.th).simd('f64x2.mul').set(t.tt);
  horner(f, SIN_TAYLOR, t.tt, t.sn);
  f.get(t.th).get(t.sn).simd('f64x2.mul').set(t.sn);
  horner(f, COS_TAYLOR, t.tt, t.cs);
  // quadrant q = fl mod 4: QS = [1, 0, -1, 0][q], QC = [0, 1, 0, -1][q] (fl in 0..4)
  const eq = (k: number) => f.get(t.fl).f64x2(k).simd('f64x2.eq');
  eq(0);
  eq(4);
  f.simd('v128.or').f64x2(1).simd('v128.and');
  eq(2);
  f.f64x2(-1).simd('v128.and').simd('v128.or').set(t.qs);
  eq(1);
  f.f64x2(1).simd('v128.and');
  eq(3);
  f.f64x2(-1).simd('v128.and').simd('v128.or').set(t.qc);
  // sin = QS sn + QC cs; cos = QS cs - QC sn
  f.get(t.qs).get(t.sn).simd('f64x2.mul').get(t.qc).get(t.cs).simd('f64x2.mul').simd('f64x2.add').set(sOut);
  f.get(t.qs).get(t.cs).simd('f64x2.mul').get(t.qc).get(t.sn).simd('f64x2.mul').simd('f64x2.sub').set(cOut);
}

function gaussFn(name: string, add: boolean): Fn {
  // params: ptr, groups, q0, k0, k1, c1, c2, c3
  const f = new Fn(name, [I32, I32, I32, I32, I32, I32, I32, I32]);
  const [ptr, groups, q0, k0, k1, c1, c2, c3] = [0, 1, 2, 3, 4, 5, 6, 7];
  const K = Array.from({ length: 20 }, () => f.local(V128));
  const v = () => f.local(V128);
  const [X0, X1, X2, X3, cnt, S1, S2, S3, M0, M1, PL, PH, H0, L0, H1, L1] = Array.from({ length: 16 }, v);
  const W = v();
  const R = v();
  const SN = v();
  const CS = v();
  const lt = { v: v(), m: v(), e: v(), s: v(), z: v(), acc: v(), mask: v() };
  const st = { v: v(), fl: v(), th: v(), tt: v(), sn: v(), cs: v(), qs: v(), qc: v() };
  const Za = v();
  const Zb = v();
  // round keys k + r W (mod 2^32), splatted
  for (let r = 0; r < 10; r++) {
    f.get(k0).i32(Math.imul(r, PHILOX_W0)).op('i32.add').simd('i32x4.splat').set(K[2 * r]);
    f.get(k1).i32(Math.imul(r, PHILOX_W1)).op('i32.add').simd('i32x4.splat').set(K[2 * r + 1]);
  }
  f.get(c1).simd('i32x4.splat').set(S1);
  f.get(c2).simd('i32x4.splat').set(S2);
  f.get(c3).simd('i32x4.splat').set(S3);
  f.i32x4(PHILOX_M0, PHILOX_M0, PHILOX_M0, PHILOX_M0).set(M0);
  f.i32x4(PHILOX_M1, PHILOX_M1, PHILOX_M1, PHILOX_M1).set(M1);
  f.get(q0).simd('i32x4.splat').i32x4(0, 1, 2, 3).simd('i32x4.add').set(cnt);
  f.op('block', VOID).op('loop', VOID);
  f.get(groups).op('i32.eqz').op('br_if', 1);
  // Philox4x32-10 on blocks cnt[0..3]
  f.get(cnt).set(X0).get(S1).set(X1).get(S2).set(X2).get(S3).set(X3);
  for (let r = 0; r < 10; r++) {
    f.get(X0).get(M0).simd('i64x2.extmul_low_i32x4_u').set(PL);
    f.get(X0).get(M0).simd('i64x2.extmul_high_i32x4_u').set(PH);
    f.get(PL).get(PH).shuffle(HI_WORDS).set(H0);
    f.get(PL).get(PH).shuffle(LO_WORDS).set(L0);
    f.get(X2).get(M1).simd('i64x2.extmul_low_i32x4_u').set(PL);
    f.get(X2).get(M1).simd('i64x2.extmul_high_i32x4_u').set(PH);
    f.get(PL).get(PH).shuffle(HI_WORDS).set(H1);
    f.get(PL).get(PH).shuffle(LO_WORDS).set(L1);
    f.get(H1).get(X1).simd('v128.xor').get(K[2 * r]).simd('v128.xor').set(X0);
    f.get(H0).get(X3).simd('v128.xor').get(K[2 * r + 1]).simd('v128.xor').set(X2);
    f.get(L1).set(X1).get(L0).set(X3);
  }
  // Box-Muller: half h = blocks (2h, 2h+1), pair p = words (2p, 2p+1)
  const words = [X0, X1, X2, X3];
  for (let h = 0; h < 2; h++) {
    for (let p = 0; p < 2; p++) {
      const toF64 = (x: number) => {
        f.get(x);
        if (h === 1) f.get(x).shuffle(UPPER_HALF);
        f.simd('f64x2.convert_low_i32x4_u').set(W);
      };
      toF64(words[2 * p]);
      radius(f, W, R, lt);
      toF64(words[2 * p + 1]);
      sinCos(f, W, SN, CS, st);
      f.get(R).get(CS).simd('f64x2.mul').set(Za);
      f.get(R).get(SN).simd('f64x2.mul').set(Zb);
      for (const [lane, pattern] of [[0, FIRST_LANES], [1, SECOND_LANES]] as const) {
        const offset = ((2 * h + lane) * 4 + 2 * p) * 8;
        f.get(ptr);
        if (add) f.get(ptr).load128(offset);
        f.get(Za).get(Zb).shuffle(pattern);
        if (add) f.simd('f64x2.add');
        f.store128(offset);
      }
    }
  }
  f.get(ptr).i32(128).op('i32.add').set(ptr);
  f.get(cnt).i32x4(4, 4, 4, 4).simd('i32x4.add').set(cnt);
  f.get(groups).i32(1).op('i32.sub').set(groups);
  f.op('br', 0).op('end').op('end');
  return f;
}

/** The kernel's binary: functions gauss_set and gauss_add, importing env.memory. */
export function normalsModuleBytes(): Uint8Array {
  return emitModule([gaussFn('gauss_set', false), gaussFn('gauss_add', true)]);
}

type GaussFn = (ptr: number, groups: number, q0: number, k0: number, k1: number, c1: number, c2: number, c3: number) => void;

/** The part of the WebAssembly JS API used here (the project's lib settings do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
/** See {@link WasmMemory}. */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}
/** The global WebAssembly object, or undefined where the runtime has none. */
export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/**
 * The instantiated kernel with its memory. {@link WasmNormals.fill} writes the minibatch sum of
 * Gaussian noise of one step into the memory and returns a view of it.
 */
export class WasmNormals {
  private view: Float64Array;

  private constructor(
    private readonly memory: WasmMemory,
    private readonly set: GaussFn,
    private readonly add: GaussFn,
    private readonly api: WasmApi,
  ) {
    this.view = new Float64Array(memory.buffer);
  }

  /** Grows the shared memory to at least `bytes` bytes; returns a float64 view of all of it. */
  reserve(bytes: number): Float64Array {
    if (bytes > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((bytes - this.memory.buffer.byteLength) / 65536));
      this.view = new Float64Array(this.memory.buffer);
    }
    return this.view;
  }

  /**
   * Instantiates another module (importing `env.memory`) on this kernel's memory, so that its
   * functions read the normals where {@link WasmNormals.fill} writes them (byte offset 0). Returns
   * its exports, or null where the module does not validate.
   */
  instantiate(bytes: Uint8Array): Record<string, unknown> | null {
    try {
      if (!this.api.validate(bytes)) return null;
      return new this.api.Instance(new this.api.Module(bytes), { env: { memory: this.memory } }).exports;
    } catch {
      return null;
    }
  }

  /** Compiles the kernel; null where WebAssembly SIMD is unavailable. */
  static create(api: WasmApi | null = wasmApi ?? null): WasmNormals | null {
    try {
      if (!api) return null;
      const bytes = normalsModuleBytes();
      if (!api.validate(bytes)) return null;
      const memory = new api.Memory({ initial: 1 });
      const inst = new api.Instance(new api.Module(bytes), { env: { memory } });
      const ex = inst.exports as unknown as { gauss_set: GaussFn; gauss_add: GaussFn };
      return new WasmNormals(memory, ex.gauss_set, ex.gauss_add, api);
    } catch {
      return null;
    }
  }

  /**
   * Sum over b < batch of the standard normals of coordinates first..first+count-1 of the stream
   * (key (seed, purpose); counter (block, step, b << 16, replica)): the noise of worker 0 of a
   * minibatch of `batch` draws, summed in order b = 0, 1, ... `first` must be a multiple of 4 (a
   * block boundary). Returns a view whose entries 0..count-1 hold the sums (valid until the next
   * call); the CPU engine fills a cache-sized chunk at a time.
   */
  fill(seed: number, purpose: number, step: number, replica: number, batch: number, first: number, count: number): Float64Array {
    if (first % 4 !== 0) throw new RangeError('fill: first must be a multiple of 4');
    const groups = Math.ceil(count / 16);
    const need = groups * 128;
    if (need > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / 65536));
      this.view = new Float64Array(this.memory.buffer);
    }
    const q0 = first / 4;
    for (let b = 0; b < batch; b++) (b === 0 ? this.set : this.add)(0, groups, q0 | 0, seed | 0, purpose | 0, step | 0, (b << 16) | 0, replica | 0);
    return this.view;
  }

  /**
   * {@link WasmNormals.fill} copied into `out[0..count-1]` (count <= out.length): an ordinary
   * Float64Array, which optimised JavaScript reads much faster than a view of WebAssembly memory
   * (V8 treats those as possibly resizable; measured 1.5-2x on the update loop).
   */
  fillInto(out: Float64Array, seed: number, purpose: number, step: number, replica: number, batch: number, first: number, count: number): Float64Array {
    if (count > out.length) throw new RangeError('fillInto: count exceeds out.length');
    const view = this.fill(seed, purpose, step, replica, batch, first, count);
    out.set(count === view.length ? view : view.subarray(0, count));
    return out;
  }
}

let shared: WasmNormals | null | undefined;
/** The process-wide kernel instance (compiled on first use); null where unavailable. */
export function wasmNormals(): WasmNormals | null {
  if (shared === undefined) shared = WasmNormals.create();
  return shared;
}
