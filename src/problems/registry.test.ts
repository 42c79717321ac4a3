import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { problemFamilies } from './index.ts';
import { shardRows } from './sharded-logistic.ts';

/**
 * The problem registry's contract with its readers (`signcheck problems`, lemma domains, report
 * pages): every family documents its assumptions and each parameter, and bad parameters get an
 * error naming the parameter and the rule. (Found by mutation testing: emptying these texts, or
 * the checks behind the messages, went unnoticed.)
 */
describe('the problem registry: every family is documented', () => {
  const families = problemFamilies.all();
  it('has the 11 families with unique ids', () => {
    expect(families.length).toBe(11);
    expect(new Set(families.map((f) => f.id)).size).toBe(families.length);
  });
  for (const fam of families) {
    it(`${fam.id}: summary, assumptions and every parameter's type, default and doc`, () => {
      expect(fam.summary.trim()).not.toBe('');
      expect(fam.assumptions.length).toBeGreaterThan(0);
      for (const a of fam.assumptions) expect(a.trim(), `${fam.id} assumption`).not.toBe('');
      expect(new Set(fam.assumptions).size).toBe(fam.assumptions.length);
      const params = fam.parameters ?? [];
      expect(params.length, `${fam.id} documents its parameters`).toBeGreaterThan(0);
      expect(new Set(params.map((p) => p.name)).size).toBe(params.length);
      for (const p of params) {
        for (const [field, text] of [['name', p.name], ['type', p.type], ['default', p.default], ['doc', p.doc]] as const) {
          expect(text.trim(), `${fam.id}.${p.name}.${field}`).not.toBe('');
        }
      }
    });
  }
});

describe('bad problem parameters are named in the error', () => {
  const sep = problemFamilies.get('separable-quadratic');
  it('parameters that are not an object', () => {
    expect(() => sep.create(42 as never)).toThrow(UserInputError);
    expect(() => sep.create(42 as never)).toThrow(/separable-quadratic: parameters must be an object \(got 42\)/);
  });
  it('a non-finite number', () => {
    expect(() => problemFamilies.get('exp-sum').create({ d: 3, a: Infinity } as never)).toThrow(/exp-sum\.a: must be a finite number \(got Infinity\)/);
  });
  it('a non-finite constant start', () => {
    expect(() => sep.create({ d: 3, x0: '1e999' } as never)).toThrow(/separable-quadratic\.x0: /);
    expect(() => sep.create({ d: 3, x0: NaN } as never)).toThrow(/separable-quadratic\.x0: must be finite \(got NaN\)/);
  });
  it('sharded-logistic: more workers than rows', () => {
    expect(() => shardRows(new Float64Array([1, -1, 1]), 4, 0, 1)).toThrow(/sharded-logistic\.workers: must be at most the number of rows \(3\) \(got 4\)/);
    expect(shardRows(new Float64Array([1, -1, 1]), 3, 0, 1).size).toBe(1);
  });
});

describe('documented defaults hold', () => {
  for (const id of ['exp-sum', 'logistic-synthetic']) {
    it(`${id}: x0 defaults to zeros`, () => {
      const p = problemFamilies.get(id).create({ d: 5 } as never);
      expect(Array.from(p.x0())).toEqual([0, 0, 0, 0, 0]);
    });
  }
});
