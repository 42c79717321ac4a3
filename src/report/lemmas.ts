/**
 * Report pages of lemma checks: a hook that reads `reports/lemmas.json` when the lemma command
 * writes it.
 *
 * The file has one schema: a JSON array of the rows `signcheck lemmas` writes
 * (src/report/lemmas-text.ts `lemmaRows`): a LemmaResult of src/lemmas/types.ts (id, kind, expect,
 * runs, seed, verdict, smallestRelativeMargin, counterexample, replayCommand, ...) joined with its
 * declaration's `title`, `statement` (LaTeX) and `source`, `asExpected` and `notes`, checked by
 * {@link lemmaRowSchema}; further fields are shown as they are.
 * Without the file the report says so in the lemma section (nothing is invented).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';
import { UserInputError } from '../core/errors.ts';
import { fmt } from './format.ts';
import { renderLemmaRowsTex, type LemmaRow } from './lemmas-text.ts';
import type { ReportPage, Table } from './model.ts';

/** A number that JSON may have written as null (NaN and infinities), read back as NaN. */
const jsonNumber = z.number().nullable().transform((v) => v ?? Number.NaN);

/** The schema of one row of lemmas.json: the fields of {@link LemmaRow}; further fields are kept. */
export const lemmaRowSchema = z.looseObject({
  id: z.string().min(1),
  title: z.string(),
  kind: z.enum(['exact', 'statistical']),
  expect: z.enum(['holds', 'refuted']),
  variantOf: z.string().optional(),
  change: z.string().optional(),
  statement: z.string(),
  relation: z.enum(['<=', '=']),
  source: z.string(),
  reading: z.string().optional(),
  assumptions: z.array(z.string()),
  families: z.array(z.string()),
  toleranceDerivation: z.string(),
  runs: z.number().int().min(0),
  evaluations: z.number().int().min(0),
  resolvedEvaluations: z.number().int().min(0),
  seed: z.number().int().min(0),
  smallestRelativeMargin: jsonNumber,
  relativeToleranceAtSmallest: jsonNumber,
  tightWithin: z.number().optional(),
  verdict: z.enum(['holds', 'VIOLATED', 'refuted as expected', 'UNEXPECTEDLY HELD', 'ERROR']),
  asExpected: z.boolean(),
  counterexample: z.string().optional(),
  lhs: jsonNumber.optional(),
  rhs: jsonNumber.optional(),
  tolerance: jsonNumber.optional(),
  path: z.string().optional(),
  replayCommand: z.string().optional(),
  error: z.string().optional(),
  method: z.string().optional(),
  falseAlarm: z.number().optional(),
  detectableEffect: z.string().optional(),
  notes: z.array(z.string()),
  timeMs: jsonNumber,
});

/** One lemma entry as the report reads it: a {@link LemmaRow} (and any further fields). */
export type LemmaEntry = LemmaRow & { readonly [field: string]: unknown };

/** The lemmas of a lemmas.json, sorted by id. */
export interface LemmaFile {
  readonly lemmas: LemmaEntry[];
}

/**
 * Reads the parsed lemmas.json (the array of the module doc), sorted by id; anything else is a
 * UserInputError naming the file, the entry and the field.
 */
export function parseLemmaResults(data: unknown, file = 'lemmas.json'): LemmaFile {
  if (!Array.isArray(data)) throw new UserInputError(file, 'must be the JSON array of lemma rows that `signcheck lemmas` writes');
  const lemmas = data.map((e, i) => {
    const r = lemmaRowSchema.safeParse(e);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new UserInputError(`${file}: entry ${i}${issue.path.length ? `.${issue.path.join('.')}` : ''}`, `must be a lemma row (${issue.message})`);
    }
    return r.data as LemmaEntry;
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

/**
 * The summary table of lemma checks; its LaTeX (`tex/lemmas.tex`) is the full longtable of
 * {@link renderLemmaRowsTex}, statements, assumptions and counterexamples included.
 */
export function lemmaTable(lf: LemmaFile): Table {
  return {
    id: 'lemmas',
    tex: renderLemmaRowsTex(lf.lemmas, { generator: 'signcheck report' }),
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
