import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runToy } from '../../src/toys';
import { openEngine } from '../../src/toys/engine';
import { featureProbabilities } from '../../src/toys/superposition-batch';
import { SuperpositionModel } from '../../src/toys/superposition-model';
import { Rng } from '../../src/util/random';
import { dataFrameColumns } from '../../src/data/frame';

// Reduced-size runs (n = 200 features, 3 widths); the full defaults are exercised by bench/toys.ts and notebook 02.

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
  assert.ok(r.powerLawR2 > 0.9 && r.powerLawR2 <= 1, `R^2 ${r.powerLawR2}`);
});

test('superposition-width weak: about m of n features represented, exponent near alpha - 1', async () => {
  const r = await runToy('superposition-width', { regime: 'weak', alpha: 1.5, features: 200, widths: [5, 10, 20], steps: 2000, batch: 128, seed: 0 });
  // weak superposition represents about m of the n features (paper Fig 4), loss ~ sum_{i>m} p_i,
  // so the exponent is alpha - 1 = 0.5 (paper Fig 5b); reduced size, so a wide band.
  r.representedFraction!.forEach((f) => assert.ok(f < 0.25, `fraction ${f}`));
  assert.ok(r.exponent.value > 0.2 && r.exponent.value < 0.9, `exponent ${r.exponent.value}`);
  assert.equal(r.exponent.expected, 0.5);
});

test('superposition-width: the hand-written gradients (dense and sparse paths) equal tfjs autodiff', async () => {
  // Reference: tfjs's own automatic differentiation of mean((relu(x W W^T + b) - x)^2) on the same batch,
  // an independent computation of what the toy's hand-written backward (over distinct active features) must give.
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
      const ctx = { engine, seed: 5, rng: new Rng(5), report: () => undefined, tick: async () => undefined, stepsToTrain: (s: number) => s };
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
