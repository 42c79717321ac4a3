import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { createProblem } from './index.ts';
import { nonsmoothK19 } from './nonsmooth-k19.ts';

const g2 = (p: ReturnType<typeof nonsmoothK19>, x: number[]) => {
  const out = new Float64Array(2);
  p.grad(Float64Array.from(x), out);
  return Array.from(out);
};

/** SignSGD x <- x - gamma_t sign(g(x)) with gamma_t = c / sqrt(t + 1), exact subgradients. */
function signsgd(p: ReturnType<typeof nonsmoothK19>, x0: number[], c: number, T: number) {
  const x = Float64Array.from(x0);
  const g = new Float64Array(2);
  let firstKink = -1;
  for (let t = 0; t < T; t++) {
    if (x[0] === x[1] && firstKink < 0) firstKink = t;
    p.grad(x, g);
    const lr = c / Math.sqrt(t + 1);
    for (let i = 0; i < 2; i++) x[i] -= lr * Math.sign(g[i]);
  }
  return { x, firstKink };
}

describe('nonsmooth-k19: f = eps |x1 + x2| + |x1 - x2|', () => {
  it('evaluates f and the documented subgradient by hand', () => {
    const p = nonsmoothK19(0.5);
    expect(p.f(Float64Array.from([1, 0.5]))).toBe(0.5 * 1.5 + 0.5);
    expect(g2(p, [1, 0.5])).toEqual([1.5, -0.5]); // s = 1, r = 1
    expect(g2(p, [-1, 0.5])).toEqual([-1.5, 0.5]); // s = -1, r = -1
    expect(g2(p, [1, -1])).toEqual([1, -1]); // s = sign(0) = 0
    expect(g2(p, [0.3, 0.3])).toEqual([0.5, 0.5]); // kink 'zero': r = sign(0) = 0
    expect(g2(p, [0, 0])).toEqual([0, 0]);
    const q = nonsmoothK19(0.5, { kink: 'plus' });
    expect(g2(q, [0.3, 0.3])).toEqual([1.5, -0.5]); // kink 'plus': r = +1
    expect(g2(q, [0, 0])).toEqual([1, -1]);
  });

  it('off the kink x1 = x2 the sign of the subgradient is +-(1, -1) (the counterexample)', () => {
    const p = nonsmoothK19(0.9);
    for (const x of [[2, 1], [-3, 0.5], [0.1, -0.1], [1e-9, -2e-9], [5, -5]]) {
      const s = g2(p, x).map(Math.sign);
      expect(s[0]).toBe(-s[1]);
      expect(Math.abs(s[0])).toBe(1);
    }
  });

  it('returns a subgradient: f(y) >= f(x) + <g(x), y - x> on a grid that contains both kinks', () => {
    // exact-arithmetic inequality; slack 1e-12 covers the rounding of values of magnitude <= 10
    // (a few operations, each <= 2^-53 relative: well below 1e-12).
    const pts: number[][] = [];
    for (const a of [-1.5, -0.5, 0, 0.5, 1.5]) for (const b of [-1.5, -0.5, 0, 0.5, 1.5]) pts.push([a, b]);
    for (const kink of ['zero', 'plus'] as const) {
      const p = nonsmoothK19(0.3, { kink });
      for (const x of pts) {
        const g = g2(p, x);
        for (const y of pts) {
          const lin = p.f(Float64Array.from(x)) + g[0] * (y[0] - x[0]) + g[1] * (y[1] - x[1]);
          expect(p.f(Float64Array.from(y))).toBeGreaterThanOrEqual(lin - 1e-12);
        }
      }
    }
  });

  it('declares convexity, f* = 0 at x* = 0 and no smoothness constant', () => {
    const p = createProblem('nonsmooth-k19');
    const c = p.constants;
    expect(c.convex).toBe(true);
    expect(c.fStar).toBe(0);
    expect(Array.from(c.xStar!)).toEqual([0, 0]);
    expect(p.f(c.xStar!)).toBe(0);
    for (const k of ['L', 'Linf', 'Lvec', 'L0', 'L1', 'mu'] as const) expect(c[k]).toBeUndefined();
    expect(Array.from(p.x0())).toEqual([1, 0.5]);
    expect(p.params).toEqual({ eps: 0.5, kink: 'zero', x0: '1,0.5' });
  });

  it('validates its parameters', () => {
    for (const bad of [{ eps: 0 }, { eps: 1 }, { eps: -0.2 }, { kink: 'minus' }, { x0: [1, 2, 3] }, { other: 1 }]) {
      expect(() => createProblem('nonsmooth-k19', bad)).toThrow(UserInputError);
    }
    expect(() => createProblem('nonsmooth-k19', { eps: 1 })).toThrow(/eps/);
    expect(Array.from(createProblem('nonsmooth-k19', { x0: '2,-1', kink: 'plus', eps: 0.1 }).x0())).toEqual([2, -1]);
    const p = nonsmoothK19(0.5);
    expect(() => p.f(new Float64Array(3))).toThrow(UserInputError);
    expect(() => p.gradWorker(new Float64Array(2), 1, new Float64Array(2))).toThrow(UserInputError);
  });

  it("SignSGD with kink = 'plus' never changes x1 + x2 (up to rounding): f stays >= eps |x1(0) + x2(0)|", () => {
    const p = createProblem('nonsmooth-k19', { eps: 0.5, kink: 'plus' }) as ReturnType<typeof nonsmoothK19>;
    const { x } = signsgd(p, [1, 0.5], 0.1, 2 ** 13);
    // rounding drift of x1 + x2 <= T 2^-51 (|x_i| <= 2) ~ 4e-12
    expect(Math.abs(x[0] + x[1] - 1.5)).toBeLessThan(1e-10);
    expect(p.f(x)).toBeGreaterThan(0.75 - 1e-10);
  });

  it("with sign(0) = 0 at the kink (default), float iterates land exactly on x1 = x2 and SignSGD then descends the diagonal", () => {
    // documents why signsgd-nonsmooth uses kink = 'plus' (deterministic: no randomness involved)
    const p = createProblem('nonsmooth-k19', { eps: 0.5 }) as ReturnType<typeof nonsmoothK19>;
    const { x, firstKink } = signsgd(p, [1, 0.5], 0.1, 2 ** 13);
    expect(firstKink).toBeGreaterThan(0);
    expect(p.f(x)).toBeLessThan(0.75 / 2);
  });
});
