import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runToy, toyNames, resolveToyOptions } from '../../src/toys';
import { Adam } from '../../src/toys/adam';
import { Rng } from '../../src/util/random';
import { logLogSlope, tQuantile } from '../../src/util/stats';
import { ScalingLabError } from '../../src/errors';

// What every toy shares: seeded numbers, the exponent fit, options, progress and abort, the optimizer.
// Each toy's own tests are in toys-<name>.test.ts.

test('Rng: same seed, same numbers; standard normal moments (CLT tolerance)', () => {
  const a = new Rng(7);
  const b = new Rng(7);
  const c = new Rng(8);
  const xa = Array.from({ length: 5 }, () => a.normal());
  const xb = Array.from({ length: 5 }, () => b.normal());
  const xc = Array.from({ length: 5 }, () => c.normal());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
  const r = new Rng(1);
  const n = 200000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = r.normal();
    s += x;
    s2 += x * x;
  }
  // mean ~ N(0, 1/n), variance estimate ~ N(1, 2/n): 5-sigma bounds
  assert.ok(Math.abs(s / n) < 5 / Math.sqrt(n));
  assert.ok(Math.abs(s2 / n - 1) < 5 * Math.sqrt(2 / n));
});

test('logLogSlope recovers an exact power law; t quantiles match the tables', () => {
  const x = [10, 15, 25, 39, 63, 100];
  const fit = logLogSlope(x, x.map((m) => 3 * Math.pow(m, -0.9)));
  assert.ok(Math.abs(fit.value - 0.9) < 1e-12);
  assert.ok(fit.stderr < 1e-10);
  // Student t table: t_{0.975, 4} = 2.776, t_{0.975, 10} = 2.228, large df -> 1.960
  assert.ok(Math.abs(tQuantile(0.975, 4) - 2.7764) < 1e-3);
  assert.ok(Math.abs(tQuantile(0.975, 10) - 2.2281) < 1e-3);
  assert.ok(Math.abs(tQuantile(0.975, 1e6) - 1.96) < 1e-3);
});

test('impossible options throw a ScalingLabError naming the option, before any training', async () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['superposition-width', { widths: [10, 2000] }, /widths/],
    ['superposition-width', { regime: 'medium' }, /regime/],
    ['superposition-width', { regime: 'strong', gamma: 0.5 }, /gamma/],
    ['softmax-time', { steps: -5 }, /steps/],
    ['softmax-time', { stpes: 10 }, /stpes/],
    ['residual-depth', { teacher: 'shared' }, /teacher/],
    ['residual-depth', { depths: [0, 4] }, /depths/],
    ['softmax-time', { backend: 'gpu' }, /backend/],
  ];
  for (const [name, opts, re] of cases) {
    const t0 = Date.now();
    await assert.rejects(runToy(name as 'softmax-time', opts), (e: unknown) => e instanceof ScalingLabError && re.test((e as Error).message));
    assert.ok(Date.now() - t0 < 500, 'validation must not train');
  }
  await assert.rejects(runToy('no-such-toy' as 'softmax-time'), (e: unknown) => e instanceof ScalingLabError && /softmax-time/.test((e as Error).message));
  assert.deepEqual([...toyNames], ['softmax-time', 'superposition-width', 'residual-depth', 'superposition-time']);
  // defaults are filled in
  const o = resolveToyOptions('softmax-time', {});
  assert.equal(o.temperature, 1e-3);
  assert.equal(o.lr, 0.08);
});

test('resolved options: defaults per toy and regime, in the order the summary lists them', () => {
  const weak = resolveToyOptions('superposition-width', { regime: 'weak' });
  assert.equal(weak.gamma, 0.1);
  assert.equal(resolveToyOptions('superposition-width', {}).gamma, -1);
  // a positive gamma alone selects the weak regime
  assert.equal(resolveToyOptions('superposition-width', { gamma: 0.3 }).regime, 'weak');
  const depth = resolveToyOptions('residual-depth', { depths: [3, 1], seed: 4 });
  assert.deepEqual(depth.depths, [3, 1]);
  assert.equal(depth.seed, 4);
  assert.equal(depth.backend, 'auto');
  assert.deepEqual(Object.keys(resolveToyOptions('softmax-time', { onProgress: () => undefined })),
    ['seed', 'backend', 'temperature', 'vocab', 'dim', 'steps', 'batch', 'lr', 'logEvery', 'fitRange', 'optimizer', 'head', 'inputSpectrum', 'onProgress']);
  assert.deepEqual(Object.keys(weak), ['seed', 'backend', 'regime', 'alpha', 'features', 'widths', 'steps', 'batch', 'lr', 'warmup', 'lrFloor', 'logEvery', 'finalFraction', 'gamma']);
});

test('progress, abort and errors: the run stops, rejects, and frees every tensor', async () => {
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  await runToy('softmax-time', { steps: 5, batch: 8, fitRange: [0.01, 1] }); // warm the backend up
  const start = tf.memory().numTensors;
  const ac = new AbortController();
  const events: number[] = [];
  await assert.rejects(
    runToy('superposition-width', {
      steps: 100000, widths: [10, 20], signal: ac.signal,
      onProgress: (p) => {
        events.push(p.done);
        if (p.done > 20) ac.abort();
      },
    }),
    (e: unknown) => (e as Error).name === 'AbortError' || /abort/i.test(String(e)),
  );
  assert.ok(events.length > 0);
  assert.equal(tf.memory().numTensors, start, 'no leak after abort');
  await assert.rejects(
    runToy('residual-depth', { depths: [2, 4], steps: 50, pool: 256, testSize: 64, teacherDepth: 4, onProgress: () => { throw new Error('boom'); } }),
    /boom/,
  );
  assert.equal(tf.memory().numTensors, start, 'no leak after an error');
});

test('Adam.stepScaled: the first step is the closed form fround(w f) - lr g / (|g| + eps), row by row', () => {
  // Reference: Adam's first bias-corrected step (Kingma and Ba 2015): m_hat = g, v_hat = g^2, so the
  // update is lr g / (|g| + eps); the decoupled decay multiplies each row by its factor first.
  const w = Float32Array.from([1, -2, 3, 0.5, 0.25, -4]);
  const g = Float32Array.from([0.3, -1e-3, 2, 0, -5, 1e-9]);
  const scale = Float64Array.from([0.9, 1.1]);
  const lr = 0.01;
  const expected = Array.from(w, (wi, i) => Math.fround(Math.fround(wi * scale[Math.floor(i / 3)]) - (lr * g[i]) / (Math.abs(g[i]) + 1e-8)));
  const adam = new Adam(6);
  adam.stepScaled(w, g, lr, scale, 3);
  expected.forEach((e, i) => assert.ok(Math.abs(w[i] - e) <= 1e-6 * Math.max(1, Math.abs(e)), `w[${i}] ${w[i]} vs ${e}`));
  assert.equal(w[3], Math.fround(0.5 * 1.1)); // zero gradient: decay only
});
