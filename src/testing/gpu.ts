import { expect } from 'vitest';
import type { AlgorithmDef } from '../algorithms/program.ts';
import type { RunResult, RunSpec } from '../engine/types.ts';
import { requestGpu, type GpuContext } from '../gpu/device.ts';
import type { TrackedRun } from './f32-bounds.ts';

/**
 * The device for GPU tests, or null when there is none. Without an adapter the tests FAIL when
 * process.env.CI is set (CI must install lavapipe: scripts/install-lavapipe.sh) and are skipped
 * otherwise, with the reason printed once.
 */
export async function gpuForTests(): Promise<GpuContext | null> {
  const a = await requestGpu();
  if (a.ok) return a.gpu;
  if (process.env.CI) {
    throw new Error(`GPU tests need a WebGPU adapter in CI and none is available: ${a.reason}`);
  }
  if (!warned) {
    warned = true;
    console.warn(`[signcheck gpu tests] SKIPPED: ${a.reason}`);
  }
  return null;
}
let warned = false;

/**
 * The algorithm's example hyperparameters for a few-step float32 comparison with runCpu. One
 * override, derived from the float32 bound: D-Adaptation / Prodigy (and ALIAS Option I, whose d^0
 * is the same kind of initial distance estimate) start from d0 = 1e-6, so the first steps move x by
 * ~1e-6 and the D estimate's <g, x0 - x> is a float32 difference of numbers ~1 that agree to 6
 * digits: its relative error is ~U / 1e-6 = 6%, so three steps would compare nothing but that
 * rounding (the derived bound says so: Prodigy's dhat becomes unresolved). d0 = 0.05 gives steps
 * that float32 resolves. Runs long enough to leave that regime keep the example's d0.
 */
export function float32Example(def: AlgorithmDef): Record<string, number | string> {
  return def.hyper.some((s) => s.name === 'd0') ? { ...def.example, d0: 0.05 } : { ...def.example };
}

/** `hyper` with the step size `lr` where it sets one (a problem whose curvature asks for another step). */
export function withStepSize(hyper: Readonly<Record<string, number | string>>, lr: number): Record<string, number | string> {
  return 'lr' in hyper ? { ...hyper, lr } : { ...hyper };
}

/**
 * ||g||_1, ||g||_2 and f - f* of the WebGPU run at every checkpoint within the simulation's derived
 * float32 bounds of runCpu. f - f*: f* is added in float64 on both engines, and the float64 f and f*
 * of runCpu each carry ~1e-16 relative rounding (1e-12 of |f - f*| + |f*| covers it).
 */
export function expectMetricsWithinBounds(spec: RunSpec, cpu: RunResult, g: RunResult, sim: TrackedRun): void {
  for (let r = 0; r < spec.replicas; r++) {
    spec.checkpoints!.forEach((t, k) => {
      const m = r * (spec.T + 1) + t;
      expect(Math.abs(g.curve[k].g1[r] - cpu.curve[k].g1[r])).toBeLessThanOrEqual(sim.metrics.e1[m]);
      expect(Math.abs(g.curve[k].g2[r] - cpu.curve[k].g2[r])).toBeLessThanOrEqual(sim.metrics.e2[m]);
      expect(Math.abs(g.curve[k].fGap[r] - cpu.curve[k].fGap[r])).toBeLessThanOrEqual(sim.metrics.ehf[m] + 1e-12 * (Math.abs(cpu.curve[k].fGap[r]) + Math.abs(spec.problem.constants.fStar ?? 0)));
    });
  }
}
