import type { AlgorithmDef } from '../algorithms/program.ts';

/**
 * Whether a program's division guards max(a, c) with 0 < c < 2^-126 (the `max(s, 1e-300)` of ALIAS,
 * D-Adaptation, Prodigy, normalized SGD, MoMo and the running-max variants) run on the WebGPU engine
 * in their float32 form c = 2^-126 (codegen.ts, f32GuardLiterals). Where this returns false, gpuSupport
 * refuses the program because its literal is not a float32 number.
 *
 * Worker-scope programs: yes. Server-scope programs: not yet (see src/gpu/README.md, float32 section).
 */
export function guardsInFloat32Form(_def: AlgorithmDef, workerOps: boolean): boolean {
  return workerOps;
}
