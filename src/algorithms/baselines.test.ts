import { describe, expect, it } from 'vitest';
import { runCpu, type ObservedStep } from '../engine/cpu.ts';
import { diagQuadratic } from '../testing/fixtures.ts';
import { algorithms } from './index.ts';
import type { Problem } from '../problems/types.ts';

// Conformance of every baseline with a three-step trace derived by hand from its reference code on
// a tiny quadratic f(x) = 1/2 sum_i L_i x_i^2 (gradient g = L x). Each expected value below is the
// reference update written out step by step (straight-line arithmetic, no loop, no shared code with
// the step program); the comments carry the derivation and rounded values. Tolerance: the engine and
// the transcription evaluate the same formulas in a possibly different order, so they agree to a few
// float64 roundings of the magnitudes involved: 1e-12 relative is ~4500 u, far above that and far
// below any algorithmic difference (which shows up at >= 1e-3 relative in these traces).

const REL = 1e-12;
function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(REL * Math.max(1, Math.abs(expected)));
}

/** x_1, x_2, x_3 (rows) and the scalars observed after each step. */
function trace(id: string, hyper: Record<string, number>, problem: Problem): { x: number[][]; S: Array<Record<string, number>>; out: number[] } {
  const x: number[][] = [];
  const S: Array<Record<string, number>> = [];
  const res = runCpu(
    { algorithm: algorithms.get(id), hyper, problem, noise: null, T: 3, workers: 1, replicas: 1, seed: 1 },
    {
      observe: (s: ObservedStep) => {
        x.push(Array.from(s.V.x));
        const sc: Record<string, number> = {};
        for (const [k, v] of Object.entries(s.S)) sc[k] = v[0];
        S.push(sc);
      },
    },
  );
  return { x, S, out: Array.from(res.finalX) };
}

describe('AdamW (PyTorch AdamW)', () => {
  it('three steps on f = x^2/2 from x0 = 1, lr 0.1, wd 0.1, default betas and eps', () => {
    const { x } = trace('adamw', { lr: 0.1, wd: 0.1 }, diagQuadratic([1], [0], [1]));
    const [b1, b2, eps, lr, wd] = [0.9, 0.999, 1e-8, 0.1, 0.1];
    // step 1: g = 1; x <- 0.99; m = 0.1, v = 0.001; mhat = 1, vhat = 1; x1 = 0.99 - 0.1/(1 + eps) ~ 0.89
    let m = (1 - b1) * 1;
    let v = (1 - b2) * 1;
    const x1 = 1 * (1 - lr * wd) - (lr / (1 - b1)) * (m / (Math.sqrt(v) / Math.sqrt(1 - b2) + eps));
    close(x[0][0], x1);
    expect(x1).toBeCloseTo(0.89, 8);
    // step 2: g = x1; m = 0.09 + 0.1 x1, v = 0.000999 + 0.001 x1^2; corrections 1 - 0.81, 1 - 0.998001
    m = b1 * m + (1 - b1) * x1;
    v = b2 * v + (1 - b2) * x1 * x1;
    const x2 = x1 * (1 - lr * wd) - (lr / (1 - b1 ** 2)) * (m / (Math.sqrt(v) / Math.sqrt(1 - b2 ** 2) + eps));
    close(x[1][0], x2);
    // step 3
    m = b1 * m + (1 - b1) * x2;
    v = b2 * v + (1 - b2) * x2 * x2;
    const x3 = x2 * (1 - lr * wd) - (lr / (1 - b1 ** 3)) * (m / (Math.sqrt(v) / Math.sqrt(1 - b2 ** 3) + eps));
    close(x[2][0], x3);
    expect(x3).toBeCloseTo(0.675101, 6); // x1 = 0.890000001, x2 = 0.781572, x3 = 0.675101 (checked with a separate Python transcription)
  });
});

describe('Lion (google/automl lion_pytorch)', () => {
  it('three steps from x0 = 0.15 with lr 0.1: the third step follows the gradient against the momentum', () => {
    const { x } = trace('lion', { lr: 0.1 }, diagQuadratic([1], [0], [0.15]));
    // t0: g = 0.15, m = 0: u = sign(0.015) = 1, x1 = 0.05; m = 0.01 * 0.15 = 0.0015
    // t1: g = 0.05: u = sign(0.00135 + 0.005) = 1, x2 = -0.05; m = 0.001485 + 0.0005 = 0.001985
    // t2: g = -0.05: u = sign(0.0017865 - 0.005) = -1, x3 = 0.05
    close(x[0][0], 0.15 - 0.1);
    close(x[1][0], 0.15 - 0.1 - 0.1);
    close(x[2][0], 0.15 - 0.1 - 0.1 + 0.1);
  });

  it('with the decoupled weight decay option (optax convention, here wd = 1)', () => {
    const { x } = trace('lion', { lr: 0.1, wd: 1 }, diagQuadratic([1], [0], [0.15]));
    // t0: x <- 0.15 * 0.9 = 0.135, u = 1: x1 = 0.035; m = 0.0015
    // t1: g = 0.035: x <- 0.0315; u = sign(0.00135 + 0.0035) = 1: x2 = -0.0685; m = 0.001485 + 0.00035 = 0.001835
    // t2: g = -0.0685: x <- -0.06165; u = sign(0.0016515 - 0.00685) = -1: x3 = 0.03835
    close(x[0][0], 0.15 * 0.9 - 0.1);
    close(x[1][0], (0.15 * 0.9 - 0.1) * 0.9 - 0.1);
    close(x[2][0], ((0.15 * 0.9 - 0.1) * 0.9 - 0.1) * 0.9 + 0.1);
  });
});

describe('normalized SGD', () => {
  const p = diagQuadratic([1, 4], [0, 0], [3, 1]);
  it('beta = 0: steps of length lr along -g/||g||', () => {
    const { x } = trace('normalized-sgd', { lr: 0.5 }, p);
    // t0: g = (3, 4), ||g|| = 5: x1 = (3, 1) - 0.5 (0.6, 0.8) = (2.7, 0.6)
    close(x[0][0], 2.7);
    close(x[0][1], 0.6);
    // t1: g = (2.7, 2.4), ||g|| = sqrt(13.05): x2 = x1 - 0.5 g / sqrt(13.05)
    const n1 = Math.sqrt(2.7 * 2.7 + 2.4 * 2.4);
    const x2 = [2.7 - (0.5 * 2.7) / n1, 0.6 - (0.5 * 2.4) / n1];
    close(x[1][0], x2[0]);
    close(x[1][1], x2[1]);
    // t2: g = (x2_0, 4 x2_1)
    const g2 = [x2[0], 4 * x2[1]];
    const n2 = Math.hypot(g2[0], g2[1]);
    close(x[2][0], x2[0] - (0.5 * g2[0]) / n2);
    close(x[2][1], x2[1] - (0.5 * g2[1]) / n2);
  });

  it('beta = 0.5: the momentum direction (m starts at 0, so the first step is along g)', () => {
    const { x } = trace('normalized-sgd', { lr: 0.5, beta: 0.5 }, p);
    // t0: m = 0.5 (3, 4) = (1.5, 2): same direction, x1 = (2.7, 0.6)
    close(x[0][0], 2.7);
    // t1: g = (2.7, 2.4): m = (1.5 + 2.7, 2 + 2.4)/2 = (2.1, 2.2), ||m|| = sqrt(9.25)
    const n = Math.sqrt(9.25);
    const x2 = [2.7 - (0.5 * 2.1) / n, 0.6 - (0.5 * 2.2) / n];
    close(x[1][0], x2[0]);
    close(x[1][1], x2[1]);
    const m = [0.5 * 2.1 + 0.5 * x2[0], 0.5 * 2.2 + 0.5 * 4 * x2[1]];
    const nm = Math.hypot(m[0], m[1]);
    close(x[2][0], x2[0] - (0.5 * m[0]) / nm);
    close(x[2][1], x2[1] - (0.5 * m[1]) / nm);
  });
});

describe('Prodigy (prodigyopt reference)', () => {
  it('three steps on f = x^2/2 from 1 with d0 = 0.1 (defaults otherwise): d grows at the third step', () => {
    const { x, S } = trace('prodigy', { d0: 0.1 }, diagQuadratic([1], [0], [1]));
    const [b1, b2, eps, d0] = [0.9, 0.999, 1e-8, 0.1];
    const b3 = Math.sqrt(b2);
    // t0: d = 0.1, dlr = 0.1; r = 0 (x = x0); m = 0.1 * 0.1 = 0.01, v = 0.01 * 0.001 = 1e-5;
    //     s = 0.1; dhat = 0 -> d = 0.1; x1 = 1 - 0.1 * 0.01 / (sqrt(1e-5) + 1e-9) ~ 0.683772
    let d = d0;
    let m = d * (1 - b1) * 1;
    let v = d * d * (1 - b2) * 1;
    let s = (d / d0) * d * 1;
    let r = 0;
    const x1 = 1 - (d * m) / (Math.sqrt(v) + d * eps);
    close(x[0][0], x1);
    expect(x1).toBeCloseTo(0.683772, 6);
    close(S[0].d, 0.1);
    // t1: g = x1; r = b3 * 0 + (d/d0) d g (1 - x1) ~ 0.1 * 0.683772 * 0.316228 ~ 0.021623;
    //     s = b3 * 0.1 + 0.1 * x1 ~ 0.168327; dhat = r / |s| ~ 0.12846 -> d = 0.12846 > 0.1
    let g = x1;
    r = b3 * r + (d / d0) * d * g * (1 - x1);
    m = b1 * m + d * (1 - b1) * g;
    v = b2 * v + d * d * (1 - b2) * g * g;
    s = b3 * s + (d / d0) * d * g;
    let dlr = d;
    d = Math.max(d, r / Math.abs(s));
    const x2 = x1 - (dlr * m) / (Math.sqrt(v) + d * eps);
    close(S[1].d, d);
    expect(d).toBeGreaterThan(0.12);
    close(x[1][0], x2);
    // t2: the same with the new d
    g = x2;
    dlr = d;
    r = b3 * r + (d / d0) * dlr * g * (1 - x2);
    m = b1 * m + d * (1 - b1) * g;
    v = b2 * v + d * d * (1 - b2) * g * g;
    s = b3 * s + (d / d0) * dlr * g;
    d = Math.max(d, r / Math.abs(s));
    close(S[2].d, d);
    close(x[2][0], x2 - (dlr * m) / (Math.sqrt(v) + d * eps));
  });

  it('bias-correction option: dlr = d lr sqrt(1 - b2^(k+1)) / (1 - b1^(k+1)); coupled decay option adds wd x to g', () => {
    const { x } = trace('prodigy', { d0: 0.1, biasCorrection: 1 }, diagQuadratic([1], [0], [1]));
    // t0: bc = sqrt(0.001) / 0.1 ~ 0.316228: dlr = 0.0316228; x1 = 1 - dlr * 0.01 / (sqrt(1e-5) + 1e-9)
    const dlr0 = 0.1 * (Math.sqrt(1 - 0.999) / (1 - 0.9));
    close(x[0][0], 1 - (dlr0 * 0.01) / (Math.sqrt(1e-5) + 1e-9));
    const c = trace('prodigy', { d0: 0.1, wd: 0.5, decouple: 0 }, diagQuadratic([1], [0], [1]));
    // t0: g' = 1 + 0.5 = 1.5; m = 0.015, v = 0.01 * 0.001 * 2.25; x1 = 1 - 0.1 m / (sqrt(v) + 1e-9)
    close(c.x[0][0], 1 - (0.1 * 0.015) / (Math.sqrt(0.01 * 0.001 * 2.25) + 1e-9));
  });
});

describe('D-Adaptation SGD (dadaptation v3)', () => {
  it('three steps on f = x^2/2 from 1 with d0 = 0.1: x_k = x0 - s_k, d grows to 0.18 at step 3', () => {
    const { x, S } = trace('dadapt-sgd', { d0: 0.1 }, diagQuadratic([1], [0], [1]));
    // t0: ||g0|| = 1, dlr = 0.1: s = 0.1, r = 0, dhat = 0, d = 0.1; x1 = 1 - 0.1 = 0.9
    // t1: g = 0.9: r = 0.1 * (0.9 * 0.1) = 0.009; s = 0.19; dhat = 2 * 0.009 / 0.19 ~ 0.0947; d = 0.1; x2 = 0.81
    // t2: g = 0.81: r = 0.009 + 0.1 * 0.81 * 0.19 = 0.02439; s = 0.271; dhat = 0.04878 / 0.271 = 0.18; d = 0.18; x3 = 0.729
    close(x[0][0], 0.9);
    close(x[1][0], 0.81);
    close(x[2][0], 0.729);
    close(S[1].dhat, (2 * 0.009) / 0.19);
    close(S[2].d, (2 * (0.009 + 0.1 * 0.81 * 0.19)) / 0.271);
    expect(S[2].d).toBeCloseTo(0.18, 12);
  });

  it('momentum 0.5: x = 0.5 x + 0.5 (x0 - s)', () => {
    const { x } = trace('dadapt-sgd', { d0: 0.1, momentum: 0.5 }, diagQuadratic([1], [0], [1]));
    // t0: s = 0.1, z = 0.9, x1 = 0.95; t1: g = 0.95, s = 0.195, z = 0.805, x2 = 0.8775
    // t2: r = 0.1 * 0.95 * 0.1 = 0.0095 -> dhat = 0.019/0.195 < 0.1; g = 0.8775, s = 0.28275, z = 0.71725, x3 = 0.797375
    close(x[0][0], 0.95);
    close(x[1][0], 0.8775);
    close(x[2][0], 0.797375);
  });
});

describe('D-Adaptation Adam (dadaptation v3)', () => {
  it('three steps on f = x^2/2 from 1 with d0 = 0.1', () => {
    const { x, S } = trace('dadapt-adam', { d0: 0.1 }, diagQuadratic([1], [0], [1]));
    const [b1, b2, eps] = [0.9, 0.999, 1e-8];
    const sb = Math.sqrt(b2);
    let d = 0.1;
    // t0: r accumulates g s/(sqrt(v)+eps) = 0 (s = 0); m = 0.1 * 0.1 = 0.01; v = 0.001; s = 0.1 (1 - sb)
    //     d stays 0.1; x1 = 1 - 0.01 / (sqrt(0.001) + 1e-8) ~ 0.683772
    let m = d * (1 - b1);
    let v = 1 - b2;
    let s = d * (1 - sb);
    let r = 0;
    const x1 = 1 - m / (Math.sqrt(v) + eps);
    close(x[0][0], x1);
    // t1: g = x1; racc = g s/(sqrt(v) + eps) with the old s, v; r = (1 - sb) dlr racc; dhat = r / ((1 - sb) |s_new|)
    let g = x1;
    let racc = (g * s) / (Math.sqrt(v) + eps);
    m = b1 * m + d * (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    s = sb * s + d * (1 - sb) * g;
    r = sb * r + (1 - sb) * d * racc;
    d = Math.max(d, r / ((1 - sb) * Math.abs(s)));
    const x2 = x1 - m / (Math.sqrt(v) + eps);
    close(x[1][0], x2);
    close(S[1].d, d);
    // t2
    g = x2;
    const dlr = d;
    racc = (g * s) / (Math.sqrt(v) + eps);
    m = b1 * m + dlr * (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    s = sb * s + dlr * (1 - sb) * g;
    r = sb * r + (1 - sb) * dlr * racc;
    d = Math.max(d, r / ((1 - sb) * Math.abs(s)));
    close(S[2].d, d);
    close(x[2][0], x2 - m / (Math.sqrt(v) + eps));
  });

  it('decoupled option: x <- x - wd dlr x before the step; coupled default adds wd x to g', () => {
    const dec = trace('dadapt-adam', { d0: 0.1, wd: 0.5, decouple: 1 }, diagQuadratic([1], [0], [1]));
    // t0 decoupled: m = 0.01, v = 0.001; x1 = 1 - 0.5 * 0.1 * 1 - 0.01/(sqrt(0.001) + 1e-8)
    close(dec.x[0][0], 1 - 0.05 - 0.01 / (Math.sqrt(0.001) + 1e-8));
    const cou = trace('dadapt-adam', { d0: 0.1, wd: 0.5 }, diagQuadratic([1], [0], [1]));
    // t0 coupled: g' = 1.5: m = 0.015, v = 0.001 * 2.25: x1 = 1 - 0.015/(sqrt(0.00225) + 1e-8)
    close(cou.x[0][0], 1 - 0.015 / (Math.sqrt(0.00225) + 1e-8));
  });
});

describe('D-Adaptation Lion (dadaptation v3)', () => {
  it('three steps on f = x^2/2 from 1 with d0 = 0.1: dhat = 0.1/(1 + sqrt(0.99)) at step 2', () => {
    const { x, S } = trace('dadapt-lion', { d0: 0.1 }, diagQuadratic([1], [0], [1]));
    const sb = Math.sqrt(0.99);
    // t0: u = sign(0.1) = 1: x1 = 0.9; m = 0.01 * 0.1 * 1 = 0.001; s = (1 - sb) 0.1; r = 0
    // t1: g = 0.9: u = sign(0.0009 + 0.09) = 1: x2 = 0.8; racc = u s_old = 0.1 (1 - sb);
    //     s = sb (1 - sb) 0.1 + (1 - sb) 0.1 = 0.1 (1 - sb)(1 + sb); r = (1 - sb) 0.1 racc = 0.01 (1 - sb)^2
    //     dhat = r / ((1 - sb) s) = 0.1 / (1 + sb) ~ 0.0501 < d = 0.1
    // t2: g = 0.8: m = 0.00189; u = sign(0.001701 + 0.08) = 1: x3 = 0.7; racc = s_1 = 0.1 (1 - 0.99) = 0.001
    //     r = sb r_1 + (1 - sb) 0.1 * 0.001; s_2 = sb s_1 + (1 - sb) 0.1; dhat = r / ((1 - sb) s_2) ~ 0.100167 > 0.1: d grows
    close(x[0][0], 0.9);
    close(x[1][0], 0.8);
    close(x[2][0], 0.7);
    close(S[1].dhat, 0.1 / (1 + sb));
    close(S[1].d, 0.1);
    const r1 = 0.01 * (1 - sb) ** 2;
    const s1 = 0.1 * (1 - sb) * (1 + sb);
    const r2 = sb * r1 + (1 - sb) * 0.1 * s1;
    const s2 = sb * s1 + (1 - sb) * 0.1;
    close(S[2].d, r2 / ((1 - sb) * s2));
    expect(S[2].d).toBeGreaterThan(0.1);
  });
});

describe('DoG (formll/dog) with polynomial-decay averaging', () => {
  it('three steps on f = ||x||^2/2 from (3, 4) with reps_rel = 0.1; output = the gamma = 8 average', () => {
    const p = diagQuadratic([1, 1], [0, 0], [3, 4]);
    const { x, S, out } = trace('dog', { repsRel: 0.1 }, p);
    const eps = 1e-8;
    // t0: rbar = 0.1 (1 + 5) = 0.6, G = 25 + eps, eta0 = 0.6 / sqrt(25 + eps) ~ 0.12: x1 = 0.88 x0; xbar1 = x1 (w = 9/9)
    const eta0 = 0.6 / Math.sqrt(25 + eps);
    const x1 = [3 * (1 - eta0), 4 * (1 - eta0)];
    close(x[0][0], x1[0]);
    close(x[0][1], x1[1]);
    close(S[0].eta, eta0);
    // t1: ||x1 - x0|| = 5 eta0 = 0.6 (so rbar stays 0.6); G += 25 (1 - eta0)^2; x2 = (1 - eta1) x1; w = 9/10
    const dist1 = Math.hypot(x1[0] - 3, x1[1] - 4);
    const r1 = Math.max(0.6, dist1);
    const G1 = 25 + eps + (x1[0] ** 2 + x1[1] ** 2);
    const eta1 = r1 / Math.sqrt(G1);
    const x2 = [x1[0] * (1 - eta1), x1[1] * (1 - eta1)];
    close(x[1][0], x2[0]);
    close(S[1].eta, eta1);
    // t2: rbar = max(rbar, ||x2 - x0||) grows; w = 9/11
    const r2 = Math.max(r1, Math.hypot(x2[0] - 3, x2[1] - 4));
    expect(r2).toBeGreaterThan(r1);
    const G2 = G1 + x2[0] ** 2 + x2[1] ** 2;
    const eta2 = r2 / Math.sqrt(G2);
    const x3 = [x2[0] * (1 - eta2), x2[1] * (1 - eta2)];
    close(x[2][0], x3[0]);
    close(x[2][1], x3[1]);
    // average: xbar1 = x1; xbar2 = (1/10) xbar1 + (9/10) x2; xbar3 = (2/11) xbar2 + (9/11) x3
    for (let i = 0; i < 2; i++) {
      const xb2 = (1 - 9 / 10) * x1[i] + (9 / 10) * x2[i];
      const xb3 = (1 - 9 / 11) * xb2 + (9 / 11) * x3[i];
      close(out[i], xb3);
    }
    // dog-last reports the last iterate
    close(trace('dog-last', { repsRel: 0.1 }, p).out[0], x3[0]);
  });

  it('init_eta overrides the first step only', () => {
    const { x } = trace('dog', { initEta: 0.5 }, diagQuadratic([1, 1], [0, 0], [3, 4]));
    close(x[0][0], 1.5);
    close(x[0][1], 2);
  });
});

describe('MoMo (fabian-sp/MoMo)', () => {
  it('three steps on f = x^2/2 from 2 (lb = 0, beta = 0.9, lr = 1)', () => {
    const { x, S } = trace('momo', {}, diagQuadratic([1], [0], [2]));
    // k = 1: fbar = f = 2, d = g = 2, gam = <x, g> = 4; tau = min(1, (2 + 4 - 4)/4) = 0.5 (the Polyak step); x1 = 1
    close(S[0].tau, 0.5);
    close(x[0][0], 1);
    // k = 2: f = 0.5, g = 1: fbar = 1.85, d = 1.9, gam = 3.7; <x, d> = 1.9; tau = (1.85 + 1.9 - 3.7)/3.61 ~ 0.013850
    const tau1 = (1.85 + 1.9 - 3.7) / (1.9 * 1.9);
    close(S[1].tau, tau1);
    const x2 = 1 - tau1 * 1.9;
    close(x[1][0], x2);
    // k = 3: f = x2^2/2, g = x2
    const fbar = 0.9 * 1.85 + 0.1 * (x2 * x2) / 2;
    const dv = 0.9 * 1.9 + 0.1 * x2;
    const gam = 0.9 * 3.7 + 0.1 * x2 * x2;
    const tau2 = Math.min(1, Math.max(fbar + x2 * dv - gam, 0) / (dv * dv));
    close(S[2].tau, tau2);
    close(x[2][0], x2 - tau2 * dv);
  });

  it('the step is capped at lr (lr = 0.2: tau = 0.2 at the first step)', () => {
    const { x, S } = trace('momo', { lr: 0.2 }, diagQuadratic([1], [0], [2]));
    close(S[0].tau, 0.2);
    close(x[0][0], 1.6);
  });

  it('bias-correction option: k = 1 averages start at 0, rho = 1 - beta', () => {
    const { S } = trace('momo', { biasCorrection: 1 }, diagQuadratic([1], [0], [2]));
    // fbar = 0.1 * 2 = 0.2, d = 0.2, gam = 0.4, rho = 0.1: nom = 0.2 + 2 * 0.2 - 0.4 = 0.2; tau = min(1/0.1, 0.2/0.04) = 5
    close(S[0].tau, 5);
  });
});
