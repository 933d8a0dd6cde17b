import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw } from '../../src/fit';
import { LAWS } from '../../src/laws';
import { datasets } from '../../src/data';
import { compileLaw, parseLaw } from '../../src/laws/expression';
import { linearCoefficients, CoefficientProjector } from '../../src/fit/linearCoefficients';
import { runPython } from './fit-scipy';

const epoch = () => datasets.epochChinchilla({ as: 'columns' });

test('linearCoefficients: finds the coefficients that enter the law linearly, and only those', () => {
  const lin = (expr: string, free: string[], log: string[], bounded: string[] = []) =>
    linearCoefficients(parseLaw(expr, 't').node, free, new Set(log), new Set(bounded)).map((j) => free[j]);
  assert.deepEqual(lin(LAWS.chinchilla.expression, ['E', 'A', 'alpha', 'B', 'beta'], LAWS.chinchilla.logParams), ['E', 'A', 'B']);
  assert.deepEqual(lin('E + A * N^(-alpha)', ['E', 'A', 'alpha'], ['E', 'A']), ['E', 'A']);
  // A product of two coefficients: only the outer factor is linear with a factor free of the other.
  assert.deepEqual(lin('E + A * (B / N^alpha)', ['E', 'A', 'B', 'alpha'], ['E', 'A', 'B']), ['E']);
  // A coefficient inside a power (Kaplan's form) or used twice is not linear.
  assert.deepEqual(lin(LAWS.kaplan.expression, ['N_c', 'D_c', 'alpha_N', 'alpha_D'], LAWS.kaplan.logParams), []);
  assert.deepEqual(lin('A / N^alpha + A / D^beta', ['A', 'alpha', 'beta'], ['A']), []);
  // Subtracted terms, non-log and bounded parameters are left to LM.
  assert.deepEqual(lin('E - A / N^alpha', ['E', 'A', 'alpha'], ['E', 'A']), ['E']);
  assert.deepEqual(lin('E + A / N^alpha', ['E', 'A', 'alpha'], ['A']), ['A']);
  assert.deepEqual(lin('E + A / N^alpha', ['E', 'A', 'alpha'], ['E', 'A'], ['E']), ['A']);
});

test('CoefficientProjector: the NNLS coefficients of scipy.optimize.nnls, bitwise equal for equal exponents', (t) => {
  const e = epoch();
  const N = Float64Array.from(e.params as number[]), D = Float64Array.from(e.tokens as number[]), L = Float64Array.from(e.loss as number[]);
  const free = ['E', 'A', 'alpha', 'B', 'beta'];
  const law = compileLaw(parseLaw(LAWS.chinchilla.expression, 't').node, ['N', 'D'], free, new Set(['E', 'A', 'B'])).bind([N, D]);
  const proj = new CoefficientProjector(law.model, L, 5, [0, 1, 3]);
  const out1 = new Float64Array(5), out2 = new Float64Array(5);
  // Two starts with the same exponents and very different coefficients (theta = log E, log A, alpha, log B, beta).
  assert.ok(proj.project(Float64Array.from([-1, 0, 0.3, 25, 0.4]), out1));
  assert.ok(proj.project(Float64Array.from([1, 25, 0.3, 0, 0.4]), out2));
  assert.deepEqual([...out1], [...out2]);
  assert.equal(out1[2], 0.3); assert.equal(out1[4], 0.4);
  // Reference: scipy.optimize.nnls on the same problem, rows (N^-alpha, D^-beta, 1) / L against 1.
  const ref = runPython<number[]>(`
import json, sys
import numpy as np
from scipy.optimize import nnls
d = json.load(sys.stdin)
N, D, L = (np.array(d[k]) for k in ('N', 'D', 'L'))
A = np.column_stack([np.ones_like(L), N ** -0.3, D ** -0.4]) / L[:, None]
x, _ = nnls(A, np.ones_like(L))
print(json.dumps(list(x)))`, { N: [...N], D: [...D], L: [...L] });
  if (!ref.ok) { t.skip(ref.reason); return; }
  const [E, A, B] = ref.value;
  const ours = [Math.exp(out1[0]), Math.exp(out1[1]), Math.exp(out1[3])];
  [E, A, B].forEach((r, k) => assert.ok(r > 0 && Math.abs(ours[k] / r - 1) < 1e-8, `coefficient ${k}: ${ours[k]} vs scipy ${r}`));
});

test("Hoffmann grid with projected coefficients: an objective as low as scipy's L-BFGS-B from the same grid", (t) => {
  const c = fitLaw(epoch(), 'chinchilla', { exclude: { highestLoss: 5 }, starts: 'hoffmann', bootstrap: 0 });
  // 4,500 starts, 5 x 5 distinct exponent pairs: after projection most starts coincide and are run once.
  assert.match(c.notes!.starts!, /4500 starts \(hoffmann\).*\d+ started from projected coefficients \(E, A, B\), \d+ of them the same point/);
  const L = epoch().loss as number[];
  const threshold = [...L].sort((a, b) => a - b)[L.length - 5];
  const keep = L.map((v, i) => (v < threshold ? i : -1)).filter((i) => i >= 0);
  // Reference: Epoch's method (bench/fit_scipy.py's objective) from every 25th point of Hoffmann's grid.
  const ref = runPython<number>(`
import json, sys
import numpy as np
from scipy.optimize import minimize
from scipy.special import huber, logsumexp
d = json.load(sys.stdin)
lnN, lnD, lnL = (np.log(np.array(d[k])) for k in ('N', 'D', 'L'))
f = lambda p: np.sum(huber(1e-3, lnL - logsumexp([p[0] - p[3] * lnN, p[1] - p[4] * lnD, p[2] * np.ones_like(lnN)], axis=0)))
starts = [[a, b, e, al, be] for al in np.arange(0, 2.5, 0.5) for be in np.arange(0, 2.5, 0.5)
          for e in np.arange(-1, 1.5, 0.5) for a in np.arange(0, 30, 5) for b in np.arange(0, 30, 5)][::25]
print(json.dumps(min(minimize(f, s, method='L-BFGS-B').fun for s in starts)))`,
  { N: keep.map((i) => (epoch().params as number[])[i]), D: keep.map((i) => (epoch().tokens as number[])[i]), L: keep.map((i) => L[i]) });
  if (!ref.ok) { t.skip(ref.reason); return; }
  assert.ok(c.objective <= ref.value * (1 + 1e-9), `ours ${c.objective} vs scipy ${ref.value}`);
});
