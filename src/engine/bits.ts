/**
 * 1-bit sign messages: signs packed 32 to a u32 word, majority votes counted with popcount.
 *
 * Wire format of one message of d coordinates with entries in {-1, 0, +1} (sign(0) = 0,
 * THEORY.md), W = ceil(d / 32) words:
 * - **binary** (no entry is 0): W words, the sign plane; bit (i mod 32) of word floor(i / 32) is 1
 *   for +1 and 0 for -1. d bits of information in 32 W bits on the wire.
 * - **ternary** (some entry is 0): 2W words, the sign plane followed by the nonzero plane (bit 1 where
 *   the entry is +-1). The receiver tells the formats apart by the message length (W or 2W words),
 *   so no header is sent. A 0 entry only arises from sign(0): an exactly zero coordinate of a
 *   worker's gradient or momentum, or a tied vote with an even number of workers.
 * Padding bits (coordinates d..32W-1) are 0 in both planes.
 *
 * Counting a vote: for each 32-coordinate word and each group of up to 32 workers, the 32 x 32 bit
 * matrix (row = worker, column = coordinate) is transposed ({@link transpose32}), so that row i holds
 * the bits of coordinate i over the workers of the group; popcount of that row counts the +1 votes
 * ({@link popcount32}). With the nonzero plane, plus = popcount(sign & nz), nonzero = popcount(nz),
 * and the sum of the messages is 2 plus - nonzero, an exact integer.
 */
import { checkDistributed, distributedPartOf, type BoundGuard, type DistributedAlgorithmDef, type MaxSync, type MessageSpec } from '../algorithms/distributed.ts';
import type { AlgorithmDef } from '../algorithms/program.ts';
import { UserInputError } from '../core/errors.ts';
import type { CommunicationReport } from './types.ts';

/** Bits per packed word. */
export const WORD_BITS = 32;

/** Words of one plane of a d-coordinate message: ceil(d / 32). */
export function wordCount(d: number): number {
  return (d + 31) >>> 5;
}

/** Number of 1 bits of the u32 value x (SWAR popcount, Hacker's Delight 5-1). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Transposes the 32 x 32 bit matrix a[offset..offset+31] in place: element (r, c) is bit c of
 * a[offset + r]; afterwards bit c of a[offset + r] is the old bit r of a[offset + c].
 * Recursive block swap (Hacker's Delight 7-3, least-significant-bit-first): at block size s = 16, 8,
 * ..., 1, rows k and k + s (k & s = 0) exchange the columns with bit s set in row k against the
 * columns with bit s clear in row k + s.
 */
export function transpose32(a: Uint32Array, offset = 0): void {
  let m = 0x0000ffff;
  for (let s = 16; s !== 0; s >>>= 1, m ^= m << s) {
    for (let k = 0; k < 32; k = (k + s + 1) & ~s) {
      const t = ((a[offset + k] >>> s) ^ a[offset + k + s]) & m;
      a[offset + k] ^= t << s;
      a[offset + k + s] ^= t;
    }
  }
}

/** Format of an encoded sign message (see the module doc). */
export type SignFormat = 'binary' | 'ternary';

/** Wire bits of one sign message of d coordinates: 32 W (binary) or 64 W (ternary). */
export function signMessageBits(format: SignFormat, d: number): number {
  return (format === 'binary' ? 1 : 2) * WORD_BITS * wordCount(d);
}

/** Thrown when a vector declared as a sign message holds a value outside {-1, 0, +1}. */
export class NotASignMessage extends Error {
  constructor(
    readonly index: number,
    readonly value: number,
  ) {
    super(`entry ${index} is ${value}, not in {-1, 0, +1}`);
    this.name = 'NotASignMessage';
  }
}

/**
 * Encodes src[off..off+d) (entries in {-1, 0, +1}) into the sign plane `sign[w0..w0+W)` and the
 * nonzero plane `nz[w0..w0+W)`; returns the format ('ternary' when some entry is 0). The nonzero
 * plane is filled in both cases (all valid bits set for a binary message), so counting code needs
 * no branch. Throws {@link NotASignMessage} on any other value (never rounds or clips).
 */
export function encodeSigns(src: ArrayLike<number>, off: number, d: number, sign: Uint32Array, nz: Uint32Array, w0: number): SignFormat {
  const W = wordCount(d);
  let zeros = 0;
  for (let w = 0; w < W; w++) {
    let s = 0;
    let z = 0;
    const base = w << 5;
    const end = Math.min(32, d - base);
    for (let b = 0; b < end; b++) {
      const v = src[off + base + b];
      if (v === 1) {
        s |= 1 << b;
        z |= 1 << b;
      } else if (v === -1) {
        z |= 1 << b;
      } else if (v === 0) {
        zeros++;
      } else {
        throw new NotASignMessage(base + b, v);
      }
    }
    sign[w0 + w] = s;
    nz[w0 + w] = z;
  }
  return zeros > 0 ? 'ternary' : 'binary';
}

/**
 * Decodes a message from its planes into out[off..off+d): +1, -1, or 0 where the nonzero bit is
 * clear. For a binary message the nonzero plane is implied (all ones) and `nz` is not read.
 */
export function decodeSigns(format: SignFormat, sign: Uint32Array, nz: Uint32Array, w0: number, d: number, out: Float64Array, off: number): void {
  for (let i = 0; i < d; i++) {
    const w = w0 + (i >>> 5);
    const bit = 1 << (i & 31);
    if (format === 'ternary' && (nz[w] & bit) === 0) out[off + i] = 0;
    else out[off + i] = (sign[w] & bit) !== 0 ? 1 : -1;
  }
}

/**
 * One sign message as it travels: W words (binary) or 2W words (ternary: sign plane, then nonzero
 * plane). Convenience form of {@link encodeSigns} for tests and small tools.
 */
export function packSigns(values: ArrayLike<number>): Uint32Array {
  const d = values.length;
  const W = wordCount(d);
  const sign = new Uint32Array(W);
  const nz = new Uint32Array(W);
  const format = encodeSigns(values, 0, d, sign, nz, 0);
  if (format === 'binary') return sign;
  const out = new Uint32Array(2 * W);
  out.set(sign, 0);
  out.set(nz, W);
  return out;
}

/** Inverse of {@link packSigns}: the format is read from the length (W or 2W words). */
export function unpackSigns(words: Uint32Array, d: number): Float64Array {
  const W = wordCount(d);
  if (words.length !== W && words.length !== 2 * W) {
    throw new UserInputError('sign message', `must hold ${W} (binary) or ${2 * W} (ternary) words for d = ${d}`, `got ${words.length}`);
  }
  const out = new Float64Array(d);
  if (words.length === W) decodeSigns('binary', words, words, 0, d, out, 0);
  else decodeSigns('ternary', words.subarray(0, W), words.subarray(W), 0, d, out, 0);
  return out;
}

/**
 * Buffers of one step's worth of sign messages from n workers, and the popcount vote over them.
 * Rows are workers: the sign plane of worker j is sign[j W .. (j+1) W), likewise the nonzero plane.
 */
export class SignChannel {
  readonly W: number;
  readonly sign: Uint32Array;
  readonly nz: Uint32Array;
  /** 1 where worker j's current message is ternary. */
  readonly ternary: Uint8Array;
  private readonly blockS = new Uint32Array(32);
  private readonly blockZ = new Uint32Array(32);

  constructor(
    readonly n: number,
    readonly d: number,
  ) {
    this.W = wordCount(d);
    this.sign = new Uint32Array(n * this.W);
    this.nz = new Uint32Array(n * this.W);
    this.ternary = new Uint8Array(n);
  }

  /** Encodes worker j's message from src[off..off+d); returns its wire bits. */
  encode(j: number, src: ArrayLike<number>, off: number): number {
    const f = encodeSigns(src, off, this.d, this.sign, this.nz, j * this.W);
    this.ternary[j] = f === 'ternary' ? 1 : 0;
    return signMessageBits(f, this.d);
  }

  /** Decodes worker j's message into out[off..off+d). */
  decode(j: number, out: Float64Array, off: number): void {
    decodeSigns(this.ternary[j] ? 'ternary' : 'binary', this.sign, this.nz, j * this.W, this.d, out, off);
  }

  /**
   * out[i] = sum_j s_{j,i} over the n encoded messages, by transposing 32 x 32 blocks and popcount:
   * an exact integer in [-n, n].
   */
  sums(out: Float64Array): void {
    const { n, d, W, sign, nz, blockS, blockZ } = this;
    for (let w = 0; w < W; w++) {
      const width = Math.min(32, d - (w << 5));
      for (let i = 0; i < width; i++) out[(w << 5) + i] = 0;
      for (let j0 = 0; j0 < n; j0 += 32) {
        const rows = Math.min(32, n - j0);
        for (let k = 0; k < rows; k++) {
          blockS[k] = sign[(j0 + k) * W + w];
          blockZ[k] = nz[(j0 + k) * W + w];
        }
        for (let k = rows; k < 32; k++) {
          blockS[k] = 0;
          blockZ[k] = 0;
        }
        transpose32(blockS);
        transpose32(blockZ);
        for (let i = 0; i < width; i++) {
          const z = blockZ[i];
          const plus = popcount32(blockS[i] & z);
          out[(w << 5) + i] += 2 * plus - popcount32(z);
        }
      }
    }
  }
}

/**
 * The CPU engine's side of a {@link DistributedAlgorithmDef}: encodes every declared message
 * (checking it is what it claims to be), runs the aggregate ops over the packed words (popcount
 * vote / mean) or over the float rows (`packed: false`, the reference for the identity test),
 * enforces the S_R guards, applies running-max syncs, and counts the wire bits per replica.
 * Bits do not depend on the path: both paths encode every message.
 */
export class DistributedRuntime {
  private readonly up: Map<string, MessageSpec>;
  private readonly down: MessageSpec[];
  private readonly channel: SignChannel;
  private readonly row: Float64Array;
  private readonly upBits: Float64Array;
  private readonly downBits: Float64Array;
  private readonly steps: Float64Array;
  private readonly ternary: Float64Array;
  private readonly boundUse: Record<string, Float64Array> = {};
  /** Per op index: guards, syncs and down messages it triggers. */
  private readonly after: { guards: BoundGuard[]; syncs: MaxSync[]; down: MessageSpec[] }[];
  private readonly scalarBitsUp: number;
  private readonly scalarBitsDown: number;
  private ri = 0;

  /** The runtime of `def`, or null when it declares no communication. */
  static create(def: AlgorithmDef, n: number, d: number, replicas: number, packed: boolean): DistributedRuntime | null {
    const dist = distributedPartOf(def);
    if (!dist) return null;
    checkDistributed(dist);
    return new DistributedRuntime(dist, n, d, replicas, packed);
  }

  private constructor(
    readonly def: DistributedAlgorithmDef,
    readonly n: number,
    readonly d: number,
    readonly replicas: number,
    readonly packed: boolean,
  ) {
    const c = def.communication;
    this.up = new Map(c.up.map((m) => [m.vector, m]));
    this.down = [...c.down];
    this.channel = new SignChannel(n, d);
    this.row = new Float64Array(d);
    this.upBits = new Float64Array(replicas);
    this.downBits = new Float64Array(replicas);
    this.steps = new Float64Array(replicas);
    this.ternary = new Float64Array(replicas);
    for (const g of def.guards ?? []) this.boundUse[g.parameter] = new Float64Array(replicas);
    this.scalarBitsUp = WORD_BITS * (c.upScalars ?? 0) * n;
    this.scalarBitsDown = WORD_BITS * (c.downScalars ?? 0) * n;
    this.after = def.program.ops.map((op) => {
      const reduced = new Set(op.op === 'map' ? (op.reduce ?? []).map((r) => r.into) : []);
      const written = new Set(op.op === 'map' ? op.assign.map(([t]) => t) : op.op === 'aggregate' ? [op.to] : []);
      return {
        guards: (def.guards ?? []).filter((g) => reduced.has(g.norm)),
        syncs: (def.syncs ?? []).filter((s) => reduced.has(s.from)),
        down: this.down.filter((m) => written.has(m.vector)),
      };
    });
  }

  /** Starts replica `ri` (0-based within this run). */
  startReplica(ri: number): void {
    this.ri = ri;
  }

  private fail(vector: string, who: string, t: number, e: unknown): never {
    const what = e instanceof NotASignMessage ? e.message : String(e);
    throw new Error(`${this.def.id}: message ${vector} from ${who} at step t = ${t} is not a valid ${this.up.get(vector)?.encoding ?? 'down'} message: ${what}`);
  }

  /**
   * Encodes row values src[off..off+d) of a message (sign, or scale * sign) into the channel slot
   * `slot`; returns the wire bits. For scaled-sign, every entry must be exactly 0 or +-scale.
   */
  private encode(m: MessageSpec, slot: number, src: Float64Array, off: number, scale: number, who: string, t: number): number {
    const { d } = this;
    if (m.encoding === 'float') return WORD_BITS * d;
    let values: Float64Array = src;
    let o = off;
    if (m.encoding === 'scaled-sign') {
      const row = this.row;
      for (let i = 0; i < d; i++) {
        const v = src[off + i];
        row[i] = v === 0 ? 0 : v === scale ? 1 : v === -scale ? -1 : Number.NaN;
        if (Number.isNaN(row[i])) this.fail(m.vector, who, t, `entry ${i} is ${v}, not 0 or +-scale = +-${scale}`);
      }
      values = row;
      o = 0;
    }
    let bits: number;
    try {
      bits = this.channel.encode(slot, values, o);
    } catch (e) {
      this.fail(m.vector, who, t, e);
    }
    if (this.channel.ternary[slot]) this.ternary[this.ri]++;
    return bits + (m.encoding === 'scaled-sign' ? WORD_BITS : 0);
  }

  /**
   * Runs aggregate op `from` -> `to` (mean: (1/n) sum_j; vote: sign(sum_j), ties -> 0), counting the
   * up bits. Packed sign messages are summed by popcount, scaled-sign ones by decoding the words;
   * unpacked, the float rows are summed in worker order. Both give the same float64 values.
   */
  aggregate(from: string, to: string, kind: 'mean' | 'vote', V: Record<string, Float64Array>, S: Record<string, Float64Array>, t: number): void {
    const { n, d } = this;
    const m = this.up.get(from)!;
    const src = V[from];
    const out = V[to];
    let bits = 0;
    for (let j = 0; j < n; j++) bits += this.encode(m, j, src, j * d, m.encoding === 'scaled-sign' ? S[m.scale][j] : 1, `worker ${j}`, t);
    this.upBits[this.ri] += bits;
    if (this.packed && m.encoding === 'sign') {
      this.channel.sums(out);
    } else if (this.packed && m.encoding === 'scaled-sign') {
      out.fill(0);
      const row = this.row;
      const scale = S[m.scale];
      for (let j = 0; j < n; j++) {
        this.channel.decode(j, row, 0);
        const c = scale[j];
        for (let i = 0; i < d; i++) out[i] += c * row[i];
      }
    } else {
      out.fill(0);
      for (let j = 0; j < n; j++) {
        const o = j * d;
        for (let i = 0; i < d; i++) out[i] += src[o + i];
      }
    }
    if (kind === 'mean') for (let i = 0; i < d; i++) out[i] /= n;
    else for (let i = 0; i < d; i++) out[i] = Math.sign(out[i]);
  }

  /**
   * After op k of step t: running-max syncs, S_R guards (UserInputError naming the operator and
   * the bound), and down messages written by the op (encoded, counted once per receiving worker,
   * and, packed, replaced by their decoded words: what the workers actually apply).
   */
  afterOp(k: number, V: Record<string, Float64Array>, S: Record<string, Float64Array>, P: Record<string, number>, t: number, replica: number): void {
    const a = this.after[k];
    for (const s of a.syncs) {
      const from = S[s.from];
      let m = S[s.into][0];
      for (let j = 0; j < from.length; j++) if (from[j] > m) m = from[j];
      S[s.into][0] = m;
    }
    for (const g of a.guards) {
      const norms = S[g.norm];
      const bound = g.bound in P ? P[g.bound] : S[g.bound][0];
      const use = this.boundUse[g.parameter];
      for (let j = 0; j < norms.length; j++) {
        const v = norms[j];
        if (!(v <= bound)) {
          throw new UserInputError(
            `${this.def.id}.${g.parameter}`,
            `must bound ${g.what}: ${g.operator} is defined only for ||v||_inf <= ${g.parameter} (P1 Def. 1), and clipping would silently bias the message`,
            `||v||_inf = ${v} > ${g.parameter} = ${bound} at step t = ${t}, ${norms.length > 1 ? `worker ${j}, ` : ''}replica ${replica}`,
          );
        }
        const ratio = bound > 0 ? v / bound : 0;
        if (ratio > use[this.ri]) use[this.ri] = ratio;
      }
    }
    for (const m of a.down) {
      const vec = V[m.vector];
      const scale = m.encoding === 'scaled-sign' ? S[m.scale][0] : 1;
      const bits = this.encode(m, 0, vec, 0, scale, 'the server', t);
      this.downBits[this.ri] += bits * this.n;
      if (this.packed && m.encoding !== 'float') {
        this.channel.decode(0, vec, 0);
        if (m.encoding === 'scaled-sign') for (let i = 0; i < this.d; i++) vec[i] *= scale;
      }
    }
    if (k === this.after.length - 1) {
      this.upBits[this.ri] += this.scalarBitsUp;
      this.downBits[this.ri] += this.scalarBitsDown;
      this.steps[this.ri]++;
    }
  }

  /** The communication report of the run. */
  report(): CommunicationReport {
    const { n, d } = this;
    const per = (a: Float64Array) => a.map((v, r) => (this.steps[r] > 0 ? v / (this.steps[r] * n) : 0));
    const vecs = (ms: readonly MessageSpec[]) => ms.length * WORD_BITS * d;
    return {
      packed: this.packed,
      upBits: this.upBits,
      downBits: this.downBits,
      upBitsPerWorkerStep: per(this.upBits),
      downBitsPerWorkerStep: per(this.downBits),
      float32UpBitsPerWorkerStep: vecs(this.def.communication.up),
      float32DownBitsPerWorkerStep: vecs(this.def.communication.down),
      ternaryMessages: this.ternary,
      boundUse: this.boundUse,
    };
  }
}
