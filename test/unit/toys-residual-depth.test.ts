import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runToy } from '../../src/toys';
import { openEngine } from '../../src/toys/engine';
import { ResidualNet } from '../../src/toys/residual-net';
import { ResidualStack } from '../../src/toys/residual-stack';
import { Rng } from '../../src/util/random';
import { dataFrameColumns } from '../../src/data/frame';

// Reduced-size runs (teacher depth 16, a few hundred steps); the full defaults are exercised by bench/toys.ts and notebook 03.

test('residual-depth: deeper students reach a lower test loss', async () => {
  const r = await runToy('residual-depth', { teacher: 'independent', depths: [2, 8], steps: 300, batch: 64, pool: 4096, testSize: 1024, teacherDepth: 16, seed: 0 });
  assert.ok(r.exponent.value > 0.1, `exponent ${r.exponent.value}`);
  assert.equal(r.points.xLabel, 'depth');
  assert.deepEqual(Object.keys(dataFrameColumns(r.curves)), ['depth', 'step', 'tau', 'loss']);
});

test('residual-depth: the lockstep stack of several depths gives exactly the forward and gradients of each network run alone', async () => {
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
