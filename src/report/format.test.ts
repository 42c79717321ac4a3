import { describe, expect, it } from 'vitest';
import { cellText, escapeHtml, escapeMdCell, escapeTex, inlineHtml, slug } from './format.ts';

describe('format', () => {
  it('slug keeps letters and digits only', () => {
    expect(slug('OLS fit, slope -0.260 (d=10)')).toBe('ols-fit-slope-0-260-d-10');
    expect(slug('***')).toBe('x');
  });
  it('escapes HTML, Markdown cells and LaTeX', () => {
    expect(escapeHtml('<a href="x">&</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
    expect(escapeMdCell('a | b\nc')).toBe('a \\| b c');
    expect(escapeTex('50% of $x_1$ & {y}^2 \\ ~')).toBe('50\\% of \\$x\\_1\\$ \\& \\{y\\}\\textasciicircum{}2 \\textbackslash{} \\textasciitilde{}');
  });
  it('escapeTex: every special once (the braces it writes are not escaped again), | literal or \\textbar{}', () => {
    expect(escapeTex('#<a>\\b')).toBe('\\#\\textless{}a\\textgreater{}\\textbackslash{}b');
    expect(escapeTex('||g||_1')).toBe('||g||\\_1');
    expect(escapeTex('||g||_1', 'textbar')).toBe('\\textbar{}\\textbar{}g\\textbar{}\\textbar{}\\_1');
    expect(escapeTex('signum-separable')).toBe('signum-separable');
  });
  it('inline markup renders `code` and **bold** only, and never passes raw HTML', () => {
    expect(inlineHtml('run `signcheck <x>` **now**')).toBe('run <code>signcheck &lt;x&gt;</code> <strong>now</strong>');
    expect(inlineHtml('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(inlineHtml('odd ` tick')).toBe('odd ` tick');
  });
  it('cellText formats numbers by significant digits', () => {
    expect(cellText(3.14159, 3)).toBe('3.14');
    expect(cellText(1234.5, 4)).toBe('1235');
    expect(cellText(0.000012345, 3)).toBe('1.23e-5');
    expect(cellText(null)).toBe('-');
    expect(cellText('x')).toBe('x');
  });
});
