import { seedExperiments } from '../../experiments/seeds/index.ts';
import { runJobHere } from './runner.ts';
import type { ExperimentJob, ExperimentProfile } from './types.ts';

/** Child-process side of the seed-experiment pool (src/experiments/runner.ts): runs one job per message. */
process.on('message', (msg: { experiment: string; profile: ExperimentProfile; job: ExperimentJob }) => {
  try {
    const exp = seedExperiments.get(msg.experiment);
    process.send!({ ok: true, result: runJobHere(exp, msg.job, msg.profile) });
  } catch (err) {
    process.send!({ ok: false, message: (err as Error).message, name: (err as Error).name });
  }
});
