/**
 * Errors caused by what a user supplied (a hyperparameter, a flag, a config key, a data file).
 * The CLI prints `message` without a stack trace and exits with code 2. `parameter` names what
 * was wrong and `rule` states what it must satisfy, so the message reads
 * "signum requires beta in (0, 1] (got 1.5)".
 */
export class UserInputError extends Error {
  readonly parameter: string;
  readonly rule: string;
  constructor(parameter: string, rule: string, detail?: string) {
    super(`${parameter}: ${rule}${detail ? ` (${detail})` : ''}`);
    this.name = 'UserInputError';
    this.parameter = parameter;
    this.rule = rule;
  }
}

/** Formats a value for an error message: numbers in full precision, strings quoted. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Throws unless `value` is a finite number > 0. */
export function requirePositive(parameter: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new UserInputError(parameter, 'must be a finite number > 0', `got ${shown(value)}`);
  }
  return value;
}

/** Throws unless `value` is a finite number >= 0. */
export function requireNonNegative(parameter: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new UserInputError(parameter, 'must be a finite number >= 0', `got ${shown(value)}`);
  }
  return value;
}

/** Throws unless `value` is an integer >= min (default 1). */
export function requireInteger(parameter: string, value: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new UserInputError(parameter, `must be an integer ${range}`, `got ${shown(value)}`);
  }
  return value;
}

/**
 * Throws unless `value` lies in the interval given by `lo`, `hi` and the open/closed flags,
 * e.g. requireInterval('beta', b, 0, 1, 'open', 'closed') for beta in (0, 1].
 */
export function requireInterval(
  parameter: string,
  value: number,
  lo: number,
  hi: number,
  loEnd: 'open' | 'closed',
  hiEnd: 'open' | 'closed',
): number {
  const okLo = loEnd === 'open' ? value > lo : value >= lo;
  const okHi = hiEnd === 'open' ? value < hi : value <= hi;
  if (typeof value !== 'number' || !Number.isFinite(value) || !okLo || !okHi) {
    const rule = `must lie in ${loEnd === 'open' ? '(' : '['}${lo}, ${hi}${hiEnd === 'open' ? ')' : ']'}`;
    throw new UserInputError(parameter, rule, `got ${shown(value)}`);
  }
  return value;
}
