import { describe, expect, it } from 'vitest';
import { firstCoords, sparseSigma, validateSigma } from './sparse.ts';
import { expectUserError } from '../testing/noise.ts';

describe('validateSigma', () => {
  it('accepts a finite number >= 0 or a Float64Array of length d with finite entries >= 0', () => {
    expect(validateSigma(0, 3)).toBe(0);
    expect(validateSigma(2.5, 3)).toBe(2.5);
    const s = new Float64Array([0, 1, 100]);
    expect(validateSigma(s, 3)).toBe(s);
  });

  it('names the parameter and the rule it breaks', () => {
    expectUserError(() => validateSigma(-1, 3), 'sigma', 'finite number >= 0');
    expectUserError(() => validateSigma(NaN, 3), 'sigma', 'finite number >= 0');
    expectUserError(() => validateSigma(Infinity, 3), 'sigma', 'finite number >= 0');
    expectUserError(() => validateSigma(new Float64Array(4), 3), 'sigma', 'length d = 3');
    expectUserError(() => validateSigma(new Float64Array([1, Infinity, 0]), 3), 'sigma', 'entries must be finite numbers >= 0');
    expectUserError(() => validateSigma(new Float64Array([1, -0.5, 0]), 3), 'sigma', 'entries must be finite numbers >= 0');
    expectUserError(() => validateSigma([1, 2, 3] as unknown as Float64Array, 3), 'sigma', 'number or a Float64Array');
    expectUserError(() => validateSigma(1, 0), 'd', 'integer >= 1');
  });
});

describe('sparseSigma', () => {
  it('puts the scale on the chosen coordinates and 0 elsewhere', () => {
    expect(Array.from(sparseSigma(5, [0, 3], 100))).toEqual([100, 0, 0, 100, 0]);
    expect(Array.from(sparseSigma(4, firstCoords(1), 100))).toEqual([100, 0, 0, 0]);
    expect(Array.from(sparseSigma(3, [], 7))).toEqual([0, 0, 0]);
  });

  it('rejects bad coordinates and scales', () => {
    expectUserError(() => sparseSigma(5, [5], 1), 'coords', 'integer in [0, 4]');
    expectUserError(() => sparseSigma(5, [1.5], 1), 'coords', 'integer in [0, 4]');
    expectUserError(() => sparseSigma(5, [1, 1], 1), 'coords', 'distinct');
    expectUserError(() => sparseSigma(5, [1], -1), 'scale', 'finite number >= 0');
    expectUserError(() => sparseSigma(0, [], 1), 'd', 'integer >= 1');
  });
});
