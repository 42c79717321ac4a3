import type { Scope } from '../algorithms/program.ts';
import { lowerProgram } from './plan/lower.ts';
import { requireInteger, UserInputError } from '../core/errors.ts';
import { laneWord, Purpose } from '../rng/streams.ts';
import { philox4x32 } from '../rng/philox.ts';
import { compileMap, compileScalar, type CompiledMap, type CompiledScalar, type ScalarStore, type VecStore } from './compile-cpu.ts';
import { evaluateHyper, resolveHyper } from './hyper.ts';
import { compileFused, fusable } from './fused-cpu.ts';
import { wasmNormals } from './wasm/normals.ts';
import { DistributedRuntime } from './bits.ts';
import type { IterateMetrics, RunResult, RunSpec } from './types.ts';

/** Validates the shape parameters of a run spec (user errors name the parameter). */
export function validateRunSpec(spec: RunSpec): void {
  requireInteger('T', spec.T, 1);
  requireInteger('workers', spec.workers, 1, 1 << 16);
  requireInteger('replicas', spec.replicas, 1);
  requireInteger('seed', spec.seed, 0, 0xffffffff);
  const d = spec.problem.d;
  if (spec.problem.workers > 1 && spec.problem.workers !== spec.workers) {
    throw new UserInputError('workers', `must equal the problem's number of local objectives (${spec.problem.workers})`, `got ${spec.workers}`);
  }
  if (spec.x0 && spec.x0.length !== d) throw new UserInputError('x0', `must have length d = ${d}`, `got ${spec.x0.length}`);
  if (spec.noise) {
    const s = spec.noise.sigma;
    if (typeof s === 'number') {
      if (!(Number.isFinite(s) && s >= 0)) throw new UserInputError('sigma', 'must be a finite number >= 0', `got ${s}`);
    } else {
      if (s.length !== d) throw new UserInputError('sigma', `must have length d = ${d}`, `got ${s.length}`);
      for (let i = 0; i < d; i++) if (!(Number.isFinite(s[i]) && s[i] >= 0)) throw new UserInputError('sigma', 'entries must be finite and >= 0', `sigma[${i}] = ${s[i]}`);
    }
  }
  for (const c of spec.checkpoints ?? []) requireInteger('checkpoints', c, 0, spec.T);
}

/** Options of {@link runCpu}. */
export interface CpuOptions {
  /** Use the fused step where it applies (default true); false forces the general path. */
  readonly fused?: boolean;
  /**
   * In the fused step with Gaussian noise, draw the noise with the WebAssembly SIMD kernel
   * (src/engine/wasm/normals.ts; default true, same numbers); false keeps the JavaScript loop. Falls
   * back to JavaScript where WebAssembly SIMD is unavailable. With true the per-coordinate update is
   * WebAssembly too where the program allows (src/engine/wasm/update.ts; path `fused-wasm`);
   * 'noise' keeps the JavaScript update loop (path `fused-wasm-noise`).
   */
  readonly wasm?: boolean | 'noise';
  /**
   * Run only replicas [start, end) of the spec (worker threads split a cell this way). Streams are
   * keyed by the global replica index, so the union of the parts equals the whole run bit for bit.
   */
  readonly replicaRange?: readonly [number, number];
  /**
   * Called after the algorithm's ops of every step t < T with the replica's state (x then holds
   * x_{t+1}): vectors, scalars and the step's parameters. For lemma checks along real runs and for
   * experiments that read internal state (an adaptive step size). Must not modify the state.
   * Setting it turns the fused path off.
   */
  readonly observe?: (step: ObservedStep) => void;
  /**
   * Algorithms that declare their messages (src/algorithms/distributed.ts): send sign messages as
   * packed 1-bit words and count votes with popcount (default true); false sums the float rows
   * instead (the reference the packed path is tested against). Bits are counted either way.
   */
  readonly packed?: boolean;
}

/** What {@link CpuOptions.observe} receives after step t of replica `replica`. */
export interface ObservedStep {
  readonly replica: number;
  readonly t: number;
  readonly V: Readonly<VecStore>;
  readonly S: Readonly<ScalarStore>;
  readonly P: Readonly<Record<string, number>>;
}

/**
 * Draws tau uniform in 0..T-1 for replica r from the `tau` stream (counter (0, 0, 0, r)).
 * Uses the high 32 bits of a 64-bit fraction so the bias is below 2^-32 for any T < 2^32.
 */
export function drawTau(seed: number, replica: number, T: number): number {
  const w = new Uint32Array(4);
  philox4x32(0, 0, 0, replica, seed, Purpose.tau, w);
  const u = (w[0] * 4294967296 + w[1]) / 18446744073709551616;
  return Math.min(T - 1, Math.floor(u * T));
}

interface CompiledOp {
  kind: 'map' | 'scalar' | 'aggregate' | 'oracle';
  scope: Scope;
  map?: CompiledMap;
  scalar?: CompiledScalar;
  from?: string;
  to?: string;
  agg?: 'mean' | 'vote';
}

/**
 * The reference engine: float64, one replica at a time, deterministic given the seed.
 *
 * Each step t, for every worker j: g_j = grad f_j(x_t) + sigma (.) (1/B) sum_{b<B} xi_{t,j,b}, with
 * xi drawn from the Philox stream (seed, noise; block, t, j | b << 16, replica). Then the
 * algorithm's ops run in order. Metrics are taken from the exact gradient at x_t.
 */
export function runCpu(spec: RunSpec, options: CpuOptions = {}): RunResult {
  validateRunSpec(spec);
  const started = performance.now();
  const { algorithm: def, problem, T, seed } = spec;
  const [r0, r1] = options.replicaRange ?? [0, spec.replicas];
  if (!(Number.isInteger(r0) && Number.isInteger(r1) && 0 <= r0 && r0 < r1 && r1 <= spec.replicas)) {
    throw new UserInputError('replicaRange', `must satisfy 0 <= start < end <= replicas = ${spec.replicas}`, `got [${r0}, ${r1})`);
  }
  const R = r1 - r0;
  const n = spec.workers;
  const d = problem.d;
  const plan = lowerProgram(def.id, def.program);
  const checked = plan.checked;
  const prog = def.program;
  const hyper = resolveHyper(def, spec.hyper);
  const vecScope = plan.names.vectors;
  const ops: CompiledOp[] = plan.ops.map((op) => {
    if (op.op === 'map') return { kind: 'map', scope: op.scope, map: compileMap(op) };
    if (op.op === 'scalar') return { kind: 'scalar', scope: op.scope, scalar: compileScalar(op) };
    if (op.op === 'oracle') return { kind: 'oracle', scope: op.scope, from: op.at, to: op.into };
    return { kind: 'aggregate', scope: 'server', from: op.from, to: op.to, agg: op.kind };
  });
  const comm = DistributedRuntime.create(def, n, d, R, options.packed !== false);
  const checkpoints = [...new Set(spec.checkpoints ?? [T])].sort((a, b) => a - b);
  const curve: IterateMetrics[] = checkpoints.map(() => ({ fGap: new Float64Array(R), g1: new Float64Array(R), g2: new Float64Array(R) }));
  const avgG1 = new Float64Array(R);
  const avgG2 = new Float64Array(R);
  const tauG1 = new Float64Array(R);
  const tauArr = new Int32Array(R);
  const divergedAt = new Int32Array(R).fill(-1);
  const frozen = new Int32Array(R);
  const finalX = new Float64Array(R * d);
  const fStar = problem.constants.fStar ?? 0;

  const noise = spec.noise;
  const spc = noise ? noise.model.samplesPerCall : 4;
  const blocks = Math.ceil(d / spc);
  const noiseBuf = new Float64Array(blocks * spc);
  const noiseSum = new Float64Array(d);
  const words = new Uint32Array(4);
  const sigmaVec = noise && typeof noise.sigma !== 'number' ? noise.sigma : null;
  const sigmaScalar = noise && typeof noise.sigma === 'number' ? noise.sigma : 0;
  const gExact = new Float64Array(d);
  const xPrev = new Float64Array(d);
  const P: Record<string, number> = { T, d, n, t: 0, first: 1 };
  const sq = problem.separableQuadratic;
  const isGaussian = noise !== null && noise.model.samplesPerCall === 4 && noise.model.id === 'gaussian';
  const canFuse = options.fused !== false && sq !== undefined && n === 1 && fusable(checked) && !prog.output && !options.observe;
  const kernel = canFuse && isGaussian && (sigmaVec !== null || sigmaScalar !== 0) && options.wasm !== false ? wasmNormals() : null;
  const fused = canFuse ? compileFused(checked, isGaussian, kernel, options.wasm !== 'noise') : null;
  // oracle ops re-use this step's draws: keep each worker's added noise (zeros without noise)
  const noiseKeep = prog.ops.some((o) => o.op === 'oracle') ? new Float64Array(n * d) : null;
  const oracleRow = noiseKeep ? new Float64Array(d) : null;
  const norms = new Float64Array(2);
  const hyperVals: Record<string, number> = {};

  for (let ri = 0; ri < R; ri++) {
    const r = r0 + ri; // global replica index: keys the random streams
    comm?.startReplica(ri);
    const V: VecStore = {};
    for (const [name, scope] of vecScope) V[name] = new Float64Array(scope === 'worker' ? n * d : d);
    const S: ScalarStore = {};
    for (const s of prog.scalars) S[s.name] = new Float64Array(s.scope === 'worker' ? n : 1).fill(s.init);
    const x = V.x;
    x.set(spec.x0 ?? problem.x0());
    // the algorithm's output point (program.output, default x): metrics are taken there
    const xOut = prog.output ? V[prog.output] : x;
    if (xOut !== x) xOut.set(x);
    const gRows = V.g; // worker-scope: n*d; server-scope: d (mean over workers)
    const gWorker = checked.workerOps ? null : n > 1 ? new Float64Array(d) : null;
    const tau = drawTau(seed, r, T);
    tauArr[ri] = tau;
    let sum1 = 0;
    let sum2 = 0;
    let cp = 0;
    let diverged = -1;
    for (let t = 0; t <= T; t++) {
      // exact gradient at x_t (mean over workers) for the metrics
      const atCheckpoint = cp < checkpoints.length && checkpoints[cp] === t;
      if (t === T) {
        problem.grad(xOut, gExact);
      } else if (fused) {
        evaluateHyper(def, hyper, { t, T, d, n }, hyperVals);
      } else {
        evaluateHyper(def, hyper, { t, T, d, n }, hyperVals);
        for (let j = 0; j < n; j++) {
          const row = checked.workerOps ? gRows.subarray(j * d, (j + 1) * d) : gWorker ?? gRows;
          problem.gradWorker(x, problem.workers > 1 ? j : 0, row); // homogeneous problems: every worker sees grad f
          if (n === 1) gExact.set(row);
          else if (j === 0) for (let i = 0; i < d; i++) gExact[i] = row[i] / n;
          else for (let i = 0; i < d; i++) gExact[i] += row[i] / n;
          if (noise) {
            const B = hyperVals.batch;
            for (let b = 0; b < B; b++) {
              const lane = laneWord(j, b);
              for (let q = 0; q < blocks; q++) {
                philox4x32(q, t, lane, r, seed, Purpose.noise, words, 0);
                noise.model.fromWords(words, noiseBuf, q * spc);
              }
              if (b === 0) noiseSum.set(noiseBuf.subarray(0, d));
              else for (let i = 0; i < d; i++) noiseSum[i] += noiseBuf[i];
            }
            const invB = 1 / B;
            if (sigmaVec) for (let i = 0; i < d; i++) row[i] += sigmaVec[i] * noiseSum[i] * invB;
            else for (let i = 0; i < d; i++) row[i] += sigmaScalar * noiseSum[i] * invB;
            if (noiseKeep) {
              const o = j * d;
              if (sigmaVec) for (let i = 0; i < d; i++) noiseKeep[o + i] = sigmaVec[i] * noiseSum[i] * invB;
              else for (let i = 0; i < d; i++) noiseKeep[o + i] = sigmaScalar * noiseSum[i] * invB;
            }
          }
          if (gWorker) {
            if (j === 0) for (let i = 0; i < d; i++) gRows[i] = gWorker[i] / n;
            else for (let i = 0; i < d; i++) gRows[i] += gWorker[i] / n;
          }
        }
        if (xOut !== x) problem.grad(xOut, gExact);
      }
      let n1 = 0;
      let n2 = 0;
      let stepDone = false;
      if (fused && t < T) {
        // one fused pass: exact gradient norms at x_t, noise, and the update to x_{t+1}
        const f = atCheckpoint || checked.readsFx ? problem.f(x) : 0;
        if (checked.readsFx) P.fx = f;
        if (t === T - 1) xPrev.set(x);
        Object.assign(P, hyperVals);
        P.t = t;
        P.first = t === 0 ? 1 : 0;
        fused(V, sq!.diag, sq!.center, sigmaVec, sigmaScalar, P, d, seed, Purpose.noise, t, r, hyperVals.batch, noise ? noise.model : null, norms);
        n1 = norms[0];
        n2 = norms[1];
        stepDone = true;
        if (atCheckpoint) {
          curve[cp].fGap[ri] = f - fStar;
          curve[cp].g1[ri] = n1;
          curve[cp].g2[ri] = n2;
          cp++;
          if (!Number.isFinite(f)) {
            diverged = t;
            break;
          }
        }
      } else {
        for (let i = 0; i < d; i++) {
          const v = gExact[i];
          n1 += Math.abs(v);
          n2 += v * v;
        }
        n2 = Math.sqrt(n2);
      }
      if (!Number.isFinite(n1) || !Number.isFinite(n2)) {
        diverged = t;
        break;
      }
      if (atCheckpoint && !stepDone) {
        const f = problem.f(xOut);
        curve[cp].fGap[ri] = f - fStar;
        curve[cp].g1[ri] = n1;
        curve[cp].g2[ri] = n2;
        if (!Number.isFinite(f)) {
          diverged = t;
          break;
        }
        cp++;
      }
      if (t === T) break;
      sum1 += n1;
      sum2 += n2;
      if (t === tau) tauG1[ri] = n1;
      if (stepDone) continue;
      // the algorithm's step
      Object.assign(P, hyperVals);
      P.t = t;
      P.first = t === 0 ? 1 : 0;
      P.__replica = r;
      P.__seed = seed;
      if (checked.readsFx) P.fx = problem.f(x);
      if (t === T - 1) xPrev.set(x);
      for (let k = 0; k < ops.length; k++) {
        const op = ops[k];
        if (op.kind === 'map') {
          if (op.scope === 'worker') for (let j = 0; j < n; j++) op.map!(V, S, P, d, j);
          else op.map!(V, S, P, d, 0);
        } else if (op.kind === 'scalar') {
          if (op.scope === 'worker') for (let j = 0; j < n; j++) op.scalar!(S, P, j);
          else op.scalar!(S, P, 0);
        } else if (op.kind === 'oracle') {
          // grad f_j at V[from] plus worker j's noise of this step (the same draws as g)
          const at = V[op.from!];
          const into = V[op.to!];
          for (let j = 0; j < n; j++) {
            problem.gradWorker(at, problem.workers > 1 ? j : 0, oracleRow!);
            const o = j * d;
            if (op.scope === 'worker') for (let i = 0; i < d; i++) into[o + i] = oracleRow![i] + noiseKeep![o + i];
            else if (n === 1) for (let i = 0; i < d; i++) into[i] = oracleRow![i] + noiseKeep![i];
            else if (j === 0) for (let i = 0; i < d; i++) into[i] = (oracleRow![i] + noiseKeep![o + i]) / n;
            else for (let i = 0; i < d; i++) into[i] += (oracleRow![i] + noiseKeep![o + i]) / n;
          }
        } else if (comm) {
          comm.aggregate(op.from!, op.to!, op.agg!, V, S, t);
        } else {
          const from = V[op.from!];
          const to = V[op.to!];
          to.fill(0);
          for (let j = 0; j < n; j++) {
            const o = j * d;
            for (let i = 0; i < d; i++) to[i] += from[o + i];
          }
          if (op.agg === 'mean') for (let i = 0; i < d; i++) to[i] /= n;
          else for (let i = 0; i < d; i++) to[i] = Math.sign(to[i]);
        }
        comm?.afterOp(k, V, S, P, t, r);
      }
      options.observe?.({ replica: r, t, V, S, P });
    }
    if (diverged >= 0) {
      divergedAt[ri] = diverged;
      avgG1[ri] = Number.NaN;
      avgG2[ri] = Number.NaN;
      if (tau >= diverged) tauG1[ri] = Number.NaN;
      for (let k = cp; k < checkpoints.length; k++) {
        curve[k].fGap[ri] = Number.NaN;
        curve[k].g1[ri] = Number.NaN;
        curve[k].g2[ri] = Number.NaN;
      }
    } else {
      avgG1[ri] = sum1 / T;
      avgG2[ri] = sum2 / T;
      let fz = 0;
      for (let i = 0; i < d; i++) if (x[i] === xPrev[i]) fz++;
      frozen[ri] = fz;
    }
    finalX.set(xOut, ri * d);
  }
  return {
    engine: 'cpu',
    path: fused ? fused.variant : 'general',
    checkpoints,
    curve,
    avgG1,
    avgG2,
    tauG1,
    tau: tauArr,
    divergedAt,
    frozen,
    finalX,
    wallMs: performance.now() - started,
    ...(comm ? { communication: comm.report() } : {}),
  };
}
