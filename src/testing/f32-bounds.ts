import type { Expr } from '../algorithms/expr.ts';
import { allHypers } from '../algorithms/program.ts';
import { lowerProgram, type Reads } from '../engine/plan/lower.ts';
import { evaluateHyper, resolveHyper } from '../engine/hyper.ts';
import type { RunSpec } from '../engine/types.ts';
import { philox4x32 } from '../rng/philox.ts';
import { laneWord, Purpose } from '../rng/streams.ts';
import { float32Hyperparameter } from '../gpu/guards.ts';
import { F32_U, wgslNoiseFor } from '../gpu/noise.wgsl.ts';

/**
 * Running float32 error bounds (Wilkinson-style, first order) for the GPU engine's differential
 * tests: the float64 value of every quantity the fused kernel computes, with a bound on how far the
 * kernel's float32 value can be from it.
 *
 * Rules, with U = 2^-24 (1 + 2^-10) (the unit roundoff, widened by 2^-10 to cover the second-order
 * terms u^2 that a first-order analysis drops):
 *   literal/input rounded to f32: e = U|v|;   a +- b: e = e_a + e_b + U|v|;
 *   a * b: e = |a| e_b + |b| e_a + e_a e_b + U|v|;
 *   a / b: e = (e_a + |v| e_b) / (|b| - e_b) + 5U|v|   (WGSL division: 2.5 ULP);
 *   sqrt: min(sqrt(e_a), e_a / sqrt(a)) + 9U v   (WGSL sqrt = 1/inverseSqrt: 4.5 ULP);
 *   exp: v (e^{e_a} - 1) + (6 + 4|a|) U v   (WGSL exp: 3 + 2|x| ULP);
 *   log: -log(1 - e_a / a) + max(6U|v|, 2^-21)   (WGSL log: 3 ULP, or 2^-21 absolute in [0.5, 2]);
 *   abs, min, max: 1-Lipschitz, e = max of the inputs' bounds, no rounding;
 *   sign(a), pos(a): exact when |a| > e_a (or e_a = 0); otherwise the result is UNCERTAIN: the
 *   float32 argument may lie on the other side of 0. Uncertain coordinates are counted, not compared.
 * A fused multiply-add (which a WGSL compiler may form from a * b + c) rounds once instead of
 * twice, so it stays within these bounds.
 */
export const U = F32_U * (1 + 2 ** -10);

/** A float64 value, a bound on the float32 kernel's deviation from it, and uncertainty. */
export interface Tracked {
  v: number;
  e: number;
  uncertain: boolean;
}

// a value sent to float32 (literal, hyperparameter, data): exact when float32 holds it (1, 0.5, 2^-126, ...)
const input = (v: number): Tracked => ({ v, e: Math.fround(v) === v ? 0 : U * Math.abs(v), uncertain: false });
const exact = (v: number): Tracked => ({ v, e: 0, uncertain: false });

/**
 * The tracked value of a name as the plan resolved it (src/engine/plan/resolve.ts): `local`,
 * `vector` (the coordinate's value) and `scalar` look up their stores; fx is held with the scalars;
 * the other builtins and the hyperparameters come from `params`. Throws on a name the plan did not
 * resolve or a store that lacks it.
 */
function readTracked(
  reads: Reads,
  name: string,
  local: (name: string) => Tracked | undefined,
  vector: (name: string) => Tracked | undefined,
  scalar: (name: string) => Tracked | undefined,
  params: Readonly<Record<string, Tracked>>,
): Tracked {
  const ref = reads.get(name);
  let l: Tracked | undefined;
  if (ref?.kind === 'local') l = local(name);
  else if (ref?.kind === 'vector') l = vector(name);
  else if (ref?.kind === 'scalar' || (ref?.kind === 'builtin' && name === 'fx')) l = scalar(name);
  else if (ref) l = params[name];
  if (l) return l;
  throw new Error(`unresolved ${name}`);
}

/** Evaluates an expression of the update-rule language with its float32 error bound. */
export function trackExpr(e: Expr, env: (name: string) => Tracked): Tracked {
  switch (e.kind) {
    case 'num':
      return input(e.value);
    case 'var':
      return env(e.name);
    case 'neg': {
      const a = trackExpr(e.arg, env);
      return { v: -a.v, e: a.e, uncertain: a.uncertain };
    }
    case 'bin': {
      const a = trackExpr(e.left, env);
      const b = trackExpr(e.right, env);
      const uncertain = a.uncertain || b.uncertain;
      switch (e.op) {
        case '+':
        case '-': {
          const v = e.op === '+' ? a.v + b.v : a.v - b.v;
          return { v, e: a.e + b.e + U * Math.abs(v), uncertain };
        }
        case '*': {
          const v = a.v * b.v;
          return { v, e: Math.abs(a.v) * b.e + Math.abs(b.v) * a.e + a.e * b.e + U * Math.abs(v), uncertain };
        }
        case '/': {
          const v = a.v / b.v;
          if (!(Math.abs(b.v) > b.e)) return { v, e: Infinity, uncertain: true };
          return { v, e: (a.e + Math.abs(v) * b.e) / (Math.abs(b.v) - b.e) + 5 * U * Math.abs(v), uncertain };
        }
      }
      break;
    }
    case 'call': {
      const args = e.args.map((x) => trackExpr(x, env));
      const uncertain = args.some((a) => a.uncertain);
      const [a, b] = args;
      switch (e.fn) {
        case 'rand':
          // the coordinate's compress-stream uniform (the caller provides __rand0..3)
          return env(`__rand${(e.args[0] as { value: number }).value}`);
        case 'sign':
        case 'pos': {
          const v = e.fn === 'sign' ? Math.sign(a.v) : a.v > 0 ? 1 : 0;
          const sure = a.e === 0 || Math.abs(a.v) > a.e;
          return { v, e: sure ? 0 : e.fn === 'sign' ? 2 : 1, uncertain: uncertain || !sure };
        }
        case 'abs':
          return { v: Math.abs(a.v), e: a.e, uncertain };
        case 'min':
        case 'max': {
          // 1-Lipschitz in the max norm: |min(a', b') - min(a, b)| <= max(e_a, e_b). When the two
          // intervals [v - e, v + e] are disjoint the float32 run picks the same argument, so that
          // argument's bound alone holds (needed for caps such as min(gamma, gammaMax = F32_MAX))
          if (Number.isNaN(a.v) || Number.isNaN(b.v)) return { v: NaN, e: Infinity, uncertain };
          const lo = a.v <= b.v ? a : b;
          const hi = a.v <= b.v ? b : a;
          const pick = e.fn === 'min' ? lo : hi;
          const e1 = lo.v + lo.e < hi.v - hi.e ? pick.e : Math.max(a.e, b.e);
          return { v: pick.v, e: e1, uncertain };
        }
        case 'sqrt': {
          const v = Math.sqrt(a.v);
          return { v, e: Math.min(Math.sqrt(a.e), v > 0 ? a.e / v : Infinity) + 9 * U * v, uncertain };
        }
        case 'exp': {
          const v = Math.exp(a.v);
          return { v, e: v * Math.expm1(a.e) + (6 + 4 * Math.abs(a.v)) * U * v, uncertain };
        }
        case 'log': {
          const v = Math.log(a.v);
          if (!(a.v > a.e)) return { v, e: Infinity, uncertain: true };
          return { v, e: -Math.log1p(-a.e / a.v) + Math.max(6 * U * Math.abs(v), 2 ** -21), uncertain };
        }
      }
    }
  }
  throw new Error('unreachable expression kind');
}

/** Per-step metric values with bounds (replica-major arrays over steps 0..T). */
export interface TrackedMetrics {
  readonly n1: Float64Array;
  readonly e1: Float64Array;
  readonly n2: Float64Array;
  readonly e2: Float64Array;
  /** 1/2 sum diag (x - c)^2 = f - f(c) at the output point, and its bound. */
  readonly hf: Float64Array;
  readonly ehf: Float64Array;
}

/**
 * Exact-gradient oracle for {@link simulateWithBounds} on problems the GPU runs through a gradient
 * pass (src/gpu/gradients): at the tracked point p (float64 values p[i].v with bounds p[i].e on the
 * float32 run's deviation), grad f(p) and f(p) in float64 with bounds on how far the pass's float32
 * values at the float32 point can be from them (the pass's own rounding, the propagation of p's
 * deviation, and f's summation on the device).
 */
export type TrackedGradient = (p: readonly Tracked[]) => { g: Tracked[]; f: Tracked };

/** Result of {@link simulateWithBounds}. */
export interface TrackedRun {
  /** The output vector (x unless the program declares one) at T per replica (R x d), in runCpu's order of operations. */
  readonly x: Float64Array;
  /** Bound on |gpu - value| for each entry of `x`. */
  readonly ex: Float64Array;
  /** 1 where some sign/pos decision on the coordinate's path was within rounding of 0. */
  readonly uncertain: Uint8Array;
  /** 1 for replicas where a scalar (a step size, a norm) went through an uncertain decision. */
  readonly uncertainReplica: Uint8Array;
  /** Metrics at the output point for t = 0..T (index r * (T + 1) + t). */
  readonly metrics: TrackedMetrics;
}

/** A row sum on the device: `sumLevels` levels of float32 additions add sumLevels u (sum |terms| + e) to its error. */
const rowSumFor =
  (sumLevels: number) =>
  (v: number, e: number, abs: number): Tracked => ({ v, e: e + sumLevels * U * (abs + e), uncertain: false });

/** Running value of one row reduction in the float32 simulation: a sum (value, error, sum of |terms|) or a max. */
interface ReductionAcc {
  v: number;
  e: number;
  abs: number;
  max: number;
  maxE: number;
}
const newReduction = (): ReductionAcc => ({ v: 0, e: 0, abs: 0, max: -Infinity, maxE: 0 });

/** Adds one coordinate's tracked term to a sum or max reduction. */
function accumulateReduction(acc: ReductionAcc, kind: 'sum' | 'max', val: Tracked): void {
  if (kind === 'sum') {
    acc.v += val.v;
    acc.e += val.e;
    acc.abs += Math.abs(val.v);
  } else {
    acc.max = Math.max(acc.max, val.v);
    acc.maxE = Math.max(acc.maxE, val.e);
  }
}

/** The tracked scalar a finished reduction stores; a sum adds the device's summation error through `rowSum`. */
function finishReduction(acc: ReductionAcc, kind: 'sum' | 'max', uncertain: boolean, rowSum: (v: number, e: number, abs: number) => Tracked): Tracked {
  return kind === 'sum' ? { ...rowSum(acc.v, acc.e, acc.abs), uncertain } : { v: acc.max, e: acc.maxE, uncertain };
}

const sumTracked = (a: Tracked, b: Tracked): Tracked => {
  const v = a.v + b.v;
  return { v, e: a.e + b.e + U * Math.abs(v), uncertain: a.uncertain || b.uncertain };
};
const mulTracked = (a: Tracked, b: Tracked): Tracked => {
  const v = a.v * b.v;
  return { v, e: Math.abs(a.v) * b.e + Math.abs(b.v) * a.e + a.e * b.e + U * Math.abs(v), uncertain: a.uncertain || b.uncertain };
};

/**
 * Simulates a WebGPU run (server-scope programs on a separable quadratic with additive noise, both
 * plans of codegen.ts) in float64 with float32 error bounds, in runCpu's order of operations. With
 * `exactGradient` (problems with a gradient pass), the exact gradient, f and fx come from the oracle
 * and its bounds instead of diag (x - c); the metric's hf is then f itself (f - fConstant, fConstant = 0).
 * `sumLevels` is the number of sequential float32 additions a row sum goes through on the device
 * (4-lane accumulation, workgroup tree, per-replica finish: metricSumLevels()); a sum of terms
 * rounded through k levels is within k U sum |terms| of the exact sum (first order). Row maxima
 * are 1-Lipschitz: their bound is the largest bound of the terms.
 * On a heterogeneous quadratic (`separableQuadraticWorkers`, n > 1) the stochastic gradient is the
 * mean over workers of diag (.) (x - c^j) + noise_j (each term / n, in worker order, as runCpu); the
 * metrics and fx are taken at the mean center.
 */
export function simulateWithBounds(spec: RunSpec, sumLevels: number, exactGradient?: TrackedGradient): TrackedRun {
  const { algorithm: def, problem, T, replicas: R, seed } = spec;
  const n = spec.workers;
  const d = problem.d;
  const sqw = problem.workers > 1 ? problem.separableQuadraticWorkers : undefined;
  const sq = problem.separableQuadratic ?? (sqw ? { diag: sqw.diag, center: sqw.meanCenter } : exactGradient ? { diag: new Float64Array(d), center: new Float64Array(d) } : undefined);
  if (!sq) throw new Error('simulateWithBounds needs a separable quadratic or an exactGradient oracle');
  const prog = def.program;
  const plan = lowerProgram(def.id, prog);
  const checked = plan.checked;
  if (checked.workerOps) throw new Error('simulateWithBounds covers server-scope programs only');
  const hyper = resolveHyper(def, spec.hyper);
  const hyperNames = allHypers(def).map((h) => h.name);
  const vecNames = prog.vectors.map((v) => v.name);
  const noise = spec.noise;
  const wn = noise ? wgslNoiseFor(noise.model) : null;
  const spc = noise ? noise.model.samplesPerCall : 4;
  const blocks = Math.ceil(d / spc);
  const z = new Float64Array(blocks * spc);
  const ez = new Float64Array(blocks * spc);
  const words = new Uint32Array(4);
  const tmp = new Float64Array(4);
  const tmpE = new Float64Array(4);
  const hv: Record<string, number> = {};
  const x0 = spec.x0 ?? problem.x0();
  const out = prog.output ?? 'x';
  const fc = exactGradient ? 0 : problem.f(sq.center);

  const X = new Float64Array(R * d);
  const EX = new Float64Array(R * d);
  const UNC = new Uint8Array(R * d);
  const UNCR = new Uint8Array(R);
  const steps = T + 1;
  const metrics: TrackedMetrics = {
    n1: new Float64Array(R * steps),
    e1: new Float64Array(R * steps),
    n2: new Float64Array(R * steps),
    e2: new Float64Array(R * steps),
    hf: new Float64Array(R * steps),
    ehf: new Float64Array(R * steps),
  };
  const sigmaAt = (i: number) => (noise ? (typeof noise.sigma === 'number' ? noise.sigma : noise.sigma[i]) : 0);
  const L: Tracked[] = Array.from(sq.diag, (v) => input(v));
  const C: Tracked[] = Array.from(sq.center, (v) => input(v));
  /** diag (p - c) with its bound, and (p - c). */
  const gradAt = (p: Tracked, i: number): { g: Tracked; dx: Tracked } => {
    const dxv = p.v - C[i].v;
    const dx: Tracked = { v: dxv, e: p.e + C[i].e + U * Math.abs(dxv), uncertain: false };
    return { g: mulTracked(L[i], dx), dx };
  };
  /** Sum of nonnegative-magnitude terms through sumLevels roundings. */
  const rowSum = rowSumFor(sumLevels);
  /** Heterogeneous quadratics: worker j's gradient diag (p - c^j) with its bound. */
  const Cw: Tracked[][] | null = sqw ? Array.from({ length: n }, (_, j) => Array.from(sqw.centers.subarray(j * d, (j + 1) * d), (v) => input(v))) : null;
  const workerGradAt = (p: Tracked, i: number, j: number): Tracked => {
    const c = Cw![j][i];
    const dxv = p.v - c.v;
    return mulTracked(L[i], { v: dxv, e: p.e + c.e + U * Math.abs(dxv), uncertain: false });
  };

  for (let r = 0; r < R; r++) {
    const vec = new Map<string, Tracked[]>([['x', Array.from(x0, (v) => input(v))]]);
    for (const v of vecNames) vec.set(v, Array.from({ length: d }, () => exact(0)));
    if (out !== 'x') vec.set(out, vec.get('x')!.map((q) => ({ ...q })));
    vec.set('g', Array.from({ length: d }, () => exact(0)));
    const scal = new Map<string, Tracked>(prog.scalars.map((sc) => [sc.name, input(sc.init)]));
    const unc = new Uint8Array(d);
    let uncR = 0;
    for (let t = 0; t <= T; t++) {
      // metrics at the output point
      const po = vec.get(out)!;
      const og = exactGradient ? exactGradient(po) : null;
      recordMetrics(metrics, r * steps + t, d, sumLevels, og, (i) => gradAt(po[i], i));
      if (t === T) break;

      evaluateHyper(def, hyper, { t, T, d, n }, hv);
      const x = vec.get('x')!;
      const params: Record<string, Tracked> = { t: exact(t), first: exact(t === 0 ? 1 : 0), T: input(T), d: input(d), n: input(n) };
      for (const h of hyperNames) params[h] = input(float32Hyperparameter(def, h, hv[h]) ?? hv[h]);
      if (checked.readsFx && exactGradient) {
        // the pass's f partials, summed as the metric (fc = 0, the halving of a doubled sum is exact)
        scal.set('fx', { ...exactGradient(x).f });
      } else if (checked.readsFx) {
        // fx = f(c) + 1/2 sum diag (x - c)^2 (f32), against the float64 f(x_t) of runCpu
        let sfx = 0;
        let esfx = 0;
        let afx = 0;
        for (let i = 0; i < d; i++) {
          const { g, dx } = gradAt(x[i], i);
          const fv = g.v * dx.v;
          sfx += fv;
          afx += Math.abs(fv);
          esfx += Math.abs(g.v) * dx.e + Math.abs(dx.v) * g.e + g.e * dx.e + U * Math.abs(fv);
        }
        const half = rowSum(0.5 * sfx, 0.5 * esfx, 0.5 * afx);
        const fxv = problem.f(x.map((q) => q.v) as unknown as Float64Array);
        scal.set('fx', { v: fxv, e: U * Math.abs(fc) + half.e + U * Math.abs(fxv) + Math.abs(fc + half.v - fxv), uncertain: false });
      }

      // noise terms N_j = (sigma sum_b z_b) / B per worker, kept for oracle ops (same draws)
      const B = hv.batch;
      const invB: Tracked = { v: 1 / B, e: 5 * U / B, uncertain: false };
      const noiseTerms: Tracked[][] = [];
      for (let j = 0; j < n; j++) {
        const terms: Tracked[] = Array.from({ length: d }, () => exact(0));
        if (noise && wn) {
          const zs: Tracked[] = Array.from({ length: d }, () => exact(0));
          for (let b = 0; b < B; b++) {
            const lane = laneWord(j, b);
            for (let q = 0; q < blocks; q++) {
              philox4x32(q, t, lane, r, seed, Purpose.noise, words, 0);
              noise.model.fromWords(words, tmp, 0);
              wn.errorBound(words, tmp, tmpE);
              for (let s = 0; s < spc; s++) {
                z[q * spc + s] = tmp[s];
                ez[q * spc + s] = tmpE[s];
              }
            }
            for (let i = 0; i < d; i++) {
              const zi: Tracked = { v: z[i], e: ez[i], uncertain: false };
              zs[i] = b === 0 ? zi : sumTracked(zs[i], zi);
            }
          }
          for (let i = 0; i < d; i++) terms[i] = mulTracked(mulTracked(input(sigmaAt(i)), zs[i]), invB);
        }
        noiseTerms.push(terms);
      }
      /** The stochastic gradient at point p with this step's draws (runCpu's order). */
      const noisy = (p: Tracked[]): Tracked[] => {
        const og = exactGradient ? exactGradient(p).g : null;
        return p.map((pi, i) => {
          const ge = og ? og[i] : gradAt(pi, i).g;
          let acc = exact(0);
          for (let j = 0; j < n; j++) {
            const gj = Cw ? workerGradAt(pi, i, j) : ge;
            const gw = noise ? sumTracked(gj, noiseTerms[j][i]) : gj;
            if (n === 1) return gw;
            const q: Tracked = { v: gw.v / n, e: gw.e / n + 5 * U * Math.abs(gw.v / n), uncertain: false };
            acc = j === 0 ? q : sumTracked(acc, q);
          }
          return acc;
        });
      };
      vec.set('g', noisy(x));

      plan.ops.forEach((op) => {
        const opIndex = op.index;
        if (op.op === 'map') {
          const m = op;
          const reds = m.reduce.map(newReduction);
          const random = m.random;
          for (let i = 0; i < d; i++) {
            const locals = new Map<string, Tracked>();
            const rw: Tracked[] = [];
            if (random) {
              philox4x32(i, t, 0, r, seed, (Purpose.compress + opIndex) >>> 0, words, 0);
              for (let s = 0; s < 4; s++) {
                const u = (words[s] + 0.5) * 2.3283064365386963e-10;
                rw.push({ v: u, e: 2 * U * u, uncertain: false });
              }
            }
            // names as the plan resolved them: declared scalars shadow builtins (D-Adaptation's d)
            const envOf = (reads: Reads) => (name: string): Tracked => {
              if (name.startsWith('__rand')) return rw[Number(name.slice(6))];
              return readTracked(reads, name, (q) => locals.get(q), (q) => vec.get(q)?.[i], (q) => scal.get(q), params);
            };
            for (const a of m.assign) {
              const val = trackExpr(a.expr, envOf(a.reads));
              if (val.uncertain) unc[i] = 1;
              const row = a.into.kind === 'vector' ? vec.get(a.target) : undefined;
              if (row) row[i] = val;
              else locals.set(a.target, val);
            }
            m.reduce.forEach((rr, k) => {
              const val = trackExpr(rr.expr, envOf(rr.reads));
              if (val.uncertain) uncR = 1;
              accumulateReduction(reds[k], rr.kind, val);
            });
          }
          m.reduce.forEach((rr, k) => {
            const acc = reds[k];
            scal.set(rr.into, finishReduction(acc, rr.kind, uncR === 1, rowSum));
          });
        } else if (op.op === 'scalar') {
          for (const a of op.assign) {
            const val = trackExpr(a.expr, (name) => readTracked(a.reads, name, () => undefined, () => undefined, (q) => scal.get(q), params));
            if (val.uncertain) uncR = 1;
            scal.set(a.target, val);
          }
        } else if (op.op === 'oracle') {
          const o = op;
          vec.set(o.into, noisy(vec.get(o.at)!));
        } else {
          throw new Error(`simulateWithBounds: ${op.op} ops are not covered`);
        }
      });
    }
    const po = vec.get(out)!;
    for (let i = 0; i < d; i++) {
      X[r * d + i] = po[i].v;
      EX[r * d + i] = po[i].e;
      UNC[r * d + i] = unc[i];
    }
    UNCR[r] = uncR;
  }
  return { x: X, ex: EX, uncertain: UNC, uncertainReplica: UNCR, metrics };
}

/** Result of {@link simulateDistributedWithBounds}: {@link TrackedRun} plus the communication facts. */
export interface TrackedDistributedRun extends TrackedRun {
  /** Per replica: messages (up and down) whose ternary format is within rounding of changing. */
  readonly uncertainTernary: Float64Array;
  /** Per guard parameter and replica: max over steps and rows of ||v||_inf / R, with its bound. */
  readonly boundUse: Readonly<Record<string, { readonly v: Float64Array; readonly e: Float64Array }>>;
}

/**
 * {@link simulateWithBounds} for worker-scope programs (the distributed plan of codegen.ts), in
 * runCpu's order of operations: worker j's gradient diag (.) (x - c^j) (c^j = the worker's center of
 * a heterogeneous quadratic, else the shared one) plus its own noise (lane j), worker maps with
 * rand() on lane j, row reductions per worker, aggregates (sum over workers in worker order, then
 * sum / n or sign(sum): a sum of certain +-1 messages is an exact integer in float32, so its bound
 * stays 0 and a tie is a sure 0), running-max syncs (max of the bounds), down messages (exact:
 * decoding returns the same values). Guards are not checked here (the tests choose bounds that
 * hold); their ratios ||v||_inf / R are tracked for the communication report.
 * With `exactGradient` (homogeneous problems with a gradient pass), every worker's exact gradient,
 * the metrics, f and fx come from the oracle at x, as in {@link simulateWithBounds}.
 */
export function simulateDistributedWithBounds(spec: RunSpec, sumLevels: number, exactGradient?: TrackedGradient): TrackedDistributedRun {
  const { algorithm: def, problem, T, replicas: R, seed } = spec;
  const n = spec.workers;
  const d = problem.d;
  const sqw = problem.workers > 1 ? problem.separableQuadraticWorkers : undefined;
  const one = problem.separableQuadraticWorkers; // a one-worker heterogeneous quadratic: its worker's
  const sq = sqw ? { diag: sqw.diag, center: sqw.meanCenter } : problem.separableQuadratic ?? (one ? { diag: one.diag, center: one.meanCenter } : exactGradient ? { diag: new Float64Array(d), center: new Float64Array(d) } : undefined);
  if (!sq) throw new Error('simulateDistributedWithBounds needs a separable quadratic (or per-worker ones) or an exactGradient oracle');
  const prog = def.program;
  const plan = lowerProgram(def.id, prog);
  const checked = plan.checked;
  if (!checked.workerOps) throw new Error('simulateDistributedWithBounds covers worker-scope programs');
  const dist = def as Partial<{ guards: ReadonlyArray<{ norm: string; bound: string; parameter: string }>; syncs: ReadonlyArray<{ from: string; into: string }>; communication: { up: ReadonlyArray<{ vector: string; encoding: string }>; down: ReadonlyArray<{ vector: string }> } }>;
  const hyper = resolveHyper(def, spec.hyper);
  const hyperNames = allHypers(def).map((h) => h.name);
  const vecScope = new Map<string, 'worker' | 'server'>([['x', 'server'], ['g', 'worker']]);
  for (const v of prog.vectors) vecScope.set(v.name, v.scope);
  const scalScope = new Map(prog.scalars.map((s) => [s.name, s.scope]));
  const noise = spec.noise;
  const wn = noise ? wgslNoiseFor(noise.model) : null;
  const spc = noise ? noise.model.samplesPerCall : 4;
  const blocks = Math.ceil(d / spc);
  const words = new Uint32Array(4);
  const tmp = new Float64Array(4);
  const tmpE = new Float64Array(4);
  const hv: Record<string, number> = {};
  const x0 = spec.x0 ?? problem.x0();
  const fc = exactGradient ? 0 : problem.f(sq.center);
  const sigmaAt = (i: number) => (noise ? (typeof noise.sigma === 'number' ? noise.sigma : noise.sigma[i]) : 0);
  const Ld: Tracked[] = Array.from(sq.diag, (v) => input(v));
  const Cm: Tracked[] = Array.from(sq.center, (v) => input(v));
  const Cw: Tracked[][] = Array.from({ length: n }, (_, j) => (sqw ? Array.from(sqw.centers.subarray(j * d, (j + 1) * d), (v) => input(v)) : Cm));
  const gradWith = (p: Tracked, i: number, c: Tracked): { g: Tracked; dx: Tracked } => {
    const dxv = p.v - c.v;
    const dx: Tracked = { v: dxv, e: p.e + c.e + U * Math.abs(dxv), uncertain: false };
    return { g: mulTracked(Ld[i], dx), dx };
  };
  const rowSum = rowSumFor(sumLevels);
  const steps = T + 1;
  const X = new Float64Array(R * d);
  const EX = new Float64Array(R * d);
  const UNC = new Uint8Array(R * d);
  const UNCR = new Uint8Array(R);
  const UT = new Float64Array(R);
  const metrics: TrackedMetrics = {
    n1: new Float64Array(R * steps),
    e1: new Float64Array(R * steps),
    n2: new Float64Array(R * steps),
    e2: new Float64Array(R * steps),
    hf: new Float64Array(R * steps),
    ehf: new Float64Array(R * steps),
  };
  const boundUse: Record<string, { v: Float64Array; e: Float64Array }> = {};
  for (const g of dist.guards ?? []) boundUse[g.parameter] = { v: new Float64Array(R), e: new Float64Array(R) };
  const downVectors = new Set((dist.communication?.down ?? []).map((m) => m.vector));
  const upVectors = new Set((dist.communication?.up ?? []).map((m) => m.vector));
  /** 1 when some entry of the message may be 0 on one engine and nonzero on the other. */
  const ternaryUncertain = (row: Tracked[]) => (row.some((q) => q.e > 0 && Math.abs(q.v) <= q.e) ? 1 : 0);

  for (let r = 0; r < R; r++) {
    const server = new Map<string, Tracked[]>([['x', Array.from(x0, (v) => input(v))]]);
    const worker = new Map<string, Tracked[][]>();
    for (const [name, sc] of vecScope) {
      if (name === 'x') continue;
      if (sc === 'server') server.set(name, Array.from({ length: d }, () => exact(0)));
      else worker.set(name, Array.from({ length: n }, () => Array.from({ length: d }, () => exact(0))));
    }
    const sScal = new Map<string, Tracked>();
    const wScal = new Map<string, Tracked[]>();
    for (const s of prog.scalars) {
      if (s.scope === 'server') sScal.set(s.name, input(s.init));
      else wScal.set(s.name, Array.from({ length: n }, () => input(s.init)));
    }
    const unc = new Uint8Array(d);
    let uncR = 0;
    for (let t = 0; t <= T; t++) {
      const x = server.get('x')!;
      const og = exactGradient ? exactGradient(x) : null;
      recordMetrics(metrics, r * steps + t, d, sumLevels, og, (i) => gradWith(x[i], i, Cm[i]));
      if (t === T) break;

      evaluateHyper(def, hyper, { t, T, d, n }, hv);
      const params: Record<string, Tracked> = { t: exact(t), first: exact(t === 0 ? 1 : 0), T: input(T), d: input(d), n: input(n) };
      for (const h of hyperNames) params[h] = input(float32Hyperparameter(def, h, hv[h]) ?? hv[h]);
      if (checked.readsFx && og) {
        // the pass's f partials, summed as the metric (fc = 0, the halving of a doubled sum is exact)
        sScal.set('fx', { ...og.f });
      } else if (checked.readsFx) {
        const fxv = problem.f(x.map((q) => q.v) as unknown as Float64Array);
        let sfx = 0;
        let esfx = 0;
        let afx = 0;
        for (let i = 0; i < d; i++) {
          const { g, dx } = gradWith(x[i], i, Cm[i]);
          const fv = g.v * dx.v;
          sfx += fv;
          afx += Math.abs(fv);
          esfx += Math.abs(g.v) * dx.e + Math.abs(dx.v) * g.e + g.e * dx.e + U * Math.abs(fv);
        }
        const half = rowSum(0.5 * sfx, 0.5 * esfx, 0.5 * afx);
        sScal.set('fx', { v: fxv, e: U * Math.abs(fc) + half.e + U * Math.abs(fxv) + Math.abs(fc + half.v - fxv), uncertain: false });
      }
      // every worker's stochastic gradient (runCpu: gradWorker, then + sigma (.) sum_b z_b / B)
      const B = hv.batch;
      const invB: Tracked = { v: 1 / B, e: (5 * U) / B, uncertain: false };
      const G = worker.get('g')!;
      for (let j = 0; j < n; j++) {
        const zs: Tracked[] = Array.from({ length: d }, () => exact(0));
        if (noise && wn) {
          for (let b = 0; b < B; b++) {
            const lane = laneWord(j, b);
            const z = new Float64Array(blocks * spc);
            const ez = new Float64Array(blocks * spc);
            for (let q = 0; q < blocks; q++) {
              philox4x32(q, t, lane, r, seed, Purpose.noise, words, 0);
              noise.model.fromWords(words, tmp, 0);
              wn.errorBound(words, tmp, tmpE);
              for (let s = 0; s < spc; s++) {
                z[q * spc + s] = tmp[s];
                ez[q * spc + s] = tmpE[s];
              }
            }
            for (let i = 0; i < d; i++) {
              const zi: Tracked = { v: z[i], e: ez[i], uncertain: false };
              zs[i] = b === 0 ? zi : sumTracked(zs[i], zi);
            }
          }
        }
        for (let i = 0; i < d; i++) {
          const ge = og ? og.g[i] : gradWith(x[i], i, Cw[j][i]).g;
          G[j][i] = noise ? sumTracked(ge, mulTracked(mulTracked(input(sigmaAt(i)), zs[i]), invB)) : ge;
        }
      }

      plan.ops.forEach((op) => {
        const opIndex = op.index;
        if (op.op === 'map' || op.op === 'scalar') {
          const rows = op.scope === 'worker' ? n : 1;
          for (let j = 0; j < rows; j++) {
            const scalarOf = (name: string): Tracked | undefined => (scalScope.get(name) === 'worker' ? wScal.get(name)![j] : sScal.get(name));
            if (op.op === 'scalar') {
              for (const a of op.assign) {
                const val = trackExpr(a.expr, (name) => readTracked(a.reads, name, () => undefined, () => undefined, scalarOf, params));
                if (val.uncertain) uncR = 1;
                if (scalScope.get(a.target) === 'worker') wScal.get(a.target)![j] = val;
                else sScal.set(a.target, val);
              }
              continue;
            }
            const m = op;
            const reds = m.reduce.map(newReduction);
            const random = m.random;
            const rowOf = (name: string): Tracked[] | undefined => (vecScope.get(name) === 'worker' ? worker.get(name)![j] : server.get(name));
            for (let i = 0; i < d; i++) {
              const locals = new Map<string, Tracked>();
              const rw: Tracked[] = [];
              if (random) {
                philox4x32(i, t, op.scope === 'worker' ? j : 0, r, seed, (Purpose.compress + opIndex) >>> 0, words, 0);
                for (let s = 0; s < 4; s++) {
                  const u = (words[s] + 0.5) * 2.3283064365386963e-10;
                  rw.push({ v: u, e: 2 * U * u, uncertain: false });
                }
              }
              const envOf = (reads: Reads) => (name: string): Tracked => {
                if (name.startsWith('__rand')) return rw[Number(name.slice(6))];
                return readTracked(reads, name, (q) => locals.get(q), (q) => rowOf(q)![i], scalarOf, params);
              };
              for (const a of m.assign) {
                const val = trackExpr(a.expr, envOf(a.reads));
                if (val.uncertain) unc[i] = 1;
                if (a.into.kind === 'vector') rowOf(a.target)![i] = val;
                else locals.set(a.target, val);
              }
              m.reduce.forEach((rr, k) => {
                const val = trackExpr(rr.expr, envOf(rr.reads));
                if (val.uncertain) uncR = 1;
                accumulateReduction(reds[k], rr.kind, val);
              });
            }
            m.reduce.forEach((rr, k) => {
              const acc = reds[k];
              const val = finishReduction(acc, rr.kind, uncR === 1, rowSum);
              if (scalScope.get(rr.into) === 'worker') wScal.get(rr.into)![j] = val;
              else sScal.set(rr.into, val);
            });
          }
          if (op.op === 'map') {
            // syncs, then guard ratios, on the scalars this op reduced (DistributedRuntime.afterOp)
            const reduced = new Set((op.reduce ?? []).map((rr) => rr.into));
            for (const sy of dist.syncs ?? []) {
              if (!reduced.has(sy.from)) continue;
              let m = sScal.get(sy.into)!;
              for (const v of wScal.get(sy.from)!) if (v.v > m.v) m = { v: v.v, e: Math.max(m.e, v.e), uncertain: m.uncertain || v.uncertain };
              sScal.set(sy.into, m);
            }
            for (const g of dist.guards ?? []) {
              if (!reduced.has(g.norm)) continue;
              const bound = params[g.bound] ?? sScal.get(g.bound)!;
              const norms = scalScope.get(g.norm) === 'worker' ? wScal.get(g.norm)! : [sScal.get(g.norm)!];
              const use = boundUse[g.parameter];
              for (const v of norms) {
                if (!(bound.v > 0)) continue;
                const ratio = v.v / bound.v;
                const e = (v.e + ratio * bound.e) / Math.max(bound.v - bound.e, Number.MIN_VALUE) + 5 * U * ratio;
                if (ratio > use.v[r]) use.v[r] = ratio;
                use.e[r] = Math.max(use.e[r], e);
              }
            }
            for (const { target } of op.assign) if (downVectors.has(target)) UT[r] += ternaryUncertain(server.get(target)!);
          }
        } else if (op.op === 'aggregate') {
          const from = worker.get(op.from)!;
          const to = server.get(op.to)!;
          if (upVectors.has(op.from)) for (let j = 0; j < n; j++) UT[r] += ternaryUncertain(from[j]);
          // sign messages hold -1, 0 or +1 on both engines (the engines check it): a term is exact
          // unless a decision on its path was within rounding (then it may differ by up to 2), and
          // float32 sums of such integers are exact
          const signs = dist.communication?.up.some((m) => m.vector === op.from && m.encoding === 'sign') ?? false;
          for (let i = 0; i < d; i++) {
            let s: Tracked;
            if (signs) {
              s = { v: 0, e: 0, uncertain: false };
              for (let j = 0; j < n; j++) s = { v: s.v + from[j][i].v, e: s.e + (from[j][i].uncertain ? 2 : 0), uncertain: s.uncertain || from[j][i].uncertain };
            } else {
              s = from[0][i];
              for (let j = 1; j < n; j++) s = sumTracked(s, from[j][i]);
            }
            if (op.kind === 'mean') {
              const v = s.v / n;
              to[i] = { v, e: s.e / n + 5 * U * Math.abs(v), uncertain: s.uncertain };
            } else {
              const sure = s.e === 0 || Math.abs(s.v) > s.e;
              to[i] = { v: Math.sign(s.v), e: sure ? 0 : 2, uncertain: s.uncertain || !sure };
            }
            if (to[i].uncertain) unc[i] = 1;
          }
          if (downVectors.has(op.to)) UT[r] += ternaryUncertain(to);
        } else {
          throw new Error(`simulateDistributedWithBounds: ${op.op} ops are not covered`);
        }
      });
    }
    const x = server.get('x')!;
    for (let i = 0; i < d; i++) {
      X[r * d + i] = x[i].v;
      EX[r * d + i] = x[i].e;
      UNC[r * d + i] = unc[i];
    }
    UNCR[r] = uncR;
  }
  return { x: X, ex: EX, uncertain: UNC, uncertainReplica: UNCR, metrics, uncertainTernary: UT, boundUse };
}

/**
 * Records the metrics at one output point with their float32 bounds at index k: ||g||_1, ||g||_2
 * (each rounding of the device's sums over `sumLevels` reduction levels, WGSL sqrt's 4.5 ULP) and
 * f - f(c) = 1/2 sum g dx, or, with a gradient pass (`og`), the pass's own f and its bound.
 * `gradAt(i)` is coordinate i's gradient and x - c with their bounds (used without a pass).
 */
function recordMetrics(
  metrics: { n1: Float64Array; e1: Float64Array; n2: Float64Array; e2: Float64Array; hf: Float64Array; ehf: Float64Array },
  k: number,
  d: number,
  sumLevels: number,
  og: { g: Tracked[]; f: Tracked } | null,
  gradAt: (i: number) => { g: Tracked; dx: Tracked },
): void {
  let s1 = 0;
  let es1 = 0;
  let s2 = 0;
  let es2 = 0;
  let sf = 0;
  let esf = 0;
  for (let i = 0; i < d; i++) {
    const g = og ? og.g[i] : null;
    const gd = g ? null : gradAt(i);
    const gi = g ?? gd!.g;
    s1 += Math.abs(gi.v);
    es1 += gi.e;
    s2 += gi.v * gi.v;
    es2 += 2 * Math.abs(gi.v) * gi.e + gi.e ** 2 + U * gi.v * gi.v;
    if (gd) {
      const fv = gi.v * gd.dx.v;
      sf += fv;
      esf += Math.abs(gi.v) * gd.dx.e + Math.abs(gd.dx.v) * gi.e + gi.e * gd.dx.e + U * Math.abs(fv);
    }
  }
  metrics.n1[k] = s1;
  metrics.e1[k] = es1 + sumLevels * U * (s1 + es1);
  const e2sum = es2 + sumLevels * U * (s2 + es2);
  const n2 = Math.sqrt(s2);
  metrics.n2[k] = n2;
  metrics.e2[k] = Math.min(Math.sqrt(e2sum), n2 > 0 ? e2sum / n2 : Infinity) + 9 * U * n2;
  metrics.hf[k] = og ? og.f.v : 0.5 * sf;
  metrics.ehf[k] = og ? og.f.e : 0.5 * (esf + sumLevels * U * (Math.abs(sf) + esf));
}
