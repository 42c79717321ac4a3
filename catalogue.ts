/**
 * The built-in catalogue: the lemmas of lemmas/, the rate theorems of experiments/theorems/ and the
 * seed experiments of experiments/seeds/. The command line (bin/signcheck.mjs) hands it to src/cli;
 * nothing under src/ imports it.
 */
import type { Catalogue } from './src/catalogue.ts';
import { theorems } from './experiments/theorems/index.ts';
import { CATALOGUE_SEED_EXPERIMENTS, seedExperiments } from './experiments/seeds/index.ts';
import { lemmas } from './lemmas/index.ts';

export const builtinCatalogue: Catalogue = {
  lemmas,
  theorems,
  seedExperiments,
  plannedSeedExperiments: CATALOGUE_SEED_EXPERIMENTS,
  seedExperimentsModule: new URL('./experiments/seeds/index.ts', import.meta.url).href,
  theoremsModule: new URL('./experiments/theorems/index.ts', import.meta.url).href,
};
