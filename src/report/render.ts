/**
 * Markdown and HTML renderings of report pages and of the index. The HTML is one self-contained
 * file: inline CSS, inline SVG figures, no script, no external resource (it opens offline).
 */
import { cellText, escapeHtml, escapeMdCell, inlineHtml } from './format.ts';
import type { Claim, Figure, PageKind, ReportPage, Table } from './model.ts';

/** Section titles of the page kinds, in index order. */
export const KIND_TITLES: Record<PageKind, string> = {
  lemma: 'Lemmas',
  rate: 'Rate theorems',
  negative: 'Negative results',
  experiment: 'Seed experiments (paper vs ours)',
};
/** Order of the kinds in the index. */
export const KIND_ORDER: readonly PageKind[] = ['lemma', 'rate', 'negative', 'experiment'];

/** Anchor of a page in index.html and base name of its Markdown file. */
export function pageAnchor(p: Pick<ReportPage, 'kind' | 'id'>): string {
  return `${p.kind}-${p.id}`;
}

/** Files a figure has next to the SVG (for links). */
export interface FigureFiles {
  readonly svg: string;
  readonly dat: readonly string[];
  readonly tex: string;
}

/** What the renderers need beyond the pages. */
export interface RenderContext {
  /** Figure id -> inline SVG. */
  readonly svgs: ReadonlyMap<string, string>;
  /** Figure id -> its files (relative to reports/). */
  readonly figureFiles: ReadonlyMap<string, FigureFiles>;
  /** Table id -> LaTeX file (relative to reports/). */
  readonly tableFiles: ReadonlyMap<string, string>;
}

const VERDICT_MARK = (ok: boolean | null) => (ok === true ? 'ok' : ok === false ? 'attention' : 'none');

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

function mdTable(t: Table): string[] {
  const head = `| ${t.columns.map((c) => escapeMdCell(c.label)).join(' | ')} |`;
  const align = (c: Table['columns'][number]) => c.align ?? (t.rows.some((r) => typeof r[c.key] === 'number') ? 'r' : 'l');
  const sep = `|${t.columns.map((c) => (align(c) === 'r' ? '---:' : align(c) === 'c' ? ':---:' : '---')).join('|')}|`;
  const body = t.rows.map((r) => `| ${t.columns.map((c) => escapeMdCell(cellText(r[c.key] ?? null, c.digits ?? 4))).join(' | ')} |`);
  return [head, sep, ...body];
}

function mdClaim(c: Claim): string {
  return `- **${c.verdict}**: ${c.statement}. ${c.detail}`;
}

/** A page as Markdown (links relative to reports/pages/). */
export function pageMarkdown(p: ReportPage, ctx: RenderContext): string {
  const out: string[] = [`# ${p.title}`, '', `[index](../index.md) · ${KIND_TITLES[p.kind]} · \`${p.id}\``, '', `**Verdict:** ${p.verdict}`, ''];
  out.push('## Statement and source', '');
  if (p.statement) out.push('```latex', p.statement, '```', '');
  out.push(`Source: ${p.source}`, '');
  if (p.settings.length) {
    out.push('## Settings', '', '| setting | value |', '|---|---|');
    for (const [k, v] of p.settings) out.push(`| ${escapeMdCell(k)} | ${escapeMdCell(v)} |`);
    out.push('');
  }
  if (p.figures.length) {
    out.push('## Figures', '');
    for (const f of p.figures) {
      const files = ctx.figureFiles.get(f.id)!;
      out.push(`![${f.title}](../${files.svg})`, '', `*${f.caption}*`, '', `Data (pgfplots): ${files.dat.map((d) => `[${d.split('/').pop()}](../${d})`).join(', ')}; axis: [${files.tex.split('/').pop()}](../${files.tex})`, '');
    }
  }
  if (p.tables.length) {
    out.push(p.kind === 'experiment' ? '## Paper vs ours' : '## Fit', '');
    for (const t of p.tables) {
      out.push(`### ${t.title}`, '', t.caption, '', ...mdTable(t), '', `LaTeX (booktabs): [${ctx.tableFiles.get(t.id)!.split('/').pop()}](../${ctx.tableFiles.get(t.id)})`, '');
    }
  }
  if (p.claims.length) out.push('## Checked statements', '', ...p.claims.map(mdClaim), '');
  if (p.discrepancies.length) out.push('## Where ours and the paper disagree', '', ...p.discrepancies.map((d) => `- ${d}`), '');
  if (p.text.length) out.push('## Notes', '', ...p.text.flatMap((t) => [t, '']));
  out.push('## Provenance', '', ...p.provenance.map(([k, v]) => `- **${k}**: ${v}`), '');
  return out.join('\n');
}

/** One line per kind: how many items and how many need a look (ok === false). */
export function glance(pages: readonly ReportPage[]): { kind: PageKind; text: string }[] {
  return KIND_ORDER.map((kind) => {
    const ps = pages.filter((p) => p.kind === kind);
    const bad = ps.filter((p) => p.ok === false).length;
    return { kind, text: `${KIND_TITLES[kind]}: ${ps.length}${ps.length ? (bad ? ` (${bad} worth a look)` : ' (all as expected)') : ''}` };
  });
}

/** The index as Markdown. */
export function indexMarkdown(pages: readonly ReportPage[], extra: IndexExtras): string {
  const out: string[] = ['# signcheck report', '', extra.provenance, '', ...glance(pages).map((g) => `- ${g.text}`), ''];
  for (const kind of KIND_ORDER) {
    const ps = pages.filter((p) => p.kind === kind);
    out.push(`## ${KIND_TITLES[kind]}`, '');
    if (ps.length) {
      out.push('| item | title | verdict | source |', '|---|---|---|---|');
      for (const p of ps) out.push(`| [${p.id}](pages/${pageAnchor(p)}.md) | ${escapeMdCell(p.title)} | ${escapeMdCell(p.verdict)} | ${escapeMdCell(p.source)} |`);
      out.push('');
    }
    for (const n of extra.notes[kind] ?? []) out.push(`${n}`, '');
    if (kind === 'experiment' && extra.pending.length) {
      out.push('Not in this report yet:', '', ...extra.pending.map((m) => `- \`${m.id}\`: ${m.setup}; ${m.why}`), '');
    }
  }
  out.push(`LaTeX: ${extra.texFiles.map((f) => `[${f}](${f})`).join(', ') || 'none'}.`, '');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

/** Index-level additions: provenance line, per-kind notes (Markdown-lite), LaTeX file list. */
export interface IndexExtras {
  readonly provenance: string;
  readonly notes: Partial<Record<PageKind, string[]>>;
  /** Seed experiments of the catalogue without results in this report. */
  readonly pending: readonly { readonly id: string; readonly setup: string; readonly why: string }[];
  readonly texFiles: readonly string[];
}

function htmlTable(t: Table, ctx: RenderContext): string {
  const align = (c: Table['columns'][number]) => c.align ?? (t.rows.some((r) => typeof r[c.key] === 'number') ? 'r' : 'l');
  const cls = (c: Table['columns'][number]) => (align(c) === 'r' ? ' class="num"' : '');
  const head = t.columns.map((c) => `<th${cls(c)}>${escapeHtml(c.label)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${t.columns.map((c) => `<td${cls(c)}>${escapeHtml(cellText(r[c.key] ?? null, c.digits ?? 4))}</td>`).join('')}</tr>`).join('\n');
  const tex = ctx.tableFiles.get(t.id);
  return `<div class="table"><h4>${escapeHtml(t.title)}</h4><p class="caption">${inlineHtml(t.caption)}</p><div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${tex ? `<p class="files">LaTeX: <a href="${escapeHtml(tex)}">${escapeHtml(tex)}</a></p>` : ''}</div>`;
}

function htmlFigure(f: Figure, ctx: RenderContext): string {
  const files = ctx.figureFiles.get(f.id)!;
  const svg = ctx.svgs.get(f.id)!;
  const links = [`<a href="${escapeHtml(files.svg)}">SVG</a>`, ...files.dat.map((d) => `<a href="${escapeHtml(d)}">${escapeHtml(d.split('/').pop()!)}</a>`), `<a href="${escapeHtml(files.tex)}">pgfplots axis</a>`].join(' · ');
  return `<figure class="fig" id="fig-${escapeHtml(f.id)}" data-figure="${escapeHtml(f.id)}">${svg}<figcaption>${inlineHtml(f.caption)}<br><span class="files">${links}</span></figcaption></figure>`;
}

function htmlPage(p: ReportPage, ctx: RenderContext): string {
  const parts: string[] = [];
  parts.push(`<section class="page" id="${escapeHtml(pageAnchor(p))}">`);
  parts.push(`<h2>${escapeHtml(p.title)} <span class="id">${escapeHtml(p.id)}</span></h2>`);
  parts.push(`<p class="verdict ${VERDICT_MARK(p.ok)}">Verdict: ${escapeHtml(p.verdict)}</p>`);
  if (p.statement) parts.push(`<pre class="statement"><code>${escapeHtml(p.statement)}</code></pre>`);
  parts.push(`<p class="source">Source: ${inlineHtml(p.source)}</p>`);
  if (p.settings.length) parts.push(`<h3>Settings</h3><dl class="settings">${p.settings.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${inlineHtml(v)}</dd>`).join('')}</dl>`);
  if (p.figures.length) parts.push(`<h3>Figures</h3>${p.figures.map((f) => htmlFigure(f, ctx)).join('\n')}`);
  if (p.tables.length) parts.push(`<h3>${p.kind === 'experiment' ? 'Paper vs ours' : 'Fit'}</h3>${p.tables.map((t) => htmlTable(t, ctx)).join('\n')}`);
  if (p.claims.length) parts.push(`<h3>Checked statements</h3><ul class="claims">${p.claims.map((c) => `<li><span class="claim ${c.verdict === 'holds' ? 'ok' : c.verdict === 'contradicted' ? 'attention' : 'none'}">${escapeHtml(c.verdict)}</span> ${inlineHtml(c.statement)}. <span class="detail">${inlineHtml(c.detail)}</span></li>`).join('')}</ul>`);
  if (p.discrepancies.length) parts.push(`<h3>Where ours and the paper disagree</h3><ul>${p.discrepancies.map((d) => `<li>${inlineHtml(d)}</li>`).join('')}</ul>`);
  if (p.text.length) parts.push(`<h3>Notes</h3>${p.text.map((t) => `<p>${inlineHtml(t)}</p>`).join('')}`);
  parts.push(`<h3>Provenance</h3><dl class="prov">${p.provenance.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${inlineHtml(v)}</dd>`).join('')}</dl>`);
  parts.push(`<p class="back"><a href="#top">back to the summary</a> · <a href="pages/${escapeHtml(pageAnchor(p))}.md">Markdown page</a></p>`);
  parts.push('</section>');
  return parts.join('\n');
}

const CSS = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem 1.5rem 4rem; color: #1a1a1a; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.5rem; border-top: 2px solid #ddd; padding-top: 1rem; }
h2 .id { font-size: 0.7em; color: #666; font-weight: normal; font-family: ui-monospace, monospace; }
.prov-line { color: #444; font-size: 0.92em; }
table { border-collapse: collapse; font-size: 0.88em; margin: 0.4rem 0; }
th, td { padding: 0.25rem 0.55rem; border-bottom: 1px solid #e2e2e2; text-align: left; vertical-align: top; }
th { border-bottom: 2px solid #999; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
.verdict { font-weight: 600; display: inline-block; padding: 0.15rem 0.6rem; border-radius: 4px; }
.ok { background: #e3f4e8; color: #145c2c; } .attention { background: #fdeaea; color: #8a1c1c; } .none { background: #eee; color: #333; }
.claim { font-weight: 600; padding: 0 0.35rem; border-radius: 3px; }
pre.statement { background: #f6f6f6; padding: 0.6rem; overflow-x: auto; white-space: pre-wrap; }
dl.settings, dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; font-size: 0.92em; }
dt { font-weight: 600; } dd { margin: 0; }
figure.fig { margin: 1rem 0; } figure.fig svg { max-width: 100%; height: auto; }
figcaption, .caption { font-size: 0.88em; color: #333; } .files { font-size: 0.85em; color: #555; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.92em; }
.detail { color: #444; font-size: 0.92em; }
`;

/** The self-contained index.html: summary tables per kind, then one section per page. */
export function indexHtml(pages: readonly ReportPage[], ctx: RenderContext, extra: IndexExtras): string {
  const out: string[] = [];
  out.push('<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">', '<title>signcheck report</title>', `<style>${CSS}</style>`, '</head>', '<body>');
  out.push('<header id="top"><h1>signcheck report</h1>', `<p class="prov-line">${inlineHtml(extra.provenance)}</p></header>`);
  out.push('<nav><h2>Summary</h2>');
  out.push(`<ul class="glance">${glance(pages).map((g) => `<li><a href="#summary-${g.kind}">${escapeHtml(g.text)}</a></li>`).join('')}</ul>`);
  for (const kind of KIND_ORDER) {
    const ps = pages.filter((p) => p.kind === kind);
    out.push(`<h3 id="summary-${kind}">${escapeHtml(KIND_TITLES[kind])}</h3>`);
    if (ps.length) {
      out.push('<div class="scroll"><table><thead><tr><th>item</th><th>title</th><th>verdict</th><th>source</th></tr></thead><tbody>');
      for (const p of ps) out.push(`<tr><td><a href="#${escapeHtml(pageAnchor(p))}">${escapeHtml(p.id)}</a></td><td>${escapeHtml(p.title)}</td><td><span class="verdict ${VERDICT_MARK(p.ok)}">${escapeHtml(p.verdict)}</span></td><td>${inlineHtml(p.source)}</td></tr>`);
      out.push('</tbody></table></div>');
    }
    for (const n of extra.notes[kind] ?? []) out.push(`<p>${inlineHtml(n)}</p>`);
    if (kind === 'experiment' && extra.pending.length) {
      out.push(`<p>Not in this report yet:</p><ul>${extra.pending.map((m) => `<li><code>${escapeHtml(m.id)}</code>: ${inlineHtml(m.setup)}; ${inlineHtml(m.why)}</li>`).join('')}</ul>`);
    }
  }
  out.push(`<p class="files">LaTeX (booktabs tables, pgfplots axes): ${extra.texFiles.map((f) => `<a href="${escapeHtml(f)}">${escapeHtml(f)}</a>`).join(', ') || 'none'}</p>`);
  out.push('</nav>', '<main>');
  for (const kind of KIND_ORDER) for (const p of pages.filter((q) => q.kind === kind)) out.push(htmlPage(p, ctx));
  out.push('</main>', '</body>', '</html>', '');
  return out.join('\n');
}
