import { describe, expect, it } from 'vitest';
import { lemmas } from '../lemmas/index.ts';
import { checkLemma, satisfied } from '../src/lemmas/runner.ts';
import { DEFAULT_RUNS, type Lemma, type LemmaResult } from '../src/lemmas/types.ts';

// Every registered lemma, power check and wrong variant, with its declared runs and fixed default
// seed (reproducible). Lemmas must hold (and reach their declared tightness); power checks and wrong
// variants must be refuted with a shrunk counterexample that replays from its seed and path.
// Statistical lemmas carry their own false-alarm rate (<= 1e-3, family-wise over their runs).

function explain(r: LemmaResult): string {
  return JSON.stringify({ verdict: r.verdict, error: r.error, counterexample: r.counterexample, outcome: r.counterexampleOutcome, replay: r.replayCommand }).slice(0, 2000);
}

describe('the lemma catalogue', () => {
  const all = lemmas.all();

  it('every lemma expected to hold (not itself a variant) has a refuted variant; variants name registered lemmas', () => {
    for (const l of all) {
      if (l.variantOf) expect(lemmas.has(l.variantOf.id), `${l.id} varies ${l.variantOf.id}`).toBe(true);
      if (l.expect === 'holds' && !l.variantOf && l.kind === 'exact') {
        expect(all.some((v) => v.variantOf?.id === l.id && v.expect === 'refuted'), `${l.id} needs a wrong variant`).toBe(true);
      }
    }
  });

  it('declarations are complete', () => {
    for (const l of all) {
      expect(l.statement.length, l.id).toBeGreaterThan(0);
      expect(l.source.length, l.id).toBeGreaterThan(0);
      expect(l.assumptions.length, l.id).toBeGreaterThan(0);
      expect(l.families.length, l.id).toBeGreaterThan(0);
      expect(l.toleranceDerivation.length, l.id).toBeGreaterThan(0);
      if (l.expect === 'holds') expect(l.runs ?? DEFAULT_RUNS, l.id).toBeGreaterThanOrEqual(200);
      if (l.kind === 'statistical') expect(l.falseAlarm, l.id).toBeLessThanOrEqual(1e-3);
      // every '$' in assumptions is paired (inline math for the LaTeX report)
      for (const a of l.assumptions) expect(a.split('$').length % 2, `${l.id}: ${a}`).toBe(1);
    }
  });

  describe.each(all.map((l) => [l.id, l] as [string, Lemma]))('%s', (_id, lemma) => {
    if (lemma.expect === 'holds') {
      it('holds over its domain', () => {
        const r = checkLemma(lemma);
        expect(r.verdict, explain(r)).toBe('holds');
        expect(r.runs).toBe(lemma.runs ?? DEFAULT_RUNS);
        expect(r.resolvedEvaluations, 'some runs must resolve the margin in float64').toBeGreaterThan(0);
        expect(r.smallestRelativeMargin).toBeGreaterThanOrEqual(-1e-8);
        if (lemma.tightWithin !== undefined) {
          expect(r.smallestRelativeMargin, `equality should be approached within ${lemma.tightWithin}`).toBeLessThanOrEqual(lemma.tightWithin);
        }
      });
    } else {
      it('is refuted with a shrunk counterexample that replays', () => {
        const r = checkLemma(lemma);
        expect(r.verdict, explain(r)).toBe('refuted as expected');
        expect(r.counterexample).toBeDefined();
        const o = r.counterexampleOutcome!;
        expect(satisfied(lemma.relation, o, o.tolerance), 'the counterexample violates the claim beyond its tolerance').toBe(false);
        expect(r.path).toBeDefined();
        const replay = checkLemma(lemma, { seed: r.seed, path: r.path! });
        expect(replay.verdict).toBe('refuted as expected');
        expect(replay.counterexample).toEqual(r.counterexample);
      });
    }
  });
});
