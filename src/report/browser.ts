/**
 * Opens a generated report in headless Chromium (Debian's `chromium` package, driven by
 * playwright-core) and reports what a reader's browser would show: console errors, page errors,
 * network requests (there must be none: the report is self-contained), and for every figure
 * whether its SVG rendered (non-empty box, drawn marks).
 */
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Where the Debian package installs Chromium (scripts/install-chromium.sh). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags: no sandbox (containers, root), headless, and no background traffic. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-background-networking', '--disable-component-update'];

/** One figure as rendered. */
export interface RenderedFigure {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** Drawn SVG elements (path, line, rect, circle, text...) inside the figure's SVG. */
  readonly marks: number;
  /** Elements with a non-empty path / shape among them. */
  readonly paths: number;
}

/** What {@link checkReportInBrowser} saw. */
export interface BrowserCheck {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  /** URLs requested that are not the file itself or data: URLs (must be empty). */
  readonly externalRequests: string[];
  readonly figures: RenderedFigure[];
  /** Number of `<figure class="fig">` elements in the document. */
  readonly figureElements: number;
  readonly title: string;
}

/** Runs in the page: every figure's SVG box, drawn elements, and paths with a non-empty bounding box. */
const FIGURE_PROBE = `(() => {
  const out = [];
  for (const fig of Array.from(document.querySelectorAll('figure.fig'))) {
    const svg = fig.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    const marks = svg ? svg.querySelectorAll('path, line, rect, circle, text, polygon, polyline').length : 0;
    let paths = 0;
    if (svg) for (const el of Array.from(svg.querySelectorAll('path'))) {
      const b = el.getBBox();
      if ((el.getAttribute('d') || '').length > 2 && (b.width > 0 || b.height > 0)) paths++;
    }
    out.push({ id: fig.getAttribute('data-figure') || '', width: box.width, height: box.height, marks, paths });
  }
  return out;
})()`;

/** True when the Chromium binary is present. */
export function chromiumAvailable(path = CHROMIUM_PATH): boolean {
  return fs.existsSync(path);
}

/**
 * Loads `htmlFile` (file:// URL) in headless Chromium and inspects every `figure.fig svg`.
 * Optionally saves a full-page screenshot.
 */
export async function checkReportInBrowser(htmlFile: string, options: { executablePath?: string; screenshot?: string; timeoutMs?: number } = {}): Promise<BrowserCheck> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: options.executablePath ?? CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: options.timeoutMs ?? 30_000 });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const externalRequests: string[] = [];
    const url = pathToFileURL(htmlFile).href;
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('request', (r) => {
      const u = r.url();
      if (u !== url && !u.startsWith('data:')) externalRequests.push(u);
    });
    await page.goto(url, { waitUntil: 'load', timeout: options.timeoutMs ?? 30_000 });
    // a string, so this module needs no DOM typings (tsconfig lib is ES2022 only)
    const figures = (await page.evaluate(FIGURE_PROBE)) as RenderedFigure[];
    if (options.screenshot) await page.screenshot({ path: options.screenshot, fullPage: true });
    const figureElements = await page.locator('figure.fig').count();
    return { consoleErrors, pageErrors, externalRequests, figures, figureElements, title: await page.title() };
  } finally {
    await browser.close();
  }
}
