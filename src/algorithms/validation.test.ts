import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { checkDistributed, distributedPartOf } from './distributed.ts';
import { parseExpr } from './expr.ts';
import { algorithms } from './index.ts';
import { satisfiesRule, type HyperRule } from './program.ts';

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
