import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { runCpu } from '../engine/cpu.ts';
import type { RunResult } from '../engine/types.ts';
import { createNoise } from '../noise/index.ts';
import { createProblem, heterogeneousQuadratic } from '../problems/index.ts';
import { philox } from '../rng/philox.ts';
import { Purpose, uniformOpen } from '../rng/streams.ts';
import { diagQuadratic } from '../testing/fixtures.ts';
import { checkDistributed, distributedAlgorithms, distributedPartOf, type DistributedAlgorithmDef } from './distributed.ts';
import { algorithms } from './index.ts';

/**
 * Three workers on f_j(x) = 1/2 ||x - c^j||^2 (d = 2, L = 1), x0 = 0:
 * c^1 = (1, -1), c^2 = (2, 1), c^3 = (-1, 3), so g^j = x - c^j exactly (no noise).
 */
const three = heterogeneousQuadratic(Float64Array.from([1, 1]), [Float64Array.from([1, -1]), Float64Array.from([2, 1]), Float64Array.from([-1, 3])], {
  x0: () => new Float64Array(2),
});

function run(id: string, hyper: Record<string, number | string>, T: number, opts: { packed?: boolean; problem?: typeof three; workers?: number; seed?: number } = {}): RunResult {
  const problem = opts.problem ?? three;
  return runCpu(
    { algorithm: algorithms.get(id), hyper, problem, noise: null, T, workers: opts.workers ?? problem.workers, replicas: 1, seed: opts.seed ?? 5 },
    { packed: opts.packed },
  );
}

/** Element-wise ===, so +0 and -0 count as equal (the iterates are compared as numbers). */
function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) return false;
  return true;
}

describe('MV-SignSGD (B18)', () => {
  it('follows the hand-derived trace, with sign(0) = 0 up and a tied vote down', () => {
    // lr = 0.5.
    // t = 0: g = (-1, 1), (-2, -1), (1, -3); signs (-1, 1), (-1, -1), (1, -1); sums (-1, -1);
    //        vote (-1, -1); x_1 = (0.5, 0.5).
    // t = 1: g = (-0.5, 1.5), (-1.5, -0.5), (1.5, -2.5); same signs, vote (-1, -1); x_2 = (1, 1).
    // t = 2: g = (0, 2), (-1, 0), (2, -2); signs (0, 1), (-1, 0), (1, -1) (two ternary messages);
    //        sums (0, 0): vote (0, 0) (ternary down); x_3 = x_2 = (1, 1).
    const res = run('mv-signsgd', { lr: 0.5 }, 3);
    expect(Array.from(res.finalX)).toEqual([1, 1]);
    const c = res.communication!;
    // up: t0 3 x 32, t1 3 x 32, t2 64 + 64 + 32 = 352; down: (32 + 32 + 64) x 3 workers = 384
    expect(c.upBits[0]).toBe(352);
    expect(c.downBits[0]).toBe(384);
    expect(c.upBitsPerWorkerStep[0]).toBeCloseTo(352 / 9, 14);
    expect(c.downBitsPerWorkerStep[0]).toBeCloseTo(384 / 9, 14);
    expect(c.ternaryMessages[0]).toBe(3);
    expect(c.float32UpBitsPerWorkerStep).toBe(64);
    expect(c.float32DownBitsPerWorkerStep).toBe(64);
    expect(c.packed).toBe(true);
  });
});

describe('Signum with majority vote (B19)', () => {
  it('follows the hand-derived trace (momentum from 0)', () => {
    // lr = 0.5, beta = 0.5, v_0 = 0.
    // t = 0: v^j = g^j / 2: signs as for MV-SignSGD, vote (-1, -1), x_1 = (0.5, 0.5).
    // t = 1: v^1 = 0.5 (-0.5, 0.5) + 0.5 (-0.5, 1.5) = (-0.5, 1);
    //        v^2 = 0.5 (-1, -0.5) + 0.5 (-1.5, -0.5) = (-1.25, -0.5); v^3 = 0.5 (0.5, -1.5) + 0.5 (1.5, -2.5) = (1, -2);
    //        vote (-1, -1), x_2 = (1, 1).
    // t = 2: g = (0, 2), (-1, 0), (2, -2): v^1 = (-0.25, 1.5), v^2 = (-1.125, -0.25), v^3 = (1.5, -2);
    //        no zero left (the momentum remembers): vote (-1, -1), x_3 = (1.5, 1.5) (MV-SignSGD froze).
    const res = run('signum-mv', { lr: 0.5, beta: 0.5 }, 3);
    expect(Array.from(res.finalX)).toEqual([1.5, 1.5]);
    expect(res.communication!.ternaryMessages[0]).toBe(0);
    expect(res.communication!.upBits[0]).toBe(9 * 32);
  });
});

/** Uniform rand(slot) of the step programs: Philox (i, t, j, r; seed, compress + op index). */
const uniform = (i: number, t: number, j: number, r: number, seed: number, op: number, slot = 0) =>
  uniformOpen(philox([i, t, j, r], [seed, (Purpose.compress + op) >>> 0])[slot]);

/**
 * Reference of P1 Alg. 2 written from the paper, loop by loop (exact gradients of `three`):
 * v^j_t = g^j (t = 0) or (1 - beta) v^j + beta g^j; m^j_i = +1 iff u^j_{t,i} < (G + v^j_i)/(2G);
 * v1: s = sign(sum_j m^j); v2: s_i = +1 iff u'_{t,i} < (1 + a_i)/2 with a = (1/n) sum_j m^j;
 * x <- x - lr s. momentum = false gives Sto-signSGD (m^j = S_G(g^j)).
 */
function referenceMvsm(version: 1 | 2, T: number, lr: number, beta: number, G: number, seed: number, momentum = true): number[] {
  const d = 2;
  const C = [[1, -1], [2, 1], [-1, 3]];
  const n = 3;
  const x = [0, 0];
  const v = C.map(() => [0, 0]);
  for (let t = 0; t < T; t++) {
    const m = C.map((c, j) =>
      c.map((cj, i) => {
        const g = x[i] - cj;
        v[j][i] = !momentum || t === 0 ? g : (1 - beta) * v[j][i] + beta * g;
        return uniform(i, t, j, 0, seed, 0) < (G + v[j][i]) / (2 * G) ? 1 : -1;
      }),
    );
    for (let i = 0; i < d; i++) {
      const sum = m[0][i] + m[1][i] + m[2][i];
      const s = version === 1 ? Math.sign(sum) : uniform(i, t, 0, 0, seed, 2) < (1 + sum / n) / 2 ? 1 : -1;
      x[i] = x[i] - lr * s;
    }
  }
  return x;
}

describe('MVSM (P1 Alg. 2)', () => {
  // With G = 4 >= ||v^j||_inf along these runs. At t = 0, x = 0: v^1 = (-1, 1), so worker 1
  // sends +1 in coordinate 0 with probability (4 - 1)/8 = 3/8 and in coordinate 1 with 5/8; etc.
  it('v1 equals the reference written from Alg. 2 (S_G from the Philox compress stream)', () => {
    for (const seed of [1, 2, 3]) {
      const res = run('mvsm-v1', { lr: 0.25, beta: 0.5, G: 4 }, 3, { seed });
      expect(Array.from(res.finalX)).toEqual(referenceMvsm(1, 3, 0.25, 0.5, 4, seed));
    }
  });
  it('v2 equals the reference (server S_1 draws at counter (i, t, 0, r), op 2)', () => {
    for (const seed of [1, 2, 3]) {
      const res = run('mvsm-v2', { lr: 0.25, beta: 0.5, G: 4 }, 3, { seed });
      expect(Array.from(res.finalX)).toEqual(referenceMvsm(2, 3, 0.25, 0.5, 4, seed));
      // S_1 never outputs 0: both directions stay binary
      expect(res.communication!.ternaryMessages[0]).toBe(0);
      expect(res.communication!.downBits[0]).toBe(3 * 3 * 32);
    }
  });
  it('v1, v2 and Sto-signSGD equal the reference over 40 steps and 4 seeds (G = 20)', () => {
    for (const seed of [11, 12, 13, 14]) {
      expect(Array.from(run('mvsm-v1', { lr: 0.25, beta: 0.3, G: 20 }, 40, { seed }).finalX)).toEqual(referenceMvsm(1, 40, 0.25, 0.3, 20, seed));
      expect(Array.from(run('mvsm-v2', { lr: 0.25, beta: 0.3, G: 20 }, 40, { seed }).finalX)).toEqual(referenceMvsm(2, 40, 0.25, 0.3, 20, seed));
      expect(Array.from(run('sto-signsgd', { lr: 0.25, G: 20 }, 40, { seed }).finalX)).toEqual(referenceMvsm(1, 40, 0.25, 1, 20, seed, false));
    }
  });
  it('the trace changes when the S_G draws change (the reference is not trivially constant)', () => {
    const a = referenceMvsm(1, 3, 0.25, 0.5, 4, 1);
    const outs = [2, 3, 4, 5, 6].map((s) => referenceMvsm(1, 3, 0.25, 0.5, 4, s).join(','));
    expect(outs.some((o) => o !== a.join(','))).toBe(true);
  });
  it('||v||_inf > G is bad input: a UserInputError naming S_G and G, never a clip', () => {
    // t = 0: v^3 = (1, -3), so ||v^3||_inf = 3 > G = 2.5
    const f = () => run('mvsm-v1', { lr: 0.25, beta: 0.5, G: 2.5 }, 3);
    expect(f).toThrow(UserInputError);
    expect(f).toThrow(/^mvsm-v1\.G: must bound the worker momentum v\^j_t: S_G is defined only for \|\|v\|\|_inf <= G \(P1 Def\. 1\)/);
    expect(f).toThrow(/\|\|v\|\|_inf = 3 > G = 2\.5 at step t = 0, worker 2, replica 0/);
    // the bound itself is allowed (p = 1 or 0 exactly): G = 3 runs
    expect(() => run('mvsm-v2', { lr: 0.25, beta: 0.5, G: 3 }, 1)).not.toThrow();
  });
  it('records how close ||v||_inf came to G (Asm. 8 diagnostics)', () => {
    const res = run('mvsm-v1', { lr: 0.25, beta: 0.5, G: 4 }, 1);
    expect(res.communication!.boundUse.G[0]).toBe(3 / 4);
  });
  it('running-max R: R_t = max_{s <= t, j} ||v^j_s||_inf, never an error, and one float each way', () => {
    const res = run('mvsm-v1-runmax', { lr: 0.25, beta: 0.5 }, 3);
    expect(res.communication!.boundUse.R[0]).toBe(1);
    // up: 32 bits of signs + 32 for ||v^j||_inf; down: 32 (or 64 on a tie) + 32 for R
    expect(res.communication!.upBits[0]).toBe(3 * 3 * 64);
    // with R_0 = 3 (from v^3 = (1, -3)) the t = 0 messages are S_3(v^j)
    const x = referenceRunmaxStep0(5);
    const one = run('mvsm-v1-runmax', { lr: 0.25, beta: 0.5 }, 1);
    expect(Array.from(one.finalX)).toEqual(x);
  });
});

/** Step 0 of mvsm-v1-runmax: R = 3, rand of op 1 (the S_R pass follows the reduction pass). */
function referenceRunmaxStep0(seed: number): number[] {
  const C = [[1, -1], [2, 1], [-1, 3]];
  return [0, 1].map((i) => {
    let sum = 0;
    C.forEach((c, j) => {
      sum += uniform(i, 0, j, 0, seed, 1) < (3 + (0 - c[i])) / (2 * 3) ? 1 : -1;
    });
    return 0 - 0.25 * Math.sign(sum);
  });
}

describe('Sto-signSGD (Jin et al. 2021) and MV-sto-signSGD-SIM (Sun et al. 2023)', () => {
  it('Sto-signSGD equals the reference: workers send S_G(g_j), server votes', () => {
    for (const seed of [1, 2]) {
      const res = run('sto-signsgd', { lr: 0.25, G: 4 }, 3, { seed });
      expect(Array.from(res.finalX)).toEqual(referenceMvsm(1, 3, 0.25, 1, 4, seed, false));
    }
    expect(() => run('sto-signsgd', { lr: 0.25, G: 2 }, 1)).toThrow(/sto-signsgd\.G: must bound the worker stochastic gradient g\^j_t: S_G/);
  });
  it('MV-sto-signSGD-SIM runs MVSM v1\'s rule with the default beta = T^(-1/2)', () => {
    const T = 4;
    const a = run('mv-sto-signsgd-sim', { lr: 0.25, G: 4 }, T);
    const b = run('mvsm-v1', { lr: 0.25, G: 4, beta: 'T^(-1/2)' }, T);
    expect(Array.from(a.finalX)).toEqual(Array.from(b.finalX));
    expect(Array.from(a.finalX)).toEqual(referenceMvsm(1, T, 0.25, 0.5, 4, 5));
  });
});

describe('EF-SignSGD (Karimireddy et al. 2019)', () => {
  it('single worker follows the hand-derived trace', () => {
    // f = 1/2 (x_1^2 + 2 x_2^2), x0 = (1, 1), lr = 0.5:
    // t = 0: g = (1, 2), p = (0.5, 1), ||p||_1/d = 0.75, Delta = (0.75, 0.75), x_1 = (0.25, 0.25), e_1 = (-0.25, 0.25)
    // t = 1: g = (0.25, 0.5), p = (-0.125, 0.5), 0.3125, Delta = (-0.3125, 0.3125), x_2 = (0.5625, -0.0625), e_2 = (0.1875, 0.1875)
    // t = 2: g = (0.5625, -0.125), p = (0.46875, 0.125), 0.296875, x_3 = (0.265625, -0.359375)
    const p = diagQuadratic([1, 2], [0, 0], [1, 1]);
    const res = runCpu({ algorithm: algorithms.get('ef-signsgd'), hyper: { lr: 0.5 }, problem: p, noise: null, T: 3, workers: 1, replicas: 1, seed: 1 });
    expect(Array.from(res.finalX)).toEqual([0.265625, -0.359375]);
    expect(res.communication).toBeUndefined();
  });
  it('distributed: worker and server error feedback, hand-derived trace and bits', () => {
    // n = 2, f_j = 1/2 ||x - c^j||^2, c^1 = (1, 0), c^2 = (-1, 0), x0 = (1, 1), lr = 0.5.
    // t = 0: g^1 = (0, 1), g^2 = (2, 1); p^1 = (0, 0.5), sc1 = 0.25, Delta^1 = (0, 0.25) (ternary up),
    //        e^1 = (0, 0.25); p^2 = (1, 0.5), sc2 = 0.75, Delta^2 = (0.75, 0.75), e^2 = (0.25, -0.25);
    //        a = (0.375, 0.5) = q, ss = 0.4375, Delta = (0.4375, 0.4375), e = (-0.0625, 0.0625); x_1 = (0.5625, 0.5625).
    // t = 1: g^1 = (-0.4375, 0.5625), g^2 = (1.5625, 0.5625); p^1 = (-0.21875, 0.53125), sc1 = 0.375,
    //        Delta^1 = (-0.375, 0.375); p^2 = (1.03125, 0.03125), sc2 = 0.53125, Delta^2 = (0.53125, 0.53125);
    //        a = (0.078125, 0.453125), q = (0.015625, 0.515625), ss = 0.265625; x_2 = (0.296875, 0.296875).
    const two = heterogeneousQuadratic(Float64Array.from([1, 1]), [Float64Array.from([1, 0]), Float64Array.from([-1, 0])], { x0: () => Float64Array.from([1, 1]) });
    for (const packed of [true, false]) {
      const res = run('ef-signsgd-mv', { lr: 0.5 }, 2, { problem: two, packed });
      expect(Array.from(res.finalX)).toEqual([0.296875, 0.296875]);
      const c = res.communication!;
      // up: t0 (64 + 32) + (32 + 32), t1 2 x (32 + 32) = 288; down: 2 steps x 2 workers x (32 + 32) = 256
      expect(c.upBits[0]).toBe(288);
      expect(c.downBits[0]).toBe(256);
      expect(c.ternaryMessages[0]).toBe(1);
    }
  });
});

describe('packed 1-bit messages vs float rows', () => {
  it('give identical iterates and identical bit counts for every distributed algorithm (n across 32, d across 32)', () => {
    const noise = { model: createNoise('rademacher'), sigma: 0.5 };
    for (const def of distributedAlgorithms) {
      if (!def.distributed) continue;
      for (const [n, d] of [[1, 5], [2, 40], [33, 5], [64, 33]] as const) {
        const problem = createProblem('heterogeneous-quadratic', { d, workers: n, heterogeneity: 1, seed: 3 });
        const hyper: Record<string, number | string> = { lr: 0.01 };
        if (def.hyper.some((h) => h.name === 'G')) hyper.G = 50;
        const spec = { algorithm: def, hyper, problem, noise, T: 25, workers: n, replicas: 2, seed: 9 };
        const a = runCpu(spec, { packed: true });
        const b = runCpu(spec, { packed: false });
        expect(sameNumbers(a.finalX, b.finalX), `${def.id} n=${n} d=${d}`).toBe(true);
        expect(sameNumbers(a.avgG1, b.avgG1)).toBe(true);
        expect(Array.from(a.communication!.upBits)).toEqual(Array.from(b.communication!.upBits));
        expect(Array.from(a.communication!.downBits)).toEqual(Array.from(b.communication!.downBits));
        expect(b.communication!.packed).toBe(false);
      }
    }
  });
  it('runs 1024 workers as one dimension of the state', () => {
    const n = 1024;
    const problem = createProblem('heterogeneous-quadratic', { d: 4, workers: n, heterogeneity: 1, seed: 1 });
    const spec = { algorithm: algorithms.get('mvsm-v2'), hyper: { lr: 0.01, G: 50 }, problem, noise: { model: createNoise('rademacher'), sigma: 1 }, T: 3, workers: n, replicas: 1, seed: 2 };
    const a = runCpu(spec);
    const b = runCpu(spec, { packed: false });
    expect(Array.from(a.finalX)).toEqual(Array.from(b.finalX));
    expect(a.communication!.upBitsPerWorkerStep[0]).toBe(32);
    expect(a.communication!.float32UpBitsPerWorkerStep).toBe(128);
  });
});

describe('declarations', () => {
  it('every distributed algorithm is registered, documented, and its declaration checks', () => {
    for (const def of distributedAlgorithms) {
      expect(algorithms.get(def.id)).toBe(def);
      expect(def.updateRule.length).toBeGreaterThan(10);
      expect(def.source).toMatch(/\d{4}/);
      const dist = distributedPartOf(def);
      if (def.distributed) expect(dist).not.toBeNull();
    }
  });
  it('a message that is not a sign vector is an error, never rounded', () => {
    const bad: DistributedAlgorithmDef = {
      id: 'bad-msg',
      name: 'bad',
      summary: 'test',
      updateRule: 'x',
      source: 'test',
      distributed: true,
      hyper: [{ name: 'lr', rule: 'positive', doc: 'step' }],
      example: { lr: 0.02 },
      program: {
        vectors: [
          { name: 'm', scope: 'worker' },
          { name: 's', scope: 'server' },
        ],
        scalars: [],
        params: ['lr'],
        ops: [
          { op: 'map', scope: 'worker', assign: [['m', '0.5 * sign(g)']] },
          { op: 'aggregate', from: 'm', to: 's', kind: 'vote' },
          { op: 'map', scope: 'server', assign: [['x', 'x - lr * s']] },
        ],
      },
      communication: { up: [{ vector: 'm', encoding: 'sign' }], down: [{ vector: 's', encoding: 'sign' }] },
    };
    const spec = { algorithm: bad, hyper: { lr: 0.1 }, problem: three, noise: null, T: 2, workers: 3, replicas: 1, seed: 1 };
    expect(() => runCpu(spec)).toThrow(/bad-msg: message m from worker 0 at step t = 0 is not a valid sign message: entry 0 is -0\.5/);
    expect(() => checkDistributed({ ...bad, communication: { up: [], down: [] } })).toThrow(/aggregate reads m, which is not a declared up message/);
  });
});
