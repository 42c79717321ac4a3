import { describe, expect, it } from 'vitest';
import type { RateSummary, SeriesSummary, VariableFit } from './analysis.ts';
import { theoremOutcome, type OutcomeDeclaration } from './outcome.ts';
import type { SlopeVerdict } from './verdict.ts';

/** A series with one fitted variable per verdict (or no fit), diverged cells and a value status as given. */
function series(verdicts: SlopeVerdict[] | null, extra: { diverged?: number; value?: 'holds' | 'violated'; stall?: 'reproduced' | 'not reproduced'; variant?: string } = {}): SeriesSummary {
  const fit = (verdict: SlopeVerdict): VariableFit => ({ variable: 'T', slope: -0.25, se: null, ci: [-0.3, -0.2], ciWidth: 0.1, theilSen: null, theilSenCi: null, boundSlope: -0.25, boundLocalSlope: { min: -0.25, max: -0.25 }, range: [1, 2], verdict, reason: 'test' });
  return {
    key: `s/${extra.variant ?? 'a'}`,
    series: { algorithm: 'a', problem: 'p', noise: 'none', engine: 'cpu', seed: 1, params: extra.variant ? { variant: extra.variant } : {} },
    replicas: 8,
    cellCount: 3,
    fittedCells: 3,
    excluded: Array.from({ length: extra.diverged ?? 0 }, (_, i) => ({ cell: `c${i}`, reason: 'diverged' as const, detail: `8 of 8 replicas diverged (first at step ${17 + i})` })),
    fit: verdicts ? { intercept: 0, r2: 1, residualStdError: 0, variables: verdicts.map(fit) } : null,
    insufficient: verdicts ? null : '1 usable cell(s); a fit of 1 slope(s) needs at least 2',
    value: extra.value ? { status: extra.value, cellLevel: 0.99, cells: [], note: null } : null,
    stall: extra.stall ? { status: extra.stall, reasons: [], variable: 'T', at: null, cells: [] } : null,
  };
}
const summary = (...s: SeriesSummary[]): RateSummary => ({ schema: 'signcheck.rate-summary/1', theorem: 't', metric: 'm', bound: 'T^(-1/4)', boundTex: '', variables: ['T'], tol: 0.05, aggregation: 'mean', resamples: 1000, seed: 1, level: 0.95, series: s });
const rate: OutcomeDeclaration = { kind: 'rate' };

describe('theoremOutcome: rate claims', () => {
  it('takes the worst verdict; TIGHT, PASS and SLOWER hold (SLOWER with a note), FAIL does not', () => {
    expect(theoremOutcome(rate, summary(series(['TIGHT']), series(['PASS'])))).toMatchObject({ verdict: 'PASS', ok: true });
    const slower = theoremOutcome(rate, summary(series(['TIGHT', 'SLOWER'])));
    expect(slower).toMatchObject({ verdict: 'SLOWER', ok: true });
    expect(slower.notes.join()).toMatch(/slow side/);
    expect(theoremOutcome(rate, summary(series(['TIGHT']), series(['FAIL'])))).toMatchObject({ verdict: 'FAIL', ok: false });
  });
  it('INCONCLUSIVE (also a series without a fit) is not success unless the declaration says why it is acceptable', () => {
    expect(theoremOutcome(rate, summary(series(['INCONCLUSIVE'])))).toMatchObject({ verdict: 'INCONCLUSIVE', ok: false });
    const nofit = theoremOutcome(rate, summary(series(null)));
    expect(nofit).toMatchObject({ verdict: 'INCONCLUSIVE', ok: false });
    expect(nofit.notes.join()).toMatch(/no fit \(1 usable cell/);
    const accepted = theoremOutcome({ kind: 'rate', inconclusiveWhy: 'the full profile resolves it' }, summary(series(['INCONCLUSIVE'])));
    expect(accepted).toMatchObject({ verdict: 'INCONCLUSIVE', ok: true });
    expect(accepted.notes.join()).toMatch(/inconclusive accepted: the full profile resolves it/);
  });
  it('a diverged cell makes its series FAIL, naming the step, unless divergence is declared expected', () => {
    const o = theoremOutcome(rate, summary(series(['TIGHT'], { diverged: 1 })));
    expect(o).toMatchObject({ verdict: 'FAIL', ok: false });
    expect(o.notes.join()).toMatch(/1 cell\(s\) diverged \(8 of 8 replicas diverged \(first at step 17\)\)/);
    const every = theoremOutcome(rate, summary(series(null, { diverged: 3 })));
    expect(every).toMatchObject({ verdict: 'FAIL', ok: false });
    expect(theoremOutcome({ kind: 'rate', divergenceWhy: 'a step past the stability limit' }, summary(series(['TIGHT'], { diverged: 1 })))).toMatchObject({ verdict: 'TIGHT', ok: true });
  });
  it('a violated bound value fails whatever the slopes say', () => {
    expect(theoremOutcome(rate, summary(series(['TIGHT'], { value: 'violated' })))).toMatchObject({ verdict: 'TIGHT, bound value VIOLATED', ok: false });
  });
});

describe('theoremOutcome: wrong variants', () => {
  const variant: OutcomeDeclaration = { kind: 'rate', variantOf: { theorem: 't', kind: 'no-convergence', change: 'constant step' } };
  it('a rate variant is as expected only when rejected: FAIL or a violated bound value', () => {
    expect(theoremOutcome(variant, summary(series(['FAIL'])))).toMatchObject({ verdict: 'FAIL (rejected as expected)', ok: true });
    expect(theoremOutcome(variant, summary(series(['TIGHT'], { value: 'violated' })))).toMatchObject({ ok: true });
    expect(theoremOutcome(variant, summary(series(['TIGHT'], { diverged: 1 })))).toMatchObject({ ok: true });
    for (const v of ['TIGHT', 'PASS', 'SLOWER', 'INCONCLUSIVE'] as const) {
      const o = theoremOutcome(variant, summary(series([v])));
      expect(o.ok).toBe(false);
      expect(o.verdict).toBe(`${v} (NOT REJECTED: the check cannot tell this variant from the claim)`);
    }
  });
  it('a negative-result variant is as expected when NOT REPRODUCED', () => {
    const neg: OutcomeDeclaration = { kind: 'negative', stall: { variable: 'T', contrast: { param: 'variant', values: ['fix'], why: 'test' } }, variantOf: { theorem: 't', kind: 'no-mechanism', change: 'symmetric noise' } };
    const stalls = summary(series(['FAIL'], { stall: 'reproduced', variant: 'bad' }), series(['TIGHT'], { stall: 'not reproduced', variant: 'fix' }));
    expect(theoremOutcome(neg, stalls)).toMatchObject({ verdict: 'reproduced (NOT REJECTED: the check cannot tell this variant from the claim)', ok: false });
    const fixed = summary(series(['TIGHT'], { stall: 'not reproduced', variant: 'bad' }), series(['TIGHT'], { stall: 'not reproduced', variant: 'fix' }));
    expect(theoremOutcome(neg, fixed)).toMatchObject({ verdict: 'NOT REPRODUCED (rejected as expected)', ok: true });
    const { variantOf: _v, ...claim } = neg;
    expect(theoremOutcome(claim, stalls)).toMatchObject({ verdict: 'reproduced', ok: true });
  });
});
