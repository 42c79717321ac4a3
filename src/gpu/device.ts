/// <reference types="@webgpu/types" />
/**
 * WebGPU device acquisition for the GPU engine, through the `webgpu` npm package (Dawn's Node
 * binding, prebuilt). On a machine without a GPU, Mesa's lavapipe (Vulkan on the CPU) provides a
 * software adapter: the same WGSL runs, which is how CI tests the engine
 * (`sudo scripts/install-lavapipe.sh` on Debian bookworm).
 *
 * The `auto` engine choice uses WebGPU only on a real GPU ({@link AdapterDescription.software} is
 * false): a software adapter is correct but slower than the float64 CPU engine.
 */

/** GPUBufferUsage flags (fixed by the WebGPU specification; Node has no DOM globals). */
export const BufferUsage = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

/** GPUMapMode flags. */
export const MapMode = { READ: 0x0001, WRITE: 0x0002 } as const;

/** What the adapter says about itself, plus our classification. */
export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** WebGPU's own flag for fallback (software) adapters. */
  readonly isFallbackAdapter: boolean;
  /** True for CPU/software adapters (lavapipe/llvmpipe, SwiftShader, WARP) — never a real GPU. */
  readonly software: boolean;
  /** One line for logs and benchmark tables, e.g. "llvmpipe: Mesa 25.0.7 (software)". */
  readonly name: string;
}

/** The limits the engine sizes its buffers and dispatches by (those of the created device). */
export interface GpuLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxStorageBuffersPerShaderStage: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxComputeWorkgroupStorageSize: number;
  readonly minStorageBufferOffsetAlignment: number;
  readonly minUniformBufferOffsetAlignment: number;
}

/** A device ready for use, with its adapter's description and limits. */
export interface GpuContext {
  readonly device: GPUDevice;
  readonly adapter: GPUAdapter;
  readonly info: AdapterDescription;
  readonly limits: GpuLimits;
}

/** Either a device, or the reason there is none (shown to users and in skipped-test messages). */
export type GpuAvailability = { readonly ok: true; readonly gpu: GpuContext } | { readonly ok: false; readonly reason: string };

const SOFTWARE_PATTERN = /llvmpipe|lavapipe|swiftshader|software|\bwarp\b|basic render|microsoft basic|null backend/i;

/**
 * Classifies adapter info: software when WebGPU flags a fallback adapter, when the architecture is
 * "software" (Mesa reports so for lavapipe), or when vendor/device/description name a known CPU
 * rasteriser (llvmpipe, lavapipe, SwiftShader, WARP).
 */
export function describeAdapter(info: Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'> & { isFallbackAdapter?: boolean }): AdapterDescription {
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const device = info.device ?? '';
  const description = info.description ?? '';
  const isFallbackAdapter = info.isFallbackAdapter === true;
  const software =
    isFallbackAdapter || architecture.toLowerCase() === 'software' || SOFTWARE_PATTERN.test(`${vendor} ${architecture} ${device} ${description}`);
  const label = description || [vendor, architecture, device].filter(Boolean).join(' ') || 'unknown adapter';
  return { vendor, architecture, device, description, isFallbackAdapter, software, name: `${label} (${software ? 'software, CPU' : 'hardware GPU'})` };
}

const INSTALL_HINT =
  'install a Vulkan driver; on a machine without a GPU (Debian bookworm) run `sudo scripts/install-lavapipe.sh` (Mesa lavapipe >= 25 from bookworm-backports)';

let cached: Promise<GpuAvailability> | null = null;
let gpuHandle: GPU | null = null;

/**
 * Requests an adapter (high-performance preference) and a device with the adapter's maxima for the
 * limits the engine needs (buffer and binding sizes, storage buffers per stage). The result is
 * cached for the process: every caller shares one device. Never throws: a missing binding, no
 * adapter or a failed device request come back as `{ ok: false, reason }`.
 */
export function requestGpu(): Promise<GpuAvailability> {
  if (!cached) {
    const p = acquire();
    cached = p;
    lastLoss = null;
    // a lost device (driver reset, destroy(), out of memory at the driver level) is never reused:
    // the next request acquires a fresh one, and the loss is remembered for error messages
    void p.then((a) => {
      if (!a.ok) return;
      void a.gpu.device.lost.then((info) => {
        if (cached !== p) return; // released on purpose, or already replaced
        lastLoss = { reason: info.reason, message: info.message };
        cached = null;
      });
    });
  }
  return cached;
}

let lastLoss: { readonly reason: string; readonly message: string } | null = null;

/**
 * Words for a failure of the GPU engine: Dawn rejects pending work on a lost device with an
 * AbortError that carries no message, so the device's own loss report (reason and message, from
 * `GPUDevice.lost`) is added when the device was lost; other errors keep their message.
 */
export async function describeGpuFailure(err: unknown): Promise<string> {
  // the lost promise settles in a later task than the rejected work: give it a moment
  for (let i = 0; i < 20 && lastLoss === null; i++) await new Promise((r) => setTimeout(r, 5));
  const base = err instanceof Error ? `${err.name}${err.message ? `: ${err.message}` : ''}` : String(err);
  if (lastLoss) return `the WebGPU device was lost (reason: ${lastLoss.reason}${lastLoss.message ? `; ${lastLoss.message}` : ''}); the pending work failed with ${base}`;
  return base;
}

async function acquire(): Promise<GpuAvailability> {
  let create: (options: string[]) => GPU;
  try {
    ({ create } = (await import('webgpu')) as { create: (options: string[]) => GPU });
  } catch (err) {
    return { ok: false, reason: `the webgpu package (Dawn) could not be loaded: ${(err as Error).message}` };
  }
  let adapter: GPUAdapter | null;
  try {
    gpuHandle = create([]);
    adapter = await gpuHandle.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { ok: false, reason: `WebGPU adapter request failed: ${(err as Error).message}; ${INSTALL_HINT}` };
  }
  if (!adapter) return { ok: false, reason: `no WebGPU adapter found; ${INSTALL_HINT}` };
  const a = adapter.limits;
  const wanted = {
    maxStorageBufferBindingSize: a.maxStorageBufferBindingSize,
    maxBufferSize: a.maxBufferSize,
    maxStorageBuffersPerShaderStage: a.maxStorageBuffersPerShaderStage,
    maxComputeWorkgroupStorageSize: a.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: a.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: a.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupSizeY: a.maxComputeWorkgroupSizeY,
  };
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits: wanted });
  } catch (err) {
    return { ok: false, reason: `WebGPU device request failed: ${(err as Error).message}` };
  }
  const l = device.limits;
  const limits: GpuLimits = {
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxBufferSize: l.maxBufferSize,
    maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    minStorageBufferOffsetAlignment: l.minStorageBufferOffsetAlignment,
    minUniformBufferOffsetAlignment: l.minUniformBufferOffsetAlignment,
  };
  const info = describeAdapter(adapter.info);
  return { ok: true, gpu: { device, adapter, info, limits } };
}

/**
 * Destroys the shared device and drops the reference to Dawn so that Node can exit (Dawn keeps the
 * process alive while the object returned by `create` is reachable). A later {@link requestGpu}
 * creates a fresh device.
 */
export async function releaseGpu(): Promise<void> {
  const c = cached;
  cached = null;
  lastLoss = null;
  if (c) {
    const a = await c;
    if (a.ok) a.gpu.device.destroy();
  }
  gpuHandle = null;
}

/** What a probe of the adapter found, in a child process ({@link probeAdapter}). */
export type AdapterProbe = { readonly ok: true; readonly info: AdapterDescription; readonly messages: readonly string[] } | { readonly ok: false; readonly reason: string; readonly messages: readonly string[] };

// Runs in a child: loads Dawn, asks for an adapter, prints its info as one JSON line on stdout.
const PROBE_SCRIPT = `
const { create } = await import(process.argv[1]);
const gpu = create([]);
const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
const i = a ? a.info : null;
process.stdout.write(JSON.stringify(i ? { ok: true, info: { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: i.isFallbackAdapter === true || a.isFallbackAdapter === true } } : { ok: false }) + '\\n');
process.exit(0);
`;

let probed: Promise<AdapterProbe> | null = null;

/**
 * Asks Dawn for an adapter in a child process and returns its description, with what Dawn's
 * native code printed on stderr while loading (e.g. "Warning: Couldn't load Vulkan ..." on a
 * machine without a driver, or limit notices on lavapipe). Those lines come from C++ straight to
 * file descriptor 2, which Node cannot filter in-process; probing in a child keeps them out of
 * normal output (`doctor` and `--verbose` show them, {@link dawnLoaderMessages}). Cached.
 */
export function probeAdapter(): Promise<AdapterProbe> {
  probed ??= (async () => {
    const { spawn } = await import('node:child_process');
    const { createRequire } = await import('node:module');
    const { pathToFileURL } = await import('node:url');
    let entry: string;
    try {
      entry = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
    } catch (err) {
      return { ok: false, reason: `the webgpu package (Dawn) could not be found: ${(err as Error).message}`, messages: [] };
    }
    return new Promise<AdapterProbe>((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', PROBE_SCRIPT, entry], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('error', (e) => {
        clearTimeout(timer);
        resolve({ ok: false, reason: `the WebGPU probe could not start: ${e.message}`, messages: [] });
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        const messages = err.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '');
        const line = out.trim().split('\n').pop() ?? '';
        type Reply = { ok: boolean; info?: Parameters<typeof describeAdapter>[0] } | null;
        let parsed: Reply;
        try {
          parsed = JSON.parse(line) as Reply;
        } catch {
          parsed = null;
        }
        if (parsed?.ok && parsed.info) resolve({ ok: true, info: describeAdapter(parsed.info), messages });
        else if (parsed) resolve({ ok: false, reason: `no WebGPU adapter found; ${INSTALL_HINT}`, messages });
        else resolve({ ok: false, reason: `the WebGPU probe failed (${signal ?? `exit ${code}`}): ${messages.at(-1) ?? 'no output'}; ${INSTALL_HINT}`, messages });
      });
    });
  })();
  return probed;
}

/** What Dawn printed while loading in the last adapter probe ({@link probeAdapter}); [] before one. */
export async function dawnLoaderMessages(): Promise<readonly string[]> {
  return probed ? (await probed).messages : [];
}

/**
 * Whether the `auto` engine should run on WebGPU: only when an adapter exists and it is a real GPU.
 * Returns the decision and the reason in words (for logs and `--engine auto` reports). The adapter
 * is probed in a child process ({@link probeAdapter}), so on a machine where `auto` picks the CPU
 * Dawn is never loaded in this process and its loader warnings stay out of the output.
 */
export async function autoEngineChoice(): Promise<{ readonly engine: 'webgpu' | 'cpu'; readonly reason: string }> {
  const g = await probeAdapter();
  if (!g.ok) return { engine: 'cpu', reason: g.reason };
  if (g.info.software) return { engine: 'cpu', reason: `the WebGPU adapter is a software renderer (${g.info.name}); the CPU engine is faster and float64` };
  return { engine: 'webgpu', reason: g.info.name };
}

/**
 * Device memory in bytes, where it can be known: for software adapters the host's RAM (lavapipe
 * allocates there); for NVIDIA adapters `nvidia-smi --query-gpu=memory.total` when the tool is
 * present. WebGPU itself does not expose the size, so other adapters give undefined (the engine
 * then relies on WebGPU's out-of-memory errors, still before anything runs).
 * SIGNCHECK_GPU_MEMORY_BYTES overrides the detection.
 */
export async function deviceMemoryBytes(info: AdapterDescription): Promise<number | undefined> {
  const env = process.env.SIGNCHECK_GPU_MEMORY_BYTES;
  if (env && Number.isFinite(Number(env)) && Number(env) > 0) return Number(env);
  if (info.software) {
    const os = await import('node:os');
    return os.totalmem();
  }
  if (/nvidia/i.test(`${info.vendor} ${info.description}`)) {
    try {
      const { execFileSync } = await import('node:child_process');
      const out = execFileSync('nvidia-smi', ['--query-gpu=memory.total', '--format=csv,noheader,nounits'], { timeout: 5000, encoding: 'utf8' });
      const mib = Number(out.trim().split('\n')[0]);
      if (Number.isFinite(mib) && mib > 0) return mib * 1024 * 1024;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
