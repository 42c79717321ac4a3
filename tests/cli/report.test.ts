import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeFixtureInputs } from '../report/fixture.ts';
import { builtinCatalogue } from '../../catalogue.ts';
import { main } from '../../src/cli/main.ts';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function captureStdout(): string[] {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return out;
}

describe('report and experiments commands: --json', () => {
  it('experiments --json prints one JSON object with each results file, verdict and claims', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-exp-json-'));
    const out = captureStdout();
    const code = await main(['experiments', '--profile', 'tiny', '--only', 'sparse-noise-toy', '--processes', '1', '--out', dir, '--json'], builtinCatalogue);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const parsed = JSON.parse(out.join('')) as { experiments: { id: string; file: string; ok: boolean; verdict: string; claims: { verdict: string }[] }[] };
    expect(parsed.experiments.map((e) => e.id)).toEqual(['sparse-noise-toy']);
    const e = parsed.experiments[0];
    expect(fs.existsSync(e.file)).toBe(true);
    expect(typeof e.ok).toBe('boolean');
    expect(e.verdict.length).toBeGreaterThan(0);
    expect(e.claims.length).toBeGreaterThan(0);
  }, 120_000);

  it('report --json lists the files written and every item with its verdict', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-report-json-'));
    await writeFixtureInputs(dir);
    const out = captureStdout();
    const code = await main(['report', '--reports', dir, '--json'], builtinCatalogue);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const parsed = JSON.parse(out.join('')) as { index: string; files: string[]; items: { id: string; kind: string; verdict: string; ok: boolean | null }[] };
    expect(parsed.files).toContain('index.html');
    expect(fs.existsSync(parsed.index)).toBe(true);
    const kinds = new Set(parsed.items.map((i) => i.kind));
    expect(kinds).toEqual(new Set(['lemma', 'rate', 'experiment']));
    expect(parsed.items.find((i) => i.id === 'signum-separable')?.verdict).toMatch(/PASS|TIGHT|FAIL/);
  }, 120_000);

  it('a bad --profile is a usage error (exit 2), also with --json', async () => {
    const out = captureStdout();
    const err: string[] = [];
    vi.mocked(process.stderr.write).mockImplementation((s: string | Uint8Array) => {
      err.push(String(s));
      return true;
    });
    expect(await main(['experiments', '--profile', 'huge', '--json'], builtinCatalogue)).toBe(2);
    expect(err.join('')).toMatch(/--profile/);
    expect(out.join('')).toBe('');
  });
});
