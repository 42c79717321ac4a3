import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/files.ts';
import { RESOLUTION, verdictAsExpected } from '../lemmas/runner.ts';
import { escapeTex } from './format.ts';
import type { LemmaResult, LemmaVerdict } from '../lemmas/types.ts';

/**
 * Reports of the lemma checks (reports/lemmas.md, and the report's tex/lemmas.tex): one row per lemma or
 * variant with its statement, source, assumptions, runs, seed, smallest relative margin and verdict,
 * and for every refutation the shrunk counterexample with the command that replays it. Generated from
 * {@link LemmaResult}s only, so the CLI can write them from a saved JSON as well.
 */

/** One row of the lemma report. */
export interface LemmaRow {
  readonly id: string;
  readonly title: string;
  readonly kind: 'exact' | 'statistical';
  readonly expect: 'holds' | 'refuted';
  /** Id of the lemma this row varies, and what was changed. */
  readonly variantOf?: string;
  readonly change?: string;
  /** LaTeX math, no delimiters. */
  readonly statement: string;
  readonly relation: '<=' | '=';
  readonly source: string;
  readonly reading?: string;
  readonly assumptions: readonly string[];
  readonly families: readonly string[];
  readonly toleranceDerivation: string;
  readonly runs: number;
  readonly evaluations: number;
  readonly resolvedEvaluations: number;
  readonly seed: number;
  readonly smallestRelativeMargin: number;
  readonly relativeToleranceAtSmallest: number;
  readonly tightWithin?: number;
  readonly verdict: LemmaVerdict;
  readonly asExpected: boolean;
  /** Counterexample as JSON text (refutations and errors). */
  readonly counterexample?: string;
  readonly lhs?: number;
  readonly rhs?: number;
  readonly tolerance?: number;
  readonly path?: string;
  readonly replayCommand?: string;
  readonly error?: string;
  readonly method?: string;
  readonly falseAlarm?: number;
  readonly detectableEffect?: string;
  readonly notes: readonly string[];
  readonly timeMs: number;
}

/** Extra provenance printed in the reports' headers. */
export interface ReportMeta {
  /** The command that writes the file (default `signcheck lemmas`). */
  readonly generator?: string;
  readonly generatedAt?: string;
  readonly gitSha?: string;
  readonly command?: string;
}

/** Rows of the report, in the order of the results. */
export function lemmaRows(results: readonly LemmaResult[]): LemmaRow[] {
  return results.map((r) => {
    const d = r.declaration;
    return {
      id: r.id,
      title: d.title,
      kind: r.kind,
      expect: r.expect,
      ...(r.variantOf ? { variantOf: r.variantOf.id, change: r.variantOf.change } : {}),
      statement: d.statement,
      relation: d.relation,
      source: d.source,
      ...(d.reading !== undefined ? { reading: d.reading } : {}),
      assumptions: d.assumptions,
      families: d.families,
      toleranceDerivation: d.toleranceDerivation,
      runs: r.runs,
      evaluations: r.evaluations,
      resolvedEvaluations: r.resolvedEvaluations,
      seed: r.seed,
      smallestRelativeMargin: r.smallestRelativeMargin,
      relativeToleranceAtSmallest: r.relativeToleranceAtSmallest,
      ...(d.tightWithin !== undefined ? { tightWithin: d.tightWithin } : {}),
      verdict: r.verdict,
      asExpected: verdictAsExpected(r.verdict),
      ...(r.counterexample !== undefined ? { counterexample: JSON.stringify(r.counterexample) } : {}),
      ...(r.counterexampleOutcome ? { lhs: r.counterexampleOutcome.lhs, rhs: r.counterexampleOutcome.rhs, tolerance: r.counterexampleOutcome.tolerance } : {}),
      ...(r.path !== undefined ? { path: r.path } : {}),
      ...(r.replayCommand !== undefined ? { replayCommand: r.replayCommand } : {}),
      ...(r.error !== undefined ? { error: r.error } : {}),
      ...(d.method !== undefined ? { method: d.method, falseAlarm: d.falseAlarm, detectableEffect: d.detectableEffect } : {}),
      notes: d.notes ?? [],
      timeMs: r.timeMs,
    };
  });
}

/** 3 significant digits, e.g. -4.19e-11; 'n/a' for NaN. */
export function formatNumber(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return 'n/a';
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e4) return Number(x.toPrecision(3)).toString();
  return x.toExponential(2).replace('e+', 'e');
}

function summaryLine(rows: readonly LemmaRow[]): string {
  const lemmas = rows.filter((r) => r.expect === 'holds').length;
  const checks = rows.length - lemmas;
  const bad = rows.filter((r) => !r.asExpected);
  return (
    `${rows.length} declarations: ${lemmas} expected to hold, ${checks} power checks / wrong variants expected to be refuted. ` +
    (bad.length === 0 ? 'Every verdict is as expected.' : `NOT as expected: ${bad.map((r) => `${r.id} (${r.verdict})`).join(', ')}.`)
  );
}

function header(meta: ReportMeta | undefined): string[] {
  const parts = [`generated by \`${meta?.generator ?? 'signcheck lemmas'}\`; do not edit`];
  if (meta?.command) parts.push(`command: \`${meta.command}\``);
  if (meta?.gitSha) parts.push(`git ${meta.gitSha}`);
  if (meta?.generatedAt) parts.push(meta.generatedAt);
  return parts;
}

/** Markdown cells: LaTeX norm bars would end the cell, so they become \Vert / \vert. */
function mdMath(latex: string): string {
  return latex.replace(/\\\|/g, '\\Vert ').replace(/\|/g, '\\vert ').replace(/\n/g, ' ');
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function marginText(r: LemmaRow): string {
  if (Number.isNaN(r.smallestRelativeMargin)) return 'n/a';
  return formatNumber(r.smallestRelativeMargin);
}

/** The Markdown report (reports/lemmas.md). */
export function renderLemmasMarkdown(results: readonly LemmaResult[], meta?: ReportMeta): string {
  const rows = lemmaRows(results);
  const out: string[] = [];
  out.push('# Lemma checks', '', `<!-- ${header(meta).join(' | ')} -->`, '');
  out.push(summaryLine(rows), '');
  out.push(
    'Each lemma is checked with fast-check over its declared domain in float64; a counterexample must exceed the derived rounding tolerance. ' +
      `Smallest margin: min of (rhs - lhs) / scale over the evaluations whose tolerance is at most ${RESOLUTION} of the scale ` +
      '(for identities: minus the largest relative residual); negative values within the tolerance are rounding.',
    '',
  );
  out.push('| id | statement | source | runs | seed | smallest margin | verdict |', '|---|---|---|---:|---:|---:|---|');
  for (const r of rows) {
    const id = r.variantOf ? `${r.id} (variant of ${r.variantOf})` : r.id;
    out.push(`| ${mdCell(id)} | $${mdMath(r.statement)}$ | ${mdCell(r.source)} | ${r.runs} | ${r.seed} | ${marginText(r)} | ${r.verdict} |`);
  }
  out.push('');
  for (const r of rows) {
    out.push(`## ${r.id}: ${r.title}`, '');
    out.push('$$', r.statement, '$$', '');
    if (r.variantOf) out.push(`Variant of \`${r.variantOf}\`: ${r.change}. Expected: ${r.expect}.`, '');
    out.push(`- Source: ${r.source}`);
    if (r.reading) out.push(`- Reading: ${r.reading}`);
    out.push(`- Assumptions: ${r.assumptions.join('; ')}`);
    out.push(`- Domain: ${r.families.join('; ')}`);
    out.push(`- Tolerance: ${r.toleranceDerivation}`);
    if (r.method) {
      out.push(`- Method: ${r.method}`);
      out.push(`- False-alarm rate: ${r.falseAlarm} (family-wise over the declared runs)`);
      out.push(`- Detectable effect: ${r.detectableEffect}`);
    }
    out.push(
      `- Result: ${r.verdict}; ${r.runs} runs (${r.evaluations} evaluations with shrinking, ${r.resolvedEvaluations} resolved), seed ${r.seed}, ` +
        `smallest margin ${marginText(r)} (tolerance/scale there ${formatNumber(r.relativeToleranceAtSmallest)})` +
        (r.tightWithin !== undefined ? `, equality claimed reachable (target ${r.tightWithin})` : '') +
        `, ${Math.round(r.timeMs)} ms`,
    );
    for (const n of r.notes) out.push(`- Note: ${n}`);
    if (r.error) out.push(`- Error: ${r.error}`);
    if (r.counterexample !== undefined) {
      out.push('', r.error ? 'Instance that failed:' : `Counterexample (shrunk): lhs = ${r.lhs}, rhs = ${r.rhs}, tolerance = ${formatNumber(r.tolerance)}`, '');
      out.push('```json', r.counterexample, '```');
      if (r.replayCommand) out.push('', 'Replay:', '', '```sh', r.replayCommand, '```');
    }
    out.push('');
  }
  return out.join('\n');
}

/** Text with inline math between $...$: the text is escaped, the math kept. */
export function texMixed(text: string): string {
  const parts = text.split('$');
  if (parts.length % 2 === 0) return escapeTex(text, 'textbar'); // unbalanced: treat all as text
  return parts.map((p, i) => (i % 2 === 1 ? `$${p}$` : escapeTex(p, 'textbar'))).join('');
}

function texNumber(x: number | undefined): string {
  const s = formatNumber(x);
  const m = /^(-?[\d.]+)e(-?\d+)$/.exec(s);
  return m ? `$${m[1]}\\times10^{${m[2]}}$` : s === 'n/a' ? 'n/a' : `$${s}$`;
}

/** Breakable monospace text for long tokens (JSON, commands). */
function texTT(text: string): string {
  return `\\texttt{${escapeTex(text, 'textbar').replace(/([,:])/g, '$1\\allowbreak{}')}}`;
}

/**
 * The LaTeX table of the lemma checks (the report's tex/lemmas.tex, from the rows of lemmas.json):
 * a booktabs longtable of all declarations and a list of the counterexamples with their replay
 * commands. A fragment for \input; needs booktabs, longtable, amsmath, amssymb.
 */
export function renderLemmaRowsTex(rows: readonly LemmaRow[], meta?: ReportMeta): string {
  const out: string[] = [];
  out.push(`% ${header(meta).join(' | ').replace(/`/g, '')}`);
  out.push('% needs \\usepackage{booktabs,longtable,amsmath,amssymb}');
  out.push(`% ${summaryLine(rows)}`);
  out.push('\\begin{longtable}{@{}p{2.7cm}p{5.2cm}p{2.3cm}p{3.2cm}rrrp{1.7cm}@{}}');
  out.push('\\toprule');
  const head = 'Id & Statement & Source & Assumptions & Runs & Seed & Smallest margin & Verdict \\\\';
  out.push(head, '\\midrule', '\\endfirsthead', '\\toprule', head, '\\midrule', '\\endhead', '\\bottomrule', '\\endlastfoot');
  for (const r of rows) {
    const id = escapeTex(r.id, 'textbar') + (r.variantOf ? ` \\newline {\\footnotesize (variant of ${escapeTex(r.variantOf, 'textbar')})}` : '');
    const stmt = `$${r.statement}$`;
    const assumptions = r.assumptions.map(texMixed).join('; ');
    out.push(
      `${id} & {\\footnotesize ${stmt}} & {\\footnotesize ${escapeTex(r.source, 'textbar')}} & {\\footnotesize ${assumptions}} & ${r.runs} & ${r.seed} & ${texNumber(
        r.smallestRelativeMargin,
      )} & ${escapeTex(r.verdict, 'textbar')} \\\\`,
    );
  }
  out.push('\\end{longtable}');
  const refuted = rows.filter((r) => r.counterexample !== undefined);
  if (refuted.length > 0) {
    out.push('', '\\paragraph{Counterexamples (shrunk) and replay commands.}', '\\begin{description}');
    for (const r of refuted) {
      out.push(
        `\\item[${escapeTex(r.id, 'textbar')}] ${r.error ? `error: ${escapeTex(r.error, 'textbar')}; instance ` : `lhs ${texNumber(r.lhs)}, rhs ${texNumber(r.rhs)}, tolerance ${texNumber(r.tolerance)}; instance `}${texTT(
          r.counterexample!,
        )}${r.replayCommand ? `\\\\ replay: ${texTT(r.replayCommand)}` : ''}`,
      );
    }
    out.push('\\end{description}');
  }
  out.push('');
  return out.join('\n');
}

/** {@link renderLemmaRowsTex} of the rows of these results. */
export function renderLemmasTex(results: readonly LemmaResult[], meta?: ReportMeta): string {
  return renderLemmaRowsTex(lemmaRows(results), meta);
}

/**
 * Writes every lemma output of a check into `dir` (created if needed): `lemmas.md`
 * ({@link renderLemmasMarkdown}) and `lemmas.json` (the {@link lemmaRows}, the one schema the report
 * reads: src/report/lemmas.ts). The LaTeX table is the report's (tex/lemmas.tex, from lemmas.json).
 */
export function writeLemmaFiles(results: readonly LemmaResult[], dir: string, meta?: ReportMeta): { markdown: string; json: string } {
  mkdirSync(dir, { recursive: true });
  const markdown = join(dir, 'lemmas.md');
  writeFileSync(markdown, renderLemmasMarkdown(results, meta));
  const json = join(dir, 'lemmas.json');
  writeFileAtomic(json, `${JSON.stringify(lemmaRows(results), null, 1)}\n`);
  return { markdown, json };
}
