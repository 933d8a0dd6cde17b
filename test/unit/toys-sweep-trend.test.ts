// sweepTrend: the weighted line of a sweep's exponents on one of its factors (does the exponent follow
// the data exponent, as the weak regime of superposition-width says it should?). Reference: numpy's
// weighted polyfit with its unscaled covariance, run in the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sweepTrend, type SweepResult } from '../../src/toys';
import { ScalingLabError } from '../../src/errors';
import { runPython } from './fit-scipy';

/** A sweep result with the given rows (only the fields sweepTrend reads). */
function sweepOf(factor: string, xs: number[], exps: number[], ses: number[], expected: (x: number) => number): SweepResult {
  const rows = xs.map((x, i) => ({
    configuration: { [factor]: x }, key: `${factor}=${x}`, seed: i, exponent: { value: exps[i], stderr: ses[i], ci: [0, 0] as [number, number] },
    expected: expected(x), coefficient: 1, stability: null, points: { x: [], loss: [], xLabel: 'width' }, extra: {}, backend: 'cpu' as const, seconds: 0,
  }));
  return { kind: 'sweep', name: 'superposition-width', factors: [factor], rows } as unknown as SweepResult;
}

const ALPHA = [1.25, 1.5, 1.75, 2];
const SE = [0.04, 0.05, 0.06, 0.08];

test('sweepTrend: slope, intercept and their errors are numpy\'s weighted polyfit, scaled by sqrt(chi2/df) only when the scatter exceeds the errors', (t) => {
  const loose = [0.31, 0.62, 0.70, 1.05]; // scatter beyond the errors: chi2/df > 1
  const tight = [0.26, 0.50, 0.76, 1.01]; // within them: chi2/df < 1, no scaling
  const py = runPython<Array<{ slope: number; intercept: number; vs: number; vi: number; chi2: number }>>(`
import json, sys
import numpy as np
d = json.load(sys.stdin)
out = []
x = np.array(d['x']); se = np.array(d['se'])
for y in d['ys']:
    y = np.array(y)
    p, cov = np.polyfit(x, y, 1, w=1/se, cov='unscaled')
    chi2 = float(np.sum(((y - np.polyval(p, x)) / se) ** 2))
    out.append({'slope': p[0], 'intercept': p[1], 'vs': cov[0, 0], 'vi': cov[1, 1], 'chi2': chi2})
print(json.dumps(out))`, { x: ALPHA, se: SE, ys: [loose, tight] });
  if (!py.ok) { t.skip(py.reason); return; }
  [loose, tight].forEach((ys, k) => {
    const ref = py.value[k];
    const t = sweepTrend(sweepOf('alpha', ALPHA, ys, SE, (a) => a - 1), 'alpha');
    const scale = Math.max(1, Math.sqrt(ref.chi2 / 2));
    assert.ok(Math.abs(t.slope.value - ref.slope) < 1e-12, `slope ${t.slope.value} vs ${ref.slope}`);
    assert.ok(Math.abs(t.intercept.value - ref.intercept) < 1e-12);
    assert.ok(Math.abs(t.chi2 / ref.chi2 - 1) < 1e-10);
    assert.ok(Math.abs(t.slope.stderr / (scale * Math.sqrt(ref.vs)) - 1) < 1e-10, `slope stderr ${t.slope.stderr}`);
    assert.ok(Math.abs(t.intercept.stderr / (scale * Math.sqrt(ref.vi)) - 1) < 1e-10);
    assert.equal(t.df, 2);
    assert.ok(Math.abs(t.scale - scale) < 1e-10);
    // 95% interval: value +/- 1.959964 stderr
    assert.ok(Math.abs(t.slope.ci[1] - t.slope.value - 1.959964 * t.slope.stderr) < 1e-5);
    assert.equal(t.expectedSlope !== null && Math.abs(t.expectedSlope - 1) < 1e-12, true);
  });
  assert.ok(sweepTrend(sweepOf('alpha', ALPHA, loose, SE, (a) => a - 1), 'alpha').scale > 1);
  assert.equal(sweepTrend(sweepOf('alpha', ALPHA, tight, SE, (a) => a - 1), 'alpha').scale, 1);
});

test('sweepTrend: a flat exponent gives a slope near 0 and tells a slope of 1 apart; a constant expectation has expected slope 0', () => {
  const flat = sweepTrend(sweepOf('alpha', [1, 1.5, 2], [0.98, 1.01, 1.0], [0.03, 0.03, 0.03], () => 1), 'alpha');
  assert.equal(flat.expectedSlope, 0);
  assert.ok(Math.abs(flat.slope.value) < 2 * flat.slope.stderr);
  const following = sweepTrend(sweepOf('alpha', [1, 1.5, 2], [0.98, 1.01, 1.0], [0.03, 0.03, 0.03], (a) => a - 1), 'alpha');
  assert.ok(following.sigmas! > 10, `a flat exponent is ${following.sigmas} standard errors from slope 1`);
  // expectations that are not a line in the factor: no expected slope
  assert.equal(sweepTrend(sweepOf('alpha', [1, 1.5, 2], [0.1, 0.5, 1], [0.1, 0.1, 0.1], (a) => a * a), 'alpha').expectedSlope, null);
  assert.match(flat.summary(), /slope -?0\.\d+ \+\/- [\d.]+ \(95% CI/);
});

test('sweepTrend: a factor the sweep did not vary, a text factor or a single value is a clear error', () => {
  const s = sweepOf('alpha', ALPHA, [0.3, 0.5, 0.7, 1], SE, (a) => a - 1);
  assert.throws(() => sweepTrend(s, 'lr'), (e: unknown) => e instanceof ScalingLabError && /'lr' is not a factor of this sweep \(its factors: alpha\)/.test(e.message));
  const text = sweepOf('regime', [0, 1], [1, 0.5], [0.1, 0.1], () => 1);
  text.rows[0].configuration.regime = 'strong';
  assert.throws(() => sweepTrend(text, 'regime'), /non-numeric value "strong"/);
  assert.throws(() => sweepTrend(sweepOf('alpha', [1.5, 1.5], [0.5, 0.6], [0.1, 0.1], () => 0.5), 'alpha'), /fewer than two distinct values of 'alpha'/);
  assert.throws(() => sweepTrend({} as SweepResult, 'alpha'), /must be the result of sweepToy/);
});
