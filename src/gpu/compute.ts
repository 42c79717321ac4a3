/// <reference types="@webgpu/types" />
import { BufferUsage, MapMode, type GpuContext } from './device.ts';

/**
 * Small WebGPU helpers shared by the engine, the tests and the benchmark: buffer creation and
 * readback, cached compute pipelines with compilation errors turned into exceptions that show the
 * offending WGSL line, and error scopes.
 */

/** Byte length rounded up to a multiple of 4 (WebGPU copies and writes need 4-byte sizes). */
export function align4(bytes: number): number {
  return Math.ceil(bytes / 4) * 4;
}

/** Rounds `v` up to a multiple of `m`. */
export function roundUp(v: number, m: number): number {
  return Math.ceil(v / m) * m;
}

/** A storage buffer (COPY_SRC | COPY_DST | STORAGE) holding `data`, or zero-filled `bytes`. */
export function storageBuffer(gpu: GpuContext, data: ArrayBufferView | number, label?: string, extraUsage = 0): GPUBuffer {
  const bytes = typeof data === 'number' ? data : data.byteLength;
  const buffer = gpu.device.createBuffer({
    label,
    size: Math.max(16, align4(bytes)),
    usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST | extraUsage,
  });
  if (typeof data !== 'number' && data.byteLength > 0) writeBuffer(gpu, buffer, 0, data);
  return buffer;
}

/** queue.writeBuffer of any typed array (length padded to 4 bytes by copying when needed). */
export function writeBuffer(gpu: GpuContext, buffer: GPUBuffer, offset: number, data: ArrayBufferView): void {
  let view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (view.byteLength % 4 !== 0) {
    const padded = new Uint8Array(align4(view.byteLength));
    padded.set(view);
    view = padded;
  }
  gpu.device.queue.writeBuffer(buffer, offset, view.buffer, view.byteOffset, view.byteLength);
}

/** Copies `bytes` from `src` at `offset` to a staging buffer, waits, and returns the bytes. */
export async function readBuffer(gpu: GpuContext, src: GPUBuffer, offset = 0, bytes = src.size - offset): Promise<ArrayBuffer> {
  const size = align4(bytes);
  const staging = gpu.device.createBuffer({ size, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
  try {
    const enc = gpu.device.createCommandEncoder();
    enc.copyBufferToBuffer(src, offset, staging, 0, size);
    gpu.device.queue.submit([enc.finish()]);
    await staging.mapAsync(MapMode.READ);
    return staging.getMappedRange().slice(0, bytes);
  } finally {
    staging.destroy();
  }
}

/** Thrown when WGSL fails to compile: the message carries the compiler's lines and the source. */
export class WgslCompileError extends Error {
  constructor(message: string, readonly source: string) {
    super(message);
    this.name = 'WgslCompileError';
  }
}

/** One binding of an explicit bind group layout (binding numbers are the array positions). */
export type BindingKind = 'uniform' | 'storage' | 'read-only-storage' | 'read-only-storage-dynamic';

/** A compiled pipeline and the layout of its bind group 0. */
export interface Kernel {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

const COMPUTE_STAGE = 0x4;

/**
 * A compute pipeline for `source` / `entryPoint`, cached per device. With `bindings`, group 0 gets
 * an explicit layout (needed for dynamic offsets); without, WebGPU's automatic layout. Compilation
 * errors are raised as {@link WgslCompileError} with the failing lines.
 */
export async function computePipeline(gpu: GpuContext, source: string, entryPoint = 'main', bindings?: readonly BindingKind[]): Promise<Kernel> {
  const key = `${entryPoint}\u0000${bindings?.join(',') ?? 'auto'}\u0000${source}`;
  const hit = kernelCache.get(gpu)?.get(key);
  if (hit) return hit;
  const device = gpu.device;
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code: source });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) {
    await device.popErrorScope();
    const lines = source.split('\n');
    const text = errors.map((m) => `line ${m.lineNum}:${m.linePos}: ${m.message}\n    ${lines[m.lineNum - 1] ?? ''}`).join('\n');
    throw new WgslCompileError(`WGSL compilation failed (${entryPoint}):\n${text}`, source);
  }
  let kernel: Kernel;
  try {
    if (bindings) {
      const layout = device.createBindGroupLayout({
        entries: bindings.map((kind, binding) => ({
          binding,
          visibility: COMPUTE_STAGE,
          buffer:
            kind === 'uniform'
              ? { type: 'uniform' as const }
              : kind === 'storage'
                ? { type: 'storage' as const }
                : { type: 'read-only-storage' as const, hasDynamicOffset: kind === 'read-only-storage-dynamic' },
        })),
      });
      const pipeline = await device.createComputePipelineAsync({
        layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint },
      });
      kernel = { pipeline, layout };
    } else {
      const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint } });
      kernel = { pipeline, layout: pipeline.getBindGroupLayout(0) };
    }
  } finally {
    const err = await device.popErrorScope();
    if (err) throw new WgslCompileError(`compute pipeline creation failed (${entryPoint}): ${err.message}`, source);
  }
  let perDevice = kernelCache.get(gpu);
  if (!perDevice) kernelCache.set(gpu, (perDevice = new Map()));
  perDevice.set(key, kernel);
  return kernel;
}

const kernelCache = new WeakMap<GpuContext, Map<string, Kernel>>();

/**
 * Runs `fn` inside WebGPU error scopes for out-of-memory and validation errors and throws the first
 * error reported (as an Error with WebGPU's message), after `fn` finished.
 */
export async function withErrorScopes<T>(gpu: GpuContext, fn: () => T | Promise<T>): Promise<T> {
  const device = gpu.device;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T;
  try {
    result = await fn();
  } finally {
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    if (oom) throw new GpuOutOfMemory(oom.message);
    if (validation) throw new Error(`WebGPU validation error: ${validation.message}`);
  }
  return result;
}

/** WebGPU reported an out-of-memory error for an allocation. */
export class GpuOutOfMemory extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuOutOfMemory';
  }
}

/**
 * One-shot kernel run for tests and tools: binds `buffers` at @group(0) @binding(i) in order,
 * dispatches `workgroups`, and waits for completion.
 */
export async function runOnce(gpu: GpuContext, source: string, buffers: GPUBuffer[], workgroups: [number, number?, number?], entryPoint = 'main'): Promise<void> {
  const { pipeline, layout } = await computePipeline(gpu, source, entryPoint);
  await withErrorScopes(gpu, () => {
    const bind = gpu.device.createBindGroup({
      layout,
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const enc = gpu.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
    pass.end();
    gpu.device.queue.submit([enc.finish()]);
  });
  await gpu.device.queue.onSubmittedWorkDone();
}
