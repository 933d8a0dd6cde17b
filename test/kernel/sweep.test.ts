// Kernel level, issue 13: the %sweep magic runs a sweep on worker threads inside the scalinglab kernel
// (the workers load the package's dist/ build) and shows a progress bar and the result: a plotly chart
// (exponent and coefficient against the factor), an HTML table and the summary with the verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { OUTPUT_DIR, cellTagged, displaysOf, runNotebook, stdoutOf, writeNotebook } from '../helpers/notebooks';

const PLOTLY = 'application/vnd.plotly.v1+json';
const joined = (v: unknown) => [v as string | string[]].flat().join('');

test('%sweep shows a progress bar at 100%, then the sweep as chart, table and summary; the result is a variable', () => {
  const nb = writeNotebook(path.join(OUTPUT_DIR, 'sweep', 'sweep.ipynb'), [
    { source: '%sweep s = softmax-time --vary.lr 0.08,0.16 --steps 200 --batch 128 --fitRange [2,16] --workers 2', tags: ['sweep'] },
    { source: "console.log(s.rows.length, s.workers, typeof s.verdict.pValue)", tags: ['after'] },
  ]);
  const r = runNotebook(nb, { outName: 'sweep.ipynb', timeoutSeconds: 300 });
  assert.equal(r.status, 0, r.stderr);
  const d = displaysOf(cellTagged(r.executed, 'sweep'));
  assert.equal(d.length, 2, 'progress bar + result');
  assert.match(joined(d[0].data!['text/html']), /data-percent="100"/);
  assert.deepEqual(Object.keys(d[1].data!).sort(), [PLOTLY, 'text/html', 'text/plain']);
  const fig = d[1].data![PLOTLY] as { data: Array<Record<string, any>>; layout: Record<string, any> };
  assert.equal(fig.layout.xaxis.title.text, 'lr');
  assert.ok(fig.data.some((t) => t.error_y), 'exponents with CI bars');
  assert.match(joined(d[1].data!['text/html']), /<table[\s\S]*lr[\s\S]*exponent/);
  assert.match(joined(d[1].data!['text/plain']), /sweepToy\('softmax-time'\): 2 configurations over lr on 2 worker\(s\)[\s\S]*homogeneity: chi2/);
  assert.match(stdoutOf(cellTagged(r.executed, 'after')), /2 2 number/);
});
