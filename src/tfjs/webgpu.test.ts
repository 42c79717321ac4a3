import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { algorithms } from '../algorithms/index.ts';
import { ProgramOptimizer } from './optimizer.ts';
import { freshVariableName, oneStepFromMidRun } from '../testing/tfjs.ts';

// The same one-step equivalence as engine-equivalence.test.ts, on tfjs's WebGPU backend
// (@tensorflow/tfjs-backend-webgpu) running on Dawn through the `webgpu` package: a real GPU, or
// Mesa's lavapipe on the CPU (CI: scripts/install-lavapipe.sh). Skipped, with the reason printed,
// when no adapter exists.
//
// Bounds: the WGSL rules of src/testing/f32-bounds.ts (+ - * correctly rounded, x / y within 2.5 ULP,
// sqrt 4.5 ULP, exp 3 + 2|x| ULP, log 3 ULP or 2^-21 absolute), with exact division NOT assumed.
// Every op runs as a WGSL kernel (CPU forwarding off). S_R guards are not checked here: they need a
// synchronous read-back, which tfjs-webgpu in Node lacks (the test vectors stay far below G = 100).

let skipReason: string | null = 'not initialised';

beforeAll(async () => {
  try {
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    const gpu = create([]);
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      skipReason = 'no WebGPU adapter (install lavapipe: scripts/install-lavapipe.sh)';
      return;
    }
    // tfjs-backend-webgpu looks for navigator.gpu (Node 20 has no navigator)
    Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: 'node' }, configurable: true });
    await import('@tensorflow/tfjs-backend-webgpu');
    await import('@tensorflow/tfjs-layers'); // gradient functions
    tf.env().set('IS_TEST', true);
    // run every op as a WGSL kernel (tfjs otherwise hands tensors under 1000 elements to CPU kernels)
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    skipReason = (await tf.setBackend('webgpu')) ? null : 'tfjs could not initialise its webgpu backend';
  } catch (e) {
    skipReason = `webgpu unavailable: ${(e as Error).message}`;
  }
  if (skipReason) console.warn(`[signcheck tfjs webgpu tests] SKIPPED: ${skipReason}`);
});

afterAll(() => {
  if (!skipReason) tf.engine().reset();
});

const IDS = ['signsgd', 'signum', 'ef-signsgd', 'lion', 'alias', 'mvsm-v1', 'mvsm-v2-runmax', 'adamw'];
const defs = IDS.filter((id) => algorithms.has(id)).map((id) => algorithms.get(id));

describe('tfjs webgpu backend', () => {
  it.each(defs.map((d) => [d.id, d] as const))('%s: one step equals the CPU engine step (WGSL bounds)', async (_id, def) => {
    if (skipReason) return;
    expect(tf.getBackend()).toBe('webgpu');
    const { comparison: c, opt, engineMismatches } = await oneStepFromMidRun(def, { exactDivision: false }, { checkGuards: false });
    expect(engineMismatches).toEqual([]);
    expect(c.failures, c.failures.slice(0, 5).join('; ')).toEqual([]);
    expect(c.compared).toBeGreaterThan(0);
    expect(c.uncertain / (c.compared + c.uncertain)).toBeLessThan(0.02);
    opt.dispose();
  });

  it('signum: numTensors flat across 20 minimize steps', async () => {
    if (skipReason) return;
    const x = tf.variable(tf.tensor([1, -2, 3, 0.5]), true, freshVariableName('wg'));
    const opt = new ProgramOptimizer('signum', { lr: 0.01 });
    const f = () => tf.sum(tf.square(x)) as tf.Scalar;
    opt.minimize(f);
    const n0 = tf.memory().numTensors;
    for (let k = 0; k < 19; k++) {
      opt.minimize(f);
      expect(tf.memory().numTensors).toBe(n0);
    }
    // 20 steps of 0.01 sign(m) with m of the sign of x throughout: x - 0.2 sign(x)
    expect(Array.from(await x.data()).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0.8, -1.8, 2.8, 0.3]);
    opt.dispose();
    x.dispose();
  });
});

