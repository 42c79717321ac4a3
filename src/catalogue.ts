/**
 * The shape of a catalogue: the lemmas, rate theorems and seed experiments that the command line,
 * the reports and the experiment worker processes work on. Nothing under src/ builds one: the
 * built-in catalogue (catalogue.ts at the repository root, over lemmas/ and experiments/) or a
 * user's is handed in from the outside, so the library never depends on a particular catalogue.
 */
import type { Registry } from './core/registry.ts';
import type { SeedExperiment } from './experiments/types.ts';
import type { Lemma } from './lemmas/types.ts';
import type { RateTheorem } from './theorems/types.ts';

/** A seed experiment a catalogue plans, listed in the report as pending until it is declared and run. */
export interface PlannedSeedExperiment {
  readonly id: string;
  readonly setup: string;
}

/** Lemmas, rate theorems and seed experiments, each in its registry (module doc). */
export interface Catalogue {
  readonly lemmas: Registry<Lemma>;
  readonly theorems: Registry<RateTheorem>;
  readonly seedExperiments: Registry<SeedExperiment>;
  /** Seed experiments the catalogue lists; those without a declaration or results appear as pending. */
  readonly plannedSeedExperiments: readonly PlannedSeedExperiment[];
  /**
   * URL of a module that exports the same registry as `seedExperiments` under that name: the
   * experiment worker processes import it to find each experiment by id.
   */
  readonly seedExperimentsModule: string;
  /**
   * URL of a module that exports the same registry as `theorems` under that name: the sweep's
   * worker processes (src/theorems/pool.ts) import it to find each theorem by id.
   */
  readonly theoremsModule: string;
}
