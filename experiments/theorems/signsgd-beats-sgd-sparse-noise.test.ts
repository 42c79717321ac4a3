import { describe, expect, it } from 'vitest';
import { budgetRatio } from './signsgd-beats-sgd-sparse-noise.ts';

describe('signsgd-beats-sgd-sparse-noise', () => {
  it('the budget ratio is d for sparse noise and 1 for dense noise of equal scales', () => {
    for (const d of [4, 32, 128]) {
      expect(budgetRatio('sparse', d)).toBe(d);
      expect(budgetRatio('dense', d)).toBe(1);
    }
  });
});
