import { Registry } from '../core/registry.ts';
import { checkProgram, type AlgorithmDef } from './program.ts';
import { minibatchSignSgd, sgd, sgdMomentum, signSgd, signum } from './single.ts';
import { distributedAlgorithms } from './distributed.ts';
import { aliasAlgorithms } from './alias.ts';
import { baselineAlgorithms } from './baselines.ts';

/** Every algorithm signcheck knows; property contracts, engines and experiments iterate over it. */
export const algorithms = new Registry<AlgorithmDef>('algorithm');

/** Adds an algorithm after checking its step program (names, scopes, expressions). */
export function registerAlgorithm(def: AlgorithmDef): AlgorithmDef {
  checkProgram(def.id, def.program);
  return algorithms.register(def);
}

for (const def of [sgd, sgdMomentum, signSgd, minibatchSignSgd, signum]) registerAlgorithm(def);
for (const def of distributedAlgorithms) registerAlgorithm(def);
for (const def of aliasAlgorithms) registerAlgorithm(def);
for (const def of baselineAlgorithms) registerAlgorithm(def);

export * from './program.ts';
export * from './schedules.ts';
