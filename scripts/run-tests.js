#!/usr/bin/env node
// Runs the three test layers with node's built-in runner, in one run so CI reads one summary:
//   build/test/unit     the TypeScript code in plain Node
//   build/test/kernel   every notebook executed headless in the scalinglab kernel
//   build/test/browser  Jupyter + headless Chromium: charts really render
//   build/test/install  a fresh clone packed and installed into an empty project as the README says
//   build/test/corpus   the bad-input corpus: every case in its own process, with time and memory limits
// `npm test -- unit` (or kernel, browser, install, corpus, or part of a file name) runs a subset.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const LAYERS = ['unit', 'corpus', 'kernel', 'browser', 'install'];
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));

function testFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return testFiles(p);
    return e.name.endsWith('.test.js') ? [p] : [];
  }).sort();
}
let files = LAYERS.flatMap((layer) => testFiles(path.join(ROOT, 'build', 'test', layer)));
if (filters.length) files = files.filter((f) => filters.some((x) => path.relative(ROOT, f).includes(x)));
if (!files.length) { console.error('no test files matched ' + JSON.stringify(filters)); process.exit(1); }
fs.mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
const started = Date.now();
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit', cwd: ROOT });
console.error(`[scalinglab] tests took ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(r.status ?? 1);
