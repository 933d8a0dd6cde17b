import type { PlotlyFigure } from './plotly';
import type { FitLike, FrontierLike, RecipesLike, ToyLike, FrontierRow } from './shapes';
import { columnsOf } from './table';
import { ScalingLabError } from '../errors';

/**
 * Chart builders: plain functions returning plotly figure objects ({data, layout, config}), usable in
 * any notebook, a script, or a test. Every chart labels its axes with units, uses log axes where a
 * quantity spans decades, draws data points and the fitted law together, and the paper's reference
 * line where there is one.
 */

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const REF = { color: 'black', dash: 'dash', width: 1.5 };
const CONFIG = { responsive: true, displaylogo: false };

/** Axis titles with units, by the role of a law variable. */
export const ROLE_LABELS: Record<string, string> = {
  width: 'width m (d_model)',
  depth: 'depth l (layers)',
  tokens: 'tokens D',
  time: 'dynamic time τ (Σ learning rate)',
  steps: 'training steps',
  params: 'parameters N',
  flops: 'compute C (FLOPs)',
  loss: 'loss (nats)',
  other: '',
};

function finite(xs: unknown[]): number[] {
  return xs.map(Number).filter((v) => Number.isFinite(v));
}

/** Decades spanned by the positive values (0 when some are <= 0). */
export function decades(xs: unknown[]): number {
  const v = finite(xs);
  if (!v.length || v.some((x) => x <= 0)) return 0;
  return Math.log10(Math.max(...v) / Math.min(...v));
}

function axisType(xs: unknown[], minDecades = 1): 'log' | 'linear' {
  return decades(xs) >= minDecades ? 'log' : 'linear';
}

function logspace(lo: number, hi: number, n: number): number[] {
  if (!(lo > 0) || !(hi > 0)) return linspace(lo, hi, n);
  const a = Math.log(lo), b = Math.log(hi);
  return Array.from({ length: n }, (_, i) => Math.exp(a + ((b - a) * i) / (n - 1)));
}
function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

function axis(title: string, values: unknown[], minDecades = 1, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const type = axisType(values, minDecades);
  return { title: { text: title }, type, ...(type === 'log' ? { exponentformat: 'power' } : {}), showgrid: true, zeroline: false, ...extra };
}

function baseLayout(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title, font: { size: 15 } },
    template: undefined,
    height: 460,
    margin: { l: 70, r: 20, t: 60, b: 60 },
    legend: { orientation: 'v', font: { size: 11 } },
    hovermode: 'closest',
    paper_bgcolor: 'white',
    plot_bgcolor: '#fafafa',
    ...extra,
  };
}

function variableLabel(name: string, role: string | undefined): string {
  return role && role !== 'other' && ROLE_LABELS[role] ? ROLE_LABELS[role] : name;
}

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

function groupKey(values: number[]): string {
  return values.map((v) => Number(v.toPrecision(6))).join('|');
}

function paramValue(fit: FitLike, names: string[]): number | undefined {
  for (const n of names) {
    const p = fit.params?.[n];
    if (p && Number.isFinite(p.value)) return p.value;
  }
  return undefined;
}

/** Data points against the fitted law: loss vs the main variable, one colour per setting of the others. */
export function fitFigure(fit: FitLike, options: { x?: string; maxGroups?: number; title?: string } = {}): PlotlyFigure {
  const vars = fit.data.variables;
  const names = Object.keys(vars);
  const x = options.x ?? mainVariable(fit);
  if (!(x in vars)) throw new ScalingLabError('bad-value', `plots.fit: unknown variable '${x}'; the fit has ${names.join(', ')}.`);
  const others = names.filter((v) => v !== x);
  const loss = fit.data.loss;
  const included = fit.data.included ?? loss.map(() => true);
  const n = loss.length;
  const xs = vars[x];
  const xRole = fit.roles?.[x];
  const traces: Array<Record<string, unknown>> = [];

  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = groupKey(others.map((o) => vars[o][i]));
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  const xPos = finite(xs).filter((v) => v > 0);
  const lo = Math.min(...xPos), hi = Math.max(...xPos);
  const grid = axisType(xs) === 'log' ? logspace(lo, hi, 80) : linspace(Math.min(...finite(xs)), Math.max(...finite(xs)), 80);
  const maxGroups = options.maxGroups ?? 10;
  const label = (i: number) => others.map((o) => `${o}=${fmtShort(vars[o][i])}`).join(', ');

  const evalAt = (base: Record<string, number>) => grid.map((gx) => {
    try { return fit.evaluate({ ...base, [x]: gx }); } catch { return NaN; }
  });

  const fewGroups = groups.size <= maxGroups;
  if (fewGroups) {
    let g = 0;
    const sorted = [...groups.values()].sort((a, b) => others.reduce((acc, o) => acc || vars[o][a[0]] - vars[o][b[0]], 0));
    for (const idx of sorted) {
      const color = COLORS[g++ % COLORS.length];
      const name = others.length ? label(idx[0]) : 'runs';
      const inc = idx.filter((i) => included[i]);
      const exc = idx.filter((i) => !included[i]);
      traces.push({ type: 'scatter', mode: 'markers', name, legendgroup: name, x: inc.map((i) => xs[i]), y: inc.map((i) => loss[i]),
        marker: { color, size: 7 } });
      if (exc.length) {
        traces.push({ type: 'scatter', mode: 'markers', name: `${name} (excluded)`, legendgroup: name, showlegend: false,
          x: exc.map((i) => xs[i]), y: exc.map((i) => loss[i]), marker: { color, size: 7, symbol: 'x-open' } });
      }
      const base = Object.fromEntries(others.map((o) => [o, vars[o][idx[0]]]));
      traces.push({ type: 'scatter', mode: 'lines', name: `law, ${name}`, legendgroup: name, showlegend: false,
        x: grid, y: evalAt(base), line: { color, width: 2 } });
    }
  } else {
    const colorVar = others.slice().sort((a, b) => decades(vars[b]) - decades(vars[a]))[0];
    const inc = [...Array(n).keys()].filter((i) => included[i]);
    const exc = [...Array(n).keys()].filter((i) => !included[i]);
    const logColor = decades(vars[colorVar]) >= 1;
    traces.push({ type: 'scatter', mode: 'markers', name: 'runs', x: inc.map((i) => xs[i]), y: inc.map((i) => loss[i]),
      text: inc.map(label),
      marker: { size: 7, color: inc.map((i) => (logColor ? Math.log10(vars[colorVar][i]) : vars[colorVar][i])), colorscale: 'Viridis',
        colorbar: { title: { text: logColor ? `log10 ${variableLabel(colorVar, fit.roles?.[colorVar])}` : variableLabel(colorVar, fit.roles?.[colorVar]) } } } });
    if (exc.length) {
      traces.push({ type: 'scatter', mode: 'markers', name: 'excluded', x: exc.map((i) => xs[i]), y: exc.map((i) => loss[i]),
        marker: { color: '#999', size: 7, symbol: 'x-open' } });
    }
    const pred = [...Array(n).keys()].map((i) => {
      try { return fit.evaluate(Object.fromEntries(names.map((v) => [v, vars[v][i]]))); } catch { return NaN; }
    });
    traces.push({ type: 'scatter', mode: 'markers', name: 'law at each run', x: inc.map((i) => xs[i]), y: inc.map((i) => pred[i]),
      marker: { color: 'rgba(0,0,0,0)', size: 9, line: { color: '#d62728', width: 1.5 } } });
    const base = Object.fromEntries(others.map((o) => [o, median(vars[o])]));
    traces.push({ type: 'scatter', mode: 'lines', name: `law at median ${others.join(', ')}`, x: grid, y: evalAt(base), line: { color: '#d62728', width: 2 } });
  }

  // The paper's reference: the universal law's own term for this variable, with the others at infinity.
  const c = fit.coefficients, e = fit.exponents;
  if (c && e && xRole) {
    const ref: Record<string, [number, number, string]> = {
      tokens: [c.time, e.time, `L0 + c_D·D^(-${fracLabel(e.time)}) (paper: exponent 1/3; m, l → ∞)`],
      time: [c.time, e.time, `L0 + c_D·τ^(-${fracLabel(e.time)}) (paper: exponent 1/3; m, l → ∞)`],
      steps: [c.time, e.time, `L0 + c·steps^(-${fracLabel(e.time)}) (paper: 1/3; m, l → ∞)`],
      width: [c.width, e.width, `L0 + c_m/m^${fracLabel(e.width)} (paper: 1/m; l, D → ∞)`],
      depth: [c.depth, e.depth, `L0 + c_l/l^${fracLabel(e.depth)} (paper: 1/l; m, D → ∞)`],
    };
    const r = ref[xRole];
    if (r && Number.isFinite(r[0])) {
      traces.push({ type: 'scatter', mode: 'lines', name: r[2], x: grid, y: grid.map((g) => c.L0 + r[0] * Math.pow(g, -r[1])), line: REF });
    }
  }
  const L0 = c?.L0 ?? paramValue(fit, ['L0', 'E']);
  if (L0 !== undefined) {
    traces.push({ type: 'scatter', mode: 'lines', name: `irreducible loss ${fmtShort(L0)}`, x: [grid[0], grid[grid.length - 1]], y: [L0, L0],
      line: { color: '#888', dash: 'dot', width: 1 } });
  }

  return {
    data: traces,
    layout: baseLayout(options.title ?? `Fit${fit.lawName ? ` (${fit.lawName})` : ''}: L = ${fit.law}`, {
      xaxis: axis(variableLabel(x, xRole), xs),
      yaxis: axis(ROLE_LABELS.loss, loss, 1.3),
      // with a colour bar on the right, the legend goes below the chart
      ...(fewGroups ? {} : { legend: { orientation: 'h', y: -0.2, font: { size: 11 } }, margin: { l: 70, r: 20, t: 60, b: 110 }, height: 520 }),
    }),
    config: CONFIG,
  };
}

/** Log residuals ln(L / L_fit) against the main variable, with the ±RMS band and excluded points. */
export function residualsFigure(fit: FitLike, options: { x?: string } = {}): PlotlyFigure {
  const vars = fit.data.variables;
  const names = Object.keys(vars);
  const x = options.x ?? mainVariable(fit);
  const loss = fit.data.loss;
  const included = fit.data.included ?? loss.map(() => true);
  const pred = loss.map((_, i) => {
    try { return fit.evaluate(Object.fromEntries(names.map((v) => [v, vars[v][i]]))); } catch { return NaN; }
  });
  const res = loss.map((l, i) => Math.log(l / pred[i]));
  const inc = res.map((_, i) => i).filter((i) => included[i]);
  const exc = res.map((_, i) => i).filter((i) => !included[i]);
  const text = (i: number) => names.map((v) => `${v}=${fmtShort(vars[v][i])}`).join(', ') + `, loss=${fmtShort(loss[i])}, fit=${fmtShort(pred[i])}`;
  const rms = fit.residuals?.rmsLog ?? Math.sqrt(inc.reduce((s, i) => s + res[i] ** 2, 0) / Math.max(1, inc.length));
  const xs = vars[x];
  const xr = finite(xs);
  const x0 = Math.min(...xr), x1 = Math.max(...xr);
  const traces: Array<Record<string, unknown>> = [
    { type: 'scatter', mode: 'markers', name: 'included', x: inc.map((i) => xs[i]), y: inc.map((i) => res[i]), text: inc.map(text), marker: { color: COLORS[0], size: 7 } },
  ];
  if (exc.length) traces.push({ type: 'scatter', mode: 'markers', name: 'excluded', x: exc.map((i) => xs[i]), y: exc.map((i) => res[i]), text: exc.map(text), marker: { color: '#999', size: 7, symbol: 'x-open' } });
  traces.push({ type: 'scatter', mode: 'lines', name: 'perfect fit (0)', x: [x0, x1], y: [0, 0], line: REF });
  traces.push({ type: 'scatter', mode: 'lines', name: `±RMS ${fmtShort(rms)}`, x: [x0, x1, null, x0, x1], y: [rms, rms, null, -rms, -rms], line: { color: '#888', dash: 'dot', width: 1 } });
  return {
    data: traces,
    layout: baseLayout(`Residuals of L = ${fit.law}`, {
      xaxis: axis(variableLabel(x, fit.roles?.[x]), xs),
      yaxis: { title: { text: 'log residual ln(L / L_fit) (≈ relative error)' }, zeroline: false },
    }),
    config: CONFIG,
  };
}

function refLine(xs: number[], x0: number, y0: number, slope: number): number[] {
  return xs.map((v) => y0 * Math.pow(v / x0, slope));
}

function constant(f: { constants?: Record<string, unknown> }, names: string[]): number | undefined {
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
 * The compute-optimal frontier: reducible loss L* − L0 against compute with the paper's C^(-1/6) line,
 * N* and D* against compute (paper: both ∝ C^(1/2)), and the optimal width and depth (∝ C^(1/6)).
 */
export function frontierFigure(f: FrontierLike): PlotlyFigure {
  const rows: FrontierRow[] = [...f.rows].sort((a, b) => a.flops - b.flops);
  if (!rows.length) throw new ScalingLabError('bad-value', 'plots.frontier: the frontier has no rows.');
  const C = rows.map((r) => r.flops);
  const Cg = logspace(C[0], C[C.length - 1], 60);
  const L0 = constant(f, ['L0', 'E']);
  const lossAt = (c: number) => (f.loss ? f.loss(c) : NaN);
  const reducible = L0 !== undefined;
  const yOf = (l: number) => (reducible ? l - L0! : l);
  const traces: Array<Record<string, unknown>> = [];
  const hasShape = rows.some((r) => typeof r.width === 'number') || rows.some((r) => typeof r.depth === 'number');
  const cols = hasShape ? 3 : 2;
  const gap = 0.07;
  const w = (1 - gap * (cols - 1)) / cols;
  const dom = (i: number) => [i * (w + gap), i * (w + gap) + w];

  const band = bandArrays(f.bands, 'loss', rows);
  if (band) {
    traces.push({ type: 'scatter', mode: 'lines', x: [...band.flops, ...band.flops.slice().reverse()],
      y: [...band.hi.map(yOf), ...band.lo.map(yOf).reverse()], fill: 'toself', fillcolor: 'rgba(31,119,180,0.15)', line: { width: 0 },
      name: '95% band (bootstrap)', hoverinfo: 'skip' });
  }
  const curve = Cg.map(lossAt);
  if (curve.every(Number.isFinite)) {
    traces.push({ type: 'scatter', mode: 'lines', name: 'frontier L*(C)', x: Cg, y: curve.map(yOf), line: { color: COLORS[0], width: 2 } });
  }
  traces.push({ type: 'scatter', mode: 'markers', name: 'budgets', x: C, y: rows.map((r) => yOf(r.loss)), marker: { color: COLORS[0], size: 8 },
    text: rows.map((r) => `L*=${fmtShort(r.loss)} nats, N*=${fmtShort(r.params)}, D*=${fmtShort(r.tokens)}`) });
  const fitted = f.lossExponent !== undefined && Number.isFinite(f.lossExponent) ? -Math.abs(f.lossExponent) : -1 / 6;
  const universal = Math.abs(fitted + 1 / 6) < 1e-6;
  traces.push({ type: 'scatter', mode: 'lines', name: universal ? 'paper: C^(-1/6)' : `power law C^(${fmtShort(fitted)}) (paper form: C^(-αβ/(α+β)))`,
    x: Cg, y: refLine(Cg, C[0], yOf(rows[0].loss), fitted), line: REF });

  // N*, D*
  traces.push({ type: 'scatter', mode: 'lines+markers', name: 'N* (parameters)', x: C, y: rows.map((r) => r.params), xaxis: 'x2', yaxis: 'y2', marker: { color: COLORS[1] }, line: { color: COLORS[1] } });
  traces.push({ type: 'scatter', mode: 'lines+markers', name: 'D* (tokens)', x: C, y: rows.map((r) => r.tokens), xaxis: 'x2', yaxis: 'y2', marker: { color: COLORS[2] }, line: { color: COLORS[2] } });
  traces.push({ type: 'scatter', mode: 'lines', name: 'paper: ∝ C^(1/2)', x: Cg, y: refLine(Cg, C[0], rows[0].params, 0.5), xaxis: 'x2', yaxis: 'y2', line: REF, showlegend: true });

  const layout: Record<string, unknown> = baseLayout(`Compute-optimal frontier: ${fmtShort(f.tokensPerParam)} tokens per parameter`, {
    xaxis: { ...axis(ROLE_LABELS.flops, C, 0.5), domain: dom(0) },
    yaxis: { ...axis(reducible ? `reducible loss L* − L0 (nats), L0 = ${fmtShort(L0)}` : 'loss L* (nats)', rows.map((r) => yOf(r.loss)), reducible ? 0.3 : 1), },
    xaxis2: { ...axis(ROLE_LABELS.flops, C, 0.5), domain: dom(1), anchor: 'y2' },
    yaxis2: { ...axis('optimal N* (parameters), D* (tokens)', [...rows.map((r) => r.params), ...rows.map((r) => r.tokens)], 0.5), anchor: 'x2' },
    height: 430,
  });
  if (reducible) (layout.yaxis as Record<string, unknown>).type = 'log';
  if (hasShape) {
    const wr = rows.filter((r) => typeof r.width === 'number');
    const dr = rows.filter((r) => typeof r.depth === 'number');
    if (wr.length) traces.push({ type: 'scatter', mode: 'lines+markers', name: 'm* (width, d_model)', x: wr.map((r) => r.flops), y: wr.map((r) => r.width), xaxis: 'x3', yaxis: 'y3', marker: { color: COLORS[3] }, line: { color: COLORS[3] } });
    if (dr.length) traces.push({ type: 'scatter', mode: 'lines+markers', name: 'l* (depth, layers)', x: dr.map((r) => r.flops), y: dr.map((r) => r.depth), xaxis: 'x3', yaxis: 'y3', marker: { color: COLORS[4] }, line: { color: COLORS[4] } });
    const anchor = wr[0] ?? dr[0];
    const y0 = (anchor.width ?? anchor.depth)!;
    traces.push({ type: 'scatter', mode: 'lines', name: 'paper: ∝ C^(1/6)', x: Cg, y: refLine(Cg, anchor.flops, y0, 1 / 6), xaxis: 'x3', yaxis: 'y3', line: REF });
    layout.xaxis3 = { ...axis(ROLE_LABELS.flops, C, 0.5), domain: dom(2), anchor: 'y3' };
    layout.yaxis3 = { ...axis(`optimal width m*, depth l*${f.aspectRatio ? ` (m*/l* = ${fmtShort(f.aspectRatio)})` : ''}`, [...wr.map((r) => r.width), ...dr.map((r) => r.depth)], 0.5), anchor: 'x3', type: 'log' };
  }
  layout.legend = { orientation: 'h', y: -0.22, font: { size: 11 } };
  layout.margin = { l: 70, r: 20, t: 60, b: 110 };
  layout.height = 500;
  return { data: traces, layout, config: CONFIG };
}

/** Recipes: each recipe's frontier L*(C), and the compute multiplier of each recipe against the first. */
export function recipesFigure(r: RecipesLike): PlotlyFigure {
  const names = Object.keys(r.recipes);
  if (!names.length) throw new ScalingLabError('bad-value', 'plots.recipes: no recipes to draw.');
  const traces: Array<Record<string, unknown>> = [];
  const allC: number[] = [...(r.budgets ?? [])];
  names.forEach((name, k) => {
    const fr = r.recipes[name].frontier;
    const rows = [...(fr?.rows ?? [])].sort((a, b) => a.flops - b.flops);
    const color = COLORS[k % COLORS.length];
    rows.forEach((row) => allC.push(row.flops));
    if (rows.length > 1 && fr.loss) {
      const Cg = logspace(rows[0].flops, rows[rows.length - 1].flops, 60);
      traces.push({ type: 'scatter', mode: 'lines', name: `${name}: L*(C)`, legendgroup: name, x: Cg, y: Cg.map((c) => fr.loss!(c)), line: { color, width: 2 } });
    }
    traces.push({ type: 'scatter', mode: rows.length > 1 && fr.loss ? 'markers' : 'lines+markers', name: `${name}: budgets (${r.recipes[name].n} runs)`, legendgroup: name,
      x: rows.map((row) => row.flops), y: rows.map((row) => row.loss), marker: { color, size: 8 }, line: { color } });
  });
  const base = names[0];
  const layout: Record<string, unknown> = baseLayout(`Recipes compared by their coefficients (baseline: ${base})`, {
    xaxis: { ...axis(ROLE_LABELS.flops, allC, 0.5), domain: [0, 0.46] },
    yaxis: axis('frontier loss L* (nats)', traces.flatMap((t) => (t.y as number[]) ?? []), 1.3),
  });
  if (names.length > 1 && r.multiplier && r.budgets?.length) {
    const budgets = [...r.budgets].sort((a, b) => a - b);
    const mult: number[] = [];
    names.slice(1).forEach((name, k) => {
      const ys = budgets.map((C) => { try { const v = r.multiplier!(name, base, C); return v > 0 && Number.isFinite(v) ? v : null; } catch { return null; } });
      mult.push(...(ys.filter((v) => v !== null) as number[]));
      const color = COLORS[(k + 1) % COLORS.length];
      traces.push({ type: 'scatter', mode: 'lines+markers', name: `${name} vs ${base}`, legendgroup: name, x: budgets, y: ys, xaxis: 'x2', yaxis: 'y2', marker: { color, size: 8 }, line: { color } });
    });
    // The paper's prediction with equal L0: recipe R needs (K_base/K_R)^6 times less compute at every budget.
    const K = (n: string) => constant(r.recipes[n].frontier ?? {}, ['K']);
    const L0 = (n: string) => constant(r.recipes[n].frontier ?? {}, ['L0', 'E']);
    names.slice(1).forEach((name) => {
      const kb = K(base), kr = K(name), lb = L0(base), lr = L0(name);
      if (kb === undefined || kr === undefined || lb === undefined || lr === undefined) return;
      if (Math.abs(lb - lr) > 1e-9 * Math.max(1, Math.abs(lb))) return;
      const v = (kb / kr) ** 6;
      traces.push({ type: 'scatter', mode: 'lines', name: `paper: (K_${base}/K_${name})^6 = ${fmtShort(v)} (equal L0)`, x: [budgets[0], budgets[budgets.length - 1]], y: [v, v],
        xaxis: 'x2', yaxis: 'y2', line: { ...REF, dash: 'dot' } });
      mult.push(v);
    });
    traces.push({ type: 'scatter', mode: 'lines', name: 'equal compute (×1)', x: [budgets[0], budgets[budgets.length - 1]], y: [1, 1], xaxis: 'x2', yaxis: 'y2', line: REF });
    layout.xaxis2 = { ...axis(`baseline (${base}) compute C (FLOPs)`, budgets, 0.5), domain: [0.56, 1], anchor: 'y2' };
    layout.yaxis2 = { ...axis('compute multiplier (×, >1 = saves compute)', [...mult, 1], 0.5), anchor: 'x2' };
  }
  layout.legend = { orientation: 'h', y: -0.2 };
  layout.margin = { l: 70, r: 20, t: 60, b: 100 };
  layout.height = 480;
  return { data: traces, layout, config: CONFIG };
}

function fracLabel(v: number): string {
  for (const d of [1, 2, 3, 4, 6]) {
    const nnum = Math.round(v * d);
    if (Math.abs(v * d - nnum) < 1e-9) return d === 1 ? String(nnum) : `${nnum}/${d}`;
  }
  return fmtShort(v);
}

function fmtShort(v: unknown): string {
  const x = Number(v);
  if (!Number.isFinite(x)) return String(v);
  if (x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3)) return x.toExponential(2).replace('e+', 'e');
  return String(Number(x.toPrecision(4)));
}

function median(xs: number[]): number {
  const v = finite(xs).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : NaN;
}

/** Thins a curve to at most `max` points, log-spaced in index (keeps the early steps). */
function thin(idx: number[], max: number): number[] {
  if (idx.length <= max) return idx;
  const keep = new Set<number>();
  for (const p of logspace(1, idx.length, max)) keep.add(Math.min(idx.length - 1, Math.round(p) - 1));
  keep.add(idx.length - 1);
  return [...keep].sort((a, b) => a - b).map((k) => idx[k]);
}

/** The y-axis label of each toy's loss: only the softmax toy's loss is in nats. */
const TOY_LOSS_LABELS: Record<string, string> = {
  'softmax-time': 'KL loss (nats)',
  'superposition-width': 'loss (squared error summed over features)',
  'residual-depth': 'loss (mean squared error)',
};

const GROUP_COLUMNS = ['width', 'm', 'depth', 'l', 'variant', 'regime', 'temperature', 'T', 'seed'];

/**
 * A toy run: the loss curves (loss vs dynamic time, log-log), and the measured points with the fitted
 * power law next to the paper's exponent.
 */
export function toyFigure(t: ToyLike): PlotlyFigure {
  const cols = columnsOf(t.curves);
  const xName = 'tau' in cols ? 'tau' : 'step' in cols ? 'step' : Object.keys(cols)[0];
  const groupCols = GROUP_COLUMNS.filter((c) => c in cols);
  const n = cols.loss?.length ?? 0;
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = groupCols.map((c) => `${c}=${cols[c][i]}`).join(', ') || 'loss curve';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  const traces: Array<Record<string, unknown>> = [];
  let k = 0;
  const curveX: number[] = [], curveY: number[] = [];
  for (const [key, idx0] of groups) {
    const idx = thin(idx0.filter((i) => Number(cols[xName][i]) > 0 && Number(cols.loss[i]) > 0), 300);
    const color = COLORS[k++ % COLORS.length];
    const xs = idx.map((i) => Number(cols[xName][i])), ys = idx.map((i) => Number(cols.loss[i]));
    curveX.push(...xs); curveY.push(...ys);
    traces.push({ type: 'scatter', mode: 'lines', name: key, legendgroup: key, x: xs, y: ys, line: { color, width: 1.5 } });
  }
  const px = t.points?.x ?? [], py = t.points?.loss ?? [];
  const e = t.exponent ?? { value: NaN, stderr: null, ci: null, expected: null, range: null };
  traces.push({ type: 'scatter', mode: 'markers', name: `measured: loss vs ${t.points?.xLabel ?? 'x'}`, x: px, y: py, xaxis: 'x2', yaxis: 'y2', marker: { color: COLORS[0], size: 8 } });
  const inRange = px.map((_, i) => i).filter((i) => px[i] > 0 && py[i] > 0 && (!e.range || (px[i] >= e.range[0] && px[i] <= e.range[1])));
  if (inRange.length && Number.isFinite(e.value)) {
    const lx = inRange.map((i) => Math.log(px[i])), ly = inRange.map((i) => Math.log(py[i]));
    const mx = lx.reduce((a, b) => a + b, 0) / lx.length, my = ly.reduce((a, b) => a + b, 0) / ly.length;
    const x0 = Math.exp(mx), y0 = Math.exp(my);
    const lo = Math.max(e.range ? e.range[0] : 0, Math.min(...inRange.map((i) => px[i])));
    const hi = Math.min(e.range ? e.range[1] : Infinity, Math.max(...inRange.map((i) => px[i])));
    const g = logspace(lo, hi, 40);
    const ci = e.ci ? ` [${fmtShort(e.ci[0])}, ${fmtShort(e.ci[1])}]` : e.stderr ? ` ± ${fmtShort(e.stderr)}` : '';
    traces.push({ type: 'scatter', mode: 'lines', name: `fit: slope −${fmtShort(e.value)}${ci}`, x: g, y: refLine(g, x0, y0, -e.value), xaxis: 'x2', yaxis: 'y2', line: { color: COLORS[3], width: 2 } });
    if (e.expected !== null && Number.isFinite(e.expected)) {
      traces.push({ type: 'scatter', mode: 'lines', name: `paper: slope −${fracLabel(e.expected)}`, x: g, y: refLine(g, x0, y0, -e.expected), xaxis: 'x2', yaxis: 'y2', line: REF });
    }
  }
  const xLabel = xName === 'tau' ? ROLE_LABELS.time : xName === 'step' ? ROLE_LABELS.steps : xName;
  const pointsLabel = pointAxisLabel(t.points?.xLabel);
  const lossLabel = TOY_LOSS_LABELS[t.name] ?? 'loss';
  const layout = baseLayout(`Toy ${t.name}: exponent ${fmtShort(e.value)}${e.expected !== null && e.expected !== undefined ? ` (paper ${fracLabel(e.expected)})` : ''} · ${t.backend}, ${fmtShort(t.seconds)} s`, {
    xaxis: { ...axis(xLabel, curveX, 0.5), domain: [0, 0.46] },
    yaxis: axis(lossLabel, curveY, 0.5),
    xaxis2: { ...axis(pointsLabel, px, 0.3), domain: [0.56, 1], anchor: 'y2', type: 'log' },
    yaxis2: { ...axis(lossLabel, py, 0.3), anchor: 'x2', type: 'log' },
    legend: { orientation: 'h', y: -0.2, font: { size: 11 } },
    margin: { l: 70, r: 20, t: 60, b: 110 },
    height: 500,
  });
  return { data: traces, layout, config: CONFIG };
}

function pointAxisLabel(xLabel: string | undefined): string {
  if (!xLabel) return 'x';
  const known: Record<string, string> = { width: ROLE_LABELS.width, m: ROLE_LABELS.width, depth: ROLE_LABELS.depth, l: ROLE_LABELS.depth, tau: ROLE_LABELS.time, time: ROLE_LABELS.time, steps: ROLE_LABELS.steps };
  return known[xLabel] ?? xLabel;
}

/** The chart builders, as `plots.fit(fit)` etc. */
export const plots = {
  fit: fitFigure,
  residuals: residualsFigure,
  frontier: frontierFigure,
  recipes: recipesFigure,
  toy: toyFigure,
};
