#!/usr/bin/env node
// The scalinglab Jupyter kernel: tslab's own kernel, with one addition. Before tslab compiles a
// cell, scalinglab's magic rewriter turns `%%csv`, `%fit`, ... cells into ordinary TypeScript calls
// of the package API (dist/notebook/magics). Plain TypeScript cells pass through untouched, so
// cells run exactly as in the stock tslab kernel. How the patch hooks tslab, and what breaks if tslab
// changes: docs/kernel.md.
'use strict';
const path = require('path');

function configPathFromArgs(argv) {
  const i = argv.indexOf('--config-path');
  if (i >= 0 && argv[i + 1]) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith('--config-path='));
  if (eq) return eq.slice('--config-path='.length);
  throw new Error('scalinglab-kernel: missing --config-path {connection_file} (see kernels/scalinglab/kernel.json)');
}

function loadMagics() {
  try {
    return require(path.join(__dirname, '..', 'dist', 'notebook', 'magics', 'index.js'));
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND') return null; // package not built with the notebook layer
    throw err;
  }
}

const configPath = configPathFromArgs(process.argv.slice(2));
const magics = loadMagics();
// Registers the built-in magics and patches this tslab: a bad magic answers with an `error` output in
// its cell (the cells after it still run), requests with stop_on_error=false (nbclient with
// allow_errors) no longer make tslab abort the requests of the next 200 ms, and each cell gets an
// abort signal that a kernel interrupt (SIGINT) aborts. The launcher adds no uncaughtException or
// unhandledRejection handler of its own: tslab's (which log the error) are the only ones.
if (magics) magics.installMagics(require('tslab/dist/jupyter'));
require('tslab/dist/main').startKernel({ configPath, enableFindLocal: false, jsKernel: false, globalVersion: '' });
