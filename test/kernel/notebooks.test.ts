// Layer 2: every walkthrough notebook (notebooks/0*.ipynb) runs top to bottom in the scalinglab kernel,
// headless. (The check notebooks in test/fixtures/notebooks are run, with their own assertions, by the
// display, magics and browser tests.)
// A cell that errors, or a code cell that shows nothing (unless tagged 'no-output'), fails the test
// with a message naming the notebook and the cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, OUTPUT_DIR, runNotebook, writeNotebook } from '../helpers/notebooks';

const NOTEBOOK_DIR = path.join(ROOT, 'notebooks');
const notebooks = fs.readdirSync(NOTEBOOK_DIR).filter((f) => /^0\d.*\.ipynb$/.test(f)).sort();

/** Each walkthrough notebook runs once, by whichever test needs it first; later tests read that run. */
const runs = new Map<string, ReturnType<typeof runNotebook>>();
function runOnce(name: string): ReturnType<typeof runNotebook> {
  if (!runs.has(name)) runs.set(name, runNotebook(path.join(NOTEBOOK_DIR, name)));
  return runs.get(name)!;
}

test('notebooks/ holds the quickstart and one walkthrough notebook per claim', () => {
  for (const n of ['00-quickstart', '01-time-one-third', '02-width-superposition', '03-depth-ensemble',
    '04-coefficients-of-chinchilla', '05-shape-and-frontier', '06-compare-recipes', '07-your-runs']) {
    assert.ok(notebooks.includes(`${n}.ipynb`), `${n}.ipynb missing; found: ${notebooks.join(', ')}`);
  }
});

for (const name of notebooks) {
  test(`notebook ${name} runs without errors in the scalinglab kernel`, () => {
    const r = runOnce(name);
    assert.equal(r.status, 0, `notebook ${name} failed:\n${r.stderr}`);
    assert.ok(r.report?.ok, `no report for ${name}: ${r.stderr}`);
  });
}

test('timing of the notebook suite', () => {
  const timings = notebooks.map((name) => `${name}: ${runOnce(name).report?.seconds ?? '?'} s`);
  const total = timings.reduce((s, t) => s + (Number(t.split(': ')[1]?.split(' ')[0]) || 0), 0);
  console.log(`notebook times:\n  ${timings.join('\n  ')}\n  total: ${total.toFixed(1)} s (goal: under 600 s)`);
  assert.ok(timings.length === notebooks.length);
});

test('the quickstart notebook shows the DataFrame and a value computed from it', () => {
  const r = runOnce('00-quickstart.ipynb');
  assert.equal(r.status, 0, r.stderr);
  const executed = r.executed;
  const text = executed.cells.filter((c: { cell_type: string }) => c.cell_type === 'code')
    .flatMap((c: { outputs: Array<{ text?: string | string[] }> }) => c.outputs.map((o) => [o.text ?? ''].flat().join('')));
  assert.match(text.join('\n'), /scalinglab loaded/);
  assert.match(text.join('\n'), /width[\s\S]*loss/);
  // mean of 3.52, 3.31, 3.20, 3.14 (arithmetic) = 3.2925
  assert.match(text[text.length - 1], /3\.2925/);
});

test('the quickstart loads a data set, fits it, shows one chart and prints the frontier in clean numbers', () => {
  const r = runOnce('00-quickstart.ipynb');
  assert.equal(r.status, 0, r.stderr);
  type Out = { output_type: string; text?: string | string[]; data?: Record<string, unknown> };
  const outputs: Out[] = r.executed.cells.filter((c: { cell_type: string }) => c.cell_type === 'code').flatMap((c: { outputs: Out[] }) => c.outputs);
  const charts = outputs.filter((o) => o.data?.['application/vnd.plotly.v1+json']);
  assert.equal(charts.length, 1, 'one chart');
  assert.match([charts[0].data!['text/plain'] as string].flat().join(''), /universal law[\s\S]*n = 203/);
  const text = outputs.map((o) => [o.text ?? ''].flat().join('')).join('');
  assert.match(text, /245 Chinchilla runs/);
  // optimal shape, closed form (docs/derivations.md#optimal-shape): m*/l* = c_m / (2 c_l), with c_m and c_l from the fit's summary
  const summary = [charts[0].data!['text/plain'] as string].flat().join('');
  const coef = (name: string) => Number(new RegExp(`\\n\\s*${name}\\s+([\\d.]+)`).exec(summary)?.[1]);
  const shape = /d_model \/ n_layers = ([\d.]+); ([\d.]+) tokens per parameter/.exec(text);
  assert.ok(shape, text);
  const expected = coef('c_m') / (2 * coef('c_l'));
  assert.ok(Math.abs(Number(shape[1]) / expected - 1) < 2e-3, `m*/l* printed ${shape[1]}, c_m / (2 c_l) = ${expected}`);
  assert.match(text, /compute-optimal at 1e24 FLOPs: 7\.\d+e\+10 parameters \(d_model \d+, \d+ layers\)/);
  assert.doesNotMatch(text, /\d\.\d{7,}|0000000\d|9999999/, 'no float noise (3.2925000000000004) in printed numbers');
  const size = fs.statSync(path.join(NOTEBOOK_DIR, '00-quickstart.ipynb')).size;
  assert.ok(size < 250_000, `the committed quickstart weighs ${size} bytes`);
});

test('a broken cell fails the notebook test with a message naming the notebook and the cell, not hidden by later cells', () => {
  const nb = writeNotebook(path.join(OUTPUT_DIR, 'broken', 'broken.ipynb'), [
    { source: 'const a = 1;\nconsole.log(a)' },
    { source: 'console.log("cell 1 ok")' },
    { source: 'throw new Error("deliberately broken")' },
    { source: '1 + 1' },
    { source: 'const b = 2;', tags: ['no-output'] },
  ]);
  const r = runNotebook(nb, { outName: 'broken.ipynb' });
  assert.notEqual(r.status, 0, 'the broken notebook passed');
  assert.match(r.stderr, /broken\.ipynb: cell 2 .*deliberately broken/s);
});

test('a cell that shows nothing fails unless it is tagged no-output', () => {
  const nb = writeNotebook(path.join(OUTPUT_DIR, 'broken', 'silent.ipynb'), [
    { source: 'const quiet = 1;', tags: ['no-output'] },
    { source: 'const forgotten = 2;' },
  ]);
  const r = runNotebook(nb, { outName: 'silent.ipynb' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /silent\.ipynb: cell 1 .*produced no output/);
});

test('every walkthrough notebook ends by checking its numbers against the papers', () => {
  for (const name of notebooks.filter((n) => !n.startsWith('00'))) {
    const nb = JSON.parse(fs.readFileSync(path.join(NOTEBOOK_DIR, name), 'utf8'));
    const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === 'code');
    const last = [code[code.length - 1].source].flat().join('');
    assert.match(last, /checkAgainstPaper\(/, `${name}: the last code cell does not call checkAgainstPaper`);
  }
});
