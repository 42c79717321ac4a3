import { expect } from 'vitest';
import { UserInputError } from '../core/errors.ts';

/**
 * Test helper (used by the noise unit tests only): asserts that `f` throws a UserInputError whose
 * `parameter` is `parameter` and whose `rule` contains `rulePart`.
 */
export function expectUserError(f: () => unknown, parameter: string, rulePart: string): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a UserInputError').toBeInstanceOf(UserInputError);
  const err = caught as UserInputError;
  expect(err.parameter).toBe(parameter);
  expect(err.rule).toContain(rulePart);
}

/** Four Philox-like words from a simple deterministic recurrence (for determinism tests). */
export function wordsFrom(seed: number): Uint32Array {
  const w = new Uint32Array(4);
  let x = seed >>> 0;
  for (let i = 0; i < 4; i++) {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    w[i] = x;
  }
  return w;
}

/** The word w with uniformOpen(w) closest to u in (0, 1). */
export function wordFor(u: number): number {
  return Math.min(0xffffffff, Math.max(0, Math.round(u * 4294967296 - 0.5))) >>> 0;
}
