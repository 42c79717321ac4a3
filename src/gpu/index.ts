/**
 * The WebGPU engine (Dawn through the `webgpu` npm package): the same step programs as the CPU
 * engine, compiled to WGSL, float32, on a real GPU or on Mesa's lavapipe. See src/gpu/README.md.
 */
export { runWebGpu, WebGpuRun, planLayout, metricSumLevels, type WebGpuRunOptions, type GpuLayout, type Chunk } from './engine.ts';
export { requestGpu, releaseGpu, autoEngineChoice, probeAdapter, dawnLoaderMessages, type AdapterProbe, describeGpuFailure, describeAdapter, deviceMemoryBytes, type GpuContext, type GpuAvailability, type AdapterDescription, type GpuLimits } from './device.ts';
export {
  gpuSupport,
  problemShapeOf,
  f32GuardLiterals,
  generateStepKernel,
  generateReduceKernel,
  isFloat32Normal,
  gradientFpartBase,
  GRADIENT_VECTOR,
  GRADIENT_OUT_VECTOR,
  type GpuSupport,
  type GpuPlan,
  type ProblemShape,
  type StepKernel,
  type StateBuffer,
  type DistPlan,
  type DistMessage,
} from './codegen.ts';
export { wgslNoiseFor, NOISE_PRELUDE_WGSL, WGSL_NOISE_IDS, type WgslNoise, type HasWgslNoise } from './noise.wgsl.ts';
export { PHILOX_WGSL } from './philox.wgsl.ts';
export { gradientKernelFor, gradientPassKind, type GradientKernel } from './gradients/index.ts';
