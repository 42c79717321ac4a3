import { Registry } from '../src/core/registry.ts';
import type { RateTheorem } from '../src/theorems/types.ts';
import { signumSeparable } from './signum-separable.ts';

/** Every rate theorem and negative result signcheck checks (THEORY.md). */
export const theorems = new Registry<RateTheorem>('theorem');

for (const th of [signumSeparable]) theorems.register(th);
