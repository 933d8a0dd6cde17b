import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backtest } from '../../src/fit';
import { datasets } from '../../src/data';
import { ScalingLabError } from '../../src/errors';
import { Rng } from '../../src/util/random';
import { runPython } from './fit-scipy';

// Synthetic runs from a known universal law L = L0 + c_m / m + c_l / l + c_D D^(-1/3): the closed form
// is the reference, so a fit on the small runs must predict the large ones exactly (no noise), and with
// log-normal noise its prediction intervals must cover about `level` of the held-out runs.
const TRUE = { L0: 1.8, c_m: 400, c_l: 3, c_D: 1000 };
function synthetic(noise: number, seed = 1): Record<string, number[]> {
  const rng = new Rng(seed);
  const rows: Record<string, number[]> = { width: [], depth: [], tokens: [], flops: [], loss: [] };
  for (const width of [256, 384, 512, 768, 1024, 1536, 2048, 3072]) {
    for (const depth of [6, 12, 24, 48]) {
      for (const tokens of [1e9, 3e9, 1e10, 3e10, 1e11]) {
        const law = TRUE.L0 + TRUE.c_m / width + TRUE.c_l / depth + TRUE.c_D * tokens ** (-1 / 3);
        rows.width.push(width); rows.depth.push(depth); rows.tokens.push(tokens);
        rows.flops.push(6 * 12 * width * width * depth * tokens);
        rows.loss.push(law * Math.exp(noise * rng.normal()));
      }
    }
  }
  return rows;
}

test('closed form: fitted below a budget, the law predicts the held-out runs exactly', () => {
  const data = synthetic(0);
  for (const exponents of ['fixed', 'free'] as const) {
    const b = backtest(data, { exponents, bootstrap: 20 }, { trainBelow: 1e20 });
    assert.ok(b.test.length > 20 && b.train.length > 50, `${b.train.length} / ${b.test.length}`);
    assert.ok(b.predictions.every((p) => data.flops[p.row] >= 1e20));
    for (const p of b.predictions) assert.ok(Math.abs(p.relativeError) < 1e-6, `${exponents}: row ${p.row} error ${p.relativeError}`);
    assert.ok(b.metrics.maxAbsRelativeError < 1e-6);
  }
  // fitLaw with the Chinchilla form on data from that form (Hoffmann et al.'s constants): held-out error ~0
  const hoffmann = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
  const N = data.width.map((w, i) => 12 * w * w * data.depth[i]);
  const chin = { params: N, tokens: data.tokens, loss: N.map((n, i) => hoffmann.E + hoffmann.A / n ** hoffmann.alpha + hoffmann.B / data.tokens[i] ** hoffmann.beta) };
  const c = backtest(chin, { law: 'chinchilla', starts: [hoffmann], bootstrap: 0 }, { leaveOut: 'largest' });
  assert.ok(c.metrics.maxAbsRelativeError < 1e-6, `chinchilla form: ${c.metrics.maxAbsRelativeError}`);
  assert.equal(c.metrics.coverage, null);
  assert.match(c.summary(), /no bootstrap in the fit/);
});

test('closed form with noise: prediction intervals cover about their level of the held-out runs', (t) => {
  const sigma = 0.01;
  let covered = 0, total = 0;
  for (const seed of [1, 2, 3]) {
    const b = backtest(synthetic(sigma, seed), { bootstrap: 200, seed }, { trainBelow: 1e20, seed });
    covered += b.predictions.filter((p) => p.covered).length;
    total += b.predictions.length;
    // the law's own interval is narrower than the prediction interval, which adds the run's noise
    for (const p of b.predictions) assert.ok(p.predictionInterval![1] - p.predictionInterval![0] > p.interval![1] - p.interval![0]);
    assert.ok(Math.abs(b.metrics.bias) < 3 * sigma, `bias ${b.metrics.bias}`);
    assert.ok(b.metrics.rmsLogError < 2 * sigma, `rms ${b.metrics.rmsLogError}`);
  }
  const rate = covered / total;
  t.diagnostic(`coverage ${rate} of ${total} held-out runs`);
  assert.ok(rate > 0.85 && rate <= 1, `coverage ${rate} over ${total} held-out runs (nominal 0.95)`);
});

// Reference: scipy (python3 on this machine) fits the same universal law with the exponents fixed at
// (1, 1, 1/3) to the same training runs (Chinchilla below 1e21 FLOPs, the 40 highest losses among them
// dropped), least squares on log L with coefficients >= 0, and predicts the held-out runs.
test('Chinchilla below 1e21 FLOPs: held-out predictions match scipy, errors and coverage are reported', (t) => {
  const chin = datasets.chinchilla({ as: 'columns' }) as unknown as Record<string, number[]>;
  const b = backtest(chin, { exclude: { highestLoss: 40 }, bootstrap: 200 }, { trainBelow: 1e21 });
  assert.equal(b.test.length, chin.flops.filter((c) => c >= 1e21).length);
  const trainLoss = b.train.map((i) => chin.loss[i]);
  const threshold = [...trainLoss].sort((x, y) => x - y)[trainLoss.length - 40];
  assert.equal(b.fit.n, trainLoss.filter((x) => x < threshold).length, 'the 40 highest training losses dropped (ties too)');
  const ref = runPython<{ predicted: number[]; coef: number[] }>(`
import sys, json, numpy as np
from scipy.optimize import least_squares
d = json.load(sys.stdin)
m, l, D, L, C = (np.array(d[k], dtype=float) for k in ('width', 'depth', 'tokens', 'loss', 'flops'))
train = C < 1e21
thr = np.sort(L[train])[-40]
use = train & (L < thr)
X = np.stack([np.ones_like(m), 1 / m, 1 / l, D ** (-1 / 3)], axis=1)
res = least_squares(lambda c: np.log(X[use] @ c) - np.log(L[use]), x0=[1.5, 300, 3, 800], bounds=(0, np.inf), xtol=1e-15, ftol=1e-15, gtol=1e-15)
print(json.dumps({'predicted': (X[~train] @ res.x).tolist(), 'coef': res.x.tolist()}))
`, chin);
  if (!ref.ok) t.diagnostic(ref.reason);
  else {
    b.predictions.forEach((p, i) => assert.ok(Math.abs(p.predicted / ref.value.predicted[i] - 1) < 1e-6, `row ${p.row}: ${p.predicted} vs scipy ${ref.value.predicted[i]}`));
    t.diagnostic(`scipy coefficients ${ref.value.coef.map((c) => c.toPrecision(5)).join(', ')}`);
  }
  const m = b.metrics;
  t.diagnostic(`universal, fixed exponents: mean |error| ${(100 * m.meanAbsRelativeError).toFixed(2)}%, max ${(100 * m.maxAbsRelativeError).toFixed(2)}%, coverage ${m.coverage}`);
  // Errors recomputed from the rows themselves
  const mean = b.predictions.reduce((s, p) => s + Math.abs(p.predicted / chin.loss[p.row] - 1), 0) / b.predictions.length;
  assert.ok(Math.abs(mean - m.meanAbsRelativeError) < 1e-12);
  assert.ok(m.coverage! >= 0 && m.coverage! <= 1 && m.intervalCoverage! <= m.coverage!);
  assert.match(b.summary(), /fit on runs with flops < 1\.000e\+21, predict the 23 runs[\s\S]*coverage at 95%/);
  assert.equal(b.table().shape[0], b.test.length);
  // The Chinchilla law (fitLaw) on the same split, and the universal law without the largest model
  const c = backtest(chin, { law: 'chinchilla', exclude: { highestLoss: 5 }, bootstrap: 50 }, { trainBelow: 1e21 });
  for (const p of c.predictions) assert.ok(p.interval![0] <= p.predicted && p.predicted <= p.interval![1], `row ${p.row}`);
  t.diagnostic(`chinchilla law: mean |error| ${(100 * c.metrics.meanAbsRelativeError).toFixed(2)}%, coverage ${c.metrics.coverage}`);
  const largest = backtest(chin, { exclude: { highestLoss: 40 }, bootstrap: 0 }, { leaveOut: 'largest' });
  const maxN = Math.max(...chin.params);
  assert.deepEqual(largest.test, chin.params.flatMap((n, i) => (n === maxN ? [i] : [])));
});

test('exclusions by row index and predicate keep meaning the rows of the whole data', () => {
  const data = synthetic(0.01);
  const all = backtest(data, { bootstrap: 0 }, { trainBelow: 1e21 });
  const held = all.test[0], kept = all.train[3];
  const byIndex = backtest(data, { bootstrap: 0, exclude: [held, kept] }, { trainBelow: 1e21 });
  assert.equal(byIndex.fit.n, all.fit.n - 1, 'only the training row is dropped');
  const byPredicate = backtest(data, { bootstrap: 0, exclude: (_row, i) => i === kept }, { trainBelow: 1e21 });
  assert.equal(byPredicate.fit.n, all.fit.n - 1);
  assert.deepEqual(byPredicate.fit.coefficients, byIndex.fit.coefficients);
});

test('bad splits are ScalingLabErrors that name the option and the fix', () => {
  const data = synthetic(0);
  const bad: Array<[() => unknown, RegExp]> = [
    [() => backtest(data, {}, {}), /give exactly one of trainBelow \(a compute budget\) and leaveOut/],
    [() => backtest(data, {}, { trainBelow: 1e21, leaveOut: 'largest' }), /give exactly one of trainBelow/],
    [() => backtest(data, {}, { trainBelow: 1e40 }), /no run is held out[\s\S]*lower trainBelow/],
    [() => backtest(data, {}, { trainBelow: 1 }), /every run is held out[\s\S]*raise trainBelow/],
    [() => backtest(data, {}, { trainBelow: -5 }), /trainBelow must be a positive compute budget/],
    [() => backtest(data, {}, { leaveOut: 'smallest' as never }), /leaveOut must be 'largest'/],
    [() => backtest({ width: data.width, depth: data.depth, loss: data.loss }, {}, { trainBelow: 1e20 }), /no flops column, and no tokens column/],
    [() => backtest(data, {}, { trainBelow: 1e21, flops: 'compute' }), /the flops column 'compute' is not in the data/],
    [() => backtest(data, {}, { leaveOut: 'largest', sizes: 40 }), /holding out 40 leaves none to fit on/],
    [() => backtest(data, {}, { budget: 1e21 } as never), /unknown option 'budget'/],
  ];
  for (const [fn, re] of bad) assert.throws(fn, (e: unknown) => e instanceof ScalingLabError && re.test(e.message), String(re));
});
