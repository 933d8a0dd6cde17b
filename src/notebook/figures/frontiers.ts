/** Several frontiers on one chart (compareFrontiers): L*(C), N*(C) and D* / N* with their bands, over the runs. */
import type { PlotlyFigure } from '../plotlyFigure';
import type { FrontierComparison } from '../../frontier/compare';
import type { FrontierResult, FrontierRow } from '../../frontier/types';
import { ScalingLabError } from '../../errors';
import { compactNumber } from '../table';
import { CONFIG, ROLE_LABELS, axis, baseLayout, type Trace } from './axes';
import { MUTED, paletteColor } from './palette';

type Field = 'loss' | 'params' | 'tokensPerParam';

/** A hex colour with an alpha, for bands. */
function translucent(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

/** One fit's line of `field` along its frontier rows, with the band where it has one. */
function fitTraces(name: string, f: FrontierResult, field: Field, color: string, axes: { xaxis: string; yaxis: string }, legend: boolean): Trace[] {
  const rows: FrontierRow[] = f.rows;
  const x = rows.map((r) => r.flops);
  const traces: Trace[] = [];
  const band = f.bands?.[field];
  if (band) {
    traces.push({ type: 'scatter', mode: 'lines', x: [...x, ...x.slice().reverse()], y: [...band.map((b) => b[1]), ...band.map((b) => b[0]).reverse()],
      fill: 'toself', fillcolor: translucent(color, 0.15), line: { width: 0 }, hoverinfo: 'skip', showlegend: false, legendgroup: name, ...axes });
  }
  traces.push({ type: 'scatter', mode: 'lines', name, legendgroup: name, showlegend: legend, x, y: rows.map((r) => r[field]), line: { color, width: 2 }, ...axes });
  return traces;
}

/** The runs as grey points: loss, size or tokens per parameter against their compute. */
function runTraces(c: FrontierComparison, field: Field, axes: { xaxis: string; yaxis: string }, legend: boolean): Trace[] {
  if (!c.runs) return [];
  const r = c.runs;
  const y = field === 'loss' ? r.loss : field === 'params' ? r.params : r.tokens.map((d, i) => d / r.params[i]);
  return [{ type: 'scatter', mode: 'markers', name: `runs (${c.reference}'s, C = 6 N D)`, legendgroup: 'runs', showlegend: legend, x: r.flops, y,
    marker: { color: MUTED, size: 4, opacity: 0.6 }, ...axes }];
}

/** Vertical markers at the table's budgets. */
function budgetLines(c: FrontierComparison): Record<string, unknown>[] {
  return c.budgets.flatMap((C) => ['x', 'x2', 'x3'].map((xref) => ({
    type: 'line', xref, yref: `${xref.replace('x', 'y')} domain`, x0: C, x1: C, y0: 0, y1: 1, line: { color: '#bbb', width: 1, dash: 'dot' },
  })));
}

/**
 * The frontiers of several fits of the same runs: the loss L*(C) over the runs' losses, the optimal
 * size N*(C) over the runs' sizes, and the tokens per parameter D* / N* over the runs' own, each with
 * its bootstrap band; dotted lines mark the budgets of the comparison's table.
 */
export function frontiersFigure(c: FrontierComparison): PlotlyFigure {
  const names = Object.keys(c.frontiers ?? {});
  if (!names.length) throw new ScalingLabError('bad-value', 'plots.frontiers: the comparison has no frontiers.');
  const panels: Array<{ field: Field; title: string; axes: { xaxis: string; yaxis: string } }> = [
    { field: 'loss', title: 'loss L* (nats); grey: the runs', axes: { xaxis: 'x', yaxis: 'y' } },
    { field: 'params', title: 'optimal parameters N*', axes: { xaxis: 'x2', yaxis: 'y2' } },
    { field: 'tokensPerParam', title: 'tokens per parameter D*/N*', axes: { xaxis: 'x3', yaxis: 'y3' } },
  ];
  const traces: Trace[] = [];
  panels.forEach((p, k) => {
    traces.push(...runTraces(c, p.field, p.axes, k === 0));
    names.forEach((name, j) => traces.push(...fitTraces(name, c.frontiers[name], p.field, paletteColor(j), p.axes, k === 0)));
  });
  const gap = 0.08, w = (1 - 2 * gap) / 3;
  const xs = traces.flatMap((t) => (t.x as number[]) ?? []);
  const layout: Record<string, unknown> = baseLayout(`Frontiers of ${names.join(', ')}: D*/N* at ${compactNumber(c.budgets[0])} FLOPs ${names.map((n) => compactNumber(c.frontiers[n].at(c.budgets[0]).tokensPerParam)).join(' / ')}`, {
    height: 470, margin: { l: 70, r: 20, t: 60, b: 100 }, legend: { orientation: 'h', y: -0.2, font: { size: 11 } }, shapes: budgetLines(c),
  });
  panels.forEach((p, k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    const ys = traces.filter((t) => t.yaxis === p.axes.yaxis).flatMap((t) => (t.y as number[]) ?? []);
    layout[`xaxis${suffix}`] = { ...axis(ROLE_LABELS.flops, xs, 0.5), type: 'log', domain: [k * (w + gap), k * (w + gap) + w], anchor: `y${suffix}` };
    layout[`yaxis${suffix}`] = { ...axis(p.title, ys, p.field === 'loss' ? 0.3 : 0.5), anchor: `x${suffix}` };
  });
  return { data: traces, layout, config: CONFIG };
}
