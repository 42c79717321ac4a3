/**
 * Text helpers shared by the report renderers: number formatting, slugs, and escaping for HTML,
 * Markdown and LaTeX, plus the small inline markup the pages use (`code` and **bold**).
 */
import { fmt } from '../experiments/compare.ts';

/** Significant-digit number formatting (re-exported from src/experiments/compare.ts). */
export { fmt };

/** A file-name-safe slug: lowercase letters, digits and single dashes. */
export function slug(s: string): string {
  const out = s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return out || 'x';
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Escapes text for a Markdown table cell (pipes and line breaks). */
export function escapeMdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** LaTeX text-mode spellings of the characters {@link escapeTex} replaces by a command. */
const TEX_COMMANDS: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
};

/**
 * Escapes text for LaTeX text mode, in one pass: `& % $ # _ { }` get a backslash; `\ ~ ^ < >`
 * become `\textbackslash{}`, `\textasciitilde{}`, `\textasciicircum{}`, `\textless{}`,
 * `\textgreater{}` (in the default OT1 font encoding the plain characters print as other glyphs
 * or accents). A vertical bar becomes `\textbar{}` when `bar` is `'textbar'` (the lemma report)
 * and stays `|` when it is `'literal'` (the default: the tables and figures of reports/tex).
 */
export function escapeTex(s: string, bar: 'literal' | 'textbar' = 'literal'): string {
  const specials = bar === 'textbar' ? /[\\{}$&#%_^~<>|]/g : /[\\{}$&#%_^~<>]/g;
  return s.replace(specials, (c) => TEX_COMMANDS[c] ?? `\\${c}`);
}

/**
 * Inline markup to HTML: text is escaped, then `code` becomes <code> and **bold** <strong>.
 * Nothing else is interpreted (no links, no raw HTML), so results text cannot inject markup.
 */
export function inlineHtml(s: string): string {
  const parts = s.split('`');
  return parts
    .map((p, i) => (i % 2 === 1 && i < parts.length - 1 ? `<code>${escapeHtml(p)}</code>` : escapeHtml(i % 2 === 1 ? `\`${p}` : p).replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')))
    .join('');
}

/** A cell value as text: numbers with `digits` significant digits, null as '-'. */
export function cellText(v: string | number | null, digits = 4): string {
  if (v === null) return '-';
  if (typeof v === 'number') return fmt(v, digits);
  return v;
}

/**
 * A series in words: "<algorithm> on <problem>, <noise>" with its distinguishing parameters in
 * parentheses ("k=v, ..."); `noiseWord` goes before the noise id (pages write "noise gaussian").
 */
export function seriesLabel(series: { readonly algorithm: string; readonly problem: string; readonly noise: string; readonly params: Readonly<Record<string, unknown>> }, noiseWord = ''): string {
  const p = Object.entries(series.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `${series.algorithm} on ${series.problem}, ${noiseWord}${series.noise}${p ? ` (${p})` : ''}`;
}
