// exponentAndCoefficient and interventionEffect: does an intervention change a toy's exponent or only move its
// coefficient? References: numpy's polyfit with its covariance (run in the test) for the fit; the
// verdict rule is checked on cases built to fall on each side of its thresholds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exponentAndCoefficient, interventionEffect, type ExponentAndCoefficient } from '../../src/toys';
import { ScalingLabError } from '../../src/errors';
import { runPython } from './fit-scipy';

const X = [5, 8, 13, 21, 34, 55, 89, 144];
// loss = 0.9 x^-0.34 times a fixed wobble (so the residuals are not zero)
const WOBBLE = [1.03, 0.98, 1.01, 0.97, 1.02, 1.0, 0.99, 1.02];
const LOSS = X.map((x, i) => 0.9 * x ** -0.34 * WOBBLE[i]);

test('exponentAndCoefficient: exponent, log c and their standard errors are numpy polyfit\'s on the logs (cov with the residual variance)', (t) => {
  const py = runPython<{ slope: number; intercept: number; vs: number; vi: number; t: number }>(`
import json, sys
import numpy as np
from scipy import stats
d = json.load(sys.stdin)
x = np.log(np.array(d['x'])); y = np.log(np.array(d['loss']))
p, cov = np.polyfit(x, y, 1, cov=True)
print(json.dumps({'slope': p[0], 'intercept': p[1], 'vs': cov[0, 0], 'vi': cov[1, 1], 't': stats.t.ppf(0.975, len(x) - 2)}))`, { x: X, loss: LOSS });
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
});

test('exponentAndCoefficient: an exact power law gives its exponent and coefficient (closed form) with zero error', () => {
  const f = exponentAndCoefficient({ x: [2, 4, 8, 16], loss: [2, 4, 8, 16].map((l) => 0.005 / l) });
  assert.ok(Math.abs(f.exponent.value - 1) < 1e-12);
  assert.ok(Math.abs(f.coefficient.value - 0.005) < 1e-14);
  assert.ok(f.exponent.stderr < 1e-7);
});

/** A fit with the given exponent and log c and standard errors (only the fields the verdict reads). */
function fitOf(e: number, se: number, logc: number, logcSe: number): ExponentAndCoefficient {
  return { exponent: { value: e, stderr: se, ci: [0, 0] }, coefficient: { value: Math.exp(logc), stderr: 0, ci: [0, 0] }, logCoefficient: { value: logc, stderr: logcSe }, n: 8 };
}

test('interventionEffect: the three verdicts on each side of 2 combined standard errors', () => {
  const base = fitOf(0.34, 0.03, 0, 0.1);
  // exponent shift 0.13 against hypot(0.03, 0.04) = 0.05: 2.6 SE
  assert.equal(interventionEffect(base, fitOf(0.47, 0.04, 0, 0.1)).verdict, 'changes the exponent');
  // 0.09 / 0.05 = 1.8 SE: agree; log c shift 0.3 against hypot(0.1, 0.1) = 0.1414: 2.1 SE
  const moved = interventionEffect(base, fitOf(0.43, 0.04, 0.3, 0.1));
  assert.equal(moved.verdict, 'moves only the coefficient');
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
