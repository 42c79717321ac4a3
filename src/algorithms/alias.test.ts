import { describe, expect, it } from 'vitest';
import { runCpu, type ObservedStep } from '../engine/cpu.ts';
import { createNoise } from '../noise/index.ts';
import { createProblem } from '../problems/index.ts';
import type { Problem } from '../problems/types.ts';
import { diagQuadratic } from '../testing/fixtures.ts';
import { algorithms } from './index.ts';

// ALIAS (P4 Algorithm 1) and its variants: hand-derived traces, the documented choices for what the
// paper leaves open (first step, eta^{-1} = 0, zero iterate differences), and the variants' defining
// properties. Tolerance 1e-12 relative: the engine and the transcriptions evaluate the same formulas,
// possibly in another order (a few roundings, far below 1e-12).

const REL = 1e-12;
function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(REL * Math.max(1, Math.abs(expected)));
}

interface Trace {
  x: number[][];
  S: Array<Record<string, number>>;
}
function trace(id: string, hyper: Record<string, number | string>, problem: Problem, T = 3, noise: { model: string; sigma: number } | null = null): Trace {
  const out: Trace = { x: [], S: [] };
  runCpu(
    { algorithm: algorithms.get(id), hyper, problem, noise: noise ? { model: createNoise(noise.model), sigma: noise.sigma } : null, T, workers: 1, replicas: 1, seed: 11 },
    {
      observe: (s: ObservedStep) => {
        out.x.push(Array.from(s.V.x));
        out.S.push(Object.fromEntries(Object.entries(s.S).map(([k, v]) => [k, v[0]])));
      },
    },
  );
  return out;
}

// f = 1/2 (x_1^2 + 2 x_2^2), x0 = (2, 1): g = (x_1, 2 x_2), L_inf = 1 + 2 = 3 (every coordinate moves)
const P = () => diagQuadratic([1, 2], [0, 0], [2, 1]);

describe('ALIAS Option I: three steps by hand', () => {
  it('d0 = 1, gamma0 = 0.5, eta^{-1} = 0', () => {
    const { x, S } = trace('alias', { d0: 1, gamma0: 0.5 }, P());
    // t0: g0 = (2, 2); eta^0 = 0 (no increment at t = 0) -> gamma^0 = gamma0 = 0.5; x1 = (1.5, 0.5)
    close(S[0].eta, 0);
    close(S[0].gam, 0.5);
    close(x[0][0], 1.5);
    close(x[0][1], 0.5);
    // t1: g1 = (1.5, 1): ||g1 - g0||_1 = 0.5 + 1 = 1.5, ||x1 - x0||_inf = 0.5 -> eta^1 = 3 (= L_inf)
    //     dtilde^1 = gamma^0 <g1, sign g0> = 0.5 * 2.5 = 1.25; d^1 = max(1, 1.25) = 1.25
    //     gamma^1 = sqrt(1.25 / 3) ~ 0.645497; x2 = x1 - gamma^1 (1, 1)
    close(S[1].eta, 3);
    close(S[1].dtil, 1.25);
    close(S[1].dd, 1.25);
    const g1 = Math.sqrt(1.25 / 3);
    close(S[1].gam, g1);
    const x2 = [1.5 - g1, 0.5 - g1];
    close(x[1][0], x2[0]);
    close(x[1][1], x2[1]); // x2 ~ (0.854503, -0.145497): the second coordinate crossed 0
    // t2: g2 = (x2_1, 2 x2_2); increment = (|g2 - g1|_1) / gamma^1 = 3 again (a quadratic, all moved)
    //     dtilde^2 = 1.25 + gamma^1 <g2, (1, 1)>; d^2 = max(d^1, dtilde^2); gamma^2 = sqrt(d^2 / 6)
    close(S[2].inc, 3);
    close(S[2].eta, 6);
    const dt2 = 1.25 + g1 * (x2[0] + 2 * x2[1]);
    close(S[2].dtil, dt2);
    const g2 = Math.sqrt(Math.max(1.25, dt2) / 6);
    close(S[2].gam, g2);
    close(x[2][0], x2[0] - g2);
    close(x[2][1], x2[1] + g2);
  });
});

describe('ALIAS Option II: three steps by hand', () => {
  it('ftilde = 0: D = f(x0) = 3', () => {
    const { x, S } = trace('alias-ii', { gamma0: 0.5 }, P());
    // f(x0) = (4 + 2)/2 = 3. t0: gamma0 = 0.5: x1 = (1.5, 0.5)
    // t1: eta = 3: gamma = sqrt(3/3) = 1: x2 = (0.5, -0.5)
    // t2: g2 = (0.5, -1), g1 = (1.5, 1): |dg|_1 = 1 + 2 = 3, ||dx||_inf = 1: eta = 6, gamma = sqrt(1/2): x3 = (0.5 - 0.7071, -0.5 + 0.7071)
    close(S[0].F0, 3);
    close(x[0][0], 1.5);
    close(S[1].gam, 1);
    close(x[1][0], 0.5);
    close(x[1][1], -0.5);
    close(S[2].eta, 6);
    close(x[2][0], 0.5 - Math.sqrt(0.5));
    close(x[2][1], -0.5 + Math.sqrt(0.5));
  });

  it('ftilde >= f(x0) gives D = 0: after the first step the method stops, no NaN', () => {
    const { x, S } = trace('alias-ii', { gamma0: 0.5, flow: 10 }, P(), 4);
    close(x[0][0], 1.5); // gamma0 still moves once (eta = 0 at t = 0)
    for (let t = 1; t < 4; t++) {
      expect(S[t].gam).toBe(0);
      close(x[t][0], 1.5);
    }
    // the iterate no longer moves: ||x^t - x^{t-1}||_inf = 0 from t = 2 on, the increment is 0, not NaN
    expect(S[2].inc).toBe(0);
    expect(S[3].inc).toBe(0);
    expect(Number.isFinite(S[3].eta)).toBe(true);
  });
});

describe('first step, eta^{-1}, cap', () => {
  it('eta0 > 0 replaces gamma0: gamma^0 = sqrt(d0 / eta0)', () => {
    const { S } = trace('alias', { d0: 1, eta0: 4 }, P(), 1);
    close(S[0].gam, 0.5);
  });

  it('gammaMax caps every step (the authors\' clamp_level)', () => {
    const { S } = trace('alias-ii', { gamma0: 0.01, gammaMax: 0.01 }, P(), 5);
    for (const s of S) expect(s.gam).toBeLessThanOrEqual(0.01);
    expect(S[4].gam).toBe(0.01); // sqrt(3 / eta) > 0.01 here: the cap binds
  });

  it('a zero previous step (start at the minimiser): increment 0, gamma0 again, no NaN', () => {
    const p = diagQuadratic([1, 2], [0, 0], [0, 0]);
    const { x, S } = trace('alias', {}, p, 3);
    for (let t = 0; t < 3; t++) {
      expect(x[t]).toEqual([0, 0]); // sign(0) = 0: the iterate never moves
      expect(S[t].inc).toBe(0);
      expect(S[t].gam).toBe(1e-3); // eta stays 0 -> gamma0
    }
  });
});

describe('variants', () => {
  it('momentum: steps along sign(m), m = mu m + (1 - damp) g, progress measured along the step taken', () => {
    const { x, S } = trace('alias-momentum', { d0: 1, gamma0: 0.5, mu: 0.9 }, P(), 3);
    // t0: m = g0 = (2, 2): x1 = (1.5, 0.5) as without momentum
    close(x[0][1], 0.5);
    // t1: eta = 3, dtilde = 0.5 <g1, sign m0> = 1.25, gamma = sqrt(1.25/3); m1 = 0.9 (2, 2) + (1.5, 1) = (3.3, 2.8)
    const g1 = Math.sqrt(1.25 / 3);
    close(S[1].gam, g1);
    const x2 = [1.5 - g1, 0.5 - g1];
    close(x[1][1], x2[1]);
    // t2: g2 = (x2_1, 2 x2_2) = (0.8545, -0.2910); m2 = 0.9 (3.3, 2.8) + g2 > 0: both coordinates keep sign +1
    //     (plain ALIAS would step +gamma on coordinate 2); dtilde^2 uses sign m1 = (1, 1)
    close(S[2].dtil, 1.25 + g1 * (x2[0] + 2 * x2[1]));
    const g2 = Math.sqrt(Math.max(1.25, 1.25 + g1 * (x2[0] + 2 * x2[1])) / 6);
    close(x[2][1], x2[1] - g2);
  });

  it('memory-efficient: increment |<g_t - g_{t-1}, sign g_{t-1}>| / gamma^{t-1} <= the l1/l_inf increment', () => {
    const { S } = trace('alias-me', { d0: 1, gamma0: 0.5 }, P(), 3);
    // t1: <g1 - g0, (1, 1)> = (1.5 - 2) + (1 - 2) = -1.5; / 0.5 = 3 (here equal: all differences share a sign)
    close(S[1].inc, 3);
    // t2: s1 = (1, 1), g2 - g1 = -gamma^1 (1, 2) -> |<., s1>| / gamma^1 = 3
    close(S[2].inc, 3);
    // along a run on a rotated quadratic: the increment is |<g_t - g_{t-1}, s_{t-1}>| / gamma^{t-1} at the
    // run's own points, never above ||g_t - g_{t-1}||_1 / ||x^t - x^{t-1}||_inf, and strictly below it
    // at some step (the difference has coordinates of both signs relative to s)
    const p = createProblem('rotated-quadratic', { d: 6, seed: 4, spectrum: 'ill-conditioned', kappa: 1000 });
    const me = trace('alias-me', { d0: 1 }, p, 12);
    const xs = [p.x0(), ...me.x.map((r) => Float64Array.from(r))];
    const ga = new Float64Array(6);
    const gb = new Float64Array(6);
    let strict = 0;
    for (let t = 1; t < 12; t++) {
      p.grad(xs[t], ga);
      p.grad(xs[t - 1], gb);
      let inner = 0;
      let n1 = 0;
      let ninf = 0;
      for (let i = 0; i < 6; i++) {
        inner += (ga[i] - gb[i]) * Math.sign(gb[i]);
        n1 += Math.abs(ga[i] - gb[i]);
        ninf = Math.max(ninf, Math.abs(xs[t][i] - xs[t - 1][i]));
      }
      // the engine forms <g_t, s> - ||g_{t-1}||_1 (a cancellation): 1e-9 relative to ||g||_1 / gamma covers it
      const slack = 1e-9 * (me.S[t].g1 + me.S[t - 1].g1) / me.S[t - 1].gam;
      expect(Math.abs(me.S[t].inc - Math.abs(inner) / me.S[t - 1].gam)).toBeLessThanOrEqual(slack);
      expect(me.S[t].inc).toBeLessThanOrEqual(n1 / ninf + slack);
      if (me.S[t].inc < 0.99 * (n1 / ninf)) strict++;
    }
    expect(strict).toBeGreaterThan(0);
  });

  it('stochastic: same-sample increments equal the exact-gradient ones under additive noise', () => {
    const p = createProblem('rotated-quadratic', { d: 5, seed: 2 });
    const { x, S } = trace('alias-stochastic', {}, p, 6, { model: 'gaussian', sigma: 3 });
    const xs = [p.x0(), ...x.map((r) => Float64Array.from(r))];
    const ga = new Float64Array(5);
    const gb = new Float64Array(5);
    for (let t = 1; t < 6; t++) {
      p.grad(xs[t], ga);
      p.grad(xs[t - 1], gb);
      let n1 = 0;
      let ninf = 0;
      for (let i = 0; i < 5; i++) {
        n1 += Math.abs(ga[i] - gb[i]);
        ninf = Math.max(ninf, Math.abs(xs[t][i] - xs[t - 1][i]));
      }
      // noise of size ~3 cancels; what remains is rounding of g + noise (|g| + 3 sigma) relative to the difference
      expect(Math.abs(S[t].inc - n1 / ninf)).toBeLessThanOrEqual(1e-9 * (n1 / ninf));
    }
  });

  it('stochastic: the default batch grows as t + 1', () => {
    const def = algorithms.get('alias-stochastic');
    expect(def.hyper.find((h) => h.name === 'batch')?.default).toBe('t + 1');
  });
});

describe('no Inf or NaN on the problem families (exact gradients, 300 steps)', () => {
  const probs = [
    createProblem('rotated-quadratic', { d: 8, seed: 1, spectrum: 'ill-conditioned', kappa: 1000 }),
    createProblem('sum-cosh', { d: 8 }),
    createProblem('separable-quadratic', { d: 8, spectrum: 'power-law', alpha: 1 }),
    createProblem('logistic-synthetic', { d: 6, m: 40, seed: 3 }),
  ];
  for (const id of ['alias', 'alias-ii', 'alias-momentum', 'alias-ii-momentum', 'alias-me', 'alias-ii-me']) {
    it(id, () => {
      for (const p of probs) {
        const res = runCpu({ algorithm: algorithms.get(id), hyper: {}, problem: p, noise: null, T: 300, workers: 1, replicas: 1, seed: 1, checkpoints: [0, 300] });
        expect(res.divergedAt[0]).toBe(-1);
        // ALIAS makes progress from x0 on every family (the gap at least halves in 300 steps)
        expect(res.curve[1].fGap[0]).toBeLessThan(0.5 * res.curve[0].fGap[0]);
      }
    });
  }
});
