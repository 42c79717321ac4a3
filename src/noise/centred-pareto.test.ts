import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { CentredParetoNoise } from './centred-pareto.ts';
import { createNoise, noiseModels, sampleNoise } from './index.ts';

/** E|xi| in closed form: 2 E(P - mu)^+ = 2 xm^alpha mu^{1-alpha} / (alpha - 1). */
const absMean = (a: number, xm: number) => (2 * Math.pow(xm, a) * Math.pow((a * xm) / (a - 1), 1 - a)) / (a - 1);
/** Var P = alpha xm^2 / ((alpha - 1)^2 (alpha - 2)), alpha > 2. */
const variance = (a: number, xm: number) => (a * xm * xm) / ((a - 1) ** 2 * (a - 2));

function samples(model: CentredParetoNoise, n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  sampleNoise(model, seed, 0, 0, 0, out);
  return out;
}

describe('CentredParetoNoise', () => {
  it('absMoment matches the closed forms at kappa = 1 (every alpha) and kappa = 2 (alpha > 2)', () => {
    for (const [a, xm] of [[1.3, 1], [1.55, 0.5], [1.8, 2], [3, 1], [5, 0.3]] as const) {
      const m = new CentredParetoNoise(a, xm);
      expect(m.absMoment(1) / absMean(a, xm) - 1).toBeLessThan(1e-10);
      expect(1 - m.absMoment(1) / absMean(a, xm)).toBeLessThan(1e-10);
      if (a > 2) expect(Math.abs(m.absMoment(2) / variance(a, xm) - 1)).toBeLessThan(1e-10);
    }
  });

  it('absMoment at a fractional order agrees with an independent quadrature of |x|^kappa pdf(x)', () => {
    // trapezoid on a log-spaced grid of y = x + mu in [xm, 1e8 xm], plus the analytic tail beyond
    for (const [a, k] of [[3, 1.5], [1.8, 1.25]] as const) {
      const m = new CentredParetoNoise(a, 1);
      const n = 400000;
      const top = 1e8;
      let s = 0;
      let prev = 0;
      let prevY = 1;
      for (let i = 0; i <= n; i++) {
        const y = Math.pow(top, i / n);
        const v = Math.pow(Math.abs(y - m.mu), k) * m.pdf(y - m.mu);
        if (i > 0) s += 0.5 * (v + prev) * (y - prevY);
        prev = v;
        prevY = y;
      }
      s += (a * Math.pow(top, k - a)) / (a - k); // int_top^inf y^k a y^{-a-1} dy, |y - mu| ~ y there
      expect(Math.abs(s / m.absMoment(k) - 1)).toBeLessThan(1e-3);
    }
  });

  it('moments of order >= alpha are infinite', () => {
    const m = new CentredParetoNoise(1.55);
    expect(m.absMoment(1.55)).toBe(Infinity);
    expect(m.absMoment(2)).toBe(Infinity);
    expect(m.momentLimit).toBe(1.55);
  });

  it('median solves cdf = 1/2, is negative (skewed), and the cdf starts at xm - mu', () => {
    for (const a of [1.3, 1.55, 3]) {
      const m = new CentredParetoNoise(a, 1);
      expect(Math.abs(m.cdf(m.median) - 0.5)).toBeLessThan(1e-12);
      expect(m.median).toBeLessThan(0);
      expect(m.cdf(1 - m.mu - 1e-9)).toBe(0);
      expect(m.pdf(1 - m.mu - 1e-9)).toBe(0);
      expect(m.pdf(1 - m.mu)).toBeCloseTo(a, 12);
    }
  });

  it('samples follow the cdf (DKW band, false-alarm rate 2e-6)', () => {
    // DKW: P(sup |F_n - F| > e) <= 2 exp(-2 n e^2); e = sqrt(ln(2/delta) / (2n)) with delta = 2e-6
    const n = 1 << 16;
    const e = Math.sqrt(Math.log(2 / 2e-6) / (2 * n));
    for (const a of [1.3, 3]) {
      const m = new CentredParetoNoise(a, 1);
      const x = Array.from(samples(m, n, 7)).sort((p, q) => p - q);
      let sup = 0;
      for (let i = 0; i < n; i++) sup = Math.max(sup, Math.abs(m.cdf(x[i]) - i / n), Math.abs(m.cdf(x[i]) - (i + 1) / n));
      expect(sup).toBeLessThan(e);
    }
  });

  it('the sample mean is near 0 at alpha = 3 (CLT band, 5 standard errors: false-alarm rate 6e-7)', () => {
    const n = 1 << 18;
    const m = new CentredParetoNoise(3, 1);
    const x = samples(m, n, 3);
    const mean = x.reduce((s, v) => s + v, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(variance(3, 1) / n));
  });

  it('extreme words give finite samples within [xm - mu, xm 2^{64/alpha}]', () => {
    const m = new CentredParetoNoise(1.3, 1);
    const out = new Float64Array(2);
    m.fromWords(new Uint32Array([0, 0, 0xffffffff, 0xffffffff]), out, 0);
    expect(Number.isFinite(out[0])).toBe(true);
    expect(out[0]).toBeLessThanOrEqual(Math.pow(2, 65 / 1.3));
    expect(out[0]).toBeGreaterThan(Math.pow(2, 63 / 1.3));
    expect(out[1]).toBeGreaterThanOrEqual(1 - m.mu);
    expect(out[1]).toBeLessThan(1 - m.mu + 1e-12);
    expect(m.samplerMeanDeficit).toBeLessThan(2e-4);
  });

  it('rejects bad parameters with the parameter named; the registry builds it by id', () => {
    expect(() => new CentredParetoNoise(1)).toThrow(UserInputError);
    expect(() => new CentredParetoNoise(1.5, 0)).toThrow(/xm/);
    expect(() => createNoise('centred-pareto', { beta: 2 })).toThrow(/alpha, xm/);
    expect(noiseModels.get('centred-pareto').paramDescription).toBe(
      'alpha: tail index P(P > x) = (xm/x)^alpha; finite, > 1 (default 1.5)\nxm: Pareto scale (smallest value of P); finite, > 0 (default 1)',
    );
    const m = createNoise('centred-pareto', { alpha: 2.5 });
    expect(m.params).toEqual({ alpha: 2.5, xm: 1 });
    expect(m.symmetric).toBe(false);
    expect(m.unimodal).toBe(true);
  });
});
