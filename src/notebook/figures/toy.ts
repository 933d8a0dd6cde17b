/** The toy chart: loss curves against dynamic time, and the measured points with the fitted slope. */
import type { PlotlyFigure } from '../plotlyFigure';
import type { ToyLike } from '../shapes';
import { columnsOf, compactNumber, type Column } from '../table';
import { thinIndices } from '../compact';
import { CONFIG, ROLE_LABELS, axis, baseLayout, fracLabel, refLine, type Trace } from './axes';
import { PALETTE, REFERENCE_LINE, paletteColor } from './palette';

/** The y-axis label of each toy's loss: only the softmax toy's loss is in nats. */
const TOY_LOSS_LABELS: Record<string, string> = {
  'softmax-time': 'KL loss (nats)',
  'superposition-width': 'loss (squared error summed over features)',
  'residual-depth': 'loss (mean squared error)',
  'superposition-time': 'loss (squared error summed over outputs)',
};

const GROUP_COLUMNS = ['width', 'm', 'depth', 'l', 'variant', 'regime', 'temperature', 'T', 'seed'];

/** A curve's rows thinned to about `max` (compact.ts: evenly and log-spaced, so early steps stay dense). */
function thin(idx: number[], max: number): number[] {
  return thinIndices(idx.length, max).map((k) => idx[k]);
}

function pointAxisLabel(xLabel: string | undefined): string {
  if (!xLabel) return 'x';
  const known: Record<string, string> = { width: ROLE_LABELS.width, m: ROLE_LABELS.width, depth: ROLE_LABELS.depth, l: ROLE_LABELS.depth, tau: ROLE_LABELS.time, time: ROLE_LABELS.time, steps: ROLE_LABELS.steps };
  return known[xLabel] ?? xLabel;
}

/** Left panel: one curve per run setting (width, depth, seed, ...), positive points only, thinned. */
function curveTraces(cols: Record<string, Column>, xName: string): { traces: Trace[]; x: number[]; y: number[] } {
  const groupCols = GROUP_COLUMNS.filter((c) => c in cols);
  const groups = new Map<string, number[]>();
  for (let i = 0; i < (cols.loss?.length ?? 0); i++) {
    const key = groupCols.map((c) => `${c}=${cols[c][i]}`).join(', ') || 'loss curve';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  const traces: Trace[] = [];
  const x: number[] = [], y: number[] = [];
  [...groups].forEach(([key, idx0], k) => {
    const idx = thin(idx0.filter((i) => Number(cols[xName][i]) > 0 && Number(cols.loss[i]) > 0), 300);
    const xs = idx.map((i) => Number(cols[xName][i])), ys = idx.map((i) => Number(cols.loss[i]));
    x.push(...xs); y.push(...ys);
    traces.push({ type: 'scatter', mode: 'lines', name: key, legendgroup: key, x: xs, y: ys, line: { color: paletteColor(k), width: 1.5 } });
  });
  return { traces, x, y };
}

/** A log-log slope as a legend reads it: a true minus sign for a falling line, a plus for a rising one (never '−-0.47'). */
export function slopeText(slope: number): string {
  if (!Number.isFinite(slope)) return String(slope);
  return slope < 0 ? `−${compactNumber(-slope)}` : slope > 0 ? `+${compactNumber(slope)}` : '0';
}

/** Right panel: the fitted slope (and the paper's) through the geometric mean of the points in the fit range. */
function slopeTraces(t: ToyLike, e: ToyLike['exponent']): Trace[] {
  const px = t.points?.x ?? [], py = t.points?.loss ?? [];
  const inRange = px.map((_, i) => i).filter((i) => px[i] > 0 && py[i] > 0 && (!e.range || (px[i] >= e.range[0] && px[i] <= e.range[1])));
  if (!inRange.length || !Number.isFinite(e.value)) return [];
  const lx = inRange.map((i) => Math.log(px[i])), ly = inRange.map((i) => Math.log(py[i]));
  const x0 = Math.exp(lx.reduce((a, b) => a + b, 0) / lx.length), y0 = Math.exp(ly.reduce((a, b) => a + b, 0) / ly.length);
  const lo = Math.max(e.range ? e.range[0] : 0, Math.min(...inRange.map((i) => px[i])));
  const hi = Math.min(e.range ? e.range[1] : Infinity, Math.max(...inRange.map((i) => px[i])));
  const g = [lo, hi]; // both axes are log: a power law is a straight line
  const on = { xaxis: 'x2', yaxis: 'y2' };
  // the slope is minus the exponent, and so is its interval (ends swapped)
  const minus = (v: number) => compactNumber(v).replace(/^-/, '−');
  const ci = e.ci ? ` [${minus(-e.ci[1])}, ${minus(-e.ci[0])}]` : e.stderr ? ` ± ${compactNumber(e.stderr)}` : '';
  const traces: Trace[] = [{ type: 'scatter', mode: 'lines', name: `fit: slope ${slopeText(-e.value)}${ci}`, x: g, y: refLine(g, x0, y0, -e.value), ...on, line: { color: PALETTE[3], width: 2 } }];
  if (e.expected !== null && Number.isFinite(e.expected)) {
    traces.push({ type: 'scatter', mode: 'lines', name: `paper: slope ${e.expected < 0 ? '+' : '−'}${fracLabel(Math.abs(e.expected))}`, x: g, y: refLine(g, x0, y0, -e.expected), ...on, line: REFERENCE_LINE });
  }
  return traces;
}

/**
 * A toy run: the loss curves (loss vs dynamic time, log-log), and the measured points with the fitted
 * power law next to the paper's exponent.
 */
export function toyFigure(t: ToyLike): PlotlyFigure {
  const cols = columnsOf(t.curves);
  const xName = 'tau' in cols ? 'tau' : 'step' in cols ? 'step' : Object.keys(cols)[0];
  const curves = curveTraces(cols, xName);
  const px = t.points?.x ?? [], py = t.points?.loss ?? [];
  const e = t.exponent ?? { value: NaN, stderr: null, ci: null, expected: null, range: null };
  const traces: Trace[] = [...curves.traces,
    { type: 'scatter', mode: 'markers', name: `measured: loss vs ${t.points?.xLabel ?? 'x'}`, x: px, y: py, xaxis: 'x2', yaxis: 'y2', marker: { color: PALETTE[0], size: 8 } },
    ...slopeTraces(t, e)];
  const xLabel = xName === 'tau' ? ROLE_LABELS.time : xName === 'step' ? ROLE_LABELS.steps : xName;
  const lossLabel = TOY_LOSS_LABELS[t.name] ?? 'loss';
  const paper = e.expected !== null && e.expected !== undefined ? ` (paper ${fracLabel(e.expected)})` : '';
  const layout = baseLayout(`Toy ${t.name}: exponent ${compactNumber(e.value)}${paper} · ${t.backend}, ${compactNumber(t.seconds)} s`, {
    xaxis: { ...axis(xLabel, curves.x, 0.5), domain: [0, 0.46] },
    yaxis: axis(lossLabel, curves.y, 0.5),
    xaxis2: { ...axis(pointAxisLabel(t.points?.xLabel), px, 0.3), domain: [0.56, 1], anchor: 'y2', type: 'log' },
    yaxis2: { ...axis(lossLabel, py, 0.3), anchor: 'x2', type: 'log' },
    legend: { orientation: 'h', y: -0.2, font: { size: 11 } },
    margin: { l: 70, r: 20, t: 60, b: 110 },
    height: 500,
  });
  return { data: traces, layout, config: CONFIG };
}
