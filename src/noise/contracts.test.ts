import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { BimodalNoise, GaussianNoise, momentExists, RademacherNoise, StudentTNoise, SymmetricParetoNoise, SymmetricStableNoise, type NoiseModel } from './index.ts';
import { sampleNoise, sampleScaledNoise } from './index.ts';
import { normalPdf } from '../stats/special.ts';

// Contracts found unchecked by mutation testing of src/noise (npm run mutate -- noise).
describe('noise model contracts', () => {
  const bad = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '2' as unknown as number];
  const cases: [string, (v: number) => unknown, number[]][] = [
    ['p', (v) => new BimodalNoise(v), [0, 1, -0.5, 1.5]],
    ['gap', (v) => new BimodalNoise(0.8, v), [0, -1]],
    ['width', (v) => new BimodalNoise(0.8, 1, v), [0, -1]],
    ['alpha', (v) => new SymmetricStableNoise(v), [1, 0.5, 2.0000001]],
    ['scale', (v) => new SymmetricStableNoise(1.5, v), [0, -1]],
    ['alpha', (v) => new SymmetricParetoNoise(v), [1, 0.5]],
    ['xm', (v) => new SymmetricParetoNoise(2, v), [0, -1]],
    ['nu', (v) => new StudentTNoise(v), [1, 0.5]],
  ];
  it.each(cases)('%s: out-of-range, non-finite and non-number values are UserInputErrors naming the parameter', (name, make, outOfRange) => {
    for (const v of [...outOfRange, ...bad]) {
      let err: unknown;
      try {
        make(v);
      } catch (e) {
        err = e;
      }
      expect(err, `${name} = ${String(v)}`).toBeInstanceOf(UserInputError);
      expect((err as Error).message.startsWith(`${name}: `)).toBe(true);
    }
  });

  it('the boundary values inside the ranges are accepted', () => {
    expect(new SymmetricStableNoise(2).alpha).toBe(2);
    expect(new BimodalNoise(1e-9).p).toBe(1e-9);
    expect(new StudentTNoise(1.000001).nu).toBe(1.000001);
  });

  it('momentExists: kappa < limit always; kappa = limit only when the bound is included', () => {
    const t = new StudentTNoise(3);
    expect(t.momentLimit).toBe(3);
    expect(momentExists(t, 2.999)).toBe(true);
    expect(momentExists(t, 3)).toBe(false); // E|T_3|^3 is infinite: the limit is excluded
    expect(momentExists(t, 3.001)).toBe(false);
    const included = { momentLimit: 3, momentBoundIncluded: true } as unknown as NoiseModel;
    expect(momentExists(included, 3)).toBe(true);
    expect(momentExists({ momentLimit: 3 } as unknown as NoiseModel, 3)).toBe(false);
    expect(momentExists(included, 3.001)).toBe(false);
    for (const m of [new GaussianNoise(), new RademacherNoise(), new BimodalNoise(0.8)]) expect(momentExists(m, 1e6)).toBe(true);
    expect(new SymmetricParetoNoise(2.5).absMoment(2.5)).toBe(Infinity);
    expect(new StudentTNoise(3).absMoment(3)).toBe(Infinity);
  });

  it('stable with alpha = 2 is N(0, 2 scale^2): pdf and absolute moments', () => {
    const s = new SymmetricStableNoise(2, 1.5);
    const sd = Math.SQRT2 * 1.5;
    for (const x of [-3, -0.5, 0, 0.7, 4]) expect(s.pdf!(x)).toBeCloseTo(normalPdf(x / sd) / sd, 14);
    // E|N(0, sd^2)|^2 = sd^2, E|N(0, sd^2)| = sd sqrt(2/pi)
    expect(s.absMoment(2)).toBeCloseTo(sd * sd, 12);
    expect(s.absMoment(1)).toBeCloseTo(sd * Math.sqrt(2 / Math.PI), 12);
  });

  it('pareto cdf: 1/2 (xm/|x|)^alpha in the left tail, 1/2 on the gap (-xm, xm), symmetric', () => {
    const p = new SymmetricParetoNoise(2, 1);
    expect(p.cdf!(-2)).toBeCloseTo(0.125, 15);
    expect(p.cdf!(-1)).toBeCloseTo(0.5, 15);
    expect(p.cdf!(0)).toBe(0.5);
    expect(p.cdf!(0.999)).toBe(0.5);
    expect(p.cdf!(2)).toBeCloseTo(0.875, 15);
  });

  it('sampleNoise fills every coordinate (tails of a partial block too) and sampleScaledNoise scales exactly', () => {
    for (const model of [new GaussianNoise(), new SymmetricParetoNoise(2), new BimodalNoise(0.8)] as NoiseModel[]) {
      for (const d of [1, 3, 5, 9]) {
        const out = new Float64Array(d).fill(Number.NaN);
        sampleNoise(model, 1, 2, 3, 4, out);
        expect(out.every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
        // a longer vector starts with the same numbers (block addressing does not depend on d)
        const longer = new Float64Array(d + 7);
        sampleNoise(model, 1, 2, 3, 4, longer);
        expect([...longer.subarray(0, d)]).toEqual([...out]);
      }
    }
    const xi = new Float64Array(5);
    sampleNoise(new GaussianNoise(), 9, 0, 0, 0, xi);
    const scaled = new Float64Array(5);
    sampleScaledNoise({ model: new GaussianNoise(), sigma: 2.5 }, 9, 0, 0, 0, scaled);
    expect([...scaled]).toEqual([...xi].map((v) => 2.5 * v));
    const vec = Float64Array.from([1, 0, 3, 0.5, 0]);
    sampleScaledNoise({ model: new GaussianNoise(), sigma: vec }, 9, 0, 0, 0, scaled);
    expect([...scaled]).toEqual([...xi].map((v, i) => (vec[i] === 0 ? 0 : vec[i] * v)));
    expect(Object.is(scaled[1], 0)).toBe(true); // +0, never -0
    sampleScaledNoise({ model: new GaussianNoise(), sigma: 0 }, 9, 0, 0, 0, scaled);
    expect([...scaled].every((v) => Object.is(v, 0))).toBe(true);
    expect(() => sampleScaledNoise({ model: new GaussianNoise(), sigma: Float64Array.from([1, 2]) }, 9, 0, 0, 0, scaled)).toThrow(/^sigma: must have length d = 5/);
  });
});
