import { Registry } from '../../src/core/registry.ts';
import type { SeedExperiment } from '../../src/experiments/types.ts';
import { aliasCosine } from './alias-cosine.ts';
import { aliasVsTuned } from './alias-vs-tuned.ts';
import { illConditionedToy } from './ill-conditioned-toy.ts';
import { mushroomTable1 } from './mushroom-table1.ts';
import { mvsmDistributed } from './mvsm-distributed.ts';
import { sparseNoiseToy } from './sparse-noise-toy.ts';

/**
 * Every seed experiment signcheck reproduces (THEORY.md, "Seed experiments"), one declaration per
 * file `experiments/seeds/<id>.ts`, registered in report order.
 */
export const seedExperiments = new Registry<SeedExperiment>('seed experiment');

for (const e of [mushroomTable1, sparseNoiseToy, illConditionedToy, aliasVsTuned, aliasCosine, mvsmDistributed]) seedExperiments.register(e);

/**
 * The seed experiments of THEORY.md's catalogue, in report order; any not registered in
 * {@link seedExperiments} is listed in the report as pending, so nothing in the catalogue is
 * silently missing.
 */
export const CATALOGUE_SEED_EXPERIMENTS: readonly { readonly id: string; readonly setup: string }[] = [
  { id: 'mushroom-table1', setup: 'P0 Table 1: logistic regression on Mushroom under alpha-stable noise' },
  { id: 'sparse-noise-toy', setup: "P3's sparse-noise toy" },
  { id: 'ill-conditioned-toy', setup: "P3's ill-conditioned toy" },
  { id: 'alias-vs-tuned', setup: 'ALIAS (no tuning) vs SignSGD tuned over a grid (P4)' },
  { id: 'alias-cosine', setup: 'ALIAS with momentum: effective step size tracks a cosine schedule (P4)' },
  { id: 'mvsm-distributed', setup: 'heterogeneous workers: MVSM vs signSGD-MV, Signum-MV, Sto-signSGD, MV-sto-signSGD-SIM (P1)' },
];
