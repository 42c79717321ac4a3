import { describe, expect, it } from 'vitest';
import { quarticSum } from '../../problems/quartic-sum.ts';
import { gpuForTests } from '../../testing/gpu.ts';
import { quarticSumBounds, quarticSumGradientKernel, type QuarticSumData } from './quartic-sum.ts';
import { compareWithCpu, expectWithin, testIterates } from '../../testing/gpu-gradients.ts';

const gpu = await gpuForTests();

function instance(d: number): QuarticSumData {
  return {
    a: Float64Array.from({ length: d }, (_, i) => 0.2 + (i % 6) * 0.5),
    center: Float64Array.from({ length: d }, (_, i) => Math.cos(3 * i)),
  };
}

describe.skipIf(!gpu)('quartic-sum gradient pass (WGSL) against src/problems/quartic-sum.ts', () => {
  it('g and f within the derived bound: d = 41, 5 replicas, plus a replica at x = c (r = rounding of c only)', async () => {
    const d = 41;
    const R = 5;
    const data = instance(d);
    const problem = quarticSum(Float64Array.from(data.a), 1, Float64Array.from(data.center));
    const x = testIterates(R, d, 4, data.center);
    for (let i = 0; i < d; i++) x[i] = Math.fround(data.center[i]);
    const c = await compareWithCpu(gpu!, quarticSumGradientKernel(data), problem, x, R, (xx, RR, wx) => quarticSumBounds(data, xx, RR, wx));
    console.info(`[gpu gradient] quartic: max err/bound g ${c.worstG.toExponential(2)}, f ${c.worstF.toExponential(2)}`);
    expect(c.gViolations).toBe(0);
    expect(c.fViolations).toBe(0);
    // the replica at x = fround(c) has g within rounding of 0; the others are far from it
    expect(c.nonzero).toBeGreaterThan((R - 1) * d * 0.9);
  });

  it('split chunks: d = 300, 16-quad and 2-row chunks', async () => {
    const d = 300;
    const data = instance(d);
    const x = testIterates(5, d, 2, data.center, 4);
    const problem = quarticSum(Float64Array.from(data.a), 1, Float64Array.from(data.center));
    const c = await compareWithCpu(gpu!, quarticSumGradientKernel(data, { wx: 16, wy: 4 }), problem, x, 5, (xx, RR, wx) => quarticSumBounds(data, xx, RR, wx), { rowsPerChunk: 2, quadsPerChunk: 16 });
    expectWithin('quartic d=300 split', c, 5 * d);
  });

  it('a kernel with c off by 1% violates the bound', async () => {
    const d = 41;
    const data = instance(d);
    const x = testIterates(3, d, 1, data.center);
    const broken = quarticSumGradientKernel({ ...data, center: Float64Array.from(data.center, (v) => v * 1.01) });
    const c = await compareWithCpu(gpu!, broken, quarticSum(Float64Array.from(data.a), 1, Float64Array.from(data.center)), x, 3, (xx, RR, wx) => quarticSumBounds(data, xx, RR, wx));
    expect(c.gViolations).toBeGreaterThan(3 * d * 0.9);
  });
});
