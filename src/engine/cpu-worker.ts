import { runCpu } from './cpu.ts';
import { specFromRecipe, type RunRecipe } from './recipe.ts';

/** Child-process side of {@link runCpuParallel}: runs replicas [start, end) of a recipe. */
process.on('message', (msg: { recipe: RunRecipe; start: number; end: number; fused?: boolean }) => {
  try {
    const res = runCpu(specFromRecipe(msg.recipe), { replicaRange: [msg.start, msg.end], fused: msg.fused });
    process.send!({ ok: true, res });
  } catch (err) {
    process.send!({ ok: false, message: (err as Error).message, name: (err as Error).name });
  }
});
