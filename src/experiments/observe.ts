import { UserInputError } from '../core/errors.ts';
import { runCpu } from '../engine/cpu.ts';
import type { RunResult, RunSpec } from '../engine/types.ts';
import type { Problem } from '../problems/types.ts';

/**
 * Runs replica `replica` of a spec on the CPU reference engine and calls `observe(t, x_t)` at every
 * iterate t = 0..T, for observables the engine does not record (e.g. test accuracy of a logistic
 * model, P0's Table 1).
 *
 * How: the engine's general path evaluates, for each step t < T, the oracle grad f_j(x_t) for each
 * worker j (`gradWorker(x_t, j, .)`) and, at t = T, the exact gradient `grad(x_T, .)` for the
 * final metrics. The problem is wrapped (prototype delegation, so every other member is the
 * original) so that the worker-0 oracle call and the final gradient call report x_t first. The
 * fused path (which bypasses the oracle) is switched off; the general path gives the same
 * iterates bit for bit (tested in src/engine). Nothing about the run changes: the noise streams,
 * the schedules and the returned metrics are the engine's own (tested against an unobserved run).
 *
 * `x` is the engine's live buffer: read it inside `observe`, do not keep or modify it.
 * If the replica diverges, observation stops at the step where the engine stopped; the returned
 * result says where (`divergedAt`).
 */
export function runObserved(spec: RunSpec, replica: number, observe: (t: number, x: Float64Array) => void): RunResult {
  if (!Number.isInteger(replica) || replica < 0 || replica >= spec.replicas) {
    throw new UserInputError('replica', `must be an integer in [0, ${spec.replicas - 1}]`, `got ${replica}`);
  }
  const base = spec.problem;
  let t = 0;
  const wrapped = Object.create(base, {
    separableQuadratic: { value: undefined, enumerable: true },
    separableQuadraticWorkers: { value: undefined, enumerable: true },
    gradWorker: {
      value: (x: Float64Array, worker: number, out: Float64Array) => {
        if (worker === 0) observe(t++, x);
        base.gradWorker(x, worker, out);
      },
    },
    grad: {
      value: (x: Float64Array, out: Float64Array) => {
        if (t === spec.T) observe(t++, x);
        base.grad(x, out);
      },
    },
  }) as Problem;
  const res = runCpu({ ...spec, problem: wrapped }, { replicaRange: [replica, replica + 1], fused: false });
  const expected = res.divergedAt[0] >= 0 ? res.divergedAt[0] : spec.T + 1;
  if (res.divergedAt[0] < 0 && t !== expected) {
    throw new Error(`runObserved: saw ${t} iterates, expected ${expected} (the engine's call pattern changed; update runObserved)`);
  }
  return res;
}
