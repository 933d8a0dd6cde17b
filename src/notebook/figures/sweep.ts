/**
 * The sweep chart: for each varied factor, the exponent against the factor (95% CI bars, the universal
 * value as a band) above the coefficient against the factor. Configurations that share the other
 * factors' values are joined by a line and share a colour.
 */
import type { PlotlyFigure } from '../plotlyFigure';
import type { SweepResult } from '../../toys/sweep-types';
import { cellText, compactNumber, htmlTable, type Column } from '../table';
import { CONFIG, axis, baseLayout, fracLabel, type Trace } from './axes';
import { REFERENCE_LINE, paletteColor } from './palette';

/** The fields of a sweep result the chart and table read. */
export type SweepLike = Pick<SweepResult, 'kind' | 'name' | 'factors' | 'rows' | 'verdict' | 'workers' | 'seconds' | 'summary'>;
type Row = SweepLike['rows'][number];

/** Subplot n's axis id ('x', 'x2', ...) and its layout key ('xaxis', 'xaxis2', ...). */
const axisId = (letter: 'x' | 'y', n: number): string => (n === 1 ? letter : `${letter}${n}`);
const axisKey = (letter: 'x' | 'y', n: number): string => `${letter}axis${n === 1 ? '' : n}`;

/** Numeric factors plot at their values; others (regime, lists) at positions 0, 1, ... labelled with the value. */
function factorAxis(rows: Row[], factor: string): { x: number[]; ticks?: { tickvals: number[]; ticktext: string[] } } {
  const values = rows.map((r) => r.configuration[factor]);
  if (values.every((v) => typeof v === 'number')) return { x: values as number[] };
  const labels = [...new Set(values.map((v) => JSON.stringify(v)))];
  return { x: values.map((v) => labels.indexOf(JSON.stringify(v))), ticks: { tickvals: labels.map((_, i) => i), ticktext: labels } };
}

/** Rows grouped by the values of the other factors (one line per group), in row order. */
function groups(s: SweepLike, factor: string): Array<{ label: string; idx: number[] }> {
  const others = s.factors.filter((f) => f !== factor);
  const out = new Map<string, number[]>();
  s.rows.forEach((r, i) => {
    const label = others.map((f) => `${f}=${JSON.stringify(r.configuration[f])}`).join(', ') || 'sweep';
    if (!out.has(label)) out.set(label, []);
    out.get(label)!.push(i);
  });
  return [...out].map(([label, idx]) => ({ label, idx }));
}

/** The universal value (line) with the band the verdict accepts the weighted mean in. */
function universalTraces(s: SweepLike, x: number[], on: Record<string, string>, legend: boolean): Trace[] {
  const v = s.verdict;
  if (v.universal === null || !x.length) return [];
  const lo = Math.min(...x), hi = Math.max(...x);
  const half = v.withinSE * v.stderr;
  const name = `universal ${fracLabel(v.universal)} ± ${v.withinSE} SE of the weighted mean`;
  return [
    { type: 'scatter', mode: 'lines', name, legendgroup: 'universal', showlegend: false, x: [lo, hi, hi, lo, lo],
      y: [v.universal - half, v.universal - half, v.universal + half, v.universal + half, v.universal - half],
      fill: 'toself', fillcolor: 'rgba(0,0,0,0.12)', line: { width: 0 }, hoverinfo: 'skip', ...on },
    { type: 'scatter', mode: 'lines', name, legendgroup: 'universal', showlegend: legend, x: [lo, hi], y: [v.universal, v.universal], line: REFERENCE_LINE, ...on },
  ];
}

/** One factor's two panels: exponent (top) and coefficient (bottom). */
function factorTraces(s: SweepLike, factor: string, j: number): { traces: Trace[]; x: number[] } {
  const { x } = factorAxis(s.rows, factor);
  const top = { xaxis: axisId('x', 2 * j + 1), yaxis: axisId('y', 2 * j + 1) };
  const bottom = { xaxis: axisId('x', 2 * j + 2), yaxis: axisId('y', 2 * j + 2) };
  const traces: Trace[] = universalTraces(s, x, top, j === 0);
  groups(s, factor).forEach(({ label, idx }, k) => {
    const order = [...idx].sort((a, b) => x[a] - x[b]);
    const e = order.map((i) => s.rows[i].exponent);
    const color = paletteColor(k);
    const common = { type: 'scatter', mode: 'lines+markers', legendgroup: label, x: order.map((i) => x[i]), line: { color, width: 1 }, marker: { color, size: 7 } };
    traces.push({ ...common, name: label, showlegend: j === 0, y: e.map((v) => v.value), ...top,
      error_y: { type: 'data', symmetric: false, array: e.map((v) => v.ci[1] - v.value), arrayminus: e.map((v) => v.value - v.ci[0]), color } });
    traces.push({ ...common, name: label, showlegend: false, y: order.map((i) => s.rows[i].coefficient), ...bottom });
  });
  return { traces, x };
}

/** The sweep as a plotly figure: one column of two panels per varied factor. */
export function sweepFigure(s: SweepLike): PlotlyFigure {
  const F = Math.max(1, s.factors.length);
  const gap = 0.06;
  const data: Trace[] = [];
  const axes: Record<string, unknown> = {};
  s.factors.forEach((factor, j) => {
    const { traces, x } = factorTraces(s, factor, j);
    data.push(...traces);
    const { ticks } = factorAxis(s.rows, factor);
    const domain = [j / F + (j ? gap / 2 : 0), (j + 1) / F - (j < F - 1 ? gap / 2 : 0)];
    const [t, b] = [2 * j + 1, 2 * j + 2];
    const xa = (n: number) => ({ ...axis(factor, ticks ? [] : x, 1), ...(ticks ?? {}), domain, anchor: axisId('y', n) });
    axes[axisKey('x', t)] = xa(t);
    axes[axisKey('x', b)] = xa(b);
    axes[axisKey('y', t)] = { ...axis('exponent (95% CI)', [], 1), domain: [0.56, 1], anchor: axisId('x', t) };
    axes[axisKey('y', b)] = { ...axis('coefficient c (loss ~ c x^-exponent)', s.rows.map((r) => r.coefficient), 1), domain: [0, 0.42], anchor: axisId('x', b) };
  });
  const v = s.verdict;
  const verdict = v.homogeneous === null ? '' : ` · ${v.homogeneous ? 'homogeneous' : 'not homogeneous'} (p = ${compactNumber(v.pValue)})`;
  const universal = v.consistent === null ? '' : ` · ${v.consistent ? 'consistent with' : 'not consistent with'} ${fracLabel(v.universal!)}`;
  const layout = baseLayout(`Sweep ${s.name}: weighted exponent ${compactNumber(v.weightedMean)} ± ${compactNumber(v.stderr)}${verdict}${universal}`, {
    ...axes,
    legend: { orientation: 'h', y: -0.18, font: { size: 11 } },
    margin: { l: 70, r: 20, t: 60, b: 110 },
    height: 620,
  });
  return { data, layout, config: CONFIG };
}

/** The sweep's table for the HTML output: one row per configuration. */
export function sweepTable(s: SweepLike, maxRows: number): string {
  const cols: Record<string, Column> = {};
  for (const f of s.factors) cols[f] = s.rows.map((r) => (typeof r.configuration[f] === 'number' ? (r.configuration[f] as number) : JSON.stringify(r.configuration[f])));
  cols.exponent = s.rows.map((r) => `${cellText(r.exponent.value)} ± ${cellText(r.exponent.stderr)}`);
  cols['CI 95%'] = s.rows.map((r) => `[${cellText(r.exponent.ci[0])}, ${cellText(r.exponent.ci[1])}]`);
  cols.coefficient = s.rows.map((r) => r.coefficient);
  cols['half budget'] = s.rows.map((r) => (r.stability ? r.stability.half : null));
  cols.stable = s.rows.map((r) => (r.stability?.stable === null || !r.stability ? '' : r.stability.stable ? 'yes' : 'no'));
  cols.seconds = s.rows.map((r) => r.seconds);
  return htmlTable(cols, { maxRows, caption: `sweepToy('${s.name}'): ${s.rows.length} configurations on ${s.workers} worker(s), ${cellText(s.seconds)} s` });
}
