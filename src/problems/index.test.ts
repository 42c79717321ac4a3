import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { createProblem, problemFamilies } from './index.ts';

describe('problem registry', () => {
  it('holds every family, each with documented parameters that match what create() accepts', () => {
    expect(problemFamilies.ids().sort()).toEqual(
      [
        'exp-sum',
        'heterogeneous-quadratic',
        'logistic-regression',
        'logistic-synthetic',
        'mushroom',
        'nonsmooth-k19',
        'quartic-sum',
        'rotated-quadratic',
        'separable-quadratic',
        'sharded-logistic',
        'sum-cosh',
      ].sort(),
    );
    for (const family of problemFamilies.all()) {
      expect(family.summary.length).toBeGreaterThan(10);
      expect(family.assumptions.length).toBeGreaterThan(0);
      let message = '';
      try {
        family.create({ definitelyNotAParameter: 1 });
      } catch (e) {
        expect(e).toBeInstanceOf(UserInputError);
        message = (e as Error).message;
      }
      const known = message.split('known: ')[1].split(', ').sort();
      expect(family.parameters!.map((p) => p.name).sort()).toEqual(known);
    }
  });

  it('every family builds with defaults, and at several d where d is a parameter', () => {
    for (const family of problemFamilies.all()) {
      const p = family.create({});
      expect(p.id).toBe(family.id);
      expect(p.x0().length).toBe(p.d);
      expect(Number.isFinite(p.f(p.x0()))).toBe(true);
      if (family.parameters!.some((q) => q.name === 'd')) {
        for (const d of [1, 2, 33]) expect(family.create({ d }).d).toBe(d);
      }
    }
  });

  it('createProblem: numbers given as strings, unknown ids and bad bags are UserInputErrors', () => {
    const p = createProblem('separable-quadratic', { d: '4', scale: '2.5' });
    expect(p.d).toBe(4);
    expect(p.constants.L).toBe(2.5);
    expect(() => createProblem('nope')).toThrow(/problem: must be one of: separable-quadratic/);
    expect(() => createProblem('separable-quadratic', { d: 'four' })).toThrow(/separable-quadratic\.d: must be a finite decimal number/);
    expect(() => createProblem('separable-quadratic', null as never)).toThrow(UserInputError);
  });
});
