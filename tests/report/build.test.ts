import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.ts';
import { builtinCatalogue } from '../../catalogue.ts';
import { writeFixtureInputs } from './fixture.ts';

function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const f of fs.readdirSync(d).sort()) {
      const p = path.join(d, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

let inputs: { reportsDir: string; resultsDir: string };
let outA: string;
let outB: string;
let result: Awaited<ReturnType<typeof buildReport>>;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-report-'));
  inputs = await writeFixtureInputs(dir);
  outA = path.join(dir, 'outA');
  outB = path.join(dir, 'outB');
  result = await buildReport({ catalogue: builtinCatalogue,  ...inputs, outDir: outA });
  await buildReport({ catalogue: builtinCatalogue,  ...inputs, outDir: outB });
});

describe('buildReport', () => {
  it('writes index.html, index.md, a page per item, SVG + .dat + pgfplots per figure, LaTeX per table', () => {
    const files = new Set(result.files);
    expect(result.pages.map((p) => `${p.kind}:${p.id}`)).toEqual(['lemma:sign-mismatch', 'rate:signum-separable', 'experiment:sparse-noise-toy']);
    for (const f of ['index.html', 'index.md', 'pages/lemma-sign-mismatch.md', 'pages/rate-signum-separable.md', 'pages/experiment-sparse-noise-toy.md', 'tex/lemmas.tex', 'tex/sparse-noise-toy.tex']) expect(files).toContain(f);
    const figs = result.pages.flatMap((p) => p.figures);
    expect(figs.length).toBe(result.figures);
    expect(figs.length).toBeGreaterThanOrEqual(3);
    for (const f of figs) {
      expect(files).toContain(`figures/${f.id}.svg`);
      expect(files).toContain(`tex/fig-${f.id}.tex`);
      expect(result.files.some((x) => x.startsWith(`figures/${f.id}.`) && x.endsWith('.dat'))).toBe(true);
    }
  });

  it('is byte-identical when run twice on the same results, and a rerun in place changes nothing', async () => {
    const a = readTree(outA);
    expect(readTree(outB)).toEqual(a);
    const again = await buildReport({ catalogue: builtinCatalogue,  ...inputs, outDir: outA });
    expect(again.removed).toEqual([]);
    expect(readTree(outA)).toEqual(a);
  });

  it('index.html is self-contained: inline SVG per figure, no script, no external resource', () => {
    const html = fs.readFileSync(path.join(outA, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(http/i);
    const inline = html.match(/<figure class="fig"[^>]*>\s*<svg/g) ?? [];
    expect(inline.length).toBe(result.figures);
    // ids are scoped per figure: none repeats across the page
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('the experiment page shows paper and ours side by side, with provenance from the results file', () => {
    const md = fs.readFileSync(path.join(outA, 'pages/experiment-sparse-noise-toy.md'), 'utf8');
    expect(md).toMatch(/\| method \| quantity \| paper \| ours \|/);
    expect(md).toMatch(/\| SignSGD \| final loss f\(x_T\) \| 0\.3600 \|/);
    const res = JSON.parse(fs.readFileSync(path.join(inputs.resultsDir, 'experiments/sparse-noise-toy.json'), 'utf8'));
    expect(md).toContain(`**git sha**: ${res.gitSha}`);
    expect(md).toContain(`**date**: ${res.date}`);
    const tex = fs.readFileSync(path.join(outA, 'tex/sparse-noise-toy.tex'), 'utf8');
    expect(tex).toMatch(/\\toprule[\s\S]*\\midrule[\s\S]*\\bottomrule/);
  });

  it('removes stale files from the folders it owns, and only there', async () => {
    fs.writeFileSync(path.join(outA, 'figures', 'stale.svg'), '<svg/>');
    fs.writeFileSync(path.join(outA, 'keep.txt'), 'not ours');
    const r = await buildReport({ catalogue: builtinCatalogue,  ...inputs, outDir: outA });
    expect(r.removed).toEqual(['figures/stale.svg']);
    expect(fs.existsSync(path.join(outA, 'keep.txt'))).toBe(true);
  });

  it('says so when inputs are missing instead of inventing them', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-report-empty-'));
    const r = await buildReport({ catalogue: builtinCatalogue,  reportsDir: empty });
    expect(r.pages).toEqual([]);
    const md = fs.readFileSync(path.join(empty, 'index.md'), 'utf8');
    expect(md).toMatch(/No lemma results found/);
    expect(md).toMatch(/No rate-theorem results found/);
    expect(md).toMatch(/`mushroom-table1`/);
    // every catalogue experiment is declared now; without results files the report says so
    expect(md).toContain('- `mvsm-distributed`: ');
    expect(md).toContain('declared; no results file yet (run `signcheck experiments`)');
    expect(md).not.toMatch(/mvsm-distributed[^\n]*\d+\.\d+/);
  });
});
