import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { choiceParam, integerParam, parseDecimal, positiveParam, positiveScalarOrVector, rejectUnknown, vectorValue } from './params.ts';
import { illConditionedSpectrum, powerLawSpectrum, sparseSpectrum, spectrumFromParams, uniformSpectrum } from './spectra.ts';

describe('parameter validation', () => {
  it('parseDecimal accepts strict decimals only', () => {
    expect(parseDecimal('1e-3')).toBe(0.001);
    expect(parseDecimal('+.5')).toBe(0.5);
    for (const bad of ['', ' 1', '0x10', 'Infinity', 'NaN', '1e999', '1,5', '--1']) expect(parseDecimal(bad)).toBeUndefined();
  });

  it('each helper names family.parameter and the rule', () => {
    expect(() => positiveParam('fam', { s: 0 }, 's', 1)).toThrow('fam.s: must be a finite number > 0 (got 0)');
    expect(() => integerParam('fam', { n: 1.5 }, 'n', 1)).toThrow('fam.n: must be an integer >= 1 (got 1.5)');
    expect(() => choiceParam('fam', { c: 'z' }, 'c', 'a', ['a', 'b'])).toThrow('fam.c: must be one of: a, b (got "z")');
    expect(() => rejectUnknown('fam', { x: 1 }, ['y'])).toThrow('fam.x: is not a parameter of fam; known: y');
    expect(() => vectorValue('fam.v', [1, 'a'], 2)).toThrow(UserInputError);
    expect(Array.from(vectorValue('fam.v', '1, 2,3', 3))).toEqual([1, 2, 3]);
    expect(Array.from(positiveScalarOrVector('fam', { a: 2 }, 'a', 3, 1).v)).toEqual([2, 2, 2]);
    expect(() => positiveScalarOrVector('fam', { a: [1, -1] }, 'a', 2, 1)).toThrow('fam.a[1]: must be > 0 (got -1)');
  });

  it('spectra helpers', () => {
    expect(Array.from(uniformSpectrum(2, 3))).toEqual([3, 3]);
    expect(Array.from(illConditionedSpectrum(3))).toEqual([1000, 1, 1]);
    expect(Array.from(powerLawSpectrum(3, 2))).toEqual([1, 0.25, 1 / 9]);
    expect(Array.from(sparseSpectrum(4, 2, 10, 2))).toEqual([20, 20, 2, 2]);
    expect(spectrumFromParams('f', { spectrum: 'sparse' }, 250).described.k).toBe(2);
    expect(() => spectrumFromParams('f', { spectrum: 'custom' }, 2)).toThrow(/f\.L: must be given as a vector/);
    expect(() => spectrumFromParams('f', { spectrum: 'power-law', alpha: 400 }, 10)).toThrow(/f\.alpha: gives a curvature that underflows/);
  });
});
