/**
 * Exact provenance of results: which signcheck produced them (the installed package's version,
 * and the git commit of signcheck's own checkout when it runs from one, marked dirty when
 * tracked files are modified), on which Node and which Dawn (the `webgpu` package). The checkout
 * is the directory of the package (found from this module's location), never the working
 * directory: run from elsewhere, or from inside an unrelated repository, it is still signcheck's.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What produced a run. */
export interface Provenance {
  /** Version of the signcheck package (its package.json). */
  readonly signcheck: string;
  /** Commit of signcheck's checkout, or null when the package is not a git checkout of its own. */
  readonly gitSha: string | null;
  /** Whether tracked files differ from that commit (null without a checkout). */
  readonly dirty: boolean | null;
  /** process.version. */
  readonly node: string;
  /** Version of the `webgpu` package (Dawn's Node binding), or null when it is not installed. */
  readonly dawn: string | null;
}

/** The directory of the signcheck package: the nearest ancestor of this module with a package.json named signcheck. */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if ((JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string }).name === 'signcheck') return dir;
      } catch {
        /* not ours */
      }
    }
    if (path.dirname(dir) === dir) return null;
  }
}

function git(root: string, args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return null;
  }
}

function packageVersion(dir: string | null): string | null {
  if (!dir) return null;
  try {
    return String((JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: string }).version ?? '') || null;
  } catch {
    return null;
  }
}

/**
 * The provenance of a package checked out at `root`: a git commit only when `root` is the top
 * level of its own work tree (a package installed inside some other repository has none).
 */
export function provenanceOf(root: string | null): Provenance {
  let sha: string | null = null;
  let dirty: boolean | null = null;
  if (root) {
    const top = git(root, ['rev-parse', '--show-toplevel']);
    if (top && fs.realpathSync(top) === fs.realpathSync(root)) {
      sha = git(root, ['rev-parse', 'HEAD']);
      if (sha) dirty = (git(root, ['status', '--porcelain', '--untracked-files=no']) ?? '') !== '';
    }
  }
  const dawnDir = root ? path.join(root, 'node_modules', 'webgpu') : null;
  return { signcheck: packageVersion(root) ?? 'unknown', gitSha: sha, dirty, node: process.version, dawn: packageVersion(dawnDir && fs.existsSync(dawnDir) ? dawnDir : null) };
}

let cached: Provenance | null = null;
/** The provenance of this process's signcheck (computed once). */
export function provenance(): Provenance {
  cached ??= provenanceOf(packageRoot());
  return cached;
}

/**
 * The code version written in every result row's `gitSha` column: the commit of signcheck's
 * checkout, with "-dirty" appended when tracked files are modified; "signcheck@<version>" when
 * signcheck does not run from a checkout of its own.
 */
export function codeVersion(p: Provenance = provenance()): string {
  return p.gitSha ? `${p.gitSha}${p.dirty ? '-dirty' : ''}` : `signcheck@${p.signcheck}`;
}
