import { describe, expect, it } from 'vitest';
import { mvsmV1LrRate } from './mvsm-v1-lr.ts';

describe('mvsm-v1-lr', () => {
  it('the quick sweep spans n from 1 to at least 256 workers', () => {
    const ns = new Set(mvsmV1LrRate.cells('quick').map((c) => c.recipe.workers));
    expect(Math.max(...ns)).toBeGreaterThanOrEqual(256);
    expect(Math.min(...ns)).toBe(1);
  });
});
