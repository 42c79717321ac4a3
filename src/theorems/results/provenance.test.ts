import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeVersion, packageRoot, provenance, provenanceOf } from './provenance.ts';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const tmp = () => fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-prov-')));

function repo(dir: string): void {
  git(dir, 'init', '-q');
  git(dir, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '--allow-empty', '-m', 'x');
}

describe('provenance', () => {
  it("is signcheck's own package and checkout, whatever the working directory", () => {
    const root = packageRoot();
    expect(root).not.toBeNull();
    expect(JSON.parse(fs.readFileSync(path.join(root!, 'package.json'), 'utf8')).name).toBe('signcheck');
    const p = provenance();
    expect(p.signcheck).toMatch(/^\d+\.\d+\.\d+/);
    expect(p.node).toBe(process.version);
    expect(p.dawn === null || /^\d+\.\d+/.test(p.dawn)).toBe(true);
    // the working directory plays no part: an unrelated repository as cwd changes nothing
    const other = tmp();
    repo(other);
    const cwd = process.cwd();
    try {
      process.chdir(other);
      expect(provenanceOf(root)).toEqual(p);
    } finally {
      process.chdir(cwd);
    }
    if (p.gitSha) expect(p.gitSha).toBe(git(root!, 'rev-parse', 'HEAD'));
  });

  it('a package inside an unrelated repository has no commit; one at the top of its own has it, dirty when modified', () => {
    const outer = tmp();
    repo(outer);
    const pkg = path.join(outer, 'node_modules', 'signcheck');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"name": "signcheck", "version": "9.8.7"}');
    const inside = provenanceOf(pkg);
    expect(inside).toMatchObject({ signcheck: '9.8.7', gitSha: null, dirty: null });
    expect(codeVersion(inside)).toBe('signcheck@9.8.7');

    const own = tmp();
    fs.writeFileSync(path.join(own, 'package.json'), '{"name": "signcheck", "version": "1.2.3"}');
    repo(own);
    git(own, 'add', 'package.json');
    git(own, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '-m', 'pkg');
    const sha = git(own, 'rev-parse', 'HEAD');
    expect(provenanceOf(own)).toMatchObject({ gitSha: sha, dirty: false });
    expect(codeVersion(provenanceOf(own))).toBe(sha);
    fs.writeFileSync(path.join(own, 'package.json'), '{"name": "signcheck", "version": "1.2.4"}');
    expect(codeVersion(provenanceOf(own))).toBe(`${sha}-dirty`);
  });
});
