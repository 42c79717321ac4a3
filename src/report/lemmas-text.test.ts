import fc from 'fast-check';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exactLemma, variantOf } from '../lemmas/declare.ts';
import { formatNumber, lemmaRows, renderLemmasMarkdown, renderLemmasTex, texMixed, writeLemmaFiles } from './lemmas-text.ts';
import { parseLemmaResults } from './lemmas.ts';
import { escapeTex } from './format.ts';
import { checkLemma } from '../lemmas/runner.ts';

const lemma = exactLemma<number>({
  id: 'norm-bound',
  title: 'A norm bound',
  statement: String.raw`\|x\|_1 \le 2\|x\|_1`,
  source: 'test_source 50%',
  assumptions: [String.raw`$x \in \mathbb{R}$ & friends`],
  families: ['integers'],
  relation: '<=',
  domain: fc.integer({ min: 1, max: 50 }),
  check: (x) => ({ lhs: x, rhs: 2 * x }),
  tolerance: () => 0,
  toleranceDerivation: 'exact',
  expect: 'holds',
});
const wrong = variantOf(lemma, { id: 'norm-bound-half', title: 'half', statement: String.raw`\|x\|_1 \le \tfrac12\|x\|_1`, change: 'halved', check: (x) => ({ lhs: x, rhs: x / 2 }) });

const results = [checkLemma(lemma, { runs: 30 }), checkLemma(wrong, { runs: 30 })];

describe('lemma reports', () => {
  it('rows carry declaration and result fields', () => {
    const [a, b] = lemmaRows(results);
    expect(a).toMatchObject({ id: 'norm-bound', verdict: 'holds', asExpected: true, runs: 30, source: 'test_source 50%' });
    expect(a.smallestRelativeMargin).toBe(0.5);
    expect(b).toMatchObject({ id: 'norm-bound-half', variantOf: 'norm-bound', change: 'halved', verdict: 'refuted as expected', counterexample: '1', lhs: 1, rhs: 0.5 });
    expect(b.replayCommand).toContain('--only norm-bound-half');
  });

  it('markdown: table (norm bars made safe), sections, counterexample and replay', () => {
    const md = renderLemmasMarkdown(results, { gitSha: 'abc123' });
    expect(md).toContain('| id | statement | source | runs | seed | smallest margin | verdict |');
    expect(md).toContain('$\\Vert x\\Vert _1 \\le 2\\Vert x\\Vert _1$');
    expect(md).toContain('git abc123');
    expect(md).toContain('Every verdict is as expected.');
    expect(md).toContain('```json\n1\n```');
    expect(md).toMatch(/```sh\nnpx signcheck lemmas --only norm-bound-half --seed \d+ --path [\d:]+ --runs 30\n```/);
  });

  it('tex: booktabs longtable, escaped text, kept math, counterexample list', () => {
    const tex = renderLemmasTex(results);
    expect(tex).toContain('\\begin{longtable}');
    expect(tex).toContain('\\toprule');
    expect(tex).toContain('test\\_source 50\\%');
    expect(tex).toContain('$x \\in \\mathbb{R}$ \\& friends');
    expect(tex).toContain('$\\|x\\|_1 \\le 2\\|x\\|_1$');
    expect(tex).toContain('\\item[norm-bound-half] lhs $1$, rhs $0.5$');
    expect(tex).toContain('refuted as expected');
  });

  it('escaping and number formatting', () => {
    expect(escapeTex('a_b^c~d\\e{f}|<>', 'textbar')).toBe('a\\_b\\textasciicircum{}c\\textasciitilde{}d\\textbackslash{}e\\{f\\}\\textbar{}\\textless{}\\textgreater{}');
    expect(texMixed('cost $O(d^2)$ & more_x')).toBe('cost $O(d^2)$ \\& more\\_x');
    expect(texMixed('unbalanced $x')).toBe('unbalanced \\$x');
    expect(formatNumber(-4.1878e-11)).toBe('-4.19e-11');
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(123456)).toBe('1.23e5');
    expect(formatNumber(Number.NaN)).toBe('n/a');
  });

  it('writes lemmas.md and lemmas.json into the given directory (never reports/ from tests); the json reads back as the same rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signcheck-lemmas-'));
    const paths = writeLemmaFiles(results, dir);
    expect(readFileSync(paths.markdown, 'utf8')).toBe(renderLemmasMarkdown(results));
    const back = parseLemmaResults(JSON.parse(readFileSync(paths.json, 'utf8')));
    expect(back.lemmas).toEqual(lemmaRows(results));
  });
});
