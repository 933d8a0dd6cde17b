/**
 * A static SVG picture of the plotly figures that figures/ builds, for places that never run
 * JavaScript (GitHub's notebook preview, nbviewer without scripts). Pure string building, no DOM.
 *
 * Covered: scatter traces (markers, lines, lines+markers; colours, per-point numeric colours via
 * Viridis, dash styles, hollow markers), filled bands (fill 'toself' / 'tonexty'), symmetric or
 * array error bars, linear and log axes, subplots laid out by `xaxisN.domain` / `yaxisN.domain`,
 * titles and a legend. Not covered: other trace types, colour bars, annotations, shapes, hover text.
 * Scales and ticks are in staticScale.ts.
 */
import type { PlotlyFigure } from './plotlyFigure';
import { PALETTE, VIRIDIS } from './figures/palette';
import { FONT, makeScale, textWidth, tickLabel, ticksOf, toPx, valid, type Scale } from './staticScale';

/** The fields of a plotly scatter trace the picture reads; anything else is ignored. */
interface Trace {
  type?: string;
  mode?: string;
  name?: unknown;
  visible?: unknown;
  showlegend?: boolean;
  x?: unknown;
  y?: unknown;
  xaxis?: string;
  yaxis?: string;
  line?: { color?: string; dash?: string; width?: unknown };
  marker?: { color?: unknown; size?: unknown; symbol?: unknown; line?: { color?: string; width?: unknown }; colorbar?: { title?: unknown } };
  fill?: string;
  fillcolor?: unknown;
  error_y?: ErrorBarSpec;
}
/** plotly's `error_y`. */
interface ErrorBarSpec {
  visible?: boolean; type?: string; symmetric?: boolean; color?: string; thickness?: unknown;
  value?: unknown; valueminus?: unknown; array?: unknown; arrayminus?: unknown;
}
interface Axis { type?: string; domain?: unknown; title?: unknown }
type Layout = Record<string, unknown> & { title?: unknown; showlegend?: boolean };
interface Box { x0: number; x1: number; y0: number; y1: number } // y0 = bottom pixel, y1 = top pixel

const LEGEND_ROW = 16;
const Y_AXIS_ROOM = 66; // tick labels plus the rotated axis title, left of each plot area

/** Escapes text for XML content and attribute values alike. */
function esc(s: unknown): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A title that fits `room` px: a smaller font first (down to 8 px), then cut with an ellipsis. */
function fitText(s: string, size: number, room: number): { text: string; size: number } {
  const fit = Math.max(8, Math.min(size, room / (0.56 * Math.max(1, s.length))));
  const chars = Math.floor(room / (0.56 * fit));
  return { text: s.length > chars ? `${s.slice(0, Math.max(1, chars - 1))}…` : s, size: Math.round(fit * 10) / 10 };
}

/** A pixel coordinate as SVG text, to 0.1 px. */
function coord(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function num(v: unknown): number {
  return v === null || v === undefined || v === '' ? NaN : Number(v);
}

function titleText(t: unknown): string {
  const s = t && typeof t === 'object' ? (t as { text?: unknown }).text : t;
  return s === undefined || s === null ? '' : String(s);
}

// ------------------------------------------------------------------ colours and styles

function viridis(t: number): string {
  return VIRIDIS[Math.max(0, Math.min(VIRIDIS.length - 1, Math.round(t * (VIRIDIS.length - 1))))];
}

function transparent(c: unknown): boolean {
  return typeof c === 'string' && (/^rgba\(.*,\s*0(\.0*)?\)$/.test(c.replace(/\s/g, '')) || c === 'transparent');
}

/** The trace colour: line colour, else a single marker colour, else the palette by trace index. */
function traceColor(t: Trace, i: number): string {
  const c = t.line?.color ?? (typeof t.marker?.color === 'string' && !transparent(t.marker.color) ? t.marker.color : undefined);
  return typeof c === 'string' ? c : t.marker?.line?.color ?? PALETTE[i % PALETTE.length];
}

/** The [min, max] of numeric per-point marker colours, or null. */
function colorRange(t: Trace): [number, number] | null {
  const c = t.marker?.color;
  if (!Array.isArray(c)) return null;
  const nums = c.filter((v) => typeof v !== 'string').map(num).filter(Number.isFinite);
  return nums.length ? [Math.min(...nums), Math.max(...nums)] : null;
}

/** Per-point marker colours: a numeric array goes through Viridis (plotly's colorscale), strings stay. */
function markerColors(t: Trace, base: string, n: number): string[] {
  const c = t.marker?.color;
  const range = colorRange(t);
  if (!Array.isArray(c)) return Array(n).fill(base);
  const [lo, hi] = range ?? [0, 0];
  return Array.from({ length: n }, (_, k) => {
    const v = c[k];
    if (typeof v === 'string') return v;
    const x = num(v);
    return Number.isFinite(x) ? viridis(hi > lo ? (x - lo) / (hi - lo) : 0.5) : base;
  });
}

function dashAttr(t: Trace): string {
  const d = t.line?.dash;
  const pattern: Record<string, string> = { dash: '6 4', dot: '2 3', dashdot: '6 3 2 3', longdash: '10 4', longdashdot: '10 3 2 3' };
  return typeof d === 'string' && pattern[d] ? ` stroke-dasharray="${pattern[d]}"` : '';
}

function lineWidth(t: Trace): number {
  const w = Number(t.line?.width);
  return Number.isFinite(w) ? w : 2;
}

/** Fill colour of a band; plotly's default is the trace colour at half opacity, we keep it lighter. */
function fillAttr(t: Trace, color: string): string {
  return typeof t.fillcolor === 'string' ? `fill="${esc(t.fillcolor)}"` : `fill="${esc(color)}" fill-opacity="0.2"`;
}

// ------------------------------------------------------------------ drawing

interface Subplot { xk: string; yk: string; box: Box; sx: Scale; sy: Scale; traces: Array<[Trace, number]> }

function axisKey(ref: unknown, letter: 'x' | 'y'): string {
  const s = typeof ref === 'string' && ref.startsWith(letter) ? ref.slice(1) : '';
  return `${letter}axis${s === '1' ? '' : s}`;
}

function domainOf(a: Axis | undefined): [number, number] {
  const d = a?.domain;
  return Array.isArray(d) && d.length === 2 && d.every((v) => Number.isFinite(Number(v))) ? [Number(d[0]), Number(d[1])] : [0, 1];
}

function points(t: Trace): { x: number[]; y: number[] } {
  const y: number[] = Array.isArray(t.y) ? t.y.map(num) : [];
  const x: number[] = Array.isArray(t.x) ? t.x.map(num) : y.map((_, k) => k);
  const n = Math.min(x.length, y.length);
  return { x: x.slice(0, n), y: y.slice(0, n) };
}

/** Error bar half-widths (plotly `error_y`): constant `value`, or `array` / `arrayminus`, or percent. */
function errorBars(err: ErrorBarSpec | undefined, y: number[]): Array<[number, number]> | null {
  if (!err || err.visible === false) return null;
  const { array, arrayminus } = err;
  const plus = (k: number) => (Array.isArray(array) ? num(array[k]) : err.type === 'percent' ? Math.abs(y[k]) * num(err.value) / 100 : num(err.value));
  const minus = (k: number) => (err.symmetric === false && Array.isArray(arrayminus) ? num(arrayminus[k])
    : err.symmetric === false && err.valueminus !== undefined ? num(err.valueminus) : plus(k));
  return y.map((_, k) => [minus(k), plus(k)]);
}

/** The layout's axis `key` ('xaxis', 'yaxis2', ...); an empty axis when the layout has none. */
function axisOf(layout: Layout, key: string): Axis {
  const a = layout[key];
  return a && typeof a === 'object' ? (a as Axis) : {};
}

function drawAxes(out: string[], sp: Subplot, layout: Layout): void {
  const { box, sx, sy } = sp;
  const xa = axisOf(layout, sp.xk), ya = axisOf(layout, sp.yk);
  out.push(`<rect x="${coord(box.x0)}" y="${coord(box.y1)}" width="${coord(box.x1 - box.x0)}" height="${coord(box.y0 - box.y1)}" fill="#fafafa" stroke="#bbb"/>`);
  // grid lines as one path and labels in one group per axis: a notebook holds dozens of these pictures
  const xs = ticksOf(sx, true).map((t) => ({ p: coord(toPx(sx, t)), label: esc(tickLabel(t)) }));
  const ys = ticksOf(sy, false).map((t) => ({ p: coord(toPx(sy, t)), below: coord(toPx(sy, t) + 4), label: esc(tickLabel(t)) }));
  const grid = xs.map(({ p }) => `M${p} ${coord(box.y1)}V${coord(box.y0 + 4)}`).join('')
    + ys.map(({ p }) => `M${coord(box.x0 - 4)} ${p}H${coord(box.x1)}`).join('');
  if (grid) out.push(`<path class="grid" d="${grid}" stroke="#e3e3e3" fill="none"/>`);
  if (xs.length) {
    const y = coord(box.y0 + 16);
    out.push(`<g text-anchor="middle">${xs.map(({ p, label }) => `<text class="xtick" x="${p}" y="${y}">${label}</text>`).join('')}</g>`);
  }
  if (ys.length) {
    const x = coord(box.x0 - 6);
    out.push(`<g text-anchor="end">${ys.map(({ below, label }) => `<text class="ytick" x="${x}" y="${below}">${label}</text>`).join('')}</g>`);
  }
  const xt = titleText(xa.title), yt = titleText(ya.title);
  if (xt) {
    const { text, size } = fitText(xt, 12, box.x1 - box.x0 + Y_AXIS_ROOM / 2);
    out.push(`<text class="xtitle" x="${coord((box.x0 + box.x1) / 2)}" y="${coord(box.y0 + 34)}" text-anchor="middle" font-size="${size}">${esc(text)}</text>`);
  }
  if (yt) {
    const { text, size } = fitText(yt, 12, box.y0 - box.y1 + 30);
    out.push(`<text class="ytitle" transform="translate(${coord(box.x0 - Y_AXIS_ROOM + 12)},${coord((box.y0 + box.y1) / 2)}) rotate(-90)" text-anchor="middle" font-size="${size}">${esc(text)}</text>`);
  }
}

/** The error bars of one trace, at its drawable points `keep`. */
function drawErrorBars(out: string[], sp: Subplot, t: Trace, pts: { x: number[]; y: number[] }, keep: number[], color: string): void {
  const { sx, sy } = sp;
  const err = t.error_y;
  const bars = errorBars(err, pts.y);
  if (!err || !bars) return;
  const w = Number.isFinite(num(err.thickness)) ? num(err.thickness) : 1.5;
  const py = (v: number) => coord(toPx(sy, v));
  for (const k of keep) {
    const [m, p] = bars[k];
    const lo = pts.y[k] - (Number.isFinite(m) ? m : 0), hi = pts.y[k] + (Number.isFinite(p) ? p : 0);
    if (!valid(lo, sy.log) || !valid(hi, sy.log) || lo === hi) continue;
    const cx = toPx(sx, pts.x[k]);
    out.push(`<path class="errorbar" d="M${coord(cx)} ${py(lo)}V${py(hi)}M${coord(cx - 3)} ${py(lo)}h6M${coord(cx - 3)} ${py(hi)}h6" stroke="${esc(err.color ?? color)}" stroke-width="${w}" fill="none"/>`);
  }
}

function drawTraces(out: string[], sp: Subplot): void {
  const { sx, sy } = sp;
  const ok = (x: number, y: number) => valid(x, sx.log) && valid(y, sy.log);
  const px = (x: number) => coord(toPx(sx, x)), py = (y: number) => coord(toPx(sy, y));
  let prev: { x: number[]; y: number[] } | null = null;
  for (const [t, i] of sp.traces) {
    const { x, y } = points(t);
    const color = traceColor(t, i);
    const mode = String(t.mode ?? (x.length > 20 ? 'lines' : 'lines+markers'));
    const keep = x.map((_, k) => k).filter((k) => ok(x[k], y[k]));
    // bands first, so lines and markers stay on top of them
    if (t.fill === 'toself' || (t.fill === 'tonexty' && prev)) {
      const ring = keep.map((k) => `${px(x[k])},${py(y[k])}`);
      if (t.fill === 'tonexty' && prev) {
        const p = prev;
        ring.push(...p.x.map((_, k) => k).filter((k) => ok(p.x[k], p.y[k])).reverse().map((k) => `${px(p.x[k])},${py(p.y[k])}`));
      }
      if (ring.length > 2) out.push(`<polygon points="${ring.join(' ')}" ${fillAttr(t, color)} stroke="none"/>`);
    }
    prev = { x, y };
    if (mode.includes('lines') && lineWidth(t) > 0) {
      // a null or invalid point breaks the line, as in plotly (connectgaps false)
      let d = '', pen = false;
      for (let k = 0; k < x.length; k++) {
        if (!ok(x[k], y[k])) { pen = false; continue; }
        d += `${pen ? 'L' : 'M'}${px(x[k])} ${py(y[k])}`;
        pen = true;
      }
      if (d) out.push(`<path d="${d}" fill="none" stroke="${esc(color)}" stroke-width="${lineWidth(t)}" stroke-linejoin="round"${dashAttr(t)}/>`);
    }
    drawErrorBars(out, sp, t, { x, y }, keep, color);
    if (mode.includes('markers')) drawMarkers(out, sp, t, { x, y }, keep, color);
  }
}

/**
 * One trace's markers: a group carrying the style they share, one <circle> per point at whole pixels
 * (a marker is 4 to 16 px wide), with its own fill or stroke only when colours vary by point.
 */
function drawMarkers(out: string[], sp: Subplot, t: Trace, pts: { x: number[]; y: number[] }, keep: number[], color: string): void {
  if (!keep.length) return;
  const r = Math.max(2, Math.min(8, (Number(t.marker?.size) || 6) / 2));
  const colors = markerColors(t, color, pts.x.length);
  const varying = Array.isArray(t.marker?.color);
  const hollow = transparent(t.marker?.color) || /open/.test(String(t.marker?.symbol ?? ''));
  const edge = t.marker?.line?.color;
  const own = hollow ? (varying && !edge ? 'stroke' : '') : (varying ? 'fill' : '');
  const style = hollow
    ? `fill="none"${own ? '' : ` stroke="${esc(edge ?? colors[0] ?? color)}"`} stroke-width="${Number(t.marker?.line?.width) || 1.5}"`
    : `${own ? '' : `fill="${esc(color)}"`}${typeof edge === 'string' ? ` stroke="${esc(edge)}"` : ''}`;
  const px = (v: number, s: Scale) => String(Math.round(toPx(s, v)));
  const circles = keep.map((k) => `<circle cx="${px(pts.x[k], sp.sx)}" cy="${px(pts.y[k], sp.sy)}" r="${r}"${own ? ` ${own}="${esc(colors[k])}"` : ''}/>`);
  out.push(`<g class="markers" ${style.trim()}>${circles.join('')}</g>`);
}

interface LegendItem { name: string; t: Trace; i: number; w: number }

/** Legend entries laid out left to right, wrapping into rows across the full width. */
function legendRows(traces: Trace[], width: number): LegendItem[][] {
  const items: LegendItem[] = [];
  traces.forEach((t, i) => {
    if (t.showlegend === false || t.name === undefined || t.name === null || t.name === '') return;
    let name = String(t.name).length > 70 ? `${String(t.name).slice(0, 69)}…` : String(t.name);
    // no colour bar here: the legend entry says what the colours mean instead
    const scale = colorRange(t);
    if (scale) name += ` (colour: ${titleText(t.marker?.colorbar?.title) || 'value'} ${tickLabel(Number(scale[0].toPrecision(4)))} → ${tickLabel(Number(scale[1].toPrecision(4)))})`;
    items.push({ name, t, i, w: 30 + textWidth(name, FONT) + 16 });
  });
  const rows: LegendItem[][] = [];
  let row: LegendItem[] = [], used = 0;
  for (const it of items) {
    if (row.length && used + it.w > width) { rows.push(row); row = []; used = 0; }
    row.push(it); used += it.w;
  }
  if (row.length) rows.push(row);
  return rows;
}

function drawLegend(out: string[], rows: LegendItem[][], x0: number, top: number): void {
  out.push('<g class="legend">');
  rows.forEach((row, r) => {
    let x = x0;
    const y = top + r * LEGEND_ROW + LEGEND_ROW / 2;
    for (const { name, t, i, w } of row) {
      const color = traceColor(t, i);
      const mode = String(t.mode ?? 'lines+markers');
      if (t.fill === 'toself' || t.fill === 'tonexty') {
        out.push(`<rect x="${coord(x)}" y="${coord(y - 5)}" width="24" height="10" ${fillAttr(t, color)}/>`);
      }
      if (mode.includes('lines') && lineWidth(t) > 0) {
        out.push(`<line x1="${coord(x)}" x2="${coord(x + 24)}" y1="${coord(y)}" y2="${coord(y)}" stroke="${esc(color)}" stroke-width="${Math.min(3, lineWidth(t))}"${dashAttr(t)}/>`);
      }
      if (mode.includes('markers')) {
        // a rounded square, so <circle> elements count data points only
        const hollow = transparent(t.marker?.color);
        if (colorRange(t)) {
          [0, 5, 9].forEach((v, k) => out.push(`<rect x="${coord(x + k * 9)}" y="${coord(y - 4)}" width="8" height="8" rx="4" fill="${VIRIDIS[v]}"/>`));
        } else {
          out.push(`<rect x="${coord(x + 8)}" y="${coord(y - 4)}" width="8" height="8" rx="4" ${hollow ? `fill="none" stroke="${esc(color)}" stroke-width="1.5"` : `fill="${esc(color)}"`}/>`);
        }
      }
      out.push(`<text x="${coord(x + 30)}" y="${coord(y + 4)}">${esc(name)}</text>`);
      x += w;
    }
  });
  out.push('</g>');
}

/** Draws a plotly figure as a self-contained SVG document (no scripts, no external references). */
export function figureToSvg(fig: PlotlyFigure, options: { width?: number; height?: number } = {}): string {
  const W = options.width ?? 720, H = options.height ?? 440;
  const layout = (fig.layout ?? {}) as Layout;
  const traces = ((fig.data ?? []) as Trace[]).filter((t) => (t.type ?? 'scatter') === 'scatter' && t.visible !== false);
  const title = titleText(layout.title);
  const legend = layout.showlegend === false ? [] : legendRows(traces, W - 20);
  const legendH = Math.min(legend.length, 8) * LEGEND_ROW;
  const top = title ? 44 : 16;
  const bottom = H - 44 - (legendH ? legendH + 6 : 0); // x tick labels and title, then the legend

  // one subplot per (x axis, y axis) pair that carries a trace, placed by the axes' domains
  const pairs = new Map<string, Subplot>();
  traces.forEach((t, i) => {
    const xk = axisKey(t.xaxis, 'x'), yk = axisKey(t.yaxis, 'y');
    const key = `${xk} ${yk}`;
    if (!pairs.has(key)) {
      const [dx0, dx1] = domainOf(axisOf(layout, xk)), [dy0, dy1] = domainOf(axisOf(layout, yk));
      const full = W - 20, tall = bottom - top;
      const box = { x0: 10 + dx0 * full + Y_AXIS_ROOM, x1: 10 + dx1 * full, y0: bottom - dy0 * tall, y1: bottom - dy1 * tall };
      pairs.set(key, { xk, yk, box, sx: undefined as unknown as Scale, sy: undefined as unknown as Scale, traces: [] });
    }
    pairs.get(key)!.traces.push([t, i]);
  });

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="${FONT}" fill="#222">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (title) {
    const { text, size } = fitText(title, 15, W - 20);
    out.push(`<text class="title" x="${W / 2}" y="26" text-anchor="middle" font-size="${size}">${esc(text)}</text>`);
  }
  for (const sp of pairs.values()) {
    const xLog = axisOf(layout, sp.xk).type === 'log', yLog = axisOf(layout, sp.yk).type === 'log';
    const xs: number[] = [], ys: number[] = [];
    for (const [t] of sp.traces) {
      const p = points(t);
      const bars = errorBars(t.error_y, p.y);
      p.x.forEach((x, k) => {
        if (!valid(x, xLog) || !valid(p.y[k], yLog)) return;
        xs.push(x); ys.push(p.y[k]);
        if (bars) ys.push(p.y[k] - (bars[k][0] || 0), p.y[k] + (bars[k][1] || 0));
      });
    }
    sp.sx = makeScale(xs, xLog, sp.box.x0, sp.box.x1);
    sp.sy = makeScale(ys, yLog, sp.box.y0, sp.box.y1);
    out.push(`<g class="subplot" data-axes="${sp.xk} ${sp.yk}">`);
    drawAxes(out, sp, layout);
    drawTraces(out, sp);
    out.push('</g>');
  }
  if (legendH) drawLegend(out, legend.slice(0, 8), 10, H - legendH - 4);
  out.push('</svg>');
  return out.join('\n');
}
