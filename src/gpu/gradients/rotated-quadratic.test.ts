import { describe, expect, it } from 'vitest';
import { rotatedQuadratic } from '../../problems/rotated-quadratic.ts';
import { gpuForTests } from '../../testing/gpu.ts';
import { rotatedQuadraticBounds, rotatedQuadraticGradientKernel, type RotatedQuadraticData } from './rotated-quadratic.ts';
import { compareWithCpu, expectWithin, testIterates } from '../../testing/gpu-gradients.ts';

const gpu = await gpuForTests();

function instance(d: number, seed: number) {
  // spectrum spread over three decades, center off the origin
  const L = Float64Array.from({ length: d }, (_, i) => 10 ** (-1 + (3 * i) / Math.max(1, d - 1)));
  const c = Float64Array.from({ length: d }, (_, i) => Math.sin(1 + i));
  const problem = rotatedQuadratic(L, c, seed);
  const data: RotatedQuadraticData = { d, hessian: problem.hessian, center: problem.constants.xStar! };
  return { problem, data };
}

describe.skipIf(!gpu)('rotated-quadratic gradient pass (WGSL) against src/problems/rotated-quadratic.ts', () => {
  for (const [d, R, rowsPerChunk] of [[33, 5, 5], [128, 6, 4], [1, 3, 3]] as const) {
    it(`g = H (x - c) and f within the derived bound: d = ${d}, ${R} replicas, chunks of ${rowsPerChunk} rows`, async () => {
      const { problem, data } = instance(d, 7 + d);
      const x = testIterates(R, d, 2, data.center);
      const kernel = rotatedQuadraticGradientKernel(data);
      const c = await compareWithCpu(gpu!, kernel, problem, x, R, (xx, RR, wx) => rotatedQuadraticBounds(data, xx, RR, wx), { rowsPerChunk });
      expectWithin(`rotated-quadratic d=${d}`, c, R * d);
    });
  }

  it('the engine-sized workgroup (wx = 16, wy = 16) gives the same result within the bound', async () => {
    const { problem, data } = instance(70, 3);
    const x = testIterates(20, 70, 1, data.center, 8);
    const c = await compareWithCpu(gpu!, rotatedQuadraticGradientKernel(data, { wx: 16, wy: 16 }), problem, x, 20, (xx, RR, wx) => rotatedQuadraticBounds(data, xx, RR, wx), { rowsPerChunk: 7 });
    expectWithin('rotated-quadratic d=70 wx=16', c, 20 * 70);
  });

  it('a kernel built from H scaled by 1.01 violates the bound', async () => {
    const { problem, data } = instance(33, 40);
    const x = testIterates(4, 33, 2, data.center);
    const broken = rotatedQuadraticGradientKernel({ ...data, hessian: Float64Array.from(data.hessian, (v) => v * 1.01) });
    const c = await compareWithCpu(gpu!, broken, problem, x, 4, (xx, RR, wx) => rotatedQuadraticBounds(data, xx, RR, wx));
    expect(c.gViolations).toBeGreaterThan(4 * 33 * 0.9);
    expect(c.fViolations).toBe(4);
  });
});
