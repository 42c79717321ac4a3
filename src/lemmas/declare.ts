import type { CheckContext, ExactLemma, Lemma, Outcome, StatisticalLemma } from './types.ts';

/** Declares an exact lemma (fills `kind`; `summary` defaults to the title). */
export function exactLemma<I>(decl: Omit<ExactLemma<I>, 'kind' | 'summary'> & { summary?: string }): ExactLemma<I> {
  return { ...decl, kind: 'exact', summary: decl.summary ?? decl.title };
}

/** Declares a statistical lemma (fills `kind`; `summary` defaults to the title). */
export function statisticalLemma<I>(decl: Omit<StatisticalLemma<I>, 'kind' | 'summary'> & { summary?: string }): StatisticalLemma<I> {
  return { ...decl, kind: 'statistical', summary: decl.summary ?? decl.title };
}

/** What a wrong variant or power check changes relative to its lemma. */
export interface VariantSpec<I> {
  readonly id: string;
  readonly title: string;
  /** The (wrong) statement in LaTeX. */
  readonly statement: string;
  /** What was changed, in words ("factor 2 dropped", "e^{...} removed"). */
  readonly change: string;
  readonly check: (instance: I, context: CheckContext) => Outcome;
  /** Defaults to the lemma's tolerance (the variant changes constants, not the computation). */
  readonly tolerance?: (instance: I, outcome: Outcome) => number;
  readonly expect?: 'refuted' | 'holds';
  readonly notes?: readonly string[];
  readonly runs?: number;
  readonly tightWithin?: number;
}

/**
 * A variant of `base` on the same domain, assumptions and families, expected to be refuted: the
 * domain must have the power to find (and shrink) a counterexample.
 */
export function variantOf<I>(base: Lemma<I>, v: VariantSpec<I>): Lemma<I> {
  const { tightWithin: _t, notes: _n, runs: _r, ...rest } = base;
  return {
    ...rest,
    id: v.id,
    title: v.title,
    summary: v.title,
    statement: v.statement,
    check: v.check,
    tolerance: v.tolerance ?? base.tolerance,
    expect: v.expect ?? 'refuted',
    variantOf: { id: base.id, change: v.change },
    ...(v.runs !== undefined ? { runs: v.runs } : base.runs !== undefined ? { runs: base.runs } : {}),
    ...(v.tightWithin !== undefined ? { tightWithin: v.tightWithin } : {}),
    ...(v.notes ? { notes: v.notes } : {}),
  } as Lemma<I>;
}
