/**
 * Dawn's loader warnings ("Warning: Couldn't load Vulkan ... at operator() (...)") come from its
 * native code straight to stderr. On the default `auto` engine the adapter is probed in a child
 * process, so they stay out of normal output; `--verbose` and `doctor` show them. The machine
 * without a Vulkan driver is simulated by pointing the Vulkan loader at a driver list that does
 * not exist (which makes Dawn print such a trace-like warning).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/signcheck.mjs', import.meta.url));
const noVulkan = { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' };

describe("Dawn's loader warnings", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-dawn-'));
  const cfg = path.join(dir, 'c.yaml');
  fs.writeFileSync(cfg, 'theorems:\n  signum-separable:\n    replicas: 2\n    T: [1024, 4096]\n');
  const rates = (out: string, ...extra: string[]) =>
    spawnSync(process.execPath, [bin, 'rates', '--only', 'signum-separable', '--config', cfg, '--out', path.join(dir, out), '--reports', path.join(dir, `rep-${out}`), ...extra], { encoding: 'utf8', env: noVulkan });

  it('stay out of a normal run on the auto engine, and are shown under --verbose', () => {
    const plain = rates('a');
    expect([0, 1]).toContain(plain.status);
    expect(plain.stdout).toMatch(/on cpu/);
    expect(plain.stdout + plain.stderr).not.toMatch(/Warning|\n\s+at /);
    const verbose = rates('b', '--verbose');
    expect([0, 1]).toContain(verbose.status);
    const lines = verbose.stderr.split('\n').filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/^signcheck: dawn: /);
    expect(verbose.stderr).toMatch(/dawn: Warning: .*[Vv]ulkan|dawn: Warning: .*vkCreateInstance/);
  }, 120_000);

  it('doctor lists them', () => {
    const r = spawnSync(process.execPath, [bin, 'doctor'], { encoding: 'utf8', env: noVulkan });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Dawn \(webgpu [^)]+\) loader messages:\n\s+Warning: /);
  }, 60_000);
});
