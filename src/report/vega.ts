/**
 * SVG figures with Vega-Lite, rendered headless in Node.
 *
 * Why Vega-Lite (vega-lite 6 + vega 6): a declarative grammar of graphics from the UW Interactive
 * Data Lab, maintained and released steadily, whose specs are plain JSON (so a figure is data
 * that can be inspected and tested); its renderer produces SVG strings in Node with
 * `View.toSVG()` and renderer 'none', with no DOM, no canvas and no native dependency (text widths
 * are estimated, not measured), and the output is deterministic. Layered marks give what the
 * report needs: lines with shaded CI bands, points with error bars, dashed reference slopes and
 * log scales. (Observable Plot needs a DOM in Node; Chart.js and ECharts draw on a canvas.)
 *
 * SVG ids: the renderer numbers clip paths and gradients per process; every id of a figure is
 * rewritten to `<figure id>-<k>` so that many figures inlined in one HTML page never collide and
 * the bytes do not depend on the order figures were rendered in.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { DotFigure, Figure, XYFigure } from './model.ts';

/** Figure size in pixels (plot area; axes and legend come on top). */
export const FIGURE_WIDTH = 520;
/** Plot-area height in pixels. */
export const FIGURE_HEIGHT = 300;

/** Colour-blind-safe categorical palette (Okabe & Ito 2008), in series order. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

const DASH: Record<string, number[] | undefined> = { dashed: [7, 4], dotted: [2, 3] };

interface Prepared {
  readonly figure: XYFigure;
  /** True when some interval end was moved to the bottom of a log axis. */
  readonly clipped: boolean;
}

/** Drops points a log axis cannot show and lifts interval ends <= 0 to the axis floor. */
export function prepareForLogAxes(fig: XYFigure): Prepared {
  let clipped = false;
  let floor = Infinity;
  if (fig.y.log) {
    for (const s of fig.series) for (const p of s.points) for (const v of [p.y, p.lo, p.hi]) if (v !== undefined && v > 0 && v < floor) floor = v;
    floor = Number.isFinite(floor) ? floor / 2 : 1e-12;
  }
  const series = fig.series.map((s) => ({
    ...s,
    points: s.points
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!fig.x.log || p.x > 0) && (!fig.y.log || p.y > 0))
      .map((p) => {
        if (!fig.y.log || p.lo === undefined || p.lo > 0) return p;
        clipped = true;
        return { ...p, lo: floor };
      }),
  }));
  return { figure: { ...fig, series }, clipped };
}

/** The Vega-Lite spec of an XY figure (layers per series; shared colour scale in series order). */
export function xySpec(fig: XYFigure): TopLevelSpec {
  // series with the same name share a colour and one legend entry (e.g. a series' cells and its fit)
  const names = [...new Set(fig.series.map((s) => s.name))];
  const long = names.some((n) => n.length > 38);
  const color = { field: 'series', type: 'nominal' as const, title: null, scale: { domain: names, range: names.map((_, i) => PALETTE[i % PALETTE.length]) }, legend: { orient: 'bottom' as const, columns: long ? 1 : 2, labelLimit: 0, symbolOpacity: 1 } };
  const axisFormat = (axis: 'x' | 'y') => {
    if (!fig[axis].log) return {};
    let lo = Infinity;
    let hi = 0;
    for (const s of fig.series) for (const p of s.points) for (const v of axis === 'x' ? [p.x] : [p.y, p.lo, p.hi]) if (v !== undefined && v > 0) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    return hi / lo > 1e4 ? { axis: { format: '~e' } } : {};
  };
  const x = { field: 'x', type: 'quantitative' as const, title: fig.x.label, scale: fig.x.log ? { type: 'log' as const, nice: false } : { type: 'linear' as const, nice: false, zero: false }, ...axisFormat('x') };
  const y = { field: 'y', type: 'quantitative' as const, title: fig.y.label, scale: fig.y.log ? { type: 'log' as const } : { type: 'linear' as const, zero: false }, ...axisFormat('y') };
  const layers: object[] = [];
  for (const s of fig.series) {
    const values = s.points.map((p) => ({ series: s.name, x: p.x, y: p.y, ...(p.lo !== undefined && p.hi !== undefined ? { lo: p.lo, hi: p.hi } : {}) }));
    if (values.length === 0) continue;
    const data = { values };
    const hasBand = values.some((v) => 'lo' in v);
    if (s.mark === 'band') {
      if (hasBand) layers.push({ data, transform: [{ filter: 'isValid(datum.lo)' }], mark: { type: 'area', opacity: 0.18 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } });
      layers.push({ data, mark: { type: 'line', strokeWidth: 1.6 }, encoding: { x, y, color } });
    } else if (s.mark === 'points') {
      if (hasBand) layers.push({ data, transform: [{ filter: 'isValid(datum.lo)' }], mark: { type: 'rule', strokeWidth: 1.4 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } });
      layers.push({ data, mark: { type: 'point', filled: true, size: 40 }, encoding: { x, y, color } });
    } else {
      layers.push({ data, mark: { type: 'line', strokeWidth: 1.4, ...(DASH[s.mark] ? { strokeDash: DASH[s.mark] } : {}) }, encoding: { x, y, color } });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `${fig.title}. ${fig.caption}`,
    width: FIGURE_WIDTH,
    height: FIGURE_HEIGHT,
    title: { text: fig.title, anchor: 'start', fontSize: 13 },
    layer: layers,
    config: { font: 'sans-serif', background: 'white', axis: { grid: true, gridOpacity: 0.35 }, view: { stroke: '#ccc' } },
  } as unknown as TopLevelSpec;
}

/** The Vega-Lite spec of a dot plot (categories down, sources side by side with yOffset). */
export function dotSpec(fig: DotFigure): TopLevelSpec {
  const values = fig.items.map((it) => ({ category: it.category, source: it.source, value: it.value, ...(it.lo !== undefined && it.hi !== undefined ? { lo: it.lo, hi: it.hi } : {}) }));
  const y = { field: 'category', type: 'nominal' as const, title: null, sort: [...fig.categories], axis: { labelLimit: 0 } };
  const yOffset = { field: 'source', type: 'nominal' as const, sort: [...fig.sources] };
  const color = { field: 'source', type: 'nominal' as const, title: null, scale: { domain: [...fig.sources], range: fig.sources.map((_, i) => ['#000000', '#0072B2', '#56B4E9', '#D55E00'][i % 4]) }, legend: { orient: 'bottom' as const, columns: 1, labelLimit: 0 } };
  const x = { field: 'value', type: 'quantitative' as const, title: fig.x.label, scale: fig.x.log ? { type: 'log' as const } : { type: 'linear' as const, zero: false } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: `${fig.title}. ${fig.caption}`,
    width: FIGURE_WIDTH,
    height: { step: 14 } as never,
    title: { text: fig.title, anchor: 'start', fontSize: 13 },
    data: { values },
    layer: [
      { transform: [{ filter: 'isValid(datum.lo)' }], mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, yOffset, x: { ...x, field: 'lo' }, x2: { field: 'hi' }, color } },
      { mark: { type: 'point', filled: true, size: 50 }, encoding: { y, yOffset, x, color, shape: { field: 'source', type: 'nominal', title: null, sort: [...fig.sources], scale: { domain: [...fig.sources], range: ['diamond', 'circle', 'circle', 'square'] } } } },
    ],
    config: { font: 'sans-serif', background: 'white', axis: { grid: true, gridOpacity: 0.35 }, view: { stroke: '#ccc' } },
  } as unknown as TopLevelSpec;
}

/** The Vega-Lite spec of any figure (log axes prepared), and whether intervals were clipped. */
export function figureSpec(fig: Figure): { spec: TopLevelSpec; clipped: boolean } {
  if (fig.kind === 'dots') {
    const keep = fig.x.log ? { ...fig, items: fig.items.filter((i) => i.value > 0).map((i) => (i.lo !== undefined && i.lo <= 0 ? { ...i, lo: i.value / 10 } : i)) } : fig;
    return { spec: dotSpec(keep), clipped: keep.items.some((it, k) => fig.items[k]?.lo !== it.lo) };
  }
  const p = prepareForLogAxes(fig);
  return { spec: xySpec(p.figure), clipped: p.clipped };
}

/** Renames every id of an SVG (and its url(#..) / href="#.." references) to `<prefix>-<k>`. */
export function scopeSvgIds(svg: string, prefix: string): string {
  const ids: string[] = [];
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!ids.includes(m[1])) ids.push(m[1]);
  let out = svg;
  ids.forEach((id, k) => {
    const esc = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const to = `${prefix}-${k + 1}`;
    out = out
      .replace(new RegExp(`\\sid="${esc}"`, 'g'), ` id="${to}"`)
      .replace(new RegExp(`url\\(#${esc}\\)`, 'g'), `url(#${to})`)
      .replace(new RegExp(`href="#${esc}"`, 'g'), `href="#${to}"`);
  });
  return out;
}

/**
 * Renders a figure to a standalone SVG string (deterministic; ids scoped to the figure id).
 * Vega warnings (e.g. a log scale given a non-positive value) are turned into errors: a figure
 * that would render wrongly fails the report instead of shipping quietly.
 */
export async function renderSvg(fig: Figure): Promise<{ svg: string; clipped: boolean; spec: TopLevelSpec }> {
  const { spec, clipped } = figureSpec(fig);
  const warnings: string[] = [];
  const logger = vega.logger(vega.Warn);
  logger.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
    return logger;
  };
  logger.error = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
    return logger;
  };
  const compiled = compile(spec, { logger: logger as never }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  try {
    const svg = await view.toSVG();
    if (warnings.length) throw new Error(`figure ${fig.id}: Vega reported: ${warnings.join('; ')}`);
    return { svg: scopeSvgIds(svg, `fig-${fig.id}`), clipped, spec };
  } finally {
    view.finalize();
  }
}
