import fc from 'fast-check';
import { requireInteger, UserInputError } from '../core/errors.ts';
import { DEFAULT_RUNS, type CheckContext, type CheckOptions, type Lemma, type LemmaDeclarationInfo, type LemmaResult, type Outcome, type LemmaVerdict } from './types.ts';

/** Denominator floor of the default margin scale max(|rhs|, TINY). */
export const TINY = 1e-300;

/**
 * An evaluation resolves its margin when tolerance / scale <= RESOLUTION: only those enter the
 * smallest relative margin (elsewhere float64 rounding, e.g. f(x') - f(x) for a step far below the
 * size of f, hides the margin, and the tolerance is what makes the comparison sound). Chosen two
 * orders below the tightness target 1e-6, so a margin reported below 1e-6 is not rounding.
 */
export const RESOLUTION = 1e-8;

/** Thrown inside the fast-check property when an instance violates the claim beyond its tolerance. */
export class LemmaViolation extends Error {
  constructor(
    readonly lemmaId: string,
    readonly outcome: Outcome,
    readonly tol: number,
  ) {
    super(`${lemmaId}: lhs = ${outcome.lhs} vs rhs = ${outcome.rhs} (tolerance ${tol})`);
    this.name = 'LemmaViolation';
  }
}

/**
 * The default fast-check seed of a lemma: FNV-1a of its id, as a non-negative 31-bit integer, so
 * `npm test` and the report use the same fixed seed per lemma.
 */
export function defaultSeed(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7fffffff;
}

/** The command line that replays one counterexample through the CLI. */
export function replayCommand(id: string, seed: number, path: string, runs?: number): string {
  return `npx signcheck lemmas --only ${id} --seed ${seed} --path ${path}${runs === undefined ? '' : ` --runs ${runs}`}`;
}

/**
 * Relative margin of one outcome: (rhs - lhs) / scale for '<=' claims, -|lhs - rhs| / scale for
 * '=' claims, with scale = outcome.scale ?? max(|rhs|, TINY).
 */
export function relativeMargin(relation: '<=' | '=', o: Outcome): number {
  const scale = o.scale ?? Math.max(Math.abs(o.rhs), TINY);
  return relation === '<=' ? (o.rhs - o.lhs) / scale : -Math.abs(o.lhs - o.rhs) / scale;
}

/** True when the outcome satisfies the claim up to `tol`. */
export function satisfied(relation: '<=' | '=', o: Outcome, tol: number): boolean {
  return relation === '<=' ? o.lhs <= o.rhs + tol : Math.abs(o.lhs - o.rhs) <= tol;
}

function jsonSafe(value: unknown): unknown {
  // Instances are JSON by contract; a round trip drops anything that is not (and copies arrays).
  try {
    return JSON.parse(JSON.stringify(value, (_k, v) => (v instanceof Float64Array ? Array.from(v) : v)));
  } catch {
    return String(value);
  }
}

/** The declaration fields a result carries (statement, source, assumptions, ...). */
export function declarationInfo(lemma: Lemma): LemmaDeclarationInfo {
  return {
    title: lemma.title,
    statement: lemma.statement,
    source: lemma.source,
    ...(lemma.reading !== undefined ? { reading: lemma.reading } : {}),
    assumptions: lemma.assumptions,
    families: lemma.families,
    relation: lemma.relation,
    toleranceDerivation: lemma.toleranceDerivation,
    ...(lemma.tightWithin !== undefined ? { tightWithin: lemma.tightWithin } : {}),
    ...(lemma.notes !== undefined ? { notes: lemma.notes } : {}),
    ...(lemma.kind === 'statistical' ? { method: lemma.method, falseAlarm: lemma.falseAlarm, detectableEffect: lemma.detectableEffect } : {}),
  };
}

/**
 * Checks one lemma with fast-check (`fc.check`, shrinking on): runs the declared domain through the
 * check, compares lhs and rhs up to the declared tolerance, and returns the verdict against the
 * declaration's expectation, the smallest relative margin seen (tracked inside the property over all
 * evaluations, shrinking included), and for a refutation the shrunk counterexample with its replay
 * path and command.
 *
 * A check that throws or returns a non-finite lhs, rhs or tolerance is recorded (first occurrence)
 * and the run continues; the verdict is then 'ERROR', whatever else happened.
 */
export function checkLemma(lemma: Lemma, options: CheckOptions = {}): LemmaResult {
  const runs = requireInteger('runs', options.runs ?? lemma.runs ?? DEFAULT_RUNS, 1);
  const context: CheckContext = { runs };
  const seed = options.seed ?? defaultSeed(lemma.id);
  if (!Number.isInteger(seed)) throw new UserInputError('seed', 'must be an integer', `got ${seed}`);
  if (options.path !== undefined && !/^\d+(:\d+)*$/.test(options.path)) {
    throw new UserInputError('path', 'must be a fast-check path such as 12:0:3', `got "${options.path}"`);
  }
  const started = performance.now();
  let evaluations = 0;
  let resolved = 0;
  let smallest = Number.NaN;
  let tolAtSmallest = Number.NaN;
  let tightest: unknown;
  let firstError: { message: string; instance: unknown } | undefined;

  const property = fc.property(lemma.domain, (instance) => {
    evaluations++;
    let outcome: Outcome;
    let tol: number;
    try {
      outcome = lemma.check(instance, context);
      tol = lemma.tolerance(instance, outcome);
      if (!Number.isFinite(outcome.lhs) || !Number.isFinite(outcome.rhs) || !Number.isFinite(tol) || tol < 0) {
        throw new Error(`non-finite outcome: lhs = ${outcome.lhs}, rhs = ${outcome.rhs}, tolerance = ${tol}`);
      }
    } catch (e) {
      if (!firstError) firstError = { message: e instanceof Error ? e.message : String(e), instance: jsonSafe(instance) };
      return true;
    }
    const margin = relativeMargin(lemma.relation, outcome);
    const relTol = tol / (outcome.scale ?? Math.max(Math.abs(outcome.rhs), TINY));
    const ok = satisfied(lemma.relation, outcome, tol);
    // Violations always count (they exceed the tolerance by definition); holding outcomes only when resolved.
    if (relTol <= RESOLUTION || !ok) {
      if (ok) resolved++;
      if (Number.isNaN(smallest) || margin < smallest) {
        smallest = margin;
        tolAtSmallest = relTol;
        tightest = instance;
      }
    }
    if (!ok) throw new LemmaViolation(lemma.id, outcome, tol);
    return true;
  });

  const details = fc.check(property, {
    numRuns: runs,
    seed,
    ...(options.path !== undefined ? { path: options.path } : {}),
    ...(options.timeLimitMs !== undefined ? { interruptAfterTimeLimit: options.timeLimitMs } : {}),
  });

  const refuted = details.failed && details.errorInstance instanceof LemmaViolation;
  let verdict: LemmaVerdict;
  if (firstError || (details.failed && !refuted)) verdict = 'ERROR';
  else if (lemma.expect === 'holds') verdict = refuted ? 'VIOLATED' : 'holds';
  else verdict = refuted ? 'refuted as expected' : 'UNEXPECTEDLY HELD';

  const base = {
    id: lemma.id,
    declaration: declarationInfo(lemma),
    kind: lemma.kind,
    expect: lemma.expect,
    ...(lemma.variantOf ? { variantOf: lemma.variantOf } : {}),
    runs: details.numRuns,
    evaluations,
    resolvedEvaluations: resolved,
    seed,
    verdict,
    smallestRelativeMargin: smallest,
    relativeToleranceAtSmallest: tolAtSmallest,
    tightest: tightest === undefined ? undefined : jsonSafe(tightest),
    interrupted: details.interrupted,
  };
  if (refuted && details.counterexample && details.counterexamplePath !== null) {
    const instance = details.counterexample[0];
    const v = details.errorInstance as LemmaViolation;
    return {
      ...base,
      counterexample: jsonSafe(instance),
      counterexampleOutcome: { lhs: v.outcome.lhs, rhs: v.outcome.rhs, tolerance: v.tol, ...(v.outcome.detail ? { detail: v.outcome.detail } : {}) },
      numShrinks: details.numShrinks,
      path: details.counterexamplePath,
      replayCommand: replayCommand(lemma.id, seed, details.counterexamplePath, runs === (lemma.runs ?? DEFAULT_RUNS) ? undefined : runs),
      timeMs: performance.now() - started,
    };
  }
  if (verdict === 'ERROR') {
    const message = firstError?.message ?? (details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance));
    return {
      ...base,
      error: message,
      counterexample: firstError?.instance ?? (details.counterexample ? jsonSafe(details.counterexample[0]) : undefined),
      timeMs: performance.now() - started,
    };
  }
  return { ...base, timeMs: performance.now() - started };
}

/**
 * Checks several lemmas in order (same options for each; the seed defaults per lemma), calling
 * `before(k, lemma)` before the k-th (0-based), e.g. for a progress display.
 */
export function checkLemmas(lemmas: readonly Lemma[], options: CheckOptions = {}, before?: (k: number, lemma: Lemma) => void): LemmaResult[] {
  return lemmas.map((l, k) => {
    before?.(k, l);
    return checkLemma(l, options);
  });
}

/** True for the verdicts that agree with the declaration ('holds', 'refuted as expected'). */
export function verdictAsExpected(v: LemmaVerdict): boolean {
  return v === 'holds' || v === 'refuted as expected';
}
