/**
 * The declaration contract of every registered seed experiment (experiments/seeds/index.ts), checked
 * for each entry of `seedExperiments.all()`: what the runner (src/experiments/runner.ts), its child
 * processes and the report rely on.
 *
 * - the text fields the report prints are filled;
 * - per profile, the seeds are distinct 32-bit integers, the jobs are a deterministic list with
 *   unique keys, each on one of the profile's seeds with number or string params, and the settings
 *   survive a JSON round trip (they are written to the results file);
 * - the experiment is listed in CATALOGUE_SEED_EXPERIMENTS, which lists the registered ones in
 *   registry order and every id once.
 * Running the jobs and analysing the results is left to each experiment's own test (tiny profile).
 */
import { describe, expect, it } from 'vitest';
import { EXPERIMENT_PROFILES } from '../../src/experiments/types.ts';
import { CATALOGUE_SEED_EXPERIMENTS, seedExperiments } from './index.ts';

describe.each(seedExperiments.all().map((e) => [e.id, e] as const))('seed experiment declaration %s', (_id, e) => {
  it('fills the fields the report prints', () => {
    for (const [field, value] of Object.entries({ summary: e.summary, title: e.title, source: e.source, claim: e.claim, setup: e.setup, seedScheme: e.seedScheme })) {
      expect(value.trim().length, field).toBeGreaterThan(0);
    }
  });

  it.each(EXPERIMENT_PROFILES)('%s profile: distinct seeds, deterministic jobs with unique keys on those seeds, JSON settings', (profile) => {
    const seeds = e.seeds(profile);
    expect(seeds.length).toBeGreaterThan(0);
    expect(new Set(seeds).size).toBe(seeds.length);
    for (const s of seeds) expect(s >>> 0, `seed ${s}`).toBe(s);
    const jobs = e.jobs(profile);
    expect(jobs.length).toBeGreaterThan(0);
    expect(e.jobs(profile)).toEqual(jobs);
    expect(new Set(jobs.map((j) => j.key)).size).toBe(jobs.length);
    const seedSet = new Set(seeds);
    for (const j of jobs) {
      expect(seedSet.has(j.seed), `job ${j.key} runs on a seed of the profile`).toBe(true);
      expect(j.method.length).toBeGreaterThan(0);
      for (const [k, v] of Object.entries(j.params)) expect(['number', 'string'], `job ${j.key} param ${k}`).toContain(typeof v);
    }
    const settings = e.settings(profile);
    expect(JSON.parse(JSON.stringify(settings))).toEqual(settings);
  });
});

describe('seed experiment catalogue', () => {
  it('lists every id once and every registered experiment, in registry order', () => {
    const ids = CATALOGUE_SEED_EXPERIMENTS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CATALOGUE_SEED_EXPERIMENTS) expect(c.setup.trim().length, c.id).toBeGreaterThan(0);
    expect(ids.filter((id) => seedExperiments.has(id))).toEqual(seedExperiments.ids());
  });
});
