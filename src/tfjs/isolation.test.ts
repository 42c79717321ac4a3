import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// @tensorflow/* are optional peer dependencies: only src/tfjs/ (and the examples) may load them, and
// the test support of src/testing/ (which no module imports: src/layering.test.ts). Everywhere else an
// import of a @tensorflow package must be type-only (erased at compile time).

const root = fileURLToPath(new URL('../..', import.meta.url));
const DIRS = ['src', 'properties', 'lemmas', 'experiments', 'bench', 'bin'];
const ALLOWED = [join('src', 'tfjs') + '/', join('src', 'testing') + '/'];

function sources(dir: string, out: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|mts|js|mjs)$/.test(e)) out.push(p);
  }
  return out;
}

/** Value (non-type) imports or requires of a @tensorflow package in a source text. */
function tensorflowValueImports(text: string): string[] {
  const hits: string[] = [];
  const re = /(^|\n)\s*(import|export)\s+(type\s+)?[^'";]*?from\s*['"](@tensorflow\/[^'"]+)['"]|(^|\n)\s*import\s*['"](@tensorflow\/[^'"]+)['"]|(import|require)\s*\(\s*['"](@tensorflow\/[^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) {
    if (m[4] && m[3]) continue; // import type ... from '@tensorflow/...'
    hits.push(m[4] ?? m[6] ?? m[8]);
  }
  return hits;
}

describe('the core never loads tfjs', () => {
  it('the detector sees value imports and ignores type-only ones', () => {
    expect(tensorflowValueImports("import * as tf from '@tensorflow/tfjs-core';")).toEqual(['@tensorflow/tfjs-core']);
    expect(tensorflowValueImports("import '@tensorflow/tfjs-backend-cpu';")).toEqual(['@tensorflow/tfjs-backend-cpu']);
    expect(tensorflowValueImports("const t = await import('@tensorflow/tfjs-core');")).toEqual(['@tensorflow/tfjs-core']);
    expect(tensorflowValueImports("import type { Tensor } from '@tensorflow/tfjs-core';")).toEqual([]);
    expect(tensorflowValueImports("import { x } from './y.ts';")).toEqual([]);
  });

  it('no file outside src/tfjs/ imports a @tensorflow package as a value', () => {
    const files = DIRS.flatMap((d) => sources(join(root, d))).map((p) => relative(root, p));
    expect(files.length).toBeGreaterThan(50);
    const offenders = files
      .filter((f) => !ALLOWED.some((a) => f.startsWith(a)))
      .flatMap((f) => tensorflowValueImports(readFileSync(join(root, f), 'utf8')).map((m) => `${f}: ${m}`));
    expect(offenders).toEqual([]);
    // and src/tfjs does use it (the scan is looking at the right files)
    expect(tensorflowValueImports(readFileSync(join(root, 'src/tfjs/optimizer.ts'), 'utf8'))).toContain('@tensorflow/tfjs-core');
  });
});
