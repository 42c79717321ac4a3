/**
 * Wrong variants of rate theorems and negative results, declared beside each theorem as lemma
 * variants are: the same claim, bound, metric, tolerance and judgement, run on changed cells (a
 * changed algorithm, schedule, noise, start point or problem). A variant is judged like its theorem;
 * it is as expected when the check rejects it (src/theorems/outcome.ts): a rate claim FAIL, a negative
 * result NOT REPRODUCED. A variant the check does not reject means the check cannot tell the claim
 * from that mistake, and fails `verify`.
 */
import type { RunRecipe } from '../engine/recipe.ts';
import type { ProfileName, RateTheorem, RateVariantOf, SweepCell } from './types.ts';

/** What a variant changes: its id suffix, kind and description, and the cells or the recipe change. */
export interface VariantSpec extends Omit<RateVariantOf, 'theorem'> {
  /** Appended to the theorem's id: `<theorem>-<suffix>` is the variant's id and results file. */
  readonly suffix: string;
  /** A one-line summary (default: the change). */
  readonly summary?: string;
  /** The changed recipe of each of the theorem's cells (applied to every cell of a profile). */
  readonly recipe?: (recipe: RunRecipe, cell: SweepCell) => RunRecipe;
  /** The variant's own cells, in place of the theorem's (mapped by `recipe` when both are given). */
  readonly cells?: (profile: ProfileName) => SweepCell[];
  /** Declaration fields that change with the variant (e.g. the schedule text); the claim stays. */
  readonly overrides?: Partial<Pick<RateTheorem, 'schedule' | 'design' | 'series' | 'paramSymbols' | 'constants'>>;
}

/** The variant of `th` that `spec` describes (module doc), ready to register beside it. */
export function wrongVariant(th: RateTheorem, spec: VariantSpec): RateTheorem {
  if (th.variantOf) throw new Error(`${th.id} is itself a variant; vary the theorem ${th.variantOf.theorem}`);
  if (!spec.recipe && !spec.cells) throw new Error(`${th.id}-${spec.suffix}: a variant changes the recipe or the cells`);
  const base = spec.cells ?? ((p: ProfileName) => th.cells(p));
  const change = spec.recipe;
  const { inconclusiveWhy: _i, divergenceWhy: _d, ...claim } = th;
  return {
    ...claim,
    ...(spec.overrides ?? {}),
    id: `${th.id}-${spec.suffix}`,
    summary: spec.summary ?? `wrong variant of ${th.id}: ${spec.change}`,
    title: `${th.title}: wrong variant (${spec.change})`,
    variantOf: { theorem: th.id, kind: spec.kind, change: spec.change },
    cells: (profile) => {
      const cells = base(profile);
      return change ? cells.map((c) => ({ ...c, recipe: change(c.recipe, c) })) : cells;
    },
  };
}
