// Kernel level: test/fixtures/notebooks/90-display.ipynb shows every display kind (fit via the display
// hook, plotly figure, frontier, recipes, toy, progress bar, DataFrame); the saved outputs must carry
// the mime types. Each test finds its cell by tag. Also: scalinglab/core in the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { FIXTURE_NOTEBOOKS, OUTPUT_DIR, cellTagged, displaysOf, executedOnce, runNotebook, stdoutOf, writeNotebook, type Notebook } from '../helpers/notebooks';

type Figure = { data: Array<{ name?: string }>; layout: Record<string, any> };
const PLOTLY = 'application/vnd.plotly.v1+json';
const joined = (v: unknown) => [v as string | string[]].flat().join('');

const displayNotebook = executedOnce(() => runNotebook(path.join(FIXTURE_NOTEBOOKS, '90-display.ipynb'), { outName: '90-display.checked.ipynb', timeoutSeconds: 300 }));

function bundleOf(tag: string, nb: Notebook = displayNotebook()): Record<string, any> {
  const cell = cellTagged(nb, tag);
  const d = displaysOf(cell);
  assert.equal(d.length, 1, `cell ${tag}: ${JSON.stringify(cell.outputs).slice(0, 400)}`);
  return d[0].data!;
}

function assertChartBundle(tag: string, textPattern: RegExp, nb?: Notebook): { fig: Figure; html: string } {
  const b = bundleOf(tag, nb);
  assert.deepEqual(Object.keys(b).sort(), [PLOTLY, 'text/html', 'text/plain'], `cell ${tag}`);
  const fig = b[PLOTLY];
  assert.equal(typeof fig, 'object', 'plotly JSON must be an object, not a string');
  assert.ok(Array.isArray(fig.data) && fig.data.length > 0);
  for (const ax of Object.keys(fig.layout).filter((k) => /^[xy]axis\d*$/.test(k))) {
    assert.ok(fig.layout[ax].title?.text, `cell ${tag}: ${ax} has no title`);
  }
  const html = joined(b['text/html']);
  assert.match(html, /<div id="scalinglab-plot-[a-z0-9]+"/);
  assert.match(html, /plotly-3\.3\.0\.min\.js/);
  assert.match(joined(b['text/plain']), textPattern);
  return { fig, html };
}

test('90-display.ipynb runs in the scalinglab kernel', () => {
  assert.ok(displayNotebook().cells.length > 0);
});

test('a fit as the last expression of a cell renders itself (display hook): plotly + table + summary', () => {
  const { fig, html } = assertChartBundle('fit-last-value', /universal law/);
  assert.deepEqual((cellTagged(displayNotebook(), 'fit-last-value').outputs ?? []).map((o) => o.output_type), ['display_data'], 'no stray empty stdout line from tslab\'s console.log');
  assert.match(html, /<table[\s\S]*L0[\s\S]*c_m/);
  assert.equal(fig.layout.xaxis.type, 'log');
  assert.ok(fig.data.some((t) => /paper/.test(t.name ?? '')), 'reference line');
});

test('a plotly figure from plots.residuals shows as a chart', () => {
  assertChartBundle('plotly-figure', /plotly figure: \d+ traces/);
});

test('a frontier shows the frontier, N*/D* and the optimal shape with the paper lines', () => {
  const { fig } = assertChartBundle('frontier', /frontier: 20 tokens per parameter/);
  const names = fig.data.map((t) => t.name).join(' | ');
  assert.match(names, /C\^\(-1\/6\)/);
  assert.match(names, /C\^\(1\/2\)/);
  assert.match(names, /C\^\(1\/6\)/);
  assert.match(fig.layout.xaxis.title.text, /FLOPs/);
  assert.equal(fig.layout.xaxis.type, 'log');
});

test('a recipe comparison shows frontiers and compute multipliers', () => {
  const { fig, html } = assertChartBundle('recipes', /better wins/);
  assert.match(fig.layout.yaxis2.title.text, /multiplier/);
  assert.match(html, /Best recipe per budget/);
});

test('a toy result shows curves and the fitted slope next to the paper slope', () => {
  const { fig } = assertChartBundle('toy', /softmax-time/);
  const names = fig.data.map((t) => t.name).join(' | ');
  assert.match(names, /fit: slope −0\.334/);
  assert.match(names, /paper: slope −1\/3/);
  assert.equal(fig.layout.xaxis2.type, 'log');
});

test('the progress bar is one display updated in place and ends at 100%', () => {
  const b = bundleOf('progress-bar');
  assert.match(joined(b['text/html']), /data-percent="100"/);
  assert.match(joined(b['text/plain']), /100% step 40\/40 loss 0\.02439/);
});

test('a fit of 100k runs is drawn from a stratified sample of 1000, says so, and each displayed output stays under 2 MB', () => {
  for (const tag of ['big-fit', 'big-fit-residuals']) {
    const outputs = cellTagged(displayNotebook(), tag).outputs ?? [];
    for (const o of outputs) {
      const size = Buffer.byteLength(JSON.stringify(o));
      assert.ok(size <= 2 * 1024 * 1024, `cell ${tag}: an output of ${size} bytes`);
    }
    const { fig, html } = assertChartBundle(tag, /universal law[\s\S]*chart: 1000 of 100000 runs shown/);
    assert.match(html, /n = 100000[^<]*1000 of 100000 runs shown \(stratified sample\)/);
    assert.match(fig.layout.title.text, /1000 of 100000 runs shown/);
  }
});

test('show(DataFrame) gives an HTML table and a text line', () => {
  const b = bundleOf('dataframe');
  assert.match(joined(b['text/plain']), /DataFrame: 18 rows/);
  assert.match(joined(b['text/html']), /<table/);
});

test('scalinglab/core imports in the kernel (Node10 resolution) and a fit prints its summary; importing the root then turns the charts on', () => {
  const nb = writeNotebook(path.join(OUTPUT_DIR, 'core', 'core.ipynb'), [
    { source: "import { fitUniversal, datasets } from 'scalinglab/core';\nconst u = fitUniversal(datasets.chinchilla(), { bootstrap: 0 });\nu", tags: ['core-only'] },
    { source: "import 'scalinglab';\nu", tags: ['with-root'] },
  ]);
  const r = runNotebook(nb, { outName: 'core.ipynb', timeoutSeconds: 300 });
  assert.equal(r.status, 0, r.stderr);
  const coreOnly = cellTagged(r.executed, 'core-only');
  assert.deepEqual(displaysOf(coreOnly), [], 'no renderer without the notebook layer');
  assert.match(stdoutOf(coreOnly), /universal law/);
  assertChartBundle('with-root', /universal law/, r.executed);
});
