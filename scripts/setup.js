#!/usr/bin/env node
// The two README commands: `npm start` (Jupyter on notebooks/ with the scalinglab kernel) and
// `npm test` (every test layer). Each step checks first and does nothing when it is already done,
// so both commands are fast on a machine that is set up. Plain Node, no dependencies: it runs
// before `npm ci`.
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');
const { spawnSync, spawn } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const MODES = ['start', 'test', 'notebooks', 'bench', 'prepare'];
const mode = MODES.find((m) => args.includes(`--${m}`)) ?? 'setup';
const passThrough = args.filter((a) => !MODES.some((m) => a === `--${m}`));

const DEBIAN_JUPYTER = ['jupyter-notebook', 'python3-nbconvert', 'python3-nbclient', 'jupyter-client', 'python3-jupyter-kernel-test'];
const DEBIAN_BROWSER = ['chromium'];

function log(msg) { process.stderr.write(`[scalinglab] ${msg}\n`); }
function fail(msg) { log(msg); process.exit(1); }
function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: ROOT, ...opts });
  if (r.status !== 0) fail(`'${cmd} ${cmdArgs.join(' ')}' failed (exit ${r.status ?? r.signal}).`);
}
function quiet(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { encoding: 'utf8', cwd: ROOT });
  return { ok: r.status === 0, out: (r.stdout || '') + (r.stderr || '') };
}
function newestMtime(dir, filter) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p, filter));
    else if (!filter || filter(p)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}
function mtime(p) { return fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0; }
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = fs.existsSync('/usr/bin/apt-get');

// 1. Node modules: `npm ci` when node_modules is missing or older than the lock file.
function ensureNodeModules() {
  const marker = path.join(ROOT, 'node_modules', '.package-lock.json');
  if (mtime(marker) >= mtime(path.join(ROOT, 'package-lock.json')) && fs.existsSync(path.join(ROOT, 'node_modules', 'tslab'))) return;
  log('installing Node modules (npm ci) ...');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// 2. Build: dist/ (the package) and build/ (tests and benches), when a source is newer than the output.
function ensureBuild() {
  const srcNewest = Math.max(newestMtime(path.join(ROOT, 'src')), mtime(path.join(ROOT, 'tsconfig.json')));
  if (srcNewest > mtime(path.join(ROOT, 'dist', '.stamp'))) {
    log('building the package (tsc) ...');
    // A clean build: a module that moved (a.ts -> a/index.ts) must not be shadowed by its old output.
    fs.rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
    run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
    fs.writeFileSync(path.join(ROOT, 'dist', '.stamp'), new Date().toISOString());
  }
  // Notebooks import the package by name: node_modules/scalinglab points at this folder.
  const link = path.join(ROOT, 'node_modules', 'scalinglab');
  let linked = false;
  try { linked = fs.realpathSync(link) === fs.realpathSync(ROOT); } catch { linked = false; }
  if (!linked) {
    fs.rmSync(link, { recursive: true, force: true });
    fs.symlinkSync('..', link, 'dir');
  }
}
function ensureTestBuild() {
  const newest = Math.max(
    newestMtime(path.join(ROOT, 'src')), newestMtime(path.join(ROOT, 'test')), newestMtime(path.join(ROOT, 'bench')),
    mtime(path.join(ROOT, 'tsconfig.test.json')));
  if (newest > mtime(path.join(ROOT, 'build', '.stamp'))) {
    log('building tests (tsc -p tsconfig.test.json) ...');
    for (const d of ['test', 'src', 'bench']) fs.rmSync(path.join(ROOT, 'build', d), { recursive: true, force: true });
    run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.test.json']);
    fs.writeFileSync(path.join(ROOT, 'build', '.stamp'), new Date().toISOString());
  }
}

// 3. Jupyter: a Python that imports notebook, nbclient and jupyter_client.
function findJupyterPython() {
  const candidates = [process.env.SCALINGLAB_PYTHON, '/usr/bin/python3', 'python3', 'python'].filter(Boolean);
  for (const py of candidates) {
    if (quiet(py, ['-c', 'import notebook, nbclient, nbformat, jupyter_client']).ok) return py;
  }
  return null;
}
function aptInstall(pkgs) {
  log(`installing Debian packages: ${pkgs.join(' ')} ...`);
  run('apt-get', ['update', '-qq'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
function ensureJupyter() {
  let py = findJupyterPython();
  if (py) return py;
  if (isRoot && hasApt) {
    aptInstall(DEBIAN_JUPYTER);
    py = findJupyterPython();
    if (py) return py;
  }
  fail([
    'Jupyter (notebook, nbclient, jupyter_client) was not found for any of /usr/bin/python3, python3, python.',
    'Install it, then run this command again:',
    '  Debian/Ubuntu:  sudo apt-get install -y ' + DEBIAN_JUPYTER.join(' '),
    '  pip:            python3 -m pip install notebook nbclient nbconvert jupyter_client',
    'or point SCALINGLAB_PYTHON at a Python that has them.',
  ].join('\n'));
}

// 4. Kernel spec: kernels/scalinglab/kernel.json with this machine's node and this folder filled in.
const kernelInstaller = require(path.join(ROOT, 'bin', 'scalinglab-install-kernel.js'));
function writeKernelSpec() {
  const dst = path.join(ROOT, 'build', 'jupyter', 'kernels', 'scalinglab');
  return { dir: dst, json: kernelInstaller.writeKernelSpec(dst) };
}
function registerKernel(py) {
  const { json } = writeKernelSpec();
  const list = quiet(py, ['-m', 'jupyter', 'kernelspec', 'list', '--json']);
  let current = null;
  try { current = JSON.parse(list.out.slice(list.out.indexOf('{'))).kernelspecs.scalinglab; } catch { current = null; }
  if (current && current.resource_dir) {
    try { if (fs.readFileSync(path.join(current.resource_dir, 'kernel.json'), 'utf8') === json) return; } catch { /* reinstall */ }
  }
  log('registering the scalinglab kernel with Jupyter (--user) ...');
  kernelInstaller.installKernel({ python: py, scope: ['--user'], quiet: true });
}

// 5. Chromium for the browser tests.
function findChromium() {
  for (const c of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean)) {
    if (fs.existsSync(c)) return c;
  }
  return null;
}
function ensureChromium() {
  if (findChromium()) return findChromium();
  if (isRoot && hasApt) { aptInstall(DEBIAN_BROWSER); return findChromium(); }
  fail('Chromium is needed for the browser tests: sudo apt-get install -y chromium (or set CHROMIUM_PATH).');
}

// `npm run notebooks [-- 04 05]`: re-executes the walkthrough notebooks in place, so the committed
// notebooks carry their outputs (GitHub and nbviewer show them without running anything).
function executeNotebooks(py) {
  writeKernelSpec();
  const env = { ...process.env, JUPYTER_PATH: [path.join(ROOT, 'build', 'jupyter'), process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter) };
  const dir = path.join(ROOT, 'notebooks');
  const names = fs.readdirSync(dir).filter((f) => /^0\d.*\.ipynb$/.test(f)).sort()
    .filter((f) => passThrough.length === 0 || passThrough.some((p) => f.includes(p)));
  let failed = 0;
  for (const name of names) {
    const t0 = Date.now();
    const r = spawnSync(py, [path.join(ROOT, 'scripts', 'run_notebook.py'), path.join(dir, name), '--inplace'], { cwd: ROOT, env, encoding: 'utf8' });
    log(`${name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (r.status !== 0) { failed++; process.stderr.write(r.stderr); }
  }
  process.exit(failed ? 1 : 0);
}

// `npm run bench [-- fit]`: the benchmarks in bench/, each printing ratios against a reference tool
// (scipy, PyTorch) run on the same machine in the same run.
function runBenches() {
  ensureTestBuild();
  const dir = path.join(ROOT, 'build', 'bench');
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort()
    .filter((f) => passThrough.length === 0 || passThrough.some((p) => f.includes(p)));
  let failed = 0;
  for (const name of names) {
    log(`bench/${name.replace(/\.js$/, '.ts')}`);
    const r = spawnSync(process.execPath, [path.join(dir, name)], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) failed++;
  }
  process.exit(failed ? 1 : 0);
}

// `prepare` (npm runs it for `npm pack`, `npm install` from git or a folder, and after `npm ci`):
// builds dist/ with the project's TypeScript. A fresh clone packed before any install has none: the
// locked dependencies are installed first, without scripts (this one would run again inside).
function prepare() {
  if (!fs.existsSync(path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'))) {
    log('installing the build dependencies (npm ci --ignore-scripts) ...');
    run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
  }
  ensureBuild();
}

function main() {
  if (mode === 'prepare') return prepare();
  ensureNodeModules();
  ensureBuild();
  if (mode === 'setup') return;
  if (mode === 'bench') return runBenches();
  const py = ensureJupyter();
  if (mode === 'start') {
    registerKernel(py);
    const nbArgs = ['-m', 'notebook', `--notebook-dir=${path.join(ROOT, 'notebooks')}`];
    if (isRoot) nbArgs.push('--allow-root');
    log(`starting Jupyter Notebook on notebooks/ (kernel "TypeScript (scalinglab)") ...`);
    const child = spawn(py, [...nbArgs, ...passThrough], { stdio: 'inherit', cwd: ROOT });
    const stop = (sig) => child.kill(sig);
    process.on('SIGINT', stop); process.on('SIGTERM', stop);
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  if (mode === 'notebooks') return executeNotebooks(py);
  // test
  ensureTestBuild();
  writeKernelSpec();
  const chromium = ensureChromium();
  const env = {
    ...process.env,
    SCALINGLAB_PYTHON: py,
    SCALINGLAB_CHROMIUM: chromium,
    JUPYTER_PATH: [path.join(ROOT, 'build', 'jupyter'), process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
  };
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'run-tests.js'), ...passThrough], { stdio: 'inherit', cwd: ROOT, env });
  process.exit(r.status ?? 1);
}

main();
