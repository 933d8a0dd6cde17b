// Objectives and weights (issue 15 item 3): least squares on L, OLMo-core's over-estimate penalty,
// per-point weights and the bootstrap by group. References: scipy (curve_fit and minimize, run here on
// the same points), the closed form of weighted linear least squares, and exact identities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw, fitUniversal } from '../../src/fit';
import { bootstrapByRun } from '../../src/fit/inference';
import { datasets } from '../../src/data';
import { LAWS } from '../../src/laws';
import { ScalingLabError } from '../../src/errors';
import { Rng } from '../../src/util/random';
import { runPython } from './fit-scipy';

const HOFFMANN = LAWS.chinchilla.references.hoffmann2022.constants;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** Epoch's Chinchilla points without the 5 highest losses, as the fits use them. */
function epochPoints() {
  const e = datasets.epochChinchilla({ as: 'columns' }) as unknown as Record<string, number[]>;
  const threshold = [...e.loss].sort((a, b) => a - b)[e.loss.length - 5];
  const keep = e.loss.map((v, i) => (v < threshold ? i : -1)).filter((i) => i >= 0);
  return { params: keep.map((i) => e.params[i]), tokens: keep.map((i) => e.tokens[i]), loss: keep.map((i) => e.loss[i]) };
}

/** Universal-law runs on a grid, with seeded log-normal noise. */
function universalRuns(seed: number, noise: number, timeExponent = 1 / 3) {
  const g = new Rng(seed);
  return [256, 512, 1024, 2048].flatMap((width) => [4, 8, 16].flatMap((depth) => [1e9, 3e9, 1e10, 3e10, 1e11].map((tokens) =>
    ({ width, depth, tokens, loss: (1.8 + 400 / width + 3 / depth + 1000 * tokens ** (-timeExponent)) * Math.exp(noise * g.normal()) }))));
}

test('least squares on L with weights sqrt(6 N D): the Chinchilla law equals scipy curve_fit (sigma = 1/sqrt(w)), values and standard errors', (t) => {
  const pts = epochPoints();
  const w = pts.params.map((N, i) => Math.sqrt(6 * N * pts.tokens[i]));
  const fit = fitLaw(pts, 'chinchilla', { objective: { residuals: 'loss' }, weights: w, starts: [HOFFMANN], bootstrap: 0 });
  assert.equal(fit.converged, true, fit.summary());
  assert.match(fit.summary(), /least squares on L: weighted by given array, sum of w r\^2\/2, r = L - L_fit/);
  const ref = runPython<{ p: number[]; se: number[]; cost: number }>(`
import sys, json, numpy as np
from scipy.optimize import curve_fit
d = json.load(sys.stdin)
N, D, L, w = (np.array(d[k]) for k in ('params', 'tokens', 'loss', 'w'))
f = lambda X, E, lA, alpha, lB, beta: E + np.exp(lA - alpha*np.log(X[0])) + np.exp(lB - beta*np.log(X[1]))
p, cov = curve_fit(f, (N, D), L, p0=d['p0'], sigma=1/np.sqrt(w), absolute_sigma=False, method='lm', xtol=1e-15, ftol=1e-15, gtol=1e-15, maxfev=100000)
E, lA, alpha, lB, beta = p
J = np.array([1, np.exp(lA), 1, np.exp(lB), 1])  # d (E, A, alpha, B, beta) / d (E, lA, alpha, lB, beta)
se = np.sqrt(np.diag(cov)) * J
r = L - f((N, D), *p)
print(json.dumps({'p': [E, float(np.exp(lA)), alpha, float(np.exp(lB)), beta], 'se': list(se), 'cost': float(0.5*np.sum(w*r*r))}))
`, { ...pts, w, p0: [HOFFMANN.E, Math.log(HOFFMANN.A), HOFFMANN.alpha, Math.log(HOFFMANN.B), HOFFMANN.beta] });
  if (!ref.ok) { t.skip(ref.reason); return; }
  ['E', 'A', 'alpha', 'B', 'beta'].forEach((k, j) => {
    assert.ok(rel(fit.params[k].value, ref.value.p[j]) < 1e-5, `${k}: ${fit.params[k].value} vs scipy ${ref.value.p[j]}`);
    assert.ok(rel(fit.params[k].stderr!, ref.value.se[j]) < 1e-3, `${k} SE: ${fit.params[k].stderr} vs scipy ${ref.value.se[j]}`);
  });
  assert.ok(fit.objective <= ref.value.cost * (1 + 1e-9), `objective ${fit.objective} vs scipy ${ref.value.cost}`);
});

test('weighted least squares on L with the exponents fixed is the closed form (X\'WX)^-1 X\'Wy, with s^2 (X\'WX)^-1 for the standard errors', () => {
  const runs = universalRuns(3, 0.01);
  const w = runs.map((r, i) => 1 + (i % 7));
  const fit = fitUniversal(runs, { objective: { residuals: 'loss' }, weights: w, bootstrap: 0 });
  // Closed form: the law is linear in (L0, c_m, c_l, c_D) with X = [1, 1/m, 1/l, D^(-1/3)].
  const X = runs.map((r) => [1, 1 / r.width, 1 / r.depth, r.tokens ** (-1 / 3)]);
  const p = 4, n = runs.length;
  const A = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => X.reduce((s, x, i) => s + w[i] * x[a] * x[b], 0)));
  const v = Array.from({ length: p }, (_, a) => X.reduce((s, x, i) => s + w[i] * x[a] * runs[i].loss, 0));
  const inv = invert(A);
  const beta = inv.map((row) => row.reduce((s, x, b) => s + x * v[b], 0));
  const s2 = X.reduce((s, x, i) => s + w[i] * (runs[i].loss - x.reduce((t, xa, a) => t + xa * beta[a], 0)) ** 2, 0) / (n - p);
  ['L0', 'c_m', 'c_l', 'c_D'].forEach((k, a) => {
    assert.ok(rel(fit.params[k].value, beta[a]) < 1e-7, `${k}: ${fit.params[k].value} vs closed form ${beta[a]}`);
    assert.ok(rel(fit.params[k].stderr!, Math.sqrt(s2 * inv[a][a])) < 1e-6, `${k} SE: ${fit.params[k].stderr} vs ${Math.sqrt(s2 * inv[a][a])}`);
  });
  // Weights that are all equal change nothing but the objective's scale.
  const plain = fitUniversal(runs, { objective: { residuals: 'loss' }, bootstrap: 0 });
  const twice = fitUniversal(runs, { objective: { residuals: 'loss' }, weights: runs.map(() => 2), bootstrap: 0 });
  assert.ok(rel(twice.params.c_m.value, plain.params.c_m.value) < 1e-9 && rel(twice.objective, 2 * plain.objective) < 1e-9);
});

/** Inverse of a small matrix by Gauss-Jordan elimination (the closed form's (X'WX)^-1). */
function invert(M: number[][]): number[][] {
  const p = M.length;
  const a = M.map((row, i) => [...row, ...Array.from({ length: p }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < p; c++) {
    const piv = a.reduce((best, row, r) => (r >= c && Math.abs(row[c]) > Math.abs(a[best][c]) ? r : best), c);
    [a[c], a[piv]] = [a[piv], a[c]];
    const d = a[c][c];
    a[c] = a[c].map((x) => x / d);
    for (let r = 0; r < p; r++) if (r !== c) { const f = a[r][c]; a[r] = a[r].map((x, j) => x - f * a[c][j]); }
  }
  return a.map((row) => row.slice(p));
}

test("OLMo-core's over-estimate penalty: the same optimum as scipy L-BFGS-B on OLMo-core's objective, and the law moves under the runs", (t) => {
  // OLMo-core (src/olmo_core/model_ladder/analysis/scaling_laws.py): sum w_i huber_1e-3(r_i) x (penalty if r_i < 0 else 1),
  // r = log L - log L_fit, minimised with L-BFGS-B. Here scipy minimises that objective with tight tolerances.
  const pts = epochPoints();
  const objective = { huber: 1e-3, overestimatePenalty: 10 };
  const fit = fitLaw(pts, 'chinchilla', { objective, starts: [HOFFMANN], bootstrap: 0 });
  assert.equal(fit.converged, true, fit.summary());
  assert.match(fit.summary(), /over-estimates \(r < 0\) count 10 times/);
  const sym = fitLaw(pts, 'chinchilla', { objective: { huber: 1e-3 }, starts: [HOFFMANN], bootstrap: 0 });
  const over = (f: typeof fit) => f.predict(pts.params.map((N, i) => ({ N, D: pts.tokens[i] }))).filter((y, i) => y > pts.loss[i]).length;
  assert.ok(over(fit) < over(sym), `points over-estimated: ${over(fit)} with the penalty vs ${over(sym)} without`);
  const ref = runPython<{ x: number[]; fun: number }>(`
import sys, json, numpy as np
from scipy.optimize import minimize
d = json.load(sys.stdin)
lnN, lnD, lnL = np.log(d['params']), np.log(d['tokens']), np.log(d['loss'])
def huber(r, delta=1e-3):
    a = np.abs(r)
    return np.where(a <= delta, 0.5*r**2, delta*(a - 0.5*delta))
def obj(q):
    lE, lA, alpha, lB, beta = q
    r = lnL - np.log(np.exp(lE) + np.exp(lA - alpha*lnN) + np.exp(lB - beta*lnD))
    return np.sum(huber(r) * np.where(r < 0, 10.0, 1.0))
best = None
for x0 in d['starts']:
    r = minimize(obj, x0, method='L-BFGS-B', options={'gtol': 1e-12, 'ftol': 1e-15, 'maxiter': 20000, 'maxfun': 200000})
    if best is None or r.fun < best.fun: best = r
print(json.dumps({'x': list(best.x), 'fun': float(best.fun)}))
`, { ...pts, starts: [[Math.log(HOFFMANN.E), Math.log(HOFFMANN.A), HOFFMANN.alpha, Math.log(HOFFMANN.B), HOFFMANN.beta],
    [Math.log(fit.params.E.value), Math.log(fit.params.A.value), fit.params.alpha.value, Math.log(fit.params.B.value), fit.params.beta.value]] });
  if (!ref.ok) { t.skip(ref.reason); return; }
  assert.ok(fit.objective <= ref.value.fun * (1 + 1e-8), `objective ${fit.objective} vs scipy ${ref.value.fun}`);
  const [lE, , alpha, , beta] = ref.value.x;
  assert.ok(rel(fit.params.E.value, Math.exp(lE)) < 1e-3 && Math.abs(fit.params.alpha.value - alpha) < 1e-3 && Math.abs(fit.params.beta.value - beta) < 1e-3,
    `ours E ${fit.params.E.value}, alpha ${fit.params.alpha.value}, beta ${fit.params.beta.value}; scipy ${ref.value.x}`);
});

test('the bootstrap by group resamples runs, not rows: runs given three times as checkpoints give the draws of the runs given once', () => {
  const runs = universalRuns(5, 0.01);
  const copies = [0, 1, 2].flatMap(() => runs.map((r, i) => ({ ...r, run: `run-${i}` })));
  const once = fitUniversal(runs, { bootstrap: 60, seed: 4 });
  const grouped = fitUniversal(copies, { bootstrap: 60, seed: 4, groups: 'run' });
  // Each resample draws as many groups as there are, so the counts of a run's three copies equal the counts of the run.
  for (const k of ['L0', 'c_m', 'c_l', 'c_D']) {
    once.bootstrap!.samples[k].forEach((v, b) => assert.ok(rel(grouped.bootstrap!.samples[k][b], v) < 1e-7, `${k} draw ${b}: ${grouped.bootstrap!.samples[k][b]} vs ${v}`));
  }
  assert.match(grouped.summary(), /60 resamples of 60 groups \(column 'run'\)/);
  // Rows resampled one by one, the copies look like three times the data: intervals about sqrt(3) narrower.
  const rows = fitUniversal(copies, { bootstrap: 60, seed: 4 });
  const width = (f: typeof once) => f.params.c_m.ci![1] - f.params.c_m.ci![0];
  assert.ok(width(rows) < 0.8 * width(grouped), `row bootstrap ${width(rows)} vs group bootstrap ${width(grouped)}`);
  // The weights of one resample are equal within a group.
  const groupOf = Int32Array.from({ length: 12 }, (_, i) => i % 4);
  bootstrapByRun('test', 12, ['x'], { resamples: 5, seed: 1, level: 0.95 }, (w) => {
    for (let i = 0; i < 12; i++) assert.equal(w[i], w[groupOf[i]]);
    assert.equal(w.reduce((a, b) => a + b, 0), 12);
    return { values: [0], converged: true };
  }, () => undefined, { index: groupOf, count: 4, column: 'test' });
});

test('objectives, weights and groups: bad input gets a ScalingLabError naming the option, the row and the fix', () => {
  const runs = universalRuns(1, 0.01);
  const throwsWith = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof ScalingLabError && re.test(e.message), String(re));
  throwsWith(() => fitUniversal(runs, { objective: { huber: 1e-3, penalty: 2 } as never }), /unknown key 'penalty'[\s\S]*How to fix/);
  throwsWith(() => fitUniversal(runs, { objective: { overestimatePenalty: -1 } }), /overestimatePenalty must be a positive finite number/);
  throwsWith(() => fitUniversal(runs, { objective: { residuals: 'linear' as never } }), /residuals must be 'log'.*or 'loss'/);
  throwsWith(() => fitUniversal(runs, { objective: { huber: 0 } }), /objective.huber must be a positive finite number/);
  throwsWith(() => fitUniversal(runs, { weights: [1, 2, 3] }), /weights has 3 entries but the data has 60 rows/);
  throwsWith(() => fitUniversal(runs, { weights: runs.map((_, i) => (i === 7 ? 0 : 1)) }), /row 7 \(0\)[\s\S]*exclude: \[7\]/);
  throwsWith(() => fitUniversal(runs, { weights: 'w' }), /weights names the column 'w', which is not in the data/);
  throwsWith(() => fitUniversal(runs, { groups: runs.map(() => 'one') }), /all 60 rows used in one group/);
  throwsWith(() => fitLaw(runs.map((r) => ({ N: r.width, D: r.tokens, loss: r.loss })), 'chinchilla', { groups: runs.map(() => '') }), /groups \(given array\) has no label in row 0/);
  // Excluded rows need no valid weight.
  const w = runs.map((_, i) => (i === 0 ? NaN : 1));
  assert.equal(fitUniversal(runs, { weights: w, exclude: [0], bootstrap: 0 }).n, 59);
});
