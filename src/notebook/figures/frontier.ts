/** The frontier chart: L*(C), N* and D*, and the optimal shape, each with the paper's line. */
import type { PlotlyFigure } from '../plotlyFigure';
import type { FrontierLike } from '../shapes';
import type { FrontierRow } from '../../frontier/types';
import { ScalingLabError } from '../../errors';
import { compactNumber } from '../table';
import { CONFIG, ROLE_LABELS, axis, baseLayout, logspace, refLine, type Trace } from './axes';
import { PALETTE, REFERENCE_LINE } from './palette';

/** The first of `names` that is a finite number among the frontier's closed-form constants. */
export function constant(f: { constants?: Record<string, unknown> }, names: string[]): number | undefined {
  for (const n of names) {
    const v = f.constants?.[n];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** Loss band: FrontierBands (one [lo, hi] per row, per field) or an array of {flops, loss: [lo, hi]}. */
function bandArrays(bands: unknown, key: string, rows: FrontierRow[]): { flops: number[]; lo: number[]; hi: number[] } | null {
  if (!bands || typeof bands !== 'object') return null;
  const perField = (bands as Record<string, unknown>)[key];
  if (Array.isArray(perField) && perField.length === rows.length && perField.every((p) => Array.isArray(p) && p.length === 2)) {
    const pairs = perField as Array<[number, number]>;
    return { flops: rows.map((r) => r.flops), lo: pairs.map((p) => p[0]), hi: pairs.map((p) => p[1]) };
  }
  if (!Array.isArray(bands) || !bands.length) return null;
  const flops: number[] = [], lo: number[] = [], hi: number[] = [];
  for (const b of bands as Array<Record<string, unknown>>) {
    const r = b[key];
    if (typeof b.flops !== 'number' || !Array.isArray(r) || typeof r[0] !== 'number' || typeof r[1] !== 'number') return null;
    flops.push(b.flops); lo.push(r[0]); hi.push(r[1]);
  }
  return { flops, lo, hi };
}

/**
 * What the three panels share: budgets, a grid over them and the loss axis (reducible when L0 is
 * known). `widened`: the budgets span less than a decade, so the grid spans a decade each side of
 * them and the optimum is drawn along it (a frontier of one budget is otherwise a lone point per panel).
 */
interface FrontierChart { f: FrontierLike; rows: FrontierRow[]; C: number[]; Cg: number[]; widened: boolean; L0: number | undefined; yOf(l: number): number }

/** The compute grid: the budgets' range, or a decade each side of their middle when they span less than one. */
function computeGrid(C: number[]): { Cg: number[]; widened: boolean } {
  const lo = C[0], hi = C[C.length - 1];
  if (Math.log10(hi / lo) >= 1) return { Cg: logspace(lo, hi, 60), widened: false };
  const mid = Math.sqrt(lo * hi);
  return { Cg: logspace(mid / 10, mid * 10, 60), widened: true };
}

/** The optimum's `field` along the grid (f.at), when the chart is widened and the frontier can tell. */
function alongGrid({ f, Cg, widened }: FrontierChart, field: 'params' | 'tokens' | 'width' | 'depth'): number[] | null {
  if (!widened || typeof f.at !== 'function') return null;
  try {
    const ys = Cg.map((c) => f.at!(c)[field]);
    return ys.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (ys as number[]) : null;
  } catch { return null; }
}

/** The budgets' trace of one field and, on a widened chart, its line along the grid. */
function optimumTraces(chart: FrontierChart, field: 'params' | 'tokens' | 'width' | 'depth', name: string, color: string, on: Trace): Trace[] {
  const rows = chart.rows.filter((r) => typeof r[field] === 'number');
  const line = alongGrid(chart, field);
  const traces: Trace[] = [{ type: 'scatter', mode: line ? 'markers' : 'lines+markers', name, legendgroup: name, x: rows.map((r) => r.flops), y: rows.map((r) => r[field]),
    ...on, marker: { color, size: line ? 8 : 6 }, line: { color } }];
  if (line) traces.push({ type: 'scatter', mode: 'lines', name: `${name} along C`, legendgroup: name, showlegend: false, x: chart.Cg, y: line, ...on, line: { color, width: 1.5 } });
  return traces;
}

/** Left panel: the frontier L*(C) with its band, the budgets, and the paper's C^(-1/6) (or the fitted power law). */
function lossTraces({ f, rows, C, Cg, yOf }: FrontierChart): Trace[] {
  const traces: Trace[] = [];
  const band = bandArrays(f.bands, 'loss', rows);
  if (band) {
    traces.push({ type: 'scatter', mode: 'lines', x: [...band.flops, ...band.flops.slice().reverse()],
      y: [...band.hi.map(yOf), ...band.lo.map(yOf).reverse()], fill: 'toself', fillcolor: 'rgba(31,119,180,0.15)', line: { width: 0 },
      name: `${Number(((f.level ?? 0.95) * 100).toPrecision(4))}% band (bootstrap)`, hoverinfo: 'skip' });
  }
  const curve = Cg.map((c) => (f.loss ? f.loss(c) : NaN));
  if (curve.every(Number.isFinite)) {
    traces.push({ type: 'scatter', mode: 'lines', name: 'frontier L*(C)', x: Cg, y: curve.map(yOf), line: { color: PALETTE[0], width: 2 } });
  }
  traces.push({ type: 'scatter', mode: 'markers', name: 'budgets', x: C, y: rows.map((r) => yOf(r.loss)), marker: { color: PALETTE[0], size: 8 },
    text: rows.map((r) => `L*=${compactNumber(r.loss)} nats, N*=${compactNumber(r.params)}, D*=${compactNumber(r.tokens)}`) });
  const fitted = f.lossExponent !== undefined && Number.isFinite(f.lossExponent) ? -Math.abs(f.lossExponent) : -1 / 6;
  const universal = Math.abs(fitted + 1 / 6) < 1e-6;
  traces.push({ type: 'scatter', mode: 'lines', name: universal ? 'paper: C^(-1/6)' : `power law C^(${compactNumber(fitted)}) (paper form: C^(-αβ/(α+β)))`,
    x: Cg, y: refLine(Cg, C[0], yOf(rows[0].loss), fitted), line: REFERENCE_LINE });
  return traces;
}

/** Middle panel: N* and D* against compute, with the paper's ∝ C^(1/2). */
function allocationTraces(chart: FrontierChart): Trace[] {
  const { rows, C, Cg } = chart;
  const on = { xaxis: 'x2', yaxis: 'y2' };
  return [
    ...optimumTraces(chart, 'params', 'N* (parameters)', PALETTE[1], on),
    ...optimumTraces(chart, 'tokens', 'D* (tokens)', PALETTE[2], on),
    { type: 'scatter', mode: 'lines', name: 'paper: ∝ C^(1/2)', x: Cg, y: refLine(Cg, C[0], rows[0].params, 0.5), ...on, line: REFERENCE_LINE, showlegend: true },
  ];
}

/** Right panel: optimal width and depth against compute, with the paper's ∝ C^(1/6). */
function shapeTraces(chart: FrontierChart): { traces: Trace[]; values: number[] } {
  const { rows, Cg } = chart;
  const on = { xaxis: 'x3', yaxis: 'y3' };
  const wr = rows.filter((r) => typeof r.width === 'number');
  const dr = rows.filter((r) => typeof r.depth === 'number');
  const traces: Trace[] = [];
  if (wr.length) traces.push(...optimumTraces(chart, 'width', 'm* (width, d_model)', PALETTE[3], on));
  if (dr.length) traces.push(...optimumTraces(chart, 'depth', 'l* (depth, layers)', PALETTE[4], on));
  const anchor = wr[0] ?? dr[0];
  const y0 = (anchor.width ?? anchor.depth)!;
  traces.push({ type: 'scatter', mode: 'lines', name: 'paper: ∝ C^(1/6)', x: Cg, y: refLine(Cg, anchor.flops, y0, 1 / 6), ...on, line: REFERENCE_LINE });
  return { traces, values: traces.flatMap((t) => t.y as number[]) };
}

/**
 * The compute-optimal frontier: reducible loss L* − L0 against compute with the paper's C^(-1/6) line,
 * N* and D* against compute (paper: both ∝ C^(1/2)), and the optimal width and depth (∝ C^(1/6)).
 */
export function frontierFigure(f: FrontierLike): PlotlyFigure {
  const rows: FrontierRow[] = [...f.rows].sort((a, b) => a.flops - b.flops);
  if (!rows.length) throw new ScalingLabError('bad-value', 'plots.frontier: the frontier has no rows.');
  const C = rows.map((r) => r.flops);
  const L0 = constant(f, ['L0', 'E']);
  const chart: FrontierChart = { f, rows, C, ...computeGrid(C), L0, yOf: (l) => (L0 !== undefined ? l - L0 : l) };
  const hasShape = rows.some((r) => typeof r.width === 'number') || rows.some((r) => typeof r.depth === 'number');
  const cols = hasShape ? 3 : 2;
  const gap = 0.07;
  const w = (1 - gap * (cols - 1)) / cols;
  const dom = (i: number) => [i * (w + gap), i * (w + gap) + w];
  const loss = lossTraces(chart);
  const allocation = allocationTraces(chart);
  const traces = [...loss, ...allocation];
  const reducible = L0 !== undefined;
  const ys = (ts: Trace[]) => ts.flatMap((t) => (t.y as number[]) ?? []);
  const layout: Record<string, unknown> = baseLayout(`Compute-optimal frontier: ${compactNumber(f.tokensPerParam)} tokens per parameter`, {
    xaxis: { ...axis(ROLE_LABELS.flops, chart.Cg, 0.5), domain: dom(0) },
    yaxis: { ...axis(reducible ? `reducible loss L* − L0 (nats), L0 = ${compactNumber(L0)}` : 'loss L* (nats)', ys(loss), reducible ? 0.3 : 1), },
    xaxis2: { ...axis(ROLE_LABELS.flops, chart.Cg, 0.5), domain: dom(1), anchor: 'y2' },
    yaxis2: { ...axis('optimal N* (parameters), D* (tokens)', ys(allocation), 0.5), anchor: 'x2' },
    height: 430,
  });
  if (reducible) (layout.yaxis as Record<string, unknown>).type = 'log';
  if (hasShape) {
    const shape = shapeTraces(chart);
    traces.push(...shape.traces);
    layout.xaxis3 = { ...axis(ROLE_LABELS.flops, chart.Cg, 0.5), domain: dom(2), anchor: 'y3' };
    layout.yaxis3 = { ...axis(`optimal width m*, depth l*${f.aspectRatio ? ` (m*/l* = ${compactNumber(f.aspectRatio)})` : ''}`, shape.values, 0.5), anchor: 'x3', type: 'log' };
  }
  layout.legend = { orientation: 'h', y: -0.22, font: { size: 11 } };
  layout.margin = { l: 70, r: 20, t: 60, b: 110 };
  layout.height = 500;
  return { data: traces, layout, config: CONFIG };
}
