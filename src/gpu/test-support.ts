import { requestGpu, type GpuContext } from './device.ts';

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
