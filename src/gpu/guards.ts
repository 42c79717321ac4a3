import type { Expr } from '../algorithms/expr.ts';
import { checkProgram, type AlgorithmDef } from '../algorithms/program.ts';

/** Largest finite float32. */
export const F32_MAX = 3.4028234663852886e38;
/** Smallest positive normal float32 (2^-126). */
export const F32_MIN_NORMAL = 2 ** -126;

/** True for 0 and for numbers within float32's normal range (no overflow, no underflow). */
export function isFloat32Normal(v: number): boolean {
  const a = Math.abs(v);
  return v === 0 || (Number.isFinite(v) && a >= F32_MIN_NORMAL && a <= F32_MAX);
}

/**
 * The two places where a program's float64 constants have a float32 form on the WebGPU engine with
 * the same results; everything else outside float32's normal range is refused (gpuSupport for
 * literals, the engine for hyperparameter values).
 *
 * 1. Division guards (codegen.ts, f32GuardLiterals): in max(a, c) with a literal 0 < c < 2^-126 (the
 *    `max(s, 1e-300)` of ALIAS, D-Adaptation, Prodigy, normalized SGD, MoMo and the running-max
 *    variants), c becomes 2^-126. For every a that is 0 or a normal float32, max(a, c) is a in both
 *    forms when a >= 2^-126, and when a = 0 the programs only divide by it behind pos(a) = 0 or in a
 *    ratio of two such guards.
 * 2. Caps ({@link capHyperparameters}): a hyperparameter that the program reads only as an argument of
 *    min (ALIAS's gammaMax, default 1e300 = no cap) is sent as the largest float32 when its value is
 *    above it. For every finite float32 a, min(a, F32_MAX) = a = min(a, h); a float32 a that
 *    overflowed to infinity marks the replica diverged either way.
 */
export function capHyperparameters(def: AlgorithmDef): ReadonlySet<string> {
  const hit = capCache.get(def);
  if (hit) return hit;
  const checked = checkProgram(def.id, def.program);
  const hypers = new Set(def.hyper.map((h) => h.name));
  const capOnly = new Set<string>();
  const elsewhere = new Set<string>();
  const visit = (e: Expr, inMin: boolean): void => {
    switch (e.kind) {
      case 'var':
        if (hypers.has(e.name)) (inMin ? capOnly : elsewhere).add(e.name);
        break;
      case 'neg':
        visit(e.arg, false);
        break;
      case 'bin':
        visit(e.left, false);
        visit(e.right, false);
        break;
      case 'call':
        for (const a of e.args) visit(a, e.fn === 'min' && a.kind === 'var');
        break;
      default:
        break;
    }
  };
  for (const e of checked.parsed.values()) visit(e, false);
  const caps = new Set([...capOnly].filter((h) => !elsewhere.has(h)));
  capCache.set(def, caps);
  return caps;
}
const capCache = new WeakMap<AlgorithmDef, ReadonlySet<string>>();

/**
 * The float32 value the WebGPU engine sends for hyperparameter `name` = v, or null when v has no
 * float32 form (the engine then refuses the run, naming the parameter): v itself when it is 0 or a
 * normal float32; F32_MAX for a cap ({@link capHyperparameters}) above it.
 */
export function float32Hyperparameter(def: AlgorithmDef, name: string, v: number): number | null {
  if (isFloat32Normal(v)) return v;
  if (v > F32_MAX && capHyperparameters(def).has(name)) return F32_MAX;
  return null;
}
