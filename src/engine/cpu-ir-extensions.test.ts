import { describe, expect, it } from 'vitest';
import { checkProgram, satisfiesRule, type AlgorithmDef, type StepProgram } from '../algorithms/program.ts';
import { createNoise } from '../noise/index.ts';
import { createProblem } from '../problems/index.ts';
import { runCpu, type ObservedStep } from './cpu.ts';

// Tests of three small, general extensions of the step-program IR used by ALIAS and the
// parameter-free baselines: the `oracle` op (a second oracle call with the same draws), the
// `output` vector (metrics at a point other than x), the `observe` hook, and the `flag` rule.

function def(id: string, program: StepProgram, hyper: AlgorithmDef['hyper'] = []): AlgorithmDef {
  // hyperparameters are given per run below
  return { id, name: id, summary: id, updateRule: '', source: 'test', distributed: false, hyper, example: {}, program };
}

describe('oracle op: a second gradient with the same draws', () => {
  // q = oracle at x must equal g bit for bit; the program stores both and moves x by SGD so that
  // later steps see different points.
  const sameAsG = def('oracle-same', {
    vectors: [
      { name: 'q', scope: 'server' },
      { name: 'gs', scope: 'server' },
    ],
    scalars: [],
    params: ['lr'],
    ops: [
      { op: 'oracle', at: 'x', into: 'q' },
      { op: 'map', scope: 'server', assign: [['gs', 'g'], ['x', 'x - lr * g']] },
    ],
  }, [{ name: 'lr', rule: 'positive', doc: 'step' }]);

  it('at x reproduces g exactly (noise, batch 3, n = 1 and a heterogeneous n = 3 mean)', () => {
    const cases = [
      { problem: createProblem('rotated-quadratic', { d: 5, seed: 2 }), workers: 1 },
      { problem: createProblem('heterogeneous-quadratic', { d: 4, workers: 3, heterogeneity: 0.5, seed: 1 }), workers: 3 },
    ];
    for (const c of cases) {
      const seen: number[] = [];
      runCpu(
        { algorithm: sameAsG, hyper: { lr: 0.05, batch: 3 }, problem: c.problem, noise: { model: createNoise('gaussian'), sigma: 0.7 }, T: 6, workers: c.workers, replicas: 2, seed: 7 },
        {
          observe: (s: ObservedStep) => {
            for (let i = 0; i < c.problem.d; i++) {
              expect(s.V.q[i]).toBe(s.V.gs[i]);
              seen.push(s.V.q[i]);
            }
          },
        },
      );
      expect(seen.length).toBe(6 * 2 * c.problem.d);
      expect(new Set(seen).size).toBeGreaterThan(c.problem.d); // the draws differ across steps
    }
  });

  it('at another point: the noise cancels in the same-sample difference', () => {
    // xp holds x_{t-1}; with additive noise, q - g = grad f(x_{t-1}) - grad f(x_t) up to one rounding each
    const prog = def('oracle-diff', {
      vectors: [
        { name: 'xp', scope: 'server' },
        { name: 'q', scope: 'server' },
        { name: 'dq', scope: 'server' },
      ],
      scalars: [],
      params: ['lr'],
      ops: [
        { op: 'oracle', at: 'xp', into: 'q' },
        { op: 'map', scope: 'server', assign: [['dq', 'q - g'], ['xp', 'x'], ['x', 'x - lr * g']] },
      ],
    }, [{ name: 'lr', rule: 'positive', doc: 'step' }]);
    const problem = createProblem('separable-quadratic', { d: 3, spectrum: 'uniform', scale: 2 });
    const xs: Float64Array[] = [problem.x0()];
    runCpu(
      { algorithm: prog, hyper: { lr: 0.1 }, problem, noise: { model: createNoise('gaussian'), sigma: 5 }, T: 4, workers: 1, replicas: 1, seed: 3 },
      {
        observe: (s) => {
          if (s.t > 0) {
            // q - g = 2 (x_{t-1} - x_t): exact gradient difference, |noise| ~ 5 cancelled
            const prev = xs[s.t - 1];
            const cur = xs[s.t];
            for (let i = 0; i < 3; i++) expect(s.V.dq[i]).toBeCloseTo(2 * (prev[i] - cur[i]), 12);
          }
          xs.push(Float64Array.from(s.V.x));
        },
      },
    );
  });

  it('rejects an oracle into x, into an undeclared vector, or at a worker vector', () => {
    const base = { scalars: [], params: [] };
    expect(() => checkProgram('a', { ...base, vectors: [], ops: [{ op: 'oracle', at: 'x', into: 'x' }] })).toThrow(/not a declared vector/);
    expect(() => checkProgram('b', { ...base, vectors: [], ops: [{ op: 'oracle', at: 'x', into: 'q' }] })).toThrow(/not a declared vector/);
    expect(() =>
      checkProgram('c', {
        ...base,
        vectors: [{ name: 'w', scope: 'worker' }, { name: 'q', scope: 'server' }],
        ops: [{ op: 'oracle', at: 'w', into: 'q' }, { op: 'map', scope: 'worker', assign: [['w', 'g']] }],
      }),
    ).toThrow(/not a server vector/);
  });
});

describe('output vector: metrics at the algorithm output', () => {
  it('a program whose output never moves reports f(x_0) at every checkpoint and x_0 as its final point', () => {
    const problem = createProblem('separable-quadratic', { d: 4, spectrum: 'uniform', scale: 1 });
    const frozenOut = def('frozen-output', {
      vectors: [{ name: 'xo', scope: 'server' }],
      scalars: [],
      params: ['lr'],
      output: 'xo',
      ops: [{ op: 'map', scope: 'server', assign: [['x', 'x - lr * g']] }],
    }, [{ name: 'lr', rule: 'positive', doc: 'step' }]);
    const res = runCpu({ algorithm: frozenOut, hyper: { lr: 0.3 }, problem, noise: null, T: 5, workers: 1, replicas: 1, seed: 1, checkpoints: [0, 2, 5] });
    const f0 = problem.f(problem.x0());
    for (const c of res.curve) expect(c.fGap[0]).toBe(f0);
    expect(Array.from(res.finalX)).toEqual(Array.from(problem.x0()));
    const g = new Float64Array(4);
    problem.grad(problem.x0(), g);
    const g1 = g.reduce((s, v) => s + Math.abs(v), 0);
    expect(res.avgG1[0]).toBeCloseTo(g1, 14);
  });

  it('rejects an output that is x or not a declared server vector', () => {
    const base = { scalars: [], params: [], ops: [] };
    expect(() => checkProgram('a', { ...base, vectors: [], output: 'x' })).toThrow(/output/);
    expect(() => checkProgram('b', { ...base, vectors: [{ name: 'w', scope: 'worker' }], output: 'w' })).toThrow(/output/);
  });
});

describe('observe hook and flag rule', () => {
  it('observe sees every step t = 0..T-1 of every replica after the ops ran', () => {
    const problem = createProblem('separable-quadratic', { d: 2 });
    const sgd = def('sgd-local', { vectors: [], scalars: [], params: ['lr'], ops: [{ op: 'map', scope: 'server', assign: [['x', 'x - lr * g']] }] }, [
      { name: 'lr', rule: 'positive', doc: 'step' },
    ]);
    const steps: string[] = [];
    const res = runCpu({ algorithm: sgd, hyper: { lr: 0.1 }, problem, noise: null, T: 3, workers: 1, replicas: 2, seed: 1 }, { observe: (s) => steps.push(`${s.replica}:${s.t}`) });
    expect(steps).toEqual(['0:0', '0:1', '0:2', '1:0', '1:1', '1:2']);
    expect(res.path).toBe('general');
  });

  it('flag accepts exactly 0 and 1', () => {
    expect(satisfiesRule('flag', 0)).toBe(true);
    expect(satisfiesRule('flag', 1)).toBe(true);
    expect(satisfiesRule('flag', 0.5)).toBe(false);
    expect(satisfiesRule('flag', 2)).toBe(false);
  });
});
