import * as tf from '@tensorflow/tfjs-core';
import type { Expr, ExprFunction } from '../algorithms/expr.ts';
import { philox4x32 } from '../rng/philox.ts';
import { Purpose } from '../rng/streams.ts';

/**
 * The third compiler of the update-rule language (after src/engine/compile-cpu.ts -> JavaScript
 * loops and `toWgsl` -> WGSL): {@link Expr} -> TensorFlow.js ops, so that the algorithms declared
 * once as step programs (src/algorithms/program.ts) run on any tfjs backend the user registered.
 *
 * A compiled expression is evaluated on whole tensors at once (coordinate-wise ops broadcast), so a
 * map op of the IR becomes one expression graph over a variable's flattened tensor instead of a loop
 * over coordinates. Values are `number | tf.Tensor`: literals, per-step parameters (t, first, T, d,
 * n, hyperparameters) stay JavaScript numbers and operations on two numbers are done in float64 on
 * the host; anything touching a tensor becomes a tfjs op (float32 on every backend).
 *
 * Function mapping (semantics of EXPR_FUNCTIONS in src/algorithms/expr.ts):
 *   sign -> tf.sign (sign(0) = 0), abs/sqrt/exp/log -> tf.abs/sqrt/exp/log,
 *   min/max -> tf.minimum/maximum, pos(c) = 1 if c > 0 else 0 -> tf.cast(tf.greater(c, 0), 'float32')
 *   (0 for NaN, as the CPU engine's `c > 0 ? 1 : 0`), rand(k) -> the k-th uniform of the step's
 *   Philox draw supplied by the caller ({@link philoxUniforms}: the same words as the CPU engine).
 * Tensors must be float32. A host number outside float32's range enters tensor ops as +-2^-126
 * (underflow, e.g. the guard 1e-300) or +-F32_MAX (overflow, e.g. 1e300) ({@link f32Operand}).
 */
export type TfValue = number | tf.Tensor;

/** What a compiled expression reads at evaluation time. */
export interface TfEvalContext {
  /** The current value of a name (vector, scalar, local or parameter); throws on unknown names. */
  read(name: string): TfValue;
  /** Uniform slot k in {0, 1, 2, 3} of this op's Philox draw, shaped like the op's vectors. */
  rand(k: number): tf.Tensor;
}

/** A compiled expression. */
export type CompiledTfExpr = (ctx: TfEvalContext) => TfValue;

const pos = (c: number) => (c > 0 ? 1 : 0);

type Unary = Exclude<ExprFunction, 'min' | 'max' | 'rand'>;
const UNARY_NUM: Record<Unary, (a: number) => number> = {
  sign: Math.sign,
  abs: Math.abs,
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  pos,
};
const UNARY_TF: Record<Unary, (a: tf.Tensor) => tf.Tensor> = {
  sign: (a) => tf.sign(a),
  abs: (a) => tf.abs(a),
  sqrt: (a) => tf.sqrt(a),
  exp: (a) => tf.exp(a),
  log: (a) => tf.log(a),
  pos: (a) => tf.cast(tf.greater(a, 0), 'float32'),
};

/** The largest finite float32, (2 - 2^-23) 2^127. */
export const F32_MAX = (2 - 2 ** -23) * 2 ** 127;

/** The smallest positive normal float32, 2^-126. */
export const F32_MIN_NORMAL = 2 ** -126;

/**
 * A host number about to meet a float32 tensor. A nonzero number whose magnitude underflows float32
 * (e.g. the guard literal 1e-300 in max(gam, 1e-300)) would become 0 and turn the guard into a
 * division by zero; it becomes +-2^-126 (the smallest normal, not a subnormal, which some GPU
 * backends flush to 0) so that it stays a tiny nonzero number of the same sign. A finite number
 * beyond float32's range (e.g. the "no cap" default 1e300) would become Infinity, and 0 * Infinity
 * = NaN where the engines compute 0 * 1e300 = 0; it saturates to +-F32_MAX instead. Others are
 * unchanged (tfjs rounds them to float32).
 */
export function f32Operand(v: TfValue): TfValue {
  if (typeof v !== 'number') return v;
  if (v !== 0 && Math.fround(v) === 0) return Math.sign(v) * F32_MIN_NORMAL;
  if (Number.isFinite(v) && !Number.isFinite(Math.fround(v))) return Math.sign(v) * F32_MAX;
  return v;
}

/** a + b, a - b, a * b, a / b on numbers (host float64) or tensors (tfjs, broadcasting). */
export function binaryTf(op: '+' | '-' | '*' | '/', a: TfValue, b: TfValue): TfValue {
  if (typeof a === 'number' && typeof b === 'number') {
    return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
  }
  a = f32Operand(a);
  b = f32Operand(b);
  switch (op) {
    case '+':
      return tf.add(a, b);
    case '-':
      return tf.sub(a, b);
    case '*':
      return tf.mul(a, b);
    case '/':
      return tf.div(a, b);
  }
}

/**
 * Compiles an expression to a closure over tfjs ops. The tree is walked once here; each call of
 * the closure issues one tfjs op per tree node that touches a tensor (in the tree's order, so the
 * float32 rounding sequence is the one src/testing/f32-bounds.ts `trackExpr` bounds).
 */
export function compileTfExpr(e: Expr): CompiledTfExpr {
  switch (e.kind) {
    case 'num': {
      const v = e.value;
      return () => v;
    }
    case 'var': {
      const name = e.name;
      return (ctx) => ctx.read(name);
    }
    case 'neg': {
      const arg = compileTfExpr(e.arg);
      return (ctx) => {
        const a = arg(ctx);
        return typeof a === 'number' ? -a : tf.neg(a);
      };
    }
    case 'bin': {
      const left = compileTfExpr(e.left);
      const right = compileTfExpr(e.right);
      const op = e.op;
      return (ctx) => binaryTf(op, left(ctx), right(ctx));
    }
    case 'call': {
      const fn = e.fn;
      if (fn === 'rand') {
        const k = (e.args[0] as { value: number }).value;
        return (ctx) => ctx.rand(k);
      }
      if (fn === 'min' || fn === 'max') {
        const a = compileTfExpr(e.args[0]);
        const b = compileTfExpr(e.args[1]);
        return (ctx) => {
          const x = a(ctx);
          const y = b(ctx);
          if (typeof x === 'number' && typeof y === 'number') return fn === 'min' ? Math.min(x, y) : Math.max(x, y);
          return fn === 'min' ? tf.minimum(f32Operand(x), f32Operand(y)) : tf.maximum(f32Operand(x), f32Operand(y));
        };
      }
      const arg = compileTfExpr(e.args[0]);
      const num = UNARY_NUM[fn];
      const ten = UNARY_TF[fn];
      return (ctx) => {
        const a = arg(ctx);
        return typeof a === 'number' ? num(a) : ten(a);
      };
    }
  }
}

/** A value as a float32 tensor of exactly `shape` (numbers are filled, smaller shapes broadcast). */
export function asTensor(v: TfValue, shape: readonly number[]): tf.Tensor {
  if (typeof v === 'number') return tf.fill([...shape], f32Operand(v) as number, 'float32');
  if (v.shape.length === shape.length && v.shape.every((s, i) => s === shape[i])) return v;
  return tf.broadcastTo(v, [...shape]);
}

/** Where the coordinates of one op's random draw sit in the Philox counter (see EXPR_FUNCTIONS.rand). */
export interface RandAddress {
  readonly seed: number;
  /** Index of the op in the program (the key is Purpose.compress + opIndex). */
  readonly opIndex: number;
  /** Step t. */
  readonly t: number;
  /** Replica word of the counter (the optimizer puts the variable index here, or 0 in global mode). */
  readonly replica: number;
  /** Global index of the first coordinate (counter word 0 is offset + i). */
  readonly offset: number;
  /** Coordinates per row. */
  readonly size: number;
  /** Rows: the workers j = 0..rows-1 (counter word 2); 1 for a server-scope op (j = 0). */
  readonly rows: number;
}

/**
 * The four uniforms u_k = (W_k + 0.5) 2^-32 of the Philox4x32-10 call with counter
 * (offset + i, t, j, replica) and key (seed, compress + opIndex), for i < size and j < rows: the
 * numbers the CPU engine draws for rand(k) (src/engine/compile-cpu.ts). Generated on the host
 * (tfjs's own random ops also draw on the host in JavaScript) and returned as float32 arrays laid
 * out row-major (rows x size); float32 rounds u up to 1 when W_k >= 2^32 - 2^7 (probability 2^-25),
 * so values lie in (0, 1].
 */
export function philoxUniforms(a: RandAddress): Float32Array[] {
  const total = a.rows * a.size;
  const out = [new Float32Array(total), new Float32Array(total), new Float32Array(total), new Float32Array(total)];
  const w = new Uint32Array(4);
  const key = (Purpose.compress + a.opIndex) >>> 0;
  const scale = 2.3283064365386963e-10;
  for (let j = 0; j < a.rows; j++) {
    for (let i = 0; i < a.size; i++) {
      philox4x32((a.offset + i) >>> 0, a.t >>> 0, j >>> 0, a.replica >>> 0, a.seed >>> 0, key, w, 0);
      const q = j * a.size + i;
      out[0][q] = (w[0] + 0.5) * scale;
      out[1][q] = (w[1] + 0.5) * scale;
      out[2][q] = (w[2] + 0.5) * scale;
      out[3][q] = (w[3] + 0.5) * scale;
    }
  }
  return out;
}
