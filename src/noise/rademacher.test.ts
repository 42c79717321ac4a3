import { describe, expect, it } from 'vitest';
import { RademacherNoise } from './rademacher.ts';
import { expectUserError } from '../testing/noise.ts';

describe('RademacherNoise', () => {
  const r = new RademacherNoise();
  it('declares symmetric, bounded by 1, not unimodal, 4 samples per call', () => {
    expect(r.samplesPerCall).toBe(4);
    expect([r.mean, r.median, r.bound, r.momentLimit]).toEqual([0, 0, 1, Infinity]);
    expect(r.symmetric).toBe(true);
    expect(r.unimodal).toBe(false);
  });

  it('maps each word to +1 (top bit 0) or -1 (top bit 1)', () => {
    const out = new Float64Array(5).fill(7);
    r.fromWords(new Uint32Array([0, 0x7fffffff, 0x80000000, 0xffffffff]), out, 1);
    expect(Array.from(out)).toEqual([7, 1, 1, -1, -1]);
  });

  it('absMoment is 1 for every kappa > 0', () => {
    for (const k of [0.1, 1, 2, 17]) expect(r.absMoment(k)).toBe(1);
    expectUserError(() => r.absMoment(-2), 'kappa', 'finite number > 0');
  });

  it('cdf is the two-atom step function', () => {
    expect([r.cdf(-1.5), r.cdf(-1), r.cdf(0), r.cdf(0.999), r.cdf(1), r.cdf(3)]).toEqual([0, 0.5, 0.5, 0.5, 1, 1]);
  });
});
