import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { checkDistributed, distributedPartOf } from './distributed.ts';
import { evalExpr, parseExpr, toWgsl } from './expr.ts';
import { algorithms } from './index.ts';
import { checkProgram, satisfiesRule, type HyperRule, type StepProgram } from './program.ts';

describe('hyperparameter rules at their boundaries', () => {
  // [rule, values that satisfy it, values that do not]
  const cases: Array<[HyperRule, number[], number[]]> = [
    ['positive', [1e-300, 1, 1e300], [0, -0, -1e-300, NaN, Infinity]],
    ['nonnegative', [0, -0, 1e-300, 5], [-1e-300, -1, NaN, Infinity]],
    ['unit-open-closed', [1e-300, 0.5, 1], [0, 1 + 2 ** -52, -0.5, NaN]],
    ['unit-closed-open', [0, 0.5, 1 - 2 ** -53], [1, -1e-300, 2, NaN]],
    ['integer>=1', [1, 2, 2 ** 40], [0, 1.5, -1, NaN, Infinity]],
    ['flag', [0, 1], [0.5, 2, -1, NaN]],
    ['any', [-1e300, 0, 3], [NaN, Infinity, -Infinity]],
  ];
  for (const [rule, yes, no] of cases) {
    it(`${rule}: accepts ${yes.join(', ')}; rejects ${no.join(', ')}`, () => {
      for (const v of yes) expect(satisfiesRule(rule, v), `${rule}(${v})`).toBe(true);
      for (const v of no) expect(satisfiesRule(rule, v), `${rule}(${v})`).toBe(false);
    });
  }
});

describe('malformed inputs are named in the error', () => {
  it('a parse error quotes the unexpected token and the expression', () => {
    expect(() => parseExpr('x + 1 )')).toThrow(UserInputError);
    expect(() => parseExpr('x + 1 )')).toThrow(/expression: unexpected "\)" \("x \+ 1 \)"\)/);
  });

  it('a distributed program whose S_R guard reads a norm no max reduction fills is rejected', () => {
    const def = distributedPartOf(algorithms.get('mvsm-v1'))!;
    expect(def.guards?.length).toBeGreaterThan(0);
    expect(() => checkDistributed(def)).not.toThrow();
    const guards = def.guards!.map((g) => ({ ...g, norm: 'nowhere' }));
    expect(() => checkDistributed({ ...def, guards })).toThrow(/guard norm nowhere is not filled by a max reduction/);
    // a norm filled by a sum (not a max) reduction is not enough either
    const program = { ...def.program, ops: def.program.ops.map((op) => (op.op === 'map' && op.reduce ? { ...op, reduce: op.reduce.map((r) => ({ ...r, kind: 'sum' as const })) } : op)) };
    expect(() => checkDistributed({ ...def, program })).toThrow(/is not filled by a max reduction/);
  });
});

describe('step programs: malformed names and reduction kinds are rejected', () => {
  const base: StepProgram = {
    vectors: [{ name: 'm', scope: 'server' }],
    scalars: [{ name: 'n1', scope: 'server', init: 0 }],
    params: ['lr'],
    ops: [{ op: 'map', scope: 'server', assign: [['m', 'g'], ['x', 'x - lr * m']], reduce: [{ into: 'n1', kind: 'sum', expr: 'abs(g)' }] }],
  };
  it('accepts the well-formed program', () => {
    expect(() => checkProgram('ok', base)).not.toThrow();
  });
  it('an assignment target that is not a name (it would silently write nothing)', () => {
    const bad: StepProgram = { ...base, ops: [{ op: 'map', scope: 'server', assign: [['', 'g'], ['x', 'x - lr * m']] }] };
    expect(() => checkProgram('bad', bad)).toThrow(/bad program: assigns to "", which is not a name/);
    const digit: StepProgram = { ...base, ops: [{ op: 'map', scope: 'server', assign: [['2m', 'g']] }] };
    expect(() => checkProgram('bad', digit)).toThrow(/assigns to "2m"/);
  });
  it('declared vectors and scalars must be names', () => {
    expect(() => checkProgram('bad', { ...base, vectors: [{ name: 'a b', scope: 'server' }] })).toThrow(/declares the vector "a b"/);
    expect(() => checkProgram('bad', { ...base, scalars: [{ name: '', scope: 'server', init: 0 }] })).toThrow(/declares the scalar ""/);
  });
  it('a reduction kind other than sum or max', () => {
    const bad = { ...base, ops: [{ op: 'map', scope: 'server', assign: [], reduce: [{ into: 'n1', kind: '' as 'sum', expr: 'abs(g)' }] }] } as StepProgram;
    expect(() => checkProgram('bad', bad)).toThrow(/reduction into n1 has kind ""; it must be "sum" or "max"/);
  });
});

describe('expressions evaluate and compile as parsed', () => {
  const e = parseExpr('-a * (b - 2) / max(c, 4) + sqrt(abs(a))');
  it('evalExpr follows the precedence and the functions', () => {
    expect(evalExpr(e, { a: 9, b: 5, c: 1 })).toBe((-9 * 3) / 4 + 3);
    expect(() => evalExpr(parseExpr('a + q'), { a: 1 })).toThrow(/reads undefined name "q"/);
  });
  it('toWgsl parenthesises every binary operation and maps names', () => {
    expect(toWgsl(parseExpr('a - b * c'), (v) => `v_${v}`)).toBe('(v_a - (v_b * v_c))');
    expect(toWgsl(parseExpr('-(a + 1)'), (v) => v)).toMatch(/^\(-\(a \+ 1(\.0)?\)\)$/);
  });
});
