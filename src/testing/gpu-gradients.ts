import { expect } from 'vitest';
import type { GpuContext } from '../gpu/device.ts';
import type { Problem } from '../problems/types.ts';
import { problemNormals } from '../problems/random.ts';
import type { LogisticSplit } from '../problems/logistic-core.ts';
import { U, type Tracked, type TrackedGradient } from './f32-bounds.ts';
import { partialSumError, runGradientKernel, type GradientKernel } from '../gpu/gradients/common.ts';
import { expSumBounds, logisticBounds, quarticSumBounds, rotatedQuadraticBounds, sumCoshBounds } from '../gpu/gradients/index.ts';

/** Bounds function of a kernel: per-entry bound on |g_gpu - g_cpu| and per-replica bound on f. */
export type BoundsFn = (x: Float64Array, R: number, wx: number) => { eg: Float64Array; ef: Float64Array };

/** R x d test iterates: scale * N(0, 1) (Philox, fixed seed) around `around`, rounded to float32, with some rows pinned. */
export function testIterates(R: number, d: number, scale: number, around: ArrayLike<number>, seed = 11): Float64Array {
  const x = new Float64Array(R * d);
  const z = new Float64Array(d);
  for (let r = 0; r < R; r++) {
    problemNormals(seed, 9, r, z);
    for (let i = 0; i < d; i++) x[r * d + i] = Math.fround(around[i] + scale * z[i]);
  }
  return x;
}

/** Outcome of comparing a kernel run with the CPU problem. */
export interface Comparison {
  gViolations: number;
  fViolations: number;
  worstG: number;
  worstF: number;
  nonzero: number;
}

/**
 * Runs `kernel` on x and compares every g entry and every replica's f with the CPU problem's
 * float64 grad / f at the same (float32) points, against the derived bounds.
 */
export async function compareWithCpu(
  gpu: GpuContext,
  kernel: GradientKernel,
  problem: Problem,
  x: Float64Array,
  R: number,
  bounds: BoundsFn,
  chunking: { rowsPerChunk?: number; quadsPerChunk?: number } = {},
): Promise<Comparison> {
  const d = problem.d;
  const run = await runGradientKernel(gpu, kernel, x, R, chunking);
  const { eg, ef } = bounds(x, R, kernel.wx);
  const gc = new Float64Array(d);
  const out: Comparison = { gViolations: 0, fViolations: 0, worstG: 0, worstF: 0, nonzero: 0 };
  for (let r = 0; r < R; r++) {
    const xr = x.slice(r * d, (r + 1) * d);
    problem.grad(xr, gc);
    for (let i = 0; i < d; i++) {
      const err = Math.abs(run.g[r * d + i] - gc[i]);
      const b = eg[r * d + i];
      if (!(err <= b)) out.gViolations++;
      if (b > 0) out.worstG = Math.max(out.worstG, err / b);
      if (gc[i] !== 0) out.nonzero++;
    }
    const fc = problem.f(xr);
    const bf = ef[r] + partialSumError(run.fpart, r, kernel.fPartialsPerReplica);
    const errF = Math.abs(run.f[r] - fc);
    if (!(errF <= bf)) out.fViolations++;
    if (bf > 0) out.worstF = Math.max(out.worstF, errF / bf);
  }
  return out;
}

/** Asserts a comparison passed (and that it compared something nonzero); logs how much of the bound was used. */
export function expectWithin(label: string, c: Comparison, entries: number): void {
  console.info(`[gpu gradient] ${label}: max err/bound g ${c.worstG.toExponential(2)}, f ${c.worstF.toExponential(2)}`);
  expect(c.gViolations).toBe(0);
  expect(c.fViolations).toBe(0);
  expect(c.nonzero).toBeGreaterThan(entries * 0.9);
}

/** The gradient-pass families, as the differential tests name them. */
export type Kind = 'rotated-quadratic' | 'logistic' | 'sum-cosh' | 'exp-sum' | 'quartic-sum';

/**
 * The exact-gradient oracle of simulateWithBounds for a problem the GPU runs through a gradient pass.
 * At the tracked point p (float64 values x = p.v, deviations e = p.e of the float32 run):
 *   g_i: value grad f(x)_i (the CPU's float64); bound 2 eg_i + (J e)_i, where eg is the family's
 *        *Bounds at x (|g_f32 - g_f64| at one float32 point; counted twice: once for the pass at the
 *        float32 point, once for the float64 rounding at x, which eg also covers) and J_ij bounds
 *        sup |d g_i / d x_j| over the box |xi - x| <= e (mean value theorem: the pass reads the float32
 *        point, within e of x):
 *          rotated-quadratic |H|;  sum-cosh |a| b^2 cosh(|b| (|x - c| + e));  exp-sum |a| b^2 exp(b x + |b| e);
 *          quartic-sum 3 |a| (|x - c| + e)^2;  logistic (1/(4m)) |A|^T |A| + lambda I (sigmoid' <= 1/4).
 *   f:   value f(x); bound 2 ef + sum_i (|g_i| + (J e)_i) e_i (f moved along the box) + k U (fAbs + 2 ef)
 *        for the device's sum of the pass's P partials: k = sumLevels + ceil(P / nwg) (the step kernel's
 *        strided sum, then the metric reduction), fAbs = the sum of |terms| of f (a bound on sum |partials|).
 */
export function trackedGradient(problem: Problem, kind: Kind, wx: number, levels: number): TrackedGradient {
  const d = problem.d;
  const p = problem as Problem & { hessian?: Float64Array; train?: LogisticSplit; lambda?: number };
  const sc = problem.separableCoefficients as { a: Float64Array; b?: Float64Array; center?: Float64Array } | undefined;
  return (pt: readonly Tracked[]) => {
    const x = Float64Array.from(pt, (q) => q.v);
    const e = Float64Array.from(pt, (q) => q.e);
    const g = new Float64Array(d);
    problem.grad(x, g);
    const fv = problem.f(x);
    const je = new Float64Array(d);
    let fAbs = 0;
    let b: { eg: Float64Array; ef: Float64Array };
    if (kind === 'rotated-quadratic') {
      const H = p.hessian!;
      const c = problem.constants.xStar!;
      b = rotatedQuadraticBounds({ d, hessian: H, center: c }, x, 1, wx);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) je[i] += Math.abs(H[i * d + j]) * e[j];
        fAbs += 0.5 * Math.abs((x[i] - c[i]) * g[i]);
      }
    } else if (kind === 'logistic') {
      const { A } = p.train!;
      const lambda = p.lambda!;
      b = logisticBounds({ train: p.train!, lambda }, x, 1, wx);
      const m = A.rows;
      for (let r = 0; r < m; r++) {
        let s = 0;
        for (let k = A.indptr[r]; k < A.indptr[r + 1]; k++) s += Math.abs(A.values[k]) * e[A.indices[k]];
        for (let k = A.indptr[r]; k < A.indptr[r + 1]; k++) je[A.indices[k]] += (Math.abs(A.values[k]) * s) / (4 * m);
      }
      for (let i = 0; i < d; i++) je[i] += lambda * e[i];
      fAbs = Math.abs(fv); // every term (softplus, lambda/2 w^2) is nonnegative
    } else {
      const a = sc!.a;
      if (kind === 'sum-cosh') {
        const data = { a, b: sc!.b!, center: sc!.center! };
        b = sumCoshBounds(data, x, 1, wx);
        for (let i = 0; i < d; i++) {
          const bi = data.b[i];
          je[i] = Math.abs(a[i]) * bi * bi * Math.cosh(Math.abs(bi) * (Math.abs(x[i] - data.center[i]) + e[i])) * e[i];
          fAbs += Math.abs(a[i] * Math.cosh(bi * (x[i] - data.center[i])));
        }
      } else if (kind === 'exp-sum') {
        const data = { a, b: sc!.b! };
        b = expSumBounds(data, x, 1, wx);
        for (let i = 0; i < d; i++) {
          const bi = data.b[i];
          je[i] = Math.abs(a[i]) * bi * bi * Math.exp(bi * x[i] + Math.abs(bi) * e[i]) * e[i];
          fAbs += Math.abs(a[i] * Math.exp(bi * x[i]));
        }
      } else {
        const data = { a, center: sc!.center! };
        b = quarticSumBounds(data, x, 1, wx);
        for (let i = 0; i < d; i++) {
          const r = Math.abs(x[i] - data.center[i]);
          je[i] = 3 * Math.abs(a[i]) * (r + e[i]) ** 2 * e[i];
          fAbs += 0.25 * Math.abs(a[i]) * r ** 4;
        }
      }
    }
    let ef = 2 * b.ef[0];
    const gt: Tracked[] = [];
    for (let i = 0; i < d; i++) {
      gt.push({ v: g[i], e: 2 * b.eg[i] + je[i], uncertain: false });
      ef += (Math.abs(g[i]) + je[i]) * e[i];
    }
    ef += levels * U * (fAbs + ef);
    return { g: gt, f: { v: fv, e: ef, uncertain: false } };
  };
}
