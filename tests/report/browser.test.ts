import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.ts';
import { checkReportInBrowser, chromiumAvailable } from '../../src/report/browser.ts';
import { builtinCatalogue } from '../../catalogue.ts';
import { writeFixtureInputs } from './fixture.ts';

// Headless Chromium (Debian `chromium`, installed by scripts/install-chromium.sh; .ci/run runs it).
// Without the binary the test is skipped locally, but it fails in CI (CI=true), where the report's
// browser check must run.
const have = chromiumAvailable();
if (!have && process.env.CI) {
  describe('report in a browser', () => {
    it('needs /usr/bin/chromium in CI (scripts/install-chromium.sh)', () => {
      expect(have).toBe(true);
    });
  });
}

describe.runIf(have)('report in a browser (headless Chromium)', () => {
  it('opens index.html offline with no console errors and every figure rendered', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signcheck-browser-'));
    const inputs = await writeFixtureInputs(dir);
    const built = await buildReport({ catalogue: builtinCatalogue, ...inputs });
    const r = await checkReportInBrowser(path.join(dir, 'index.html'));
    expect(r.title).toBe('signcheck report');
    expect(r.consoleErrors).toEqual([]);
    expect(r.pageErrors).toEqual([]);
    expect(r.externalRequests).toEqual([]);
    expect(r.figureElements).toBe(built.figures);
    expect(r.figures.map((f) => f.id)).toEqual(built.pages.flatMap((p) => p.figures.map((f) => f.id)));
    for (const f of r.figures) {
      expect(f.width, f.id).toBeGreaterThan(100);
      expect(f.height, f.id).toBeGreaterThan(100);
      expect(f.paths, f.id).toBeGreaterThan(3); // axes, marks and legend symbols are drawn paths
      expect(f.marks, f.id).toBeGreaterThan(10);
    }
  }, 60_000);
});
