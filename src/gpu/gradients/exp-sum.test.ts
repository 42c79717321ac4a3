import { describe, expect, it } from 'vitest';
import { expSum } from '../../problems/exp-sum.ts';
import { gpuForTests } from '../../testing/gpu.ts';
import { expSumBounds, expSumGradientKernel, type ExpSumData } from './exp-sum.ts';
import { compareWithCpu, expectWithin, testIterates } from '../../testing/gpu-gradients.ts';

const gpu = await gpuForTests();

function instance(d: number): ExpSumData {
  return {
    a: Float64Array.from({ length: d }, (_, i) => 0.1 + (i % 3) * 0.7),
    b: Float64Array.from({ length: d }, (_, i) => 0.5 + (i % 4) * 0.5),
  };
}

describe.skipIf(!gpu)('exp-sum gradient pass (WGSL) against src/problems/exp-sum.ts', () => {
  it('g and f within the derived bound: d = 23, 5 replicas, b x from about -40 to 40', async () => {
    const d = 23;
    const R = 5;
    const data = instance(d);
    const problem = expSum(Float64Array.from(data.a), Float64Array.from(data.b));
    const x = testIterates(R, d, 8, new Float64Array(d));
    const c = await compareWithCpu(gpu!, expSumGradientKernel(data), problem, x, R, (xx, RR, wx) => expSumBounds(data, xx, RR, wx));
    expectWithin('exp-sum d=23', c, R * d);
  });

  it('d = 1 (f = e^x, the P0 witness) and a split run: d = 130, 16-quad and 3-row chunks', async () => {
    const one = { a: [1], b: [1] };
    const x1 = Float64Array.from([0, 1, -3, 10.5, Math.fround(1e-7)]);
    const c1 = await compareWithCpu(gpu!, expSumGradientKernel(one), expSum(Float64Array.of(1), Float64Array.of(1)), x1, 5, (xx, RR, wx) => expSumBounds(one, xx, RR, wx));
    expectWithin('exp-sum d=1', c1, 5);
    const d = 130;
    const data = instance(d);
    const x = testIterates(7, d, 3, new Float64Array(d), 3);
    const c = await compareWithCpu(gpu!, expSumGradientKernel(data, { wx: 16, wy: 4 }), expSum(Float64Array.from(data.a), Float64Array.from(data.b)), x, 7, (xx, RR, wx) => expSumBounds(data, xx, RR, wx), { rowsPerChunk: 3, quadsPerChunk: 16 });
    expectWithin('exp-sum d=130 split', c, 7 * d);
  });

  it('a kernel with a off by 1% violates the bound', async () => {
    const d = 23;
    const data = instance(d);
    const x = testIterates(4, d, 2, new Float64Array(d));
    const broken = expSumGradientKernel({ ...data, a: Float64Array.from(data.a, (v) => v * 1.01) });
    const c = await compareWithCpu(gpu!, broken, expSum(Float64Array.from(data.a), Float64Array.from(data.b)), x, 4, (xx, RR, wx) => expSumBounds(data, xx, RR, wx));
    expect(c.gViolations).toBe(4 * d);
    expect(c.fViolations).toBe(4);
  });
});
