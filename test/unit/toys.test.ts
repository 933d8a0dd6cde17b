import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runToy, toyNames, resolveToyOptions } from '../../src/toys';
import { Rng } from '../../src/util/random';
import { logLogSlope, tQuantile } from '../../src/util/stats';
import { ScalingLabError } from '../../src/errors';
import { dataFrameColumns } from '../../src/data/frame';

// Reduced-size runs: each toy is trained for a few hundred steps so the whole file stays well under
// two minutes on two cores. The full defaults are exercised by bench/toys.ts and the notebooks.

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
  assert.deepEqual([...toyNames], ['softmax-time', 'superposition-width', 'residual-depth']);
  // defaults are filled in
  const o = resolveToyOptions('softmax-time', {});
  assert.equal(o.temperature, 1e-3);
  assert.equal(o.lr, 0.08);
});

test('softmax-time: peaked target decays as a power law near 1/3; same seed gives the same curve', async () => {
  const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  const opts = { seed: 3, steps: 500, batch: 256, fitRange: [5, 40] as [number, number] };
  const a = await runToy('softmax-time', opts);
  const start = tf.memory().numTensors;
  const b = await runToy('softmax-time', opts);
  assert.equal(tf.memory().numTensors, start, 'no tensor leak');
  assert.equal(a.kind, 'toy');
  assert.equal(a.name, 'softmax-time');
  assert.ok(['tensorflow', 'wasm', 'cpu'].includes(a.backend));
  const ca = dataFrameColumns(a.curves);
  const cb = dataFrameColumns(b.curves);
  assert.deepEqual(ca.loss, cb.loss, 'deterministic per backend');
  assert.deepEqual(Object.keys(ca), ['step', 'tau', 'loss']);
  // Paper (one-third time scaling): slope 1/3 over tau 5..150 at full size; a numpy run of the same
  // toy gives local slopes 0.35-0.6 at short tau and small batch. Direction and rough size only.
  assert.ok(a.exponent.value > 0.2 && a.exponent.value < 0.7, `slope ${a.exponent.value}`);
  assert.equal(a.exponent.expected, 1 / 3);
  assert.ok(/power law/.test(a.notes.join(' ')));
  // initial loss closed form: zero student -> KL = log V - H(p_T); H(p_T) >= 0 so loss(0) <= log 128
  assert.ok((ca.loss[0] as number) <= Math.log(128) + 1e-6);
  const c = await runToy('softmax-time', { ...opts, seed: 4 });
  assert.notDeepEqual(dataFrameColumns(c.curves).loss, ca.loss);
  assert.ok(/softmax-time/.test(a.summary()));
});

test('softmax-time: a flat (high-temperature) target decays exponentially and the result says so', async () => {
  const r = await runToy('softmax-time', { seed: 0, temperature: 0.1, steps: 500, batch: 256, fitRange: [5, 40] });
  assert.ok(/exponential/.test(r.notes.join(' ')), r.notes.join('\n'));
});

test('superposition-width strong: loss ~ 1/m, overlap ~ 1/m, every feature represented', async () => {
  // reduced size: n = 200 features, widths 5..20, 2000 steps of batch 128
  const widths = [5, 10, 20];
  const r = await runToy('superposition-width', { regime: 'strong', features: 200, widths, steps: 2000, batch: 128, seed: 0 });
  // Paper (Superposition yields robust neural scaling): exponent ~1 and mean squared overlap ~1/m
  // in strong superposition (Fig 6d, 6e); a 3-width reduced sweep, so a wide band around 1.
  assert.ok(r.exponent.value > 0.7 && r.exponent.value < 1.5, `exponent ${r.exponent.value}`);
  assert.equal(r.exponent.expected, 1);
  assert.equal(r.overlap!.length, 3);
  r.overlap!.forEach((ov, i) => assert.ok(ov * widths[i] > 0.5 && ov * widths[i] < 2, `overlap x m = ${ov * widths[i]}`));
  r.representedFraction!.forEach((f) => assert.ok(f > 0.95));
  const cols = dataFrameColumns(r.curves);
  assert.deepEqual(Object.keys(cols), ['width', 'step', 'tau', 'loss']);
  assert.deepEqual(r.points.x, widths);
});

test('superposition-width weak: about m of n features represented, exponent near alpha - 1', async () => {
  const r = await runToy('superposition-width', { regime: 'weak', alpha: 1.5, features: 200, widths: [5, 10, 20], steps: 2000, batch: 128, seed: 0 });
  // weak superposition represents about m of the n features (paper Fig 4), loss ~ sum_{i>m} p_i,
  // so the exponent is alpha - 1 = 0.5 (paper Fig 5b); reduced size, so a wide band.
  r.representedFraction!.forEach((f) => assert.ok(f < 0.25, `fraction ${f}`));
  assert.ok(r.exponent.value > 0.2 && r.exponent.value < 0.9, `exponent ${r.exponent.value}`);
  assert.equal(r.exponent.expected, 0.5);
});

test('residual-depth: deeper students reach a lower test loss', async () => {
  const r = await runToy('residual-depth', { teacher: 'independent', depths: [2, 8], steps: 300, batch: 64, pool: 4096, testSize: 1024, teacherDepth: 16, seed: 0 });
  assert.ok(r.exponent.value > 0.1, `exponent ${r.exponent.value}`);
  assert.equal(r.points.xLabel, 'depth');
  assert.deepEqual(Object.keys(dataFrameColumns(r.curves)), ['depth', 'step', 'tau', 'loss']);
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

test('residual-depth: the lockstep stack of several depths gives exactly the forward and gradients of each network run alone', async () => {
  const { ResidualNet } = await import('../../src/toys/residual-net');
  const { ResidualStack } = await import('../../src/toys/residual-stack');
  const { openEngine } = await import('../../src/toys/engine');
  const engine = await openEngine('auto');
  try {
    const rng = new Rng(2);
    const d = 8;
    const H = 16;
    const B = 6;
    const depths = [2, 3];
    const nets = depths.map((l) => ResidualNet.random(rng, l, d, H, 0.5, false, engine));
    const x = rng.fillNormal(new Float32Array(B * d));
    const g0 = rng.fillNormal(new Float32Array(B * d));
    const mk = () => nets.map((n) => n.zeroGradients());
    // each network alone: a stack of one, whose products are single (not batched) tfjs calls
    const ref = mk();
    const refIn: Float32Array[] = [];
    const refOut = nets.map((n, i) => {
      const h = x.slice();
      const alone = new ResidualStack([n], B, engine, true);
      alone.forward([h]);
      const g = g0.slice();
      alone.backward([g], [ref[i]]);
      refIn.push(g);
      return h;
    });
    const stack = new ResidualStack(nets, B, engine, true);
    const hs = depths.map(() => x.slice());
    stack.forward(hs);
    const got = mk();
    const gs = depths.map(() => g0.slice());
    stack.backward(gs, got);
    nets.forEach((n, i) => {
      assert.deepEqual(Array.from(hs[i]), Array.from(refOut[i]));
      assert.deepEqual(Array.from(gs[i]), Array.from(refIn[i]));
      n.layers.forEach((_, k) => {
        for (const key of ['F', 'c', 'P'] as const) assert.deepEqual(Array.from(got[i][k][key]), Array.from(ref[i][k][key]));
      });
      // the inference forward (no kept activations, as for the teacher and the test loss) is the same arithmetic
      const h = x.slice();
      n.forward(h, B);
      assert.deepEqual(Array.from(h), Array.from(refOut[i]));
    });
  } finally {
    await engine.close();
  }
});

test('superposition-width: the hand-written gradients (dense and sparse paths) equal tfjs autodiff', async () => {
  // Reference: tfjs's own automatic differentiation of mean((relu(x W W^T + b) - x)^2) on the same batch,
  // an independent computation of what the toy's hand-written backward (over distinct active features) must give.
  const { SuperpositionModel } = await import('../../src/toys/superposition-model');
  const { featureProbabilities } = await import('../../src/toys/superposition-batch');
  const { openEngine } = await import('../../src/toys/engine');
  const engine = await openEngine('auto');
  const tf = engine.tf;
  const start = tf.memory().numTensors;
  try {
    const n = 60;
    const m = 7;
    const B = 24;
    // sparseBelow 0: always the dense path; 2: always the sparse list path; 1e-9 with the previous density
    // forced to 0: the sparse forward is chosen, finds the outputs dense and falls back to dense products
    for (const sparseBelow of [0, 2, 1e-9]) {
      const ctx = { engine, rng: new Rng(5), report: () => undefined, tick: async () => undefined };
      const model = new SuperpositionModel(n, m, B, featureProbabilities(n, 1.1), ctx, sparseBelow);
      for (let s = 0; s < 3; s++) {
        const W0 = model.W.slice();
        const b0 = model.b.slice();
        if (sparseBelow === 1e-9) model.lastDensity = 0;
        const loss = model.gradients();
        const x = model.lastBatch();
        const ref = tf.tidy(() => {
          const X = tf.tensor2d(x, [B, n]);
          const f = (W: import('@tensorflow/tfjs').Tensor, b: import('@tensorflow/tfjs').Tensor) =>
            tf.mean(tf.square(tf.sub(tf.relu(tf.add(tf.matMul(tf.matMul(X, W), W, false, true), b)), X)));
          const { value, grads } = tf.valueAndGrads(f)([tf.tensor2d(W0, [n, m]), tf.tensor1d(b0)]);
          return [value.dataSync()[0], grads[0].dataSync(), grads[1].dataSync()] as const;
        });
        const [value, gW, gb] = ref;
        const label = `${sparseBelow === 0 ? 'dense' : sparseBelow === 2 ? 'sparse' : 'sparse-to-dense'} path, step ${s}`;
        assert.ok(Math.abs(loss / n - value) <= 1e-5 * Math.abs(value), `${label}: loss ${loss / n} vs ${value}`);
        const scale = Math.max(...Array.from(gW, Math.abs));
        for (let i = 0; i < n * m; i++) assert.ok(Math.abs(model.gW[i] - gW[i]) <= 1e-5 * scale, `${label}: gW[${i}] ${model.gW[i]} vs ${gW[i]}`);
        const scaleB = Math.max(...Array.from(gb, Math.abs));
        for (let j = 0; j < n; j++) assert.ok(Math.abs(model.gb[j] - gb[j]) <= 1e-5 * scaleB, `${label}: gb[${j}] ${model.gb[j]} vs ${gb[j]}`);
        model.step(0.05, -1); // move on: the next check is at a trained state
      }
      assert.equal(model.sparseSteps > 0, sparseBelow === 2);
    }
  } finally {
    await engine.close();
  }
  assert.equal(tf.memory().numTensors, start);
});

test('Adam.stepScaled: the first step is the closed form fround(w f) - lr g / (|g| + eps), row by row', async () => {
  // Reference: Adam's first bias-corrected step (Kingma and Ba 2015): m_hat = g, v_hat = g^2, so the
  // update is lr g / (|g| + eps); the decoupled decay multiplies each row by its factor first.
  const { Adam } = await import('../../src/toys/adam');
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
