import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { exactLemma, variantOf } from './declare.ts';
import { checkLemma, defaultSeed, relativeMargin, replayCommand, satisfied } from './runner.ts';

const base = {
  title: 't',
  statement: 'x \\le 10',
  source: 'test',
  assumptions: ['x integer'],
  families: ['integers 0..100'],
  toleranceDerivation: 'exact integers',
  tolerance: () => 0,
};

// x <= 10 on 0..100: false, minimal counterexample 11.
const atMostTen = exactLemma<number>({
  ...base,
  id: 'at-most-ten',
  relation: '<=',
  domain: fc.integer({ min: 0, max: 100 }),
  check: (x) => ({ lhs: x, rhs: 10 }),
  expect: 'holds',
});

// x <= x + 1: true; margin 1/(x+1) is smallest at x = 100.
const belowSuccessor = exactLemma<number>({
  ...base,
  id: 'below-successor',
  relation: '<=',
  domain: fc.integer({ min: 0, max: 100 }),
  check: (x) => ({ lhs: x, rhs: x + 1 }),
  expect: 'holds',
});

describe('checkLemma verdicts', () => {
  it('holds: no counterexample, margin tracked over the runs', () => {
    const r = checkLemma(belowSuccessor, { runs: 300 });
    expect(r.verdict).toBe('holds');
    expect(r.runs).toBe(300);
    expect(r.evaluations).toBe(300);
    expect(r.resolvedEvaluations).toBe(300);
    expect(r.smallestRelativeMargin).toBeCloseTo(1 / 101, 12); // fast-check's bias reaches the bound 100
    expect(r.tightest).toBe(100);
    expect(r.counterexample).toBeUndefined();
    expect(r.declaration.statement).toBe('x \\le 10');
  });

  it('tells each check how many instances the run has (statistical lemmas split their false-alarm rate over it)', () => {
    const seen = new Set<number>();
    const recording = exactLemma<number>({ ...base, id: 'records-runs', relation: '<=', domain: fc.integer({ min: 0, max: 5 }), check: (x, ctx) => (seen.add(ctx.runs), { lhs: x, rhs: 10 }), expect: 'holds' });
    checkLemma(recording, { runs: 37 });
    expect([...seen]).toEqual([37]);
    seen.clear();
    checkLemma(recording);
    expect([...seen]).toEqual([200]);
  });

  it('VIOLATED with a shrunk counterexample, path and replay command', () => {
    const r = checkLemma(atMostTen, { seed: 42 });
    expect(r.verdict).toBe('VIOLATED');
    expect(r.counterexample).toBe(11);
    expect(r.counterexampleOutcome).toMatchObject({ lhs: 11, rhs: 10, tolerance: 0 });
    expect(r.path).toMatch(/^\d+(:\d+)*$/);
    expect(r.replayCommand).toBe(`npx signcheck lemmas --only at-most-ten --seed 42 --path ${r.path}`);
    expect(r.smallestRelativeMargin).toBeLessThan(0);
    // replaying the path reproduces the same counterexample
    const again = checkLemma(atMostTen, { seed: 42, path: r.path });
    expect(again.counterexample).toBe(11);
    expect(again.verdict).toBe('VIOLATED');
  });

  it('refuted as expected / UNEXPECTEDLY HELD for variants', () => {
    const wrong = variantOf(belowSuccessor, { id: 'below-self-minus-one', title: 'w', statement: 'x \\le x - 1', change: 'c', check: (x) => ({ lhs: x, rhs: x - 1 }) });
    expect(checkLemma(wrong).verdict).toBe('refuted as expected');
    expect(checkLemma(wrong).variantOf).toEqual({ id: 'below-successor', change: 'c' });
    const notWrong = variantOf(belowSuccessor, { id: 'below-plus-two', title: 'w', statement: 'x \\le x + 2', change: 'c', check: (x) => ({ lhs: x, rhs: x + 2 }) });
    expect(checkLemma(notWrong).verdict).toBe('UNEXPECTEDLY HELD');
  });

  it('ERROR when the check throws or returns non-finite numbers (never a refutation)', () => {
    const throws = exactLemma<number>({ ...base, id: 'throws', relation: '<=', domain: fc.integer({ min: 0, max: 5 }), check: () => { throw new Error('boom'); }, expect: 'refuted' });
    const r = checkLemma(throws, { runs: 10 });
    expect(r.verdict).toBe('ERROR');
    expect(r.error).toBe('boom');
    const nan = exactLemma<number>({ ...base, id: 'nan', relation: '<=', domain: fc.integer({ min: 0, max: 5 }), check: () => ({ lhs: Number.NaN, rhs: 0 }), expect: 'holds' });
    expect(checkLemma(nan, { runs: 10 }).error).toMatch(/non-finite/);
  });

  it('equality claims: |lhs - rhs| <= tol, margin = -|lhs - rhs| / scale', () => {
    const eq = exactLemma<number>({ ...base, id: 'eq', relation: '=', domain: fc.integer({ min: 1, max: 9 }), check: (x) => ({ lhs: x, rhs: x + 1e-12, scale: x }), tolerance: () => 1e-9, expect: 'holds' });
    const r = checkLemma(eq, { runs: 50 });
    expect(r.verdict).toBe('holds');
    expect(r.smallestRelativeMargin).toBeCloseTo(-1e-12, 15); // x = 1: |1 - fl(1 + 1e-12)| / 1
    expect(satisfied('=', { lhs: 1, rhs: 1.5 }, 0.4)).toBe(false);
    expect(satisfied('=', { lhs: 1, rhs: 1.5 }, 0.5)).toBe(true);
    expect(relativeMargin('<=', { lhs: 1, rhs: 4 })).toBe(0.75);
    expect(relativeMargin('<=', { lhs: 1, rhs: 4, scale: 6 })).toBe(0.5);
  });

  it('unresolved evaluations (tolerance > 1e-8 of the scale) do not enter the margin', () => {
    const blurred = exactLemma<number>({ ...base, id: 'blurred', relation: '<=', domain: fc.integer({ min: 0, max: 9 }), check: () => ({ lhs: 1, rhs: 1 + 1e-10 }), tolerance: () => 1e-6, expect: 'holds' });
    const r = checkLemma(blurred, { runs: 20 });
    expect(r.verdict).toBe('holds');
    expect(r.resolvedEvaluations).toBe(0);
    expect(Number.isNaN(r.smallestRelativeMargin)).toBe(true);
  });

  it('validates options and derives a fixed default seed from the id', () => {
    expect(() => checkLemma(belowSuccessor, { runs: 0 })).toThrow(UserInputError);
    expect(() => checkLemma(belowSuccessor, { path: '1;2' })).toThrow(/fast-check path/);
    expect(defaultSeed('sign-mismatch')).toBe(defaultSeed('sign-mismatch'));
    expect(defaultSeed('a')).not.toBe(defaultSeed('b'));
    expect(defaultSeed('x')).toBeGreaterThanOrEqual(0);
    expect(defaultSeed('x')).toBeLessThan(2 ** 31);
    expect(checkLemma(belowSuccessor, { runs: 5 }).seed).toBe(defaultSeed('below-successor'));
    expect(replayCommand('a', 1, '2:3')).toBe('npx signcheck lemmas --only a --seed 1 --path 2:3');
    // a counterexample of a deep run replays with the same run count (statistical checks depend on it)
    expect(replayCommand('a', 1, '2:3', 100000)).toBe('npx signcheck lemmas --only a --seed 1 --path 2:3 --runs 100000');
    expect(checkLemma(atMostTen, { runs: 50 }).replayCommand).toMatch(/ --runs 50$/);
    expect(checkLemma(atMostTen).replayCommand).toMatch(/--path [0-9:]+$/);
  });
});
