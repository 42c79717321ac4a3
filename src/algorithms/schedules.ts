import { compile, parse } from 'mathjs';
import { UserInputError } from '../core/errors.ts';

/** What a schedule may depend on: the step t (0-based), the horizon T, dimension d, workers n. */
export interface ScheduleContext {
  readonly t: number;
  readonly T: number;
  readonly d: number;
  readonly n: number;
}

/**
 * A per-step scalar (step size, momentum weight, batch size, ...). Written as a mathjs expression
 * in t, T, d, n (and pi, e), e.g. "0.1 * T^(-3/4)" (P1 Thm 1's eta = eta0 T^{-3/4}),
 * "0.5 * (1 + cos(pi * t / T))" (cosine), or a plain number. The expression is the description
 * shown in reports, so a schedule is always printed as it was declared.
 */
export interface Schedule {
  readonly expression: string;
  /** True when the value does not depend on t (evaluated once per run). */
  readonly constantInT: boolean;
  at(ctx: ScheduleContext): number;
}

const ALLOWED = new Set(['t', 'T', 'd', 'n', 'pi', 'e']);

/** Compiles a schedule expression; a number is a constant schedule. */
export function schedule(parameter: string, value: number | string): Schedule {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UserInputError(parameter, 'must be a finite number or an expression in t, T, d, n', `got ${value}`);
    return { expression: String(value), constantInT: true, at: () => value };
  }
  let node;
  try {
    node = parse(value);
  } catch (err) {
    throw new UserInputError(parameter, 'must be a number or a valid expression in t, T, d, n', `"${value}": ${(err as Error).message}`);
  }
  const symbols = new Set<string>();
  node.traverse((n, path, parent) => {
    if ((n as { isSymbolNode?: boolean }).isSymbolNode) {
      const isFunctionName = parent && (parent as { isFunctionNode?: boolean }).isFunctionNode && path === 'fn';
      if (!isFunctionName) symbols.add((n as unknown as { name: string }).name);
    }
  });
  for (const s of symbols) {
    if (!ALLOWED.has(s)) throw new UserInputError(parameter, 'may use only t, T, d, n, pi, e', `"${value}" uses "${s}"`);
  }
  const code = compile(value);
  return {
    expression: value,
    constantInT: !symbols.has('t'),
    at: (ctx) => {
      const v = code.evaluate({ t: ctx.t, T: ctx.T, d: ctx.d, n: ctx.n });
      return typeof v === 'number' ? v : Number.NaN;
    },
  };
}

/** c * T^a * d^b * n^e as an expression (theorem-driven step sizes). */
export function powerLaw(c: number, exps: { T?: number; d?: number; n?: number }): string {
  const parts = [String(c)];
  if (exps.T) parts.push(`T^(${exps.T})`);
  if (exps.d) parts.push(`d^(${exps.d})`);
  if (exps.n) parts.push(`n^(${exps.n})`);
  return parts.join(' * ');
}

/** Cosine decay from `peak` to `floor` over the horizon T. */
export function cosine(peak: number, floor = 0): string {
  return `${floor} + (${peak} - ${floor}) * 0.5 * (1 + cos(pi * t / T))`;
}
