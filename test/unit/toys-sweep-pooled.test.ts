// poolSweeps: the rows of several sweeps in one verdict, with a systematic error per row and the
// weighted mean's error scaled by the Birge ratio. Reference: numpy/scipy run in the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poolSweeps, type SweepResult } from '../../src/toys';
import { ScalingLabError } from '../../src/errors';
import { dataFrameColumns } from '../../src/data/frame';
import { runPython } from './fit-scipy';

/** A sweep result with given exponents and errors (only what poolSweeps reads). */
function fakeSweep(factor: string, values: number[], e: number[], se: number[], expected = 1 / 3): SweepResult<'softmax-time'> {
  return {
    kind: 'sweep', name: 'softmax-time', factors: [factor], workers: 1, seconds: 0, options: {},
    rows: values.map((v, i) => ({
      configuration: { [factor]: v }, key: `${factor}=${v}`, seed: i, exponent: { value: e[i], stderr: se[i], ci: [e[i] - 2 * se[i], e[i] + 2 * se[i]] },
      expected, coefficient: 1 + i, stability: null, points: { x: [], loss: [], xLabel: factor }, extra: {}, backend: 'cpu', seconds: 0,
    })),
    verdict: {} as SweepResult['verdict'], summary: () => '', table: () => { throw new Error('unused'); }, toJSON: () => ({}),
  };
}

test('poolSweeps: weighted mean, chi-square, Birge ratio and scaled error equal numpy/scipy', (t) => {
  const a = fakeSweep('lr', [0.04, 0.08, 0.16], [0.41, 0.35, 0.23], [0.003, 0.004, 0.007]);
  const b = fakeSweep('temperature', [1e-3, 1e-2], [0.34, 0.52], [0.004, 0.004]);
  const systematic = 0.012;
  const p = poolSweeps({ lr: a, temperature: b }, { systematic });
  const e = [0.41, 0.35, 0.23, 0.34, 0.52], se = [0.003, 0.004, 0.007, 0.004, 0.004];
  const py = runPython<{ mean: number; se: number; chi2: number; p: number; birge: number }>(`
import json, sys
import numpy as np
from scipy import stats
d = json.load(sys.stdin); e = np.array(d['e']); s = np.sqrt(np.array(d['se'])**2 + d['sys']**2); w = 1 / s**2
mean = np.average(e, weights=w); chi2 = float(np.sum(w * (e - mean)**2)); df = len(e) - 1
print(json.dumps({'mean': float(mean), 'se': float(1 / np.sqrt(w.sum())), 'chi2': chi2, 'p': float(stats.chi2.sf(chi2, df)), 'birge': float(np.sqrt(chi2 / df))}))`, { e, se, sys: systematic });
  assert.equal(p.rows.length, 5);
  assert.deepEqual(p.rows.map((r) => r.sweep), ['lr', 'lr', 'lr', 'temperature', 'temperature']);
  assert.ok(Math.abs(p.rows[0].stderr - Math.hypot(0.003, systematic)) < 1e-15);
  assert.equal(p.verdict.universal, 1 / 3);
  if (!py.ok) { t.skip(py.reason); return; }
  const close = (x: number, y: number, what: string) => assert.ok(Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)), `${what}: ${x} vs ${y}`);
  close(p.verdict.weightedMean, py.value.mean, 'weighted mean');
  close(p.verdict.stderr, py.value.se, 'its error');
  close(p.verdict.chi2, py.value.chi2, 'chi2');
  close(p.verdict.pValue, py.value.p, 'p');
  close(p.verdict.birgeRatio, py.value.birge, 'Birge ratio');
  close(p.verdict.scaledStderr, py.value.se * py.value.birge, 'scaled error');
  assert.equal(p.verdict.homogeneous, false);
  assert.equal(p.verdict.consistentScaled, Math.abs(py.value.mean - 1 / 3) <= 2 * py.value.se * py.value.birge);
  assert.deepEqual(Object.keys(dataFrameColumns(p.table())), ['sweep', 'configuration', 'exponent', 'fit_stderr', 'stderr', 'coefficient']);
  assert.match(p.summary(), /NOT homogeneous/);
});

test('poolSweeps: rows that agree within their errors keep the plain error (Birge ratio below 1 is not applied); a planted shift is noticed', () => {
  const agree = poolSweeps({ seed: fakeSweep('seed', [0, 1, 2, 3], [0.34, 0.33, 0.335, 0.338], [0.01, 0.01, 0.01, 0.01]) });
  // equal weights: mean 0.33575, se 0.01 / 2 = 0.005, chi2 = sum((e - mean)^2) / 0.01^2 = 0.5675 on 3 df (numpy)
  assert.ok(Math.abs(agree.verdict.weightedMean - 0.33575) < 1e-12);
  assert.ok(Math.abs(agree.verdict.chi2 - 0.5675) < 1e-9);
  assert.equal(agree.verdict.scaledStderr, agree.verdict.stderr);
  assert.equal(agree.verdict.consistentScaled, true);
  const shifted = poolSweeps({ seed: fakeSweep('seed', [0, 1, 2, 3], [0.44, 0.43, 0.435, 0.438], [0.01, 0.01, 0.01, 0.01]) });
  assert.equal(shifted.verdict.consistentScaled, false);
});

test('poolSweeps: bad input is named', () => {
  const s = fakeSweep('lr', [0.04], [0.4], [0.01]);
  assert.throws(() => poolSweeps({}), (e: unknown) => e instanceof ScalingLabError && /object of sweepToy results/.test(e.message));
  assert.throws(() => poolSweeps({ lr: s }, { systematic: -1 }), /systematic must be a finite number >= 0/);
  assert.throws(() => poolSweeps({ lr: s }, { sytematic: 1 } as never), /sytematic/);
  const other = { ...fakeSweep('alpha', [1], [1], [0.1]), name: 'superposition-width' } as unknown as SweepResult<'softmax-time'>;
  assert.throws(() => poolSweeps({ lr: s, alpha: other }), /different toys/);
});
