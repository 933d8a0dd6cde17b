import type { PlotlyFigure } from './plotly';
import { escapeHtml } from './table';

/**
 * A static SVG drawing of a plotly figure (scatter traces: lines, markers, filled bands; linear and log
 * axes; subplots by axis domain). It is the fallback inside the text/html part, shown where scripts do
 * not run (GitHub's preview, an untrusted notebook, no plotly.js) and hidden once plotly.js draws.
 */

type Trace = Record<string, any>;
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function num(v: unknown): number {
  return v === null || v === undefined ? NaN : Number(v);
}

function axisKey(ref: string | undefined, letter: 'x' | 'y'): string {
  const n = (ref ?? letter).slice(1);
  return `${letter}axis${n}`;
}

function niceStep(span: number, target: number): number {
  const raw = span / target;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

function fmtTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) {
    const e = Math.floor(Math.log10(a));
    const m = v / Math.pow(10, e);
    return Math.abs(m - 1) < 1e-9 ? `1e${e}` : `${Number(m.toPrecision(2))}e${e}`;
  }
  return String(Number(v.toPrecision(4)));
}

interface Scale { toPx(v: number): number; ticks: number[]; log: boolean }

function scale(values: number[], log: boolean, p0: number, p1: number): Scale | null {
  const v = values.filter((x) => Number.isFinite(x) && (!log || x > 0));
  if (!v.length) return null;
  let lo = Math.min(...v), hi = Math.max(...v);
  if (log) { lo = Math.log10(lo); hi = Math.log10(hi); }
  if (hi === lo) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.04;
  lo -= pad; hi += pad;
  const toPx = (x: number) => {
    const t = log ? Math.log10(x) : x;
    return p0 + ((t - lo) / (hi - lo)) * (p1 - p0);
  };
  const ticks: number[] = [];
  if (log) {
    const span = hi - lo;
    const mult = span < 1.2 ? [1, 2, 3, 5] : span < 3 ? [1, 2, 5] : [1];
    const step = span > 8 ? 2 : 1;
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e += step) {
      for (const m of mult) {
        const t = Math.log10(m) + e;
        if (t >= lo && t <= hi) ticks.push(m * Math.pow(10, e));
      }
    }
  } else {
    const step = niceStep(hi - lo, 5);
    for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) ticks.push(Number(t.toPrecision(12)));
  }
  return { toPx, ticks, log };
}

function colorOf(t: Trace, i: number): string {
  const c = t.line?.color ?? (typeof t.marker?.color === 'string' ? t.marker.color : undefined);
  return typeof c === 'string' && c !== 'rgba(0,0,0,0)' ? c : t.marker?.line?.color ?? PALETTE[i % PALETTE.length];
}

function dash(t: Trace): string {
  const d = t.line?.dash;
  return d === 'dash' ? ' stroke-dasharray="6 4"' : d === 'dot' ? ' stroke-dasharray="2 3"' : '';
}

/** Draws `fig` as an SVG string (width 900 px unless given). */
export function figureSvg(fig: PlotlyFigure, width = 900): string {
  const layout = fig.layout as Record<string, any>;
  const height = Number(layout.height) || 460;
  const margin = { l: 70, r: 20, t: 50, b: 60, ...(layout.margin ?? {}) };
  const traces = (fig.data as Trace[]).filter((t) => (t.type ?? 'scatter') === 'scatter');
  const pairs = new Map<string, { xk: string; yk: string; traces: Array<[Trace, number]> }>();
  traces.forEach((t, i) => {
    const xk = axisKey(t.xaxis, 'x'), yk = axisKey(t.yaxis, 'y');
    const key = `${xk}|${yk}`;
    if (!pairs.has(key)) pairs.set(key, { xk, yk, traces: [] });
    pairs.get(key)!.traces.push([t, i]);
  });
  const legendRows = Math.ceil(traces.filter((t) => t.showlegend !== false && t.name).length / 3);
  const legendH = Math.min(6, legendRows) * 16;
  const W = width, H = height + legendH;
  const plotBottom = height - margin.b;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="scalinglab-static" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  const title = layout.title?.text ?? layout.title;
  if (title) out.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="14">${escapeHtml(title)}</text>`);
  const innerW = W - margin.l - margin.r;
  for (const { xk, yk, traces: ts } of pairs.values()) {
    const xa = layout[xk] ?? {}, ya = layout[yk] ?? {};
    const dom: [number, number] = Array.isArray(xa.domain) ? xa.domain : [0, 1];
    const x0 = margin.l + dom[0] * innerW + (dom[0] > 0 ? 40 : 0), x1 = margin.l + dom[1] * innerW;
    const y0 = plotBottom, y1 = margin.t;
    const xs = ts.flatMap(([t]) => (t.x ?? []).map(num)), ys = ts.flatMap(([t]) => (t.y ?? []).map(num));
    const sx = scale(xs, xa.type === 'log', x0, x1), sy = scale(ys, ya.type === 'log', y0, y1);
    if (!sx || !sy) continue;
    out.push(`<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="#fafafa" stroke="#ccc"/>`);
    for (const t of sx.ticks) {
      const px = sx.toPx(t).toFixed(1);
      out.push(`<line x1="${px}" x2="${px}" y1="${y1}" y2="${y0}" stroke="#e5e5e5"/><text x="${px}" y="${y0 + 14}" text-anchor="middle">${fmtTick(t)}</text>`);
    }
    for (const t of sy.ticks) {
      const py = sy.toPx(t).toFixed(1);
      out.push(`<line x1="${x0}" x2="${x1}" y1="${py}" y2="${py}" stroke="#e5e5e5"/><text x="${x0 - 4}" y="${py}" text-anchor="end" dominant-baseline="middle">${fmtTick(t)}</text>`);
    }
    const xt = xa.title?.text, yt = ya.title?.text;
    if (xt) out.push(`<text x="${(x0 + x1) / 2}" y="${y0 + 34}" text-anchor="middle" font-size="12">${escapeHtml(xt)}</text>`);
    if (yt) out.push(`<text transform="translate(${x0 - 48},${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeHtml(yt)}</text>`);
    out.push(`<g clip-path="none">`);
    for (const [t, i] of ts) {
      const color = colorOf(t, i);
      const px = (t.x ?? []).map((v: unknown) => num(v)), py = (t.y ?? []).map((v: unknown) => num(v));
      const ok = (k: number) => Number.isFinite(px[k]) && Number.isFinite(py[k]) && (!sx.log || px[k] > 0) && (!sy.log || py[k] > 0);
      const pt = (k: number) => `${sx.toPx(px[k]).toFixed(1)},${sy.toPx(py[k]).toFixed(1)}`;
      const mode = String(t.mode ?? 'lines+markers');
      if (t.fill === 'toself') {
        const pts = px.map((_: number, k: number) => k).filter(ok).map(pt).join(' ');
        out.push(`<polygon points="${pts}" fill="${t.fillcolor ?? 'rgba(31,119,180,0.15)'}" stroke="none"/>`);
        continue;
      }
      if (mode.includes('lines')) {
        let seg: string[] = [];
        const flush = () => { if (seg.length > 1) out.push(`<polyline points="${seg.join(' ')}" fill="none" stroke="${color}" stroke-width="${t.line?.width ?? 2}"${dash(t)}/>`); seg = []; };
        for (let k = 0; k < px.length; k++) { if (ok(k)) seg.push(pt(k)); else flush(); }
        flush();
      }
      if (mode.includes('markers')) {
        const open = t.marker?.color === 'rgba(0,0,0,0)' || String(t.marker?.symbol ?? '').includes('open');
        for (let k = 0; k < px.length; k++) {
          if (!ok(k)) continue;
          const [cx, cy] = pt(k).split(',');
          out.push(open
            ? `<circle cx="${cx}" cy="${cy}" r="3.5" fill="none" stroke="${color}"/>`
            : `<circle cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`);
        }
      }
    }
    out.push(`</g>`);
  }
  // legend: three columns under the plots
  const named = traces.map((t, i) => [t, i] as [Trace, number]).filter(([t]) => t.showlegend !== false && t.name).slice(0, 18);
  named.forEach(([t, i], k) => {
    const col = k % 3, row = Math.floor(k / 3);
    const lx = margin.l + col * (innerW / 3), ly = height + row * 16 - 4;
    const color = colorOf(t, i);
    out.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash(t)}/><text x="${lx + 22}" y="${ly}" dominant-baseline="middle">${escapeHtml(String(t.name).slice(0, 60))}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
