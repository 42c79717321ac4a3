import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { theorems } from '../../experiments/theorems/index.ts';
import { describeGpuFailure, requestGpu } from '../../src/gpu/device.ts';
import { runWebGpu } from '../../src/gpu/engine.ts';
import { gpuForTests } from '../../src/testing/gpu.ts';
import { readResults, serializeRows } from '../../src/theorems/results/index.ts';
import { cpuRun, resultsFile, runSweep, type EngineRun } from '../../src/theorems/runner.ts';
import type { SweepCell } from '../../src/theorems/types.ts';

// signum-separable's declared sweep, shrunk to four small cells (d = 64, T = 64..512, 3 replicas)
const th = theorems.get('signum-separable');
const small = (cells: SweepCell[]) => cells.slice(0, 4).map((c, i) => ({ ...c, recipe: { ...c.recipe, replicas: 3, d: 64, T: 64 << i } }));

describe('a real device loss during a WebGPU sweep (Dawn: GPUDevice.destroy() mid-sweep)', async () => {
  const gpu = await gpuForTests();
  it.skipIf(!gpu)('keeps the finished cells, says the device was lost, and --resume completes on a fresh device and on the CPU', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-gpu-fault-'));
    let calls = 0;
    const losing: EngineRun = async (spec) => {
      if (++calls === 3) {
        const g = await requestGpu();
        if (g.ok) g.gpu.device.destroy(); // the real thing: Dawn marks the device lost
      }
      return runWebGpu(spec);
    };
    const failure = await runSweep(th, { profile: 'quick', outDir: dir, engine: 'webgpu', run: losing, resume: false, transform: small }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).not.toBeNull();
    // Dawn rejects the pending work with a message-less AbortError; the words come from GPUDevice.lost
    expect(await describeGpuFailure(failure)).toMatch(/WebGPU device was lost \(reason: destroyed/);
    const kept = readResults(resultsFile(dir, th.id));
    expect(kept.cells).toHaveLength(2);

    // resume on the GPU: a fresh device is acquired, the remaining cells run, nothing is redone
    const gpuDir = path.join(dir, 'gpu');
    fs.mkdirSync(gpuDir);
    fs.copyFileSync(resultsFile(dir, th.id), resultsFile(gpuDir, th.id));
    const resumed = await runSweep(th, { profile: 'quick', outDir: gpuDir, engine: 'webgpu', run: (s) => runWebGpu(s), resume: true, transform: small });
    expect([resumed.ran, resumed.skipped]).toEqual([2, 2]);
    const ref = await runSweep(th, { profile: 'quick', outDir: path.join(dir, 'ref'), engine: 'webgpu', run: (s) => runWebGpu(s), resume: false, transform: small });
    // same engine, same seed: byte-identical results (timing columns aside)
    expect(serializeRows(readResults(resultsFile(gpuDir, th.id)).rows, { timing: false })).toBe(serializeRows(readResults(ref.file).rows, { timing: false }));

    // or resume on the CPU engine: the remaining cells run there as their own series
    const cpu = await runSweep(th, { profile: 'quick', outDir: dir, engine: 'cpu', run: cpuRun, resume: true, transform: small });
    expect(cpu.ran).toBeGreaterThan(0);
    expect(readResults(resultsFile(dir, th.id)).cells.length).toBe(2 + cpu.ran);
  }, 240_000);
});
