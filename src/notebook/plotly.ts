import * as fs from 'fs';
import { ScalingLabError } from '../errors';
import { figureToSvg } from './staticChart';
import { compactJson } from './compact';
import type { PlotlyFigure } from './plotlyFigure';

/**
 * The text/html part of a chart: a div plus a script that draws it with a pinned plotly.js, found in
 * this order:
 * 1. already on the page (an earlier chart, or the inlined copy of 'inline' mode);
 * 2. from the Jupyter server the notebook runs on: the kernel installer copies plotly.js into the
 *    scalinglab kernel spec, and Jupyter serves a kernel spec's files at
 *    `{base_url}kernelspecs/scalinglab/<file>` (classic Notebook, Notebook 7, JupyterLab), so charts
 *    are interactive offline without storing plotly.js in the notebook (docs/kernel.md);
 * 3. from https://cdn.plot.ly (exported HTML, nbviewer, a server without the kernel spec).
 * 'inline' mode: the first chart of the notebook (kernel session) carries plotly.js itself (~4.8 MB).
 * Where none loads, the static SVG picture stays. The loader is require.js-aware: classic Notebook
 * and nbconvert's HTML put require.js on the page, and an AMD-aware bundle would register itself with
 * it instead of setting window.Plotly; the script hides `define` while plotly.js loads.
 */
export const PLOTLY_VERSION = '3.3.0';
export const PLOTLY_CDN_URL = `https://cdn.plot.ly/plotly-${PLOTLY_VERSION}.min.js`;
/** The file the kernel installer puts in the scalinglab kernel spec (bin/scalinglab-install-kernel.js). */
export const PLOTLY_KERNELSPEC_FILE = `plotly-${PLOTLY_VERSION}.min.js`;
/** Its path under the Jupyter server's base URL. */
export const PLOTLY_KERNELSPEC_PATH = `kernelspecs/scalinglab/${PLOTLY_KERNELSPEC_FILE}`;

export type PlotlySource = 'cdn' | 'inline';

export type { PlotlyFigure } from './plotlyFigure';

const STATE = Symbol.for('scalinglab.plotly.v1');
interface PlotlyState { source: PlotlySource; inlined: boolean }
function state(): PlotlyState {
  const g = globalThis as Record<symbol, PlotlyState | undefined>;
  if (!g[STATE]) g[STATE] = { source: 'cdn', inlined: false };
  return g[STATE]!;
}

/** Chooses how charts get plotly.js: 'cdn' (pinned URL) or 'inline' (embedded once per notebook). */
export function setPlotlySource(source: PlotlySource): void {
  if (source !== 'cdn' && source !== 'inline') {
    throw new ScalingLabError('bad-value', `setPlotlySource: expected 'cdn' or 'inline', got ${JSON.stringify(source)}.`);
  }
  const s = state();
  if (s.source !== source) s.inlined = false;
  s.source = source;
}

export function getPlotlySource(): PlotlySource {
  return state().source;
}

let plotlySourceText: string | undefined;
/** The pinned plotly.min.js from node_modules (plotly.js-dist-min). */
export function plotlyLibrarySource(): string {
  if (plotlySourceText === undefined) {
    let file: string;
    try {
      file = require.resolve('plotly.js-dist-min/plotly.min.js');
    } catch {
      throw new ScalingLabError('missing-dependency', "setPlotlySource('inline') needs the package plotly.js-dist-min.",
        `npm install plotly.js-dist-min@${PLOTLY_VERSION}, or use setPlotlySource('cdn').`);
    }
    plotlySourceText = fs.readFileSync(file, 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  }
  return plotlySourceText;
}

/** JSON for embedding inside a <script>: no `</script>`, no HTML comment openers; numbers in their shortest form. */
export function scriptJson(value: unknown): string {
  return compactJson(value)
    .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * Script that makes sure window.Plotly is (being) loaded and calls back with it (null when no source
 * loads): from the Jupyter server's kernel spec when the page is a Jupyter page (classic Notebook:
 * body data-base-url; JupyterLab and Notebook 7: #jupyter-config-data), else or then from the CDN.
 */
function loaderScript(cdnUrl: string, waitForInlineMs: number): string {
  return `function scalinglabWithPlotly(cb) {
  if (window.Plotly) { cb(window.Plotly); return; }
  function jupyterBase() {
    var b = document.body && document.body.getAttribute("data-base-url");
    if (!b) {
      var el = document.getElementById("jupyter-config-data");
      try { b = el ? JSON.parse(el.textContent).baseUrl : null; } catch (e) { b = null; }
    }
    return b ? (b.charAt(b.length - 1) === "/" ? b : b + "/") : null;
  }
  var base = jupyterBase();
  var urls = (base ? [base + ${scriptJson(PLOTLY_KERNELSPEC_PATH)}] : []).concat([${scriptJson(cdnUrl)}]);
  var waited = 0;
  function load() {
    if (window.Plotly) { cb(window.Plotly); return; }
    var key = "scalinglabPlotlyLoading";
    if (window[key]) { window[key].push(cb); return; }
    var pending = window[key] = [cb];
    var hiddenDefine = window.define;
    if (typeof hiddenDefine === "function" && hiddenDefine.amd) { window.define = undefined; }
    function done(P) {
      if (hiddenDefine !== undefined && window.define === undefined) { window.define = hiddenDefine; }
      window[key] = undefined;
      for (var i = 0; i < pending.length; i++) { pending[i](P); }
    }
    function tryFrom(i) {
      if (i >= urls.length) { done(null); return; }
      var s = document.createElement("script");
      s.src = urls[i]; s.async = true; s.charset = "utf-8";
      s.onload = function () { if (window.Plotly) { done(window.Plotly); } else { tryFrom(i + 1); } };
      s.onerror = function () { tryFrom(i + 1); };
      document.head.appendChild(s);
    }
    tryFrom(0);
  }
  function poll() {
    if (window.Plotly) { cb(window.Plotly); return; }
    if (waited >= ${waitForInlineMs}) { load(); return; }
    waited += 100; setTimeout(poll, 100);
  }
  poll();
}`;
}

export interface PlotlyHtmlOptions {
  /** Element id of the chart div; random when omitted. */
  id?: string;
  /** Override the notebook-wide source for this chart. */
  source?: PlotlySource;
  /** Embed plotly.js in this chart even if an earlier chart did. */
  forceInline?: boolean;
  /** Height of the chart div in px (the figure's layout.height wins when set). */
  height?: number;
  /** Embed a static SVG drawing, shown until plotly.js draws (default true). */
  staticFallback?: boolean;
  /**
   * Put the inlined plotly.js ('inline' source) in this HTML when it is due (default true). The
   * notebook's display sets false and adds inlineLibrary() itself once the output passed its size check.
   */
  library?: boolean;
}

/** The script tag that carries plotly.js itself (about 4.8 MB). */
function libraryScript(): string {
  return `<script type="text/javascript">/* plotly.js ${PLOTLY_VERSION}, inlined once per notebook */\n`
    + `(function(){var d=window.define;if(typeof d==="function"&&d.amd){window.define=undefined;}try{\n`
    + plotlyLibrarySource()
    + `\n}finally{if(d!==undefined){window.define=d;}}})();</script>\n`;
}

/**
 * The inlined plotly.js when the source is 'inline' and no chart of this session carried it yet (or
 * `force`); '' otherwise. Marks it as carried: later charts wait for it on the page.
 */
export function inlineLibrary(force = false): string {
  const s = state();
  if (s.source !== 'inline' || (s.inlined && !force)) return '';
  s.inlined = true;
  return libraryScript();
}

/** The div + script that draws `fig` with plotly.js, for the text/html part of a display bundle. */
export function plotlyHtml(fig: PlotlyFigure, options: PlotlyHtmlOptions = {}): string {
  const id = options.id ?? `scalinglab-plot-${Math.random().toString(36).slice(2, 10)}`;
  const source = options.source ?? state().source;
  let library = '';
  if (source === 'inline' && options.library !== false) {
    const s = state();
    if (options.forceInline || !s.inlined) {
      library = libraryScript();
      s.inlined = true;
    }
  }
  const height = Number((fig.layout as { height?: unknown }).height) || options.height || 460;
  const waitMs = source === 'inline' ? 10000 : 0;
  let fallback = '';
  if (options.staticFallback !== false) {
    try { fallback = figureToSvg(fig, { width: 900, height: 500 }).replace('<svg ', '<svg class="scalinglab-static" style="max-width:100%;height:auto" '); } catch { fallback = ''; }
  }
  return `${library}<div id="${id}" class="scalinglab-plot" style="width:100%;"></div>
<div id="${id}-status"><div style="color:#888;font:12px sans-serif">Static picture; the interactive chart is drawn here by plotly.js ${PLOTLY_VERSION} when the notebook is trusted and plotly.js can load (from the Jupyter server's scalinglab kernel spec, or online).</div>${fallback}</div>
<script type="text/javascript">
${oneLine(drawScript(fig, id, height, waitMs))}
</script>`;
}

/**
 * Every line of the script ends a statement or a block, so dropping line breaks and indentation leaves
 * the same program on one line: a notebook stores each output line as its own JSON string.
 */
function oneLine(script: string): string {
  return script.replace(/\n\s*/g, '');
}

/** The script that loads plotly.js (loaderScript) and draws `fig` into the div `id`. */
function drawScript(fig: PlotlyFigure, id: string, height: number, waitMs: number): string {
  return `(function () {
  var fig = ${scriptJson({ data: fig.data, layout: fig.layout, config: fig.config ?? { responsive: true } })};
  ${loaderScript(PLOTLY_CDN_URL, waitMs)}
  scalinglabWithPlotly(function (P) {
    var el = document.getElementById(${scriptJson(id)});
    var st = document.getElementById(${scriptJson(id + '-status')});
    if (!el) return;
    if (!P) { if (st && st.firstChild) st.firstChild.textContent = "Static picture: plotly.js ${PLOTLY_VERSION} could not be loaded (offline, and no Jupyter server with the scalinglab kernel spec serves it; setPlotlySource('inline') embeds it in the notebook)."; return; }
    el.style.minHeight = (fig.layout.height || ${height}) + "px";
    P.newPlot(el, fig.data, fig.layout, fig.config).then(function () { if (st) st.style.display = "none"; });
  });
})();`;
}
