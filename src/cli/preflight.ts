/**
 * Checks a command's paths before any compute: everything that can be known to fail (an output
 * directory that is a file or lies under one or is not writable, a baseline that is a directory or
 * not JSON, a report directory without inputs) is refused up front with a UserInputError naming the
 * flag, the path and the rule (exit 2), so no sweep runs only to crash while writing.
 * Nothing here creates or changes a file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserInputError } from '../core/errors.ts';
import { readJsonFile, requireExistingDir, requireWritableDir, requireWritableFile } from '../core/files.ts';

/** Paths of a `rates` run. */
export interface RatesPaths {
  readonly out: string;
  readonly reports: string;
  readonly baseline: string;
  readonly analyzeOnly?: boolean;
  readonly check?: boolean;
  readonly updateBaseline?: boolean;
  /** A shard run writes results only (no reports, no baseline). */
  readonly shard?: boolean;
}

function requireJsonObject(flag: string, file: string): void {
  const data = readJsonFile(flag, file);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UserInputError(flag, 'must hold a JSON object (theorem id -> summary), as --update-baseline writes', file);
}

/** `rates`: --out writable (or existing, for --analyze-only), --reports writable, --baseline readable / writable. */
export function preflightRates(p: RatesPaths): void {
  if (p.analyzeOnly) requireExistingDir('--out', p.out);
  else requireWritableDir('--out', p.out);
  if (p.shard && !p.analyzeOnly) return;
  requireWritableDir('--reports', p.reports);
  if (p.check && !p.updateBaseline) {
    if (!fs.existsSync(p.baseline)) throw new UserInputError('--baseline', 'must exist for --check (create it with --update-baseline)', p.baseline);
    requireJsonObject('--baseline', p.baseline);
  }
  if (p.updateBaseline) {
    requireWritableFile('--baseline', p.baseline);
    if (fs.existsSync(p.baseline)) requireJsonObject('--baseline', p.baseline);
  }
}

/** `merge`: every input an existing directory, at least one results file among them, --out writable. */
export function preflightMerge(dirs: readonly string[], out: string): void {
  if (dirs.length === 0) throw new UserInputError('merge', 'needs at least one shard directory');
  let files = 0;
  for (const d of dirs) {
    requireExistingDir(`merge ${d}`, d);
    files += fs.readdirSync(d).filter((f) => f.endsWith('.jsonl')).length;
  }
  if (files === 0) throw new UserInputError('merge', 'needs results files (*.jsonl) in the shard directories', `none in ${dirs.join(', ')}`);
  requireWritableDir('--out', out);
  const target = path.resolve(out);
  const same = dirs.find((d) => path.resolve(d) === target);
  if (same !== undefined) throw new UserInputError('--out', 'must not be one of the shard directories (merge writes a new directory)', same);
}

/** Paths of a `report` run. */
export interface ReportPaths {
  readonly reports: string;
  readonly results: string;
  readonly out: string;
}

/**
 * `report`: --reports an existing directory; rates.json and lemmas.json, when present, valid JSON;
 * results files without rates.json are refused (they would be left out of the report); a report
 * with no inputs at all is refused; --out writable.
 */
export function preflightReport(p: ReportPaths): void {
  requireExistingDir('--reports', p.reports);
  const rates = path.join(p.reports, 'rates.json');
  const lemmas = path.join(p.reports, 'lemmas.json');
  for (const f of [rates, lemmas]) if (fs.existsSync(f)) readJsonFile('--reports', f);
  const hasResultsDir = fs.existsSync(p.results) && fs.statSync(p.results).isDirectory();
  const jsonl = hasResultsDir ? fs.readdirSync(p.results).filter((f) => f.endsWith('.jsonl')) : [];
  if (jsonl.length && !fs.existsSync(rates)) {
    throw new UserInputError('--reports', 'needs rates.json beside results files (fit them first: signcheck rates --analyze-only)', `${jsonl.length} results file(s) in ${p.results}, no ${rates}`);
  }
  const expDir = path.join(p.results, 'experiments');
  const experiments = fs.existsSync(expDir) && fs.statSync(expDir).isDirectory() ? fs.readdirSync(expDir).filter((f) => f.endsWith('.json')) : [];
  if (!fs.existsSync(rates) && !fs.existsSync(lemmas) && experiments.length === 0) {
    throw new UserInputError('--reports', 'must hold something to report: rates.json, lemmas.json or experiment results (run signcheck verify, rates, lemmas or experiments first)', p.reports);
  }
  requireWritableDir('--out', p.out);
}
