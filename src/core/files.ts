import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserInputError } from './errors.ts';

/**
 * Writes a file atomically: the text goes to a temporary file in the same directory, is fsynced,
 * and is renamed over the target, so a reader sees the old or the new content, never a torn one.
 */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** The path itself if it exists, else its nearest existing ancestor (with the first missing child). */
function nearestExisting(p: string): { existing: string; stat: fs.Stats; missing: string | null } {
  let cur = path.resolve(p);
  let missing: string | null = null;
  for (;;) {
    try {
      return { existing: cur, stat: fs.statSync(cur), missing };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const parent = path.dirname(cur);
      if (parent === cur) throw err;
      missing = cur;
      cur = parent;
    }
  }
}

/**
 * Whether this process can create entries in directory `p`: its permission bits allow it, and a
 * probe directory can really be made and removed there (root passes every permission check, but
 * not a read-only or virtual file system such as /proc or /sys).
 */
function writable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.W_OK | fs.constants.X_OK);
    fs.rmdirSync(fs.mkdtempSync(path.join(p, '.signcheck-probe-')));
    return true;
  } catch {
    return false;
  }
}

function writableFile(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks, without creating anything, that `dir` is a directory this process can write into, or
 * can be created: if it exists it must be a writable directory; otherwise its nearest existing
 * ancestor must be a writable directory (not a file). Throws a UserInputError naming `flag`, the
 * path and the rule broken, e.g. "--out: must be a directory (/tmp/a.txt is a file)".
 */
export function requireWritableDir(flag: string, dir: string): void {
  let at: ReturnType<typeof nearestExisting>;
  try {
    at = nearestExisting(dir);
  } catch (err) {
    throw new UserInputError(flag, 'must be a directory path that can be inspected', `${dir}: ${(err as Error).message}`);
  }
  if (!at.stat.isDirectory()) {
    if (at.missing === null) throw new UserInputError(flag, 'must be a directory', `${dir} is a file`);
    throw new UserInputError(flag, 'must not lie under a file', `${dir}: ${at.existing} is a file`);
  }
  if (!writable(at.existing)) {
    throw new UserInputError(flag, at.missing === null ? 'must be a writable directory' : 'must be creatable (its parent is not writable)', `${dir}: no write permission on ${at.existing}`);
  }
}

/**
 * Checks, without creating anything, that `file` can be written: if it exists it must be a
 * regular file, writable, in a writable directory (atomic writes rename a temporary over it);
 * otherwise its directory must be creatable ({@link requireWritableDir}).
 */
export function requireWritableFile(flag: string, file: string): void {
  let st: fs.Stats | null = null;
  try {
    st = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new UserInputError(flag, 'must not lie under a file', `${file}: a parent is a file`);
    if (code !== 'ENOENT') throw new UserInputError(flag, 'must be a path that can be inspected', `${file}: ${(err as Error).message}`);
  }
  if (st && !st.isFile()) throw new UserInputError(flag, 'must be a file', `${file} is a ${st.isDirectory() ? 'directory' : 'special file'}`);
  requireWritableDir(flag, path.dirname(file));
  if (st && !writableFile(file)) throw new UserInputError(flag, 'must be writable', `${file}: no write permission`);
}

/**
 * Reads a text file for a flag: it must exist, be a regular file and be readable; errors name
 * the flag and the path. Returns its text.
 */
export function readTextFile(flag: string, file: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    throw new UserInputError(flag, 'must name an existing file', `${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!st.isFile()) throw new UserInputError(flag, 'must be a file', `${file} is a ${st.isDirectory() ? 'directory' : 'special file'}`);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserInputError(flag, 'must be readable', `${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Reads and parses a JSON file for a flag ({@link readTextFile}); a syntax error names the file. */
export function readJsonFile(flag: string, file: string): unknown {
  const text = readTextFile(flag, file);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserInputError(flag, 'must be valid JSON', `${file}: ${(err as Error).message}`);
  }
}

/** Checks that `dir` exists and is a directory; errors name the flag and the path. */
export function requireExistingDir(flag: string, dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    throw new UserInputError(flag, 'must be an existing directory', `${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!st.isDirectory()) throw new UserInputError(flag, 'must be a directory', `${dir} is a file`);
}
