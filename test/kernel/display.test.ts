// Kernel level: notebooks/90-display.ipynb shows every display kind (fit via the display hook, plotly
// figure, frontier, recipes, toy, progress bar, DataFrame); the saved outputs must carry the mime types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { ROOT, runNotebook } from '../helpers/notebooks';

type Output = { output_type: string; name?: string; text?: string | string[]; data?: Record<string, any> };
type Cell = { cell_type: string; source: string | string[]; outputs?: Output[] };
const PLOTLY = 'application/vnd.plotly.v1+json';
const joined = (v: unknown) => [v as string | string[]].flat().join('');

let cells: Cell[] = [];

test('90-display.ipynb runs in the scalinglab kernel', () => {
  const r = runNotebook(path.join(ROOT, 'notebooks', '90-display.ipynb'), { outName: '90-display.checked.ipynb', timeoutSeconds: 300 });
  assert.equal(r.status, 0, r.stderr);
  cells = (r.executed.cells as Cell[]).filter((c) => c.cell_type === 'code');
});

function bundleOf(i: number): Record<string, any> {
  const d = (cells[i].outputs ?? []).filter((o) => o.output_type === 'display_data');
  assert.equal(d.length, 1, `cell ${i}: ${JSON.stringify(cells[i].outputs).slice(0, 400)}`);
  return d[0].data!;
}

function assertChartBundle(i: number, textPattern: RegExp) {
  const b = bundleOf(i);
  assert.deepEqual(Object.keys(b).sort(), [PLOTLY, 'text/html', 'text/plain'], `cell ${i}`);
  const fig = b[PLOTLY];
  assert.equal(typeof fig, 'object', 'plotly JSON must be an object, not a string');
  assert.ok(Array.isArray(fig.data) && fig.data.length > 0);
  for (const ax of Object.keys(fig.layout).filter((k) => /^[xy]axis\d*$/.test(k))) {
    assert.ok(fig.layout[ax].title?.text, `cell ${i}: ${ax} has no title`);
  }
  const html = joined(b['text/html']);
  assert.match(html, /<div id="scalinglab-plot-[a-z0-9]+"/);
  assert.match(html, /plotly-3\.3\.0\.min\.js/);
  assert.match(joined(b['text/plain']), textPattern);
  return { fig, html };
}

test('a fit as the last expression of a cell renders itself (display hook): plotly + table + summary', () => {
  const { fig, html } = assertChartBundle(1, /universal law/);
  assert.deepEqual((cells[1].outputs ?? []).map((o) => o.output_type), ['display_data'], 'no stray empty stdout line from tslab\'s console.log');
  assert.match(html, /<table[\s\S]*L0[\s\S]*c_m/);
  assert.equal(fig.layout.xaxis.type, 'log');
  assert.ok(fig.data.some((t: any) => /paper/.test(t.name ?? '')), 'reference line');
});

test('a plotly figure from plots.residuals shows as a chart', () => {
  assertChartBundle(2, /plotly figure: \d+ traces/);
});

test('a frontier shows the frontier, N*/D* and the optimal shape with the paper lines', () => {
  const { fig } = assertChartBundle(3, /frontier: 20 tokens per parameter/);
  const names = fig.data.map((t: any) => t.name).join(' | ');
  assert.match(names, /C\^\(-1\/6\)/);
  assert.match(names, /C\^\(1\/2\)/);
  assert.match(names, /C\^\(1\/6\)/);
  assert.match(fig.layout.xaxis.title.text, /FLOPs/);
  assert.equal(fig.layout.xaxis.type, 'log');
});

test('a recipe comparison shows frontiers and compute multipliers', () => {
  const { fig, html } = assertChartBundle(4, /better wins/);
  assert.match(fig.layout.yaxis2.title.text, /multiplier/);
  assert.match(html, /Best recipe per budget/);
});

test('a toy result shows curves and the fitted slope next to the paper slope', () => {
  const { fig } = assertChartBundle(5, /softmax-time/);
  const names = fig.data.map((t: any) => t.name).join(' | ');
  assert.match(names, /fit: slope −0\.334/);
  assert.match(names, /paper: slope −1\/3/);
  assert.equal(fig.layout.xaxis2.type, 'log');
});

test('the progress bar is one display updated in place and ends at 100%', () => {
  const b = bundleOf(6);
  assert.match(joined(b['text/html']), /data-percent="100"/);
  assert.match(joined(b['text/plain']), /100% step 40\/40 loss 0\.02439/);
});

test('show(DataFrame) gives an HTML table and a text line', () => {
  const b = bundleOf(7);
  assert.match(joined(b['text/plain']), /DataFrame: 18 rows/);
  assert.match(joined(b['text/html']), /<table/);
});
