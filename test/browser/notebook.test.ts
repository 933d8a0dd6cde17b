// Browser layer: the test starts Debian's Jupyter Notebook on a free loopback port with a token, opens
// test/fixtures/notebooks/90-browser-*.ipynb in headless Chromium (Debian chromium + playwright-core),
// runs all cells and checks that a plotly chart really rendered (.main-svg with traces in the output
// area) and that the progress bar ended at 100%; then exports the saved notebook with `nbconvert --to
// html` and checks the chart renders when the HTML file is opened in Chromium. Screenshots go to
// test-output/browser/.
//
// There is no internet here. By default the notebook page gets plotly.js from the Jupyter server
// itself: the kernel spec under build/jupyter holds plotly-3.3.0.min.js (written by the kernel
// installer) and Jupyter serves it at /kernelspecs/scalinglab/; the first notebook test runs with every
// outside request refused. Where a test allows the CDN, requests to cdn.plot.ly for the pinned
// plotly.js 3.3.0 are answered from node_modules/plotly.js-dist-min (byte for byte what an online user
// downloads); the CDN-fallback test answers the kernel spec's file with 404 (a server without it).
// nbconvert's HTML loads require.js from Debian's file:///usr/share/javascript/requirejs (or, elsewhere,
// from cdnjs, answered locally). Every other outside request is refused. The inline notebook
// (setPlotlySource('inline')) is run with the CDN refused too, and the exported HTML is also opened with
// require.js refused (the JupyterLab case: no AMD loader on the page).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as crypto from 'crypto';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import { ROOT, OUTPUT_DIR, FIXTURE_NOTEBOOKS, jupyterPython, kernelEnv } from '../helpers/notebooks';

// playwright-core is a devDependency; typed loosely to keep the test build independent of its types.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { chromium } = require('playwright-core') as { chromium: any };
// The page functions below run in the browser; the test build has no DOM typings.
declare const document: any;
declare const window: any;
type HTMLElement = any;

const OUT = path.join(OUTPUT_DIR, 'browser');
const WORK = path.join(OUT, 'notebooks');
const PLOTLY_FILE = path.join(ROOT, 'node_modules', 'plotly.js-dist-min', 'plotly.min.js');
const PLOTLY_CDN = 'https://cdn.plot.ly/plotly-3.3.0.min.js';
const PLOTLY_KERNELSPEC = /\/kernelspecs\/scalinglab\/plotly-3\.3\.0\.min\.js(\?|$)/;
const REQUIRE_JS = ['/usr/share/javascript/requirejs/require.min.js', '/usr/lib/python3/dist-packages/notebook/static/components/requirejs/require.min.js']
  .find((p) => fs.existsSync(p));
const CHROMIUM = process.env.SCALINGLAB_CHROMIUM ?? '/usr/bin/chromium';
const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-sync', '--disable-quic'];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: ChildProcess | null = null;
let browser: any = null;
let base = '';
let token = '';
let serverLog = '';

async function startJupyter(): Promise<void> {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
  for (const f of ['90-browser-cdn.ipynb', '90-browser-inline.ipynb']) fs.copyFileSync(path.join(FIXTURE_NOTEBOOKS, f), path.join(WORK, f));
  const port = await freePort();
  token = crypto.randomBytes(16).toString('hex');
  base = `http://127.0.0.1:${port}`;
  const home = path.join(OUT, 'jupyter-home');
  fs.mkdirSync(home, { recursive: true });
  const env = {
    ...kernelEnv(),
    JUPYTER_CONFIG_DIR: path.join(home, 'config'), JUPYTER_DATA_DIR: path.join(home, 'data'), JUPYTER_RUNTIME_DIR: path.join(home, 'runtime'),
    IPYTHONDIR: path.join(home, 'ipython'),
  };
  const args = ['-m', 'notebook', '--no-browser', `--port=${port}`, '--port-retries=0', '--ip=127.0.0.1', `--NotebookApp.token=${token}`,
    `--notebook-dir=${WORK}`, '--NotebookApp.disable_check_xsrf=False'];
  if (process.getuid?.() === 0) args.push('--allow-root');
  server = spawn(jupyterPython(), args, { env, cwd: WORK, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (d) => { serverLog += d; });
  server.stderr!.on('data', (d) => { serverLog += d; });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`jupyter notebook exited:\n${serverLog}`);
    try {
      const r = await fetch(`${base}/api/status?token=${token}`);
      if (r.ok) return;
    } catch { /* not up yet */ }
    await sleep(300);
  }
  throw new Error(`jupyter notebook did not start within 60 s:\n${serverLog}`);
}

async function stopJupyter(): Promise<void> {
  if (!server) return;
  try {
    const kernels = await (await fetch(`${base}/api/kernels?token=${token}`)).json() as Array<{ id: string }>;
    for (const k of kernels) await fetch(`${base}/api/kernels/${k.id}?token=${token}`, { method: 'DELETE' });
  } catch { /* server already gone */ }
  const s = server;
  server = null;
  if (s.exitCode === null) {
    s.kill('SIGTERM');
    for (let i = 0; i < 50 && s.exitCode === null; i++) await sleep(100);
    if (s.exitCode === null) s.kill('SIGKILL');
  }
}

interface Traffic { cdnRequests: string[]; refused: string[]; kernelSpecPlotly: Array<{ url: string; status: number }> }

interface ContextOptions {
  allowPlotlyCdn: boolean;
  refuseRequireJs?: boolean;
  /** Answer the kernel spec's plotly.js with 404, as a Jupyter server whose kernel spec lacks it. */
  noKernelSpecPlotly?: boolean;
}

/** A browser context whose outside requests are answered locally (CDN mirror) or refused. */
async function newContext(opts: ContextOptions): Promise<{ context: any; traffic: Traffic }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const traffic: Traffic = { cdnRequests: [], refused: [], kernelSpecPlotly: [] };
  context.on('response', (res: any) => {
    if (PLOTLY_KERNELSPEC.test(res.url())) traffic.kernelSpecPlotly.push({ url: res.url(), status: res.status() });
  });
  await context.route('**/*', async (route: any) => {
    const url: string = route.request().url();
    if (opts.noKernelSpecPlotly && PLOTLY_KERNELSPEC.test(url)) {
      return route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' });
    }
    // Debian's nbconvert points require.js at file:///usr/share/javascript/requirejs/require.min.js
    if (opts.refuseRequireJs && /\/require(\.min)?\.js(\?|$)/.test(url)) { traffic.refused.push(url); return route.abort('blockedbyclient'); }
    if (url.startsWith(base) || url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    if (url.startsWith('https://cdn.plot.ly/')) {
      traffic.cdnRequests.push(url);
      if (opts.allowPlotlyCdn && url === PLOTLY_CDN) {
        return route.fulfill({ status: 200, contentType: 'application/javascript', body: fs.readFileSync(PLOTLY_FILE),
          headers: { 'access-control-allow-origin': '*' } });
      }
      traffic.refused.push(url);
      return route.abort('internetdisconnected');
    }
    if (REQUIRE_JS && !opts.refuseRequireJs && /^https:\/\/cdnjs\.cloudflare\.com\/ajax\/libs\/require\.js\/[^/]+\/require(\.min)?\.js$/.test(url)) {
      return route.fulfill({ status: 200, contentType: 'application/javascript', body: fs.readFileSync(REQUIRE_JS) });
    }
    traffic.refused.push(url);
    return route.abort('internetdisconnected');
  });
  return { context, traffic };
}

async function chartState(page: any, scope: string) {
  return page.evaluate((sel: string) => {
    const svgs = Array.from(document.querySelectorAll(`${sel} .main-svg`));
    const traces = document.querySelectorAll(`${sel} .main-svg .scatterlayer .trace`).length;
    const points = document.querySelectorAll(`${sel} .main-svg .scatterlayer .point`).length;
    const axisTitles = Array.from(document.querySelectorAll(`${sel} .main-svg .xtitle, ${sel} .main-svg .ytitle`)).map((e: any) => e.textContent);
    return { svgs: svgs.length, traces, points, axisTitles };
  }, scope);
}

async function runInNotebook(name: string, opts: ContextOptions) {
  const { context, traffic } = await newContext(opts);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e: Error) => errors.push(String(e)));
  try {
    await page.goto(`${base}/notebooks/${name}?token=${token}`, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForFunction(() => (window as any).Jupyter?.notebook?.kernel?.is_connected?.(), null, { timeout: 60_000 });
    await page.evaluate(() => (window as any).Jupyter.notebook.execute_all_cells());
    // every code cell has finished: its prompt shows a number, not '*'
    await page.waitForFunction(() => {
      const nb = (window as any).Jupyter.notebook;
      const cells = nb.get_cells().filter((c: any) => c.cell_type === 'code');
      return cells.every((c: any) => typeof c.input_prompt_number === 'number');
    }, null, { timeout: 120_000, polling: 250 });
    await page.waitForSelector('.output_area .main-svg .scatterlayer .trace', { timeout: 60_000 });
    await page.waitForFunction(() => {
      const bars = Array.from(document.querySelectorAll('.output_area .scalinglab-progress'));
      return bars.length > 0 && bars.every((b: any) => b.getAttribute('data-percent') === '100');
    }, null, { timeout: 60_000 });
    await sleep(500);
    const state = await chartState(page, '.output_area');
    const progress = await page.evaluate(() => Array.from(document.querySelectorAll('.output_area .scalinglab-progress')).map((e) => (e as HTMLElement).innerText));
    const stderr = await page.evaluate(() => Array.from(document.querySelectorAll('.output_stderr, .output_error')).map((e) => (e as HTMLElement).innerText));
    // Notebook 6 scrolls inside #site, so a full-page shot is the viewport: make it tall, and also
    // shoot the chart's output area.
    const shot = path.join(OUT, `${name.replace(/\.ipynb$/, '')}.png`);
    const height = await page.evaluate(() => (document.querySelector('#notebook-container')?.scrollHeight ?? 900) + 250);
    await page.setViewportSize({ width: 1280, height: Math.min(6000, Math.max(900, height)) });
    await sleep(400);
    await page.screenshot({ path: shot, fullPage: true });
    await page.locator('.output_area:has(.main-svg)').first().screenshot({ path: shot.replace(/\.png$/, '.chart.png') });
    await page.evaluate(() => (window as any).Jupyter.notebook.save_notebook());
    await sleep(500);
    return { state, progress, stderr, errors, traffic, shot };
  } finally {
    await context.close();
  }
}

function exportHtml(name: string): string {
  const r = spawnSync(jupyterPython(), ['-m', 'nbconvert', '--to', 'html', path.join(WORK, name), '--output-dir', path.join(OUT, 'html')],
    { encoding: 'utf8', env: kernelEnv() });
  assert.equal(r.status, 0, r.stderr);
  return path.join(OUT, 'html', name.replace(/\.ipynb$/, '.html'));
}

async function openHtml(file: string, opts: ContextOptions, shotSuffix = '') {
  const { context, traffic } = await newContext(opts);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e: Error) => errors.push(String(e)));
  try {
    await page.goto(`file://${file}`, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForSelector('.main-svg .scatterlayer .trace', { timeout: 60_000 });
    await sleep(300);
    const state = await chartState(page, 'body');
    const hasRequire = await page.evaluate(() => typeof (window as any).requirejs === 'function');
    const shot = file.replace(/\.html$/, `${shotSuffix}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    return { state, errors, traffic, hasRequire, shot };
  } finally {
    await context.close();
  }
}

after(async () => {
  if (browser) await browser.close().catch(() => undefined);
  await stopJupyter();
});

test('Jupyter Notebook starts on a loopback port with a token, and Chromium launches', { timeout: 120_000 }, async () => {
  assert.ok(fs.existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  fs.mkdirSync(OUT, { recursive: true });
  await startJupyter();
  const noToken = await fetch(`${base}/api/contents`);
  assert.equal(noToken.status, 403, 'the server must require the token');
  // playwright gives every launch a fresh temporary profile (its own --user-data-dir)
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROME_ARGS });
  assert.ok(browser);
});

test('offline by default: with every outside request refused, the charts are interactive, drawn by plotly.js from the Jupyter server (kernel spec), none inlined', { timeout: 300_000 }, async () => {
  const r = await runInNotebook('90-browser-cdn.ipynb', { allowPlotlyCdn: false });
  console.log(`screenshot: ${r.shot}\nchart: ${JSON.stringify(r.state)}\nplotly.js: ${JSON.stringify(r.traffic.kernelSpecPlotly)}`);
  assert.deepEqual(r.stderr.filter((s: string) => s.trim()), [], 'no error output in the notebook');
  assert.ok(r.state.traces >= 4, `traces drawn: ${r.state.traces}`);
  assert.ok(r.state.svgs >= 2 * 3, 'the fit chart and the toy chart, interactive (plotly .main-svg layers)');
  assert.ok(r.state.points >= 18, `data points drawn: ${r.state.points}`);
  assert.deepEqual(r.traffic.kernelSpecPlotly.map((t) => t.status), [200], 'plotly.js loaded once, from /kernelspecs/scalinglab/');
  assert.ok(r.traffic.kernelSpecPlotly[0].url.startsWith(`${base}/kernelspecs/scalinglab/`));
  assert.deepEqual(r.traffic.cdnRequests, [], 'no request to the CDN');
  assert.deepEqual(r.errors, []);
  const saved = fs.readFileSync(path.join(WORK, '90-browser-cdn.ipynb'), 'utf8');
  assert.ok(saved.length < 1_000_000, `the saved notebook weighs ${saved.length} characters: plotly.js (4.8 MB) must not be in it`);
  assert.doesNotMatch(saved, /plotly\.js v3\.3\.0|inlined once per notebook/);
});

test('CDN fallback: when the kernel spec has no plotly.js, running all cells renders the plotly chart from the CDN and the progress bar ends at 100%', { timeout: 300_000 }, async () => {
  const r = await runInNotebook('90-browser-cdn.ipynb', { allowPlotlyCdn: true, noKernelSpecPlotly: true });
  console.log(`screenshot: ${r.shot}\nchart: ${JSON.stringify(r.state)}\nprogress: ${JSON.stringify(r.progress)}`);
  assert.deepEqual(r.stderr.filter((s: string) => s.trim()), [], 'no error output in the notebook');
  assert.ok(r.state.svgs >= 1, 'a .main-svg in the output area');
  assert.ok(r.state.traces >= 4, `traces drawn: ${r.state.traces}`);
  assert.ok(r.state.points >= 18, `data points drawn: ${r.state.points}`);
  assert.ok(r.state.axisTitles.some((t: string) => /tokens/.test(t)) && r.state.axisTitles.some((t: string) => /loss \(nats\)/.test(t)), JSON.stringify(r.state.axisTitles));
  assert.equal(r.progress.length, 2, 'one bar for the demo loop, one for %toy');
  assert.match(r.progress[0], /100%[\s\S]*step 30\/30/);
  assert.match(r.progress[1], /100%[\s\S]*step 300\/300/);
  assert.ok(r.state.svgs >= 2 * 3, 'the fit chart and the toy chart (3 svg layers each)');
  assert.deepEqual(r.traffic.cdnRequests, [PLOTLY_CDN], 'plotly.js loaded once, from the pinned CDN URL');
  assert.deepEqual(r.traffic.kernelSpecPlotly.map((t) => t.status), [404], 'after trying the kernel spec once');
  assert.deepEqual(r.errors, []);
});

test('inline mode: the chart renders with the CDN unreachable', { timeout: 300_000 }, async () => {
  const r = await runInNotebook('90-browser-inline.ipynb', { allowPlotlyCdn: false });
  console.log(`screenshot: ${r.shot}\nchart: ${JSON.stringify(r.state)}`);
  assert.ok(r.state.traces >= 4, `traces drawn: ${r.state.traces}`);
  assert.match(r.progress.join('\n'), /100%/);
  assert.deepEqual(r.traffic.cdnRequests, [], 'no request to the CDN');
  assert.deepEqual(r.errors, []);
});

test('nbconvert --to html of the saved notebook shows the chart in Chromium (require.js on the page, CDN mode)', { timeout: 180_000 }, async () => {
  const file = exportHtml('90-browser-cdn.ipynb');
  const r = await openHtml(file, { allowPlotlyCdn: true });
  console.log(`screenshot: ${r.shot}\nchart: ${JSON.stringify(r.state)} requirejs: ${r.hasRequire}`);
  assert.ok(r.state.traces >= 4, `traces drawn: ${r.state.traces}`);
  assert.equal(r.hasRequire, !!REQUIRE_JS, 'require.js was on the page (the AMD case)');
  assert.deepEqual(r.traffic.cdnRequests, [PLOTLY_CDN]);
  assert.deepEqual(r.errors, []);
});

test('nbconvert --to html of the inline notebook shows the chart fully offline', { timeout: 180_000 }, async () => {
  const file = exportHtml('90-browser-inline.ipynb');
  const r = await openHtml(file, { allowPlotlyCdn: false });
  console.log(`screenshot: ${r.shot}\nchart: ${JSON.stringify(r.state)}`);
  assert.ok(r.state.traces >= 4, `traces drawn: ${r.state.traces}`);
  assert.deepEqual(r.traffic.cdnRequests, []);
  assert.deepEqual(r.errors, []);
});

test('the same HTML without require.js on the page (as in JupyterLab) loads plotly.js with a plain script tag', { timeout: 180_000 }, async () => {
  const file = path.join(OUT, 'html', '90-browser-cdn.html');
  const r = await openHtml(file, { allowPlotlyCdn: true, refuseRequireJs: true }, '.no-requirejs');
  console.log(`screenshot: ${r.shot}\nchart: ${JSON.stringify(r.state)} requirejs: ${r.hasRequire}`);
  assert.equal(r.hasRequire, false);
  assert.ok(r.state.traces >= 4, `traces drawn: ${r.state.traces}`);
  assert.deepEqual(r.traffic.cdnRequests, [PLOTLY_CDN]);
  assert.deepEqual(r.errors, []);
});

test('offline without inlined plotly.js, the exported HTML shows the static SVG picture and says why', { timeout: 120_000 }, async () => {
  const file = path.join(OUT, 'html', '90-browser-cdn.html');
  const { context, traffic } = await newContext({ allowPlotlyCdn: false });
  const page = await context.newPage();
  try {
    await page.goto(`file://${file}`, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForFunction(() => /could not be loaded/.test(document.body.innerText), null, { timeout: 30_000 });
    const visible = await page.evaluate(() => Array.from(document.querySelectorAll('svg.scalinglab-static'))
      .filter((e: any) => e.getBoundingClientRect().height > 100).length);
    const shot = path.join(OUT, 'html', '90-browser-cdn.offline.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}\nstatic pictures: ${visible}`);
    assert.equal(visible, 2, 'the fit and the toy as static pictures');
    assert.equal(await page.evaluate(() => document.querySelectorAll('.main-svg').length), 0);
    assert.ok(traffic.refused.includes(PLOTLY_CDN));
  } finally {
    await context.close();
  }
});
