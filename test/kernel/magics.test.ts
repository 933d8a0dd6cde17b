// Kernel level: test/fixtures/notebooks/90-magics.ipynb uses every magic whose API exists, a bad magic
// and a runtime error; the saved outputs must carry the right mime types, the failing cells an error
// output, and the cells after them must still run. Each test finds its cells by tag. Also:
// installMagics() in the stock tslab kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT, FIXTURE_NOTEBOOKS, OUTPUT_DIR, cellTagged, displaysOf, executedOnce, runNotebook, stdoutOf, writeNotebook, jupyterPython, kernelEnv, type Cell, type Notebook } from '../helpers/notebooks';

const PLOTLY = 'application/vnd.plotly.v1+json';
const text = (o: { text?: string | string[] }) => [o.text ?? ''].flat().join('');

const magicsNotebook = executedOnce(() => runNotebook(path.join(FIXTURE_NOTEBOOKS, '90-magics.ipynb'), { outName: '90-magics.checked.ipynb', timeoutSeconds: 300 }));
const cell = (tag: string): Cell => cellTagged(magicsNotebook(), tag);
const stdout = (tag: string) => stdoutOf(cell(tag));
const displays = (tag: string) => displaysOf(cell(tag));

test('90-magics.ipynb runs in the scalinglab kernel (failing magics allowed only where tagged)', () => {
  assert.ok(magicsNotebook().cells.length > 0);
});

test('%help lists every magic with an example', () => {
  const out = stdout('magic-help');
  for (const m of ['%%csv', '%%law', '%fit', '%frontier', '%toy', '%compare', '%show', '%help']) assert.ok(out.includes(m), `${m} missing from %help`);
  assert.match(out, /e\.g\.\s+%fit u = runs/);
});

test('%%csv defines a DataFrame and shows it as an HTML table + text', () => {
  const d = displays('magic-csv');
  assert.equal(d.length, 1);
  assert.deepEqual(Object.keys(d[0].data!).sort(), ['text/html', 'text/plain']);
  assert.match(String(d[0].data!['text/plain']), /DataFrame: 18 rows × 4 columns \(d_model, n_layers, tokens, loss\)/);
  assert.match([d[0].data!['text/html']].flat().join(''), /<table[\s\S]*<th>d_model<\/th>/);
});

test('%%law defines the law expression', () => {
  assert.match(stdout('magic-law'), /L0 \+ c_m \/ m \+ c_l \/ l \+ c_D \* D\^\(-1\/3\)/);
});

test('%fit shows one display with plotly JSON (an object), HTML and the summary text, after a bootstrap progress bar at 100%', () => {
  const d = displays('magic-fit');
  assert.equal(d.length, 2, 'progress bar + result');
  const [bar, result] = d;
  assert.match([bar.data!['text/html']].flat().join(''), /data-percent="100"/);
  assert.match(String(bar.data!['text/plain']), /100% step 20\/20/);
  assert.deepEqual(Object.keys(result.data!).sort(), [PLOTLY, 'text/html', 'text/plain']);
  const fig = result.data![PLOTLY] as { data: unknown[]; layout: Record<string, any> };
  assert.equal(typeof fig, 'object');
  assert.ok(Array.isArray(fig.data) && fig.data.length >= 4);
  assert.equal(fig.layout.xaxis.type, 'log');
  assert.match(fig.layout.xaxis.title.text, /tokens/);
  assert.match(fig.layout.yaxis.title.text, /loss \(nats\)/);
  assert.match([result.data!['text/plain']].flat().join(''), /universal law/);
  assert.match([result.data!['text/html']].flat().join(''), /scalinglab-plot[\s\S]*cdn\.plot\.ly\/plotly-3\.3\.0\.min\.js/);
});

test('%show u --chart residuals draws the residual chart', () => {
  const d = displays('magic-show');
  assert.equal(d.length, 1);
  const fig = d[0].data![PLOTLY] as { layout: Record<string, any> };
  assert.match(fig.layout.yaxis.title.text, /log residual/);
});

test('a bad magic gives an error output in its cell, and the next cell still runs', () => {
  const bad = cell('bad-magic');
  const err = (bad.outputs ?? []).find((o) => o.output_type === 'error');
  assert.ok(err, JSON.stringify(bad.outputs));
  assert.equal(err!.ename, 'MagicError');
  assert.match(err!.evalue!, /unknown magic %nosuch[\s\S]*%help/);
  assert.match(stdout('after-bad-magic'), /after bad magic 18/);

  const badToy = cell('bad-toy');
  assert.match((badToy.outputs ?? []).find((o) => o.output_type === 'error')!.evalue!, /unknown toy 'no-such-toy'[\s\S]*softmax-time/);
  assert.match(stdout('after-bad-toy'), /after bad toy name/);
});

test('a typo in a magic option gives a MagicError naming the option and the known ones, and the next cell still runs', () => {
  const bad = cell('bad-option');
  const err = (bad.outputs ?? []).find((o) => o.output_type === 'error');
  assert.ok(err, JSON.stringify(bad.outputs));
  assert.equal(err!.ename, 'MagicError');
  assert.match(err!.evalue!, /%fit: unknown option --exclude\.highestLos[\s\S]*did you mean 'highestLoss'\? Known options: highestLoss, rows, where/);
  assert.doesNotMatch(JSON.stringify(bad.outputs), /Object literal may only specify known properties/, 'no TypeScript error from the generated code');
  assert.match(stdout('after-bad-option'), /after bad option 18/);
});

test('csv with a header only and show of a look-alike result give ScalingLabErrors with a hint, and the next cell still runs', () => {
  const textOf = (tag: string) => (cell(tag).outputs ?? []).map((o) => `${text(o)}${o.evalue ?? ''}`).join('');
  assert.match(textOf('csv-header-only'), /ScalingLabError[\s\S]*csv: only a header row \(d_model,loss\), no data rows[\s\S]*How to fix/);
  assert.doesNotMatch(textOf('csv-header-only'), /ParamError/);
  assert.match(textOf('show-lookalike'), /ScalingLabError[\s\S]*show: a value with kind 'fit' must be a fit result[\s\S]*How to fix: pass the result of fitUniversal or fitLaw/);
  assert.doesNotMatch(textOf('show-lookalike'), /TypeError/);
  assert.match(stdout('after-errors'), /after errors/);
});

test('a runtime error (stop_on_error=false from nbclient) does not abort the next cell', () => {
  const thrown = cell('runtime-error');
  assert.match((thrown.outputs ?? []).map(text).join(''), /a plain runtime error/);
  assert.match(stdout('after-runtime-error'), /after runtime error/);
});

test('installMagics() gives the same magics in the stock tslab kernel', () => {
  const specDir = path.join(OUTPUT_DIR, 'jupyter', 'kernels', 'tslab-stock');
  fs.mkdirSync(specDir, { recursive: true });
  fs.writeFileSync(path.join(specDir, 'kernel.json'), JSON.stringify({
    argv: [process.execPath, path.join(ROOT, 'node_modules', 'tslab', 'bin', 'tslab'), 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (stock tslab, test)', language: 'typescript',
  }));
  const nb = writeNotebook(path.join(OUTPUT_DIR, 'magics', 'stock.ipynb'), [
    { source: "import { installMagics } from 'scalinglab';\ninstallMagics()", tags: ['install'] },
    { source: '%%csv small\nx,loss\n1,3\n2,2.5', tags: ['csv'] },
    { source: '%nosuch', tags: ['raises-exception', 'bad-magic'] },
    { source: 'console.log("rows", small.shape[0])', tags: ['after-bad-magic'] },
  ]);
  const out = path.join(OUTPUT_DIR, 'notebooks', 'magics-stock.ipynb');
  const env = kernelEnv();
  env.JUPYTER_PATH = [path.join(OUTPUT_DIR, 'jupyter'), env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  const r = spawnSync(jupyterPython(), [path.join(ROOT, 'scripts', 'run_notebook.py'), nb, '--out', out, '--kernel', 'tslab-stock', '--timeout', '300'],
    { encoding: 'utf8', env, cwd: path.dirname(nb) });
  assert.equal(r.status, 0, r.stderr);
  const stock = JSON.parse(fs.readFileSync(out, 'utf8')) as Notebook;
  assert.match(stdoutOf(cellTagged(stock, 'install')), /true/);
  assert.match(String(displaysOf(cellTagged(stock, 'csv'))[0].data!['text/plain']), /DataFrame: 2 rows/);
  assert.equal((cellTagged(stock, 'bad-magic').outputs ?? []).find((o) => o.output_type === 'error')?.ename, 'MagicError');
  assert.match(stdoutOf(cellTagged(stock, 'after-bad-magic')), /rows 2/);
});

test('%frontier shows the frontier chart and table', () => {
  const d = displays('magic-frontier');
  assert.equal(d.length, 1);
  assert.deepEqual(Object.keys(d[0].data!).sort(), [PLOTLY, 'text/html', 'text/plain']);
  const fig = d[0].data![PLOTLY] as { data: Array<{ name: string }>; layout: Record<string, any> };
  assert.match(fig.layout.xaxis.title.text, /FLOPs/);
  assert.ok(fig.data.some((t) => /C\^\(-1\/6\)/.test(t.name)));
  assert.match([d[0].data!['text/html']].flat().join(''), /N\* \(params\)/);
  assert.match([d[0].data!['text/plain']].flat().join(''), /frontier/i);
});

test('%compare shows the recipe comparison: frontiers, multipliers and the winners table', () => {
  const d = displays('magic-compare');
  assert.equal(d.length, 1);
  assert.deepEqual(Object.keys(d[0].data!).sort(), [PLOTLY, 'text/html', 'text/plain']);
  const fig = d[0].data![PLOTLY] as { data: Array<{ name: string; y?: number[] }>; layout: Record<string, any> };
  const mult = fig.data.find((t) => t.name === 'tuned vs base');
  assert.ok(mult && mult.y!.every((v) => Math.abs(v - (1 / 0.9) ** 6) < 0.05), JSON.stringify(mult));
  assert.match([d[0].data!['text/html']].flat().join(''), /Best recipe per budget/);
  assert.match([d[0].data!['text/plain']].flat().join(''), /Recipe comparison: 2 recipes/);
});

test('%fit --law with a %%law variable goes through fitLaw and renders the fit', () => {
  const d = displays('magic-fit-law');
  const result = d[d.length - 1];
  assert.deepEqual(Object.keys(result.data!).sort(), [PLOTLY, 'text/html', 'text/plain']);
  assert.match([result.data!['text/plain']].flat().join(''), /Fit of L = L0 \+ c_m \/ m/);
});

test('%toy trains the toy with a progress bar that ends at 100% and shows curves with the fitted and the paper slope', () => {
  const d = displays('magic-toy');
  assert.equal(d.length, 2, 'progress bar + result');
  assert.match([d[0].data!['text/html']].flat().join(''), /data-percent="100"/);
  assert.match(String(d[0].data!['text/plain']), /100% step 300\/300/);
  assert.deepEqual(Object.keys(d[1].data!).sort(), [PLOTLY, 'text/html', 'text/plain']);
  const fig = d[1].data![PLOTLY] as { data: Array<{ name: string }>; layout: Record<string, any> };
  assert.ok(fig.data.some((t) => /^fit: slope −/.test(t.name)));
  assert.ok(fig.data.some((t) => t.name === 'paper: slope −1/3'));
  assert.match(fig.layout.xaxis.title.text, /dynamic time τ/);
  assert.match([d[1].data!['text/plain']].flat().join(''), /softmax-time/);
});
