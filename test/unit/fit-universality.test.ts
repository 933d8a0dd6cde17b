// The universality test: its verdict rests on the likelihood ratio and the curvature standard errors,
// never on the bootstrap's resample count, and calibrateUniversality's simulated null distribution
// (chi-squared quantiles from scipy as the reference).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitUniversal, calibrateUniversality } from '../../src/fit';
import { datasets } from '../../src/data';
import { ScalingLabError } from '../../src/errors';
import { Rng } from '../../src/util/random';
import { runPython } from './fit-scipy';

const chin = () => datasets.chinchilla({ as: 'columns' });

test('the universality verdict names the same exponents at every bootstrap count (curvature intervals, not percentiles)', () => {
  const verdicts = [0, 60, 200].map((bootstrap) => fitUniversal(chin(), { exponents: 'free', exclude: { highestLoss: 40 }, bootstrap }));
  const texts = verdicts.map((f) => f.universality!.verdict);
  assert.equal(new Set(texts).size, 1, texts.join('\n'));
  // Chinchilla, 40 highest losses dropped (the depth paper's rule): a_D = 0.299 +/- 0.014 lies 2.5 SE below 1/3
  // (the depth paper reports 0.299 +/- 0.014); width and depth lie within 1.96 SE of 1.
  const f = verdicts[2];
  const z = (k: 'a_m' | 'a_l' | 'a_D', u: number) => (f.params[k].value - u) / f.params[k].stderr!;
  assert.ok(Math.abs(z('a_m', 1)) < 1.96 && Math.abs(z('a_l', 1)) < 1.96 && z('a_D', 1 / 3) < -1.96, `${z('a_m', 1)} ${z('a_l', 1)} ${z('a_D', 1 / 3)}`);
  assert.match(texts[0], /outside the 95% CI for time \(value ± 1\.96 SE\)\.$/);
  // The bootstrap percentile interval of a_D at 200 resamples still holds 1/3: a verdict read off it would say otherwise.
  const ci = f.params.a_D.ci!;
  assert.ok(ci[0] < 1 / 3 && 1 / 3 < ci[1], `bootstrap CI ${ci}`);
  assert.match(f.summary(), /time {3}free 0\.2991 \[[\d.]+, [\d.]+\] vs universal 0\.3333 \(-2\.46 SE off\)/);
});

/** Runs from L = 1.8 + 400/m + 3/l + 1000 D^(-aD) times exp(noise), with an optional offset per shape. */
function synthetic(aD: number, noise: number, perShape: number, seed: number): Record<string, number[]> {
  const rng = new Rng(seed);
  const rows: Record<string, number[]> = { width: [], depth: [], tokens: [], loss: [] };
  for (const width of [256, 512, 1024, 2048]) {
    for (const depth of [4, 8, 16, 32]) {
      const offset = perShape * rng.normal();
      for (const tokens of [1e8, 3e8, 1e9, 3e9, 1e10, 3e10]) {
        rows.width.push(width); rows.depth.push(depth); rows.tokens.push(tokens);
        rows.loss.push((1.8 + 400 / width + 3 / depth + 1000 * tokens ** -aD) * Math.exp(offset + noise * rng.normal()));
      }
    }
  }
  return rows;
}

test('calibrateUniversality: under the universal law the simulated statistics follow chi-squared (scipy quantiles)', (t) => {
  const ref = runPython<number[]>(`
import json
from scipy.stats import chi2
print(json.dumps([chi2.ppf(0.5, 3), chi2.ppf(0.95, 3), chi2.ppf(0.5, 1)]))`, null);
  if (!ref.ok) { t.skip(ref.reason); return; }
  const [median3, q95, median1] = ref.value;
  const data = synthetic(1 / 3, 0.01, 0, 1);
  const all = calibrateUniversality(data, { exponents: 'free' }, { resamples: 200, seed: 3 });
  assert.equal(all.df, 3);
  assert.deepEqual(all.freed, ['width', 'depth', 'time']);
  // Monte-Carlo error of a median of 200 draws of chi2(3): about 0.23; of the 95th percentile about 0.8.
  assert.ok(Math.abs(all.nullMedian - median3) < 0.7, `median ${all.nullMedian} vs ${median3}`);
  assert.ok(Math.abs(all.null95 - q95) < 2.4, `95th percentile ${all.null95} vs ${q95}`);
  assert.ok(all.pValue > 0 && all.pValue <= 1);
  assert.equal(all.nullStatistics.length, 200);
  const time = calibrateUniversality(data, { exponents: { time: 'free' } }, { resamples: 200, seed: 3 });
  assert.equal(time.df, 1);
  assert.ok(Math.abs(time.nullMedian - median1) < 0.25, `median ${time.nullMedian} vs ${median1}`);
  // same seed, same draws
  assert.deepEqual(calibrateUniversality(data, { exponents: { time: 'free' } }, { resamples: 200, seed: 3 }).nullStatistics, time.nullStatistics);
});

test('calibrateUniversality: a real departure gives the smallest p-value; shared offsets per shape widen the null', () => {
  const off = calibrateUniversality(synthetic(0.25, 0.005, 0, 2), { exponents: { time: 'free' } }, { resamples: 50 });
  assert.equal(off.pValue, 1 / 51);
  assert.ok(off.statistic > 50 && off.pChiSquare < 1e-10, `${off.statistic}`);
  // Scatter that is mostly per model shape: free width and depth exponents absorb it, so the null spreads.
  const shaped = synthetic(1 / 3, 0.003, 0.02, 4);
  const iid = calibrateUniversality(shaped, { exponents: 'free' }, { resamples: 100, seed: 1 });
  const grouped = calibrateUniversality(shaped, { exponents: 'free' }, { resamples: 100, seed: 1, groupBy: ['width', 'depth'] });
  assert.equal(grouped.groups, 16);
  assert.equal(iid.groups, 96);
  assert.ok(grouped.null95 > 2 * iid.null95, `grouped ${grouped.null95} vs independent ${iid.null95}`);
  assert.match(grouped.summary(), /16 groups by width, depth/);
  assert.equal(JSON.parse(JSON.stringify(grouped)).kind, 'universality-calibration');
});

test('calibrateUniversality: bad input names the option', () => {
  const data = synthetic(1 / 3, 0.01, 0, 1);
  const err = (f: () => unknown, code: string, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof ScalingLabError && e.code === code && re.test(e.message));
  err(() => calibrateUniversality(data, {}), 'bad-option', /free no exponent/);
  err(() => calibrateUniversality(data, { exponents: 'free' }, { groupBy: 'shape' }), 'missing-column', /groupBy names the column 'shape'/);
  err(() => calibrateUniversality(data, { exponents: 'free' }, { resamples: 0 }), 'bad-option', /resamples must be a positive integer/);
  err(() => calibrateUniversality(data, { exponents: 'free' }, { resample: 10 } as never), 'unknown-option', /resample/);
});
