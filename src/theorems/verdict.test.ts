import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { combineValueStatus, slopeVerdict, stallVerdict, valueRank, valueStatus, verdictRank, worstVerdict } from './verdict.ts';

describe('slopeVerdict', () => {
  const sB = -0.25;
  const tol = 0.05;

  it('TIGHT: the whole CI within tol of the bound slope', () => {
    expect(slopeVerdict([-0.28, -0.22], sB, tol).verdict).toBe('TIGHT');
    // boundaries are inclusive on both sides
    expect(slopeVerdict([-0.3, -0.2], sB, tol).verdict).toBe('TIGHT');
  });

  it('PASS: upper limit <= s_B + tol, but the CI reaches below s_B - tol', () => {
    expect(slopeVerdict([-0.6, -0.4], sB, tol).verdict).toBe('PASS');
    expect(slopeVerdict([-0.31, -0.22], sB, tol).verdict).toBe('PASS');
    expect(slopeVerdict([-0.4, -0.2], sB, tol).verdict).toBe('PASS');
  });

  it('SLOWER: the CI excludes s_B on the slow side, within tol (a zero-width CI too)', () => {
    expect(slopeVerdict([-0.24, -0.21], sB, tol).verdict).toBe('SLOWER');
    expect(slopeVerdict([-0.249, -0.2], sB, tol).verdict).toBe('SLOWER');
    expect(slopeVerdict([-0.22, -0.22], sB, tol).verdict).toBe('SLOWER');
    // a lower limit at s_B itself does not exclude it
    expect(slopeVerdict([-0.25, -0.22], sB, tol).verdict).toBe('TIGHT');
    // past the tolerance it is a FAIL, and straddling s_B + tol is INCONCLUSIVE
    expect(slopeVerdict([-0.19, -0.18], sB, tol).verdict).toBe('FAIL');
    expect(slopeVerdict([-0.24, -0.1], sB, tol).verdict).toBe('INCONCLUSIVE');
    expect(verdictRank('SLOWER')).toBe(verdictRank('TIGHT'));
  });

  it('worstVerdict: FAIL < INCONCLUSIVE < SLOWER < PASS < TIGHT; none is INCONCLUSIVE', () => {
    expect(worstVerdict(['TIGHT', 'PASS'])).toBe('PASS');
    expect(worstVerdict(['TIGHT', 'SLOWER', 'PASS'])).toBe('SLOWER');
    expect(worstVerdict(['SLOWER', 'INCONCLUSIVE'])).toBe('INCONCLUSIVE');
    expect(worstVerdict(['TIGHT', 'FAIL', 'INCONCLUSIVE'])).toBe('FAIL');
    expect(worstVerdict([])).toBe('INCONCLUSIVE');
  });

  it('FAIL: lower limit > s_B + tol', () => {
    expect(slopeVerdict([-0.1, 0.05], sB, tol).verdict).toBe('FAIL');
    expect(slopeVerdict([-0.19, -0.15], sB, tol).verdict).toBe('FAIL');
  });

  it('INCONCLUSIVE: the CI straddles s_B + tol', () => {
    expect(slopeVerdict([-0.3, -0.1], sB, tol).verdict).toBe('INCONCLUSIVE');
    // lower limit exactly at the limit is not > limit: still straddling
    expect(slopeVerdict([-0.2, -0.1], sB, tol).verdict).toBe('INCONCLUSIVE');
  });

  it('tol = 0: TIGHT only for a point CI at s_B', () => {
    expect(slopeVerdict([-0.25, -0.25], sB, 0).verdict).toBe('TIGHT');
    expect(slopeVerdict([-0.26, -0.25], sB, 0).verdict).toBe('PASS');
  });

  it('positive bound slopes (in d) follow the same rules', () => {
    expect(slopeVerdict([0.45, 0.52], 0.5, 0.05).verdict).toBe('TIGHT');
    expect(slopeVerdict([0.1, 0.3], 0.5, 0.05).verdict).toBe('PASS');
    expect(slopeVerdict([0.7, 0.9], 0.5, 0.05).verdict).toBe('FAIL');
  });

  it('the reason quotes the numbers', () => {
    expect(slopeVerdict([-0.1, 0.05], sB, tol).reason).toContain('-0.2');
  });

  it('rejects bad input', () => {
    expect(() => slopeVerdict([0.1, -0.1], sB, tol)).toThrow(/lo <= hi/);
    expect(() => slopeVerdict([Number.NaN, 0], sB, tol)).toThrow(UserInputError);
    expect(() => slopeVerdict([0, 1], sB, -1)).toThrow(/tol/);
    expect(() => slopeVerdict([0, 1], Number.POSITIVE_INFINITY, 0)).toThrow(/bound slope/);
  });

  it('ranks: FAIL < INCONCLUSIVE < PASS = TIGHT', () => {
    expect(verdictRank('FAIL')).toBeLessThan(verdictRank('INCONCLUSIVE'));
    expect(verdictRank('INCONCLUSIVE')).toBeLessThan(verdictRank('PASS'));
    expect(verdictRank('PASS')).toBe(verdictRank('TIGHT'));
  });
});

describe('bound-value check', () => {
  it('holds / violated / inconclusive per cell and combined', () => {
    expect(valueStatus([0.5, 0.9], 1)).toBe('holds');
    expect(valueStatus([0.5, 1], 1)).toBe('holds');
    expect(valueStatus([1.1, 1.3], 1)).toBe('violated');
    expect(valueStatus([0.9, 1.1], 1)).toBe('inconclusive');
    expect(combineValueStatus(['holds', 'holds'])).toBe('holds');
    expect(combineValueStatus(['holds', 'inconclusive'])).toBe('inconclusive');
    expect(combineValueStatus(['inconclusive', 'violated', 'holds'])).toBe('violated');
    expect(valueRank('violated')).toBeLessThan(valueRank('inconclusive'));
    expect(valueRank('inconclusive')).toBeLessThan(valueRank('holds'));
    expect(() => combineValueStatus([])).toThrow(UserInputError);
  });
});

describe('stallVerdict (negative results)', () => {
  it('level: every lower limit above the floor', () => {
    expect(stallVerdict({ level: { cis: [[0.5, 0.7], [0.4, 0.6]], floor: 0.3 } }).status).toBe('reproduced');
    expect(stallVerdict({ level: { cis: [[0.5, 0.7], [0.2, 0.6]], floor: 0.3 } }).status).toBe('not reproduced');
  });

  it('slope: the CI excludes the claimed rate from above', () => {
    expect(stallVerdict({ slope: { ci: [-0.05, 0.02], claimed: -0.25, tol: 0.05 } }).status).toBe('reproduced');
    expect(stallVerdict({ slope: { ci: [-0.22, 0.02], claimed: -0.25, tol: 0.05 } }).status).toBe('not reproduced');
  });

  it('both checks must hold when both are given', () => {
    const level = { cis: [[0.5, 0.7]] as [number, number][], floor: 0.3 };
    const r = stallVerdict({ level, slope: { ci: [-0.3, -0.2], claimed: -0.25, tol: 0.05 } });
    expect(r.status).toBe('not reproduced');
    expect(r.reasons).toHaveLength(2);
  });

  it('needs a check and a positive floor', () => {
    expect(() => stallVerdict({})).toThrow(/floor, a claimed slope/);
    expect(() => stallVerdict({ level: { cis: [[0.5, 0.7]], floor: 0 } })).toThrow(/> 0/);
  });
});
