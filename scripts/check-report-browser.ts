/**
 * Opens a generated report in headless Chromium and fails (exit 1) on console or page errors,
 * network requests, or a figure whose SVG did not render: `npx tsx scripts/check-report-browser.ts reports/index.html`.
 */
import { checkReportInBrowser } from '../src/report/browser.ts';

const file = process.argv[2] ?? 'reports/index.html';
const r = await checkReportInBrowser(file);
const bad = r.figures.filter((f) => !(f.width > 0 && f.height > 0 && f.paths > 0));
console.log(`${file}: ${r.figures.length} figures, ${bad.length} not rendered, ${r.consoleErrors.length} console errors, ${r.pageErrors.length} page errors, ${r.externalRequests.length} network requests`);
for (const m of [...r.consoleErrors, ...r.pageErrors, ...r.externalRequests, ...bad.map((f) => `figure ${f.id} empty`)]) console.log(`  ${m}`);
process.exitCode = bad.length + r.consoleErrors.length + r.pageErrors.length + r.externalRequests.length > 0 ? 1 : 0;
