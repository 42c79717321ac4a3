/**
 * Report pages of lemma checks: a hook that reads `reports/lemmas.json` when the lemma command
 * writes it.
 *
 * The file has one schema: a JSON array of the rows `signcheck lemmas` writes
 * (src/report/lemmas-text.ts `lemmaRows`): a LemmaResult of src/lemmas/types.ts (id, kind, expect,
 * runs, seed, verdict, smallestRelativeMargin, counterexample, replayCommand, ...) joined with its
 * declaration's `title`, `statement` (LaTeX) and `source`, `asExpected` and `notes`. Every entry
 * needs string fields id and verdict; other fields are shown as they are.
 * Without the file the report says so in the lemma section (nothing is invented).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserInputError } from '../core/errors.ts';
import { fmt } from './format.ts';
import type { ReportPage, Table } from './model.ts';

/** One lemma entry as the report reads it. */
export interface LemmaEntry {
  readonly id: string;
  readonly verdict: string;
  readonly title?: string;
  readonly statement?: string;
  readonly source?: string;
  readonly [field: string]: unknown;
}

/** The lemmas of a lemmas.json, sorted by id. */
export interface LemmaFile {
  readonly lemmas: LemmaEntry[];
}

/** Reads the parsed lemmas.json (the array of the module doc), sorted by id; anything else is a UserInputError naming the file. */
export function parseLemmaResults(data: unknown, file = 'lemmas.json'): LemmaFile {
  if (!Array.isArray(data)) throw new UserInputError(file, 'must be the JSON array of lemma rows that `signcheck lemmas` writes');
  const lemmas = data.map((e, i) => {
    const o = e as Record<string, unknown>;
    if (!o || typeof o !== 'object' || typeof o.id !== 'string' || typeof o.verdict !== 'string') throw new UserInputError(`${file}: entry ${i}`, 'must have string fields id and verdict');
    return o as LemmaEntry;
  });
  lemmas.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { lemmas };
}

const OK_VERDICTS = new Set(['holds', 'refuted as expected']);

function show(v: unknown): string {
  if (typeof v === 'number') return fmt(v, 6);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Reads `<reportsDir>/lemmas.json`; null when it does not exist. */
export function readLemmaFile(reportsDir: string): LemmaFile | null {
  const file = path.join(reportsDir, 'lemmas.json');
  if (!fs.existsSync(file)) return null;
  return parseLemmaResults(JSON.parse(fs.readFileSync(file, 'utf8')), file);
}

/** One page per lemma entry. */
export function lemmaPages(lf: LemmaFile): ReportPage[] {
  const skip = new Set(['id', 'verdict', 'title', 'statement', 'source', 'notes', 'asExpected']);
  const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  return lf.lemmas.map((e) => ({
    id: e.id,
    kind: 'lemma' as const,
    title: e.title ?? e.id,
    verdict: e.verdict,
    ok: typeof e.asExpected === 'boolean' ? e.asExpected : OK_VERDICTS.has(e.verdict),
    ...(e.statement ? { statement: e.statement } : {}),
    source: e.source ?? '(source not in lemmas.json)',
    settings: Object.entries(e)
      .filter(([k, v]) => !skip.has(k) && v !== undefined && (typeof v !== 'object' || v === null || isStrings(v)))
      .map(([k, v]) => [k, isStrings(v) ? v.join('; ') : show(v)] as const),
    figures: [],
    tables: [],
    claims: [],
    text: [
      ...(isStrings(e.notes) ? e.notes : []),
      ...Object.entries(e)
        .filter(([k, v]) => !skip.has(k) && v !== null && typeof v === 'object' && !isStrings(v))
        .map(([k, v]) => `**${k}**: \`${JSON.stringify(v)}\``),
    ],
    discrepancies: [],
    provenance: [
      ['results', 'lemmas.json'],
      ['seed', e.seed === undefined ? '-' : show(e.seed)],
      ['engine', 'cpu (float64)'],
      ['git sha', 'not recorded in lemmas.json'],
      ['date', 'not recorded in lemmas.json'],
    ],
  }));
}

/** The summary table of lemma checks (also the LaTeX `tex/lemmas.tex`). */
export function lemmaTable(lf: LemmaFile): Table {
  return {
    id: 'lemmas',
    title: 'Lemma checks',
    caption: 'Each lemma checked by fast-check over random instances in float64 (lemmas.json): verdict, runs, seed and the smallest relative margin seen.',
    columns: [
      { key: 'id', label: 'lemma', align: 'l' },
      { key: 'source', label: 'source', align: 'l' },
      { key: 'verdict', label: 'verdict', align: 'l' },
      { key: 'runs', label: 'runs', digits: 8 },
      { key: 'seed', label: 'seed', digits: 12 },
      { key: 'margin', label: 'smallest relative margin', digits: 3 },
    ],
    rows: lf.lemmas.map((e) => ({
      id: e.id,
      source: e.source ?? '-',
      verdict: e.verdict,
      runs: typeof e.runs === 'number' ? e.runs : null,
      seed: typeof e.seed === 'number' ? e.seed : null,
      margin: typeof e.smallestRelativeMargin === 'number' ? e.smallestRelativeMargin : null,
    })),
  };
}
