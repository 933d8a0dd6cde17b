// The notebook layer in plain Node: the magic rewriter, tagged templates, chart builders, display
// bundles, plotly HTML, progress bar and the tslab patch (with a stand-in kernel).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rewriteCell, registerMagic, registerBuiltinMagics, helpText, MagicError, patchTslab, type TslabJupyterClasses } from '../../src/notebook/magics/index';
import { csv, law, csvColumns } from '../../src/notebook/templates';
import { plots, decades, mainVariable } from '../../src/notebook/figures/index';
import { figureToSvg } from '../../src/notebook/staticChart';
import { bundleFor, show, PLOTLY_MIME } from '../../src/notebook/render';
import { plotlyHtml, setPlotlySource, getPlotlySource, scriptJson, PLOTLY_CDN_URL } from '../../src/notebook/plotly';
import { progressBar, progressText } from '../../src/notebook/progress';
import { inKernel, displayBundle } from '../../src/notebook/kernel';
import { progressReporter, type ProgressEvent } from '../../src/progress';
import type { FitLike, FrontierLike, RecipesLike, ToyLike } from '../../src/notebook/shapes';
import { fakeFit, fakeFrontier, fakeToy } from '../helpers/fakeResults';

const noDunder = (code: string) => assert.doesNotMatch(code, /(^|[^\w$])__[A-Za-z_$]/, `generated code uses a __ identifier:\n${code}`);

// ------------------------------------------------------------------ magics

registerBuiltinMagics(); // explicit: importing the magics registers nothing (package.test.ts checks that)

test('plain cells are left alone (null), including ones that use the % operator', () => {
  for (const code of ['const a = 1;', 'const r = 7 % 3;\nr', '  %notAMagicIndented', 'console.log("100%")', '']) {
    assert.equal(rewriteCell(code), null, code);
  }
});

test('%%csv compiles to the csv tagged template, imported under an alias without __', () => {
  const out = rewriteCell('%%csv runs\nd_model,loss\n256,3.1\n512,2.9\n')!;
  assert.match(out, /^import \{ csv as scalinglab_csv, show as scalinglab_show \} from 'scalinglab'; const runs = scalinglab_csv`d_model,loss\n256,3\.1\n512,2\.9\n`; scalinglab_show\(runs\);$/);
  assert.equal(out.split('\n').length, 4, 'the body keeps its lines');
  noDunder(out);
  // a body String.raw would change (backtick, backslash, ${) becomes a call with a JSON string
  const odd = rewriteCell('%%csv t\nname,loss\n`a\\b`,1')!;
  assert.match(odd, /const t = scalinglab_csv\("name,loss\\n`a\\\\b`,1"\);/);
});

test('%%law compiles to the law template and shows the expression', () => {
  const out = rewriteCell('%%law mylaw\nE + A / N^alpha + B / D^beta')!;
  assert.match(out, /const mylaw = scalinglab_law`E \+ A \/ N\^alpha \+ B \/ D\^beta`;\nmylaw$/);
});

test('%fit: fitUniversal by default with nested, aliased and list options; fitLaw with --law', () => {
  const u = rewriteCell('%fit u = runs --exclude.highestLoss 40 --huber 1e-3 --bootstrap 50 --seed 0')!;
  assert.match(u, /const u = scalinglab_fitUniversal\(runs, \{ exclude: \{ highestLoss: 40 \}, objective: \{ huber: 1e-3 \}, bootstrap: 50, seed: 0, onProgress: scalinglab_progressBar\(\) \}\);/);
  assert.match(rewriteCell('%fit u = runs exclude.highestLoss=40 --no-progress')!, /scalinglab_fitUniversal\(runs, \{ exclude: \{ highestLoss: 40 \} \}\)/);
  assert.match(rewriteCell('%fit c = runs --law chinchilla --no-progress')!, /const c = scalinglab_fitLaw\(runs, "chinchilla"\);/);
  assert.match(rewriteCell('%fit m = runs --law mylaw --no-progress')!, /scalinglab_fitLaw\(runs, mylaw\);/);
  assert.match(rewriteCell('%fit m = runs --law "E + A / N^a" --no-progress')!, /scalinglab_fitLaw\(runs, "E \+ A \/ N\^a"\);/);
  assert.match(rewriteCell('%fit datasets.chinchilla() --no-progress --exponents free')!, /const fit = scalinglab_fitUniversal\(datasets\.chinchilla\(\), \{ exponents: "free" \}\);/);
  assert.match(rewriteCell('%fit u = runs --no-progress --terms [\'width\', \'time\']')!, /terms: \['width', 'time'\]/);
});

test('%frontier, %toy, %compare and %show compile to the API calls', () => {
  assert.match(rewriteCell('%frontier f = u --budgets 1e20,1e22,1e24')!, /const f = scalinglab_frontier\(u, \{ budgets: \[1e20, 1e22, 1e24\] \}\); scalinglab_show\(f\);/);
  const toy = rewriteCell('%toy t = softmax-time --seed 0 --steps 500')!;
  assert.match(toy, /const t = await scalinglab_runToy\("softmax-time", \{ seed: 0, steps: 500, onProgress: scalinglab_progressBar\(\), signal: scalinglab_cellSignal\(\) \}\);/);
  assert.match(rewriteCell('%toy t = residual-depth --no-progress')!, /scalinglab_runToy\("residual-depth", \{ signal: scalinglab_cellSignal\(\) \}\);/);
  assert.match(rewriteCell('%compare r = data --recipe setting --budgets 1e19,1e21')!, /const r = scalinglab_compareRecipes\(data, \{ recipe: "setting", budgets: \[1e19, 1e21\] \}\);/);
  assert.match(rewriteCell('%show u --chart residuals')!, /scalinglab_show\(u, \{ chart: "residuals" \}\);/);
});

test('line magics mix with ordinary code; imports are hoisted once', () => {
  const out = rewriteCell('const budgets = [1e20];\n%frontier f1 = u --budgets (budgets)\n%frontier f2 = u\nconsole.log(f1.rows.length)')!;
  assert.equal(out.match(/^import /gm)!.length, 1);
  assert.equal(out.split('\n').length, 4, 'one line per line: diagnostics keep their line numbers');
  assert.match(out, /^import .*; const budgets = \[1e20\];\nconst f1 = scalinglab_frontier\(u, \{ budgets: \(budgets\) \}\); scalinglab_show\(f1\);\n/);
  assert.match(out, /console\.log\(f1\.rows\.length\)$/);
  noDunder(out);
});

test('bad magics throw a MagicError that says what is wrong and how to fix it', () => {
  const cases: Array<[string, RegExp]> = [
    ['%nosuch 1', /unknown magic %nosuch[\s\S]*%help/],
    ['%%nosuch\nx', /unknown magic %%nosuch/],
    ['%csv runs', /%csv is a cell magic: write %%csv/],
    ['%%fit u = runs', /%%fit is a line magic: write %fit/],
    ['%%csv\na\n1', /needs a name/],
    ['%%csv __runs\na\n1', /starts with '__'/],
    ['%%csv runs', /no CSV lines/],
    ['%%csv 1runs\na\n1', /not a valid variable name/],
    ['%fit', /needs the data/],
    ['%fit u = a b', /one data set/],
    ['%toy t = sofmax-time', /unknown toy 'sofmax-time'[\s\S]*softmax-time/],
    ['%toy', /needs a toy name/],
    ['%frontier f = u --budgets "1e20', /unterminated/],
    ['const x = 1;\n%%csv t\na\n1', /must be on the first line/],
    ['%help nosuch', /no magic named 'nosuch'/],
  ];
  for (const [code, pattern] of cases) {
    assert.throws(() => rewriteCell(code), (err: unknown) => {
      assert.ok(err instanceof MagicError, `${code}: ${String(err)}`);
      assert.match((err as Error).message, pattern, code);
      return true;
    }, code);
  }
});

test('%help lists every magic with usage and examples; %help fit only %fit', () => {
  const text = helpText();
  for (const m of ['%%csv', '%%law', '%fit', '%frontier', '%toy', '%compare', '%show', '%help']) assert.ok(text.includes(`${m}:`), m);
  assert.match(text, /usage: %fit NAME = DATA/);
  const one = helpText('fit');
  assert.ok(one.startsWith('%fit:') && !one.includes('%toy:'));
  assert.match(rewriteCell('%help')!, /^console\.log\(".*scalinglab magics/);
});

test('registerMagic adds a magic the rewriter uses', () => {
  registerMagic({ name: 'twice', kind: 'line', help: 'doubles', usage: '%twice X', examples: ['%twice 2'], compile: (args) => `console.log(2 * (${args.trim()}));` });
  assert.equal(rewriteCell('%twice 21'), 'console.log(2 * (21));');
});

// ------------------------------------------------------------------ templates

test('csv`...` parses a header, numbers (1e9 too), strings, comments and blank lines into a DataFrame', () => {
  const df = csv`# runs from the sweep
width,tokens,recipe,loss

256,1e9,base,3.5
512,2e9,new,3.25
` as unknown as { columns: string[]; shape: number[]; column(n: string): { values: unknown[] } };
  assert.deepEqual(df.columns, ['width', 'tokens', 'recipe', 'loss']);
  assert.deepEqual(df.shape, [2, 4]);
  assert.deepEqual(Array.from(df.column('tokens').values), [1e9, 2e9]);
  assert.deepEqual(Array.from(df.column('recipe').values), ['base', 'new']);
  const loss = 3.5;
  assert.deepEqual(csvColumns(`a,b\n1,${loss}`), { a: [1], b: [3.5] });
  assert.throws(() => csvColumns('# only a comment\n'), /no header row/);
});

test('law`...` joins lines, drops comments and a leading L =', () => {
  assert.equal(law`L = E + A / N^alpha   # size term
    + B / D^beta`, 'E + A / N^alpha + B / D^beta');
  assert.throws(() => law`  `, /empty/);
});

// ------------------------------------------------------------------ charts


test('plots.fit: data and law per setting, log tokens axis with units, the paper line and L0', () => {
  const fit = fakeFit();
  assert.equal(mainVariable(fit), 'D');
  const fig = plots.fit(fit);
  const layout = fig.layout as Record<string, any>;
  assert.equal(layout.xaxis.type, 'log');
  assert.equal(layout.xaxis.title.text, 'tokens D');
  assert.equal(layout.yaxis.title.text, 'loss (nats)');
  assert.equal(layout.yaxis.type, 'linear', 'loss spans less than a decade');
  const names = fig.data.map((t) => String(t.name));
  assert.equal(fig.data.filter((t) => t.mode === 'markers' && !String(t.name).includes('excluded')).length, 6, 'one marker trace per (m, l)');
  assert.ok(names.some((n) => n.includes('(excluded)')), 'the excluded point is drawn apart');
  assert.ok(names.some((n) => /paper: exponent 1\/3/.test(n)));
  assert.ok(names.some((n) => /irreducible loss 1\.8/.test(n)));
  const law = fig.data.find((t) => t.name === 'law, m=256, l=4')!;
  assert.ok(Math.abs((law.y as number[])[0] - fit.evaluate({ m: 256, l: 4, D: (law.x as number[])[0] })) < 1e-12);
  // width on the x axis
  const byWidth = plots.fit(fit, { x: 'm' });
  assert.match((byWidth.layout as any).xaxis.title.text, /width m \(d_model\)/);
  assert.ok(byWidth.data.some((t) => /paper: 1\/m/.test(String(t.name))));
  assert.throws(() => plots.fit(fit, { x: 'nope' }), /unknown variable 'nope'/);
});

test('plots.residuals: log residuals with zero line and RMS band', () => {
  const fig = plots.residuals(fakeFit());
  assert.match((fig.layout as any).yaxis.title.text, /log residual/);
  const inc = fig.data.find((t) => t.name === 'included')!;
  assert.ok((inc.y as number[]).every((r) => Math.abs(r) < 1e-12));
});


test('plots.frontier: reducible loss with C^(-1/6), N*/D* with C^(1/2), shape with C^(1/6), bands, log axes', () => {
  const fig = plots.frontier(fakeFrontier());
  const layout = fig.layout as Record<string, any>;
  for (const ax of ['xaxis', 'yaxis', 'xaxis2', 'yaxis2', 'xaxis3', 'yaxis3']) {
    assert.equal(layout[ax].type, 'log', ax);
    assert.ok(layout[ax].title.text, ax);
  }
  assert.match(layout.yaxis.title.text, /reducible loss L\* − L0 \(nats\), L0 = 1\.8/);
  const names = fig.data.map((t) => String(t.name));
  for (const n of ['paper: C^(-1/6)', 'paper: ∝ C^(1/2)', 'paper: ∝ C^(1/6)', '95% band (bootstrap)', 'N* (parameters)', 'D* (tokens)', 'm* (width, d_model)', 'l* (depth, layers)']) {
    assert.ok(names.includes(n), `${n} in ${names.join(' | ')}`);
  }
  const ref = fig.data.find((t) => t.name === 'paper: C^(-1/6)')!;
  const xs = ref.x as number[], ys = ref.y as number[];
  const slope = Math.log(ys[ys.length - 1] / ys[0]) / Math.log(xs[xs.length - 1] / xs[0]);
  assert.ok(Math.abs(slope + 1 / 6) < 1e-9);
});

test('plots.recipes: one frontier per recipe and the compute multiplier against the first', () => {
  const r: RecipesLike = {
    kind: 'recipes', budgets: [1e19, 1e21],
    recipes: { base: { fit: fakeFit(), frontier: fakeFrontier(1), n: 18 }, tuned: { fit: fakeFit(), frontier: fakeFrontier(0.9), n: 12 } },
    multiplier: (a, b) => (a === 'tuned' && b === 'base' ? 1.88 : 0),
    summary: () => 'fake recipes',
  };
  const fig = plots.recipes(r);
  const names = fig.data.map((t) => String(t.name));
  assert.ok(names.includes('base: budgets (18 runs)') && names.includes('tuned: budgets (12 runs)'));
  assert.ok(names.some((n) => /paper: \(K_base\/K_tuned\)\^6 = 1\.882 \(equal L0\)/.test(n)), names.join(' | '));
  const mult = fig.data.find((t) => t.name === 'tuned vs base')!;
  assert.deepEqual(mult.y, [1.88, 1.88]);
  assert.match((fig.layout as any).yaxis2.title.text, /compute multiplier/);
});


test('plots.toy: curves per width (thinned, log-log), measured points with the fitted and the paper slope', () => {
  const fig = plots.toy(fakeToy());
  const layout = fig.layout as Record<string, any>;
  assert.equal(layout.xaxis.type, 'log');
  assert.equal(layout.yaxis.type, 'log');
  assert.match(layout.xaxis.title.text, /dynamic time τ/);
  assert.match(layout.xaxis2.title.text, /dynamic time τ/);
  const curves = fig.data.filter((t) => String(t.name).startsWith('width='));
  assert.equal(curves.length, 2);
  assert.ok((curves[0].x as number[]).length <= 301, 'thinned');
  const fit = fig.data.find((t) => String(t.name).startsWith('fit: slope −0.34'))!;
  const paper = fig.data.find((t) => t.name === 'paper: slope −1/3')!;
  const slope = (t: Record<string, unknown>) => {
    const xs = t.x as number[], ys = t.y as number[];
    return Math.log(ys[ys.length - 1] / ys[0]) / Math.log(xs[xs.length - 1] / xs[0]);
  };
  assert.ok(Math.abs(slope(fit) + 0.34) < 1e-9);
  assert.ok(Math.abs(slope(paper) + 1 / 3) < 1e-9);
});

test('decades() measures the spread of positive values', () => {
  assert.equal(decades([1, 10, 1000]), 3);
  assert.equal(decades([0, 10]), 0);
});

// ------------------------------------------------------------------ bundles, html, progress

test('bundleFor: science results get plotly JSON (object) + HTML (table + chart) + summary text', () => {
  for (const [value, text] of [[fakeFit(), 'fake fit summary'], [fakeFrontier(), 'fake frontier'], [fakeToy(), 'fake toy']] as const) {
    const b = bundleFor(value);
    assert.deepEqual(Object.keys(b).sort(), [PLOTLY_MIME, 'text/html', 'text/plain']);
    assert.equal(typeof b[PLOTLY_MIME], 'object');
    assert.equal(b['text/plain'], text);
    assert.match(String(b['text/html']), /<table[\s\S]*<div id="scalinglab-plot-/);
  }
  assert.match(String(bundleFor(fakeFit(), { chart: 'residuals' })[PLOTLY_MIME] && (bundleFor(fakeFit(), { chart: 'residuals' })[PLOTLY_MIME] as any).layout.title.text), /Residuals/);
  assert.deepEqual(Object.keys(bundleFor([{ a: 1 }, { a: 2 }])).sort(), ['text/html', 'text/plain']);
  assert.deepEqual(bundleFor('hi'), { 'text/plain': 'hi' });
});

test('outside a kernel: no display, show() prints the summary', () => {
  assert.equal(inKernel(), false);
  assert.equal(displayBundle({ 'text/plain': 'x' }), false);
  const logged: string[] = [];
  const orig = console.log;
  console.log = (s: string) => { logged.push(s); };
  try { show(fakeFit()); } finally { console.log = orig; }
  assert.deepEqual(logged, ['fake fit summary']);
});

test('plotlyHtml: pinned CDN by default, script-safe JSON, inline plotly.js once per notebook', () => {
  assert.equal(getPlotlySource(), 'cdn');
  const fig = { data: [{ type: 'scatter', x: [1], y: [2], name: '</script><b>' }], layout: {} };
  const html = plotlyHtml(fig, { id: 'p1' });
  assert.ok(html.includes(PLOTLY_CDN_URL));
  assert.ok(html.includes('<div id="p1"'));
  assert.doesNotMatch(html, /<\/script><b>/, 'trace names cannot close the script');
  assert.match(scriptJson({ a: '</script>' }), /\\u003c\/script\\u003e/);
  assert.match(html, /window\.define = undefined/, 'require.js-aware loader');
  setPlotlySource('inline');
  try {
    const first = plotlyHtml(fig);
    const second = plotlyHtml(fig);
    assert.ok(first.length > 1_000_000 && first.includes('plotly.js v3.3.0'), 'first chart carries plotly.js');
    assert.ok(second.length < 20_000, 'later charts do not');
    assert.doesNotMatch(first.slice(0, first.indexOf('</script>')), /<\/script/i);
  } finally {
    setPlotlySource('cdn');
  }
  assert.throws(() => setPlotlySource('local' as never), /expected 'cdn' or 'inline'/);
});

test('progressBar: silent outside a notebook, prints with { console: true }, ends at 100%', () => {
  const quiet = progressBar();
  quiet({ task: 't', done: 1, total: 2, fraction: 0.5, elapsedSeconds: 1, secondsLeft: 1 });
  assert.equal(quiet.displayId, null);
  const lines: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  (process.stderr as any).write = (s: string) => { lines.push(String(s)); return true; };
  try {
    const bar = progressBar({ console: true, minIntervalMs: 0 });
    const report = progressReporter('bootstrap', 4, bar, 0);
    for (let i = 0; i <= 4; i++) report(i, 1 / (i + 1));
  } finally {
    (process.stderr as any).write = orig;
  }
  assert.equal(lines.length, 5);
  assert.match(lines[lines.length - 1], /bootstrap \[#{30}\] 100% step 4\/4 loss 0\.2000 · .* elapsed, done/);
  const e: ProgressEvent = { task: 'toy', done: 250, total: 1000, fraction: 0.25, loss: 0.1234, elapsedSeconds: 5, secondsLeft: 75 };
  assert.match(progressText(e), /toy \[#{7}-{23}\]  25% step 250\/1000 loss 0\.1234 · 5\.0 s elapsed, ~1 min 15 s left/);
  const bar = progressBar();
  bar(e);
  bar.finish();
  assert.equal(bar.last!.fraction, 1);
});

// ------------------------------------------------------------------ the tslab patch, with a stand-in kernel

class Canceled extends Error {}
function fakeJupyter() {
  const sent: Array<{ type: string; content: any; sock: string }> = [];
  class TaskQueue {
    prev: Promise<unknown> = Promise.resolve();
    add(fn: () => unknown) { const p = this.prev.then(fn, () => { throw new Canceled(); }); this.prev = p; return p; }
    reset() { this.prev = Promise.resolve(); }
  }
  class JupyterHandlerImpl {
    execQueue = new TaskQueue();
    execCount = 0;
    async handleExecuteImpl(req: { code: string }) {
      const count = { count: ++this.execCount };
      if (req.code.includes('boom')) throw count;
      return count;
    }
    async handleExecute(req: any) {
      try { const c: any = await this.execQueue.add(() => this.handleExecuteImpl(req)); return { status: 'ok', execution_count: c.count }; }
      catch (e) { if (e instanceof Canceled) return { status: 'abort' }; return { status: 'error', execution_count: (e as any).count }; }
    }
  }
  const reply = (msg: any) => ({ header: { msg_type: '' }, content: null as any, signAndSend(_k: string, sock: string) { sent.push({ type: this.header.msg_type, content: this.content, sock }); } });
  class ZmqServer {
    handler = new JupyterHandlerImpl();
    connInfo = { key: 'k' };
    iopub = 'iopub';
    async handleExecute(sock: string, msg: any) {
      const r = reply(msg); r.header.msg_type = 'execute_reply'; r.content = await this.handler.handleExecute(msg.content); r.signAndSend('k', sock);
    }
  }
  const msg = (code: string, stopOnError = true) => ({ content: { code, stop_on_error: stopOnError }, createReply() { return reply(this); } });
  return { mod: { JupyterHandlerImpl, ZmqServer } as unknown as TslabJupyterClasses, ZmqServer, sent, msg };
}

test('patchTslab: a bad magic answers with an error output and reply, without aborting later cells', async () => {
  const { mod, ZmqServer, sent, msg } = fakeJupyter();
  assert.equal(patchTslab(mod), true);
  assert.equal(patchTslab(mod), false, 'patched once');
  const server = new ZmqServer();
  await server.handleExecute('shell', msg('%nosuch'));
  await server.handleExecute('shell', msg('1 + 1'));
  assert.deepEqual(sent.map((s) => `${s.sock}:${s.type}`), ['iopub:error', 'shell:execute_reply', 'shell:execute_reply']);
  assert.equal(sent[0].content.ename, 'MagicError');
  assert.match(sent[0].content.evalue, /unknown magic %nosuch/);
  assert.equal(sent[1].content.status, 'error');
  assert.equal(sent[1].content.execution_count, 1);
  assert.deepEqual(sent[2].content, { status: 'ok', execution_count: 2 });
});

test('patchTslab: stop_on_error=false keeps the queue alive after a failing cell; the default still stops', async () => {
  const { mod, ZmqServer, sent, msg } = fakeJupyter();
  patchTslab(mod);
  const server = new ZmqServer();
  // allow_errors: both requests queued at once, the second must run
  await Promise.all([server.handleExecute('shell', msg('boom', false)), server.handleExecute('shell', msg('1', false))]);
  assert.deepEqual(sent.map((s) => s.content.status), ['error', 'ok']);
  sent.length = 0;
  await Promise.all([server.handleExecute('shell', msg('boom')), server.handleExecute('shell', msg('1'))]);
  assert.deepEqual(sent.map((s) => s.content.status), ['error', 'abort'], 'stop_on_error (default) aborts the queued cell, as in tslab');
});

test('a paper check shows as an HTML table of ours vs the paper with the rule applied, with the summary as text', () => {
  const b = bundleFor({ kind: 'paper-check', passed: true, summary: () => 'ok  depth exponent',
    rows: [{ quantity: 'depth exponent', ours: 0.98, oursStderr: 0.03, paper: 1, paperStderr: 0.04, rule: '|Δ| ≤ 2σ = 0.1', allowed: 0.1, sigmas: 0.4, source: 'Liu et al.', passed: true }] });
  assert.deepEqual(Object.keys(b).sort(), ['text/html', 'text/plain']);
  assert.match(String(b['text/html']), /<td>✓<\/td><td>depth exponent<\/td><td>0\.98 ± 0\.03<\/td><td>1 ± 0\.04<\/td><td>\|Δ\| ≤ 2σ = 0\.1<\/td><td>0\.4σ<\/td>/);
  assert.equal(b['text/plain'], 'ok  depth exponent');
});

test('prose from say shows as Markdown', () => {
  const b = bundleFor({ kind: 'prose', text: 'The exponent is **0.346**.', summary: () => 'The exponent is **0.346**.' });
  assert.deepEqual(b, { 'text/markdown': 'The exponent is **0.346**.', 'text/plain': 'The exponent is **0.346**.' });
});

test('progressBar rate-limits console output and never shows 100% before the end', () => {
  const lines: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  (process.stderr as any).write = (s: string) => { lines.push(String(s)); return true; };
  try {
    const bar = progressBar({ console: true, minIntervalMs: 60_000 });
    for (let i = 0; i <= 900; i++) bar({ task: 'run', done: i, total: 900, fraction: i / 900, elapsedSeconds: i / 100, secondsLeft: (900 - i) / 100 });
  } finally {
    (process.stderr as any).write = orig;
  }
  assert.equal(lines.length, 2, 'the first and the last event only');
  assert.match(lines[1], /100% step 900\/900/);
  assert.match(progressText({ task: 'run', done: 898, total: 900, fraction: 898 / 900, elapsedSeconds: 1, secondsLeft: 0.01 }), / 99% step 898\/900/);
});

test('the HTML part carries a static SVG drawing of the chart, hidden once plotly.js draws', () => {
  const fig = plots.frontier(fakeFrontier());
  const svg = figureToSvg(fig);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok((svg.match(/<path d=/g) ?? []).length >= 6, 'frontier, references and N*/D*/shape lines');
  assert.ok((svg.match(/<circle /g) ?? []).length >= 3, 'the budget points');
  assert.match(svg, /compute C \(FLOPs\)/);
  assert.doesNotMatch(svg, /NaN/);
  const html = plotlyHtml(fig, { id: 'q' });
  assert.match(html, /<div id="q-status">[\s\S]*<svg class="scalinglab-static"/);
  assert.match(html, /then\(function \(\) \{ if \(st\) st\.style\.display = "none"; \}\)/);
  assert.doesNotMatch(plotlyHtml(fig, { staticFallback: false }), /<svg /);
  for (const f of [plots.fit(fakeFit()), plots.residuals(fakeFit()), plots.toy(fakeToy())]) assert.doesNotMatch(figureToSvg(f), /NaN/);
});
