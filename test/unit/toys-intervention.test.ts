// exponentAndCoefficient and interventionEffect: does an intervention change a toy's exponent or only move its
// coefficient? References: numpy's polyfit with its covariance (run in the test) for the fit and for the
// coefficients' shift at the data's centre; the verdict rule is checked on cases built to fall on each
// side of its thresholds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exponentAndCoefficient, interventionEffect, type ExponentAndCoefficient } from '../../src/toys';
import { ScalingLabError } from '../../src/errors';
import { runPython } from './fit-scipy';

const X = [5, 8, 13, 21, 34, 55, 89, 144];
// loss = 0.9 x^-0.34 times a fixed wobble (so the residuals are not zero)
const WOBBLE = [1.03, 0.98, 1.01, 0.97, 1.02, 1.0, 0.99, 1.02];
const LOSS = X.map((x, i) => 0.9 * x ** -0.34 * WOBBLE[i]);

test('exponentAndCoefficient: exponent, log c, the log loss at the centre and their standard errors are numpy polyfit\'s on the logs (cov with the residual variance)', (t) => {
  const py = runPython<{ slope: number; intercept: number; vs: number; vi: number; t: number; cx: number; cy: number; vc: number }>(`
import json, sys
import numpy as np
from scipy import stats
d = json.load(sys.stdin)
x = np.log(np.array(d['x'])); y = np.log(np.array(d['loss']))
p, cov = np.polyfit(x, y, 1, cov=True)
j = np.array([x.mean(), 1.0])
print(json.dumps({'slope': p[0], 'intercept': p[1], 'vs': cov[0, 0], 'vi': cov[1, 1], 't': stats.t.ppf(0.975, len(x) - 2),
                  'cx': float(np.exp(x.mean())), 'cy': float(np.polyval(p, x.mean())), 'vc': float(j @ cov @ j)}))`, { x: X, loss: LOSS });
  if (!py.ok) { t.skip(py.reason); return; }
  const ref = py.value;
  const f = exponentAndCoefficient({ x: X, loss: LOSS });
  assert.ok(Math.abs(f.exponent.value + ref.slope) < 1e-12, `exponent ${f.exponent.value} vs ${-ref.slope}`);
  assert.ok(Math.abs(f.logCoefficient.value - ref.intercept) < 1e-12);
  assert.ok(Math.abs(f.exponent.stderr / Math.sqrt(ref.vs) - 1) < 1e-9, `stderr ${f.exponent.stderr} vs ${Math.sqrt(ref.vs)}`);
  assert.ok(Math.abs(f.logCoefficient.stderr / Math.sqrt(ref.vi) - 1) < 1e-9);
  assert.ok(Math.abs(f.coefficient.value - Math.exp(ref.intercept)) < 1e-12);
  assert.ok(Math.abs(f.coefficient.ci[1] - Math.exp(ref.intercept + ref.t * Math.sqrt(ref.vi))) < 1e-6);
  assert.ok(Math.abs(f.exponent.ci[0] - (-ref.slope - ref.t * Math.sqrt(ref.vs))) < 1e-6);
  assert.ok(Math.abs(f.centre.x / ref.cx - 1) < 1e-12, `centre ${f.centre.x} vs ${ref.cx}`);
  assert.ok(Math.abs(f.centre.logLoss.value - ref.cy) < 1e-12);
  assert.ok(Math.abs(f.centre.logLoss.stderr / Math.sqrt(ref.vc) - 1) < 1e-9, `centre stderr ${f.centre.logLoss.stderr} vs ${Math.sqrt(ref.vc)}`);
});

test('interventionEffect: the coefficients\' shift is the log loss at the geometric mean of the two centres, with numpy\'s full covariance', (t) => {
  // a second run over a later window (x from 10 to 1000), steeper and higher, so the centres differ
  const X2 = [10, 20, 40, 80, 160, 320, 640, 1000];
  const LOSS2 = X2.map((x, i) => 1.7 * x ** -0.41 * WOBBLE[7 - i]);
  const py = runPython<{ x0: number; shift: number; se: number }>(`
import json, sys
import numpy as np
d = json.load(sys.stdin)
fits = [np.polyfit(np.log(d[a]), np.log(d[b]), 1, cov=True) for a, b in (('xa', 'la'), ('xb', 'lb'))]
x0 = np.exp((np.log(d['xa']).mean() + np.log(d['xb']).mean()) / 2)
j = np.array([np.log(x0), 1.0])
at = [(np.polyval(p, np.log(x0)), j @ cov @ j) for p, cov in fits]
print(json.dumps({'x0': float(x0), 'shift': float(at[1][0] - at[0][0]), 'se': float(np.sqrt(at[0][1] + at[1][1]))}))`, { xa: X, la: LOSS, xb: X2, lb: LOSS2 });
  if (!py.ok) { t.skip(py.reason); return; }
  const e = interventionEffect(exponentAndCoefficient({ x: X, loss: LOSS }), exponentAndCoefficient({ x: X2, loss: LOSS2 }));
  assert.ok(Math.abs(e.reference / py.value.x0 - 1) < 1e-12, `reference ${e.reference} vs ${py.value.x0}`);
  assert.ok(Math.abs(e.logCoefficientShift.value - py.value.shift) < 1e-12, `shift ${e.logCoefficientShift.value} vs ${py.value.shift}`);
  assert.ok(Math.abs(e.logCoefficientShift.stderr / py.value.se - 1) < 1e-9, `stderr ${e.logCoefficientShift.stderr} vs ${py.value.se}`);
  assert.ok(Math.abs(e.coefficientRatio - Math.exp(py.value.shift)) < 1e-12);
});

test('exponentAndCoefficient: an exact power law gives its exponent and coefficient (closed form) with zero error', () => {
  const f = exponentAndCoefficient({ x: [2, 4, 8, 16], loss: [2, 4, 8, 16].map((l) => 0.005 / l) });
  assert.ok(Math.abs(f.exponent.value - 1) < 1e-12);
  assert.ok(Math.abs(f.coefficient.value - 0.005) < 1e-14);
  assert.ok(f.exponent.stderr < 1e-7);
});

/** A fit with the given exponent and log c and standard errors, its data centred at x = 1 (so log c is the log loss there). */
function fitOf(e: number, se: number, logc: number, logcSe: number): ExponentAndCoefficient {
  return { exponent: { value: e, stderr: se, ci: [0, 0] }, coefficient: { value: Math.exp(logc), stderr: 0, ci: [0, 0] }, logCoefficient: { value: logc, stderr: logcSe },
    centre: { x: 1, logLoss: { value: logc, stderr: logcSe } }, n: 8 };
}

test('interventionEffect: the three verdicts on each side of 2 combined standard errors', () => {
  const base = fitOf(0.34, 0.03, 0, 0.1);
  // exponent shift 0.13 against hypot(0.03, 0.04) = 0.05: 2.6 SE
  assert.equal(interventionEffect(base, fitOf(0.47, 0.04, 0, 0.1)).verdict, 'changes the exponent');
  // 0.09 / 0.05 = 1.8 SE: agree; log c shift 0.3 against hypot(0.1, 0.1) = 0.1414: 2.1 SE
  const moved = interventionEffect(base, fitOf(0.43, 0.04, 0.3, 0.1));
  assert.equal(moved.verdict, 'exponent change not detected; coefficient moves');
  assert.equal(moved.reference, 1);
  assert.ok(Math.abs(moved.exponentShift.sigmas - 1.8) < 1e-9);
  assert.ok(Math.abs(moved.coefficientRatio - Math.exp(0.3)) < 1e-12);
  // log c shift 0.25 / 0.1414 = 1.77 SE: nothing detectable
  assert.equal(interventionEffect(base, fitOf(0.43, 0.04, 0.25, 0.1)).verdict, 'no detectable effect');
  // a negative shift counts the same as a positive one
  assert.equal(interventionEffect(base, fitOf(0.21, 0.04, 0, 0.1)).verdict, 'changes the exponent');
  // k = 3 turns 2.6 SE into agreement
  assert.equal(interventionEffect(base, fitOf(0.47, 0.04, 0, 0.1), 3).verdict, 'no detectable effect');
});

test('exponentAndCoefficient and interventionEffect: bad input names what is wrong', () => {
  assert.throws(() => exponentAndCoefficient({ x: [1, 2], loss: [1, 0.5] }), (e: unknown) => e instanceof ScalingLabError && /at least 3/.test(e.message));
  assert.throws(() => exponentAndCoefficient({ x: [1, 2, 3], loss: [1, 0, 0.3] }), (e: unknown) => e instanceof ScalingLabError && /positive finite/.test(e.message));
  assert.throws(() => exponentAndCoefficient({ x: [1, 2, 3], loss: [1, 0.5] }), (e: unknown) => e instanceof ScalingLabError && /pair up/.test(e.message));
  assert.throws(() => exponentAndCoefficient({ x: [2, 2, 2], loss: [1, 0.5, 0.3] }), (e: unknown) => e instanceof ScalingLabError && /all x are equal/.test(e.message));
  const f = exponentAndCoefficient({ x: X, loss: LOSS });
  assert.throws(() => interventionEffect(f, f, 0), (e: unknown) => e instanceof ScalingLabError && /k must be/.test(e.message));
  assert.throws(() => interventionEffect(f, {} as ExponentAndCoefficient), (e: unknown) => e instanceof ScalingLabError && /intervened is not/.test(e.message));
  const exact = fitOf(1, 0, 0, 0);
  assert.throws(() => interventionEffect(exact, exact), (e: unknown) => e instanceof ScalingLabError && /no finite size/.test(e.message));
  assert.throws(() => interventionEffect(f, fitOf(0.3, NaN, 0, 0.1)), (e: unknown) => e instanceof ScalingLabError && /no finite size/.test(e.message));
});
