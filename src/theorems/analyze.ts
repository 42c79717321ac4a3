import { parseBound } from '../rates/bound.ts';
import { analyzeRate, type RateSummary } from '../rates/analyze.ts';
import type { ResultRow } from '../rates/results.ts';
import type { RateTheorem } from './types.ts';

/**
 * Fits a theorem's results: the bound is parsed over its swept variables and declared constants,
 * and analysed with the theorem's metric, aggregation, tolerance, value check and stall claim.
 */
export function analyzeTheorem(th: RateTheorem, rows: readonly ResultRow[], resamples = 2000): RateSummary {
  const symbols = [...new Set([...th.variables, 'T', 'd', 'n', ...Object.keys(th.constants)])];
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
  const summary = analyzeRate(rows, { ...common, bound: parseBound(th.bound, symbols), valueCheck: false });
  if (!th.valueBound) return summary;
  // the value check against the explicit-constant bound; slopes stay those of the claimed rate
  const withValue = analyzeRate(rows, { ...common, bound: parseBound(th.valueBound, symbols), valueCheck: true });
  const values = new Map(withValue.series.map((s) => [s.key, s.value]));
  return { ...summary, series: summary.series.map((s) => ({ ...s, value: values.get(s.key) ?? null })) };
}
