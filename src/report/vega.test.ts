import { describe, expect, it } from 'vitest';
import type { XYFigure } from './model.ts';
import { prepareForLogAxes, renderSvg, scopeSvgIds, xySpec } from './vega.ts';

const fig: XYFigure = {
  kind: 'xy',
  id: 'demo',
  title: 'Demo',
  caption: 'demo figure',
  x: { label: 'T', log: true },
  y: { label: 'metric', log: true },
  series: [
    { name: 'mean, 95% CI', mark: 'band', points: [1, 2, 4, 8].map((x) => ({ x, y: 1 / x, lo: 1 / x - 0.6, hi: 1.4 / x })) },
    { name: 'bound slope', mark: 'dashed', points: [{ x: 1, y: 1 }, { x: 8, y: 0.125 }] },
    { name: 'cells', mark: 'points', points: [{ x: 0, y: 1 }, { x: 2, y: 0.5, lo: 0.4, hi: 0.6 }] },
  ],
};

describe('vega figures', () => {
  it('a log axis drops points it cannot show and lifts interval ends <= 0 to the axis floor', () => {
    const p = prepareForLogAxes(fig);
    expect(p.clipped).toBe(true);
    expect(p.figure.series[2].points.map((q) => q.x)).toEqual([2]); // x = 0 dropped on a log x axis
    const lows = p.figure.series[0].points.map((q) => q.lo!);
    expect(Math.min(...lows)).toBeGreaterThan(0);
    expect(lows[3]).toBe(0.125 / 2); // 1/8 - 0.6 < 0 goes to the floor: smallest positive value (0.125) / 2
  });

  it('draws each series with its mark: band = area + line, points = rule + point, dashed line', () => {
    const spec = xySpec(prepareForLogAxes(fig).figure) as unknown as { layer: { mark: { type: string; strokeDash?: number[] } }[] };
    expect(spec.layer.map((l) => l.mark.type)).toEqual(['area', 'line', 'line', 'rule', 'point']);
    expect(spec.layer[2].mark.strokeDash).toEqual([7, 4]);
  });

  it('renders deterministic SVG with figure-scoped ids', async () => {
    const a = await renderSvg(fig);
    const b = await renderSvg(fig);
    expect(a.svg).toBe(b.svg);
    expect(a.svg.startsWith('<svg')).toBe(true);
    expect(a.svg).toContain('Demo');
    for (const m of a.svg.matchAll(/\sid="([^"]+)"/g)) expect(m[1].startsWith('fig-demo-')).toBe(true);
  });

  it('scopeSvgIds renames ids and every reference to them', () => {
    const svg = '<svg><clipPath id="clip7"><rect/></clipPath><g clip-path="url(#clip7)"/><use href="#clip7"/><g id="x.1"/></svg>';
    expect(scopeSvgIds(svg, 'f')).toBe('<svg><clipPath id="f-1"><rect/></clipPath><g clip-path="url(#f-1)"/><use href="#f-1"/><g id="f-2"/></svg>');
  });
});
