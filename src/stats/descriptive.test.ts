import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { aggregate, mean, meanCurve, variance, varianceOverIterations } from './descriptive.ts';

// Known values by hand from the definitions.
describe('mean and variance', () => {
  it('mean and variance with ddof 0 and 1', () => {
    // (1, 2, 3, 4): mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, over 3 or over 4.
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(variance([1, 2, 3, 4], 1)).toBeCloseTo(5 / 3, 14);
    expect(variance([1, 2, 3, 4], 0)).toBeCloseTo(1.25, 14);
    expect(variance([1, 2, 3, 4])).toBe(variance([1, 2, 3, 4], 1));
    expect(() => variance([1], 1)).toThrow(UserInputError);
    expect(() => variance([], 0)).toThrow(UserInputError);
    expect(() => mean([])).toThrow(UserInputError);
  });

  it('mean sums in index order (no compensation), aggregate compensates', () => {
    // In plain summation 1 + 1e-16 rounds to 1 (1e-16 is below half an ulp of 1, 2^-53 = 1.1e-16),
    // twice, so the plain mean is 1/3; the compensated sum keeps the 2e-16.
    const xs = [1, 1e-16, 1e-16];
    expect(mean(xs)).toBe(1 / 3);
    expect(aggregate(xs, 'mean')).toBe((1 + 2e-16) / 3);
  });
});

describe('seed-mean curves', () => {
  it('varianceOverIterations is the population variance of the seed-mean curve', () => {
    // mean curve (3, 2, 1): mean 2, squared deviations 1 + 0 + 1 = 2, over T = 3.
    const curves = [
      [4, 2, 0],
      [2, 2, 2],
    ];
    expect(meanCurve(curves)).toEqual([3, 2, 1]);
    expect(varianceOverIterations(curves)).toBeCloseTo(2 / 3, 14);
    expect(() => meanCurve([[1, 2], [1]])).toThrow(UserInputError);
    expect(() => meanCurve([])).toThrow(UserInputError);
  });
});

describe('replica aggregate', () => {
  it('mean and median', () => {
    // median: the middle value for odd n; halfway between the two middle values for even n.
    expect(aggregate([1, 2, 10], 'mean')).toBeCloseTo(13 / 3, 14);
    expect(aggregate([1, 2, 10], 'median')).toBe(2);
    expect(aggregate([1, 2, 10, 4], 'median')).toBe(3);
    expect(() => aggregate([], 'mean')).toThrow(UserInputError);
    expect(() => aggregate([1], 'mode' as never)).toThrow(/mean" or "median/);
  });
});
