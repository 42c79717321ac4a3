import { gradientPassKind } from './gradients/index.ts';
import { F32_MAX, F32_MIN_NORMAL, isFloat32Normal } from './guards.ts';
import type { Expr } from '../algorithms/expr.ts';
import { checkProgram, type AlgorithmDef, type CheckedProgram } from '../algorithms/program.ts';
import type { Problem } from '../problems/types.ts';
import { STEP_THREADS, type GpuSupport, type ProblemShape, type StepKernelConfig, type StepKernel } from './wgsl/kernel.ts';
import { f32GuardLiterals } from './wgsl/prelude.ts';
import { programInfo } from './wgsl/map.ts';
import { generateFused } from './wgsl/fused.ts';
import { generateGeneral } from './wgsl/general.ts';
import { generateDistributed } from './wgsl/distributed.ts';


/**
 * WGSL generation for the GPU engine, from the same step program (src/algorithms/program.ts) the
 * CPU engine compiles to JavaScript. Two plans:
 *
 * FUSED (programs made only of server-scope map ops without reductions: sgd, sgd-momentum,
 * signsgd, minibatch-signsgd, signum, ...): ONE kernel per step. 2-D dispatch, x = coordinate
 * quads, y = replicas; thread (q, r) owns coordinates 4q..4q+3 of replica r and at step t
 *   1. loads x and the program's state vectors as vec4 (one 16-byte load each);
 *   2. forms the exact gradient g^e = diag (.) (x - c) and its metric contributions |g^e|,
 *      (g^e)^2 and diag (x - c)^2 (f - f(c) = 1/2 sum diag (x - c)^2), masked past d;
 *   3. forms the stochastic gradient in the CPU engine's order of operations:
 *        g = (1/n) sum_{j<n} ( g^e + (sigma (.) sum_{b<B} xi_{t,j,b}) / B )   (n = 1: no 1/n),
 *      xi from Philox4x32-10 with key (seed, Purpose.noise) and counter (block, t, j | b << 16, r),
 *      block = q for 4 samples per call, blocks 2q and 2q + 1 for 2 (src/rng/streams.ts);
 *   4. runs the map statements on each of the four coordinates (`toWgsl` of the parsed
 *      expressions), `rand(k)` from the compress stream (counter (i, t, 0, r), key (seed,
 *      Purpose.compress + op index)), and stores the written vectors;
 *   5. reduces the metric contributions over the workgroup's x extent (shared-memory tree) and
 *      writes one vec4 partial per (step slot, replica, workgroup).
 *
 * GENERAL (server-scope programs with row reductions, scalar ops, `fx`, oracle ops or an output
 * vector: EF-SignSGD, ALIAS, ...): several kernels per step, in program order: `grad` (metrics at
 * the output point, g stored, the f(x_t) partials when `fx` is read), `fxfin` (fx per replica),
 * then per op a map kernel (+ `fin` finishing its row reductions into scalars: sums by tree,
 * max propagating NaN as the CPU engine does), a scalar kernel (one thread per replica) or an
 * oracle kernel (the gradient at another point with the same draws: the noise is recomputed from
 * the same Philox counters, bit for bit the noise of g).
 *
 * Both plans end with the REDUCE kernel (one workgroup of 64 threads per replica), run after a
 * group of K steps: for each step of the group it sums the partials, then thread 0 applies the CPU
 * engine's bookkeeping: divergence (non-finite ||g||_1, ||g||_2, or f at a checkpoint), checkpoint
 * values, compensated (two-sum) sums of ||g||_1 and ||g||_2 over t < T, the tau-th gradient norm,
 * and (fused plan) the frozen-coordinate count of the last step. Replicas whose divergence is
 * recorded are not updated any more.
 *
 * DISTRIBUTED (worker-scope programs: MV-SignSGD, Signum-MV, MVSM v1/v2, Sto-signSGD,
 * MV-sto-signSGD-SIM, EF-SignSGD MV and the running-max variants): state replicas x workers x d,
 * per-worker oracle, 1-bit packed messages with a popcount vote, S_R guards and running-max syncs on
 * the device, the communication record; see generateDistributed in src/gpu/wgsl/distributed.ts. What stays refused, and
 * why, is listed by {@link gpuSupport}.
 */

// the public surface of the generator; the emitters live in src/gpu/wgsl/ (one module per pass kind)
export {
  CHUNK_BYTES,
  DIST_ACC,
  DIST_NONE,
  GRADIENT_OUT_VECTOR,
  GRADIENT_VECTOR,
  gradientFpartBase,
  RECORD_HEADER,
  RECORD_STRIDE,
  REDUCE_THREADS,
  RUN_BYTES,
  STATUS_BYTES,
  STEP_THREADS,
  type DistMessage,
  type DistPlan,
  type GeneralKernel,
  type GpuPlan,
  type GpuSupport,
  type KernelBindings,
  type ProblemShape,
  type StateBuffer,
  type StepKernel,
  type StepKernelConfig,
} from './wgsl/kernel.ts';
export { f32GuardLiterals } from './wgsl/prelude.ts';
export { generateReduceKernel } from './wgsl/reduce.ts';

/** The {@link ProblemShape} of a problem (what gpuSupport needs to know about it). */
export function problemShapeOf(problem: Pick<Problem, 'id' | 'd' | 'workers' | 'constants' | 'separableQuadratic' | 'separableQuadraticWorkers' | 'separableCoefficients'>): ProblemShape {
  const sqw = problem.separableQuadraticWorkers !== undefined;
  // a one-worker heterogeneous quadratic is the separable quadratic of its only worker
  const separable = problem.separableQuadratic !== undefined || (sqw && problem.workers === 1);
  const pass = separable ? null : gradientPassKind(problem);
  return {
    id: problem.id,
    separable,
    heterogeneous: problem.workers > 1,
    workerQuadratics: sqw,
    ...(pass ? { gradientPass: pass.kind !== null, ...(pass.kind === null ? { gradientReason: pass.reason } : {}) } : {}),
  };
}

/**
 * What keeps an algorithm / problem pair off the WebGPU engine: homogeneous non-separable problems
 * without a gradient pass (src/gpu/gradients); heterogeneous problems without per-worker separable
 * quadratics (sharded-logistic: per-worker gradient passes are not generated); oracle ops or an
 * output vector in a worker-scope program; literals outside float32's normal range (except the
 * float32 forms of guards.ts: {@link f32GuardLiterals}). Everything else runs: fused when the
 * program allows, general for other server-scope programs, distributed for worker-scope programs
 * (aggregates, S_R guards and running-max syncs included), on separable quadratics, heterogeneous
 * quadratics (server-scope programs average the per-worker gradients) and problems with a gradient
 * pass (the distributed plan dispatches it once per replica and step; every worker adds its noise).
 */
export function gpuSupport(def: AlgorithmDef, problem: ProblemShape): GpuSupport {
  const reasons: string[] = [];
  const p = def.program;
  const checked = checkProgram(def.id, p);
  if (checked.workerOps) {
    if (p.ops.some((o) => o.op === 'oracle')) reasons.push(`${def.id} has an oracle op in a worker-scope program (per-worker second oracle calls are not generated for WebGPU)`);
    if (p.output !== undefined) reasons.push(`${def.id} declares an output vector in a worker-scope program (not generated for WebGPU)`);
  }
  if (problem.heterogeneous) {
    if (!problem.workerQuadratics) reasons.push(`problem ${problem.id} is heterogeneous without per-worker separable-quadratic gradients (separableQuadraticWorkers; per-worker gradient passes are not generated)`);
  } else if (!problem.separable) {
    if (!problem.gradientPass) reasons.push(`problem ${problem.id} has no separable-quadratic gradient and no gradient pass (${problem.gradientReason ?? 'src/gpu/gradients covers rotated-quadratic, logistic regression, sum-cosh, exp-sum, quartic-sum'})`);
  }
  const bad = new Map<number, string[]>();
  // division guards max(a, c) with 0 < c < 2^-126 have a float32 form (f32GuardLiterals, guards.ts)
  for (const [src, e] of checked.parsed) for (const v of literals(f32GuardLiterals(e))) if (!isFloat32Normal(v)) bad.set(v, [...(bad.get(v) ?? []), src]);
  for (const [v, srcs] of bad) {
    const why = Math.abs(v) > F32_MAX ? 'it overflows to infinity' : `it rounds to 0 or a subnormal, so a guard such as max(s, ${v}) divides by zero`;
    reasons.push(`${def.id} uses the literal ${v}, which is not a float32 number (${why}), in ${srcs.length} expression(s), e.g. "${srcs[0]}"`);
  }
  if (reasons.length) return { supported: false, plan: null, reasons };
  return { supported: true, plan: checked.workerOps ? 'distributed' : isFusable(checked) ? 'fused' : 'general', reasons };
}

export { F32_MAX, F32_MIN_NORMAL, isFloat32Normal };

function literals(e: Expr, into: number[] = []): number[] {
  switch (e.kind) {
    case 'num':
      into.push(e.value);
      break;
    case 'neg':
      literals(e.arg, into);
      break;
    case 'bin':
      literals(e.left, into);
      literals(e.right, into);
      break;
    case 'call':
      if (e.fn !== 'rand') for (const a of e.args) literals(a, into);
      break;
    default:
      break;
  }
  return into;
}

/** Server-scope maps without reductions, no fx, no output vector: one kernel per step. */
function isFusable(checked: CheckedProgram): boolean {
  const p = checked.program;
  return !checked.workerOps && !checked.readsFx && p.output === undefined && p.ops.every((o) => o.op === 'map' && o.scope === 'server' && !(o.reduce?.length ?? 0));
}

/**
 * Generates the step kernel(s) for a supported program (see the module comment); `plan` decides
 * fused or general. Throws for programs gpuSupport() rejects.
 */
export function generateStepKernel(cfg: StepKernelConfig): StepKernel {
  const { def, wx, wy } = cfg;
  if (wx * wy !== STEP_THREADS || (wx & (wx - 1)) !== 0) throw new Error(`bad workgroup shape ${wx} x ${wy}`);
  const info = programInfo(def);
  if (info.checked.workerOps) return generateDistributed(cfg, info);
  return isFusable(info.checked) ? generateFused(cfg, info) : generateGeneral(cfg, info);
}