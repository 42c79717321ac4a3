/**
 * Fuzz suite of the command line (fast-check, fixed seeds, a fixed number of inputs): argv built
 * from the flags and values a user might type (good, bad, huge, empty, paths that are files,
 * directories, missing, unwritable), and sweep configurations (valid and invalid keys and
 * values, as JSON, YAML or garbage). For every input:
 * - the exit code is 0, 1 or 2 (never an uncaught error);
 * - an exit 2 prints no stack trace, on one line;
 * - a rejected command (exit 2) leaves an existing results directory byte for byte as it was.
 * Commands that compute are kept small: rate sweeps only of signum-separable through a config
 * with 2 cells of 2 replicas; lemma runs only of one lemma with few runs. The number of inputs is
 * stated in the README (section Reliability); change both together.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { builtinCatalogue } from '../../catalogue.ts';
import { main } from '../../src/cli/main.ts';

/** Inputs per property (README, Reliability). */
export const ARGV_RUNS = 300;
export const CONFIG_RUNS = 150;
/** Exit codes seen, printed at the end (a suite where every input is refused tests little). */
const seen: Record<number, number> = { 0: 0, 1: 0, 2: 0 };

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-fuzz-'));
const results = path.join(root, 'results'); // an existing results directory: rejected commands must not touch it
const reports = path.join(root, 'reports');
const aFile = path.join(root, 'file.txt');
const badJson = path.join(root, 'bad.json');
const goodBaseline = path.join(root, 'baseline.json');
const emptyDir = path.join(root, 'empty');
const tiny = path.join(root, 'tiny.yaml');
let fresh = 0;
const newDir = () => path.join(root, `new-${fresh++}`);

function snapshot(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of fs.readdirSync(d).sort()) {
      const p = path.join(d, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else out.push(`${path.relative(dir, p)}:${fs.readFileSync(p).toString('base64')}`);
    }
  };
  walk(dir);
  return out.join('\n');
}

async function run(argv: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const code = await main(argv, builtinCatalogue);
    return { code, err: err.join('') };
  } catch (e) {
    throw new Error(`uncaught ${e instanceof Error ? (e.stack ?? e.message) : String(e)} for ${JSON.stringify(argv).slice(0, 500)}`);
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}

/** Runs argv and checks the three guarantees. */
async function check(argv: string[]): Promise<number> {
  const before = snapshot(results);
  const { code, err } = await run(argv);
  expect([0, 1, 2], `${JSON.stringify(argv)}: ${err}`).toContain(code);
  seen[code] = (seen[code] ?? 0) + 1;
  if (code === 2) {
    expect(err, JSON.stringify(argv)).not.toMatch(/\n\s+at /);
    expect(err.trim().split('\n').filter((l) => l.startsWith('signcheck: ') && !/took over the stale lock|dawn: /.test(l)).length, err).toBeLessThanOrEqual(1);
    expect(snapshot(results), `a rejected command changed ${results}: ${JSON.stringify(argv)}`).toBe(before);
  }
  return code;
}

beforeAll(async () => {
  fs.writeFileSync(aFile, 'x\n');
  fs.writeFileSync(badJson, '{"x": ');
  fs.writeFileSync(goodBaseline, '{}\n');
  fs.mkdirSync(emptyDir);
  fs.writeFileSync(tiny, 'only: [signum-separable]\ntheorems:\n  signum-separable:\n    replicas: 2\n    T: [1024, 4096]\n');
  const r = await run(['rates', '--config', tiny, '--engine', 'cpu', '--out', results, '--reports', reports]);
  expect([0, 1]).toContain(r.code);
}, 120_000);

const pathValue = () => fc.constantFrom(results, aFile, path.join(aFile, 'sub'), emptyDir, '/proc/signcheck-fuzz/x', path.join(root, 'missing', 'deep'), '', 'x'.repeat(5000));
const numberValue = fc.oneof(fc.constantFrom('0', '1', '2', '3', '-1', '1e10', '4294967296', '4294967295', 'NaN', 'Infinity', '', ' ', '2.5', '0x10', 'abc'), fc.integer({ min: -5, max: 5 }).map(String));
const idsValue = fc.constantFrom('signum-separable', '', ',', 'nope', 'signum-separable,signum-separable', 'signum-separable,,', ' signum-separable ', 'x'.repeat(100_000));

/** A rates command: always through the tiny config (or a broken one), so a sweep that runs is small. */
const ratesArgv = fc
  .tuple(
    fc.constantFrom(tiny, tiny, tiny, badJson, aFile, emptyDir, '/nonexistent.yaml'),
    fc.oneof(fc.constant(results), fc.constant(null), pathValue()),
    fc.subarray([
      ['--analyze-only'],
      ['--resume'],
      ['--fresh'],
      ['--check'],
      ['--update-baseline'],
      ['--json'],
      ['--verbose'],
    ]),
    fc.array(
      fc.oneof(
        pathValue().map((p) => ['--reports', p]),
        fc.constantFrom(goodBaseline, badJson, emptyDir, aFile, '/proc/signcheck-fuzz/b.json').map((p) => ['--baseline', p]),
        numberValue.map((v) => ['--replicas', v]),
        fc.constantFrom('1/2', '2/2', '0/0', '5/4', 'x', '1/1').map((v) => ['--shard', v]),
        fc.constantFrom('cpu', 'auto', 'quantum', '').map((v) => ['--engine', v]),
        fc.constantFrom('quick', 'full', 'huge').map((v) => ['--profile', v]),
        idsValue.filter((v) => v !== 'signum-separable').map((v) => ['--only', v]),
        fc.constantFrom(['--nope'], ['-x'], ['extra-arg']),
      ),
      { maxLength: 4 },
    ),
  )
  .map(([config, out, flags, more]) => {
    const outDir = out === null ? newDir() : out;
    const hasReports = more.some((m) => m[0] === '--reports');
    // never the checkout's reports/baseline/rates.json: --update-baseline would rewrite it
    const hasBaseline = more.some((m) => m[0] === '--baseline');
    return ['rates', '--config', config, '--engine', 'cpu', '--out', outDir, ...(hasReports ? [] : ['--reports', newDir()]), ...(hasBaseline ? [] : ['--baseline', path.join(newDir(), 'rates.json')]), ...flags.flat(), ...more.flat()];
  });

const otherArgv = fc.oneof(
  fc.tuple(fc.array(pathValue(), { minLength: 0, maxLength: 3 }), fc.oneof(fc.constant(null), pathValue())).map(([dirs, out]) => ['merge', ...dirs, '--out', out ?? newDir()]),
  fc.array(fc.oneof(pathValue(), fc.constant(path.join(results, 'signum-separable.jsonl'))), { maxLength: 2 }).map((ps) => ['repair', ...ps]),
  fc.tuple(pathValue(), fc.option(pathValue(), { nil: undefined })).map(([r, o]) => ['report', '--reports', r, ...(o !== undefined ? ['--out', o] : []), '--quiet']),
  fc.tuple(idsValue.filter((v) => v !== 'signum-separable'), numberValue, numberValue).map(([only, runs, seed]) => ['lemmas', '--only', only, '--runs', runs, '--seed', seed, '--reports', newDir()]),
  fc.tuple(fc.constantFrom('0', '1', '-1', '1e10', '4294967296', 'x'), pathValue()).map(([seed, rep]) => ['lemmas', '--only', 'sign-mismatch', '--runs', '5', '--seed', seed, '--reports', rep]),
  fc.constantFrom('algorithms', 'problems', 'noise', 'lemmas', 'theorems', 'widgets', '').map((k) => ['list', k, '--json']),
  fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }).map((a) => (['rates', 'verify', 'lemmas', 'experiments', 'bench', 'doctor'].includes(a[0] ?? '') ? ['bogus', ...a] : a)),
);

/** A sweep configuration: valid and invalid keys and values. */
const configValue = fc.record(
  {
    profile: fc.constantFrom('quick', 'full', 'huge', 3),
    engine: fc.constantFrom('auto', 'cpu', 'webgpu', 'quantum'),
    only: fc.constantFrom(['signum-separable'], ['nope'], [], ['signum-separable', 'signum-separable'], 'signum-separable', [''], [1]),
    theorems: fc.dictionary(
      fc.constantFrom('signum-separable', 'nope', ''),
      fc.record(
        {
          replicas: fc.constantFrom(2, 3, 1, 0, -1, 1e9, 2.5, 'x'),
          seed: fc.constantFrom(0, 7, -1, 4294967296, 1.5, 'x'),
          T: fc.constantFrom([1024], [1024, 4096], [3], [], [-1], 'x'),
          d: fc.constantFrom([10], [7], []),
          hyper: fc.constantFrom({ lr: 0.01 }, { lr: '1/(' }, { lr: 'q*t' }, { lr: Array.from({ length: 5000 }, () => '1').join('+') }, { lr: '' }, { nope: 1 }),
          sigma: fc.constantFrom(0, 1, -1, 'x'),
          nope: fc.constant(1),
        },
        { requiredKeys: ['T'] },
      ),
      { maxKeys: 2 },
    ),
    extra: fc.constant(true),
  },
  { requiredKeys: ['only'] },
).map((c) => {
  // keep a sweep that runs small: signum-separable always has 2 replicas and T in {1024, 4096}
  // unless the fuzzed override replaces them (with a value that is then refused, or as small)
  const theorems = (c.theorems ?? {}) as Record<string, Record<string, unknown>>;
  const own = theorems['signum-separable'] ?? {};
  const small = (v: unknown, ok: unknown) => (v === undefined || v === 3 || (Array.isArray(v) && v.length > 0 && v.every((x) => x === 1024 || x === 4096)) ? (v ?? ok) : v);
  theorems['signum-separable'] = { ...own, replicas: small(own.replicas, 2), T: own.T === undefined || (Array.isArray(own.T) && own.T.length === 0) ? [1024, 4096] : own.T };
  return { ...c, theorems };
});

/** Whether a config could start sweeps of other theorems (only absent or empty: every theorem). */
const everyTheorem = (c: { only?: unknown }) => !Array.isArray(c.only) || c.only.length === 0;

/** The checkout's committed reports/ (the baseline among them): no fuzzed command may write there. */
const checkoutReports = fileURLToPath(new URL('../../reports', import.meta.url));

describe('fuzzed command lines', () => {
  let committed = '';
  beforeAll(() => {
    committed = createHash('sha256').update(snapshot(checkoutReports)).digest('hex');
  });
  afterAll(() => {
    expect(createHash('sha256').update(snapshot(checkoutReports)).digest('hex'), 'a fuzzed command wrote into the checkout\'s reports/').toBe(committed);
    console.info(`fuzz exit codes: ${JSON.stringify(seen)}`);
    // both accepted and refused inputs must occur, or the generators have drifted
    expect(seen[0] + seen[1]).toBeGreaterThan(20);
    expect(seen[2]).toBeGreaterThan(100);
  });
  it(`${ARGV_RUNS} rates command lines and ${ARGV_RUNS} other command lines: exit 0/1/2, no stack trace on 2, a rejected command changes no results`, async () => {
    await fc.assert(fc.asyncProperty(ratesArgv, async (argv) => void (await check(argv))), { numRuns: ARGV_RUNS, seed: 21 });
    await fc.assert(fc.asyncProperty(otherArgv, async (argv) => void (await check(argv))), { numRuns: ARGV_RUNS, seed: 22 });
  }, 300_000);

  it(`${CONFIG_RUNS} sweep configurations (JSON, YAML, garbage): the same guarantees`, async () => {
    const text = fc.oneof(
      configValue.map((c) => ({ name: 'c.json', text: JSON.stringify(c), all: everyTheorem(c) })),
      configValue.map((c) => ({ name: 'c.yaml', text: JSON.stringify(c), all: everyTheorem(c) })),
      fc.string({ maxLength: 40 }).map((t) => ({ name: 'c.yaml', text: t, all: true })),
    );
    await fc.assert(
      fc.asyncProperty(text, fc.boolean(), async ({ name, text, all }, analyzeAsked) => {
        const analyze = analyzeAsked || all; // a config that may name every theorem is only analysed
        const file = path.join(newDir(), name);
        fs.mkdirSync(path.dirname(file));
        fs.writeFileSync(file, text);
        // analyze: against the existing results (must stay as they are); else a new results directory
        await check(['rates', '--config', file, '--engine', 'cpu', '--out', analyze ? results : newDir(), '--reports', newDir(), ...(analyze ? ['--analyze-only'] : [])]);
      }),
      { numRuns: CONFIG_RUNS, seed: 23 },
    );
  }, 300_000);
});
