import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runToy } from '../../src/toys';
import { Engine, openEngine } from '../../src/toys/engine';
import { ResidualNet } from '../../src/toys/residual-net';
import { ResidualStack } from '../../src/toys/residual-stack';
import { teacherPairs } from '../../src/toys/residual-data';
import { onlineBatches } from '../../src/toys/residual-train';
import { ScalingLabError } from '../../src/errors';
import { Rng } from '../../src/util/random';
import { dataFrameColumns } from '../../src/data/frame';

// Reduced-size runs (teacher depth 16, a few hundred steps); the full defaults are exercised by bench/toys.ts and notebook 03.

test('residual-depth: deeper students reach a lower test loss', async () => {
  const r = await runToy('residual-depth', { teacher: 'independent', depths: [2, 8], steps: 300, batch: 64, pool: 4096, testSize: 1024, teacherDepth: 16, seed: 0 });
  assert.ok(r.exponent.value > 0.1, `exponent ${r.exponent.value}`);
  assert.equal(r.points.xLabel, 'depth');
  assert.deepEqual(Object.keys(dataFrameColumns(r.curves)), ['depth', 'step', 'tau', 'loss']);
  // typed results of this toy: the local slope is -d log L / d log l between the two depths
  assert.equal(r.localSlopes.length, 1);
  assert.ok(Math.abs(r.localSlopes[0] - Math.log(r.points.loss[0] / r.points.loss[1]) / Math.log(4)) < 1e-12);
  assert.equal(r.trainLoss.length, 2);
  // the zero-initialised students start as the identity map and must have improved on it
  r.points.loss.forEach((l) => assert.ok(l < r.identityLoss, `test loss ${l} vs identity ${r.identityLoss}`));
});

const TINY = { depths: [2, 4], teacherDepth: 6, dim: 8, hidden: 16, pool: 1024, testSize: 256, steps: 120, logEvery: 20, batch: 32, seed: 1 };
const column = (r: { curves: unknown }, c: string) => dataFrameColumns(r.curves as never)[c] as number[];

test('residual-depth: logTest logs the held-out test loss along training without changing the training; its last value is the final test loss', async () => {
  const plain = await runToy('residual-depth', TINY);
  const logged = await runToy('residual-depth', { ...TINY, logTest: true });
  assert.deepEqual(Object.keys(dataFrameColumns(logged.curves)), ['depth', 'step', 'tau', 'loss', 'test']);
  assert.deepEqual(column(logged, 'loss'), column(plain, 'loss'));
  assert.deepEqual(logged.points.loss, plain.points.loss);
  const depth = column(logged, 'depth');
  const test = column(logged, 'test');
  TINY.depths.forEach((l, i) => {
    const mine = test.filter((_, r) => depth[r] === l);
    assert.equal(mine.length, TINY.steps / TINY.logEvery);
    assert.equal(mine[mine.length - 1], logged.points.loss[i], `depth ${l}: the test loss logged at the last step is the final one`);
  });
  await assert.rejects(runToy('residual-depth', { ...TINY, logTest: 'yes' as never }), (e: unknown) => e instanceof ScalingLabError && /option 'logTest' must be true or false/.test(e.message));
});

test('residual-depth: with pool 0 every step draws fresh teacher pairs, the same arithmetic as the pool\'s pairs (teacherPairs)', async () => {
  const engine = await openEngine('auto');
  try {
    const d = 8;
    const B = 5;
    const teacher = ResidualNet.random(new Rng(3), 6, d, 16, 1 / Math.sqrt(6), false, engine);
    const x = new Float32Array(B * d);
    const y = new Float32Array(B * d);
    const next = onlineBatches(teacher, new Rng(11), B, d, engine);
    next(x, y);
    const pairs = await teacherPairs(teacher, new Rng(11), B, d, async () => {}, () => {});
    assert.deepEqual(Array.from(x), Array.from(pairs.x));
    assert.deepEqual(Array.from(y), Array.from(pairs.y));
    next(x, y);
    assert.notDeepEqual(Array.from(x), Array.from(pairs.x), 'the next step draws new inputs');
  } finally {
    await engine.close();
  }
  const online = await runToy('residual-depth', { ...TINY, pool: 0 });
  assert.ok(online.notes.some((n) => /fresh teacher pairs every step/.test(n)));
  online.points.loss.forEach((l) => assert.ok(l < online.identityLoss, `test loss ${l} vs identity ${online.identityLoss}`));
});

/** Small residual networks of the given depths (d 8, hidden 16), a batch x [6, 8] and an output gradient g0. */
function smallNets(engine: Engine, seed: number, depths: number[], pScale: number) {
  const rng = new Rng(seed);
  const d = 8;
  const H = 16;
  const B = 6;
  const nets = depths.map((l) => ResidualNet.random(rng, l, d, H, pScale, false, engine));
  return { d, H, B, nets, x: rng.fillNormal(new Float32Array(B * d)), g0: rng.fillNormal(new Float32Array(B * d)) };
}

test('residual-depth: the lockstep stack of several depths gives exactly the forward and gradients of each network run alone', async () => {
  const engine = await openEngine('auto');
  try {
    const depths = [2, 3];
    const { d, B, nets, x, g0 } = smallNets(engine, 2, depths, 0.5);
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

test('residual-depth: the hand-written forward and backward equal tfjs autodiff of the residual MLP', async () => {
  // Reference: tfjs's automatic differentiation of h <- h + relu(rms(h) F + c)^2 P (rms with torch's
  // float32 eps), with the loss sum(h_L * g0) so that g0 is dLoss/dh_L, as the stack's backward takes it.
  const engine = await openEngine('auto');
  const tf = engine.tf;
  const start = tf.memory().numTensors;
  try {
    const depths = [1, 3];
    const { d, H, B, nets, x, g0 } = smallNets(engine, 8, depths, 0.7);
    const stack = new ResidualStack(nets, B, engine, true);
    const hs = depths.map(() => x.slice());
    stack.forward(hs);
    const grads = nets.map((n) => n.zeroGradients());
    const gs = depths.map(() => g0.slice());
    stack.backward(gs, grads);
    nets.forEach((net, i) => {
      const ref = tf.tidy(() => {
        const params = net.layers.flatMap((L) => [tf.tensor2d(L.F, [d, H]), tf.tensor1d(L.c), tf.tensor2d(L.P, [H, d])]);
        const run = (h0: import('@tensorflow/tfjs').Tensor, ps: import('@tensorflow/tfjs').Tensor[]) => {
          let h = h0;
          for (let k = 0; k < net.layers.length; k++) {
            const u = tf.div(h, tf.sqrt(tf.add(tf.mean(tf.square(h), 1, true), 1.1920929e-7)));
            const s = tf.square(tf.relu(tf.add(tf.matMul(u, ps[3 * k]), ps[3 * k + 1])));
            h = tf.add(h, tf.matMul(s, ps[3 * k + 2]));
          }
          return h;
        };
        const G0 = tf.tensor2d(g0, [B, d]);
        const out = run(tf.tensor2d(x, [B, d]), params).dataSync();
        const all = tf.grads((...args: import('@tensorflow/tfjs').Tensor[]) => tf.sum(tf.mul(run(args[0], args.slice(1)), G0)))([tf.tensor2d(x, [B, d]), ...params]);
        return { out, dx: all[0].dataSync(), dParams: all.slice(1).map((t) => t.dataSync()) };
      });
      const close = (got: ArrayLike<number>, want: ArrayLike<number>, label: string) => {
        const scale = Math.max(...Array.from(want, Math.abs));
        for (let j = 0; j < want.length; j++) assert.ok(Math.abs(got[j] - want[j]) <= 1e-4 * scale, `${label}[${j}] ${got[j]} vs ${want[j]}`);
      };
      close(hs[i], ref.out, `depth ${depths[i]}: h_L`);
      close(gs[i], ref.dx, `depth ${depths[i]}: dLoss/dh_0`);
      net.layers.forEach((_, k) => {
        close(grads[i][k].F, ref.dParams[3 * k], `depth ${depths[i]}, layer ${k}: dF`);
        close(grads[i][k].c, ref.dParams[3 * k + 1], `depth ${depths[i]}, layer ${k}: dc`);
        close(grads[i][k].P, ref.dParams[3 * k + 2], `depth ${depths[i]}, layer ${k}: dP`);
      });
    });
  } finally {
    await engine.close();
  }
  assert.equal(tf.memory().numTensors, start);
});
