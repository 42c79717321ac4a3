/**
 * The catalogue's naming rule, file name = id, checked by importing every module and inspecting
 * what it exports:
 * - experiments/theorems/<id>.ts exports exactly one registered rate theorem that is not a wrong
 *   variant, with that id, and its other exported theorems (arrays included) are wrong variants of it;
 *   every registered theorem is exported by the file of its theorem;
 * - experiments/seeds/<id>.ts exports exactly one registered seed experiment, with that id, and every
 *   registered one has its file;
 * - lemmas/<id>.ts exports exactly one primary lemma (no `variantOf`) with that id, and its other
 *   exported lemmas are variants of it; every registered lemma is exported by the file of its
 *   primary;
 * - the helper folders (experiments/lib, lemmas/lib) declare no registered entry.
 * index.ts (the registries) and test files are not declarations.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Registered, Registry } from '../src/core/registry.ts';
import type { Lemma } from '../src/lemmas/types.ts';
import type { RateTheorem } from '../src/theorems/types.ts';
import { lemmas } from '../lemmas/index.ts';
import { seedExperiments } from './seeds/index.ts';
import { theorems } from './theorems/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The declaration modules of a folder: `.ts` files other than index.ts and tests, by base name. */
function declarationFiles(folder: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, folder))
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
}

/** Exported values of a module that are entries of `registry` (the registered object itself). */
async function registeredExports<T extends Registered>(folder: string, name: string, registry: Registry<T>): Promise<T[]> {
  const mod = (await import(pathToFileURL(path.join(ROOT, folder, `${name}.ts`)).href)) as Record<string, unknown>;
  const out: T[] = [];
  for (const value of Object.values(mod).flatMap((v) => (Array.isArray(v) ? v : [v]))) {
    const id = (value as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && registry.has(id) && registry.get(id) === value) out.push(value as T);
  }
  return out;
}

describe('experiments/theorems: file name = id of its theorem', () => {
  const files = declarationFiles('experiments/theorems');

  it.each(files)('%s.ts exports one theorem of that id and only wrong variants of it', async (name) => {
    const found = await registeredExports<RateTheorem>('experiments/theorems', name, theorems);
    expect(found.filter((t) => t.variantOf === undefined).map((t) => t.id)).toEqual([name]);
    for (const t of found) if (t.variantOf !== undefined) expect(t.variantOf.theorem, `${t.id} is a variant of`).toBe(name);
  });

  it('every registered theorem is exported by the file of its theorem', async () => {
    const home = new Map<string, string>();
    for (const name of files) for (const t of await registeredExports<RateTheorem>('experiments/theorems', name, theorems)) home.set(t.id, name);
    for (const t of theorems.all()) expect(home.get(t.id), t.id).toBe(t.variantOf?.theorem ?? t.id);
  });
});

describe.each([['experiments/seeds', seedExperiments as Registry<Registered>]] as const)('%s: file name = id', (folder, registry) => {
  it.each(declarationFiles(folder))('%s.ts exports exactly the registered entry of that id', async (name) => {
    const found = await registeredExports(folder, name, registry);
    expect(found.map((e) => e.id)).toEqual([name]);
  });

  it('every registered id has its file', () => {
    const files = new Set(declarationFiles(folder));
    for (const id of registry.ids()) expect(files.has(id), `${folder}/${id}.ts`).toBe(true);
  });
});

describe('lemmas: file name = id of its primary lemma', () => {
  const files = declarationFiles('lemmas');

  it.each(files)('%s.ts exports one primary lemma of that id and only variants of it', async (name) => {
    const found = await registeredExports<Lemma>('lemmas', name, lemmas);
    const primaries = found.filter((l) => l.variantOf === undefined);
    expect(primaries.map((l) => l.id)).toEqual([name]);
    for (const l of found) if (l.variantOf !== undefined) expect(l.variantOf.id, `${l.id} is a variant of`).toBe(name);
  });

  it('every registered lemma is exported by the file of its primary', async () => {
    const home = new Map<string, string>();
    for (const name of files) for (const l of await registeredExports<Lemma>('lemmas', name, lemmas)) home.set(l.id, name);
    for (const l of lemmas.all()) expect(home.get(l.id), l.id).toBe(l.variantOf?.id ?? l.id);
  });
});

describe.each([
  ['experiments/lib', [theorems, seedExperiments, lemmas] as Registry<Registered>[]],
  ['lemmas/lib', [lemmas] as Registry<Registered>[]],
] as const)('%s holds helpers only', (folder, registries) => {
  it.each(declarationFiles(folder))('%s.ts declares no registered entry', async (name) => {
    for (const registry of registries) expect(await registeredExports(folder, name, registry)).toEqual([]);
  });
});
