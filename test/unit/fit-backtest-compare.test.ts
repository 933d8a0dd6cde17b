// compareBacktests: paired errors of several backtests of one split. References: the backtests' own
// metrics, the closed-form bootstrap standard error of a mean, sqrt(mean((x - mean)^2) / n).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backtest, compareBacktests } from '../../src/fit';
import { ScalingLabError } from '../../src/errors';
import { Rng } from '../../src/util/random';

/** Runs from L = 1.8 + 400/m + 3/l + 1000 D^(-1/3) with log-normal noise. */
function runs(noise: number, seed = 1): Record<string, number[]> {
  const rng = new Rng(seed);
  const rows: Record<string, number[]> = { width: [], depth: [], tokens: [], loss: [] };
  for (const width of [256, 384, 512, 768, 1024, 1536, 2048]) {
    for (const depth of [6, 12, 24]) {
      for (const tokens of [1e9, 3e9, 1e10, 3e10, 1e11]) {
        rows.width.push(width); rows.depth.push(depth); rows.tokens.push(tokens);
        rows.loss.push((1.8 + 400 / width + 3 / depth + 1000 * tokens ** (-1 / 3)) * Math.exp(noise * rng.normal()));
      }
    }
  }
  return rows;
}

test('compareBacktests: the right law beats a wrong time exponent, with paired intervals over the held-out runs', () => {
  const data = runs(0.002);
  const split = { trainBelow: 1e20 };
  const right = backtest(data, { bootstrap: 0 }, split);
  const wrong = backtest(data, { bootstrap: 0, exponents: { time: 0.25 } }, split);
  const c = compareBacktests({ right, wrong }, { resamples: 4000, seed: 2 });
  assert.equal(c.reference, 'right');
  assert.equal(c.heldOut, right.test.length);
  assert.equal(c.groups, right.test.length);
  // the means are the backtests' own metrics
  assert.ok(Math.abs(c.models[0].meanAbsRelativeError - right.metrics.meanAbsRelativeError) < 1e-15);
  assert.ok(Math.abs(c.models[1].meanAbsRelativeError - wrong.metrics.meanAbsRelativeError) < 1e-15);
  const d = c.differences[0];
  assert.equal(d.name, 'wrong');
  assert.equal(d.verdict, 'larger');
  assert.ok(d.interval[0] > 0 && d.difference > d.interval[0] && d.difference < d.interval[1]);
  // Closed form: the bootstrap SE of a mean of n values is sqrt(mean((x - mean)^2) / n); the 95% interval is about +/- 1.96 of it.
  const e = right.predictions.map((p) => Math.abs(p.relativeError));
  const m = e.reduce((s, x) => s + x, 0) / e.length;
  const se = Math.sqrt(e.reduce((s, x) => s + (x - m) ** 2, 0) / e.length / e.length);
  const half = (c.models[0].interval[1] - c.models[0].interval[0]) / 2;
  assert.ok(Math.abs(half / (1.96 * se) - 1) < 0.1, `half-width ${half} vs 1.96 SE ${1.96 * se}`);
  assert.match(c.summary(), /wrong minus right: \+[\d.]+% \[[\d.]+%, [\d.]+%\]: larger errors than right/);
  assert.deepEqual(c.table().columns, ['model', 'meanAbsRelativeError', 'lo', 'hi', 'minus right']);
});

test('compareBacktests: runs sharing a cluster value are resampled together', () => {
  const data = runs(0.01, 3);
  const split = { trainBelow: 1e20 };
  const a = backtest(data, { bootstrap: 0 }, split);
  const b = backtest(data, { bootstrap: 0, exponents: 'free' }, split);
  const alone = compareBacktests({ a, b }, { seed: 5 });
  // one cluster value per row: the same groups in the same order, so the same draws
  const rowIds = data.loss.map((_, i) => i);
  assert.deepEqual(compareBacktests({ a, b }, { seed: 5, cluster: rowIds }).differences, alone.differences);
  const bySize = compareBacktests({ a, b }, { seed: 5, cluster: data.width.map((w, i) => `${w}x${data.depth[i]}`) });
  assert.ok(bySize.groups < alone.groups, `${bySize.groups} groups`);
  assert.match(bySize.summary(), new RegExp(`resamples of the ${bySize.groups} groups of held-out runs`));
});

test('compareBacktests: bad input names what to fix', () => {
  const data = runs(0.01);
  const a = backtest(data, { bootstrap: 0 }, { trainBelow: 1e20 });
  const other = backtest(data, { bootstrap: 0 }, { trainBelow: 3e19 });
  const err = (f: () => unknown, code: string, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof ScalingLabError && e.code === code && re.test(e.message));
  err(() => compareBacktests({ a }), 'bad-input', /two or more backtest results/);
  err(() => compareBacktests({ a, other }), 'bad-input', /'other' held out other runs than 'a'/);
  err(() => compareBacktests({ a, b: a }, { reference: 'c' }), 'bad-option', /reference 'c' is not one of a, b/);
  err(() => compareBacktests({ a, b: a }, { resamples: 10 }), 'bad-option', /at least 100/);
  err(() => compareBacktests({ a, b: a }, { cluster: [1, 2] }), 'bad-option', /cluster has 2 values/);
});
