/**
 * A minimal WebAssembly binary emitter (WebAssembly Core Specification 2.0, binary format, with
 * the fixed-width SIMD instructions of its section 5.4.8): enough to write the CPU engine's noise
 * kernel and per-program update loops at run time, without a toolchain or a committed binary.
 *
 * Functions are written as instruction streams on a {@link Fn}; locals are allocated by type and
 * addressed by index. {@link emitModule} wraps functions into a module that imports one memory
 * (`env.memory`) and exports every function by name.
 */

/** Value type i32 (binary encoding). */
export const I32 = 0x7f;
/** Value type i64. */
export const I64 = 0x7e;
/** Value type f64. */
export const F64 = 0x7c;
/** Value type v128 (SIMD). */
export const V128 = 0x7b;
/** A value type's encoding. */
export type ValType = typeof I32 | typeof I64 | typeof F64 | typeof V128;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const f64Bytes = (x: number): number[] => Array.from(new Uint8Array(new Float64Array([x]).buffer));

/** SIMD opcodes used here (prefix 0xfd). */
export const SIMD = {
  'v128.load': 0x00,
  'v128.store': 0x0b,
  'v128.const': 0x0c,
  'i8x16.shuffle': 0x0d,
  'i32x4.splat': 0x11,
  'f64x2.splat': 0x14,
  'f64x2.extract_lane': 0x21,
  'f64x2.replace_lane': 0x22,
  'f64x2.eq': 0x47,
  'f64x2.lt': 0x49,
  'f64x2.gt': 0x4a,
  'v128.and': 0x4e,
  'v128.andnot': 0x4f,
  'v128.or': 0x50,
  'v128.xor': 0x51,
  'v128.bitselect': 0x52,
  'f64x2.floor': 0x75,
  'i32x4.add': 0xae,
  'i32x4.mul': 0xb5,
  'i64x2.shr_u': 0xcd,
  'i64x2.extmul_low_i32x4_u': 0xde,
  'i64x2.extmul_high_i32x4_u': 0xdf,
  'f64x2.abs': 0xec,
  'f64x2.neg': 0xed,
  'f64x2.sqrt': 0xef,
  'f64x2.add': 0xf0,
  'f64x2.sub': 0xf1,
  'f64x2.mul': 0xf2,
  'f64x2.div': 0xf3,
  'f64x2.min': 0xf4,
  'f64x2.max': 0xf5,
  'f64x2.convert_low_i32x4_u': 0xff,
} as const;
/** Name of a SIMD instruction in {@link SIMD}. */
export type SimdOp = keyof typeof SIMD;

/** Scalar opcodes used here. */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  return: 0x0f,
  drop: 0x1a,
  select: 0x1b,
  'local.get': 0x20,
  'local.set': 0x21,
  'local.tee': 0x22,
  'f64.load': 0x2b,
  'f64.store': 0x39,
  'i32.const': 0x41,
  'f64.const': 0x44,
  'i32.eqz': 0x45,
  'i32.ne': 0x47,
  'i32.lt_s': 0x48,
  'i32.lt_u': 0x49,
  'i32.ge_u': 0x4f,
  'f64.eq': 0x61,
  'f64.lt': 0x63,
  'f64.gt': 0x64,
  'i32.add': 0x6a,
  'i32.sub': 0x6b,
  'i32.mul': 0x6c,
  'i32.shl': 0x74,
  'i32.shr_u': 0x76,
  'f64.abs': 0x99,
  'f64.neg': 0x9a,
  'f64.sqrt': 0x9f,
  'f64.add': 0xa0,
  'f64.sub': 0xa1,
  'f64.mul': 0xa2,
  'f64.div': 0xa3,
  'f64.min': 0xa4,
  'f64.max': 0xa5,
  'f64.convert_i32_u': 0xb8,
} as const;
/** Name of a scalar instruction in {@link OP}. */
export type ScalarOp = keyof typeof OP;

/** Block type "no result". */
export const VOID = 0x40;

/** One function: parameters, locals, and its instruction bytes. */
export class Fn {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly ValType[],
    readonly results: readonly ValType[] = [],
  ) {}

  /** A new local of type `t`; returns its index. */
  local(t: ValType): number {
    this.localTypes.push(t);
    return this.params.length + this.localTypes.length - 1;
  }

  /** Scalar instruction with optional immediate bytes. */
  op(name: ScalarOp, ...imm: number[]): this {
    this.code.push(OP[name], ...imm);
    return this;
  }

  /** SIMD instruction with optional immediate bytes. */
  simd(name: SimdOp, ...imm: number[]): this {
    this.code.push(0xfd, ...uleb(SIMD[name]), ...imm);
    return this;
  }

  get(i: number): this {
    return this.op('local.get', ...uleb(i));
  }

  set(i: number): this {
    return this.op('local.set', ...uleb(i));
  }

  tee(i: number): this {
    return this.op('local.tee', ...uleb(i));
  }

  i32(v: number): this {
    return this.op('i32.const', ...sleb(v));
  }

  f64(v: number): this {
    return this.op('f64.const', ...f64Bytes(v));
  }

  /** v128.const from two float64 lanes. */
  f64x2(a: number, b = a): this {
    return this.simd('v128.const', ...f64Bytes(a), ...f64Bytes(b));
  }

  /** v128.const from four 32-bit lanes. */
  i32x4(a: number, b: number, c: number, d: number): this {
    const bytes = new Uint8Array(new Uint32Array([a >>> 0, b >>> 0, c >>> 0, d >>> 0]).buffer);
    return this.simd('v128.const', ...bytes);
  }

  /** v128.const from two 64-bit lanes given as BigInt. */
  i64x2(a: bigint, b = a): this {
    const bytes = new Uint8Array(new BigUint64Array([a, b]).buffer);
    return this.simd('v128.const', ...bytes);
  }

  /** i8x16.shuffle with 16 lane indices into the concatenation of the two operands (0..31). */
  shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16) throw new Error('shuffle needs 16 lane indices');
    return this.simd('i8x16.shuffle', ...lanes);
  }

  /** v128.load / v128.store with a static byte offset (alignment hint 8 bytes). */
  load128(offset = 0): this {
    return this.simd('v128.load', 3, ...uleb(offset));
  }

  store128(offset = 0): this {
    return this.simd('v128.store', 3, ...uleb(offset));
  }

  loadF64(offset = 0): this {
    return this.op('f64.load', 3, ...uleb(offset));
  }

  storeF64(offset = 0): this {
    return this.op('f64.store', 3, ...uleb(offset));
  }

  /** The function body as encoded in the code section (locals vector + instructions + end). */
  body(): number[] {
    const groups: [number, ValType][] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const locals = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n), t])];
    const all = [...locals, ...this.code, OP.end];
    return [...uleb(all.length), ...all];
  }
}

const section = (id: number, payload: number[]): number[] => [id, ...uleb(payload.length), ...payload];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
};

/**
 * A module that imports `env.memory` (at least `minPages` 64 KiB pages) and defines and exports
 * the given functions. Returns the binary.
 */
export function emitModule(fns: readonly Fn[], minPages = 1): Uint8Array {
  const types = fns.map((f) => [0x60, ...uleb(f.params.length), ...f.params, ...uleb(f.results.length), ...f.results]);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(minPages)]])),
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(7, vec(fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(fns.map((f) => f.body()))),
  ];
  return new Uint8Array(bytes);
}
