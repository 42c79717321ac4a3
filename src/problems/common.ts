import { UserInputError, shown } from '../core/errors.ts';
import { isVectorLike, parseDecimal, positiveParam, vectorValue, type ParamBag } from './params.ts';
import { ProblemLane, problemNormals } from './random.ts';

/** Throws a UserInputError unless x has length d (names the method and the expected length). */
export function checkLength(what: string, x: Float64Array, d: number): void {
  if (x.length !== d) throw new UserInputError(what, `must have length d = ${d}`, `got length ${x.length}`);
}

/** Throws a UserInputError unless 0 <= worker < workers. */
export function checkWorker(worker: number, workers: number): void {
  if (!Number.isInteger(worker) || worker < 0 || worker >= workers) {
    throw new UserInputError('worker', `must be an integer in [0, ${workers - 1}]`, `got ${shown(worker)}`);
  }
}

/** Starting point choices shared by the families (`x0` parameter). */
export type X0Choice = 'ones' | 'zeros' | 'normal' | 'normal-over-L';

/** Documentation row for the `x0` and `x0Seed` parameters. */
export const X0_PARAM_DOCS = [
  {
    name: 'x0',
    type: 'number | vector | string',
    default: 'family default',
    doc: "starting point: a number c (x0 = c 1), a vector, 'ones', 'zeros', 'normal' (N(0, I) drawn from the Philox init stream of x0Seed), or 'normal-over-L' (z_i min_j L_j / L_i, z ~ N(0, I): P3's toy divides the stiff coordinate by L_0 / L_min)",
  },
  { name: 'x0Seed', type: 'integer', default: 'seed', doc: 'seed of the x0 draw' },
] as const;

/**
 * Resolves the `x0` parameter into a function returning a fresh starting point each call.
 * `L` (curvatures) is needed only for 'normal-over-L'.
 */
export function resolveX0(
  family: string,
  params: ParamBag,
  d: number,
  fallback: X0Choice | number,
  x0Seed: number,
  L?: Float64Array,
): { x0: () => Float64Array; described: number | string } {
  const value = params.x0 ?? fallback;
  let base: Float64Array;
  let described: number | string;
  if (typeof value === 'number' || (typeof value === 'string' && parseDecimal(value.trim()) !== undefined)) {
    const c = typeof value === 'number' ? value : (parseDecimal(value.trim()) as number);
    if (!Number.isFinite(c)) throw new UserInputError(`${family}.x0`, 'must be finite', `got ${shown(value)}`);
    base = new Float64Array(d).fill(c);
    described = c;
  } else if (isVectorLike(value)) {
    base = vectorValue(`${family}.x0`, value, d);
    described = 'vector';
  } else if (value === 'ones' || value === 'zeros') {
    base = new Float64Array(d).fill(value === 'ones' ? 1 : 0);
    described = value;
  } else if (value === 'normal' || value === 'normal-over-L') {
    base = problemNormals(x0Seed, ProblemLane.x0, 0, new Float64Array(d));
    if (value === 'normal-over-L') {
      if (!L) throw new UserInputError(`${family}.x0`, "'normal-over-L' needs a curvature vector; this family has none");
      let lmin = Infinity;
      for (let i = 0; i < d; i++) lmin = Math.min(lmin, L[i]);
      for (let i = 0; i < d; i++) base[i] *= lmin / L[i];
    }
    described = `${value}(seed=${x0Seed})`;
  } else {
    throw new UserInputError(
      `${family}.x0`,
      "must be a number, a vector of length d, or one of 'ones', 'zeros', 'normal', 'normal-over-L'",
      `got ${shown(value)}`,
    );
  }
  return { x0: () => base.slice(), described };
}

/** Documentation rows for the `center` and `centerScale` parameters. */
export const CENTER_PARAM_DOCS = [
  {
    name: 'center',
    type: 'number | vector | string',
    default: '0',
    doc: "minimiser c: a number (c = value 1), a vector, or 'normal' (c = centerScale z, z ~ N(0, I) from the Philox init stream of seed)",
  },
  { name: 'centerScale', type: 'number > 0', default: '1', doc: "scale of a 'normal' center" },
] as const;

/** Resolves the `center` parameter (default 0). */
export function resolveCenter(family: string, params: ParamBag, d: number, seed: number): { c: Float64Array; described: number | string } {
  const value = params.center ?? 0;
  if (typeof value === 'number' || (typeof value === 'string' && parseDecimal(value.trim()) !== undefined)) {
    const c = typeof value === 'number' ? value : (parseDecimal(value.trim()) as number);
    if (!Number.isFinite(c)) throw new UserInputError(`${family}.center`, 'must be finite', `got ${shown(value)}`);
    if (params.centerScale !== undefined) throw new UserInputError(`${family}.centerScale`, "is only used with center = 'normal'");
    return { c: new Float64Array(d).fill(c), described: c };
  }
  if (isVectorLike(value)) return { c: vectorValue(`${family}.center`, value, d), described: 'vector' };
  if (value === 'normal') {
    const s = positiveParam(family, params, 'centerScale', 1);
    const c = problemNormals(seed, ProblemLane.center, 0, new Float64Array(d));
    for (let i = 0; i < d; i++) c[i] *= s;
    return { c, described: `normal(scale=${s})` };
  }
  throw new UserInputError(`${family}.center`, "must be a number, a vector of length d, or 'normal'", `got ${shown(value)}`);
}
