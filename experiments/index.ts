import { Registry } from '../src/core/registry.ts';
import type { RateTheorem } from '../src/theorems/types.ts';
import { aliasTheorems } from './alias-rates.ts';
import { mSignsgdHeavyTails } from './m-signsgd-heavy-tails.ts';
import { minibatchSignsgdHeavyTails } from './minibatch-signsgd-heavy-tails.ts';
import { signsgdBeatsSgdSparseNoise } from './signsgd-beats-sgd-sparse-noise.ts';
import { signsgdBatch1Biased } from './signsgd-batch1-biased.ts';
import { signsgdDeterministic } from './signsgd-deterministic.ts';
import { signumL2 } from './signum-l2.ts';
import { signumSeparable } from './signum-separable.ts';
import { mvsmV1Rate } from './mvsm-v1.ts';
import { mvsmV1LrRate } from './mvsm-v1-lr.ts';
import { mvsmV2Rate } from './mvsm-v2.ts';
import { mvsmV1Floor } from './mvsm-v1-floor.ts';
import { signsgdNonsmooth } from './signsgd-nonsmooth.ts';

/** Every rate theorem and negative result signcheck checks (THEORY.md). */
export const theorems = new Registry<RateTheorem>('theorem');

for (const th of [signumSeparable, signumL2, signsgdDeterministic, signsgdBatch1Biased, minibatchSignsgdHeavyTails, mSignsgdHeavyTails, signsgdBeatsSgdSparseNoise]) theorems.register(th);
for (const th of [mvsmV1Rate, mvsmV1LrRate, mvsmV2Rate, mvsmV1Floor]) theorems.register(th);
for (const th of aliasTheorems) theorems.register(th);
theorems.register(signsgdNonsmooth);
