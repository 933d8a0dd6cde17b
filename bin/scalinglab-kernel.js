#!/usr/bin/env node
// The scalinglab Jupyter kernel: tslab's own kernel, with one addition. Before tslab compiles a
// cell, scalinglab's magic rewriter turns `%%csv`, `%fit`, ... cells into ordinary TypeScript calls
// of the package API (dist/notebook/magics). Plain TypeScript cells pass through untouched, so
// cells run exactly as in the stock tslab kernel.
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
    return require(path.join(__dirname, '..', 'dist', 'notebook', 'magics'));
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND') return null; // package not built with the notebook layer
    throw err;
  }
}

// The rewriter runs before tslab compiles a cell; a bad magic answers with an `error` output in that
// cell (and does not abort the cells after it); requests with stop_on_error=false (nbclient with
// allow_errors) no longer make tslab abort the requests of the next 200 ms. See patchTslab in
// src/notebook/magics.ts.
function installRewriter(magics) {
  const jupyter = require('tslab/dist/jupyter');
  if (typeof magics.patchTslab === 'function') {
    magics.patchTslab(jupyter, magics.rewriteCell);
    return;
  }
  const proto = jupyter.JupyterHandlerImpl.prototype;
  const original = proto.handleExecute;
  proto.handleExecute = function (req, ...rest) {
    let code = req.code;
    try {
      const rewritten = magics.rewriteCell(code);
      if (typeof rewritten === 'string') code = rewritten;
    } catch (err) {
      const message = err && err.message ? err.message : String(err);
      code = `throw new Error(${JSON.stringify(message)});`;
    }
    return original.call(this, code === req.code ? req : { ...req, code }, ...rest);
  };
}

const configPath = configPathFromArgs(process.argv.slice(2));
const magics = loadMagics();
if (magics && typeof magics.rewriteCell === 'function') installRewriter(magics);
require('tslab/dist/main').startKernel({ configPath, enableFindLocal: false, jsKernel: false, globalVersion: '' });
