import { describe, expect, it } from 'vitest';
import { algorithms } from '../algorithms/index.ts';
import { UserInputError } from '../core/errors.ts';
import { fillNormals, laneWord, Purpose } from '../rng/streams.ts';
import { diagQuadratic, fixtureGaussian } from '../testing/fixtures.ts';
import { runCpu } from './cpu.ts';

const quad = diagQuadratic([1, 2, 4], [0.5, -1, 0], [1, 1, 1]);

describe('CPU engine', () => {
  it('SGD without noise follows x_t = c + (1 - lr L)^t (x_0 - c) exactly', () => {
    const res = runCpu({ algorithm: algorithms.get('sgd'), hyper: { lr: 0.1 }, problem: quad, noise: null, T: 7, workers: 1, replicas: 1, seed: 1 });
    const L = [1, 2, 4];
    const c = [0.5, -1, 0];
    for (let i = 0; i < 3; i++) {
      expect(res.finalX[i]).toBeCloseTo(c[i] + (1 - 0.1 * L[i]) ** 7 * (1 - c[i]), 14);
    }
  });

  it('Signum matches a hand-computed two-step trace (v_1 = g_1, then the P1 average)', () => {
    // x0 = (1, 1, 1), c = (0.5, -1, 0), L = (1, 2, 4): g_0 = (0.5, 4, 4), v_0 = g_0, x_1 = x0 - 0.1 sign(v_0) = (0.9, 0.9, 0.9)
    // g_1 = (0.4, 3.8, 3.6); v_1 = 0.5 v_0 + 0.5 g_1 = (0.45, 3.9, 3.8); x_2 = (0.8, 0.8, 0.8)
    const res = runCpu({ algorithm: algorithms.get('signum'), hyper: { lr: 0.1, beta: 0.5 }, problem: quad, noise: null, T: 2, workers: 1, replicas: 1, seed: 1 });
    for (const v of res.finalX) expect(v).toBeCloseTo(0.8, 15);
  });

  it('the noise each step adds is exactly the Philox stream (seed, noise; block, t, lane, replica)', () => {
    // SGD with lr = 1 on L = (1e-300...) ~ 0 gradient is not allowed; use a problem with L tiny and
    // recover the noise from x_{t+1} - x_t = -lr (g + sigma xi). Here: T = 1, so xi = -(x1 - x0)/lr - g0.
    const p = diagQuadratic([1, 1, 1, 1, 1], [0, 0, 0, 0, 0], [1, 2, 3, 4, 5]);
    const res = runCpu({ algorithm: algorithms.get('sgd'), hyper: { lr: 0.5 }, problem: p, noise: { model: fixtureGaussian, sigma: 2 }, T: 1, workers: 1, replicas: 2, seed: 99 });
    for (const r of [0, 1]) {
      const xi = new Float64Array(5);
      fillNormals(99, Purpose.noise, 0, laneWord(0, 0), r, xi);
      for (let i = 0; i < 5; i++) {
        const x0 = i + 1;
        const expected = x0 - 0.5 * (x0 + 2 * xi[i]);
        expect(res.finalX[r * 5 + i]).toBeCloseTo(expected, 12);
      }
    }
  });

  it('is deterministic given the seed and differs across seeds and replicas', () => {
    const spec = { algorithm: algorithms.get('signum'), hyper: { lr: 0.01, beta: 0.1 }, problem: quad, noise: { model: fixtureGaussian, sigma: 1 }, T: 50, workers: 1, replicas: 3, seed: 5 };
    const a = runCpu(spec);
    const b = runCpu(spec);
    expect(Array.from(b.finalX)).toEqual(Array.from(a.finalX));
    const c = runCpu({ ...spec, seed: 6 });
    expect(Array.from(c.finalX)).not.toEqual(Array.from(a.finalX));
    expect(Array.from(a.finalX.subarray(0, 3))).not.toEqual(Array.from(a.finalX.subarray(3, 6)));
  });

  it('averages (1/T) sum ||grad f(x_t)||_1 and records the tau-th iterate', () => {
    const res = runCpu({ algorithm: algorithms.get('sgd'), hyper: { lr: 0.1 }, problem: quad, noise: null, T: 3, workers: 1, replicas: 1, seed: 3 });
    // deterministic: ||g_t||_1 = sum_i L_i |1 - 0.1 L_i|^t |x0_i - c_i|
    const L = [1, 2, 4];
    const dx = [0.5, 2, 1];
    const norms = [0, 1, 2].map((t) => L.reduce((s, l, i) => s + l * Math.abs(1 - 0.1 * l) ** t * dx[i], 0));
    expect(res.avgG1[0]).toBeCloseTo((norms[0] + norms[1] + norms[2]) / 3, 12);
    expect(res.tauG1[0]).toBeCloseTo(norms[res.tau[0]], 12);
  });

  it('records divergence as a step, never as a number', () => {
    const res = runCpu({ algorithm: algorithms.get('sgd'), hyper: { lr: 10 }, problem: quad, noise: null, T: 2000, workers: 1, replicas: 1, seed: 1 });
    expect(res.divergedAt[0]).toBeGreaterThan(0);
    expect(Number.isNaN(res.avgG1[0])).toBe(true);
  });

  it('rejects invalid hyperparameters with the parameter and the rule', () => {
    const run = (hyper: Record<string, number | string>) => () =>
      runCpu({ algorithm: algorithms.get('signum'), hyper, problem: quad, noise: null, T: 3, workers: 1, replicas: 1, seed: 1 });
    expect(run({ lr: 0.1, beta: 1.5 })).toThrow(UserInputError);
    expect(run({ lr: 0.1, beta: 1.5 })).toThrow(/signum\.beta: must lie in \(0, 1\]/);
    expect(run({ lr: -1 })).toThrow(/signum\.lr: must be > 0/);
    expect(run({ lr: '1 - t' })).toThrow(/signum\.lr: must be > 0 \(got 0 at t = 1/);
    expect(run({ lr: 0.1, momentum: 0.9 })).toThrow(/not a hyperparameter of signum/);
    expect(run({})).toThrow(/signum\.lr: is required/);
  });
});

describe('rand(k) in step programs', () => {
  it('draws word k of Philox (coordinate, step, worker, replica; seed, compress + op index)', async () => {
    const { philox } = await import('../rng/philox.ts');
    const { Purpose, uniformOpen } = await import('../rng/streams.ts');
    const { checkProgram } = await import('../algorithms/program.ts');
    const def = {
      id: 'rand-walk',
      name: 'rand walk',
      summary: 'test',
      updateRule: 'x += u',
      source: 'test',
      distributed: false,
      hyper: [],
      example: {},
      program: { vectors: [], scalars: [], params: [], ops: [{ op: 'map' as const, scope: 'server' as const, assign: [['x', 'x + rand(2)'] as const] }] },
    };
    checkProgram(def.id, def.program);
    const p = diagQuadratic([1, 1, 1], [0, 0, 0], [0, 0, 0]);
    const res = runCpu({ algorithm: def, hyper: {}, problem: p, noise: null, T: 2, workers: 1, replicas: 2, seed: 9 });
    for (const r of [0, 1]) {
      for (let i = 0; i < 3; i++) {
        const u0 = uniformOpen(philox([i, 0, 0, r], [9, Purpose.compress])[2]);
        const u1 = uniformOpen(philox([i, 1, 0, r], [9, Purpose.compress])[2]);
        expect(res.finalX[r * 3 + i]).toBe(u0 + u1);
      }
    }
  });
});

describe('fx in step programs', () => {
  it('reads f(x_t) on both CPU paths', () => {
    const def = {
      id: 'fx-probe',
      name: 'fx probe',
      summary: 'test',
      updateRule: 'v = f(x_t); x = x - lr g',
      source: 'test',
      distributed: false,
      hyper: [{ name: 'lr', rule: 'positive' as const, doc: 'step' }],
      example: { lr: 0.1 },
      program: { vectors: [], scalars: [], params: ['lr'], ops: [{ op: 'map' as const, scope: 'server' as const, assign: [['x', 'x - lr * fx * g'] as const] }] },
    };
    for (const fused of [true, false]) {
      const res = runCpu({ algorithm: def, hyper: { lr: 0.1 }, problem: quad, noise: null, T: 1, workers: 1, replicas: 1, seed: 1 }, { fused });
      // x0 = (1, 1, 1), c = (0.5, -1, 0), L = (1, 2, 4): f(x0) = 1/2 (0.25 + 2 * 4 + 4) = 6.125,
      // g0 = (0.5, 4, 4), x1 = x0 - 0.1 * 6.125 * g0
      expect(res.path).toBe(fused ? 'fused' : 'general');
      expect(Array.from(res.finalX)).toEqual([0.5, 4, 4].map((g) => 1 - 0.1 * 6.125 * g));
    }
  });
});
