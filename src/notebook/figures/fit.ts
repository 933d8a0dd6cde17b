/** The fit chart: data points against the fitted law, with the paper's reference line and L0. */
import type { PlotlyFigure } from '../plotlyFigure';
import type { FitLike } from '../shapes';
import { ScalingLabError } from '../../errors';
import { compactNumber } from '../table';
import { CONFIG, ROLE_LABELS, axis, axisType, baseLayout, decades, finite, fracLabel, linspace, logspace, median, variableLabel, type Trace } from './axes';
import { GUIDE_LINE, MUTED, PALETTE, REFERENCE_LINE, paletteColor } from './palette';

const X_PRIORITY = ['tokens', 'time', 'steps', 'flops', 'params', 'width', 'depth'];

/** The law variable a fit chart puts on the x axis: time-like first, else the widest range. */
export function mainVariable(fit: Pick<FitLike, 'roles' | 'data'>): string {
  const vars = Object.keys(fit.data?.variables ?? {});
  if (!vars.length) throw new ScalingLabError('bad-value', 'plots.fit: the fit has no data.variables to draw.');
  const spans = (v: string) => decades(fit.data.variables[v]);
  for (const role of X_PRIORITY) {
    const v = vars.find((name) => fit.roles?.[name] === role && spans(name) > 0);
    if (v) return v;
  }
  return vars.slice().sort((a, b) => spans(b) - spans(a))[0];
}

/** The fitted law at each run (NaN where it cannot be evaluated). */
export function lawAtRuns(fit: FitLike): number[] {
  const vars = fit.data.variables;
  const names = Object.keys(vars);
  return fit.data.loss.map((_, i) => {
    try { return fit.evaluate(Object.fromEntries(names.map((v) => [v, vars[v][i]]))); } catch { return NaN; }
  });
}

function paramValue(fit: FitLike, names: string[]): number | undefined {
  for (const n of names) {
    const p = fit.params?.[n];
    if (p && Number.isFinite(p.value)) return p.value;
  }
  return undefined;
}

/** What the trace builders of one fit chart share. */
interface FitChart {
  fit: FitLike;
  x: string;
  others: string[];
  grid: number[];
  included: boolean[];
  /** The law along the grid with the other variables at `base`. */
  lawAlong(base: Record<string, number>): number[];
  /** `m=256, l=4`: the other variables of run i. */
  label(i: number): string;
}

function fitChart(fit: FitLike, x: string): FitChart {
  const vars = fit.data.variables;
  const xs = vars[x];
  const xPos = finite(xs).filter((v) => v > 0);
  const grid = axisType(xs) === 'log'
    ? logspace(Math.min(...xPos), Math.max(...xPos), 80)
    : linspace(Math.min(...finite(xs)), Math.max(...finite(xs)), 80);
  const others = Object.keys(vars).filter((v) => v !== x);
  return {
    fit, x, others, grid,
    included: fit.data.included ?? fit.data.loss.map(() => true),
    lawAlong: (base) => grid.map((gx) => {
      try { return fit.evaluate({ ...base, [x]: gx }); } catch { return NaN; }
    }),
    label: (i) => others.map((o) => `${o}=${compactNumber(vars[o][i])}`).join(', '),
  };
}

/** Runs grouped by the setting of the other variables, in ascending order of those settings. */
function settings(c: FitChart): number[][] {
  const vars = c.fit.data.variables;
  const groups = new Map<string, number[]>();
  c.fit.data.loss.forEach((_, i) => {
    const key = c.others.map((o) => Number(vars[o][i].toPrecision(6))).join('|');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  });
  return [...groups.values()].sort((a, b) => c.others.reduce((acc, o) => acc || vars[o][a[0]] - vars[o][b[0]], 0));
}

/** Few settings: one colour per setting, its runs (excluded ones hollow) and the law through them. */
function perSettingTraces(c: FitChart, groups: number[][]): Trace[] {
  const { variables: vars, loss } = c.fit.data;
  const xs = vars[c.x];
  const traces: Trace[] = [];
  groups.forEach((idx, g) => {
    const color = paletteColor(g);
    const name = c.others.length ? c.label(idx[0]) : 'runs';
    const inc = idx.filter((i) => c.included[i]);
    const exc = idx.filter((i) => !c.included[i]);
    traces.push({ type: 'scatter', mode: 'markers', name, legendgroup: name, x: inc.map((i) => xs[i]), y: inc.map((i) => loss[i]),
      marker: { color, size: 7 } });
    if (exc.length) {
      traces.push({ type: 'scatter', mode: 'markers', name: `${name} (excluded)`, legendgroup: name, showlegend: false,
        x: exc.map((i) => xs[i]), y: exc.map((i) => loss[i]), marker: { color, size: 7, symbol: 'x-open' } });
    }
    const base = Object.fromEntries(c.others.map((o) => [o, vars[o][idx[0]]]));
    traces.push({ type: 'scatter', mode: 'lines', name: `law, ${name}`, legendgroup: name, showlegend: false,
      x: c.grid, y: c.lawAlong(base), line: { color, width: 2 } });
  });
  return traces;
}

/** Many settings: one marker trace coloured by the widest other variable, the law at each run and at the medians. */
function colourScaledTraces(c: FitChart): Trace[] {
  const { fit } = c;
  const { variables: vars, loss } = fit.data;
  const xs = vars[c.x];
  const colorVar = c.others.slice().sort((a, b) => decades(vars[b]) - decades(vars[a]))[0];
  const all = [...loss.keys()];
  const inc = all.filter((i) => c.included[i]);
  const exc = all.filter((i) => !c.included[i]);
  const logColor = decades(vars[colorVar]) >= 1;
  const colorLabel = variableLabel(colorVar, fit.roles?.[colorVar]);
  const highlight = PALETTE[3];
  const traces: Trace[] = [{ type: 'scatter', mode: 'markers', name: 'runs', x: inc.map((i) => xs[i]), y: inc.map((i) => loss[i]),
    text: inc.map(c.label),
    marker: { size: 7, color: inc.map((i) => (logColor ? Math.log10(vars[colorVar][i]) : vars[colorVar][i])), colorscale: 'Viridis',
      colorbar: { title: { text: logColor ? `log10 ${colorLabel}` : colorLabel } } } }];
  if (exc.length) {
    traces.push({ type: 'scatter', mode: 'markers', name: 'excluded', x: exc.map((i) => xs[i]), y: exc.map((i) => loss[i]),
      marker: { color: MUTED, size: 7, symbol: 'x-open' } });
  }
  const pred = lawAtRuns(fit);
  traces.push({ type: 'scatter', mode: 'markers', name: 'law at each run', x: inc.map((i) => xs[i]), y: inc.map((i) => pred[i]),
    marker: { color: 'rgba(0,0,0,0)', size: 9, line: { color: highlight, width: 1.5 } } });
  const base = Object.fromEntries(c.others.map((o) => [o, median(vars[o])]));
  traces.push({ type: 'scatter', mode: 'lines', name: `law at median ${c.others.join(', ')}`, x: c.grid, y: c.lawAlong(base), line: { color: highlight, width: 2 } });
  return traces;
}

/** The paper's reference: the universal law's own term for the x variable, with the others at infinity. */
function paperTrace(c: FitChart): Trace | null {
  const { coefficients: k, exponents: e } = c.fit;
  const role = c.fit.roles?.[c.x];
  if (!k || !e || !role) return null;
  const ref: Record<string, [number, number, string]> = {
    tokens: [k.time, e.time, `L0 + c_D·D^(-${fracLabel(e.time)}) (paper: exponent 1/3; m, l → ∞)`],
    time: [k.time, e.time, `L0 + c_D·τ^(-${fracLabel(e.time)}) (paper: exponent 1/3; m, l → ∞)`],
    steps: [k.time, e.time, `L0 + c·steps^(-${fracLabel(e.time)}) (paper: 1/3; m, l → ∞)`],
    width: [k.width, e.width, `L0 + c_m/m^${fracLabel(e.width)} (paper: 1/m; l, D → ∞)`],
    depth: [k.depth, e.depth, `L0 + c_l/l^${fracLabel(e.depth)} (paper: 1/l; m, D → ∞)`],
  };
  const r = ref[role];
  if (!r || !Number.isFinite(r[0])) return null;
  return { type: 'scatter', mode: 'lines', name: r[2], x: c.grid, y: c.grid.map((g) => k.L0 + r[0] * Math.pow(g, -r[1])), line: REFERENCE_LINE };
}

/** The irreducible loss L0 (or E) as a flat line across the chart. */
function floorTrace(c: FitChart): Trace | null {
  const L0 = c.fit.coefficients?.L0 ?? paramValue(c.fit, ['L0', 'E']);
  if (L0 === undefined) return null;
  return { type: 'scatter', mode: 'lines', name: `irreducible loss ${compactNumber(L0)}`, x: [c.grid[0], c.grid[c.grid.length - 1]], y: [L0, L0], line: GUIDE_LINE };
}

/** Data points against the fitted law: loss vs the main variable, one colour per setting of the others. */
export function fitFigure(fit: FitLike, options: { x?: string; maxGroups?: number; title?: string } = {}): PlotlyFigure {
  const vars = fit.data.variables;
  const x = options.x ?? mainVariable(fit);
  if (!(x in vars)) throw new ScalingLabError('bad-value', `plots.fit: unknown variable '${x}'; the fit has ${Object.keys(vars).join(', ')}.`, `pass x: one of ${Object.keys(vars).join(', ')} (the law's variables), or leave it out.`);
  const c = fitChart(fit, x);
  const groups = settings(c);
  const fewGroups = groups.length <= (options.maxGroups ?? 10);
  const traces = fewGroups ? perSettingTraces(c, groups) : colourScaledTraces(c);
  for (const t of [paperTrace(c), floorTrace(c)]) if (t) traces.push(t);
  return {
    data: traces,
    layout: baseLayout(options.title ?? `Fit${fit.lawName ? ` (${fit.lawName})` : ''}: L = ${fit.law}`, {
      xaxis: axis(variableLabel(x, fit.roles?.[x]), vars[x]),
      yaxis: axis(ROLE_LABELS.loss, fit.data.loss, 1.3),
      // with a colour bar on the right, the legend goes below the chart
      ...(fewGroups ? {} : { legend: { orientation: 'h', y: -0.2, font: { size: 11 } }, margin: { l: 70, r: 20, t: 60, b: 110 }, height: 520 }),
    }),
    config: CONFIG,
  };
}
