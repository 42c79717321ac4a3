import { parseBound } from '../rates/bound.ts';
import { analyzeRate, type RateSummary } from '../rates/analyze.ts';
import type { ResultRow } from '../rates/results.ts';
import type { RateTheorem } from './types.ts';

/**
 * Fits a theorem's results: the bound is parsed over its swept variables and declared constants,
 * and analysed with the theorem's metric, aggregation, tolerance, value check and stall claim.
 */
export function analyzeTheorem(th: RateTheorem, rows: readonly ResultRow[], resamples = 2000): RateSummary {
  // series params and declared param symbols may be bound symbols too: they take their values from the rows
  const symbols = [...new Set([...th.variables, 'T', 'd', 'n', ...Object.keys(th.constants), ...(th.series ?? []), ...(th.paramSymbols ?? [])])];
  const common = {
    theorem: th.id,
    metric: th.metric,
    constants: th.constants,
    variables: th.variables,
    tol: th.tol,
    aggregation: th.aggregation,
    resamples,
    seed: 1,
    ...(th.stall ? { stall: th.stall } : {}),
    ...(th.series ? { series: th.series } : {}),
  };
  const symbolsOk = parseBound(th.bound, symbols);
  return analyzeRate(rows, {
    ...common,
    bound: symbolsOk,
    valueCheck: th.valueBound !== undefined,
    ...(th.valueBound ? { valueBound: parseBound(th.valueBound, symbols) } : {}),
  });
}
