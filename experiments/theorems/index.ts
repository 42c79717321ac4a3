import { Registry } from '../../src/core/registry.ts';
import type { RateTheorem } from '../../src/theorems/types.ts';
import { aliasDeterministic } from './alias-deterministic.ts';
import { aliasStochastic } from './alias-stochastic.ts';
import { mSignsgdHeavyTails } from './m-signsgd-heavy-tails.ts';
import { minibatchSignsgdHeavyTails } from './minibatch-signsgd-heavy-tails.ts';
import { mvsmV1Floor } from './mvsm-v1-floor.ts';
import { mvsmV1LrRate } from './mvsm-v1-lr.ts';
import { mvsmV1Rate } from './mvsm-v1.ts';
import { mvsmV2Rate } from './mvsm-v2.ts';
import { signsgdBatch1Biased } from './signsgd-batch1-biased.ts';
import { signsgdBeatsSgdSparseNoise } from './signsgd-beats-sgd-sparse-noise.ts';
import { signsgdDeterministic } from './signsgd-deterministic.ts';
import { signsgdNonsmooth } from './signsgd-nonsmooth.ts';
import { signumL2 } from './signum-l2.ts';
import { signumSeparable } from './signum-separable.ts';

/**
 * Every rate theorem and negative result signcheck checks (THEORY.md), one declaration per file
 * `experiments/theorems/<id>.ts`. The order of registration is the order of the reports.
 */
export const theorems = new Registry<RateTheorem>('theorem');

for (const th of [
  signumSeparable,
  signumL2,
  signsgdDeterministic,
  signsgdBatch1Biased,
  minibatchSignsgdHeavyTails,
  mSignsgdHeavyTails,
  signsgdBeatsSgdSparseNoise,
  mvsmV1Rate,
  mvsmV1LrRate,
  mvsmV2Rate,
  mvsmV1Floor,
  aliasDeterministic,
  aliasStochastic,
  signsgdNonsmooth,
]) {
  theorems.register(th);
}
