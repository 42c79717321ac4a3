import type { Registry } from '../core/registry.ts';
import { runJobHere } from './runner.ts';
import type { ExperimentJob, ExperimentProfile, SeedExperiment } from './types.ts';

/**
 * Child-process side of the seed-experiment pool (./runner.ts): runs one job per message. The
 * experiment is looked up by id in the registry that the message's module exports as
 * `seedExperiments` (imported once per module).
 */
const registries = new Map<string, Promise<Registry<SeedExperiment>>>();

process.on('message', async (msg: { registryModule: string; experiment: string; profile: ExperimentProfile; job: ExperimentJob }) => {
  try {
    let registry = registries.get(msg.registryModule);
    if (!registry) registries.set(msg.registryModule, (registry = import(msg.registryModule).then((m: { seedExperiments: Registry<SeedExperiment> }) => m.seedExperiments)));
    const exp = (await registry).get(msg.experiment);
    process.send!({ ok: true, result: runJobHere(exp, msg.job, msg.profile) });
  } catch (err) {
    process.send!({ ok: false, message: (err as Error).message, name: (err as Error).name });
  }
});
