/**
 * The engine a theorem's cells run on. `cpu` and `webgpu` are explicit; `auto` takes webgpu when a
 * hardware GPU adapter is present and every cell of the theorem is supported there (algorithm,
 * problem, noise), else the CPU engine. The choice is made per theorem, so one results file holds
 * one engine.
 */
import { UserInputError } from '../core/errors.ts';
import { specFromRecipe } from '../engine/recipe.ts';
import { cpuRun, type EngineName, type EngineRun } from './runner.ts';
import type { ProfileName, RateTheorem, SweepCell } from './types.ts';

/** What `--engine` accepts. */
export const ENGINE_CHOICES = ['auto', 'cpu', 'webgpu'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** Checks an `--engine` value (exit 2 with the rule otherwise). */
export function requireEngineChoice(name: string): EngineChoice {
  if (!(ENGINE_CHOICES as readonly string[]).includes(name)) throw new UserInputError('--engine', `must be one of ${ENGINE_CHOICES.join(', ')}`, `got "${name}"`);
  return name as EngineChoice;
}

/** The engine chosen for a theorem, the function that runs its cells, and why it was chosen. */
export interface EngineSelection {
  readonly engine: EngineName;
  readonly run: EngineRun;
  readonly why: string;
}

/** Why the WebGPU engine cannot run some of these cells (empty when it can run all of them). */
async function webgpuRefusals(cells: readonly SweepCell[]): Promise<string[]> {
  const gpu = await import('../gpu/index.ts');
  return cells
    .map((c) => {
      const spec = specFromRecipe(c.recipe);
      const sup = gpu.gpuSupport(spec.algorithm, gpu.problemShapeOf(spec.problem));
      const noiseOk = !spec.noise || (gpu.WGSL_NOISE_IDS as readonly string[]).includes(spec.noise.model.id);
      return [...sup.reasons, ...(noiseOk ? [] : [`noise ${spec.noise!.model.id} has no WGSL transform yet`])];
    })
    .flat();
}

/** Chooses the engine for one theorem's cells in a profile (rules in the module doc). */
export async function selectEngine(choice: string, th: RateTheorem, profile: ProfileName): Promise<EngineSelection> {
  const name = requireEngineChoice(choice);
  if (name === 'cpu') return { engine: 'cpu', run: cpuRun, why: 'requested' };
  const gpu = await import('../gpu/index.ts');
  if (name === 'webgpu') {
    const unsupported = await webgpuRefusals(th.cells(profile));
    if (unsupported.length) throw new UserInputError('--engine webgpu', `cannot run ${th.id}: ${[...new Set(unsupported)].join('; ')}`);
    const g = await gpu.requestGpu();
    if (!g.ok) throw new UserInputError('--engine webgpu', 'needs a WebGPU adapter', g.reason);
    return { engine: 'webgpu', run: (spec) => gpu.runWebGpu(spec), why: g.gpu.info.name };
  }
  // auto: without a hardware adapter the cells are not needed here (building some runs a tuning search)
  const auto = await gpu.autoEngineChoice();
  if (auto.engine === 'cpu') return { engine: 'cpu', run: cpuRun, why: auto.reason };
  const unsupported = await webgpuRefusals(th.cells(profile));
  if (unsupported.length) return { engine: 'cpu', run: cpuRun, why: `webgpu cannot run every cell: ${[...new Set(unsupported)][0]}` };
  return { engine: 'webgpu', run: (spec) => gpu.runWebGpu(spec), why: auto.reason };
}

/**
 * The message of a device fault (lost device, out of memory) during a WebGPU sweep: finished cells
 * are on disk, and the error says how to continue.
 */
export async function gpuFaultError(err: unknown, theoremId: string, file: string): Promise<UserInputError> {
  const what = await (await import('../gpu/index.ts')).describeGpuFailure(err);
  return new UserInputError(
    'webgpu',
    `the GPU failed during ${theoremId} (${what}); every finished cell is kept in ${file}`,
    'rerun with --resume to continue on the GPU, or with --resume --engine cpu to run the remaining cells on the CPU (a separate series: the engine is part of each cell)',
  );
}
