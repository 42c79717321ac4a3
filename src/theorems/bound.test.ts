import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { parseBound } from './bound.ts';

const SYMBOLS = ['T', 'd', 'n', 'kappa', 'sigma', 'eta0'];

describe('parseBound: grammar and errors', () => {
  it('evaluates a declared expression', () => {
    const b = parseBound('sqrt(d) / T^(1/4)', SYMBOLS);
    expect(b.evaluate({ T: 16, d: 9 })).toBeCloseTo(1.5, 14);
    expect(b.used).toEqual(['T', 'd']);
    expect(b.tex).toContain('sqrt');
  });

  it('rejects text that does not parse', () => {
    expect(() => parseBound('T^(', SYMBOLS)).toThrow(UserInputError);
    expect(() => parseBound('T^(', SYMBOLS)).toThrow(/must parse as a mathjs expression/);
    expect(() => parseBound('  ', SYMBOLS)).toThrow(/non-empty/);
  });

  it('rejects an undeclared symbol and names it', () => {
    expect(() => parseBound('sqrt(d) / T^(1/4) + L', SYMBOLS)).toThrow(/undeclared symbol "L"/);
  });

  it('rejects functions, operators and node kinds outside the grammar', () => {
    expect(() => parseBound('gamma(T)', SYMBOLS)).toThrow(/may call only/);
    expect(() => parseBound('T > 1 ? 1 : 2', SYMBOLS)).toThrow(UserInputError);
    expect(() => parseBound('x = T', SYMBOLS)).toThrow(/single arithmetic expression/);
    expect(() => parseBound('T mod 2', SYMBOLS)).toThrow(/operators/);
    expect(() => parseBound('"abc"', SYMBOLS)).toThrow(/numeric constants/);
    expect(() => parseBound('sqrt(T, d)', SYMBOLS)).toThrow(/takes 1/);
  });

  it('rejects bad symbol declarations', () => {
    expect(() => parseBound('T', ['T', 'T'])).toThrow(/distinct/);
    expect(() => parseBound('T', ['T', 'sqrt'])).toThrow(/shadow/);
    expect(() => parseBound('T', ['T', '2x'])).toThrow(/identifiers/);
  });

  it('needs a value for every used symbol, and a real positive B for slopes', () => {
    const b = parseBound('sqrt(d) / T^(1/4)', SYMBOLS);
    expect(() => b.evaluate({ T: 16 })).toThrow(/needs a finite value for symbol "d"/);
    expect(() => b.evaluate({ T: 16, d: Number.NaN })).toThrow(/symbol "d"/);
    expect(() => b.evaluate({ T: 16, d: -4 })).toThrow(/real number/);
    expect(() => parseBound('T - 100', SYMBOLS).localSlope('T', { T: 10 })).toThrow(/> 0/);
    expect(() => b.localSlope('L', { T: 16, d: 4 })).toThrow(/declared symbol/);
  });

  it('knows pi and e', () => {
    expect(parseBound('pi * e * T', ['T']).evaluate({ T: 1 })).toBeCloseTo(Math.PI * Math.E, 14);
  });
});

describe('local log-log slope v dB/dv / B (symbolic derivative)', () => {
  it('T^(-1/4) has slope -1/4 everywhere', () => {
    const b = parseBound('T^(-1/4)', SYMBOLS);
    for (const T of [1, 7, 1024, 1e9]) expect(b.localSlope('T', { T })).toBeCloseTo(-0.25, 14);
    expect(b.partial('T', { T: 16 })).toBeCloseTo(-0.25 * 16 ** -1.25, 15);
  });

  it('sqrt(d)/T^(1/4): slope 1/2 in d and -1/4 in T', () => {
    const b = parseBound('sqrt(d)/T^(1/4)', SYMBOLS);
    expect(b.localSlope('d', { T: 256, d: 10 })).toBeCloseTo(0.5, 14);
    expect(b.localSlope('T', { T: 256, d: 10 })).toBeCloseTo(-0.25, 14);
    // A symbol the bound does not use has slope 0.
    expect(b.localSlope('n', { T: 256, d: 10, n: 4 })).toBe(0);
  });

  it('d^(1/2)/T^(1/2) + d/n^(1/2) in n at T = 16, d = 4, n = 16: -1/3 by hand', () => {
    // B = a + b n^(-1/2) with a = sqrt(d/T) = 1/2 and b n^(-1/2) = 4/4 = 1;
    // n dB/dn = -(1/2) b n^(-1/2) = -1/2, so the slope is (-1/2) / (3/2) = -1/3.
    const b = parseBound('d^(1/2)/T^(1/2) + d/n^(1/2)', SYMBOLS);
    expect(b.localSlope('n', { T: 16, d: 4, n: 16 })).toBeCloseTo(-1 / 3, 14);
    // In d: d dB/dd = (1/2) a + b n^(-1/2) = 1/4 + 1, over B = 3/2: 5/6.
    expect(b.localSlope('d', { T: 16, d: 4, n: 16 })).toBeCloseTo(5 / 6, 14);
  });

  it('max(...) differentiates the active smooth piece', () => {
    // P1 Thm 5 shape at d = 16: pieces 2 T^(-1/4) and 16^(1/10) T^(-1/5) cross at
    // T* = (2 / 16^(1/10))^20 ~ 4.1e3; the T^(-1/4) piece is larger below it.
    const b = parseBound('max(d^(1/4) * T^(-1/4), d^(1/10) * T^(-1/5))', SYMBOLS);
    const Tstar = (2 / 16 ** 0.1) ** 20;
    expect(b.localSlope('T', { T: Tstar / 8, d: 16 })).toBeCloseTo(-0.25, 14);
    expect(b.localSlope('T', { T: Tstar * 8, d: 16 })).toBeCloseTo(-0.2, 14);
    expect(b.localSlope('d', { T: Tstar / 8, d: 16 })).toBeCloseTo(0.25, 14);
    expect(b.localSlope('d', { T: Tstar * 8, d: 16 })).toBeCloseTo(0.1, 14);
  });

  it('at a tie max takes the larger slope and min the smaller (right derivative)', () => {
    const mx = parseBound('max(T^(-1/4), T^(-1/5))', SYMBOLS);
    const mn = parseBound('min(T^(-1/4), T^(-1/5))', SYMBOLS);
    expect(mx.localSlope('T', { T: 1 })).toBeCloseTo(-0.2, 14);
    expect(mn.localSlope('T', { T: 1 })).toBeCloseTo(-0.25, 14);
  });

  it('matches a central finite difference on a composite expression', () => {
    const b = parseBound('log(T) * sqrt(d) / T^(1/2) + exp(-n/8) + abs(kappa - 3) / cbrt(T) + nthRoot(d, 3) * pow(n, -1/2)', SYMBOLS);
    const p = { T: 500, d: 30, n: 5, kappa: 1.5 };
    for (const v of ['T', 'd', 'n', 'kappa'] as const) {
      const h = p[v] * 1e-6;
      const fd = (b.evaluate({ ...p, [v]: p[v] + h }) - b.evaluate({ ...p, [v]: p[v] - h })) / (2 * h);
      // Central difference error O(h^2 B''') plus rounding O(eps B / h): relative 1e-6 is ample.
      expect(b.partial(v, p)).toBeCloseTo(fd, 6);
    }
  });
});

describe('slope over the sweep range (OLS of log B at the sweep points)', () => {
  it('equals the exponent of a pure power law', () => {
    const b = parseBound('3 * sqrt(d) / T^(1/4)', SYMBOLS);
    expect(b.sweepSlope('T', [16, 64, 256, 1024], { d: 8 })).toBeCloseTo(-0.25, 13);
    expect(b.sweepSlope('d', [4, 16, 64], { T: 100 })).toBeCloseTo(0.5, 13);
  });

  it('two points: the secant slope of log B, by hand', () => {
    // B(n) = 1/2 + 4 / sqrt(n) at T = 16, d = 4: B(4) = 2.5, B(64) = 1.
    const b = parseBound('d^(1/2)/T^(1/2) + d/n^(1/2)', SYMBOLS);
    const expected = (Math.log(1) - Math.log(2.5)) / (Math.log(64) - Math.log(4));
    expect(b.sweepSlope('n', [4, 64], { T: 16, d: 4 })).toBeCloseTo(expected, 13);
  });

  it('lies between the local slopes at the ends for a sum of powers', () => {
    const b = parseBound('d^(1/2)/T^(1/2) + d/n^(1/2)', SYMBOLS);
    const ns = [1, 4, 16, 64, 256, 1024];
    const s = b.sweepSlope('n', ns, { T: 64, d: 16 });
    const l0 = b.localSlope('n', { T: 64, d: 16, n: 1 });
    const l1 = b.localSlope('n', { T: 64, d: 16, n: 1024 });
    expect(s).toBeLessThan(Math.max(l0, l1));
    expect(s).toBeGreaterThan(Math.min(l0, l1));
  });

  it('joint slopes over a T x d grid recover both exponents', () => {
    const b = parseBound('sqrt(d) / T^(1/4)', SYMBOLS);
    const pts = [];
    for (const T of [64, 256, 1024]) for (const d of [4, 16, 64]) pts.push({ T, d });
    const [sT, sd] = b.sweepSlopes(['T', 'd'], pts);
    expect(sT).toBeCloseTo(-0.25, 13);
    expect(sd).toBeCloseTo(0.5, 13);
  });

  it('rejects a sweep that does not identify the slopes', () => {
    const b = parseBound('sqrt(d) / T^(1/4)', SYMBOLS);
    expect(() => b.sweepSlope('T', [64], { d: 4 })).toThrow(/at least 2/);
    expect(() => b.sweepSlope('T', [64, 64, 64], { d: 4 })).toThrow(/linearly independent/);
    // T and d along a diagonal: collinear in log space.
    expect(() => b.sweepSlopes(['T', 'd'], [{ T: 4, d: 4 }, { T: 16, d: 16 }, { T: 64, d: 64 }])).toThrow(/linearly independent/);
    expect(() => b.sweepSlope('T', [0, 64], { d: 4 })).toThrow(UserInputError);
  });
});
