import { describe, expect, it } from 'vitest';
import { UserInputError } from '../core/errors.ts';
import { lemmaPages, lemmaTable, parseLemmaResults } from './lemmas.ts';

const entry = { id: 'b-lemma', verdict: 'holds', runs: 200, seed: 5, smallestRelativeMargin: 0.5, counterexample: null };

describe('lemmas.json hook', () => {
  it('reads the array of lemma rows, sorted by id; other shapes and entries without id and verdict are errors', () => {
    const a = parseLemmaResults([entry, { id: 'a-lemma', verdict: 'VIOLATED' }]);
    expect(a.lemmas.map((l) => l.id)).toEqual(['a-lemma', 'b-lemma']);
    expect(() => parseLemmaResults({ lemmas: [entry] })).toThrow(/must be the JSON array/);
    expect(() => parseLemmaResults({ 'b-lemma': { verdict: 'holds' } })).toThrow(UserInputError);
    expect(() => parseLemmaResults([{ id: 'x' }])).toThrow(/entry 0: must have string fields id and verdict/);
    expect(() => parseLemmaResults([null])).toThrow(UserInputError);
    expect(() => parseLemmaResults(3)).toThrow(UserInputError);
  });
  it('pages mark expected verdicts ok and others not; the table lists runs, seed and margin', () => {
    const lf = parseLemmaResults([entry, { id: 'w', verdict: 'UNEXPECTEDLY HELD' }]);
    expect(lemmaPages(lf).map((p) => [p.id, p.ok])).toEqual([['b-lemma', true], ['w', false]]);
    expect(lemmaTable(lf).rows[0]).toMatchObject({ id: 'b-lemma', runs: 200, seed: 5, margin: 0.5 });
  });
});
