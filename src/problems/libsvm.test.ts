import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UserInputError } from '../core/errors.ts';
import { formatLibsvm, parseLibsvm, toDense, type SparseRow } from './libsvm.ts';

function errorOf(fn: () => unknown): UserInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserInputError) return e;
    throw new Error(`expected a UserInputError, got ${String(e)}`);
  }
  throw new Error('expected a UserInputError, nothing was thrown');
}

describe('parseLibsvm: valid input', () => {
  it('parses labels, 1-based indices (stored 0-based), values, dim', () => {
    const text = '1 6:1 8:1 15:0.5 \n-1 2:3e-2\t9:-4\r\n\n# a comment line\n+2 # no features\n';
    const data = parseLibsvm(text, { source: 'demo.libsvm' });
    expect(Array.from(data.labels)).toEqual([1, -1, 2]);
    expect(data.dim).toBe(15);
    expect(Array.from(data.rows[0].indices)).toEqual([5, 7, 14]);
    expect(Array.from(data.rows[0].values)).toEqual([1, 1, 0.5]);
    expect(Array.from(data.rows[1].values)).toEqual([0.03, -4]);
    expect(data.rows[2].indices.length).toBe(0);
    expect(Array.from(data.lineNumbers)).toEqual([1, 2, 5]);
    expect(Array.from(toDense(data.rows[1], 10))).toEqual([0, 0.03, 0, 0, 0, 0, 0, 0, -4, 0]);
  });

  it('options.dim fixes the dimension and bounds the indices', () => {
    expect(parseLibsvm('1 3:1', { dim: 10 }).dim).toBe(10);
    expect(() => parseLibsvm('1 3:1\n1 11:1', { dim: 10, source: 'f' })).toThrow('f line 2: feature 1: index must be <= dim = 10 (got "11:1")');
  });
});

describe('parseLibsvm: malformed input names the file, the line number and the rule', () => {
  const cases: [string, string][] = [
    ['1 1:1\nabc 2:1\n', 'bad.svm line 2: label must be a finite decimal number (got "abc")'],
    ['nan 1:1', 'bad.svm line 1: label must be a finite decimal number (got "nan")'],
    ['1 1:1\n\n1 0:1', 'bad.svm line 3: feature 1: index must be a positive integer (got "0:1")'],
    ['1 -2:1', 'bad.svm line 1: feature 1: index must be a positive integer (got "-2:1")'],
    ['1 1.5:1', 'bad.svm line 1: feature 1: index must be a positive integer (got "1.5:1")'],
    ['1 qid:3 1:1', 'bad.svm line 1: feature 1: index must be a positive integer (got "qid:3")'],
    ['1 3:1 2:1', 'bad.svm line 1: feature 2: indices must be strictly increasing (index 2 after 3)'],
    ['1 3:1 3:2', 'bad.svm line 1: feature 2: indices must be strictly increasing (index 3 after 3)'],
    ['1 3:NaN', 'bad.svm line 1: feature 1: value must be a finite decimal number (got "3:NaN")'],
    ['1 3:Infinity', 'bad.svm line 1: feature 1: value must be a finite decimal number (got "3:Infinity")'],
    ['1 3:1e999', 'bad.svm line 1: feature 1: value must be a finite decimal number (got "3:1e999")'],
    ['1 3:', 'bad.svm line 1: feature 1 has an empty value (got "3:")'],
    ['1 :3', 'bad.svm line 1: feature 1 has an empty index (got ":3")'],
    ['1 3', 'bad.svm line 1: feature 1 must be INDEX:VALUE with exactly one \':\' (got "3")'],
    ['1 3:1:2', 'bad.svm line 1: feature 1 must be INDEX:VALUE with exactly one \':\' (got "3:1:2")'],
    ['1 99999999999:1', 'bad.svm line 1: feature 1: index must be <= 2147483647 (got "99999999999:1")'],
    ['\n# only comments\n', 'bad.svm: must contain at least one data row'],
  ];
  for (const [text, message] of cases) {
    it(JSON.stringify(text), () => {
      const e = errorOf(() => parseLibsvm(text, { source: 'bad.svm' }));
      expect(e.message).toBe(message);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Properties (fixed seeds): round trip of random valid files; corruptions always give UserInputError.

const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (v === 0 ? 0 : v)); // -0 prints as "0"
const rowArb = fc.record({
  label: finite,
  indices: fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { maxLength: 12 }).map((a) => a.sort((x, y) => x - y)),
  values: fc.array(finite, { minLength: 12, maxLength: 12 }),
});
const fileArb = fc.record({
  rows: fc.array(rowArb, { minLength: 1, maxLength: 20 }),
  seps: fc.array(fc.constantFrom(' ', '\t', '  ', ' \t '), { minLength: 16, maxLength: 16 }),
  crlf: fc.boolean(),
  blanks: fc.array(fc.constantFrom('', '   ', '# comment', '\t# x:y 1:2'), { maxLength: 20 }),
});

type FileSpec = { rows: { label: number; indices: number[]; values: number[] }[]; seps: string[]; crlf: boolean; blanks: string[] };

/** Renders a file with the given separators, blank/comment lines before rows, and line ends. */
function render(file: FileSpec): { text: string; lineOfRow: number[] } {
  const lines: string[] = [];
  const lineOfRow: number[] = [];
  file.rows.forEach((r, k) => {
    if (k < file.blanks.length) lines.push(file.blanks[k]);
    const parts = [String(r.label), ...r.indices.map((idx, t) => `${idx}:${String(r.values[t])}`)];
    let line = parts[0];
    for (let t = 1; t < parts.length; t++) line += file.seps[t % file.seps.length] + parts[t];
    lines.push(line + (k % 2 === 0 ? ' ' : ''));
    lineOfRow.push(lines.length);
  });
  return { text: lines.join(file.crlf ? '\r\n' : '\n') + '\n', lineOfRow };
}

describe('parseLibsvm properties', () => {
  it('random valid files round-trip exactly (labels, indices, values)', () => {
    fc.assert(
      fc.property(fileArb, (file) => {
        const { text, lineOfRow } = render(file);
        const data = parseLibsvm(text);
        expect(data.rows.length).toBe(file.rows.length);
        file.rows.forEach((r, k) => {
          expect(data.labels[k]).toBe(r.label);
          expect(Array.from(data.rows[k].indices)).toEqual(r.indices.map((i) => i - 1));
          expect(Array.from(data.rows[k].values)).toEqual(r.values.slice(0, r.indices.length));
          expect(data.lineNumbers[k]).toBe(lineOfRow[k]);
        });
        // and formatLibsvm -> parseLibsvm is the identity
        const again = parseLibsvm(formatLibsvm(data.labels, data.rows));
        expect(Array.from(again.labels)).toEqual(Array.from(data.labels));
        again.rows.forEach((row: SparseRow, k) => {
          expect(Array.from(row.indices)).toEqual(Array.from(data.rows[k].indices));
          expect(Array.from(row.values)).toEqual(Array.from(data.rows[k].values));
        });
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });

  /** Corruptions, each with the rule text the error must carry. */
  const corruptions: { name: string; rule: RegExp; apply: (tokens: string[]) => string[] }[] = [
    { name: 'non-numeric label', rule: /label must be a finite decimal number/, apply: (t) => ['x' + t[0], ...t.slice(1)] },
    { name: 'NaN label', rule: /label must be a finite decimal number/, apply: (t) => ['NaN', ...t.slice(1)] },
    { name: 'zero index', rule: /index must be a positive integer/, apply: (t) => [t[0], '0:1', ...t.slice(1)] },
    { name: 'fractional index', rule: /index must be a positive integer/, apply: (t) => [t[0], '2.5:1', ...t.slice(1)] },
    { name: 'negative index', rule: /index must be a positive integer/, apply: (t) => [t[0], '-1:1', ...t.slice(1)] },
    { name: 'repeated index', rule: /indices must be strictly increasing/, apply: (t) => [...t, '1000001:1', '1000001:2'] },
    { name: 'decreasing index', rule: /indices must be strictly increasing/, apply: (t) => [...t, '1000002:1', '1000001:2'] },
    { name: 'NaN value', rule: /value must be a finite decimal number/, apply: (t) => [...t, '1000001:NaN'] },
    { name: 'Inf value', rule: /value must be a finite decimal number/, apply: (t) => [...t, '1000001:-Infinity'] },
    { name: 'overflowing value', rule: /value must be a finite decimal number/, apply: (t) => [...t, '1000001:1e400'] },
    { name: 'empty value', rule: /has an empty value/, apply: (t) => [...t, '1000001:'] },
    { name: 'empty index', rule: /has an empty index/, apply: (t) => [t[0], ':1', ...t.slice(1)] },
    { name: 'missing colon', rule: /must be INDEX:VALUE/, apply: (t) => [t[0], '7', ...t.slice(1)] },
    { name: 'two colons', rule: /must be INDEX:VALUE/, apply: (t) => [t[0], '7:1:1', ...t.slice(1)] },
  ];

  it('every targeted corruption of one line is a UserInputError naming that line and the rule', () => {
    fc.assert(
      fc.property(fileArb, fc.nat(), fc.nat({ max: corruptions.length - 1 }), (file, pick, kind) => {
        const { text, lineOfRow } = render(file);
        const lines = text.split('\n');
        const k = pick % file.rows.length;
        const ln = lineOfRow[k];
        const tokens = lines[ln - 1].trim().split(/[ \t]+/);
        lines[ln - 1] = corruptions[kind].apply(tokens).join(' ');
        const e = errorOf(() => parseLibsvm(lines.join('\n'), { source: 'corrupt.svm' }));
        expect(e.message.startsWith(`corrupt.svm line ${ln}:`)).toBe(true);
        expect(e.message).toMatch(corruptions[kind].rule);
      }),
      { numRuns: 400, seed: 777 },
    );
  });

  it('arbitrary text or random edits never raise anything but UserInputError', () => {
    const edit = fc.record({ at: fc.nat(), text: fc.string({ maxLength: 4 }), del: fc.nat({ max: 3 }) });
    fc.assert(
      fc.property(fileArb, fc.array(edit, { maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 40 }), (file, edits, junk) => {
        let { text } = render(file);
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.text + text.slice(at + e.del);
        }
        for (const input of [text, junk, text + junk]) {
          try {
            parseLibsvm(input);
          } catch (err) {
            expect(err).toBeInstanceOf(UserInputError);
          }
        }
      }),
      { numRuns: 250, seed: 4242 },
    );
  });
});
