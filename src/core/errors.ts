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
    super(`${shortened(parameter)}: ${shortened(rule, RULE_CHARS)}${detail ? ` (${shortened(detail)})` : ''}`);
    this.name = 'UserInputError';
    this.parameter = parameter;
    this.rule = rule;
  }
}

/** Longest parameter or detail an error message shows in full (longer ones are {@link shortened}). */
export const MESSAGE_PART_CHARS = 300;
/** Longest rule shown in full (rules list the allowed ids, which can be long but stay useful). */
const RULE_CHARS = 4000;

/**
 * A string cut to at most `max` characters for a message: its start, "...", its end and the full
 * length, e.g. `aaaa...aaaa [100000 chars]`. Shorter strings come back unchanged.
 */
export function shortened(s: string, max = MESSAGE_PART_CHARS): string {
  if (s.length <= max) return s;
  const note = ` [${s.length} chars]`;
  const keep = Math.max(8, max - note.length - 3);
  const head = Math.ceil(keep * 0.75);
  return `${s.slice(0, head)}...${s.slice(s.length - (keep - head))}${note}`;
}

const ERRNO_RULES: Record<string, string> = {
  EACCES: 'must be writable (permission denied)',
  EPERM: 'must be writable (operation not permitted)',
  EROFS: 'must be on a writable file system (read-only)',
  ENOTDIR: 'must not lie under a file (a parent is not a directory)',
  EISDIR: 'must be a file, not a directory',
  EEXIST: 'must not exist as a file where a directory is needed',
  ENOENT: 'must exist',
  ENOSPC: 'needs free disk space (device full)',
  EDQUOT: 'needs free disk quota',
  EMFILE: 'needs free file descriptors (too many open files)',
  ENAMETOOLONG: 'must be a shorter path (name too long)',
  ELOOP: 'must not be a symbolic-link loop',
};

/**
 * A file-system error of Node (an Error with an errno `code` and usually a `path`) turned into a
 * UserInputError naming the path and the rule it broke, e.g.
 * "/tmp/out/x.jsonl: must be writable (permission denied) (EACCES, open)"; null for other errors.
 * `flag` names the option the path came from, when the caller knows it.
 */
export function fileSystemError(err: unknown, flag?: string): UserInputError | null {
  if (!(err instanceof Error)) return null;
  const e = err as NodeJS.ErrnoException;
  const rule = e.code ? ERRNO_RULES[e.code] : undefined;
  if (!rule) return null;
  const where = e.path ? (flag ? `${flag} ${e.path}` : e.path) : (flag ?? 'file system');
  return new UserInputError(where, rule, [e.code, e.syscall].filter(Boolean).join(', '));
}

/** Formats a value for an error message: numbers in full precision, strings quoted, long ones {@link shortened}. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return shortened(JSON.stringify(value));
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  try {
    return shortened(JSON.stringify(value) ?? String(value));
  } catch {
    return shortened(String(value));
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
