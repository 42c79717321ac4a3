import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UserInputError } from '../core/errors.ts';
import { parseLibsvm, readLibsvmFile, type LibsvmData } from './libsvm.ts';

/**
 * Data sets shipped in the repository's `data/` folder (attribution and checksums in
 * data/README.md). Files are located relative to this module (import.meta.url), so the project
 * never depends on the working directory or on anything outside the repository.
 */
export interface BundledDataset {
  readonly name: string;
  readonly file: string;
  readonly sha256: string;
  readonly summary: string;
}

/** The bundled data sets by name. */
export const BUNDLED_DATASETS: Readonly<Record<string, BundledDataset>> = {
  mushrooms: {
    name: 'mushrooms',
    file: 'mushrooms.libsvm',
    sha256: 'f39a4eb628dc61a7d43760815b061c9e497aa728ce1ad8bde57a09ef6043b538',
    summary: 'UCI Mushroom (Schlimmer 1981, CC BY 4.0), LIBSVM one-hot: 8124 rows, 112 binary features, labels 1/2',
  },
};

/** Absolute path of a bundled data file (repository `data/`, resolved from this module). */
export function bundledPath(file: string): string {
  return fileURLToPath(new URL(`../../data/${file}`, import.meta.url));
}

const cache = new Map<string, LibsvmData>();

/** Hex sha256 of a byte buffer. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads a LIBSVM file and parses it only if its sha256 equals `sha256` (a mismatch is a
 * UserInputError naming `source`: the numbers the suite reproduces depend on the exact rows).
 */
export function loadVerified(path: string, sha256: string, source: string): LibsvmData {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserInputError(source, `must be present at ${path}`, (e as Error).message);
  }
  const digest = sha256Hex(bytes);
  if (digest !== sha256) throw new UserInputError(source, `must have sha256 ${sha256} (data/README.md)`, `got ${digest}`);
  return parseLibsvm(bytes.toString('utf8'), { source });
}

/** Loads a bundled data set (sha256-verified, parsed once per process). */
export function loadBundled(name: string): LibsvmData {
  const entry = Object.hasOwn(BUNDLED_DATASETS, name) ? BUNDLED_DATASETS[name] : undefined;
  if (!entry) throw new UserInputError('dataset', `must be one of: ${Object.keys(BUNDLED_DATASETS).join(', ')} or a file path`, `got "${name}"`);
  const hit = cache.get(name);
  if (hit) return hit;
  const data = loadVerified(bundledPath(entry.file), entry.sha256, `data/${entry.file}`);
  cache.set(name, data);
  return data;
}

/** A bundled data set by name, or any LIBSVM file by path. */
export function loadDataset(nameOrPath: string): LibsvmData {
  if (Object.hasOwn(BUNDLED_DATASETS, nameOrPath)) return loadBundled(nameOrPath);
  return readLibsvmFile(nameOrPath);
}
