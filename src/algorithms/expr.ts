import { UserInputError } from '../core/errors.ts';

/**
 * The tiny expression language in which update rules are written once and compiled twice: to a
 * JavaScript loop body (CPU engine, float64) and to WGSL (GPU engine, f32).
 *
 * Grammar: numbers, identifiers, + - * /, parentheses, unary minus, and calls to the functions in
 * {@link EXPR_FUNCTIONS}. No comparisons or branches: use `pos(c)` (1 if c > 0 else 0) and
 * arithmetic blends instead, so the same text is valid in both targets.
 *
 * sign(0) = 0, coordinate-wise, on every engine (THEORY.md notation).
 */
export const EXPR_FUNCTIONS = {
  /** sign(x) in {-1, 0, 1}, sign(0) = 0. */
  sign: { arity: 1, js: 'Math.sign', wgsl: 'sign' },
  abs: { arity: 1, js: 'Math.abs', wgsl: 'abs' },
  sqrt: { arity: 1, js: 'Math.sqrt', wgsl: 'sqrt' },
  exp: { arity: 1, js: 'Math.exp', wgsl: 'exp' },
  log: { arity: 1, js: 'Math.log', wgsl: 'log' },
  min: { arity: 2, js: 'Math.min', wgsl: 'min' },
  max: { arity: 2, js: 'Math.max', wgsl: 'max' },
  /** pos(c) = 1 if c > 0 else 0. */
  pos: { arity: 1, js: '__pos', wgsl: 'sc_pos' },
  /**
   * rand(k), k in {0, 1, 2, 3} a literal: a uniform in (0, 1), word k of the Philox call with
   * counter (coordinate i, step t, worker j, replica r) and key (seed, compress + op index). Four
   * independent uniforms per coordinate and op; used by randomised compressors such as S_R.
   */
  rand: { arity: 1, js: '__rand', wgsl: 'sc_rand' },
} as const;
export type ExprFunction = keyof typeof EXPR_FUNCTIONS;

type Token =
  | { kind: 'num'; text: string }
  | { kind: 'id'; text: string }
  | { kind: 'op'; text: string };

/** Splits an expression into tokens; throws a UserInputError on a character outside the grammar. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/(),]))/y;
  let pos = 0;
  while (pos < source.length) {
    if (/^\s*$/.test(source.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(source);
    if (!m) throw new UserInputError('expression', 'may contain only numbers, names, + - * / ( ) and commas', `"${source}" at ${pos}`);
    if (m[1] !== undefined) tokens.push({ kind: 'num', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'id', text: m[2] });
    else tokens.push({ kind: 'op', text: m[3] });
    pos = re.lastIndex;
  }
  return tokens;
}

/** A parsed expression tree. */
export type Expr =
  | { kind: 'num'; value: number; text: string }
  | { kind: 'var'; name: string }
  | { kind: 'neg'; arg: Expr }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/'; left: Expr; right: Expr }
  | { kind: 'call'; fn: ExprFunction; args: Expr[] };

/** Parses an expression of the update-rule language (precedence: unary minus > * / > + -). */
export function parseExpr(source: string): Expr {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const fail = (what: string): never => {
    throw new UserInputError('expression', what, `"${source}"`);
  };
  const expect = (text: string) => {
    const t = tokens[i++];
    if (!t || t.text !== text) fail(`expected "${text}"`);
  };
  function primary(): Expr {
    const t = tokens[i++];
    if (!t) return fail('ended unexpectedly');
    if (t.kind === 'num') return { kind: 'num', value: Number(t.text), text: t.text };
    if (t.kind === 'id') {
      if (peek()?.text === '(') {
        if (!(t.text in EXPR_FUNCTIONS)) fail(`unknown function ${t.text}; known: ${Object.keys(EXPR_FUNCTIONS).join(', ')}`);
        const fn = t.text as ExprFunction;
        i++;
        const args: Expr[] = [];
        if (peek()?.text !== ')') {
          args.push(sum());
          while (peek()?.text === ',') {
            i++;
            args.push(sum());
          }
        }
        expect(')');
        if (args.length !== EXPR_FUNCTIONS[fn].arity) fail(`${fn} takes ${EXPR_FUNCTIONS[fn].arity} argument(s)`);
        if (fn === 'rand' && !(args[0].kind === 'num' && [0, 1, 2, 3].includes(args[0].value))) fail('rand takes a literal slot 0, 1, 2 or 3');
        return { kind: 'call', fn, args };
      }
      return { kind: 'var', name: t.text };
    }
    if (t.text === '(') {
      const e = sum();
      expect(')');
      return e;
    }
    if (t.text === '-') return { kind: 'neg', arg: primary() };
    return fail(`unexpected "${t.text}"`);
  }
  function product(): Expr {
    let left = primary();
    while (peek()?.text === '*' || peek()?.text === '/') {
      const op = tokens[i++].text as '*' | '/';
      left = { kind: 'bin', op, left, right: primary() };
    }
    return left;
  }
  function sum(): Expr {
    let left = product();
    while (peek()?.text === '+' || peek()?.text === '-') {
      const op = tokens[i++].text as '+' | '-';
      left = { kind: 'bin', op, left, right: product() };
    }
    return left;
  }
  const e = sum();
  if (i !== tokens.length) fail(`unexpected "${tokens[i].text}"`);
  return e;
}

/** The names an expression reads. */
export function freeVariables(e: Expr, into = new Set<string>()): Set<string> {
  switch (e.kind) {
    case 'var':
      into.add(e.name);
      break;
    case 'neg':
      freeVariables(e.arg, into);
      break;
    case 'bin':
      freeVariables(e.left, into);
      freeVariables(e.right, into);
      break;
    case 'call':
      for (const a of e.args) freeVariables(a, into);
      break;
    default:
      break;
  }
  return into;
}

/** Emits JavaScript; `name` maps each variable to the JS expression that reads it. */
export function toJs(e: Expr, name: (v: string) => string): string {
  switch (e.kind) {
    case 'num':
      return `(${e.value})`;
    case 'var':
      return name(e.name);
    case 'neg':
      return `(-${toJs(e.arg, name)})`;
    case 'bin':
      return `(${toJs(e.left, name)} ${e.op} ${toJs(e.right, name)})`;
    case 'call':
      if (e.fn === 'rand') return `__u${(e.args[0] as { value: number }).value}`;
      return `${EXPR_FUNCTIONS[e.fn].js}(${e.args.map((a) => toJs(a, name)).join(', ')})`;
  }
}

/** Whether an expression draws random numbers (rand). */
export function usesRand(e: Expr): boolean {
  switch (e.kind) {
    case 'call':
      return e.fn === 'rand' || e.args.some(usesRand);
    case 'bin':
      return usesRand(e.left) || usesRand(e.right);
    case 'neg':
      return usesRand(e.arg);
    default:
      return false;
  }
}

/** Formats a number as a WGSL f32 literal (always with a decimal point or exponent). */
export function wgslFloat(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`cannot emit ${v} as a WGSL literal`);
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** Emits WGSL (f32 arithmetic); `name` maps each variable to the WGSL expression that reads it. */
export function toWgsl(e: Expr, name: (v: string) => string): string {
  switch (e.kind) {
    case 'num':
      return wgslFloat(e.value);
    case 'var':
      return name(e.name);
    case 'neg':
      return `(-${toWgsl(e.arg, name)})`;
    case 'bin':
      return `(${toWgsl(e.left, name)} ${e.op} ${toWgsl(e.right, name)})`;
    case 'call':
      return `${EXPR_FUNCTIONS[e.fn].wgsl}(${e.args.map((a) => toWgsl(a, name)).join(', ')})`;
  }
}

/** WGSL definitions of the helper functions the emitted code may call. */
export const WGSL_EXPR_PRELUDE = `fn sc_pos(c: f32) -> f32 { return select(0.0, 1.0, c > 0.0); }\n`;

/** Evaluates an expression in float64 (used by tests and by host-side scalar updates). */
export function evalExpr(e: Expr, env: Readonly<Record<string, number>>): number {
  switch (e.kind) {
    case 'num':
      return e.value;
    case 'var': {
      const v = env[e.name];
      if (v === undefined) throw new UserInputError('expression', `reads undefined name "${e.name}"`);
      return v;
    }
    case 'neg':
      return -evalExpr(e.arg, env);
    case 'bin': {
      const a = evalExpr(e.left, env);
      const b = evalExpr(e.right, env);
      return e.op === '+' ? a + b : e.op === '-' ? a - b : e.op === '*' ? a * b : a / b;
    }
    case 'call': {
      const args = e.args.map((a) => evalExpr(a, env));
      if (e.fn === 'pos') return args[0] > 0 ? 1 : 0;
      if (e.fn === 'rand') throw new UserInputError('expression', 'rand() is only available inside an engine step');
      const f = Math[e.fn as Exclude<ExprFunction, 'pos' | 'rand'>] as (...a: number[]) => number;
      return f(...args);
    }
  }
}
