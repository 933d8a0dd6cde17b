#!/usr/bin/env node
// Registers the "TypeScript (scalinglab)" kernel with a Jupyter installation.
//   scalinglab-install-kernel [--user | --sys-prefix | --prefix DIR] [--python PY]
// Default --user. The kernel spec is kernels/scalinglab/kernel.json with this machine's node and this
// package's folder filled in, so the kernel never depends on a global tslab on PATH.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const PACKAGE_ROOT = path.resolve(__dirname, '..');

/**
 * plotly.js from node_modules, as the file name the charts ask the Jupyter server for
 * (`{base_url}kernelspecs/scalinglab/plotly-<version>.min.js`, src/notebook/plotly.ts): Jupyter
 * serves a kernel spec's files, so charts draw offline without storing plotly.js in notebooks.
 * Null when plotly.js-dist-min is not installed (charts then load it from the CDN).
 */
function plotlyFile() {
  try {
    const pkg = require.resolve('plotly.js-dist-min/package.json', { paths: [PACKAGE_ROOT] });
    const { version } = JSON.parse(fs.readFileSync(pkg, 'utf8'));
    return { src: path.join(path.dirname(pkg), 'plotly.min.js'), name: `plotly-${version}.min.js` };
  } catch {
    return null;
  }
}

/** Writes the filled-in kernel spec (and plotly.js) into `dir` (created) and returns its kernel.json text. */
function writeKernelSpec(dir) {
  const src = path.join(PACKAGE_ROOT, 'kernels', 'scalinglab');
  fs.mkdirSync(dir, { recursive: true });
  let kernelJson = '';
  for (const f of fs.readdirSync(src)) {
    let data = fs.readFileSync(path.join(src, f));
    if (f === 'kernel.json') {
      kernelJson = data.toString('utf8')
        .replaceAll('{node}', process.execPath.replaceAll('\\', '\\\\'))
        .replaceAll('{project}', PACKAGE_ROOT.replaceAll('\\', '\\\\'));
      data = Buffer.from(kernelJson);
    }
    fs.writeFileSync(path.join(dir, f), data);
  }
  const plotly = plotlyFile();
  if (plotly) fs.copyFileSync(plotly.src, path.join(dir, plotly.name));
  return kernelJson;
}

/** Finds a Python whose Jupyter can install kernel specs. */
function findPython(preferred) {
  for (const py of [preferred, process.env.SCALINGLAB_PYTHON, '/usr/bin/python3', 'python3', 'python'].filter(Boolean)) {
    const r = spawnSync(py, ['-c', 'import jupyter_client'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

/** Installs the spec with `jupyter kernelspec install`; scope is ['--user'], ['--sys-prefix'] or ['--prefix', dir]. */
function installKernel({ python, scope = ['--user'], quiet = false } = {}) {
  const py = findPython(python);
  if (!py) {
    throw new Error('No Python with Jupyter (jupyter_client) found. Install Jupyter first '
      + '(Debian: apt-get install jupyter-notebook jupyter-client; pip: pip install notebook), or pass --python PATH.');
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scalinglab-kernel-'));
  const dir = path.join(tmp, 'scalinglab');
  writeKernelSpec(dir);
  const r = spawnSync(py, ['-m', 'jupyter', 'kernelspec', 'install', ...scope, '--replace', '--name', 'scalinglab', dir],
    { encoding: 'utf8' });
  fs.rmSync(tmp, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`jupyter kernelspec install failed:\n${r.stderr || r.stdout}`);
  if (!quiet) process.stderr.write(r.stderr || r.stdout);
  return py;
}

module.exports = { writeKernelSpec, installKernel, findPython, PACKAGE_ROOT };

if (require.main === module) {
  const argv = process.argv.slice(2);
  let scope = ['--user'];
  let python;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--user' || a === '--sys-prefix') scope = [a];
    else if (a === '--prefix') scope = ['--prefix', argv[++i]];
    else if (a === '--python') python = argv[++i];
    else if (a === '-h' || a === '--help') { console.log('usage: scalinglab-install-kernel [--user | --sys-prefix | --prefix DIR] [--python PY]'); process.exit(0); }
    else { console.error(`unknown argument '${a}'. usage: scalinglab-install-kernel [--user | --sys-prefix | --prefix DIR] [--python PY]`); process.exit(2); }
  }
  try { installKernel({ python, scope }); } catch (err) { console.error(err.message); process.exit(1); }
}
