import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtinCatalogue } from '../../catalogue.ts';
import { main } from '../../src/cli/main.ts';

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function quiet() {
  const err: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  return err;
}

describe('signcheck CLI', () => {
  it('lists every registry as JSON', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out.push(String(s));
      return true;
    });
    for (const kind of ['algorithms', 'problems', 'noise', 'theorems']) {
      out.length = 0;
      expect(await main(['list', kind, '--json'], builtinCatalogue)).toBe(0);
      const rows = JSON.parse(out.join('')) as { id: string }[];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => typeof r.id === 'string')).toBe(true);
    }
  });

  it.each([
    [['list', 'widgets'], /list: takes one of/],
    [['rates', '--shard', '5/4', '--analyze-only'], /--shard: must be i\/N/],
    [['rates', '--only', 'no-such-theorem', '--analyze-only'], /theorem: must be one of/],
    [['rates', '--engine', 'quantum', '--analyze-only'], /--engine: must be one of/],
    [['rates', '--config', '/nonexistent/c.yaml'], /--config: must name a readable file/],
    [['rates', '--replicas', '1'], /--replicas: must be an integer in \[2, 10000\]/],
    [['merge', '/nonexistent-dir', '--out', '/tmp/x'], /merge \/nonexistent-dir: must be an existing directory/],
  ])('%j is a usage error (exit 2) naming the parameter', async (argv, re) => {
    const err = quiet();
    expect(await main(argv as string[], builtinCatalogue)).toBe(2);
    expect(err.join('')).toMatch(re);
    expect(err.join('')).not.toMatch(/\n\s+at /);
  });

  it('unknown commands and options exit 2 without a stack trace (fuzzed argv)', async () => {
    const token = fc.oneof(
      fc.constantFrom('rates', 'list', 'merge', 'verify', 'bogus', '--only', '--shard', '--profile', '--replicas', '--engine', '--json', '--nope', '-x', 'quick', 'full', '1/2', '0/0', '3', '-1', 'NaN', ''),
      fc.string({ maxLength: 8 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 5 }), async (argv) => {
        // never let a fuzz case start a real sweep: analyse a directory that does not exist
        const safe = argv.includes('rates') || argv.includes('verify') ? ['rates', ...argv.filter((a) => a !== 'verify' && a !== 'rates'), '--analyze-only', '--out', '/nonexistent-signcheck'] : argv;
        const err = quiet();
        let code: number;
        try {
          code = await main(safe, builtinCatalogue);
        } catch (e) {
          throw new Error(`uncaught ${String(e)} for ${JSON.stringify(safe)}`);
        } finally {
          vi.restoreAllMocks();
        }
        expect([0, 1, 2]).toContain(code);
        expect(err.join('')).not.toMatch(/\n\s+at /);
      }),
      { numRuns: 150, seed: 5 },
    );
  });
});
