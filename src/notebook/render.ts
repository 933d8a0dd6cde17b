import { displayBundle, kernelJupyterModule, type TslabJupyterModule } from './kernel';
import { enableCellSignals, type CellRunner } from './cellSignals';
import { setRenderer } from '../display-hook';
import { ScalingLabError, checkOptionKeys } from '../errors';
import { inlineLibrary, plotlyHtml, type PlotlyFigure } from './plotly';
import { plots } from './figures/index';
import { compactFigure, withTypedArrays } from './compact';
import { sampleFitForDisplay } from './sample';
import { columnsOf, escapeHtml, htmlTable } from './table';
import { frontierComparisonTable, frontierTable, paperCheckTable, paramsTable, recipesTable, sampleNote, toyTable } from './resultTables';
import type { FrontierComparison } from '../frontier/compare';
import type { PaperCheckRow } from './paperCheck';
import { checkShape, type FitLike, type FrontierLike, type RecipesLike, type ToyLike } from './shapes';
import { isDataFrame } from '../data';
import { sweepFigure, sweepTable, type SweepLike } from './figures/sweep';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** One display message's data: several mime types for the same value. */
export type MimeBundle = Record<string, unknown> & { 'text/plain': string };

export interface ShowOptions {
  /** For fits: which chart to draw ('fit', the default, or 'residuals'). */
  chart?: 'fit' | 'residuals';
  /** Rows of tables shown in HTML (default 12). */
  maxRows?: number;
}

/** The options show takes (also checked by the %show magic). */
export const SHOW_OPTIONS = ['chart', 'maxRows'] as const;

/** The most one displayed output may weigh (its JSON); larger ones show their text and a note instead. */
export const MAX_OUTPUT_BYTES = 2 * 1024 * 1024;

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

/** A chart with its table and summary; the figure as displayed: rounded, long curves thinned (compact.ts). */
function chartBundle(fig: PlotlyFigure, tableHtml: string, text: string): MimeBundle {
  const shown = compactFigure(fig);
  return {
    [PLOTLY_MIME]: withTypedArrays(shown),
    'text/html': wrap([tableHtml, plotlyHtml(shown, { library: false }), details(text)]),
    'text/plain': text,
  };
}

/** A fit's chart (of a stratified sample when it has many runs) with the full fit's table and summary. */
function fitBundle(fit: FitLike, chart: ShowOptions['chart']): MimeBundle {
  const { fit: drawn, shown, total } = sampleFitForDisplay(fit);
  const note = sampleNote(shown, total);
  const fig = chart === 'residuals' ? plots.residuals(drawn) : plots.fit(drawn);
  if (note) {
    const title = fig.layout.title as { text: string };
    fig.layout.title = { ...title, text: `${title.text}${note}` };
  }
  const text = summaryOf(fit);
  return chartBundle(fig, paramsTable(fit, note), note ? `${text}\n(chart:${note.slice(2)})` : text);
}

function checkShowOptions(options: ShowOptions): void {
  checkOptionKeys('show', options, SHOW_OPTIONS);
  if (options.maxRows !== undefined && !(Number.isInteger(options.maxRows) && options.maxRows >= 1)) {
    throw new ScalingLabError('bad-option', `show: maxRows must be a whole number >= 1, got ${JSON.stringify(options.maxRows)}.`, 'e.g. show(table, { maxRows: 50 }).');
  }
  if (options.chart !== undefined && options.chart !== 'fit' && options.chart !== 'residuals') {
    throw new ScalingLabError('bad-option', `show: chart must be 'fit' or 'residuals', got ${JSON.stringify(options.chart)}.`, "e.g. show(fit, { chart: 'residuals' }).");
  }
}

/** The bundle, or its text with a note when its JSON is over MAX_OUTPUT_BYTES (a figure with too many points). */
function bounded(bundle: MimeBundle): MimeBundle {
  const bytes = Buffer.byteLength(JSON.stringify(bundle));
  if (bytes <= MAX_OUTPUT_BYTES) return bundle;
  const note = `(scalinglab: this output would weigh ${(bytes / 1048576).toFixed(1)} MB, over the ${MAX_OUTPUT_BYTES / 1048576} MB a notebook output may take; `
    + 'it is shown as text. Draw fewer points, e.g. a sample of the data.)';
  return { 'text/plain': `${bundle['text/plain']}\n${note}` };
}

/**
 * The display bundle for a value: science results (kind 'fit', 'frontier', 'recipes', 'toy') get
 * `application/vnd.plotly.v1+json` + `text/html` (table + chart) + `text/plain` (summary()); plotly
 * figures get the chart; DataFrames and tables get an HTML table; anything else its text. Charts are
 * compacted for display (compact.ts), fits with more than 1000 runs drawn from a stratified sample
 * (sample.ts), and no bundle weighs more than MAX_OUTPUT_BYTES.
 */
export function bundleFor(value: unknown, options: ShowOptions = {}): MimeBundle {
  checkShowOptions(options);
  return withInlineLibrary(bounded(unboundedBundle(value, options)));
}

/** A chart's bundle with plotly.js in front when setPlotlySource('inline') is on and no chart carried it yet (outside the size bound: the user asked for it). */
function withInlineLibrary(bundle: MimeBundle): MimeBundle {
  if (!(PLOTLY_MIME in bundle)) return bundle;
  const library = inlineLibrary();
  return library ? { ...bundle, 'text/html': `${library}${bundle['text/html'] as string}` } : bundle;
}

function unboundedBundle(value: unknown, options: ShowOptions): MimeBundle {
  const maxRows = options.maxRows ?? 12;
  const kind = (value as Kinded | null)?.kind;
  if (kind === 'fit' || kind === 'frontier' || kind === 'recipes' || kind === 'toy') checkShape(value, kind);
  if (kind === 'fit') return fitBundle(value as FitLike, options.chart);
  if (kind === 'frontier') {
    const f = value as FrontierLike;
    return chartBundle(plots.frontier(f), frontierTable(f, maxRows), summaryOf(f));
  }
  if (kind === 'frontier-comparison') {
    const c = value as FrontierComparison;
    return chartBundle(plots.frontiers(c), frontierComparisonTable(c), summaryOf(c));
  }
  if (kind === 'recipes') {
    const r = value as RecipesLike;
    return chartBundle(plots.recipes(r), recipesTable(r, maxRows), summaryOf(r));
  }
  if (kind === 'toy') {
    const t = value as ToyLike;
    return chartBundle(plots.toy(t), toyTable(t), summaryOf(t));
  }
  if (kind === 'sweep') {
    const s = value as SweepLike;
    return chartBundle(sweepFigure(s), sweepTable(s, maxRows), summaryOf(s));
  }
  if (kind === 'paper-check') {
    const pc = value as { rows?: PaperCheckRow[] } & Kinded;
    return { 'text/html': wrap([paperCheckTable(pc.rows ?? [])]), 'text/plain': summaryOf(pc) };
  }
  if (kind === 'prose') {
    const text = summaryOf(value as Kinded);
    return { 'text/markdown': text, 'text/plain': text };
  }
  if (isFigure(value)) {
    const fig = compactFigure(value);
    return { [PLOTLY_MIME]: withTypedArrays(fig), 'text/html': wrap([plotlyHtml(fig, { library: false })]), 'text/plain': `<plotly figure: ${value.data.length} traces>` };
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
 * that is a cell's last value shows as a chart, and turns cell signals on (a kernel interrupt stops
 * the cell's toys and bootstraps: cellSignals.ts). Returns false (and changes nothing) outside a kernel.
 */
export function enableNotebookDisplay(): boolean {
  const jupyter = kernelJupyterModule() as (TslabJupyterModule & { JupyterHandlerImpl?: { prototype: CellRunner } }) | null;
  if (!jupyter) return false;
  setRenderer(renderResult);
  enableCellSignals(jupyter.JupyterHandlerImpl?.prototype ?? null);
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
