import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { figureToSvg } from '../../src/notebook/staticChart';
import { plots } from '../../src/notebook/figures/index';
import type { PlotlyFigure } from '../../src/notebook/plotly';
import type { FitLike, RecipesLike } from '../../src/notebook/shapes';
import { fakeFit, fakeFrontier, fakeToy } from '../helpers/fakeResults';
import { ROOT, OUTPUT_DIR } from '../helpers/notebooks';

// ------------------------------------------------------------------ synthetic results, shaped like the real ones


/** Many (m, l) settings: the fit chart switches to one colour-scaled marker trace. */
function fakeWideFit(): FitLike {
  const m: number[] = [], l: number[] = [], D: number[] = [], loss: number[] = [];
  for (const mm of [128, 256, 512, 1024]) for (const ll of [2, 4, 8]) for (const dd of [1e8, 1e9, 1e10]) {
    m.push(mm); l.push(ll); D.push(dd); loss.push((1.8 + 200 / mm + 2 / ll + 900 * dd ** (-1 / 3)) * (1 + 0.01 * Math.sin(m.length)));
  }
  return { ...fakeFit(), data: { variables: { m, l, D }, loss, included: loss.map(() => true) } };
}



function fakeRecipes(): RecipesLike {
  return {
    kind: 'recipes', budgets: [1e19, 1e21],
    recipes: { base: { fit: fakeFit(), frontier: fakeFrontier(1), n: 18 }, tuned: { fit: fakeFit(), frontier: fakeFrontier(0.9), n: 12 } },
    multiplier: (a, b) => (a === 'tuned' && b === 'base' ? 1.88 : 0),
    summary: () => 'fake recipes',
  };
}

/**
 * One figure per chart kind: the fit chart with per-setting colours and with one colour scale, the
 * residuals of an exact fit and of one with 1% scatter (so the ±RMS band has a width).
 */
function chartKinds(): Array<[string, PlotlyFigure]> {
  return [
    ['fit', plots.fit(fakeFit())], ['fit-wide', plots.fit(fakeWideFit())], ['residuals', plots.residuals(fakeFit())],
    ['residuals-scatter', plots.residuals(fakeWideFit())],
    ['frontier', plots.frontier(fakeFrontier())], ['recipes', plots.recipes(fakeRecipes())], ['toy', plots.toy(fakeToy())],
  ];
}

// ------------------------------------------------------------------ helpers

/** Parses with python's xml.etree (a real XML parser); throws on malformed output. */
function assertWellFormed(svg: string): void {
  const out = execFileSync('python3', ['-c', [
    'import sys, xml.etree.ElementTree as ET',
    'root = ET.fromstring(sys.stdin.buffer.read())',
    'print(root.tag)',
  ].join('\n')], { input: svg }).toString().trim();
  assert.equal(out, '{http://www.w3.org/2000/svg}svg');
}

function count(svg: string, tag: string): number {
  return (svg.match(new RegExp(`<${tag}[\\s>/]`, 'g')) ?? []).length;
}

/** Plot-area paths only (the legend draws <line>s, error bars carry their own class). */
function dataPaths(svg: string): number {
  return (svg.match(/<path d=/g) ?? []).length;
}

function tickTexts(svg: string, cls: 'xtick' | 'ytick'): string[] {
  return [...svg.matchAll(new RegExp(`<text class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]);
}

function tickPositions(svg: string, cls: 'xtick' | 'ytick'): Array<[string, number]> {
  const attr = cls === 'xtick' ? 'x' : 'y';
  return [...svg.matchAll(new RegExp(`<text class="${cls}" x="([-\\d.]+)" y="([-\\d.]+)"[^>]*>([^<]*)</text>`, 'g'))]
    .map((m) => [m[3], Number(attr === 'x' ? m[1] : m[2])]);
}

function circles(svg: string): Array<{ cx: number; cy: number }> {
  return [...svg.matchAll(/<circle cx="([-\d.]+)" cy="([-\d.]+)"/g)].map((m) => ({ cx: Number(m[1]), cy: Number(m[2]) }));
}

function validPoints(t: Record<string, unknown>, xLog: boolean, yLog: boolean): number {
  const xs = t.x as unknown[], ys = t.y as unknown[];
  return xs.filter((x, k) => {
    const a = Number(x), b = ys[k] === null ? NaN : Number(ys[k]);
    return x !== null && Number.isFinite(a) && Number.isFinite(b) && (!xLog || a > 0) && (!yLog || b > 0);
  }).length;
}

/** One circle per valid marker point, one path per line trace: checks a builder's figure end to end. */
function assertCounts(fig: PlotlyFigure, svg: string): void {
  const layout = fig.layout as Record<string, any>;
  let markers = 0, lines = 0;
  for (const t of fig.data as Array<Record<string, any>>) {
    const xa = layout[`xaxis${String(t.xaxis ?? 'x').slice(1)}`], ya = layout[`yaxis${String(t.yaxis ?? 'y').slice(1)}`];
    const mode = String(t.mode);
    const n = validPoints(t, xa?.type === 'log', ya?.type === 'log');
    if (mode.includes('markers')) markers += n;
    if (mode.includes('lines') && t.line?.width !== 0 && n > 0) lines += 1;
  }
  assert.equal(count(svg, 'circle'), markers, 'circles = valid marker points');
  assert.equal(dataPaths(svg), lines, 'paths = drawn line traces');
}

const DUMP = process.env.STATIC_CHART_DUMP; // a directory: write the SVGs there to look at them

function render(name: string, fig: PlotlyFigure): string {
  const svg = figureToSvg(fig);
  if (DUMP) { fs.mkdirSync(DUMP, { recursive: true }); fs.writeFileSync(path.join(DUMP, `${name}.svg`), svg); }
  return svg;
}

// ------------------------------------------------------------------ tests

test('figureToSvg: every chart builder gives well-formed, self-contained SVG with one mark per point and line', () => {
  for (const [name, fig] of chartKinds()) {
    const svg = render(name, fig);
    assertWellFormed(svg);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* viewBox="0 0 720 440"/, name);
    assert.match(svg, /<rect width="720" height="440" fill="white"\/>/, name);
    assert.doesNotMatch(svg, /<script|href=|url\(|NaN|Infinity|undefined/, name);
    assertCounts(fig, svg);
  }
});

test('figureToSvg: frontier draws three subplots side by side, the band as a polygon, log ticks on every axis', () => {
  const fig = plots.frontier(fakeFrontier());
  const svg = figureToSvg(fig, { width: 900, height: 500 });
  assert.match(svg, /viewBox="0 0 900 500"/);
  assert.equal(count(svg, 'polygon'), 1, 'the bootstrap band');
  assert.match(svg, /<polygon points="[^"]+" fill="rgba\(31,119,180,0.15\)"/);
  // plot-area backgrounds: three, left to right, not overlapping
  const boxes = [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="#fafafa"/g)].map((m) => [Number(m[1]), Number(m[1]) + Number(m[2])]);
  assert.equal(boxes.length, 3);
  for (let i = 1; i < 3; i++) assert.ok(boxes[i][0] > boxes[i - 1][1] + 40, `room for the y labels of subplot ${i + 1}`);
  // the x axes span 1e19..1e23 FLOPs: labels are powers of ten
  const xt = tickTexts(svg, 'xtick');
  assert.ok(xt.includes('10¹⁹') && xt.includes('10²³'), xt.join(' '));
  assert.match(svg, /<text class="legend|<g class="legend">/);
  for (const name of ['paper: C^(-1/6)', 'N* (parameters)', 'm* (width, d_model)', '95% band (bootstrap)']) assert.ok(svg.includes(`>${name}<`), name);
});

test('figureToSvg: a log-axis point at x = 100 on a 10..1000 axis lands at the pixel midpoint', () => {
  const fig: PlotlyFigure = {
    data: [{ type: 'scatter', mode: 'markers', x: [10, 100, 1000], y: [1, 2, 3] }],
    layout: { xaxis: { type: 'log' } },
  };
  const [a, b, c] = circles(figureToSvg(fig));
  assert.ok(Math.abs(b.cx - (a.cx + c.cx) / 2) <= 0.1, `${a.cx} ${b.cx} ${c.cx}`);
  assert.ok(c.cx - a.cx > 400, 'the axis uses most of the width');
  // linear y: equal steps in value are equal steps in pixels, upwards
  assert.ok(Math.abs((a.cy - b.cy) - (b.cy - c.cy)) <= 0.1 && a.cy > c.cy);
  // the 10 / 100 / 1000 tick labels sit exactly under the points
  const ticks = new Map(tickPositions(figureToSvg(fig), 'xtick'));
  assert.ok(Math.abs(ticks.get('100')! - b.cx) <= 0.1, [...ticks.keys()].join(' '));
});

test('figureToSvg: ticks of a 1e18..1e26 log axis are the powers of ten; narrow log ranges get 1-2-5 labels; linear 1-2-5 steps', () => {
  const wide = figureToSvg({ data: [{ mode: 'lines', x: [1e18, 1e26], y: [1, 2] }], layout: { xaxis: { type: 'log' } } });
  const labels = tickTexts(wide, 'xtick');
  assert.ok(labels.length >= 3, labels.join(' '));
  const sup = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  const exps = labels.map((s) => {
    const m = /^10([⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/.exec(s);
    assert.ok(m, `power of ten: ${s}`);
    return Number([...m![1]].map((c) => sup.indexOf(c)).join(''));
  });
  assert.ok(exps[0] >= 18 && exps[exps.length - 1] <= 26 && exps.includes(18) && exps.includes(26), exps.join(' '));
  assert.ok(exps.every((e, i) => i === 0 || e - exps[i - 1] === exps[1] - exps[0]), 'evenly spaced decades');

  // 1.5 decades: 1-2-5 labels
  const narrow = figureToSvg({ data: [{ mode: 'lines', x: [1, 2], y: [1.5, 40] }], layout: { yaxis: { type: 'log' } } });
  assert.deepEqual(tickTexts(narrow, 'ytick'), ['2', '5', '10', '20']);

  // linear: 0..1 in steps of 0.2 or 0.1 (1-2-5), never 0.30000000000000004
  const lin = tickTexts(figureToSvg({ data: [{ mode: 'lines', x: [0, 1], y: [0, 1] }], layout: {} }), 'xtick').map(Number);
  const step = Number((lin[1] - lin[0]).toPrecision(6));
  assert.ok([0.1, 0.2, 0.25, 0.5].includes(step), String(step));
  assert.ok(lin.every((v, i) => i === 0 || Math.abs(v - lin[i - 1] - step) < 1e-9));
  assert.ok(!tickTexts(figureToSvg({ data: [{ mode: 'lines', x: [0, 0.9], y: [0, 1] }], layout: {} }), 'xtick').some((s) => s.length > 5));
});

test('figureToSvg: titles, axis titles and legend names are escaped', () => {
  const fig: PlotlyFigure = {
    data: [{ mode: 'lines', name: 'x < "y" & \'z\'', x: [1, 2], y: [1, 2] }],
    layout: { title: 'a < b & c', xaxis: { title: { text: 'x <i>' } }, yaxis: { title: 'y & more' } },
  };
  const svg = figureToSvg(fig);
  assertWellFormed(svg);
  assert.ok(svg.includes('>a &lt; b &amp; c<'));
  assert.ok(svg.includes('>x &lt;i&gt;<'));
  assert.ok(svg.includes('>y &amp; more<'));
  assert.ok(svg.includes('>x &lt; &quot;y&quot; &amp; &#39;z&#39;<'));
  assert.doesNotMatch(svg, /a < b|<i>/);
});

test('figureToSvg: NaN, null, infinite and non-positive-on-log points are skipped and break lines', () => {
  const fig: PlotlyFigure = {
    data: [
      { mode: 'markers', x: [1, 2, 3, 4, 5, 6], y: [1, NaN, null, Infinity, -1, 2] },
      { mode: 'lines', x: [1, 2, 3, 4, 5], y: [1, 2, null, 3, 4] },
    ],
    layout: { yaxis: { type: 'log' } },
  };
  const svg = figureToSvg(fig);
  assertWellFormed(svg);
  assert.equal(count(svg, 'circle'), 2, 'only y = 1 and y = 2 are drawn');
  const d = /<path d="([^"]+)"/.exec(svg)![1];
  assert.equal((d.match(/M/g) ?? []).length, 2, 'the null splits the line into two pieces');
  assert.equal((d.match(/L/g) ?? []).length, 2);
  assert.doesNotMatch(svg, /NaN|Infinity/);
  // nothing drawable at all still gives a valid picture
  assertWellFormed(figureToSvg({ data: [{ mode: 'markers', x: [1], y: [NaN] }], layout: {} }));
  assertWellFormed(figureToSvg({ data: [], layout: {} }));
});

test('figureToSvg: trace styles: dashes, hollow markers, showlegend false, fill tonexty, error bars, default palette', () => {
  const fig: PlotlyFigure = {
    data: [
      { mode: 'lines', name: 'lo', x: [1, 2, 3], y: [1, 1, 1], line: { dash: 'dash' } },
      { mode: 'lines', name: 'hi', x: [1, 2, 3], y: [2, 2, 2], fill: 'tonexty', showlegend: false },
      { mode: 'markers', name: 'hollow', x: [2], y: [1.5], marker: { color: 'rgba(0,0,0,0)', line: { color: '#d62728' } } },
      { mode: 'markers', name: 'err', x: [1, 3], y: [1.5, 1.5], error_y: { type: 'data', array: [0.2, 0.4] } },
    ],
    layout: {},
  };
  const svg = figureToSvg(fig);
  assertWellFormed(svg);
  assert.match(svg, /<path d="[^"]+" fill="none" stroke="#1f77b4"[^>]*stroke-dasharray="6 4"/);
  assert.match(svg, /stroke="#ff7f0e"/, 'second trace takes the second palette colour');
  assert.equal(count(svg, 'polygon'), 1);
  assert.match(svg, /<g class="markers" fill="none" stroke="#d62728"[^>]*><circle /, 'hollow markers: no fill, the edge colour as stroke (on their group)');
  assert.equal((svg.match(/class="errorbar"/g) ?? []).length, 2);
  assert.ok(!svg.includes('>hi<'), 'showlegend false is left out of the legend');
  assert.ok(svg.includes('>lo<') && svg.includes('>hollow<'));
});

test('figureToSvg: tick labels never collide and every axis gets at least two ticks, even in narrow subplots', () => {
  const figs = [plots.fit(fakeFit()), plots.residuals(fakeFit()), plots.frontier(fakeFrontier()), plots.recipes(fakeRecipes()), plots.toy(fakeToy())];
  for (const fig of figs) {
    for (const width of [480, 720, 1000]) {
      const svg = figureToSvg(fig, { width, height: 440 });
      const parts = svg.split('<g class="subplot"').slice(1);
      const subplots = new Set(fig.data.map((t) => `${t.xaxis ?? 'x'}${t.yaxis ?? 'y'}`)).size;
      assert.equal(parts.length, subplots, 'one group per subplot');
      for (const part of parts) {
        const run = tickPositions(part, 'xtick');
        assert.ok(run.length >= 2, `${run.map((r) => r[0]).join(' ')} at width ${width}`);
        for (let k = 1; k < run.length; k++) {
          const need = (run[k][0].length + run[k - 1][0].length) * 11 * 0.56 / 2;
          assert.ok(run[k][1] - run[k - 1][1] >= need, `${run[k - 1][0]} / ${run[k][0]} overlap at width ${width}`);
        }
        const ys = tickPositions(part, 'ytick');
        assert.ok(ys.length >= 2, ys.map((r) => r[0]).join(' '));
        for (let k = 1; k < ys.length; k++) assert.ok(ys[k - 1][1] - ys[k][1] >= 12, `${ys[k - 1][0]} / ${ys[k][0]} overlap`);
      }
    }
  }
});

test('a frontier at a single budget (degenerate axes) still renders, with no endless tick loop', () => {
  const f = fakeFrontier();
  const one = { ...f, rows: [f.rows[0]], bands: undefined };
  const svg = figureToSvg(plots.frontier(one as typeof f));
  assert.match(svg, /^<svg /);
  assert.ok(svg.length < 200_000, `svg of ${svg.length} characters`);
  assert.doesNotMatch(svg, /NaN/);
});

// ------------------------------------------------------------------ reviewed snapshots

const SNAPSHOTS = path.join(ROOT, 'test', 'fixtures', 'svg');

/**
 * The picture of each chart kind, byte for byte, against a snapshot that was rendered to PNG and looked
 * at before it was committed. On a difference the new picture is written to test-output/svg/: look at
 * it (e.g. chromium --headless --screenshot) and, if it is right, copy it over the snapshot.
 */
test('figureToSvg draws each chart kind exactly as its reviewed snapshot in test/fixtures/svg', () => {
  const changed: string[] = [];
  for (const [name, fig] of chartKinds()) {
    const file = path.join(SNAPSHOTS, `${name}.svg`);
    assert.ok(fs.existsSync(file), `no snapshot ${path.relative(ROOT, file)}`);
    const svg = figureToSvg(fig);
    const expected = fs.readFileSync(file, 'utf8');
    if (svg === expected) continue;
    const actual = path.join(OUTPUT_DIR, 'svg', `${name}.svg`);
    fs.mkdirSync(path.dirname(actual), { recursive: true });
    fs.writeFileSync(actual, svg);
    const a = expected.split('\n'), b = svg.split('\n');
    const line = a.findIndex((l, k) => l !== b[k]);
    changed.push(`${name}: line ${line + 1} was\n  ${a[line]}\nnow\n  ${b[line]}\n(new picture: ${path.relative(ROOT, actual)})`);
  }
  assert.deepEqual(changed, [], changed.join('\n'));
});
