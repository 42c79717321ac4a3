/**
 * Every file-system and resource error of the command line is a usage error (exit 2) with one
 * line naming the flag or path and the rule, found before any compute; the silent cases of
 * issue 21 are errors. Each case here was a crash (stack trace, exit 1) or a silent wrong result.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtinCatalogue } from '../../catalogue.ts';
import { main } from '../../src/cli/main.ts';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** Runs the CLI in-process; returns the exit code, stderr and the time it took. */
async function run(argv: string[]): Promise<{ code: number; err: string; ms: number }> {
  const err: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const t0 = performance.now();
  try {
    const code = await main(argv, builtinCatalogue);
    return { code, err: err.join(''), ms: performance.now() - t0 };
  } finally {
    vi.restoreAllMocks();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-errors-'));
const aFile = path.join(dir, 'a-file.txt');
fs.writeFileSync(aFile, 'not a directory\n');
const badJson = path.join(dir, 'bad.json');
fs.writeFileSync(badJson, '{"signum-separable": ');
const emptyDir = path.join(dir, 'empty');
fs.mkdirSync(emptyDir);
// a path this process cannot create even as root (a virtual file system)
const unwritable = '/proc/signcheck-no-such/dir';
const only = ['--only', 'signum-separable'];

function usage(argv: string[], re: RegExp) {
  return async () => {
    const r = await run(argv);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(re);
    expect(r.err.trim().split('\n')).toHaveLength(1); // one line
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  };
}

describe('file-system errors are refused up front (exit 2, flag and rule named)', () => {
  it('--out at a file', usage(['rates', ...only, '--out', aFile], /--out: must be a directory \(.*a-file\.txt is a file\)/));
  it('--out under a file', usage(['rates', ...only, '--out', path.join(aFile, 'sub')], /--out: must not lie under a file/));
  it('--out under an unwritable parent', usage(['rates', ...only, '--out', unwritable], /--out: must be creatable \(its parent is not writable\)/));
  it('--reports unwritable, before the sweep', usage(['rates', ...only, '--out', path.join(dir, 'r1'), '--reports', unwritable], /--reports: must be creatable/));
  it('verify --reports unwritable, before the lemma work', usage(['verify', '--reports', unwritable], /--out: must be creatable|--reports: must be creatable/));
  it('--baseline malformed', usage(['rates', ...only, '--out', path.join(dir, 'r2'), '--check', '--baseline', badJson], /--baseline: must be valid JSON \(.*bad\.json/));
  it('--check without a baseline file, before the sweep', usage(['rates', ...only, '--out', path.join(dir, 'r8'), '--check', '--baseline', path.join(dir, 'none.json')], /--baseline: must exist for --check/));
  it('--baseline a directory', usage(['rates', ...only, '--out', path.join(dir, 'r3'), '--check', '--baseline', dir], /--baseline: must be a file \(.* is a directory\)/));
  it('--update-baseline to an unwritable path', usage(['rates', ...only, '--out', path.join(dir, 'r4'), '--update-baseline', '--baseline', path.join(unwritable, 'b.json')], /--baseline: must be creatable/));
  it('merge of a file', usage(['merge', aFile, '--out', path.join(dir, 'm1')], /merge .*a-file\.txt: must be a directory/));
  it('merge --out at a file', usage(['merge', emptyDir, '--out', aFile], /merge: needs results files|--out: must be a directory/));
  it('report with a malformed rates.json', async () => {
    const rep = fs.mkdtempSync(path.join(dir, 'rep-'));
    fs.writeFileSync(path.join(rep, 'rates.json'), '{ nope');
    await usage(['report', '--reports', rep], /--reports: must be valid JSON \(.*rates\.json/)();
  });
  it('report with a malformed lemmas.json', async () => {
    const rep = fs.mkdtempSync(path.join(dir, 'rep-'));
    fs.writeFileSync(path.join(rep, 'lemmas.json'), '[1,');
    await usage(['report', '--reports', rep], /--reports: must be valid JSON \(.*lemmas\.json/)();
  });
  it('--config a directory', usage(['rates', '--config', dir, '--analyze-only', '--out', dir], /--config: must name a readable file/));
});

describe('stated caps (exit 2 instead of RangeError or stack overflow)', () => {
  it('lemmas --runs 1e10', usage(['lemmas', '--only', 'sign-mismatch', '--runs', '1e10'], /--runs: must be an integer in \[1, 10000000\]/));
  it('merge --out one of its shard directories', async () => {
    const shard = fs.mkdtempSync(path.join(dir, 'shard-'));
    fs.writeFileSync(path.join(shard, 'x.jsonl'), '');
    await usage(['merge', shard, '--out', shard], /--out: must not be one of the shard directories/)();
  });
  it('--replicas 1e10', usage(['rates', ...only, '--replicas', '1e10'], /--replicas: must be an integer in \[2, 10000\] \(got "1e10": Too big/));
  it('a 50,000-term lr expression in a config', async () => {
    const cfg = path.join(dir, 'long.json');
    fs.writeFileSync(cfg, JSON.stringify({ theorems: { 'signum-separable': { hyper: { lr: Array.from({ length: 50_000 }, () => '1').join('+') } } } }));
    await usage(['rates', '--config', cfg, '--out', path.join(dir, 'r5')], /config .*long\.json: theorems\.signum-separable\.hyper\.lr: .*<=1000/)();
  });
  it('replicas in a config above the cap', async () => {
    const cfg = path.join(dir, 'reps.json');
    fs.writeFileSync(cfg, JSON.stringify({ theorems: { 'signum-separable': { replicas: 1e9 } } }));
    await usage(['rates', '--config', cfg, '--out', path.join(dir, 'r6')], /replicas: Too big/)();
  });
});

describe('the silent cases are errors', () => {
  it("lemmas --only ''", usage(['lemmas', '--only', ''], /--only: must name at least one id/));
  it("rates --only ''", usage(['rates', '--only', '', '--analyze-only', '--out', dir], /--only: must name at least one id/));
  it('lemmas --seed 4294967296 (seeds are u32)', usage(['lemmas', '--seed', '4294967296'], /--seed: must be a u32, an integer in \[0, 4294967295\] \(got "4294967296"/));
  it('lemmas --seed -1 and 1.5', async () => {
    await usage(['lemmas', '--seed=-1'], /--seed: must be a u32/)();
    await usage(['lemmas', '--seed', '1.5'], /--seed: must be a u32/)();
  });
  it('report on a missing directory', usage(['report', '--reports', path.join(dir, 'nope')], /--reports: must be an existing directory/));
  it('report with results but no rates.json', async () => {
    const rep = fs.mkdtempSync(path.join(dir, 'rep-'));
    fs.mkdirSync(path.join(rep, 'results'));
    fs.writeFileSync(path.join(rep, 'results', 'x.jsonl'), '');
    await usage(['report', '--reports', rep], /--reports: needs rates\.json beside results files/)();
  });
  it('report with nothing to report', usage(['report', '--reports', emptyDir], /--reports: must hold something to report/));
  it('merge of an empty directory', usage(['merge', emptyDir, '--out', path.join(dir, 'm2')], /merge: needs results files \(\*\.jsonl\)/));
  it('config only: [nope] is reported at only[0]', async () => {
    const cfg = path.join(dir, 'only.yaml');
    fs.writeFileSync(cfg, 'only: [signum-separable, nope]\n');
    await usage(['rates', '--config', cfg, '--analyze-only', '--out', dir], /config .*only\.yaml: only\[1\]: is not a theorem/)();
  });
  it('--only a,a is refused before any compute', async () => {
    const r = await run(['rates', '--only', 'signum-separable,signum-separable', '--out', path.join(dir, 'r7')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--only: must not repeat an id \("signum-separable" is given twice\)/);
    expect(fs.existsSync(path.join(dir, 'r7'))).toBe(false);
  });
  it('lemmas --only a,a', usage(['lemmas', '--only', 'sign-mismatch,sign-mismatch'], /--only: must not repeat an id/));
  it('--resume with --fresh', usage(['rates', ...only, '--resume', '--fresh'], /--fresh: cannot be combined with --resume/));
  it('long values are shortened in messages', async () => {
    const long = 'x'.repeat(100_000);
    const r = await run(['rates', '--only', long, '--analyze-only', '--out', dir]);
    expect(r.code).toBe(2);
    expect(r.err.length).toBeLessThan(5000);
    expect(r.err).toMatch(/\[1000\d\d chars\]/);
  });
});
