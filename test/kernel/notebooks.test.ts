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
    '04-coefficients-of-chinchilla', '05-shape-and-frontier', '06-compare-recipes', '07-your-runs', '09-what-changes-the-class']) {
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

test('the notebook suite runs in at most 30 minutes (printed per notebook)', () => {
  const timings = notebooks.map((name) => `${name}: ${runOnce(name).report?.seconds ?? '?'} s`);
  const total = timings.reduce((s, t) => s + (Number(t.split(': ')[1]?.split(' ')[0]) || 0), 0);
  console.log(`notebook times:\n  ${timings.join('\n  ')}\n  total: ${total.toFixed(1)} s (limit: 1800 s)`);
  assert.ok(timings.length === notebooks.length);
  assert.ok(total <= 1800, `the walkthrough notebooks took ${total.toFixed(0)} s in all, over the 30-minute limit`);
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

type Output = { output_type: string; text?: string | string[]; data?: Record<string, unknown> };
type NbCell = { cell_type: string; source: string | string[]; outputs?: Output[]; metadata?: { tags?: string[] } };

/**
 * What a notebook's outputs say, cell by cell, with the run times masked: the text parts (streams,
 * text/plain, text/markdown) that every number of the notebook passes through.
 */
export function outputsSaying(cells: NbCell[]): string[] {
  const join = (x: unknown) => (Array.isArray(x) ? x.join('') : typeof x === 'string' ? x : '');
  const mask = (t: string) => t
    .replace(/\b\d+m\s*\d+s\b/g, '<time>')
    .replace(/\d+(\.\d+)?(e[+-]?\d+)?\s*(ms|s|sec|seconds|min|minutes|h|steps\/s)(?![\w])/g, '<time>')
    // '1 min 1 s' and '59 s' are one duration each.
    .replace(/<time>(\s*<time>)+/g, '<time>');
  return cells.filter((c) => c.cell_type === 'code').map((c) => (c.outputs ?? []).map((o) => mask([
    join(o.text), join(o.data?.['text/plain']), join(o.data?.['text/markdown']),
  ].join('\n'))).join('\n'));
}

test('the masking of run times keeps every other number', () => {
  const cells: NbCell[] = [{ cell_type: 'code', source: '', outputs: [{ output_type: 'stream', text: 'exponent 0.346 in 32.1 s, 170 steps/s; 2000 steps; 1m 5s; 1 min 1 s' }] }];
  assert.deepEqual(outputsSaying(cells), ['exponent 0.346 in <time>, <time>; 2000 steps; <time>; <time>\n\n']);
});

for (const name of notebooks) {
  test(`${name}: the committed outputs are what this run produced (same seeds, same numbers)`, () => {
    const r = runOnce(name);
    assert.equal(r.status, 0, r.stderr);
    const committed: NbCell[] = JSON.parse(fs.readFileSync(path.join(NOTEBOOK_DIR, name), 'utf8')).cells;
    const ran = outputsSaying(r.executed.cells as NbCell[]);
    const kept = outputsSaying(committed);
    assert.equal(ran.length, kept.length, `${name}: the number of code cells differs`);
    ran.forEach((text, i) => assert.equal(text, kept[i], `${name}: code cell ${i} shows something else than the committed notebook (re-run npm run notebooks -- ${name.slice(0, 2)} and commit it)`));
  });
}

test('every walkthrough shows its check failing on a perturbed input, before the final check', () => {
  for (const name of notebooks.filter((n) => !n.startsWith('00'))) {
    const cells: NbCell[] = JSON.parse(fs.readFileSync(path.join(NOTEBOOK_DIR, name), 'utf8')).cells;
    const perturbed = cells.filter((c) => c.metadata?.tags?.includes('perturbation'));
    assert.ok(perturbed.length > 0, `${name}: no cell tagged 'perturbation'`);
    for (const c of perturbed) {
      assert.match(outputsSaying([c]).join(''), /Perturbed input \(.+\): the check fails, as it should\.\nFAIL/, `${name}: a perturbation cell does not show a failing check`);
    }
  }
});

test('every committed walkthrough is under 250 KB', () => {
  const heavy = notebooks.map((n) => ({ n, size: fs.statSync(path.join(NOTEBOOK_DIR, n)).size })).filter((x) => x.size >= 250_000);
  assert.deepEqual(heavy, []);
});
