import type { Expr } from '../algorithms/expr.ts';
import { allHypers, checkProgram, type MapOp } from '../algorithms/program.ts';
import { evaluateHyper, resolveHyper } from '../engine/hyper.ts';
import type { RunSpec } from '../engine/types.ts';
import { philox4x32 } from '../rng/philox.ts';
import { laneWord, Purpose } from '../rng/streams.ts';
import { F32_U, wgslNoiseFor } from './noise.wgsl.ts';

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

const input = (v: number): Tracked => ({ v, e: U * Math.abs(v), uncertain: false });
const exact = (v: number): Tracked => ({ v, e: 0, uncertain: false });

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
        case 'sign':
        case 'pos': {
          const v = e.fn === 'sign' ? Math.sign(a.v) : a.v > 0 ? 1 : 0;
          const sure = a.e === 0 || Math.abs(a.v) > a.e;
          return { v, e: sure ? 0 : e.fn === 'sign' ? 2 : 1, uncertain: uncertain || !sure };
        }
        case 'abs':
          return { v: Math.abs(a.v), e: a.e, uncertain };
        case 'min':
          return { v: Math.min(a.v, b.v), e: Math.max(a.e, b.e), uncertain };
        case 'max':
          return { v: Math.max(a.v, b.v), e: Math.max(a.e, b.e), uncertain };
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
  /** 1/2 sum diag (x - c)^2 = f - f(c), and its bound. */
  readonly hf: Float64Array;
  readonly ehf: Float64Array;
}

/** Result of {@link simulateWithBounds}. */
export interface TrackedRun {
  /** x_T per replica (R x d), float64 values in runCpu's order of operations. */
  readonly x: Float64Array;
  /** Bound on |x_gpu - x| for certain coordinates. */
  readonly ex: Float64Array;
  /** 1 where some sign/pos decision on the coordinate's path was within rounding of 0. */
  readonly uncertain: Uint8Array;
  /** Metrics at x_t for t = 0..T (index r * (T + 1) + t). */
  readonly metrics: TrackedMetrics;
}

/**
 * Simulates a fused-kernel run (server-scope map programs, separable quadratic, additive noise
 * with a WGSL transform) in float64 with float32 error bounds; mirrors runCpu's order of
 * operations. `sumLevels` is the number of sequential float32 additions a metric sum goes
 * through on the device (4-lane dot, workgroup tree, reduce kernel), used for the metric bounds:
 * a sum of nonnegative terms computed with k levels of rounded additions is within k U of the sum.
 */
export function simulateWithBounds(spec: RunSpec, sumLevels: number): TrackedRun {
  const { algorithm: def, problem, T, replicas: R, seed } = spec;
  const n = spec.workers;
  const d = problem.d;
  const sq = problem.separableQuadratic;
  if (!sq) throw new Error('simulateWithBounds needs a separable quadratic');
  const checked = checkProgram(def.id, def.program);
  const hyper = resolveHyper(def, spec.hyper);
  const hyperNames = allHypers(def).map((h) => h.name);
  const vecNames = def.program.vectors.map((v) => v.name);
  const scalarInit = new Map(def.program.scalars.map((s) => [s.name, s.init]));
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

  const X = new Float64Array(R * d);
  const EX = new Float64Array(R * d);
  const UNC = new Uint8Array(R * d);
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

  for (let r = 0; r < R; r++) {
    const x: Tracked[] = Array.from(x0, (v) => input(v));
    const vec = new Map<string, Tracked[]>(vecNames.map((v) => [v, Array.from({ length: d }, () => exact(0))]));
    const unc = new Uint8Array(d);
    for (let t = 0; t <= T; t++) {
      // exact gradient and metrics at x_t
      const ge: Tracked[] = new Array(d);
      let s1 = 0;
      let es1 = 0;
      let s2 = 0;
      let es2 = 0;
      let sf = 0;
      let esf = 0;
      for (let i = 0; i < d; i++) {
        const L = input(sq.diag[i]);
        const c = input(sq.center[i]);
        const dxv = x[i].v - c.v;
        const dx: Tracked = { v: dxv, e: x[i].e + c.e + U * Math.abs(dxv), uncertain: false };
        const gv = L.v * dx.v;
        ge[i] = { v: gv, e: Math.abs(L.v) * dx.e + Math.abs(dx.v) * L.e + L.e * dx.e + U * Math.abs(gv), uncertain: false };
        s1 += Math.abs(gv);
        es1 += ge[i].e;
        s2 += gv * gv;
        es2 += 2 * Math.abs(gv) * ge[i].e + ge[i].e ** 2 + U * gv * gv;
        const fv = gv * dxv;
        sf += fv;
        esf += Math.abs(gv) * dx.e + Math.abs(dxv) * ge[i].e + ge[i].e * dx.e + U * Math.abs(fv);
      }
      const k = r * steps + t;
      metrics.n1[k] = s1;
      metrics.e1[k] = es1 + sumLevels * U * (s1 + es1);
      const e2sum = es2 + sumLevels * U * (s2 + es2);
      const n2 = Math.sqrt(s2);
      metrics.n2[k] = n2;
      metrics.e2[k] = Math.min(Math.sqrt(e2sum), n2 > 0 ? e2sum / n2 : Infinity) + 9 * U * n2;
      metrics.hf[k] = 0.5 * sf;
      metrics.ehf[k] = 0.5 * (esf + sumLevels * U * (Math.abs(sf) + esf));
      if (t === T) break;

      // stochastic gradient, in runCpu's order: g = sum_j (ge + sum_b (sigma z) / B) / n
      evaluateHyper(def, hyper, { t, T, d, n }, hv);
      const B = hv.batch;
      const invB: Tracked = { v: 1 / B, e: 5 * U / B, uncertain: false };
      const g: Tracked[] = Array.from({ length: d }, () => exact(0));
      for (let j = 0; j < n; j++) {
        const gw: Tracked[] = ge.map((q) => ({ ...q }));
        if (noise && wn) {
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
              const sg = sigmaAt(i);
              const szv = sg * z[i];
              const esz = sg * ez[i] + Math.abs(z[i]) * U * sg + U * Math.abs(szv);
              const termv = szv * invB.v;
              const eterm = esz * invB.v + Math.abs(szv) * invB.e + U * Math.abs(termv);
              const sum = gw[i].v + termv;
              gw[i] = { v: sum, e: gw[i].e + eterm + U * Math.abs(sum), uncertain: false };
            }
          }
        }
        for (let i = 0; i < d; i++) {
          if (n === 1) g[i] = gw[i];
          else {
            const qv = gw[i].v / n;
            const eq = gw[i].e / n + 5 * U * Math.abs(qv);
            const sum = j === 0 ? qv : g[i].v + qv;
            g[i] = { v: sum, e: (j === 0 ? 0 : g[i].e) + eq + (j === 0 ? 0 : U * Math.abs(sum)), uncertain: false };
          }
        }
      }
      // the program's map ops, coordinate by coordinate
      const params: Record<string, Tracked> = { t: exact(t), first: exact(t === 0 ? 1 : 0), T: input(T), d: input(d), n: input(n) };
      for (const h of hyperNames) params[h] = input(hv[h]);
      for (let i = 0; i < d; i++) {
        const cur = new Map<string, Tracked>([['x', x[i]], ['g', g[i]]]);
        for (const v of vecNames) cur.set(v, vec.get(v)![i]);
        for (const op of def.program.ops as readonly MapOp[]) {
          const locals = new Map<string, Tracked>();
          const env = (name: string): Tracked => {
            const l = locals.get(name) ?? cur.get(name) ?? params[name];
            if (l) return l;
            if (scalarInit.has(name)) return input(scalarInit.get(name)!);
            throw new Error(`unresolved ${name}`);
          };
          for (const [target, src] of op.assign) {
            const val = trackExpr(checked.parsed.get(src)!, env);
            if (val.uncertain) unc[i] = 1;
            if (cur.has(target)) cur.set(target, val);
            else locals.set(target, val);
          }
        }
        x[i] = cur.get('x')!;
        for (const v of vecNames) vec.get(v)![i] = cur.get(v)!;
      }
    }
    for (let i = 0; i < d; i++) {
      X[r * d + i] = x[i].v;
      EX[r * d + i] = x[i].e;
      UNC[r * d + i] = unc[i];
    }
  }
  return { x: X, ex: EX, uncertain: UNC, metrics };
}
