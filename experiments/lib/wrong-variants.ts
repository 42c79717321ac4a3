/**
 * Recipe changes that wrong variants of rate theorems share: a schedule frozen at its first value
 * (a constant step, which cannot converge at a rate in T), and a step that decays faster than the
 * theorem's (the iterate cannot travel to the optimum: the Delta / (eta T) term stops falling).
 */
import type { RunRecipe } from '../../src/engine/recipe.ts';
import type { ProfileName, RateTheorem, SweepCell } from '../../src/theorems/types.ts';

/** `expr` with the horizon T replaced by the number `T` (other symbols stay). */
function atHorizon(expr: string | number, T: number): string | number {
  return typeof expr === 'number' ? expr : expr.replace(/\bT\b/g, `(${T})`);
}

/**
 * The theorem's cells with the named hyperparameters frozen at their value for the smallest T of
 * the profile's sweep: the schedule no longer changes with the horizon (a constant step).
 */
export function frozenAtSmallestT(th: RateTheorem, keys: readonly string[]): (profile: ProfileName) => SweepCell[] {
  return (profile) => {
    const cells = th.cells(profile);
    const Tmin = Math.min(...cells.map((c) => c.recipe.T));
    return cells.map((c) => ({ ...c, recipe: { ...c.recipe, hyper: { ...c.recipe.hyper, ...Object.fromEntries(keys.map((k) => [k, atHorizon(c.recipe.hyper[k], Tmin)])) } } }));
  };
}

/** The recipe with its step `lr` multiplied by `factor` (an expression in T, d, n, t). */
export function scaledStep(factor: string): (recipe: RunRecipe) => RunRecipe {
  return (recipe) => ({ ...recipe, hyper: { ...recipe.hyper, lr: `(${recipe.hyper.lr}) * ${factor}` } });
}
