/**
 * The layering of src/ (docs/architecture.md), checked on the import specifiers of every file under
 * src/: arrows point down. A module may import from its own layer or a lower one, never from a
 * higher layer, and never test support (src/testing, *.test.ts). Tests beside the code are exempt
 * from the layer rule (an algorithm's test runs it on an engine), not from the last one: nothing
 * under src/, test or not, imports the catalogue (lemmas/, experiments/, the root catalogue.ts) or
 * the end-to-end tests (tests/).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(SRC);

/**
 * Layers, lowest first, as paths under src/ (folders or files); a file belongs to the layer of its
 * longest matching path. The report's data model (figures, tables, pages) sits below the report:
 * seed experiments build their pages in it.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['core', 'rng', 'stats'],
  ['noise', 'problems'],
  ['algorithms'],
  ['engine', 'gpu', 'tfjs'],
  ['report/model.ts'],
  ['lemmas', 'theorems', 'experiments'],
  ['catalogue.ts'],
  ['report'],
  ['cli'],
  ['testing'],
];

function layerOf(file: string): number {
  const rel = path.relative(SRC, file).split(path.sep).join('/');
  let best = -1;
  let length = -1;
  LAYERS.forEach((paths, k) => {
    for (const p of paths) {
      if ((rel === p || rel.startsWith(`${p}/`)) && p.length > length) [best, length] = [k, p.length];
    }
  });
  if (best < 0) throw new Error(`${path.relative(ROOT, file)} is in no layer of src/layering.test.ts`);
  return best;
}

const isTest = (f: string) => /\.test\.ts$/.test(f);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.(ts|mjs|js)$/.test(e.name) ? [p] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The relative import specifiers of a source text, resolved against its file. */
export function importsOf(file: string, text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((m) => path.resolve(path.dirname(file), m[1]));
}

describe('layering of src/', () => {
  // this file's own example specifiers are not imports
  const files = sources(SRC).filter((f) => f !== fileURLToPath(import.meta.url));

  it('the specifier scan sees static, dynamic and URL imports', () => {
    const f = path.join(SRC, 'report', 'x.ts');
    const text = "import { a } from '../core/a.ts';\nconst g = await import('../gpu/index.ts');\nimport '../noise/index.ts';\nnew URL('./w.ts', import.meta.url);";
    expect(importsOf(f, text).map((p) => path.relative(SRC, p))).toEqual(['core/a.ts', 'gpu/index.ts', 'noise/index.ts', 'report/w.ts'].map((p) => p.split('/').join(path.sep)));
  });

  it('nothing under src/ imports the catalogue or tests/', () => {
    const outside = ['lemmas', 'experiments', 'tests', 'catalogue.ts'].map((p) => path.join(ROOT, p));
    const bad = files.flatMap((f) =>
      importsOf(f, fs.readFileSync(f, 'utf8'))
        .filter((t) => outside.some((o) => t === o || t.startsWith(o + path.sep)))
        .map((t) => `${path.relative(ROOT, f)} -> ${path.relative(ROOT, t)}`),
    );
    expect(bad).toEqual([]);
  });

  it('imports of modules point down: never from a higher layer or test support', () => {
    const bad = files.filter((f) => !isTest(f) && layerOf(f) !== layerOf(path.join(SRC, 'testing'))).flatMap((f) => {
      const from = layerOf(f);
      return importsOf(f, fs.readFileSync(f, 'utf8'))
        .filter((t) => t.startsWith(SRC + path.sep) && (layerOf(t) > from || isTest(t)))
        .map((t) => `${path.relative(ROOT, f)} (layer ${from}) -> ${path.relative(ROOT, t)} (layer ${layerOf(t)})`);
    });
    expect(bad).toEqual([]);
  });

  it('test support lives in src/testing: no module elsewhere imports vitest or is imported by tests alone', () => {
    const production = files.filter((f) => !isTest(f) && layerOf(f) !== layerOf(path.join(SRC, 'testing')));
    const vitest = production.filter((f) => /from\s*['"]vitest['"]/.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f));
    expect(vitest).toEqual([]);
    // who imports each module: src/ and everything outside it that runs (bin, bench, scripts, the catalogue, examples, tests)
    const outsideSrc = ['bin', 'bench', 'scripts', 'lemmas', 'experiments', 'examples', 'tests', 'properties']
      .map((p) => path.join(ROOT, p))
      .filter((p) => fs.existsSync(p))
      .flatMap(sources);
    const importers = new Map<string, string[]>();
    for (const f of [...files, ...outsideSrc, path.join(ROOT, 'catalogue.ts')]) {
      for (const t of importsOf(f, fs.readFileSync(f, 'utf8'))) importers.set(t, [...(importers.get(t) ?? []), f]);
    }
    const testSupport = (f: string) => isTest(f) || f.startsWith(path.join(ROOT, 'tests') + path.sep) || f.startsWith(path.join(SRC, 'testing') + path.sep);
    const onlyTests = production.filter((f) => (importers.get(f) ?? []).length > 0 && importers.get(f)!.every(testSupport)).map((f) => path.relative(ROOT, f));
    expect(onlyTests).toEqual([]);
  });
});
