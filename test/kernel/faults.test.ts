// Kernel level, issue 16: after a toy has run (here: started, aborted from a timer while the kernel went
// on), an unhandled rejection must not kill the kernel; before the fix the wasm backend's re-throwing
// process listeners made the kernel exit (code 7) and every later cell fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { OUTPUT_DIR, cellTagged, runNotebook, stdoutOf, writeNotebook } from '../helpers/notebooks';

test('a toy aborted from a timer, then an unhandled rejection: the kernel lives and the next cell runs', () => {
  const nb = writeNotebook(path.join(OUTPUT_DIR, 'faults', 'faults.ipynb'), [
    {
      source: [
        "import { runToy } from 'scalinglab';",
        'const controller = new AbortController();',
        "const run = runToy('softmax-time', { steps: 100000, signal: controller.signal }); // not awaited",
        'setTimeout(() => controller.abort(), 1000);',
        "console.log('toy started');",
      ].join('\n'),
      tags: ['start'],
    },
    {
      source: [
        'await new Promise((resolve) => setTimeout(resolve, 2000)); // the run is aborted meanwhile: its rejection is unhandled',
        "Promise.reject(new Error('an unhandled rejection after a toy'));",
        'await new Promise((resolve) => setTimeout(resolve, 500));',
        "console.log('still alive');",
      ].join('\n'),
      tags: ['reject'],
    },
    { source: "console.log('next cell ran', 6 * 7);", tags: ['next'] },
  ]);
  const r = runNotebook(nb, { outName: 'faults.ipynb', timeoutSeconds: 300 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(stdoutOf(cellTagged(r.executed, 'start')), /toy started/);
  assert.match(stdoutOf(cellTagged(r.executed, 'reject')), /still alive/);
  assert.match(stdoutOf(cellTagged(r.executed, 'next')), /next cell ran 42/);
});
