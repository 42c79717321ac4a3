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

  it('separableCoefficients (what the GPU gradient passes read) reproduce f and grad exactly', () => {
    const fromCoefficients = (p: ReturnType<typeof createProblem>, x: Float64Array) => {
      const k = p.separableCoefficients!;
      let f = 0;
      const g = new Float64Array(p.d);
      for (let i = 0; i < p.d; i++) {
        if (k.kind === 'sum-cosh') {
          f += k.a[i] * Math.cosh(k.b[i] * (x[i] - k.center[i]));
          g[i] = k.a[i] * k.b[i] * Math.sinh(k.b[i] * (x[i] - k.center[i]));
        } else if (k.kind === 'exp-sum') {
          f += k.a[i] * Math.exp(k.b[i] * x[i]);
          g[i] = k.a[i] * k.b[i] * Math.exp(k.b[i] * x[i]);
        } else {
          const r = x[i] - k.center[i];
          f += 0.25 * k.a[i] * r * r * r * r;
          g[i] = k.a[i] * r * r * r;
        }
      }
      return { f, g };
    };
    const seen = new Set<string>();
    for (const family of problemFamilies.all()) {
      if (!family.parameters!.some((q) => q.name === 'd')) continue;
      const p = family.create({ d: 7 });
      if (!p.separableCoefficients) continue;
      seen.add(p.separableCoefficients.kind);
      expect(p.separableCoefficients.kind).toBe(family.id);
      const x = Float64Array.from({ length: 7 }, (_, i) => 0.3 * i - 0.8);
      const want = new Float64Array(7);
      p.grad(x, want);
      const got = fromCoefficients(p, x);
      // same formulas; the CPU problems may group products differently, so allow a few ulps
      expect(Math.abs(got.f - p.f(x))).toBeLessThanOrEqual(8 * Number.EPSILON * Math.abs(p.f(x)));
      for (let i = 0; i < 7; i++) expect(Math.abs(got.g[i] - want[i])).toBeLessThanOrEqual(8 * Number.EPSILON * Math.abs(want[i]));
    }
    expect([...seen].sort()).toEqual(['exp-sum', 'quartic-sum', 'sum-cosh']);
  });
});
