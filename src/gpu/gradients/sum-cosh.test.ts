import { describe, expect, it } from 'vitest';
import { sumCosh } from '../../problems/sum-cosh.ts';
import { gpuForTests } from '../../testing/gpu.ts';
import { sumCoshBounds, sumCoshGradientKernel, type SumCoshData } from './sum-cosh.ts';
import { compareWithCpu, expectWithin, testIterates } from '../../testing/gpu-gradients.ts';

const gpu = await gpuForTests();

function instance(d: number): SumCoshData {
  return {
    a: Float64Array.from({ length: d }, (_, i) => 0.5 + (i % 5) * 0.3),
    b: Float64Array.from({ length: d }, (_, i) => 0.25 + (i % 7) * 0.4),
    center: Float64Array.from({ length: d }, (_, i) => Math.sin(i) * 2),
  };
}

describe.skipIf(!gpu)('sum-cosh gradient pass (WGSL) against src/problems/sum-cosh.ts', () => {
  it('g and f within the derived bound: d = 37, 6 replicas, |t| from 0 to ~15, including x = c exactly and tiny |x - c|', async () => {
    const d = 37;
    const R = 6;
    const data = instance(d);
    const problem = sumCosh(Float64Array.from(data.a), Float64Array.from(data.b), Float64Array.from(data.center));
    const x = testIterates(R, d, 3, data.center);
    for (let i = 0; i < d; i++) {
      x[0 * d + i] = Math.fround(data.center[i]); // t = 0 up to c's rounding
      x[1 * d + i] = Math.fround(data.center[i] + 1e-5 * (i - 18)); // tiny |t|: relative accuracy of sinh
    }
    const kernel = sumCoshGradientKernel(data);
    const c = await compareWithCpu(gpu!, kernel, problem, x, R, (xx, RR, wx) => sumCoshBounds(data, xx, RR, wx));
    expectWithin('sum-cosh d=37', c, R * d);
  });

  it('coordinate- and replica-split chunks (data bound at q0 offsets) give the same bounds: d = 200, 16-quad chunks, 2-row chunks', async () => {
    const d = 200;
    const R = 5;
    const data = instance(d);
    const problem = sumCosh(Float64Array.from(data.a), Float64Array.from(data.b), Float64Array.from(data.center));
    const x = testIterates(R, d, 2, data.center, 5);
    const kernel = sumCoshGradientKernel(data, { wx: 16, wy: 4 });
    const c = await compareWithCpu(gpu!, kernel, problem, x, R, (xx, RR, wx) => sumCoshBounds(data, xx, RR, wx), { rowsPerChunk: 2, quadsPerChunk: 16 });
    expectWithin('sum-cosh d=200 split', c, R * d);
  });

  it('a kernel with b off by 1% violates the bound', async () => {
    const d = 37;
    const R = 3;
    const data = instance(d);
    const problem = sumCosh(Float64Array.from(data.a), Float64Array.from(data.b), Float64Array.from(data.center));
    const x = testIterates(R, d, 3, data.center);
    const broken = sumCoshGradientKernel({ ...data, b: Float64Array.from(data.b, (v) => v * 1.01) });
    const c = await compareWithCpu(gpu!, broken, problem, x, R, (xx, RR, wx) => sumCoshBounds(data, xx, RR, wx));
    expect(c.gViolations).toBeGreaterThan(R * d * 0.9);
  });
});
