import { defineConfig } from 'vitest/config';

/**
 * The suites StrykerJS runs against each mutant (`npm run mutate -- <module>`, scripts/mutate.ts).
 *
 * One module is mutated at a time and only the suites that check that module run: with every suite
 * included, each Philox mutant was covered by nearly every test (everything draws random numbers)
 * and cost about 2 minutes; with the module's own suites it costs seconds. A mutant only the wider
 * suites would notice is reported as surviving — the score is a lower bound for the whole suite.
 * The statistical property suites (properties/noise-moments, properties/problem-constants) are left
 * out for the same reason: each of their tests draws 1e5-1e6 samples or hundreds of instances, and
 * with them the noise module alone was estimated at ~60 h on 2 cores (1162 mutants).
 * The tfjs and GPU suites are never included: Stryker's vitest runner uses worker threads, under
 * which the tfjs backend and Dawn do not initialise.
 *
 * The module comes from SIGNCHECK_MUTATE_MODULE (rng | noise | problems | algorithms); unset, the
 * union of all four selections is used.
 */
export const MUTATION_SUITES: Record<string, string[]> = {
  rng: ['src/rng/**/*.test.ts', 'src/noise/gaussian.test.ts', 'src/engine/fused-cpu.test.ts'],
  noise: ['src/noise/**/*.test.ts'],
  problems: ['src/problems/**/*.test.ts'],
  algorithms: ['src/algorithms/**/*.test.ts', 'src/engine/cpu.test.ts', 'src/engine/bits.test.ts', 'src/engine/cpu-ir-extensions.test.ts'],
};

const module = process.env.SIGNCHECK_MUTATE_MODULE;
if (module !== undefined && !(module in MUTATION_SUITES)) {
  throw new Error(`SIGNCHECK_MUTATE_MODULE: must be one of ${Object.keys(MUTATION_SUITES).join(', ')} (got "${module}")`);
}

export default defineConfig({
  test: {
    include: module ? MUTATION_SUITES[module] : [...new Set(Object.values(MUTATION_SUITES).flat())],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
