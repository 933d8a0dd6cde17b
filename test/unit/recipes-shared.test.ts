import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testSharedExponents, rankAgreement, kendallTau } from '../../src/recipes';
import { sharedVerdict } from '../../src/recipes/sharedExponentsReport';
import type { SharedExponentTest } from '../../src/recipes';
import { ScalingLabError } from '../../src/errors';
import { Rng } from '../../src/util/random';
import { normalQuantile } from '../../src/util/stats';
import { runPython } from './fit-scipy';

interface Law { L0: number; c_N: number; a_N: number; c_D: number; a_D: number }

/** Runs of L0 + c_N/N^a_N + c_D/D^a_D on an N x D grid, with log-normal noise of SD `noise` (seeded), labelled by `group`. */
function runs(group: string, c: Law, noise: number, seed: number) {
  const rng = new Rng(seed);
  const rows: Array<Record<string, number | string>> = [];
  for (const N of [1e7, 3e7, 1e8, 3e8, 1e9, 3e9]) for (const D of [1e9, 3e9, 1e10, 3e10, 1e11]) {
    const L = c.L0 + c.c_N / N ** c.a_N + c.c_D / D ** c.a_D;
    rows.push({ group, params: N, tokens: D, loss: L * Math.exp(noise * rng.normal()) });
  }
  return rows;
}

const A: Law = { L0: 1.8, c_N: 400, a_N: 0.34, c_D: 2000, a_D: 0.37 };
const B: Law = { L0: 1.6, c_N: 300, a_N: 0.34, c_D: 2500, a_D: 0.37 };

test('shared exponents: groups that differ only in coefficients pass the test, and the shifts are the generating ones', () => {
  const data = [...runs('A', A, 0.003, 1), ...runs('B', B, 0.003, 2)];
  const t = testSharedExponents(data, { group: 'group' });
  assert.deepEqual(t.shared, ['a_N', 'a_D']);
  assert.deepEqual(t.groups, ['A', 'B']);
  assert.equal(t.n, 60);
  assert.equal(t.df, 2);
  assert.ok(t.determined, t.undetermined.join('; '));
  // The likelihood-ratio statistic is chi^2 with 2 df under the truth: above its 99.9% quantile (13.8) would be a failure.
  assert.ok(t.statistic < 13.8, `LR ${t.statistic}`);
  for (const [p, v] of [['a_N', 0.34], ['a_D', 0.37]] as const) {
    const e = t.joint.fit.params[p];
    assert.ok(Math.abs(e.value - v) < 3 * e.stderr!, `${p} = ${e.value} ± ${e.stderr}, generated ${v}`);
  }
  const shift = t.coefficients.B.L0;
  assert.ok(Math.abs(shift.shift - (B.L0 - A.L0)) < 3 * shift.shiftStderr!, `L0 shift ${shift.shift} ± ${shift.shiftStderr}`);
  assert.equal(t.coefficients.A.L0.shift, 0);
  assert.match(t.verdict, /^Shared exponents are consistent with the data/);
  assert.match(t.verdict, /L0 -0\.\d+ ± [\d.]+ in 'B'/);
  assert.deepEqual(t.table().columns.slice(0, 5), ['group', 'n', 'a_N', 'a_N_lo', 'a_N_hi']);
});

test('shared exponents: a group with another data exponent is told apart', () => {
  // C's data term, 600 / D^0.28, falls from 1.8 to 0.5 over the tokens: its exponent is well determined.
  const data = [...runs('A', A, 0.003, 1), ...runs('C', { ...B, c_D: 600, a_D: 0.28 }, 0.003, 2)];
  const t = testSharedExponents(data, { group: 'group' });
  assert.ok(t.determined);
  assert.ok(t.pValue < 1e-6, `p = ${t.pValue}`);
  assert.ok(t.deltaAIC > 0 && t.deltaBIC > 0);
  assert.match(t.verdict, /^The exponents differ between groups/);
});

test('shared exponents: the likelihood-ratio statistic equals scipy least_squares fits of the same points', (t) => {
  const data = [...runs('A', A, 0.01, 3), ...runs('C', { ...B, a_N: 0.3 }, 0.01, 4)];
  const ours = testSharedExponents(data, { group: 'group' });
  const py = runPython<{ ssrFree: number; ssrShared: number }>(`
import json, sys, numpy as np
from scipy.optimize import least_squares
rows = json.load(sys.stdin)
g = np.array([r['group'] for r in rows]); N = np.array([r['params'] for r in rows]); D = np.array([r['tokens'] for r in rows]); L = np.array([r['loss'] for r in rows])
def law(N, D, L0, cN, aN, cD, aD): return L0 + cN * N**-aN + cD * D**-aD
def fit(res, x0): return least_squares(res, x0, method='lm', xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=100000)
ssr_free = 0.0
for k in ['A', 'C']:
    m = g == k
    r = fit(lambda p: np.log(law(N[m], D[m], p[0], np.exp(p[1]), p[2], np.exp(p[3]), p[4])) - np.log(L[m]), [1.5, np.log(300), 0.3, np.log(2000), 0.35])
    ssr_free += 2 * r.cost
a = g == 'A'
def joint(p):
    f = np.where(a, law(N, D, p[0], np.exp(p[1]), p[4], np.exp(p[2]), p[5]), law(N, D, p[3], np.exp(p[6]), p[4], np.exp(p[7]), p[5]))
    return np.log(f) - np.log(L)
r = fit(joint, [1.5, np.log(300), np.log(2000), 1.5, 0.3, 0.35, np.log(300), np.log(2000)])
print(json.dumps({'ssrFree': ssr_free, 'ssrShared': 2 * r.cost}))
`, data);
  if (!py.ok) { t.skip(py.reason); return; }
  const expected = ours.n * Math.log(py.value.ssrShared / py.value.ssrFree);
  assert.ok(Math.abs(ours.statistic - expected) < 1e-4 * Math.max(1, expected), `ours ${ours.statistic}, scipy ${expected}`);
});

test('shared exponents: the verdict says the data cannot tell when a fit did not converge or an exponent is undetermined', () => {
  const t = { statistic: 72.4, df: 3, pValue: 5e-12, deltaAIC: 66.4, deltaBIC: 55, determined: false, undetermined: ["the fit of group '200' did not converge"] } as unknown as SharedExponentTest;
  assert.match(sharedVerdict(t), /^The data cannot tell whether the groups share their exponents: the fit of group '200' did not converge \(as computed: LR = 72\.4 on 3 df/);
});

test('shared exponents: group order is kept for names that look like numbers, and bad input names the fix', () => {
  const data = [...runs('64', A, 0.003, 1), ...runs('8', B, 0.003, 2)];
  const t = testSharedExponents(data, { group: 'group' });
  assert.deepEqual(t.groups, ['64', '8']);
  assert.equal(t.coefficients['64'].L0.shift, 0);
  assert.match(t.summary(), /'8' minus '64'/);
  const err = (fn: () => unknown, code: string, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof ScalingLabError && e.code === code && re.test(e.message));
  err(() => testSharedExponents(data, { group: 'setting' }), 'missing-column', /no group column 'setting'[\s\S]*Columns present: group, params, tokens, loss/);
  err(() => testSharedExponents(runs('A', A, 0.003, 1), { group: 'group' }), 'too-few-groups', /column 'group' has 1 group \('A'\)/);
  err(() => testSharedExponents(data, { group: 'group', shared: ['alpha'] }), 'unknown-parameter', /shared names 'alpha'[\s\S]*free parameters: L0, c_N, a_N, c_D, a_D/);
  err(() => testSharedExponents(data, { group: 'group', groups: ['64', '9'] }), 'missing-group', /no runs in group '9'[\s\S]*groups present: 64, 8/);
  err(() => testSharedExponents(data, { group: 'group', tolerance: 1 } as never), 'unknown-option', /unknown option 'tolerance'/);
});

test('kendallTau: by hand and against scipy.stats.kendalltau', (t) => {
  assert.deepEqual(kendallTau([1, 2, 3], [1, 3, 2]), { tau: 1 / 3, pairs: 3 });
  assert.deepEqual(kendallTau([1, NaN, 3, 2], [1, 5, 3, 2]), { tau: 1, pairs: 3 });
  const x = [3.1, 2.7, 4.4, 1.2, 5.9, 0.3, 2.2], y = [2.0, 2.9, 3.5, 0.1, 4.2, 1.1, 3.3];
  const py = runPython<number>('import json, sys\nfrom scipy.stats import kendalltau\nd = json.load(sys.stdin)\nprint(json.dumps(kendalltau(d[0], d[1]).statistic))', [x, y]);
  if (!py.ok) { t.skip(py.reason); return; }
  assert.ok(Math.abs(kendallTau(x, y).tau - py.value) < 1e-12, `${kendallTau(x, y).tau} vs ${py.value}`);
});

test('rankAgreement: the expected tau of two items is 2 Phi(|gap| / sigma) - 1, and the draws are seeded', () => {
  // One pair, gap 0.1, sigmas 0.06 and 0.08: P(concordant) = Phi(0.1 / 0.1) = 0.8413, expected tau 0.6827.
  const budget = { label: 1e20, predicted: [3.0, 3.1], measured: [3.0, 3.1], sigma: [0.06, 0.08], names: ['a', 'b'] };
  const r = rankAgreement([budget], { draws: 20000, seed: 3 });
  const p = 0.841344746;
  const mcError = Math.sqrt((4 * p * (1 - p)) / 20000);
  assert.ok(Math.abs(r.budgets[0].expected - (2 * p - 1)) < 4 * mcError, `${r.budgets[0].expected} vs ${2 * p - 1}`);
  assert.ok(Math.abs(r.budgets[0].sd - 2 * Math.sqrt(p * (1 - p))) < 0.01);
  assert.equal(r.budgets[0].tau, 1);
  assert.deepEqual(rankAgreement([budget], { draws: 500, seed: 3 }).pooled, rankAgreement([budget], { draws: 500, seed: 3 }).pooled);
  // Zero sigma: the measured order is certain.
  assert.equal(rankAgreement([{ ...budget, sigma: [0, 0] }]).pooled.expected, 1);
  assert.ok(normalQuantile(p) > 0.999 && normalQuantile(p) < 1.001);
});

test('rankAgreement: pairs ordered against the measurement are named, items without a measurement are left out, bad input is named', () => {
  const r = rankAgreement([
    { label: 'C1', predicted: [1, 2, 3], measured: [1, 3, 2], sigma: [0.1, 0.1, 0.1], names: ['x', 'y', 'z'] },
    { label: 'C2', predicted: [1, 2, 3], measured: [1, NaN, 3], sigma: [0.1, 0.1, 0.1], names: ['x', 'y', 'z'] },
  ]);
  assert.deepEqual(r.budgets[0].discordant, [['y', 'z']]);
  assert.equal(r.budgets[1].pairs, 1);
  assert.equal(r.pooled.pairs, 4);
  assert.equal(r.pooled.tau, (1 + 1 - 1 + 1) / 4);
  assert.match(r.summary(), /C1: tau 0\.333 over 3 pairs.*ordered against the measurement: y \/ z/);
  assert.throws(() => rankAgreement([{ label: 1, predicted: [1, 2], measured: [1], sigma: [0, 0] }]), /budget 0 needs predicted, measured and sigma arrays of one length/);
  assert.throws(() => rankAgreement([{ label: 1, predicted: [1, 2], measured: [1, 2], sigma: [0, -1] }]), /sigma must be a finite number >= 0, got -1/);
});
