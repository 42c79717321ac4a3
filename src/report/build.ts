/**
 * `signcheck report`: turns the results on disk into `reports/`:
 * - `index.html` (self-contained: inline CSS and SVG, no script, opens offline) and `index.md`,
 * - `pages/<kind>-<id>.md`, one per lemma, rate theorem, negative result and seed experiment,
 * - `figures/<id>.svg` (Vega-Lite, see src/report/vega.ts) with pgfplots data `figures/<id>.<series>.dat`,
 * - `tex/<table>.tex` booktabs tables and `tex/fig-<id>.tex` pgfplots axes.
 *
 * Inputs (read only): `rates.json` and `<results>/<theorem>.jsonl` (rate theorems and negative
 * results), `lemmas.json` (lemma checks; see src/report/lemmas.ts), and
 * `<results>/experiments/<id>.json` (seed experiments). The output is a pure function of those
 * files: no clock, no randomness (bootstraps use fixed Philox seeds), fixed orders; running the
 * report twice on the same results gives byte-identical files. Files in `figures/`, `pages/` and
 * `tex/` that the current run did not write are removed (those folders belong to the report).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../core/files.ts';
import type { Catalogue } from '../catalogue.ts';
import { experimentPages } from './experiments.ts';
import { figureDat, figureTex, tableTex } from './latex.ts';
import { lemmaPages, lemmaTable, readLemmaFile } from './lemmas.ts';
import type { Figure, PageKind, ReportPage, Table } from './model.ts';
import { ratePages } from './rates.ts';
import { indexHtml, indexMarkdown, pageAnchor, pageMarkdown, type FigureFiles, type IndexExtras, type RenderContext } from './render.ts';
import { figureSpec, renderSvg } from './vega.ts';

/** Options of {@link buildReport}. */
export interface BuildReportOptions {
  /** The declarations the results are read against (statements, designs, seed-experiment analyses). */
  readonly catalogue: Pick<Catalogue, 'theorems' | 'seedExperiments' | 'plannedSeedExperiments'>;
  /** Directory holding rates.json and lemmas.json, and (by default) the output. */
  readonly reportsDir: string;
  /** Results directory (default `<reportsDir>/results`). */
  readonly resultsDir?: string;
  /** Output directory (default `reportsDir`). */
  readonly outDir?: string;
}

/** What {@link buildReport} wrote. */
export interface BuildReportResult {
  /** Files written, relative to the output directory, sorted. */
  readonly files: string[];
  /** Stale files removed from figures/, pages/, tex/. */
  readonly removed: string[];
  readonly pages: ReportPage[];
  readonly figures: number;
}

const OWNED_DIRS = ['figures', 'pages', 'tex'];
const CLIP_NOTE = ' Interval ends at or below 0 are drawn at the bottom of the log axis.';

function checkUnique(kind: string, ids: string[]): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new Error(`report: ${kind} id "${id}" is used twice`);
    seen.add(id);
  }
}

/** Builds the whole report (see the module doc). */
export async function buildReport(opts: BuildReportOptions): Promise<BuildReportResult> {
  const reportsDir = opts.reportsDir;
  const resultsDir = opts.resultsDir ?? path.join(reportsDir, 'results');
  const outDir = opts.outDir ?? reportsDir;
  const notes: Partial<Record<PageKind, string[]>> = {};

  const lemmaFile = readLemmaFile(reportsDir);
  const pages: ReportPage[] = [];
  const extraTables: Table[] = [];
  if (lemmaFile) {
    pages.push(...lemmaPages(lemmaFile));
    extraTables.push(lemmaTable(lemmaFile));
  } else {
    notes.lemma = [
      fs.existsSync(path.join(reportsDir, 'lemmas.md'))
        ? 'No `lemmas.json` yet: the lemma checks are reported in `lemmas.md` next to this file; this summary will list them once the lemma command writes `lemmas.json` (format: src/report/lemmas.ts).'
        : 'No lemma results found (`lemmas.json`): run the lemma checks first (format read by this report: src/report/lemmas.ts).',
    ];
  }
  const rates = ratePages(reportsDir, resultsDir, opts.catalogue.theorems);
  pages.push(...rates);
  if (!rates.some((p) => p.kind === 'rate')) notes.rate = ['No rate-theorem results found (`rates.json`): run `signcheck rates` first.'];
  if (!rates.some((p) => p.kind === 'negative')) notes.negative = ['No negative results in `rates.json` yet.'];
  const exps = experimentPages(reportsDir, resultsDir, opts.catalogue);
  pages.push(...exps.pages);

  // figures: captions note clipping, ids unique, SVG + .dat + pgfplots axis
  const figures: Figure[] = [];
  const fixedPages = pages.map((p) => ({
    ...p,
    figures: p.figures.map((f) => {
      const g = figureSpec(f).clipped ? { ...f, caption: f.caption + CLIP_NOTE } : f;
      figures.push(g);
      return g;
    }),
  }));
  checkUnique('figure', figures.map((f) => f.id));
  const tables = [...extraTables, ...fixedPages.flatMap((p) => p.tables)];
  checkUnique('table', tables.map((t) => t.id));
  checkUnique('page', fixedPages.map(pageAnchor));

  const files = new Map<string, string>();
  const svgs = new Map<string, string>();
  const figureFiles = new Map<string, FigureFiles>();
  for (const f of figures) {
    const { svg } = await renderSvg(f);
    svgs.set(f.id, svg);
    const dats = figureDat(f);
    files.set(`figures/${f.id}.svg`, `${svg}\n`);
    for (const d of dats) files.set(`figures/${d.name}`, d.text);
    files.set(`tex/fig-${f.id}.tex`, figureTex(f, dats));
    figureFiles.set(f.id, { svg: `figures/${f.id}.svg`, dat: dats.map((d) => `figures/${d.name}`), tex: `tex/fig-${f.id}.tex` });
  }
  const tableFiles = new Map<string, string>();
  for (const t of tables) {
    files.set(`tex/${t.id}.tex`, t.tex ?? tableTex(t));
    tableFiles.set(t.id, `tex/${t.id}.tex`);
  }
  const ctx: RenderContext = { svgs, figureFiles, tableFiles };
  for (const p of fixedPages) files.set(`pages/${pageAnchor(p)}.md`, pageMarkdown(p, ctx));

  const shas = new Set<string>();
  for (const p of fixedPages) for (const [k, v] of p.provenance) if (k === 'git sha') for (const s of v.split(', ')) if (/^[0-9a-f]{7,40}$/.test(s)) shas.add(s);
  const profiles = [...new Set(fixedPages.flatMap((p) => p.settings.filter(([k]) => k === 'profile').map(([, v]) => v)))].sort();
  const extras: IndexExtras = {
    provenance: `Generated by \`signcheck report\` from the results files named on each page (no timestamps here; each page's provenance gives its run's date where the results record one). Results from git ${[...shas].sort().map((s) => `\`${s.slice(0, 12)}\``).join(', ') || 'sha unknown'}${profiles.length ? `; seed-experiment profile ${profiles.join(', ')}` : ''}. ${fixedPages.length} items, ${figures.length} figures.`,
    notes,
    pending: exps.missing,
    texFiles: [...tableFiles.values()].sort(),
  };
  files.set('index.md', indexMarkdown(fixedPages, extras));
  files.set('index.html', indexHtml(fixedPages, ctx, extras));

  fs.mkdirSync(outDir, { recursive: true });
  for (const [rel, text] of files) {
    const target = path.join(outDir, rel);
    if (fs.existsSync(target) && fs.readFileSync(target, 'utf8') === text) continue;
    writeFileAtomic(target, text);
  }
  const removed: string[] = [];
  for (const d of OWNED_DIRS) {
    const dir = path.join(outDir, d);
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort()) {
      const rel = `${d}/${f}`;
      if (!files.has(rel) && fs.statSync(path.join(dir, f)).isFile()) {
        fs.rmSync(path.join(dir, f));
        removed.push(rel);
      }
    }
  }
  return { files: [...files.keys()].sort(), removed, pages: fixedPages, figures: figures.length };
}

