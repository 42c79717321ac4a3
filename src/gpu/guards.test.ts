import { describe, expect, it } from 'vitest';
import { algorithms, type AlgorithmDef } from '../algorithms/index.ts';
import { capHyperparameters, F32_MAX, float32Hyperparameter, isFloat32Normal } from './guards.ts';

/** A one-op test program reading hyperparameters lr and c through `expr`. */
function program(expr: string): AlgorithmDef {
  return {
    ...algorithms.get('sgd'),
    id: `test-${expr}`,
    hyper: [
      { name: 'lr', rule: 'positive', doc: '' },
      { name: 'c', rule: 'positive', doc: '' },
    ],
    program: { vectors: [], scalars: [], params: ['lr', 'c'], ops: [{ op: 'map', scope: 'server', assign: [['x', expr]] }] },
  };
}

describe('float32 forms of hyperparameters (caps)', () => {
  it('a hyperparameter read only as an argument of min() is a cap; read anywhere else, it is not', () => {
    expect([...capHyperparameters(program('x - lr * min(abs(g), c)'))]).toEqual(['c']);
    expect([...capHyperparameters(program('x - lr * min(c, abs(g))'))]).toEqual(['c']);
    // also read outside min: not a cap
    expect([...capHyperparameters(program('x - lr * min(abs(g), c) + 0 * c'))]).toEqual([]);
    // inside an expression that is an argument of min (2 c), or in max: not a cap
    expect([...capHyperparameters(program('x - lr * min(abs(g), 2 * c)'))]).toEqual([]);
    expect([...capHyperparameters(program('x - lr * max(abs(g), c)'))]).toEqual([]);
    // ALIAS: gammaMax is the only cap
    expect([...capHyperparameters(algorithms.get('alias'))]).toEqual(['gammaMax']);
  });

  it('sends normal values unchanged, a cap above float32 as F32_MAX, and refuses the rest (null)', () => {
    const def = program('x - lr * min(abs(g), c)');
    expect(float32Hyperparameter(def, 'c', 0.25)).toBe(0.25);
    expect(float32Hyperparameter(def, 'c', 0)).toBe(0);
    expect(float32Hyperparameter(def, 'c', 1e300)).toBe(F32_MAX);
    expect(float32Hyperparameter(def, 'c', Infinity)).toBe(F32_MAX);
    // a tiny cap would change min(a, c) for every a > c: refused
    expect(float32Hyperparameter(def, 'c', 1e-300)).toBeNull();
    expect(float32Hyperparameter(def, 'c', -1e300)).toBeNull();
    expect(float32Hyperparameter(def, 'lr', 1e300)).toBeNull();
    expect(float32Hyperparameter(def, 'lr', NaN)).toBeNull();
  });

  it('isFloat32Normal: 0 and [2^-126, F32_MAX] in magnitude', () => {
    expect([0, 2 ** -126, -(2 ** -126), F32_MAX, -F32_MAX, 1].every(isFloat32Normal)).toBe(true);
    expect([2 ** -127, 1e-300, F32_MAX * (1 + 2 ** -52), Infinity, NaN].some(isFloat32Normal)).toBe(false);
  });
});
