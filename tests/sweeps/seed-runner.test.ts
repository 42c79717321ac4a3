import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../src/core/errors.ts';
import { experimentResultsFile, readExperimentResults, roundSig, runExperiment, serializeExperimentResults } from '../../src/experiments/runner.ts';
import type { ExperimentResults } from '../../src/experiments/types.ts';
import { builtinCatalogue } from '../../catalogue.ts';
import { seedExperiments } from '../../experiments/seeds/index.ts';

describe('roundSig', () => {
  it('rounds to significant digits and maps non-finite values to null', () => {
    expect(roundSig(123.456789, 4)).toBe(123.5);
    expect(roundSig(-0.000123456, 3)).toBe(-0.000123);
    expect(roundSig(0)).toBe(0);
    expect(roundSig(Number.NaN)).toBeNull();
    expect(roundSig(Infinity)).toBeNull();
  });
});

describe('runExperiment', () => {
  it('gives the same results in one process and in a pool of two (apart from wall times), and round-trips through its file', async () => {
    const exp = seedExperiments.get('sparse-noise-toy');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-exp-'));
    const one = await runExperiment(exp, { profile: 'tiny', processes: 1 });
    const two = await runExperiment(exp, { profile: 'tiny', processes: 2, outDir: dir, registryModule: builtinCatalogue.seedExperimentsModule });
    await expect(runExperiment(exp, { profile: 'tiny', processes: 2 })).rejects.toThrow(/registryModule: must name the module/);
    const strip = (r: ExperimentResults) => ({ ...r, wallMs: 0, date: '', jobs: r.jobs.map((j) => ({ ...j, wallMs: 0 })) });
    expect(strip(two)).toEqual(strip(one));
    expect(one.jobs.map((j) => j.key)).toEqual(exp.jobs('tiny').map((j) => j.key));
    const file = experimentResultsFile(dir, exp.id);
    const back = readExperimentResults(file);
    expect(back).toEqual(two);
    expect(serializeExperimentResults(back)).toBe(fs.readFileSync(file, 'utf8'));
  });

  it('rejects files that are not seed-experiment results, and duplicate job keys', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-exp-'));
    const bad = path.join(dir, 'x.json');
    fs.writeFileSync(bad, JSON.stringify({ schema: 'other' }));
    expect(() => readExperimentResults(bad)).toThrow(UserInputError);
    fs.writeFileSync(bad, '{ not json');
    expect(() => readExperimentResults(bad)).toThrow(/readable JSON/);
    const job = { key: 'a', method: 'm', seed: 0, params: {}, values: {}, curves: {}, checkpoints: [], divergedAt: null, enginePath: 'x', wallMs: 0 };
    const dup = { schema: 'signcheck.seed-experiment/1', experiment: 'e', profile: 'tiny', engine: 'cpu', gitSha: 'g', date: 'd', seedScheme: 's', seeds: [0], settings: {}, wallMs: 0, jobs: [job, job] };
    fs.writeFileSync(bad, JSON.stringify(dup));
    expect(() => readExperimentResults(bad)).toThrow(/unique/);
  });
});
