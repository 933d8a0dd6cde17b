import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw } from '../../src/fit';
import { LAWS } from '../../src/laws';
import { datasets } from '../../src/data';
import { lmSolve, LMWorkspace } from '../../src/fit/lm';
import { compileLaw, parseLaw } from '../../src/laws/expression';
import { runPython } from './fit-scipy';

// Reference numbers: Besiroglu et al. 2024 (Epoch AI), "Chinchilla Scaling: A replication attempt", as summarised in
// the shipped data/README.md: dropping the 5 highest losses, Huber (delta 1e-3, summed) on log L from Hoffmann's
// 4,500-point grid lands at A = 478, B = 2143, E = 1.817, alpha = 0.347, beta = 0.367 (the tolerances).
const epoch = () => datasets.epochChinchilla({ as: 'columns' });

/** One scipy L-BFGS-B run of the pitfall test, as its script prints it. */
interface ScipyRun { A: number; B: number; E: number; alpha: number; beta: number; nit: number; message: string; sum: number }
const HOFFMANN = LAWS.chinchilla.references.hoffmann2022.constants; // Hoffmann et al. 2022 published constants

function assertEpoch(p: Record<string, { value: number }>, label: string) {
  assert.ok(Math.abs(p.alpha.value - 0.3473) < 0.002, `${label}: alpha ${p.alpha.value}`);
  assert.ok(Math.abs(p.beta.value - 0.3672) < 0.002, `${label}: beta ${p.beta.value}`);
  assert.ok(Math.abs(p.E.value - 1.817) < 0.003, `${label}: E ${p.E.value}`);
  assert.ok(Math.abs(p.A.value / 478 - 1) < 0.05, `${label}: A ${p.A.value}`);
  assert.ok(Math.abs(p.B.value / 2143 - 1) < 0.05, `${label}: B ${p.B.value}`);
}

test("Epoch's replication: Huber 1e-3 summed from Hoffmann's grid on the 240 lowest losses", () => {
  const c = fitLaw(epoch(), 'chinchilla', { exclude: { highestLoss: 5 }, objective: { huber: 1e-3 }, starts: 'hoffmann', bootstrap: 0 });
  assert.equal(c.n, 240);
  assert.equal(c.converged, true);
  assertEpoch(c.params, 'grid fit');
  assert.ok(c.params.E.stderr! > 0 && c.params.alpha.stderr! > 0);
  assert.match(c.notes!.starts!, /4500 starts \(hoffmann\)/);
  assert.deepEqual(c.roles, { N: 'params', D: 'tokens' });
});

test('averaged-vs-summed Huber pitfall: scipy L-BFGS-B stops at Hoffmann\'s constants, the package does not', (t) => {
  // The pitfall (Epoch AI 2024): with the Huber terms averaged, the objective is ~1e-5, and L-BFGS-B's default
  // projected-gradient tolerance (pgtol 1e-5) is met almost at once, so a single start at Hoffmann's published
  // values stays there. Reproduced here with scipy itself (scipy.optimize.minimize, method L-BFGS-B, defaults).
  const e = epoch();
  const L = e.loss as number[];
  const threshold = [...L].sort((a, b) => a - b)[L.length - 5];
  const keep = L.map((v, i) => (v < threshold ? i : -1)).filter((i) => i >= 0);
  const pts = { params: keep.map((i) => e.params[i]), tokens: keep.map((i) => e.tokens[i]), loss: keep.map((i) => L[i]) };
  let tightSum: number | null = null;
  const start = [Math.log(HOFFMANN.A), Math.log(HOFFMANN.B), Math.log(HOFFMANN.E), HOFFMANN.alpha, HOFFMANN.beta];
  const ref = runPython<Record<'mean' | 'sum' | 'tight', ScipyRun>>(`
import sys, json, numpy as np
from scipy.optimize import minimize
from scipy.special import huber, logsumexp
d = json.load(sys.stdin)
lnN, lnD, lnL = np.log(d['params']), np.log(d['tokens']), np.log(d['loss'])
def obj(p, red):
    a, b, e, al, be = p
    return red(huber(1e-3, lnL - logsumexp([a - al*lnN, b - be*lnD, e*np.ones_like(lnN)], axis=0)))
out = {}
for name, red, opts in (('mean', np.mean, {}), ('sum', np.sum, {}), ('tight', np.sum, {'gtol': 1e-12, 'ftol': 1e-15, 'maxiter': 10000})):
    r = minimize(obj, d['start'], args=(red,), method='L-BFGS-B', options=opts)
    a, b, e, al, be = r.x
    out[name] = {'A': float(np.exp(a)), 'B': float(np.exp(b)), 'E': float(np.exp(e)), 'alpha': float(al), 'beta': float(be), 'nit': int(r.nit), 'message': str(r.message), 'sum': float(obj(r.x, np.sum))}
print(json.dumps(out))
`, { ...pts, start });
  if (!ref.ok) t.diagnostic(ref.reason);
  else {
    const m = ref.value.mean;
    // averaged: stays at Hoffmann's published constants (A 406.4, B 410.7, E 1.69, alpha 0.34, beta 0.28)
    assert.ok(Math.abs(m.A / HOFFMANN.A - 1) < 0.02 && Math.abs(m.B / HOFFMANN.B - 1) < 0.02, `scipy mean: A ${m.A}, B ${m.B}`);
    assert.ok(Math.abs(m.E - HOFFMANN.E) < 0.02 && Math.abs(m.alpha - HOFFMANN.alpha) < 0.01 && Math.abs(m.beta - HOFFMANN.beta) < 0.01, `scipy mean: ${JSON.stringify(m)}`);
    // Observed here: from this single start scipy's defaults stop early with the summed objective too (by the relative
    // reduction test, factr 1e7); only tight tolerances reach the optimum. Reported, not asserted.
    t.diagnostic(`scipy L-BFGS-B defaults, summed: B = ${ref.value.sum.B.toFixed(1)} after ${ref.value.sum.nit} iterations (${ref.value.sum.message})`);
    // With tight tolerances scipy reaches Epoch's fit: an independent check of where the optimum is.
    assertEpoch(Object.fromEntries(Object.entries(ref.value.tight).map(([k, v]) => [k, { value: v as number }])), 'scipy tight');
    tightSum = ref.value.tight.sum;
  }
  // The package's default (Huber summed, scale-free convergence test) from the same single start reaches Epoch's fit.
  const single = fitLaw(e, 'chinchilla', { exclude: { highestLoss: 5 }, starts: [HOFFMANN], bootstrap: 0 });
  assert.equal(single.converged, true);
  assertEpoch(single.params, 'single start at Hoffmann');
  if (tightSum !== null) assert.ok(single.objective <= tightSum * (1 + 1e-9), `objective ${single.objective} vs scipy (tight) ${tightSum}`);
  // And even an averaged objective does not stop our solver early: its convergence test is relative to the
  // objective (Gauss-Newton decrement <= 1e-10 x objective), so weights 1/n give the same optimum.
  const parsed = parseLaw(LAWS.chinchilla.expression, 'test');
  const params = ['E', 'A', 'alpha', 'B', 'beta'];
  const model = compileLaw(parsed.node, ['N', 'D'], params, new Set(['E', 'A', 'B'])).bind([Float64Array.from(pts.params as number[]), Float64Array.from(pts.tokens as number[])]);
  const n = keep.length;
  const logy = Float64Array.from(pts.loss as number[], Math.log);
  const theta = Float64Array.from([Math.log(HOFFMANN.E), Math.log(HOFFMANN.A), HOFFMANN.alpha, Math.log(HOFFMANN.B), HOFFMANN.beta]);
  const res = lmSolve({ n, p: 5, logy, model: model.model, value: model.value }, theta, { delta: 1e-3, weights: new Float64Array(n).fill(1 / n) }, new LMWorkspace(n, 5));
  assert.equal(res.converged, true);
  assert.ok(Math.abs(theta[2] - single.params.alpha.value) < 1e-4 && Math.abs(theta[4] - single.params.beta.value) < 1e-4, `averaged: alpha ${theta[2]}, beta ${theta[4]}`);
});

test("bootstrap by run gives uncertainties of the size Epoch reports", () => {
  // Reference: Besiroglu et al. 2024 bootstrap standard errors (data/README.md): E 0.026, alpha 0.015, beta 0.021.
  // Our 200 resamples (seeded) should give standard deviations within a factor 1.5 of those.
  const c = fitLaw(epoch(), 'chinchilla', { exclude: { highestLoss: 5 }, starts: [HOFFMANN], bootstrap: 200, seed: 1 });
  const sd = (xs: number[]) => { const m = xs.reduce((a, b) => a + b, 0) / xs.length; return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)); };
  const s = c.bootstrap!.samples;
  for (const [k, ref] of [['E', 0.026], ['alpha', 0.015], ['beta', 0.021]] as const) {
    const v = sd(s[k]);
    assert.ok(v > ref / 1.5 && v < ref * 1.5, `bootstrap SD of ${k}: ${v} vs Epoch ${ref}`);
  }
  const lens = Object.values(s).map((x) => x.length);
  assert.ok(lens.every((x) => x === 200));
});
