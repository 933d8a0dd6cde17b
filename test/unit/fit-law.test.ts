import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw, fitUniversal } from '../../src/fit';
import { LAWS } from '../../src/laws';
import { datasets } from '../../src/data';
import { ScalingLabError } from '../../src/errors';
import { Rng } from '../../src/util/random';

/** Test data draws: uniforms in [0, 1) from the package's seeded generator. */
function uniforms(seed: number): () => number { const g = new Rng(seed); return () => g.uniform(); }
import { runPython } from './fit-scipy';

function gaussian(rng: () => number) { return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()); }

function chinRows(seed: number, n: number, sigma: number, t = { E: 1.8, A: 400, B: 1500, alpha: 0.33, beta: 0.33 }) {
  const rng = uniforms(seed);
  return Array.from({ length: n }, () => {
    const params = 1e7 * Math.pow(1e4, rng()), tokens = 1e9 * Math.pow(1e3, rng());
    const L = t.E + t.A / Math.pow(params, t.alpha) + t.B / Math.pow(tokens, t.beta);
    return { params, tokens, loss: L * Math.exp(sigma * gaussian(rng)) };
  });
}

test('the issue example: fixed E, bounded alpha, shared exponent (noise-free recovery)', () => {
  // Reference: the generating constants (closed form, no noise).
  const rows = chinRows(1, 80, 0, { E: 1.8, A: 400, B: 1500, alpha: 0.3, beta: 0.3 });
  const g = fitLaw(rows, 'E + A / N^alpha + B / D^alpha', { fixed: { E: 1.8 }, bounds: { alpha: [0, 2] }, bootstrap: 0 });
  assert.equal(g.converged, true);
  assert.equal(g.params.E.fixed, true);
  assert.equal(g.params.E.value, 1.8);
  assert.ok(Math.abs(g.params.alpha.value - 0.3) < 1e-6, `alpha ${g.params.alpha.value}`);
  assert.ok(Math.abs(g.params.A.value / 400 - 1) < 1e-5 && Math.abs(g.params.B.value / 1500 - 1) < 1e-5);
  assert.deepEqual(g.params.alpha.bounds, [0, 2]);
  assert.equal(g.lawName, null);
  // tied form of the same law
  const tied = fitLaw(rows, 'chinchilla', { tied: { beta: 'alpha' }, fixed: { E: 1.8 }, bootstrap: 20 });
  assert.equal(tied.params.beta.tiedTo, 'alpha');
  assert.ok(Math.abs(tied.params.beta.value - 0.3) < 1e-6);
  assert.equal(tied.bootstrap!.samples.beta.length, 20);
});

test('least-squares fit of a general expression matches scipy least_squares on the same points', (t) => {
  // Reference: scipy.optimize.least_squares on r = log L - log(E + A N^-alpha + B D^-beta), run here.
  const rows = chinRows(2, 120, 0.02);
  const r = fitLaw(rows, 'E + A / N^alpha + B / D^beta', { objective: 'lsq', bootstrap: 0 });
  const ref = runPython<Record<string, number>>(`
import sys, json, numpy as np
from scipy.optimize import least_squares
d = json.load(sys.stdin)
N, D, L = (np.array([row[k] for row in d]) for k in ('params', 'tokens', 'loss'))
def res(q):
    E, a, al, b, be = q
    return np.log(L) - np.log(E + np.exp(a) * N**-al + np.exp(b) * D**-be)
best = None
for s in ([1.5, 5, 0.3, 7, 0.3], [1.0, 3, 0.2, 5, 0.2], [2.0, 7, 0.4, 9, 0.4]):
    r = least_squares(res, s, xtol=1e-15, ftol=1e-15, gtol=1e-15, method='lm')
    if best is None or r.cost < best.cost: best = r
E, a, al, b, be = best.x
print(json.dumps({'E': E, 'A': float(np.exp(a)), 'alpha': al, 'B': float(np.exp(b)), 'beta': be, 'cost': best.cost}))
`, rows);
  if (!ref.ok) { t.skip(ref.reason); return; }
  const v = ref.value;
  assert.ok(r.objective <= v.cost * (1 + 1e-8), `objective ${r.objective} vs scipy ${v.cost}`);
  for (const k of ['E', 'alpha', 'beta']) assert.ok(Math.abs(r.params[k].value - v[k]) < 1e-4, `${k}: ${r.params[k].value} vs ${v[k]}`);
  for (const k of ['A', 'B']) assert.ok(Math.abs(r.params[k].value / v[k] - 1) < 1e-3, `${k}: ${r.params[k].value} vs ${v[k]}`);
});

test('Kaplan law by name recovers Kaplan et al. 2020 constants from data generated with them', () => {
  // Reference: Kaplan et al. 2020 eq. (1.5): N_c = 8.8e13, D_c = 5.4e13, alpha_N = 0.076, alpha_D = 0.095.
  const k = LAWS.kaplan.references.kaplan2020.constants;
  const rng = uniforms(4);
  const rows = Array.from({ length: 60 }, () => {
    const params = 1e6 * Math.pow(1e5, rng()), tokens = 1e8 * Math.pow(1e4, rng());
    return { params, tokens, loss: Math.pow(Math.pow(k.N_c / params, k.alpha_N / k.alpha_D) + k.D_c / tokens, k.alpha_D) };
  });
  const r = fitLaw(rows, 'kaplan', { objective: 'lsq', starts: [{ N_c: 1e13, D_c: 1e13, alpha_N: 0.1, alpha_D: 0.1 }], bootstrap: 0 });
  assert.equal(r.converged, true);
  assert.ok(Math.abs(r.params.alpha_N.value - 0.076) < 1e-5 && Math.abs(r.params.alpha_D.value - 0.095) < 1e-5, JSON.stringify(r.params));
  assert.ok(Math.abs(r.params.N_c.value / 8.8e13 - 1) < 1e-3 && Math.abs(r.params.D_c.value / 5.4e13 - 1) < 1e-3);
});

test('fitLaw CIs cover the truth at about the nominal rate (SE intervals, 150 noisy data sets)', () => {
  // Reference: the nominal 95% rate; binomial sd 0.018 at 150 sets, band [0.89, 0.99].
  const truth: Record<string, number> = { E: 1.8, A: 400, B: 1500, alpha: 0.33, beta: 0.33 };
  const hits: Record<string, number> = { E: 0, A: 0, B: 0, alpha: 0, beta: 0 };
  const sets = 150;
  for (let s = 0; s < sets; s++) {
    const rows = chinRows(100 + s, 100, 0.01);
    const r = fitLaw(rows, 'chinchilla', { objective: 'lsq', starts: [truth], bootstrap: 0 });
    for (const k of Object.keys(truth)) { const ci = r.params[k].ci; if (ci && ci[0] <= truth[k] && truth[k] <= ci[1]) hits[k]++; }
  }
  for (const k of Object.keys(truth)) assert.ok(hits[k] / sets >= 0.89 && hits[k] / sets <= 0.99, `${k}: coverage ${hits[k] / sets}`);
});

test('universal by name through fitLaw agrees with fitUniversal', () => {
  const chin = datasets.chinchilla({ as: 'columns' });
  const a = fitLaw(chin, 'universal', { objective: 'lsq', exclude: { highestLoss: 40 }, starts: [{ L0: 1.7, c_m: 300, c_l: 3, c_D: 1000 }], bootstrap: 0 });
  const b = fitUniversal(chin, { exclude: { highestLoss: 40 }, bootstrap: 0 });
  assert.ok(Math.abs(a.coefficients!.width / b.coefficients!.width - 1) < 1e-5);
  assert.ok(Math.abs(a.coefficients!.time / b.coefficients!.time - 1) < 1e-5);
  assert.deepEqual(a.roles, { m: 'width', l: 'depth', D: 'tokens' });
  const [y] = a.predict([{ width: 4096, depth: 48, tokens: 1e12 }]);
  assert.ok(Math.abs(y - b.predict([{ width: 4096, depth: 48, tokens: 1e12 }])[0]) < 1e-6);
});

test('bad laws and options fail early with the package error', () => {
  const rows = chinRows(3, 30, 0.01);
  const err = (fn: () => unknown, code: string, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof ScalingLabError && e.code === code && re.test(e.message), `expected ${code} ${re}`);
  err(() => fitLaw(rows, 'E + A / N^'), 'bad-expression', /does not parse/);
  err(() => fitLaw(rows, 'E + A * foo(N)'), 'unknown-symbol', /unknown function 'foo'/);
  err(() => fitLaw(rows, 'chinchilla', { fixed: { gamma: 1 } }), 'unknown-parameter', /gamma/);
  err(() => fitLaw(rows, 'chinchilla', { tied: { beta: 'alpha * zeta' } }), 'unknown-symbol', /zeta/);
  err(() => fitLaw(rows, 'chinchilla', { fixed: { N: 1 } }), 'unknown-parameter', /data variable/);
  err(() => fitLaw(rows.map(({ tokens, loss }) => ({ tokens, loss })), 'chinchilla'), 'missing-column', /'N' stands for params.*Aliases tried/);
  err(() => fitLaw(rows.map((r) => ({ ...r, tokens: 1e10 })), 'chinchilla'), 'no-variation', /'D'.*does not vary/);
  err(() => fitLaw(rows.slice(0, 5), 'chinchilla'), 'too-few-points', /5 points for 5 free parameters/);
  err(() => fitLaw(rows, 'E + A / N^alpha + c * N', { starts: 'hoffmann' }), 'bad-option', /hoffmann/);
  err(() => fitLaw(rows, 'chinchilla', { start: 'hoffmann' } as never), 'unknown-option', /start/);
  err(() => fitLaw(rows.map((r, i) => ({ ...r, params: i === 2 ? 0 : r.params })), 'chinchilla'), 'bad-value', /row 2 \(0\)/);
  err(() => fitLaw(rows, 'chinchilla', { bounds: { alpha: [1, 0] } }), 'bad-option', /lower < upper/);
});
