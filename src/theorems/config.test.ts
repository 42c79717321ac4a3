import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import type { SweepCell } from './types.ts';
import { applyOverride, overrideModification, parseSweepConfig } from './config.ts';

const known = ['signum-separable', 'signum-l2'];

describe('sweep configuration files', () => {
  it('accepts a valid YAML and JSON config', () => {
    const y = parseSweepConfig('profile: full\ntheorems:\n  signum-separable:\n    replicas: 64\n    T: [1024]\n    hyper: { lr: "0.1 * T^(-3/4)" }\n', 'c.yaml', known);
    expect(y.theorems?.['signum-separable']?.replicas).toBe(64);
    const j = parseSweepConfig('{"engine": "cpu", "only": ["signum-l2"]}', 'c.json', known);
    expect(j.engine).toBe('cpu');
  });

  it.each([
    ['profile: medium\n', /config c.yaml: profile/],
    ['theorems:\n  signum-separable:\n    replicas: 1\n', /theorems\.signum-separable\.replicas.*>=2/],
    ['theorems:\n  signum-separable:\n    replica: 8\n', /theorems\.signum-separable\.replica\b/],
    ['theorems:\n  no-such-theorem: {}\n', /theorems\.no-such-theorem: is not a theorem/],
    ['theorems:\n  signum-separable:\n    T: ["big"]\n', /theorems\.signum-separable\.T\[0\]/],
    ['bogus: 1\n', /config c.yaml: bogus/],
    ['a: [\n', /must be valid JSON or YAML/],
  ])('rejects %j with the path of the offending key', (text, re) => {
    expect(() => parseSweepConfig(text, 'c.yaml', known)).toThrow(UserInputError);
    expect(() => parseSweepConfig(text, 'c.yaml', known)).toThrow(re);
  });

  it('never throws anything but a UserInputError on random input (fuzzed)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ theorems: { 'signum-separable': v } }))), (text) => {
        try {
          parseSweepConfig(text, 'fuzz.json', known);
        } catch (err) {
          expect(err).toBeInstanceOf(UserInputError);
        }
      }),
      { numRuns: 500, seed: 3 },
    );
  });

  it('applies overrides and filters only within the declared grid', () => {
    const cell = (T: number): SweepCell => ({
      recipe: { algorithm: 'signum', hyper: { lr: 0.1 }, problem: { family: 'separable-quadratic', params: { d: 4 } }, noise: { model: 'gaussian', sigma: 1 }, T, workers: 1, replicas: 8, seed: 1 },
      params: {},
    });
    const cells = [cell(16), cell(64)];
    const out = applyOverride('x', cells, { T: [64], replicas: 4, hyper: { beta: 0.5 }, sigma: 2 });
    expect(out).toHaveLength(1);
    expect(out[0].recipe).toMatchObject({ T: 64, replicas: 4, hyper: { lr: 0.1, beta: 0.5 }, noise: { sigma: 2 } });
    expect(() => applyOverride('x', cells, { T: [32] })).toThrow(/declared grid \{16, 64\}/);
  });

  it('refuses a sigma for a sweep without noise, and names what an override changes about the run', () => {
    const exact: SweepCell = { recipe: { algorithm: 'signsgd', hyper: { lr: 0.1 }, problem: { family: 'separable-quadratic', params: { d: 4 } }, noise: null, T: 16, workers: 1, replicas: 2, seed: 1 }, params: {} };
    expect(() => applyOverride('det', [exact], { sigma: 0.1 })).toThrow(/config theorems\.det\.sigma: needs a sweep with noise/);
    expect(overrideModification({ hyper: { lr: 'T^(-1/2)' }, sigma: 2 })).toBe('hyper lr = T^(-1/2), sigma = 2');
    expect(overrideModification({ seed: 3 })).toBe('seed = 3');
    expect(overrideModification({ T: [64], replicas: 4 })).toBeNull();
    expect(overrideModification(undefined)).toBeNull();
  });
});
