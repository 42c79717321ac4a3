import { UserInputError, requireInteger, shown } from '../core/errors.ts';

/**
 * Parameter reading for problem families. Families receive loosely typed parameter objects (from
 * the CLI, a config file or code), so every value is validated here and every failure is a
 * {@link UserInputError} naming `<family>.<parameter>` and the rule it breaks.
 *
 * Accepted spellings: numbers may be given as numbers or as decimal strings ("1e-3"); vectors as
 * arrays of numbers, Float64Arrays, or comma-separated strings ("1,2,3").
 */

/** A parameter bag as families receive it. */
export type ParamBag = Readonly<Record<string, unknown>>;

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a strict decimal literal (no hex, no "Infinity", no "NaN", no whitespace); undefined when not one. */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const v = Number(text);
  return Number.isFinite(v) ? v : undefined;
}

/** Throws a UserInputError unless every key of `params` is in `allowed` (catches typos such as "lamda"). */
export function rejectUnknown(family: string, params: ParamBag, allowed: readonly string[]): void {
  if (params === null || typeof params !== 'object') {
    throw new UserInputError(family, 'parameters must be an object', `got ${shown(params)}`);
  }
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key)) {
      throw new UserInputError(`${family}.${key}`, `is not a parameter of ${family}; known: ${allowed.join(', ')}`);
    }
  }
}

function toNumber(name: string, value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UserInputError(name, 'must be a finite number', `got ${shown(value)}`);
    return value;
  }
  if (typeof value === 'string') {
    const v = parseDecimal(value.trim());
    if (v === undefined) throw new UserInputError(name, 'must be a finite decimal number', `got ${shown(value)}`);
    return v;
  }
  throw new UserInputError(name, 'must be a finite number', `got ${shown(value)}`);
}

/** A finite number (default when absent), optionally constrained to (lo, hi] style bounds via `check`. */
export function numberParam(family: string, params: ParamBag, key: string, fallback: number): number {
  const value = params[key];
  if (value === undefined) return fallback;
  return toNumber(`${family}.${key}`, value);
}

/** A finite number > 0. */
export function positiveParam(family: string, params: ParamBag, key: string, fallback: number): number {
  const v = numberParam(family, params, key, fallback);
  if (!(v > 0)) throw new UserInputError(`${family}.${key}`, 'must be a finite number > 0', `got ${shown(v)}`);
  return v;
}

/** A finite number >= 0. */
export function nonNegativeParam(family: string, params: ParamBag, key: string, fallback: number): number {
  const v = numberParam(family, params, key, fallback);
  if (!(v >= 0)) throw new UserInputError(`${family}.${key}`, 'must be a finite number >= 0', `got ${shown(v)}`);
  return v;
}

/** A number in the open interval (lo, hi). */
export function openIntervalParam(family: string, params: ParamBag, key: string, fallback: number, lo: number, hi: number): number {
  const v = numberParam(family, params, key, fallback);
  if (!(v > lo && v < hi)) throw new UserInputError(`${family}.${key}`, `must lie in (${lo}, ${hi})`, `got ${shown(v)}`);
  return v;
}

/** An integer in [min, max]. */
export function integerParam(
  family: string,
  params: ParamBag,
  key: string,
  fallback: number,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = params[key];
  if (value === undefined) return fallback;
  const v = typeof value === 'string' ? toNumber(`${family}.${key}`, value) : (value as number);
  return requireInteger(`${family}.${key}`, v, min, max);
}

/** A u32 seed (integer in [0, 2^32 - 1]). */
export function seedParam(family: string, params: ParamBag, key: string, fallback = 0): number {
  return integerParam(family, params, key, fallback, 0, 0xffffffff);
}

/** One of the listed strings. */
export function choiceParam<T extends string>(family: string, params: ParamBag, key: string, fallback: T, choices: readonly T[]): T {
  const value = params[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new UserInputError(`${family}.${key}`, `must be one of: ${choices.join(', ')}`, `got ${shown(value)}`);
  }
  return value as T;
}

/** True when the value is given as a vector (array, Float64Array, or comma-separated string with a comma). */
export function isVectorLike(value: unknown): boolean {
  return Array.isArray(value) || value instanceof Float64Array || (typeof value === 'string' && value.includes(','));
}

/**
 * A vector of length d with finite entries (each checked by `entryRule` when given: returns an error
 * rule text for a bad entry, or undefined).
 */
export function vectorValue(
  name: string,
  value: unknown,
  d: number,
  entryRule?: (v: number) => string | undefined,
): Float64Array {
  let items: unknown[];
  if (value instanceof Float64Array) items = Array.from(value);
  else if (Array.isArray(value)) items = value;
  else if (typeof value === 'string') items = value.split(',').map((s) => s.trim());
  else throw new UserInputError(name, `must be a vector of ${d} numbers`, `got ${shown(value)}`);
  if (items.length !== d) throw new UserInputError(name, `must have length d = ${d}`, `got length ${items.length}`);
  const out = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const v = toNumber(`${name}[${i}]`, items[i]);
    const bad = entryRule?.(v);
    if (bad) throw new UserInputError(`${name}[${i}]`, bad, `got ${shown(v)}`);
    out[i] = v;
  }
  return out;
}

/** Summarises a scalar-or-vector parameter for results rows: the number, or the string given, or 'vector'. */
export function shownParam(value: unknown, fallback: number | string): number | string {
  if (value === undefined) return fallback;
  if (typeof value === 'number' || typeof value === 'string') return value;
  return 'vector';
}

/**
 * A per-coordinate parameter given as one number (broadcast to all d coordinates) or as a vector of
 * length d; every entry must be > 0. Returns the vector and its description for results rows.
 */
export function positiveScalarOrVector(
  family: string,
  params: ParamBag,
  key: string,
  d: number,
  fallback: number,
): { v: Float64Array; described: number | string } {
  const value = params[key];
  if (value === undefined) return { v: new Float64Array(d).fill(fallback), described: fallback };
  if (isVectorLike(value)) {
    return { v: vectorValue(`${family}.${key}`, value, d, (x) => (x > 0 ? undefined : 'must be > 0')), described: 'vector' };
  }
  const s = positiveParam(family, params, key, fallback);
  return { v: new Float64Array(d).fill(s), described: s };
}
