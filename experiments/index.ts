import { Registry } from '../src/core/registry.ts';
import type { RateTheorem } from '../src/theorems/types.ts';
import { signsgdBatch1Biased } from './signsgd-batch1-biased.ts';
import { signsgdDeterministic } from './signsgd-deterministic.ts';
import { signumL2 } from './signum-l2.ts';
import { signumSeparable } from './signum-separable.ts';

/** Every rate theorem and negative result signcheck checks (THEORY.md). */
export const theorems = new Registry<RateTheorem>('theorem');

for (const th of [signumSeparable, signumL2, signsgdDeterministic, signsgdBatch1Biased]) theorems.register(th);
