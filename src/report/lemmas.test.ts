import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { lemmaPages, lemmaTable, parseLemmaResults } from './lemmas.ts';

const entry = { id: 'b-lemma', verdict: 'holds', runs: 200, seed: 5, smallestRelativeMargin: 0.5, counterexample: null };

describe('lemmas.json hook', () => {
  it('accepts { lemmas: [...] }, a bare array, and an id map, sorted by id', () => {
    const a = parseLemmaResults({ gitSha: 'abc', lemmas: [entry, { id: 'a-lemma', verdict: 'VIOLATED' }] });
    expect(a.lemmas.map((l) => l.id)).toEqual(['a-lemma', 'b-lemma']);
    expect(a.gitSha).toBe('abc');
    expect(parseLemmaResults([entry]).lemmas[0].id).toBe('b-lemma');
    expect(parseLemmaResults({ 'b-lemma': { verdict: 'holds' } }).lemmas[0]).toEqual({ id: 'b-lemma', verdict: 'holds' });
    expect(() => parseLemmaResults([{ id: 'x' }])).toThrow(UserInputError);
    expect(() => parseLemmaResults(3)).toThrow(UserInputError);
  });
  it('pages mark expected verdicts ok and others not; the table lists runs, seed and margin', () => {
    const lf = parseLemmaResults([entry, { id: 'w', verdict: 'UNEXPECTEDLY HELD' }]);
    expect(lemmaPages(lf).map((p) => [p.id, p.ok])).toEqual([['b-lemma', true], ['w', false]]);
    expect(lemmaTable(lf).rows[0]).toMatchObject({ id: 'b-lemma', runs: 200, seed: 5, margin: 0.5 });
  });
});
