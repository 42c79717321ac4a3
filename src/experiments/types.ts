import type { Registered } from '../core/registry.ts';
import type { Claim, Figure, Table } from '../report/model.ts';

/**
 * Profiles of a seed experiment: `tiny` is the seconds-long version that `npm test` runs, `quick`
 * the CI / committed-report version (minutes on 2 cores), `full` the paper-scale one.
 */
export type ExperimentProfile = 'tiny' | 'quick' | 'full';
/** Every profile name, in increasing cost. */
export const EXPERIMENT_PROFILES: readonly ExperimentProfile[] = ['tiny', 'quick', 'full'];

/** A plain JSON value. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * One independent unit of a seed experiment: one method (with its parameters) on one seed. Jobs are
 * JSON so they can run in child processes; a job's result depends only on the job (never on which
 * process ran it or in which order), so a parallel run equals a serial one.
 */
export interface ExperimentJob {
  /** Unique within the experiment and profile, e.g. "signsgd/lr=0.01/seed=3". */
  readonly key: string;
  readonly method: string;
  readonly seed: number;
  /** Method settings that vary between jobs (e.g. the step size of a grid). */
  readonly params: Readonly<Record<string, number | string>>;
}

/** What one job produced. Non-finite numbers are stored as null (with `divergedAt` set). */
export interface JobResult {
  readonly key: string;
  readonly method: string;
  readonly seed: number;
  readonly params: Readonly<Record<string, number | string>>;
  /** Scalar outcomes (e.g. mean over iterations of the train loss, final loss). */
  readonly values: Readonly<Record<string, number | null>>;
  /** Steps t of the stored curves. */
  readonly checkpoints: readonly number[];
  /** Curves over `checkpoints` (e.g. train loss, test accuracy); may be rounded (see the experiment). */
  readonly curves: Readonly<Record<string, readonly (number | null)[]>>;
  /** First step with a NaN/Inf, or null. */
  readonly divergedAt: number | null;
  /** Which engine code path ran (provenance). */
  readonly enginePath: string;
  /** Wall time of the job (ms); measured, so it differs between runs; the report does not print it per job. */
  readonly wallMs: number;
}

/** The results file of one seed experiment: `reports/results/experiments/<id>.json`. */
export interface ExperimentResults {
  readonly schema: 'signcheck.seed-experiment/1';
  readonly experiment: string;
  readonly profile: ExperimentProfile;
  readonly engine: string;
  readonly gitSha: string;
  /** ISO date-time when the run finished (the only timestamp; shown in the provenance line). */
  readonly date: string;
  /** Seeds run (the independent units). */
  readonly seeds: readonly number[];
  /** How a seed maps to random streams and starting points. */
  readonly seedScheme: string;
  /** The settings of this profile (everything needed to rerun it). */
  readonly settings: Readonly<Record<string, Json>>;
  /** Wall time of the whole run (ms). */
  readonly wallMs: number;
  readonly jobs: readonly JobResult[];
}

/** What an experiment's analysis gives the report (all computed from the results file). */
export interface ExperimentAnalysis {
  /** One-line verdict for the index, e.g. "ordering holds; 3 of 16 numbers outside". */
  readonly verdict: string;
  /** True when ours agrees with the paper everywhere it is checked. */
  readonly ok: boolean;
  /** Settings as label / value pairs. */
  readonly settings: readonly (readonly [string, string])[];
  readonly tables: readonly Table[];
  readonly claims: readonly Claim[];
  readonly figures: readonly Figure[];
  /** Disagreements beyond the interval, each with its likely reason. */
  readonly discrepancies: readonly string[];
  /** Further paragraphs (definitions, what was read where the paper is unclear). */
  readonly notes: readonly string[];
}

/**
 * A seed experiment (THEORY.md, last table): a paper's experiment reproduced with many seeds and
 * shown side by side with the paper's numbers. Declared once in `experiments/seeds/<id>.ts`, run by
 * src/experiments/runner.ts into a results file, analysed (pure function of that file) for the
 * report.
 */
export interface SeedExperiment extends Registered {
  readonly title: string;
  /** Paper and place, e.g. "P0 Table 1 (Ikonnikov, Kornilov, Beznosikov)". */
  readonly source: string;
  /** What the paper reports, in words (shown as the page's statement). */
  readonly claim: string;
  /** The set-up in words. */
  readonly setup: string;
  /** Profile settings recorded in the results file. */
  settings(profile: ExperimentProfile): Record<string, Json>;
  /** The seeds of a profile. */
  seeds(profile: ExperimentProfile): number[];
  /** How seeds map to streams and starting points (recorded in the results). */
  readonly seedScheme: string;
  /** The jobs of a profile, in a fixed order. */
  jobs(profile: ExperimentProfile): ExperimentJob[];
  /** Runs one job (deterministic given the job and profile). */
  runJob(job: ExperimentJob, profile: ExperimentProfile): Omit<JobResult, 'key' | 'method' | 'seed' | 'params' | 'wallMs'>;
  /** Tables, claims, figures and discrepancies from a results file. */
  analyze(results: ExperimentResults): ExperimentAnalysis;
}
