/**
 * A rate theorem's bound B(T, d, n, kappa, sigma, ...) as a mathjs expression, and the slopes a
 * sweep compares against.
 *
 * The expected slope of a rate check is never typed by hand: it is read off the bound. Two
 * definitions are provided:
 *
 * - **local slope** in v at a point: the log-log derivative
 *   $s_v(p) = \frac{\partial \log B}{\partial \log v}(p) = \frac{v\,\partial B/\partial v}{B}$,
 *   with $\partial B / \partial v$ computed symbolically by mathjs `derivative`;
 * - **sweep slope** ("the bound's slope over the sweep range", the one verdicts use): the ordinary
 *   least-squares coefficients of $\log B$ on $(1, \log v_1, \dots, \log v_k)$ through the bound's
 *   values at the sweep points. It is computed exactly as the empirical slope is fitted (the same
 *   points, the same regression), so that comparing the two compares like with like. For a pure
 *   power law both definitions coincide; for a sum of powers (e.g. P1 Thm 3,
 *   $d^{1/2}T^{-1/2} + d n^{-1/2}$) the sweep slope is a weighted average of the local slopes
 *   across the range.
 *
 * Grammar accepted (anything else is a {@link UserInputError}): numbers, declared symbols, the
 * constants `pi` and `e` (unless declared as symbols), the operators `+ - * / ^` (binary and unary
 * minus/plus, implicit multiplication), parentheses, and the functions sqrt, cbrt, nthRoot(x, k),
 * exp, log(x), log(x, base), log10, pow, abs, max, min. max/min are piecewise smooth: the local
 * slope differentiates the active piece at the point; at an exact tie it takes the right
 * derivative in v (for max, the largest slope among the tied pieces; for min, the smallest).
 */
import {
  derivative,
  isConstantNode,
  isFunctionNode,
  isOperatorNode,
  isParenthesisNode,
  isSymbolNode,
  parse,
  type EvalFunction,
  type MathNode,
} from 'mathjs';
import { UserInputError, shown } from '../core/errors.ts';
import { olsFit } from '../stats/index.ts';

/** Functions a bound may call, with the argument counts allowed. */
const FUNCTIONS: Readonly<Record<string, readonly number[]>> = {
  sqrt: [1],
  cbrt: [1],
  nthRoot: [2],
  exp: [1],
  log: [1, 2],
  log10: [1],
  pow: [2],
  abs: [1],
  max: [2, 3, 4, 5, 6, 7, 8],
  min: [2, 3, 4, 5, 6, 7, 8],
};
const OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus']);
const BUILTIN_CONSTANTS = new Set(['pi', 'e']);
const SYMBOL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Values of a bound's symbols at one point, e.g. `{ T: 1024, d: 16, n: 1 }`. */
export type SymbolValues = Readonly<Record<string, number>>;

/**
 * A parsed bound. Create with {@link parseBound}; all methods throw {@link UserInputError} for a
 * missing or non-finite symbol value, or a value of B that is not finite and > 0 (slopes are
 * log-log, so B must be positive where they are taken).
 */
export interface Bound {
  /** The expression as written. */
  readonly source: string;
  /** LaTeX of the expression (mathjs `toTex`), for reports. */
  readonly tex: string;
  /** Declared symbols, in declaration order. */
  readonly symbols: readonly string[];
  /** Declared symbols that the expression actually uses. */
  readonly used: readonly string[];
  /** $B(p)$. */
  evaluate(point: SymbolValues): number;
  /** $\partial B / \partial v$ at p (symbolic derivative of the active piece). */
  partial(variable: string, point: SymbolValues): number;
  /** Local log-log slope $v\,\partial_v B / B$ at p. */
  localSlope(variable: string, point: SymbolValues): number;
  /**
   * Sweep slopes: OLS coefficients of $\log B(p_k)$ on $(1, \log v_{1,k}, ..., \log v_{m,k})$ over
   * the points $p_k$; returns one slope per variable, in the order given. The variables must vary
   * independently over the points (else the regression is singular: UserInputError).
   */
  sweepSlopes(variables: readonly string[], points: readonly SymbolValues[]): number[];
  /**
   * One-variable sweep slope: v takes `values`, every other symbol is held at `fixed`.
   * Same as `sweepSlopes([v], values.map(x => ({ ...fixed, [v]: x })))[0]`.
   */
  sweepSlope(variable: string, values: readonly number[], fixed: SymbolValues): number;
}

function describeNode(node: MathNode): string {
  try {
    return node.toString();
  } catch {
    return node.type;
  }
}

/** Checks the grammar and collects the symbols used; throws UserInputError naming `where`. */
function validateTree(node: MathNode, declared: ReadonlySet<string>, used: Set<string>, where: string): void {
  if (isConstantNode(node)) {
    if (typeof node.value !== 'number' || !Number.isFinite(node.value)) {
      throw new UserInputError(where, 'may contain only finite numeric constants', `got ${describeNode(node)}`);
    }
    return;
  }
  if (isSymbolNode(node)) {
    if (declared.has(node.name)) used.add(node.name);
    else if (!BUILTIN_CONSTANTS.has(node.name)) {
      throw new UserInputError(
        where,
        `uses undeclared symbol "${node.name}"; declared symbols are: ${[...declared].join(', ') || '(none)'}`,
      );
    }
    return;
  }
  if (isParenthesisNode(node)) {
    validateTree(node.content, declared, used, where);
    return;
  }
  if (isOperatorNode(node)) {
    if (!OPERATORS.has(node.fn)) {
      throw new UserInputError(where, 'may use only the operators + - * / ^', `got "${node.op}" in ${describeNode(node)}`);
    }
    for (const a of node.args) validateTree(a, declared, used, where);
    return;
  }
  if (isFunctionNode(node)) {
    const name = isSymbolNode(node.fn) ? node.fn.name : '';
    const counts = FUNCTIONS[name];
    if (!counts) {
      throw new UserInputError(
        where,
        `may call only ${Object.keys(FUNCTIONS).join(', ')}`,
        `got ${describeNode(node)}`,
      );
    }
    if (!counts.includes(node.args.length)) {
      throw new UserInputError(where, `${name} takes ${counts.join(' or ')} argument(s)`, `got ${describeNode(node)}`);
    }
    for (const a of node.args) validateTree(a, declared, used, where);
    return;
  }
  throw new UserInputError(where, 'must be a single arithmetic expression', `got a ${node.type}: ${describeNode(node)}`);
}

function fnName(node: MathNode): string | null {
  return isFunctionNode(node) && isSymbolNode(node.fn) ? node.fn.name : null;
}

class ParsedBound implements Bound {
  readonly tex: string;
  readonly used: readonly string[];
  private readonly root: MathNode;
  private readonly compiled = new WeakMap<MathNode, EvalFunction>();
  private readonly derivativeCache = new Map<string, EvalFunction>();
  private readonly hasPieces: boolean;

  constructor(
    readonly source: string,
    readonly symbols: readonly string[],
    root: MathNode,
    used: readonly string[],
  ) {
    this.root = root;
    this.used = used;
    this.tex = root.toTex();
    let pieces = false;
    root.traverse((n) => {
      const name = fnName(n);
      if (name === 'max' || name === 'min') pieces = true;
    });
    this.hasPieces = pieces;
  }

  private checkPoint(point: SymbolValues, what: string): void {
    for (const s of this.used) {
      const v = point[s];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new UserInputError(`${what} of bound "${this.source}"`, `needs a finite value for symbol "${s}"`, `got ${shown(v)}`);
      }
    }
  }

  private evalNode(node: MathNode, point: SymbolValues): number {
    let code = this.compiled.get(node);
    if (!code) {
      code = node.compile();
      this.compiled.set(node, code);
    }
    const value: unknown = code.evaluate({ ...point });
    if (typeof value !== 'number') {
      throw new UserInputError(
        `bound "${this.source}"`,
        'must evaluate to a real number',
        `${describeNode(node)} gave ${shown(String(value))} at ${shown(point)}`,
      );
    }
    return value;
  }

  evaluate(point: SymbolValues): number {
    this.checkPoint(point, 'evaluation');
    const b = this.evalNode(this.root, point);
    if (!Number.isFinite(b)) {
      throw new UserInputError(`bound "${this.source}"`, 'must be finite', `got ${b} at ${shown(point)}`);
    }
    return b;
  }

  /**
   * Replaces every max/min by its active argument at `point` (right derivative in `variable` at a
   * tie) and records the choices in `signature`, so the derivative of each smooth piece
   * combination is built once.
   */
  private resolve(node: MathNode, point: SymbolValues, variable: string, signature: number[]): MathNode {
    const name = fnName(node);
    if (isFunctionNode(node) && (name === 'max' || name === 'min')) {
      const args = node.args.map((a) => this.resolve(a, point, variable, signature));
      const values = args.map((a) => this.evalNode(a, point));
      const best = name === 'max' ? Math.max(...values) : Math.min(...values);
      const tied = values.map((v, i) => (v === best ? i : -1)).filter((i) => i >= 0);
      let pick = tied[0];
      if (tied.length > 1) {
        let bestSlope = name === 'max' ? -Infinity : Infinity;
        for (const i of tied) {
          const s = this.evalNode(derivative(args[i], variable, { simplify: false }), point);
          if (name === 'max' ? s > bestSlope : s < bestSlope) {
            bestSlope = s;
            pick = i;
          }
        }
      }
      signature.push(pick);
      return args[pick];
    }
    if (isFunctionNode(node) || isOperatorNode(node) || isParenthesisNode(node)) {
      return node.map((child, path) => (path === 'fn' ? child : this.resolve(child, point, variable, signature)));
    }
    return node;
  }

  private checkVariable(variable: string): void {
    if (!this.symbols.includes(variable)) {
      throw new UserInputError('variable', `must be a declared symbol of bound "${this.source}" (${this.symbols.join(', ')})`, `got ${shown(variable)}`);
    }
  }

  partial(variable: string, point: SymbolValues): number {
    this.checkVariable(variable);
    this.checkPoint(point, 'derivative');
    let key = variable;
    let smooth = this.root;
    if (this.hasPieces) {
      const signature: number[] = [];
      smooth = this.resolve(this.root, point, variable, signature);
      key = `${variable}|${signature.join(',')}`;
    }
    let code = this.derivativeCache.get(key);
    if (!code) {
      code = derivative(smooth, variable, { simplify: false }).compile();
      this.derivativeCache.set(key, code);
    }
    const value: unknown = code.evaluate({ ...point });
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new UserInputError(`bound "${this.source}"`, `must be differentiable in ${variable}`, `derivative is ${shown(String(value))} at ${shown(point)}`);
    }
    return value;
  }

  localSlope(variable: string, point: SymbolValues): number {
    this.checkVariable(variable);
    const b = this.evaluate(point);
    if (!(b > 0)) throw new UserInputError(`bound "${this.source}"`, 'must be > 0 where a log-log slope is taken', `got ${b} at ${shown(point)}`);
    const v = point[variable];
    if (!(typeof v === 'number' && v > 0)) {
      throw new UserInputError(`local slope in ${variable}`, `needs ${variable} > 0`, `got ${shown(v)}`);
    }
    return (v * this.partial(variable, point)) / b;
  }

  sweepSlopes(variables: readonly string[], points: readonly SymbolValues[]): number[] {
    if (variables.length === 0) throw new UserInputError('variables', 'must name at least one swept variable');
    for (const v of variables) {
      if (!this.symbols.includes(v)) {
        throw new UserInputError('variables', `must be declared symbols of bound "${this.source}" (${this.symbols.join(', ')})`, `got ${shown(v)}`);
      }
    }
    if (points.length < variables.length + 1) {
      throw new UserInputError('sweep points', `must number at least ${variables.length + 1} to fit ${variables.length} slope(s)`, `got ${points.length}`);
    }
    const X: number[][] = [];
    const y: number[] = [];
    for (const p of points) {
      const b = this.evaluate(p);
      if (!(b > 0)) throw new UserInputError(`bound "${this.source}"`, 'must be > 0 at every sweep point', `got ${b} at ${shown(p)}`);
      X.push(
        variables.map((v) => {
          const x = p[v];
          if (!(x > 0)) throw new UserInputError(`sweep point ${v}`, 'must be > 0 for a log-log slope', `got ${shown(x)}`);
          return Math.log(x);
        }),
      );
      y.push(Math.log(b));
    }
    return olsFit(X, y, variables).coefficients.slice(1);
  }

  sweepSlope(variable: string, values: readonly number[], fixed: SymbolValues): number {
    return this.sweepSlopes(
      [variable],
      values.map((x) => ({ ...fixed, [variable]: x })),
    )[0];
  }
}

/**
 * Parses a bound such as `"sqrt(d) / T^(1/4)"` over the declared `symbols` (e.g.
 * `['T', 'd', 'n', 'eta0']`). Throws {@link UserInputError} when the text does not parse, uses a
 * symbol that is not declared, or leaves the accepted grammar (see the module doc).
 */
export function parseBound(expression: string, symbols: readonly string[]): Bound {
  if (typeof expression !== 'string' || expression.trim() === '') {
    throw new UserInputError('bound', 'must be a non-empty expression string', `got ${shown(expression)}`);
  }
  const declared = new Set<string>();
  for (const s of symbols) {
    if (typeof s !== 'string' || !SYMBOL_NAME.test(s)) {
      throw new UserInputError('bound symbols', 'must be identifiers ([A-Za-z_][A-Za-z0-9_]*)', `got ${shown(s)}`);
    }
    if (FUNCTIONS[s]) throw new UserInputError('bound symbols', 'must not shadow a function name', `got ${shown(s)}`);
    if (declared.has(s)) throw new UserInputError('bound symbols', 'must be distinct', `"${s}" twice`);
    declared.add(s);
  }
  let root: MathNode;
  try {
    root = parse(expression);
  } catch (err) {
    throw new UserInputError(`bound "${expression}"`, 'must parse as a mathjs expression', (err as Error).message);
  }
  const used = new Set<string>();
  validateTree(root, declared, used, `bound "${expression}"`);
  return new ParsedBound(
    expression,
    [...symbols],
    root,
    symbols.filter((s) => used.has(s)),
  );
}
