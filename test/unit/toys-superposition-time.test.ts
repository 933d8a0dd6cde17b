import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closedFormTimeExponent, runToy, resolveToyOptions, sweepToy } from '../../src/toys';
import { openEngine } from '../../src/toys/engine';
import { OUTPUT_BIAS_START, TimeTeacherStudent, orthogonalInit, type TimeVariant } from '../../src/toys/superposition-time-model';
import { binLosses, timeToLoss } from '../../src/toys/superposition-time-curves';
import { linearExponent, linearFloor, linearLoss, linearLossSlope, zeroStudentLoss } from '../../src/toys/superposition-time-theory';
import { setAmbientSignalSource } from '../../src/interrupt';
import { dataFrameColumns } from '../../src/data/frame';
import { plots } from '../../src/notebook/figures/index';
import { figureToSvg } from '../../src/notebook/staticChart';
import { bundleFor } from '../../src/notebook/render';
import { ScalingLabError } from '../../src/errors';
import { Rng } from '../../src/util/random';
import { logLogSlope } from '../../src/util/stats';

type Tf = typeof import('@tensorflow/tfjs-core');

/** Largest |hand - autodiff| over the largest |autodiff|: the gradients agree below 1e-4 (float32 sums of a few hundred terms). */
function relativeError(hand: Float32Array, auto: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < auto.length; i++) {
    diff = Math.max(diff, Math.abs(hand[i] - auto[i]));
    scale = Math.max(scale, Math.abs(auto[i]));
  }
  return diff / scale;
}

type T2 = import('@tensorflow/tfjs').Tensor2D;

/**
 * The loss of the student (A', B', and c for 'superposition') on the batch x, written with tfjs ops
 * from the definition, teacher included: 'relu' y^ = ReLU(x B') A', 'linear' x B' A',
 * 'superposition' ReLU(x B' A' + c); the teacher is w * ReLU(x) for 'relu', w * x otherwise.
 */
function tfLoss(tf: Tf, x: Float32Array, shape: { B: number; n: number; b: number; variant: TimeVariant }) {
  const { B, n } = shape;
  const X = tf.tensor2d(x, [B, n]);
  const w = tf.tensor2d([Array.from({ length: n }, (_, i) => Math.pow(i + 1, -shape.b))]);
  const hidden = (t: T2): T2 => (shape.variant === 'relu' ? tf.relu(t) : t);
  const Y = tf.mul(hidden(X), w) as T2;
  w.dispose();
  const output = (t: T2, c?: T2): T2 => (shape.variant === 'superposition' ? (tf.relu(tf.add(t, c!)) as T2) : t);
  const loss = (at: T2, bt: T2, c?: T2) =>
    tf.div(tf.sum(tf.square(tf.sub(output(tf.matMul(hidden(tf.matMul(X, bt)), at), c), Y))), B) as import('@tensorflow/tfjs').Scalar;
  return { X, Y, loss };
}

for (const variant of ['relu', 'linear', 'superposition'] as const) {
  test(`superposition-time: hand-written gradients equal tfjs autodiff (${variant}), and a 0.1% change of one term is caught`, async () => {
    const engine = await openEngine('auto');
    const tf = engine.tf;
    const start = tf.memory().numTensors;
    const biased = variant === 'superposition';
    for (const width of [5, 16]) {
      const rng = new Rng(11);
      const n = 12;
      const B = 7;
      // a = 0.5 keeps the sparse features of 'superposition' active often enough in 7 samples
      const model = new TimeTeacherStudent({ variant, a: biased ? 0.5 : 1.5, b: 0.25, channels: n, width, batch: B, init: 1, density: 1, optimizer: 'sgd' }, { engine, rng });
      for (let i = 0; i < model.at.length; i++) model.at[i] = 0.3 * rng.normal(); // a nonzero readout, so B' has a gradient
      for (let i = 0; i < model.bias.length; i++) model.bias[i] = 0.3 * rng.normal(); // some outputs below zero, some above
      model.drawBatch();
      const loss = model.loss(true);
      // everything tfjs computes is read back inside tidy, so no tensor outlives it
      const auto = tf.tidy(() => {
        const ref = tfLoss(tf, model.x, { B, n, b: 0.25, variant });
        const at = tf.tensor2d(model.at, [width, n]);
        const bt = tf.tensor2d(model.bt, [n, width]);
        const c = tf.tensor2d(model.bias, [1, model.bias.length]);
        const params = biased ? [at, bt, c] : [at, bt];
        const grads = tf.grads((...ps: import('@tensorflow/tfjs').Tensor[]) => ref.loss(ps[0] as T2, ps[1] as T2, ps[2] as T2 | undefined))(params);
        return {
          loss: ref.loss(at, bt, c).dataSync()[0], y: ref.Y.dataSync(),
          at: grads[0].dataSync() as Float32Array, bt: grads[1].dataSync() as Float32Array, c: biased ? (grads[2].dataSync() as Float32Array) : undefined,
        };
      });
      assert.ok(Math.abs(loss - auto.loss) <= 1e-5 * Math.abs(loss), `loss ${loss} vs ${auto.loss}`);
      const teacher = auto.y;
      model.y.forEach((v, i) => assert.ok(Math.abs(v - teacher[i]) <= 1e-6 * Math.abs(teacher[i]), `teacher output ${i}: ${v} vs w_i s(x_i) = ${teacher[i]}`));
      const pairs: Array<[string, Float32Array, Float32Array]> = [["dL/dA'", model.gradAt, auto.at], ["dL/dB'", model.gradBt, auto.bt]];
      if (auto.c) pairs.push(['dL/dc', model.gradBias, auto.c]);
      for (const [name, hand, ref] of pairs) {
        assert.ok(relativeError(hand, ref) < 1e-4, `${name} ${relativeError(hand, ref)}`);
        // the check resolves 0.1% on a single entry: perturb the largest entry of each gradient
        const k = ref.reduce((best, v, i) => (Math.abs(v) > Math.abs(ref[best]) ? i : best), 0);
        const perturbed = Float32Array.from(hand);
        perturbed[k] *= 1.001;
        assert.ok(!(relativeError(perturbed, ref) < 1e-4), `${name}: a 0.1% error in one term must fail the check`);
      }
    }
    await engine.close();
    assert.equal(tf.memory().numTensors, start, 'no tensor leak');
  });
}

test('superposition-time (superposition variant): feature i is nonzero with probability min(1, density i^-a), with values U(0, 2)', async () => {
  const engine = await openEngine('auto');
  const N = 20000;
  const density = 0.6;
  const model = new TimeTeacherStudent({ variant: 'superposition', a: 1, b: 0.5, channels: 5, width: 2, batch: N, init: 1, density, optimizer: 'sgd' }, { engine, rng: new Rng(4) });
  model.drawBatch();
  for (let i = 0; i < 5; i++) {
    const p = Math.min(1, density / (i + 1));
    const values: number[] = [];
    for (let r = 0; r < N; r++) if (model.x[r * 5 + i] !== 0) values.push(model.x[r * 5 + i]);
    // Binomial(N, p) nonzeros, 5 sd; the nonzero values: mean 1 and variance 1/3 of U(0, 2), 5 sd of each estimate
    assert.ok(Math.abs(values.length / N - p) <= 5 * Math.sqrt((p * (1 - p)) / N), `feature ${i}: ${values.length / N} vs ${p}`);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    assert.ok(Math.abs(mean - 1) <= 5 * Math.sqrt(1 / 3 / values.length), `feature ${i}: mean ${mean}`);
    assert.ok(Math.abs(variance - 1 / 3) <= 5 * Math.sqrt((1 / 5 - 1 / 9) / values.length), `feature ${i}: variance ${variance}`);
    assert.ok(values.every((v) => v > 0 && v < 2));
  }
  // the teacher's output is w_i x_i; the student starts at ReLU(0 + c) = c everywhere
  model.y.forEach((v, k) => assert.ok(Math.abs(v - model.x[k] * Math.pow((k % 5) + 1, -0.5)) <= 1e-6 * v, `output ${k}`));
  assert.ok(model.bias.every((c) => c === Math.fround(OUTPUT_BIAS_START)));
  await engine.close();
});

test('superposition-time: inputs have variance i^-a at any density; the orthogonal init has orthonormal columns or rows', async () => {
  const engine = await openEngine('auto');
  for (const density of [1, 0.2]) {
    const model = new TimeTeacherStudent({ variant: 'linear', a: 1, b: 0, channels: 4, width: 4, batch: 20000, init: 1, density, optimizer: 'sgd' }, { engine, rng: new Rng(3) });
    model.drawBatch();
    for (let i = 0; i < 4; i++) {
      let s2 = 0;
      let zeros = 0;
      for (let r = 0; r < 20000; r++) {
        const v = model.x[r * 4 + i];
        s2 += v * v;
        if (v === 0) zeros++;
      }
      // E x^2 = 1/(i+1); the estimate's sd is sqrt(E x^4 - (E x^2)^2) / sqrt(N) = sqrt(3/density - 1) lambda / sqrt(N): 5 sd
      const lambda = 1 / (i + 1);
      assert.ok(Math.abs(s2 / 20000 - lambda) < (5 * Math.sqrt(3 / density - 1) * lambda) / Math.sqrt(20000), `density ${density}, input ${i}: ${s2 / 20000} vs ${lambda}`);
      // Binomial(N, 1 - density) zeros, 5 sd
      assert.ok(Math.abs(zeros / 20000 - (1 - density)) <= 5 * Math.sqrt((density * (1 - density)) / 20000) + 1e-9);
    }
  }
  await engine.close();
  for (const [n, m] of [[9, 4], [4, 9], [6, 6]]) {
    const bt = orthogonalInit(n, m, 2, new Rng(1)); // B' [n, m], gain 2
    const k = Math.min(n, m);
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) {
        let dot = 0;
        for (let j = 0; j < Math.max(n, m); j++) dot += m <= n ? bt[j * m + p] * bt[j * m + q] : bt[p * m + j] * bt[q * m + j];
        assert.ok(Math.abs(dot - (p === q ? 4 : 0)) < 1e-5, `${n}x${m} (${p}, ${q}): ${dot}`);
      }
    }
  }
});

test('superposition-time theory: the closed forms against their definitions and the continuum limit', () => {
  const s = { a: 1.5, b: 0.25, channels: 64, init: 2 };
  let direct = 0;
  for (let i = 1; i <= 64; i++) direct += Math.pow(i, -0.5) * Math.pow(i, -1.5) * Math.exp(-4 * 4 * Math.pow(i, -1.5) * 0.7);
  assert.ok(Math.abs(linearLoss(0.7, s) - direct) < 1e-12 * direct);
  assert.equal(linearExponent(1.5, 0.25), 2 / 3);
  assert.ok(Number.isNaN(linearExponent(0.8, 0.05)), 'a + 2b <= 1: no power law');
  // the continuum limit: many channels, 1 << 4 g^2 tau << channels^a, local slope over two decades
  const taus = Array.from({ length: 21 }, (_, k) => 10 * Math.pow(10, k / 10));
  for (const [a, b] of [[1.5, 0.25], [2, 0], [1, 0.5]]) {
    const slope = linearLossSlope(taus, { a, b, channels: 200000, init: 1 }).value;
    assert.ok(Math.abs(slope - (a + 2 * b - 1) / a) < 0.02, `a ${a}, b ${b}: ${slope}`);
  }
  // zero student: sum_i i^-(a + 2b), halved for ReLU (E relu(z)^2 = 1/2); linear floor: the modes past m
  const sum = Array.from({ length: 10 }, (_, k) => Math.pow(k + 1, -2)).reduce((p, q) => p + q, 0);
  assert.ok(Math.abs(zeroStudentLoss({ variant: 'linear', a: 1, b: 0.5, channels: 10 }) - sum) < 1e-12);
  assert.ok(Math.abs(zeroStudentLoss({ variant: 'relu', a: 1, b: 0.5, channels: 10 }) - sum / 2) < 1e-12);
  assert.ok(Math.abs(linearFloor(3, { a: 1, b: 0.5, channels: 10 }) - (sum - 1 - 1 / 4 - 1 / 9)) < 1e-12);
});

test('superposition-time curves: log-spaced bins and the time to a loss recover an exact power law', () => {
  const steps = 5000;
  const lr = 0.02;
  const losses = Float64Array.from({ length: steps + 1 }, (_, s) => (s === 0 ? 9 : 3 * Math.pow(lr * s, -0.7)));
  const c = binLosses(losses, lr, 40);
  assert.equal(c.tau[0], 0);
  assert.equal(c.loss[0], 9);
  for (let k = 2; k < c.tau.length; k++) assert.ok(c.tau[k] > c.tau[k - 1]);
  assert.ok(c.tau.length >= 30 && c.tau.length <= 41, `${c.tau.length} bins: about 40 after step 0 (the first steps are single-step windows)`);
  assert.ok(c.tau[c.tau.length - 1] < lr * steps && c.tau[c.tau.length - 1] > 0.9 * lr * steps, 'the last bin ends at the last step');
  // binning (mean loss at the mean step of a window 1.24x wide) keeps the exponent to 0.002
  const late = c.tau.map((t, k) => [t, c.loss[k]]).filter(([t]) => t >= 1);
  assert.ok(Math.abs(logLogSlope(late.map((p) => p[0]), late.map((p) => p[1])).value - 0.7) < 2e-3);
  // time to reach 0.5: 3 tau^-0.7 = 0.5 -> tau = 6^(1/0.7); log-log interpolation of bin means is close
  const expected = Math.pow(6, 1 / 0.7);
  const t = timeToLoss(c, 0.5)!;
  assert.ok(Math.abs(t / expected - 1) < 0.02, `${t} vs ${expected}`);
  assert.equal(timeToLoss(c, 1e-3), null);
  // a noisy early window below the target does not count: the last crossing does
  const noisy = { step: [0, 1, 2, 3], tau: [0, 1, 2, 3], loss: [1, 0.05, 0.5, 0.05] };
  assert.ok(timeToLoss(noisy, 0.1)! > 2);
});

test('superposition-time: linear student without a bottleneck follows the closed form; a different b does not', async () => {
  // gain g = 3 keeps the two-layer correction (order w^2 / g^4) well below the fit's uncertainty;
  // lr 0.002 keeps SGD close to gradient flow; the run ends at tau = 5, far below channels^a / (4 g^2) = 40
  const o = { variant: 'linear' as const, a: 1.5, b: 0.25, channels: 128, widths: [128], init: 3, lr: 0.002, steps: 2500, batch: 64, fitRange: [0.01, 1] as [number, number], seed: 0 };
  const r = await runToy('superposition-time', o);
  const run = r.runs[0];
  assert.equal(run.regime, 'no bottleneck');
  // the closed form sum_i w_i^2 lambda_i exp(-4 g^2 lambda_i tau), written out here, at the fitted points
  const closed = (tau: number, b: number) => {
    let s = 0;
    for (let i = 1; i <= 128; i++) s += Math.pow(i, -2 * b - 1.5) * Math.exp(-4 * 9 * Math.pow(i, -1.5) * tau);
    return s;
  };
  const slopeOf = (b: number) => {
    const xs = r.points.x.map(Math.log);
    const ys = r.points.x.map((t) => Math.log(closed(t, b)));
    const mx = xs.reduce((p, q) => p + q, 0) / xs.length;
    const my = ys.reduce((p, q) => p + q, 0) / ys.length;
    let sxy = 0;
    let sxx = 0;
    xs.forEach((x, k) => {
      sxy += (x - mx) * (ys[k] - my);
      sxx += (x - mx) * (x - mx);
    });
    return -sxy / sxx;
  };
  const expected = slopeOf(0.25);
  const [lo, hi] = run.exponent.ci;
  assert.ok(lo <= expected && expected <= hi, `exponent ${run.exponent.value} CI [${lo}, ${hi}] vs closed form ${expected}`);
  assert.ok(Math.abs(r.theory.linearWindowExponent - expected) < 1e-9);
  // the loss itself: the last window's mean within 5% of the closed form at its tau (SGD noise, a few hundred batches)
  const cols = dataFrameColumns(r.curves);
  const [tLast, lLast] = [cols.tau[cols.tau.length - 1] as number, cols.loss[cols.loss.length - 1] as number];
  assert.ok(Math.abs(lLast / closed(tLast, 0.25) - 1) < 0.05, `loss ${lLast} vs closed form ${closed(tLast, 0.25)} at tau ${tLast}`);
  // the same check with b = 0.35 (theory exponent up by 0.2 / a = 0.13) fails: it can tell
  const wrong = slopeOf(0.35);
  assert.ok(!(lo <= wrong && wrong <= hi), `b = 0.35 gives ${wrong}, outside [${lo}, ${hi}]`);
});

test('superposition-time: both regimes, typed results, same seed same curves, no leak', async () => {
  const tf = require('@tensorflow/tfjs') as Tf;
  const o = { channels: 32, widths: [4, 32], steps: 300, batch: 32, seed: 1, logPoints: 30 };
  const a = await runToy('superposition-time', o);
  const start = tf.memory().numTensors;
  const b = await runToy('superposition-time', o);
  assert.equal(tf.memory().numTensors, start, 'no tensor leak');
  const ca = dataFrameColumns(a.curves);
  assert.deepEqual(Object.keys(ca), ['width', 'step', 'tau', 'loss']);
  assert.deepEqual(ca.loss, dataFrameColumns(b.curves).loss, 'deterministic per backend');
  const c = await runToy('superposition-time', { ...o, seed: 2 });
  assert.notDeepEqual(dataFrameColumns(c.curves).loss, ca.loss);
  assert.deepEqual(a.runs.map((r) => r.regime), ['bottleneck', 'no bottleneck']);
  assert.deepEqual(a.exponent, a.runs[0].exponent, 'the headline is the bottleneck width');
  assert.equal(a.exponent.expected, 1);
  assert.equal(a.runs[1].exponent.expected, linearExponent(1.5, 0.25));
  assert.ok(Math.abs(a.targetLoss - 0.1 * zeroStudentLoss({ variant: 'relu', a: 1.5, b: 0.25, channels: 32 })) < 1e-12);
  const [narrow, wide] = a.runs;
  if (a.speedup !== null) assert.ok(Math.abs(a.speedup - wide.timeToTarget! / narrow.timeToTarget!) < 1e-12);
  // loss falls in both regimes; the coefficient is the fitted loss at tau = 1
  for (const r of a.runs) assert.ok(r.finalLoss < r.initialLoss, `m = ${r.width}: ${r.initialLoss} -> ${r.finalLoss}`);
  assert.ok(/superposition-time/.test(a.summary()) && /speed-up/.test(a.notes.join(' ')));
  assert.deepEqual(a.options.widths, [4, 32]);
  // the notebook's toy chart draws one curve per width and no NaN
  const fig = plots.toy(a);
  assert.deepEqual(fig.data.filter((t) => String(t.name).startsWith('width=')).map((t) => t.name), ['width=4', 'width=32']);
  assert.doesNotMatch(figureToSvg(fig), /NaN/);
  assert.ok(/superposition-time/.test(String(bundleFor(a)['text/plain'])));
});

test('superposition-time: the half-budget exponent is the fit over the first half of tau; sweep rows carry the run\'s measures; closedFormTimeExponent is its window exponent', async () => {
  const o = { variant: 'superposition' as const, channels: 24, widths: [4, 24], steps: 240, batch: 16, logPoints: 30 };
  const full = await runToy('superposition-time', { ...o, seed: 5 });
  // the headline (bottleneck) width's binned curve, refitted here over the fit range halved: tau in [0.01, 1] x 240 x 0.05 / 2
  const c = dataFrameColumns(full.curves);
  const keep = c.tau.map((t, k) => c.width[k] === 4 && (t as number) >= 0.06 && (t as number) <= 6);
  const slope = logLogSlope(c.tau.filter((_, k) => keep[k]) as number[], c.loss.filter((_, k) => keep[k]) as number[]);
  assert.ok(full.stability !== null);
  assert.ok(Math.abs(full.stability.half - slope.value) < 1e-12 && Math.abs(full.stability.halfStderr - slope.stderr) < 1e-12);
  assert.equal(full.stability.full, full.exponent.value);
  assert.equal(closedFormTimeExponent(o), full.theory.linearWindowExponent);
  assert.notEqual(closedFormTimeExponent({ ...o, b: 0.35 }), full.theory.linearWindowExponent, 'another b, another closed form');
  const sweep = await sweepToy('superposition-time', { ...o, workers: 1, vary: { b: [0.25, 0.5] } });
  for (const row of sweep.rows) {
    const alone = await runToy('superposition-time', { ...o, b: row.configuration.b as number, seed: row.seed });
    assert.deepEqual(row.measures, {
      timeToTarget: alone.runs[0].timeToTarget, finalLoss: alone.runs[0].finalLoss,
      windowExponent: alone.theory.linearWindowExponent, speedup: alone.speedup,
    });
  }
  const cols = dataFrameColumns(sweep.table());
  assert.deepEqual(Object.keys(cols).slice(-5), ['timeToTarget', 'finalLoss', 'windowExponent', 'speedup', 'seconds']);
  assert.deepEqual(cols.finalLoss, sweep.rows.map((r) => r.measures!.finalLoss));
});

test('superposition-time: bad options name the option before training; the memory estimate refuses a huge run', async () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ variant: 'tanh' }, /variant/], [{ optimizer: 'rmsprop' }, /optimizer/], [{ a: 0 }, /'a'/], [{ a: 12 }, /'a'/],
    [{ b: -0.5 }, /'b'/], [{ density: 1.5 }, /density/], [{ fitRange: [0.5, 0.1] }, /fitRange/], [{ target: 2 }, /target/],
    [{ widths: [0, 8] }, /widths/], [{ channels: 1 }, /channels/], [{ init: -1 }, /init/], [{ widht: 3 }, /widht/],
  ];
  for (const [opts, re] of cases) {
    const t0 = Date.now();
    await assert.rejects(runToy('superposition-time', opts), (e: unknown) => e instanceof ScalingLabError && re.test((e as Error).message), JSON.stringify(opts));
    assert.ok(Date.now() - t0 < 500, 'validation must not train');
  }
  const huge = { channels: 20000, widths: [20000] };
  assert.throws(() => resolveToyOptions('superposition-time', huge), (e: unknown) => e instanceof ScalingLabError && /maxMemoryMB/.test((e as Error).message) && /channels 20000/.test((e as Error).message));
  assert.equal(resolveToyOptions('superposition-time', { ...huge, maxMemoryMB: 1e5 }).channels, 20000, 'a raised limit lets it through (nothing allocated yet)');
  assert.equal(resolveToyOptions('superposition-time', { optimizer: 'adam' }).lr, 0.002);
  assert.equal(resolveToyOptions('superposition-time', {}).lr, 0.05);
});

test('superposition-time: an abort (given or the ambient cell signal) stops the run and frees every tensor', async () => {
  const tf = require('@tensorflow/tfjs') as Tf;
  await runToy('superposition-time', { channels: 8, widths: [4], steps: 5, batch: 4 });
  const start = tf.memory().numTensors;
  for (const ambient of [false, true]) {
    const ac = new AbortController();
    if (ambient) setAmbientSignalSource(() => ac.signal);
    const events: number[] = [];
    let abortedAt = Infinity;
    try {
      await assert.rejects(
        runToy('superposition-time', {
          channels: 32, widths: [8, 32], steps: 100000, batch: 16,
          ...(ambient ? {} : { signal: ac.signal }),
          onProgress: (p) => {
            events.push(p.done);
            if (p.done > 20 && !ac.signal.aborted) { abortedAt = p.done; ac.abort(); }
          },
        }),
        (e: unknown) => (e as Error).name === 'AbortError' || /abort/i.test(String(e)),
      );
    } finally {
      setAmbientSignalSource(undefined);
    }
    // progress is rate-limited (one event per 200 ms), so count events, not steps: at most one after the abort
    assert.ok(abortedAt < Infinity && events.filter((d) => d > abortedAt).length <= 1, `stopped soon (ambient ${ambient}): events ${events.join(', ')}`);
    assert.equal(tf.memory().numTensors, start, 'no leak after abort');
  }
});
