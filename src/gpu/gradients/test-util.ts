import { expect } from 'vitest';
import type { GpuContext } from '../device.ts';
import type { Problem } from '../../problems/types.ts';
import { problemNormals } from '../../problems/random.ts';
import { partialSumError, runGradientKernel, type GradientKernel } from './common.ts';

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
