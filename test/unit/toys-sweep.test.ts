// Issue 13, sweeps: sweepToy runs a grid of configurations on worker threads, one row per configuration
// (exponent, coefficient, stability within the budget, seconds) and a verdict (homogeneity chi-square,
// consistency with the universal value). References: scipy/numpy run in the test, closed forms by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roundTo } from '../../src/notebook/compact';
import { runToy, sweepToy, type SweepResult } from '../../src/toys';
import { canonicalKey, configurationSeed, sweepGrid } from '../../src/toys/sweep-grid';
import { exponentVerdict } from '../../src/toys/sweep-verdict';
import { dataFrameColumns } from '../../src/data/frame';
import { ScalingLabError } from '../../src/errors';
import { bundleFor, PLOTLY_MIME } from '../../src/notebook/render';
import { registerBuiltinMagics, rewriteCell } from '../../src/notebook/magics';
import { runPython } from './fit-scipy';

const SMALL = { steps: 200, batch: 128, fitRange: [2, 16] as [number, number] };
const rowsWithoutTime = (r: SweepResult) => r.rows.map(({ seconds: _s, ...row }) => row);

test('sweep: the rows do not depend on the number of workers, and each equals runToy with the configuration and its seed', async () => {
  const opts = { ...SMALL, vary: { lr: [0.08, 0.16], temperature: [1e-3, 3e-3] } };
  const one = await sweepToy('softmax-time', { ...opts, workers: 1 });
  const two = await sweepToy('softmax-time', { ...opts, workers: 2 });
  assert.equal(one.workers, 1);
  assert.equal(two.workers, 2);
  assert.deepEqual(rowsWithoutTime(two), rowsWithoutTime(one));
  // grid order: the first factor varies slowest
  assert.deepEqual(one.rows.map((r) => r.configuration), [
    { lr: 0.08, temperature: 1e-3 }, { lr: 0.08, temperature: 3e-3 }, { lr: 0.16, temperature: 1e-3 }, { lr: 0.16, temperature: 3e-3 }]);
  const row = one.rows[2];
  const alone = await runToy('softmax-time', { ...SMALL, lr: 0.16, temperature: 1e-3, seed: row.seed });
  assert.equal(row.exponent.value, alone.exponent.value);
  assert.equal(row.coefficient, alone.coefficient);
  assert.deepEqual(row.points, alone.points);
  assert.deepEqual(row.stability, alone.stability);
  // the configurations draw different numbers
  assert.equal(new Set(one.rows.map((r) => r.seed)).size, 4);
});

test('sweep: a configuration\'s seed is FNV-1a of "<base seed>|<canonical key>" (an independent Python FNV-1a), the seed itself when varied', () => {
  const values = { temperature: 0.003, lr: 0.04 };
  assert.equal(canonicalKey(values), 'lr=0.04;temperature=0.003');
  assert.equal(canonicalKey({ lr: 0.04, temperature: 0.003 }), canonicalKey(values), 'the order of the factors does not matter');
  const py = runPython<number[]>(`
import json, sys
def fnv1a(text):
    h = 0x811c9dc5
    for b in text.encode('utf-8'):
        h = ((h ^ b) * 0x01000193) & 0xffffffff
    return h
print(json.dumps([fnv1a(t) for t in json.load(sys.stdin)]))`, ['0|lr=0.04;temperature=0.003', '7|regime="weak"']);
  if (py.ok) assert.deepEqual([configurationSeed(0, values), configurationSeed(7, { regime: 'weak' })], py.value);
  assert.equal(configurationSeed(0, { seed: 5, lr: 0.1 }), 5);
  const grid = sweepGrid('softmax-time', { seed: [3, 4], lr: [0.1, 0.2] }, {}, 0);
  assert.deepEqual(grid.map((c) => c.seed), [3, 3, 4, 4]);
});

test('verdict: weighted mean, chi-square statistic and p-value equal numpy/scipy for given exponents and errors', (t) => {
  const e = [0.35, 0.33, 0.31, 0.36, 0.342];
  const se = [0.01, 0.02, 0.015, 0.01, 0.005];
  const v = exponentVerdict(e, se, { universal: 1 / 3, significance: 0.05, withinSE: 2 });
  const py = runPython<{ mean: number; se: number; chi2: number; p: number }>(`
import json, sys
import numpy as np
from scipy import stats
d = json.load(sys.stdin); e = np.array(d['e']); w = 1 / np.array(d['se'])**2
mean = np.average(e, weights=w); chi2 = float(np.sum(w * (e - mean)**2))
print(json.dumps({'mean': float(mean), 'se': float(1 / np.sqrt(w.sum())), 'chi2': chi2, 'p': float(stats.chi2.sf(chi2, len(e) - 1))}))`, { e, se });
  if (!py.ok) { t.skip(py.reason); return; }
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
  close(v.weightedMean, py.value.mean, 'weighted mean');
  close(v.stderr, py.value.se, 'its standard error');
  close(v.chi2, py.value.chi2, 'chi2');
  close(v.pValue, py.value.p, 'p-value');
  assert.equal(v.df, 4);
  assert.equal(v.homogeneous, py.value.p >= 0.05);
});

test('verdict: a planted inhomogeneity is noticed; consistency follows the stated rule (closed form)', () => {
  const planted = exponentVerdict([0.33, 0.34, 0.33, 0.60], [0.01, 0.01, 0.01, 0.01], { universal: 1 / 3, significance: 0.05, withinSE: 2 });
  assert.equal(planted.homogeneous, false);
  assert.ok(planted.pValue < 1e-10);
  // the weighted mean, 0.4 +/- 0.005 (equal weights), is 13.3 standard errors from 1/3
  assert.equal(planted.consistent, false);
  // two equal exponents 1 +/- 0.1: mean 1, se 0.1 / sqrt(2) = 0.0707, chi2 0; within 2 se means |1 - u| <= 0.1414
  const opts = { significance: 0.05, withinSE: 2 };
  const near = exponentVerdict([1, 1], [0.1, 0.1], { ...opts, universal: 1.14 });
  assert.ok(Math.abs(near.stderr - 0.1 / Math.SQRT2) < 1e-15);
  assert.equal(near.chi2, 0);
  assert.equal(near.homogeneous, true);
  assert.equal(near.consistent, true);
  assert.equal(exponentVerdict([1, 1], [0.1, 0.1], { ...opts, universal: 1.15 }).consistent, false);
  assert.equal(exponentVerdict([1, 1], [0.1, 0.1], { ...opts, universal: null }).consistent, null);
  // rows without a standard error are left out and counted
  const partial = exponentVerdict([1, 2, 1.1], [0.1, NaN, 0.1], { ...opts, universal: 1 });
  assert.equal(partial.n, 2);
  assert.equal(partial.leftOut, 1);
});

test('sweep: the verdict notices a real inhomogeneity (a flat target among peaked ones) and the result reads as a table, a summary and a chart', async () => {
  const events: number[] = [];
  const s = await sweepToy('softmax-time', { ...SMALL, lr: 0.08, vary: { temperature: [1e-3, 2e-3, 0.1] }, workers: 2, onProgress: (e) => events.push(e.fraction) });
  assert.equal(s.verdict.homogeneous, false, s.summary());
  assert.equal(s.verdict.universal, 1 / 3);
  assert.ok(events.every((f, i) => i === 0 || f >= events[i - 1]), 'progress never goes back');
  assert.equal(events[events.length - 1], 1);
  const cols = dataFrameColumns(s.table());
  assert.deepEqual(Object.keys(cols), ['temperature', 'seed', 'exponent', 'stderr', 'ci_lo', 'ci_hi', 'expected', 'coefficient', 'half_exponent', 'drift', 'stable', 'seconds']);
  assert.deepEqual(cols.exponent, s.rows.map((r) => r.exponent.value));
  assert.match(s.summary(), /chi2 = [\d.e+]+ on 2 df, p = [^:]+: NOT homogeneous/);
  assert.match(s.summary(), /temperature=0\.1: exponent/);
  assert.deepEqual(JSON.parse(JSON.stringify(s)).rows, JSON.parse(JSON.stringify(s.rows)));
  const bundle = bundleFor(s);
  assert.deepEqual(Object.keys(bundle).sort(), [PLOTLY_MIME, 'text/html', 'text/plain']);
  const fig = bundle[PLOTLY_MIME] as { data: Array<Record<string, any>>; layout: Record<string, any> };
  const points = fig.data.filter((t) => t.error_y);
  assert.equal(points.length, 1, 'one exponent series with CI bars');
  // the chart stores what a screen shows: 4 significant digits (notebook/compact.ts)
  assert.deepEqual(points[0].error_y.array, s.rows.map((r) => roundTo(r.exponent.ci[1] - r.exponent.value, 4)));
  assert.ok(fig.data.some((t) => t.fill === 'toself' && t.yaxis === 'y'), 'the universal value as a band on the exponent panel');
  assert.ok(fig.data.some((t) => t.yaxis === 'y2' && t.y.length === 3), 'the coefficients on the second panel');
  assert.equal(fig.layout.xaxis.title.text, 'temperature');
  assert.equal(fig.layout.xaxis.type, 'log');
  assert.match(String(bundle['text/html']), /<table[\s\S]*temperature[\s\S]*half budget/);
});

test('sweep: the coefficient and the half-budget exponent of a row are numpy\'s least-squares fits of the run\'s points', async (t) => {
  const r = await runToy('softmax-time', { ...SMALL, lr: 0.16 });
  const py = runPython<{ c: number; half: number }>(`
import json, sys
import numpy as np
d = json.load(sys.stdin); x = np.log(d['x']); y = np.log(d['y']); t = np.array(d['x'])
slope, intercept = np.polyfit(x, y, 1)
late = t >= (d['lo'] + d['hi']) / 2
print(json.dumps({'c': float(np.exp(intercept)), 'half': float(-np.polyfit(x[late], y[late], 1)[0])}))`,
  { x: r.points.x, y: r.points.loss, lo: r.exponent.range[0], hi: r.exponent.range[1] });
  if (!py.ok) { t.skip(py.reason); return; }
  assert.ok(Math.abs(r.coefficient / py.value.c - 1) < 1e-9, `${r.coefficient} vs ${py.value.c}`);
  assert.ok(Math.abs(r.stability!.half - py.value.half) < 1e-9, `${r.stability!.half} vs ${py.value.half}`);
  assert.equal(r.stability!.drift, r.exponent.value - r.stability!.half);
  assert.equal(r.stability!.stable, Math.abs(r.stability!.drift) <= 2 * Math.hypot(r.stability!.halfStderr, r.exponent.stderr));
});

test('sweep: abort terminates the workers promptly; the parent allocated no tensors', async () => {
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  const before = tf.memory().numTensors;
  const ac = new AbortController();
  let abortedAt = 0;
  setTimeout(() => { abortedAt = performance.now(); ac.abort(); }, 1500);
  await assert.rejects(sweepToy('superposition-width', { steps: 100000, vary: { alpha: [1.2, 1.5, 2] }, workers: 2, signal: ac.signal }),
    (e: unknown) => (e as Error).name === 'AbortError');
  assert.ok(performance.now() - abortedAt < 200, `${performance.now() - abortedAt} ms after the abort`);
  assert.equal(tf.memory().numTensors, before);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(!process.getActiveResourcesInfo().includes('MessagePort'), `workers still open: ${process.getActiveResourcesInfo()}`);
});

test('sweep: unknown or empty factors, and bad values, give a ScalingLabError naming the factor and the toy\'s options, before any worker starts', async () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ vary: { lrr: [0.1, 0.2] } }, /cannot vary 'lrr'[\s\S]*temperature, vocab, dim/],
    [{ vary: { lr: [] } }, /factor 'lr' needs a non-empty list/],
    [{ vary: { lr: 0.1 } }, /factor 'lr' needs a non-empty list/],
    [{ vary: {} }, /option 'vary' must be an object[\s\S]*temperature/],
    [{ vary: { lr: [0.1, 0.1] } }, /lists a value twice/],
    [{ lr: 0.1, vary: { lr: [0.1, 0.2] } }, /'lr' is given both as a fixed option and in vary/],
    [{ vary: { lr: [0.1, -1] } }, /configuration lr=-1: runToy: option 'lr' must be a positive/],
    [{ vary: { lr: [0.1] }, workers: 0 }, /option 'workers' must be an integer >= 1/],
    [{ vary: { lr: [0.1] }, stepz: 3 }, /unknown option 'stepz'/],
    [{ vary: { vocab: [1e6, 10] }, dim: 4096 }, /configuration vocab=1000000[\s\S]*maxMemoryMB/],
  ];
  for (const [opts, re] of cases) {
    const t0 = Date.now();
    await assert.rejects(sweepToy('softmax-time', opts as never), (e: unknown) => e instanceof ScalingLabError && re.test(e.message) || assert.fail(String(e)));
    assert.ok(Date.now() - t0 < 500, 'checked before any worker starts');
  }
  await assert.rejects(sweepToy('no-such-toy' as 'softmax-time', { vary: { lr: [1] } }), /unknown toy 'no-such-toy'[\s\S]*softmax-time/);
});

test('%sweep compiles to await sweepToy(NAME, { vary, ..., onProgress: progressBar(), signal: cellSignal() }) and show', () => {
  registerBuiltinMagics();
  assert.equal(rewriteCell('%sweep s = softmax-time --vary.lr 0.02,0.04,0.08 --vary.temperature 1e-3,3e-3'),
    "import { progressBar as scalinglab_progressBar, cellSignal as scalinglab_cellSignal, sweepToy as scalinglab_sweepToy, show as scalinglab_show } from 'scalinglab'; "
    + 'const s = await scalinglab_sweepToy("softmax-time", { vary: { lr: [0.02, 0.04, 0.08], temperature: [1e-3, 3e-3] }, onProgress: scalinglab_progressBar(), signal: scalinglab_cellSignal() }); scalinglab_show(s);');
  assert.throws(() => rewriteCell('%sweep s = softmax-time --vary.lrr 0.02,0.04'), /unknown option --vary\.lrr/);
  // a single value becomes a list; fixed options and workers pass through; --no-progress drops the bar
  assert.match(rewriteCell('%sweep w = superposition-width --vary.regime weak,strong --vary.alpha 1.5 --steps 500 --workers 2 --no-progress')!,
    /sweepToy\("superposition-width", \{ vary: \{ regime: \["weak", "strong"\], alpha: \[1\.5\] \}, steps: 500, workers: 2, signal: scalinglab_cellSignal\(\) \}\)/);
  assert.throws(() => rewriteCell('%sweep s = softmax-time --steps 10'), /needs at least one factor to vary/);
  assert.throws(() => rewriteCell('%sweep s = no-such-toy --vary.lr 1,2'), /unknown toy 'no-such-toy'/);
  assert.throws(() => rewriteCell('%sweep s = softmax-time --vary.lr'), /needs a list of values/);
});
