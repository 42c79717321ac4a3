import { describe, expect, it } from 'vitest';
import { figureDat, figureTex, tableTex } from './latex.ts';
import type { DotFigure, Table, XYFigure } from './model.ts';

describe('LaTeX outputs', () => {
  it('tableTex is a booktabs tabular with escaped cells and one line per row', () => {
    const t: Table = {
      id: 't',
      title: 'T & U',
      caption: 'c',
      columns: [
        { key: 'name', label: 'method_name', align: 'l' },
        { key: 'v', label: 'value (%)', digits: 3 },
      ],
      rows: [
        { name: 'Sign$GD', v: 3.14159 },
        { name: 'x', v: null },
      ],
    };
    const tex = tableTex(t);
    expect(tex).toContain('\\begin{tabular}{lr}');
    expect(tex).toContain('method\\_name & value (\\%) \\\\');
    expect(tex).toContain('Sign\\$GD & 3.14 \\\\');
    expect(tex).toContain('x & - \\\\');
    expect(tex.indexOf('\\toprule')).toBeLessThan(tex.indexOf('\\midrule'));
    expect(tex.indexOf('\\midrule')).toBeLessThan(tex.indexOf('\\bottomrule'));
  });

  it('figureDat writes one whitespace table per series (x y [lo hi]) with # comments, and an axis that reads them', () => {
    const fig: XYFigure = {
      kind: 'xy',
      id: 'f',
      title: 'F',
      caption: '',
      x: { label: 'T', log: true },
      y: { label: 'm', log: true },
      series: [
        { name: 'mean', mark: 'band', points: [{ x: 1, y: 2, lo: 1, hi: 3 }] },
        { name: 'mean', mark: 'line', points: [{ x: 1, y: 0.5 }] },
      ],
    };
    const dats = figureDat(fig);
    expect(dats.map((d) => d.name)).toEqual(['f.mean.dat', 'f.mean-2.dat']);
    expect(dats[0].text.split('\n').filter((l) => !l.startsWith('#'))).toEqual(['x y lo hi', '1 2 1 3', '']);
    expect(dats[1].text.split('\n').filter((l) => !l.startsWith('#'))).toEqual(['x y', '1 0.5', '']);
    const tex = figureTex(fig, dats);
    expect(tex).toContain('\\begin{loglogaxis}');
    expect(tex).toContain('{\\signcheckdir/figures/f.mean.dat}');
  });

  it('dot plots get one file per source with the category index and label', () => {
    const fig: DotFigure = { kind: 'dots', id: 'd', title: 'D', caption: '', x: { label: 'v' }, categories: ['A', 'B'], sources: ['paper', 'ours'], items: [{ category: 'B', source: 'paper', value: 2 }, { category: 'A', source: 'ours', value: 1, lo: 0.5, hi: 1.5 }] };
    const dats = figureDat(fig);
    expect(dats.map((d) => d.name)).toEqual(['d.paper.dat', 'd.ours.dat']);
    expect(dats[0].text).toContain('1 2 2 2 {B}');
    expect(dats[1].text).toContain('0 1 0.5 1.5 {A}');
  });
});
