import { defineConfig } from 'vitest/config';

/**
 * The suites StrykerJS runs against each mutant (`npm run mutate`): everything that exercises the
 * mutated modules (rng, noise, problems, algorithms) through the CPU engine and the lemma and
 * property suites. The tfjs and GPU suites are left out: Stryker's vitest runner uses worker threads,
 * under which the tfjs backend and Dawn do not initialise, and neither covers code Stryker mutates
 * that the CPU suites do not.
 */
export default defineConfig({
  test: {
    include: ['src/{rng,noise,problems,algorithms,engine,lemmas}/**/*.test.ts', 'properties/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
