/**
 * Report pages of seed experiments: every `<results>/experiments/<id>.json` of a registered
 * experiment, analysed by its declaration (a pure function of the file) into tables, claims,
 * figures and discrepancies, with the provenance of the run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CATALOGUE_SEED_EXPERIMENTS, seedExperiments } from '../../experiments/seeds/index.ts';
import { readExperimentResults } from '../experiments/runner.ts';
import type { ReportPage } from './model.ts';

/** Seeds as a short list: "0..19 (20)" for a contiguous range. */
export function seedList(seeds: readonly number[]): string {
  if (seeds.length === 0) return 'none';
  const contiguous = seeds.every((s, i) => s === seeds[0] + i);
  return contiguous && seeds.length > 3 ? `${seeds[0]}..${seeds[seeds.length - 1]} (${seeds.length})` : `${seeds.join(', ')} (${seeds.length})`;
}

/** Pages of the seed experiments with results, and the catalogue ids still without results. */
export function experimentPages(reportsDir: string, resultsDir: string): { pages: ReportPage[]; missing: { id: string; setup: string; why: string }[] } {
  const dir = path.join(resultsDir, 'experiments');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
  const pages: ReportPage[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const file = path.join(dir, f);
    const results = readExperimentResults(file);
    if (!seedExperiments.has(results.experiment)) continue;
    const exp = seedExperiments.get(results.experiment);
    seen.add(exp.id);
    const a = exp.analyze(results);
    const paths = [...new Set(results.jobs.map((j) => j.enginePath))].sort().join(', ');
    pages.push({
      id: exp.id,
      kind: 'experiment',
      title: exp.title,
      verdict: a.verdict,
      ok: a.ok,
      statement: exp.claim,
      source: exp.source,
      settings: [['set-up', exp.setup], ...a.settings, ['profile', results.profile]],
      figures: a.figures,
      tables: a.tables,
      claims: a.claims,
      text: a.notes,
      discrepancies: a.discrepancies,
      provenance: [
        ['results', `${path.relative(reportsDir, file).split(path.sep).join('/')} (${results.jobs.length} jobs)`],
        ['seeds', `${seedList(results.seeds)}; ${results.seedScheme}`],
        ['engine', `${results.engine} (${paths})`],
        ['git sha', results.gitSha],
        ['date', results.date],
        ['run time', `${(results.wallMs / 1000).toFixed(1)} s`],
      ],
    });
  }
  const order = seedExperiments.ids();
  pages.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  const missing = CATALOGUE_SEED_EXPERIMENTS.filter((c) => !seen.has(c.id)).map((c) => ({
    id: c.id,
    setup: c.setup,
    why: seedExperiments.has(c.id) ? 'declared; no results file yet (run `signcheck experiments`)' : 'not declared yet',
  }));
  return { pages, missing };
}
