import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonFile, requireExistingDir, requireWritableDir, requireWritableFile } from './files.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-files-'));
const file = path.join(dir, 'f.txt');
fs.writeFileSync(file, '{"a": 1}');

describe('path checks (nothing created)', () => {
  it('requireWritableDir accepts an existing or creatable directory and creates nothing', () => {
    requireWritableDir('--out', dir);
    requireWritableDir('--out', path.join(dir, 'x', 'y'));
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(['f.txt']);
  });
  it('requireWritableDir refuses a file, a path under a file and an unwritable parent', () => {
    expect(() => requireWritableDir('--out', file)).toThrow(/^--out: must be a directory \(.*f\.txt is a file\)$/);
    expect(() => requireWritableDir('--out', path.join(file, 'a', 'b'))).toThrow(/^--out: must not lie under a file/);
    expect(() => requireWritableDir('--out', '/proc/signcheck-x/y')).toThrow(/^--out: must be creatable \(its parent is not writable\)/);
  });
  it('requireWritableFile refuses a directory and accepts a new file in a writable directory', () => {
    expect(() => requireWritableFile('--baseline', dir)).toThrow(/--baseline: must be a file \(.* is a directory\)/);
    requireWritableFile('--baseline', path.join(dir, 'new.json'));
    requireWritableFile('--baseline', file);
  });
  it('readJsonFile and requireExistingDir name the flag and path', () => {
    expect(readJsonFile('--x', file)).toEqual({ a: 1 });
    fs.writeFileSync(path.join(dir, 'bad.json'), '{');
    expect(() => readJsonFile('--x', path.join(dir, 'bad.json'))).toThrow(/^--x: must be valid JSON \(.*bad\.json: /);
    expect(() => readJsonFile('--x', path.join(dir, 'none.json'))).toThrow(/^--x: must name an existing file \(.*none\.json: ENOENT\)/);
    expect(() => requireExistingDir('--r', file)).toThrow(/^--r: must be a directory/);
    expect(() => requireExistingDir('--r', path.join(dir, 'nope'))).toThrow(/^--r: must be an existing directory/);
  });
});
