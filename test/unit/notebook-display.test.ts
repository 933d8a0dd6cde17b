// The weight and safety of what the notebook displays: compacted figures (rounding, thinning, typed
// arrays, compact script JSON), stratified samples of large fits, the 2 MB bound per output, clear
// errors for look-alike results and bad show options, the interval label from the fit's level, the
// plotly.js loader's order of sources and the frontier of one budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactFigure, compactJson, roundTo, thinIndices, withTypedArrays } from '../../src/notebook/compact';
import { sampleFitForDisplay, stratifiedSample, MAX_DISPLAY_POINTS } from '../../src/notebook/sample';
import { bundleFor, MAX_OUTPUT_BYTES, PLOTLY_MIME } from '../../src/notebook/render';
import { plotlyHtml, setPlotlySource, PLOTLY_CDN_URL, PLOTLY_KERNELSPEC_PATH } from '../../src/notebook/plotly';
import { plots } from '../../src/notebook/figures/index';
import { csv, csvColumns } from '../../src/notebook/templates';
import { ScalingLabError } from '../../src/errors';
import { Rng } from '../../src/util/random';
import type { PlotlyFigure } from '../../src/notebook/plotlyFigure';
import type { FitLike, FrontierLike } from '../../src/notebook/shapes';
import { fakeFit, fakeFrontier } from '../helpers/fakeResults';

type Trace = Record<string, any>;

/** A universal-form fit of n synthetic runs (log-uniform sizes, 2% noise), shaped like fitUniversal's result. */
function bigFit(n: number): FitLike {
  const rng = new Rng(1);
  const m: number[] = [], l: number[] = [], D: number[] = [], loss: number[] = [];
  const law = (v: Record<string, number>) => 1.8 + 400 / v.m + 3 / v.l + 1000 * v.D ** (-1 / 3);
  for (let i = 0; i < n; i++) {
    const v = { m: 2 ** (7 + 6 * rng.uniform()), l: 2 + Math.floor(46 * rng.uniform()), D: 10 ** (8 + 4 * rng.uniform()) };
    m.push(v.m); l.push(v.l); D.push(v.D); loss.push(law(v) * Math.exp(0.02 * rng.normal()));
  }
  return { ...fakeFit(), data: { variables: { m, l, D }, loss, included: loss.map(() => true) }, evaluate: law, n };
}

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

test('compactFigure rounds trace data to 4 significant digits and leaves layout and the input alone', () => {
  const fig: PlotlyFigure = { data: [{ mode: 'markers', x: [1 / 3, 123456789, 2e-7], y: [Math.PI, -Math.E, 0], marker: { color: [0.123456, 7.654321, 1] } }], layout: { height: 460.123456 } };
  const out = compactFigure(fig);
  assert.deepEqual(out.data[0].x, [0.3333, 123500000, 2e-7]);
  assert.deepEqual(out.data[0].y, [3.142, -2.718, 0]);
  assert.deepEqual((out.data[0].marker as Trace).color, [0.1235, 7.654, 1]);
  assert.equal(out.layout.height, 460.123456);
  assert.equal((fig.data[0].x as number[])[0], 1 / 3, 'input unchanged');
  assert.equal(roundTo(NaN, 4), NaN);
});

test('compactFigure thins long lines (evenly and log-spaced, keeping ends, extremes and gaps) and never markers', () => {
  const n = 20000;
  const x = Array.from({ length: n }, (_, i) => i + 1);
  const y: Array<number | null> = x.map((v) => 1 / v + (v === 12340 ? 5 : 0)); // a spike the thinning must keep
  y[7000] = null;
  const fig: PlotlyFigure = { data: [{ mode: 'lines', x, y }, { mode: 'markers', x, y }], layout: {} };
  const [thinned] = compactFigure(fig, { tolerance: 0 }).data as Trace[];
  assert.ok(thinned.x.length <= 160 && thinned.x.length >= 100, `kept ${thinned.x.length}`);
  assert.ok(thinned.x[9] <= 20, `dense at the start (log spacing): ${thinned.x.slice(0, 10)}`);
  const [line, markers] = compactFigure(fig).data as Trace[];
  assert.ok(line.x.length <= thinned.x.length);
  assert.equal(line.x.length, line.y.length);
  assert.equal(line.x[0], 1);
  assert.equal(line.x[line.x.length - 1], n);
  assert.ok(line.x.includes(12340), 'the maximum stays');
  assert.ok(line.x.includes(7001) && line.y[line.x.indexOf(7001)] === null, 'the gap stays a gap');
  assert.equal(markers.x.length, n, 'markers are data: never thinned');
  const idx = thinIndices(1000, 50, [500]);
  assert.deepEqual(idx, [...new Set(idx)].sort((a, b) => a - b));
  assert.ok(idx.includes(0) && idx.includes(999) && idx.includes(500));
});

test('compactFigure keeps the points that shape a line as drawn: a power law on log-log axes keeps its two ends, a curve stays within 1/1000 of its extent', () => {
  const C = Array.from({ length: 60 }, (_, i) => 10 ** (18 + (8 * i) / 59));
  const power = C.map((c) => 3e-3 * c ** 0.5);
  const loglog = { xaxis2: { type: 'log' }, yaxis2: { type: 'log' } };
  const [straight] = compactFigure({ data: [{ mode: 'lines', x: C, y: power, xaxis: 'x2', yaxis: 'y2' }], layout: loglog }).data as Trace[];
  assert.deepEqual(straight.x, [1e18, 1e26]);
  // the same line on linear axes is a curve: it keeps more points, and the drawn line stays within the tolerance
  const lin = Array.from({ length: 400 }, (_, i) => 1 + (9 * i) / 399);
  const curve = lin.map((v) => 1.8 + 2 / v);
  const [kept] = compactFigure({ data: [{ mode: 'lines', x: lin, y: curve }], layout: {} }).data as Trace[];
  assert.ok(kept.x.length > 5 && kept.x.length < 60, `kept ${kept.x.length} of 400`);
  // distance of every original point from the kept segment around it, in units of the line's extent (9 by 1.8)
  const sx = 9, sy = 2 - 2 / 10;
  for (let k = 0; k < lin.length; k++) {
    const j = Math.max(1, kept.x.findIndex((v: number) => v >= lin[k]));
    const [x0, x1, y0, y1] = [kept.x[j - 1] / sx, kept.x[j] / sx, kept.y[j - 1] / sy, kept.y[j] / sy];
    const [px, py] = [lin[k] / sx, curve[k] / sy];
    const d = Math.abs((y1 - y0) * (px - x0) - (x1 - x0) * (py - y0)) / Math.hypot(x1 - x0, y1 - y0);
    assert.ok(d <= 1.5e-3, `x = ${lin[k]}: ${d} of the extent (tolerance 1e-3, plus 4-digit rounding)`);
  }
});

test('withTypedArrays: long arrays as base64 float32 (plotly.js typed arrays), short ones and strings as they were', () => {
  const long = Array.from({ length: 100 }, (_, i) => 1.5 ** i);
  const fig = withTypedArrays({ data: [{ x: long, y: [1, 2, 3], text: long.map(String), marker: { color: long } }], layout: {} });
  const t = fig.data[0] as Trace;
  assert.equal(t.x.dtype, 'f4');
  const decoded = new Float32Array(new Uint8Array(Buffer.from(t.x.bdata, 'base64')).buffer);
  assert.deepEqual([...decoded], long.map(Math.fround));
  assert.equal(t.marker.color.dtype, 'f4');
  assert.deepEqual(t.y, [1, 2, 3]);
  assert.equal(t.text.length, 100);
  const huge = withTypedArrays({ data: [{ x: long.map((v) => v * 1e200) }], layout: {} }).data[0] as Trace;
  assert.equal(huge.x.dtype, 'f8', 'beyond float32: float64');
});

test('compactJson is JSON with the shortest number forms', () => {
  const value = { a: [12340000000, 0.0001234, 1e21, -5, 0, NaN, null], s: 'x"</', f: () => 1, u: undefined, n: { b: true } };
  const text = compactJson(value);
  assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)));
  assert.match(text, /\[1\.234e10,1\.234e-4,1e21,-5,0,null,null\]/);
});

test('stratifiedSample: at most max points, seeded, and every part of the x and y ranges keeps its share', () => {
  const rng = new Rng(3);
  const n = 50000;
  const x = Array.from({ length: n }, (_, i) => (i < 250 ? 1e6 * (1 + rng.uniform()) : 10 ** (3 * rng.uniform()))); // 0.5% far out
  const y = x.map((v) => 1 / Math.log(v + 2) + 0.01 * rng.normal());
  const s = stratifiedSample(x, y, 1000, 0);
  assert.ok(s.length <= 1000 && s.length >= 990, `size ${s.length}`);
  assert.deepEqual(s, stratifiedSample(x, y, 1000, 0), 'same seed, same sample');
  assert.notDeepEqual(s, stratifiedSample(x, y, 1000, 1));
  assert.deepEqual(s, [...new Set(s)].sort((a, b) => a - b));
  assert.ok(s.filter((i) => i < 250).length >= 5, 'the rare far-out runs are represented');
  // shares per x decile, against the full data's 10%
  const sorted = [...x].sort((a, b) => a - b);
  for (let d = 0; d < 10; d++) {
    const lo = sorted[Math.floor((d * n) / 10)], hi = sorted[Math.min(n - 1, Math.floor(((d + 1) * n) / 10))];
    const share = s.filter((i) => x[i] >= lo && x[i] < hi).length / s.length;
    assert.ok(Math.abs(share - 0.1) < 0.02, `decile ${d}: ${share}`);
  }
  assert.deepEqual(stratifiedSample([1, 2, 3], [3, 2, 1], 10), [0, 1, 2]);
});

test('a fit of 100k runs displays a stratified sample of 1000 with the full fit\'s table and says so; every output is under 2 MB', () => {
  const fit = bigFit(100_000);
  const drawn = sampleFitForDisplay(fit);
  assert.equal(drawn.shown, MAX_DISPLAY_POINTS);
  assert.equal(drawn.total, 100_000);
  for (const chart of ['fit', 'residuals'] as const) {
    const b = bundleFor(fit, { chart });
    assert.deepEqual(Object.keys(b).sort(), [PLOTLY_MIME, 'text/html', 'text/plain']);
    for (const [mime, part] of Object.entries(b)) assert.ok(bytes(part) < MAX_OUTPUT_BYTES, `${chart} ${mime}: ${bytes(part)} bytes`);
    assert.ok(bytes(b) < 1_000_000, `${chart}: whole bundle ${bytes(b)} bytes`);
    assert.match(String(b['text/html']), /n = 100000[^<]*1000 of 100000 runs shown \(stratified sample\)/);
    assert.match(JSON.stringify((b[PLOTLY_MIME] as PlotlyFigure).layout.title), /1000 of 100000 runs shown/);
    assert.match(b['text/plain'], /chart: 1000 of 100000 runs shown/);
  }
  assert.equal(fit.data.loss.length, 100_000, 'the fit itself is unchanged');
});

test('an output that would weigh over 2 MB (a raw figure of 300k points) shows as text with a note', () => {
  const x = Array.from({ length: 300_000 }, (_, i) => i * 1.0001);
  const b = bundleFor({ data: [{ type: 'scatter', mode: 'markers', x, y: x.map((v) => Math.sin(v)), text: x.map((v) => `point ${v}`) }], layout: {} });
  assert.deepEqual(Object.keys(b), ['text/plain']);
  assert.match(b['text/plain'], /would weigh [\d.]+ MB, over the 2 MB[\s\S]*fewer points/);
});

test('setPlotlySource(\'inline\'): the first chart carries plotly.js (the user asked for its 4.8 MB), later ones do not', () => {
  setPlotlySource('inline');
  try {
    const first = bundleFor(fakeFit()), second = bundleFor(fakeFit());
    assert.deepEqual(Object.keys(first).sort(), [PLOTLY_MIME, 'text/html', 'text/plain']);
    assert.ok(bytes(first['text/html']) > 4_000_000, 'plotly.js inlined in the first chart');
    assert.match(String(first['text/html']), /inlined once per notebook/);
    assert.ok(bytes(second['text/html']) < 200_000, 'the second chart waits for it');
  } finally {
    setPlotlySource('cdn');
  }
});

test('look-alike results and bad show options give a ScalingLabError that says what is missing', () => {
  assert.throws(() => bundleFor({ kind: 'fit' }), (e: unknown) => e instanceof ScalingLabError
    && /kind 'fit' must be a fit result; this one has no law \(a string\), data\.variables[\s\S]*evaluate \(a function\)/.test((e as Error).message)
    && /How to fix: pass the result of fitUniversal or fitLaw itself/.test((e as Error).message));
  assert.throws(() => bundleFor(JSON.parse(JSON.stringify({ ...fakeFit(), evaluate: undefined }))), /no evaluate \(a function\)/);
  assert.throws(() => bundleFor({ kind: 'frontier', rows: 'x' }), /kind 'frontier'[\s\S]*rows \(an array\), tokensPerParam \(a number\)[\s\S]*pass the result of frontier itself/);
  assert.throws(() => bundleFor({ kind: 'toy' }), /pass the result of runToy itself/);
  assert.throws(() => bundleFor(fakeFit(), { chart: 'resid' as 'fit' }), /show: chart must be 'fit' or 'residuals', got "resid"/);
  assert.throws(() => bundleFor(fakeFit(), { chrt: 'residuals' } as object), /show: unknown option 'chrt'[\s\S]*Known options: chart, maxRows|known options are: chart, maxRows/);
});

test('csv with a header and no data rows is a ScalingLabError (not danfo\'s ParamError)', () => {
  for (const text of ['d_model,loss', 'd_model,loss\n\n# only a comment\n']) {
    assert.throws(() => csv(text), (e: unknown) => e instanceof ScalingLabError && /csv: only a header row \(d_model,loss\), no data rows[\s\S]*How to fix: add one line per run/.test((e as Error).message));
    assert.throws(() => csvColumns(text), ScalingLabError);
  }
});

test('the parameter table labels its interval columns by the fit\'s level', () => {
  const html = (level: number | undefined) => String(bundleFor({ ...fakeFit(), level })['text/html']);
  assert.match(html(0.9), /<th>CI 90% low<\/th><th>CI 90% high<\/th>/);
  assert.match(html(0.95), /<th>CI 95% low<\/th>/);
  assert.match(html(0.683), /<th>CI 68\.3% low<\/th>/);
  assert.match(html(undefined), /<th>CI 95% low<\/th>/, 'a result without a level: the default 95%');
});

test('the frontier band is labelled by the frontier\'s level', () => {
  const band = (level?: number) => (plots.frontier({ ...fakeFrontier(), level }).data as Trace[])[0].name;
  assert.equal(band(), '95% band (bootstrap)');
  assert.equal(band(0.9), '90% band (bootstrap)');
});

test('the chart loads plotly.js from the Jupyter server\'s kernel spec first, then the CDN; no base URL, no local try', () => {
  const html = plotlyHtml({ data: [{ x: [1], y: [1] }], layout: {} }, { id: 'k' });
  assert.equal(PLOTLY_KERNELSPEC_PATH, 'kernelspecs/scalinglab/plotly-3.3.0.min.js');
  const local = html.indexOf(JSON.stringify(PLOTLY_KERNELSPEC_PATH)), cdn = html.indexOf(JSON.stringify(PLOTLY_CDN_URL));
  assert.ok(local > 0 && cdn > local, 'kernel spec URL before the CDN');
  assert.match(html, /getAttribute\("data-base-url"\)/, 'classic Notebook');
  assert.match(html, /getElementById\("jupyter-config-data"\)/, 'JupyterLab and Notebook 7');
  assert.match(html, /\(base \? \[base \+ /, 'only a Jupyter page tries the local URL');
});

test('a frontier of one budget draws each panel over two decades of compute, with the optimum along it', () => {
  const f = fakeFrontier();
  const full = f as FrontierLike & { at(C: number): FrontierLike['rows'][number] };
  full.at = (C: number) => { const N = Math.sqrt(C / 6 / 20); return { flops: C, params: N, tokens: 20 * N, width: (N / 12 * 50) ** (1 / 3), depth: (N / 12 / 2500) ** (1 / 3), tokensPerParam: 20, loss: f.loss!(C) }; };
  const one = { ...full, rows: [f.rows[1]], bands: undefined };
  const fig = plots.frontier(one);
  const layout = fig.layout as Record<string, any>;
  for (const ax of ['xaxis', 'xaxis2', 'xaxis3', 'yaxis', 'yaxis2', 'yaxis3']) assert.equal(layout[ax].type, 'log', ax);
  const along = (fig.data as Trace[]).filter((t) => / along C$/.test(t.name));
  assert.deepEqual(along.map((t) => t.name), ['N* (parameters) along C', 'D* (tokens) along C', 'm* (width, d_model) along C', 'l* (depth, layers) along C']);
  for (const t of along) {
    assert.ok(Math.abs(Math.log10(t.x[t.x.length - 1] / t.x[0]) - 2) < 1e-9, 'two decades');
    assert.ok(Math.abs(t.y[t.y.length - 1] / t.y[0] - (t.name.startsWith('N*') || t.name.startsWith('D*') ? 10 : 10 ** (1 / 3))) < 1e-6, t.name);
  }
  // three budgets spanning four decades: no widening, no extra lines
  assert.equal((plots.frontier(full).data as Trace[]).filter((t) => / along C$/.test(t.name)).length, 0);
});
