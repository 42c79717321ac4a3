import { availableParallelism } from 'node:os';
import { TSX_EXEC_ARGV } from '../core/processes.ts';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UserInputError } from '../core/errors.ts';
import { runCpu } from './cpu.ts';
import { specFromRecipe, type RunRecipe } from './recipe.ts';
import type { CommunicationReport, IterateMetrics, RunResult } from './types.ts';

/**
 * Runs a recipe's replicas split over child processes (contiguous ranges, one per core; processes
 * rather than worker threads so that the TypeScript loader applies in each). Every
 * stream is keyed by the global replica index, so the result equals {@link runCpu} on the whole
 * recipe bit for bit (tested); only wall time changes.
 */
export async function runCpuParallel(recipe: RunRecipe, threads = availableParallelism(), options: { fused?: boolean } = {}): Promise<RunResult> {
  const R = recipe.replicas;
  const k = Math.max(1, Math.min(threads, R));
  if (k === 1) return runCpu(specFromRecipe(recipe), options);
  const started = performance.now();
  const bounds = Array.from({ length: k + 1 }, (_, i) => Math.round((i * R) / k));
  const parts = await Promise.all(
    bounds.slice(0, k).map(
      (start, i) =>
        new Promise<RunResult>((resolve, reject) => {
          const w = fork(fileURLToPath(new URL('./cpu-worker.ts', import.meta.url)), [], {
            execArgv: [...TSX_EXEC_ARGV],
            serialization: 'advanced',
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          });
          w.once('message', (m: { ok: boolean; res?: RunResult; message?: string; name?: string }) => {
            w.kill();
            if (m.ok) resolve(m.res!);
            else reject(m.name === 'UserInputError' ? new UserInputError('run', m.message ?? 'invalid input') : new Error(m.message));
          });
          w.once('error', (e) => reject(e));
          w.send({ recipe, start, end: bounds[i + 1], fused: options.fused });
        }),
    ),
  );
  return concatResults(parts, performance.now() - started);
}

function cat(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

function catI(arrays: Int32Array[]): Int32Array {
  const out = new Int32Array(arrays.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

/** Concatenates per-range results in replica order. */
export function concatResults(parts: RunResult[], wallMs: number): RunResult {
  const curve: IterateMetrics[] = parts[0].checkpoints.map((_, c) => ({
    fGap: cat(parts.map((p) => p.curve[c].fGap)),
    g1: cat(parts.map((p) => p.curve[c].g1)),
    g2: cat(parts.map((p) => p.curve[c].g2)),
  }));
  return {
    engine: parts[0].engine,
    path: parts[0].path,
    checkpoints: parts[0].checkpoints,
    curve,
    avgG1: cat(parts.map((p) => p.avgG1)),
    avgG2: cat(parts.map((p) => p.avgG2)),
    tauG1: cat(parts.map((p) => p.tauG1)),
    tau: catI(parts.map((p) => p.tau)),
    divergedAt: catI(parts.map((p) => p.divergedAt)),
    frozen: catI(parts.map((p) => p.frozen)),
    finalX: cat(parts.map((p) => p.finalX)),
    wallMs,
    ...(parts[0].communication ? { communication: concatCommunication(parts.map((p) => p.communication!)) } : {}),
  };
}

/** Concatenates per-range communication reports in replica order. */
function concatCommunication(parts: CommunicationReport[]): CommunicationReport {
  const first = parts[0];
  return {
    packed: first.packed,
    upBits: cat(parts.map((p) => p.upBits)),
    downBits: cat(parts.map((p) => p.downBits)),
    upBitsPerWorkerStep: cat(parts.map((p) => p.upBitsPerWorkerStep)),
    downBitsPerWorkerStep: cat(parts.map((p) => p.downBitsPerWorkerStep)),
    float32UpBitsPerWorkerStep: first.float32UpBitsPerWorkerStep,
    float32DownBitsPerWorkerStep: first.float32DownBitsPerWorkerStep,
    ternaryMessages: cat(parts.map((p) => p.ternaryMessages)),
    boundUse: Object.fromEntries(Object.keys(first.boundUse).map((k) => [k, cat(parts.map((p) => p.boundUse[k]))])),
  };
}
