import { displayBundle, kernelJupyterModule } from './kernel';
import { setRenderer } from '../display-hook';
import type { PaperCheckRow } from './paperCheck';
import { plotlyHtml, type PlotlyFigure } from './plotly';
import { plots } from './figures/index';
import { cellText, columnsOf, escapeHtml, htmlTable, type Column } from './table';
import type { FitLike, FrontierLike, RecipesLike, ToyLike } from './shapes';
import { isDataFrame } from '../data';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** One display message's data: several mime types for the same value. */
export type MimeBundle = Record<string, unknown> & { 'text/plain': string };

export interface ShowOptions {
  /** For fits: which chart to draw ('fit', the default, or 'residuals'). */
  chart?: 'fit' | 'residuals';
  /** Rows of tables shown in HTML (default 12). */
  maxRows?: number;
}

type Kinded = { kind?: unknown; summary?: () => string };

function isFigure(x: unknown): x is PlotlyFigure {
  return !!x && typeof x === 'object' && Array.isArray((x as PlotlyFigure).data) && typeof (x as PlotlyFigure).layout === 'object';
}

function summaryOf(x: Kinded): string {
  try { return typeof x.summary === 'function' ? x.summary() : String(x); } catch (e) { return `(summary failed: ${(e as Error).message})`; }
}

function details(text: string): string {
  return `<details style="margin-top:4px"><summary style="cursor:pointer;color:#555">summary()</summary><pre style="font-size:11px">${escapeHtml(text)}</pre></details>`;
}

function wrap(parts: string[]): string {
  return `<div class="scalinglab-result" style="font-family:sans-serif">${parts.join('\n')}</div>`;
}

function paramsTable(fit: FitLike): string {
  const params = Object.values(fit.params ?? {});
  if (!params.length) return '';
  const cols: Record<string, Column> = {
    parameter: params.map((p) => p.name),
    value: params.map((p) => p.value),
    stderr: params.map((p) => p.stderr),
    'CI 95% low': params.map((p) => p.ci?.[0]),
    'CI 95% high': params.map((p) => p.ci?.[1]),
    status: params.map((p) => (p.fixed ? 'fixed' : p.tiedTo ? `tied: ${p.tiedTo}` : 'fitted')),
  };
  const caption = `L = ${fit.law}${fit.n !== undefined ? ` · n = ${fit.n}` : ''}${fit.residuals ? ` · RMS log residual ${cellText(fit.residuals.rmsLog)}` : ''}${fit.bootstrap ? ` · bootstrap ${fit.bootstrap.resamples}×` : ''}`;
  return htmlTable(cols, { caption, maxRows: 50 });
}

function frontierTable(f: FrontierLike, maxRows: number): string {
  const rows = f.rows;
  const cols: Record<string, Column> = {
    'C (FLOPs)': rows.map((r) => r.flops), 'N* (params)': rows.map((r) => r.params), 'D* (tokens)': rows.map((r) => r.tokens),
  };
  if (rows.some((r) => r.width !== undefined)) cols['m* (width)'] = rows.map((r) => r.width);
  if (rows.some((r) => r.depth !== undefined)) cols['l* (depth)'] = rows.map((r) => r.depth);
  cols['D*/N*'] = rows.map((r) => r.tokensPerParam);
  cols['L* (nats)'] = rows.map((r) => r.loss);
  return htmlTable(cols, { maxRows, caption: `Frontier · ${cellText(f.tokensPerParam)} tokens per parameter${f.aspectRatio ? ` · m*/l* = ${cellText(f.aspectRatio)}` : ''}` });
}

function recipesTable(r: RecipesLike, maxRows: number): string {
  const names = Object.keys(r.recipes);
  const coef = (n: string, k: 'L0' | 'width' | 'depth' | 'time') => r.recipes[n].fit?.coefficients?.[k];
  const cols: Record<string, Column> = { recipe: names, runs: names.map((n) => r.recipes[n].n) };
  if (names.some((n) => r.recipes[n].fit?.coefficients)) {
    cols.L0 = names.map((n) => coef(n, 'L0')); cols.c_m = names.map((n) => coef(n, 'width'));
    cols.c_l = names.map((n) => coef(n, 'depth')); cols.c_D = names.map((n) => coef(n, 'time'));
  }
  cols['D*/N*'] = names.map((n) => r.recipes[n].frontier?.tokensPerParam);
  let html = htmlTable(cols, { caption: 'Recipes (shared exponents)', maxRows: 50 });
  if (r.best?.length) {
    html += htmlTable({ 'C (FLOPs)': r.best.map((b) => b.flops), best: r.best.map((b) => b.recipe), 'L* (nats)': r.best.map((b) => b.loss) },
      { caption: 'Best recipe per budget', maxRows });
  }
  return html;
}

function toyTable(t: ToyLike): string {
  const e = t.exponent;
  const cols: Record<string, Column> = {
    toy: [t.name], exponent: [e?.value], stderr: [e?.stderr], 'CI 95%': [e?.ci ? `[${cellText(e.ci[0])}, ${cellText(e.ci[1])}]` : ''],
    paper: [e?.expected], 'fit range': [e?.range ? `${cellText(e.range[0])} – ${cellText(e.range[1])}` : ''], backend: [t.backend], seconds: [t.seconds],
  };
  const notes = (t.notes ?? []).length ? `<ul style="font-size:12px;margin:4px 0">${t.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
  return htmlTable(cols) + notes;
}

function chartBundle(fig: PlotlyFigure, tableHtml: string, text: string): MimeBundle {
  return {
    [PLOTLY_MIME]: fig,
    'text/html': wrap([tableHtml, plotlyHtml(fig), details(text)]),
    'text/plain': text,
  };
}

/**
 * The display bundle for a value: science results (kind 'fit', 'frontier', 'recipes', 'toy') get
 * `application/vnd.plotly.v1+json` + `text/html` (table + chart) + `text/plain` (summary()); plotly
 * figures get the chart; DataFrames and tables get an HTML table; anything else its text.
 */
export function bundleFor(value: unknown, options: ShowOptions = {}): MimeBundle {
  const maxRows = options.maxRows ?? 12;
  const kind = (value as Kinded | null)?.kind;
  if (kind === 'fit') {
    const fit = value as FitLike;
    const fig = options.chart === 'residuals' ? plots.residuals(fit) : plots.fit(fit);
    return chartBundle(fig, paramsTable(fit), summaryOf(fit));
  }
  if (kind === 'frontier') {
    const f = value as FrontierLike;
    return chartBundle(plots.frontier(f), frontierTable(f, maxRows), summaryOf(f));
  }
  if (kind === 'recipes') {
    const r = value as RecipesLike;
    return chartBundle(plots.recipes(r), recipesTable(r, maxRows), summaryOf(r));
  }
  if (kind === 'toy') {
    const t = value as ToyLike;
    return chartBundle(plots.toy(t), toyTable(t), summaryOf(t));
  }
  if (kind === 'paper-check') {
    const pc = value as { rows?: PaperCheckRow[] } & Kinded;
    const rows = pc.rows ?? [];
    const withSe = (x: number, se?: number) => (se !== undefined ? `${cellText(x)} ± ${cellText(se)}` : cellText(x));
    const cols: Record<string, Column> = {
      '': rows.map((r) => (r.passed ? '✓' : '✗')), quantity: rows.map((r) => r.quantity),
      ours: rows.map((r) => withSe(r.ours, r.oursStderr)),
      paper: rows.map((r) => withSe(r.paper, r.paperStderr)),
      rule: rows.map((r) => r.rule),
      'off by': rows.map((r) => (r.sigmas !== undefined ? `${cellText(r.sigmas)}σ` : '')),
      source: rows.map((r) => r.source),
    };
    return { 'text/html': wrap([htmlTable(cols, { caption: "Our numbers against the papers'", maxRows: 100 })]), 'text/plain': summaryOf(pc) };
  }
  if (kind === 'prose') {
    const text = summaryOf(value as Kinded);
    return { 'text/markdown': text, 'text/plain': text };
  }
  if (isFigure(value)) {
    return { [PLOTLY_MIME]: value, 'text/html': wrap([plotlyHtml(value)]), 'text/plain': `<plotly figure: ${value.data.length} traces>` };
  }
  if (isDataFrame(value) || (Array.isArray(value) && value.every((r) => r && typeof r === 'object'))) {
    const cols = columnsOf(value);
    const names = Object.keys(cols);
    const n = names.length ? cols[names[0]].length : 0;
    const text = isDataFrame(value) ? `DataFrame: ${n} rows × ${names.length} columns (${names.join(', ')})` : `${n} rows × ${names.length} columns (${names.join(', ')})`;
    return { 'text/html': htmlTable(cols, { maxRows, caption: text }), 'text/plain': text };
  }
  if (typeof value === 'string') return { 'text/plain': value };
  return { 'text/plain': typeof (value as Kinded)?.summary === 'function' ? summaryOf(value as Kinded) : require('util').inspect(value) };
}

/**
 * Shows a value in the notebook as one display message with several mime types (see bundleFor).
 * Outside a tslab kernel it prints the text/plain part (the summary) instead.
 */
export function show(value: unknown, options: ShowOptions = {}): void {
  const bundle = bundleFor(value, options);
  if (!displayBundle(bundle)) console.log(bundle['text/plain']);
}

/**
 * Registers renderResult with the display hook when running inside a live tslab kernel, so a result
 * that is a cell's last value shows as a chart. Returns false (and changes nothing) outside a kernel.
 */
export function enableNotebookDisplay(): boolean {
  if (!kernelJupyterModule()) return false;
  setRenderer(renderResult);
  return true;
}

/** The renderer registered with the display hook inside a kernel: displays the result, prints nothing. */
export function renderResult(result: { kind: string }): string | undefined {
  let bundle: MimeBundle;
  try {
    bundle = bundleFor(result);
  } catch (err) {
    return `${summaryOf(result as Kinded)}\n(scalinglab: the chart could not be drawn: ${(err as Error).message})`;
  }
  if (!displayBundle(bundle)) return undefined;
  swallowNextNewline();
  return '';
}

/**
 * tslab prints a cell's last value with console.log; once the value has displayed itself, that
 * print is a lone "\n", which would add an empty stdout output under the chart. Drop exactly that one
 * write (it follows synchronously); anything else passes, and the filter is gone by the next tick.
 */
function swallowNextNewline(): void {
  const stream = process.stdout as NodeJS.WriteStream & { write: (...args: unknown[]) => boolean };
  const original = stream.write;
  let active = true;
  const restore = () => {
    if (active && stream.write === filtered) stream.write = original;
    active = false;
  };
  const filtered = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    restore();
    if (chunk === '\n') return true;
    return original.call(stream, chunk, ...rest);
  };
  stream.write = filtered;
  setImmediate(restore);
}
