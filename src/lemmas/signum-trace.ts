import { sampleNoise } from '../noise/index.ts';
import type { NoiseModel } from '../noise/types.ts';
import type { Problem } from '../problems/types.ts';
import { laneWord } from '../rng/streams.ts';

/** One Signum run's per-step quantities, row-major T x d (step t = 1..T stored at row t-1). */
export interface SignumTrace {
  readonly d: number;
  readonly T: number;
  /** Iterates x_t (the point where g_t and the stochastic gradient are taken), and x_{T+1} = final. */
  readonly x: Float64Array;
  readonly final: Float64Array;
  /** Exact gradients grad f(x_t). */
  readonly g: Float64Array;
  /** Stochastic gradients grad f(x_t) + sigma xi_t (what the algorithm sees). */
  readonly gs: Float64Array;
  /** Momentum v_t = (1 - beta) v_{t-1} + beta gs_t, v_1 = gs_1. */
  readonly v: Float64Array;
}

/** Settings of one Signum run (P1 Alg. 1) with additive noise sigma (.) xi, xi from `model`. */
export interface SignumRun {
  readonly problem: Problem;
  readonly x1: Float64Array;
  readonly beta: number;
  readonly eta: number;
  readonly T: number;
  /** Null: exact gradients. */
  readonly noise: { readonly model: NoiseModel; readonly sigma: number | Float64Array } | null;
  /** Philox seed and replica (the engine's noise addressing: stream (seed, noise), counter (block, t, lane(0, 0), replica)). */
  readonly seed: number;
  readonly replica: number;
}

/**
 * Replays Signum (P1 Algorithm 1; src/algorithms/single.ts `signum`) step by step and keeps every
 * per-step vector, which the engine's RunResult does not expose:
 *   gs_t = grad f(x_t) + sigma (.) xi_t,  v_1 = gs_1,  v_t = (1 - beta) v_{t-1} + beta gs_t,
 *   x_{t+1} = x_t - eta sign(v_t)   (sign(0) = 0).
 * The noise is drawn exactly as the CPU engine draws it for worker 0, batch 1 (counter
 * (block, t - 1, laneWord(0, 0), replica) under key (seed, noise); the engine counts steps from 0),
 * and the arithmetic is the engine's, in the same order, so the trajectory is bit-identical to
 * runCpu's (checked in signum-trace.test.ts).
 */
export function signumTrace(run: SignumRun): SignumTrace {
  const { problem, beta, eta, T } = run;
  const d = problem.d;
  const x = new Float64Array(T * d);
  const g = new Float64Array(T * d);
  const gs = new Float64Array(T * d);
  const v = new Float64Array(T * d);
  const cur = Float64Array.from(run.x1);
  const grad = new Float64Array(d);
  const xi = new Float64Array(d);
  const m = new Float64Array(d);
  const lane = laneWord(0, 0);
  const sigma = run.noise?.sigma;
  for (let t = 0; t < T; t++) {
    const o = t * d;
    x.set(cur, o);
    problem.grad(cur, grad);
    g.set(grad, o);
    if (run.noise) {
      sampleNoise(run.noise.model, run.seed, t, lane, run.replica, xi);
      if (typeof sigma === 'number') for (let i = 0; i < d; i++) grad[i] += sigma * xi[i] * 1;
      else for (let i = 0; i < d; i++) grad[i] += sigma![i] * xi[i] * 1;
    }
    gs.set(grad, o);
    if (t === 0) m.set(grad);
    else for (let i = 0; i < d; i++) m[i] = (1 - beta) * m[i] + beta * grad[i];
    v.set(m, o);
    for (let i = 0; i < d; i++) cur[i] = cur[i] - eta * Math.sign(m[i]);
  }
  return { d, T, x, final: cur, g, gs, v };
}
