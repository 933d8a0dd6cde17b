import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fitPowerLaw } from '../../src/fit';
import { toColumns } from '../../src/data/columns';
import { dataDir, datasets } from '../../src/data/datasets';

/** The shipped copy of porian2024_optimal_pairs.csv (Porian et al.'s file, unedited). */
const porianPairs = () => path.join(dataDir(), 'porian2024_optimal_pairs.csv');

function settingRows(file: string, setting: string): Array<Record<string, number | string>> {
  const cols = toColumns(file, 'test');
  const n = cols.setting.length;
  const rows: Array<Record<string, number | string>> = [];
  for (let i = 0; i < n; i++) {
    if (cols.setting[i] !== setting) continue;
    rows.push(Object.fromEntries(Object.keys(cols).map((k) => [k, cols[k][i]])));
  }
  return rows;
}

// Reference: Porian et al. 2024 ("Resolving Discrepancies in Compute-Optimal Scaling of Language Models"),
// the exponent a in N* ~ C^a on RefinedWeb as one recipe change is made at a time:
// 0.835, 0.706, 0.602, 0.571, 0.497 (data README). The fit is weighted by 1/n_star_log_std^2 as theirs.
test('Porian et al. allocation exponents per RefinedWeb setting, within 0.01', () => {
  const file = porianPairs();
  const published: Array<[string, number]> = [
    ['RefinedWeb|Reproducing Kaplan et al.', 0.835],
    ['RefinedWeb|Counting last layer FLOPs', 0.706],
    ['RefinedWeb|Correcting warmup', 0.602],
    ['RefinedWeb|Cosine decay', 0.571],
    ['RefinedWeb|Optimizer tuning (no decay)', 0.497],
  ];
  for (const [setting, a] of published) {
    const fit = fitPowerLaw(settingRows(file, setting), { x: 'flops', y: 'n_star', logStd: 'n_star_log_std' });
    assert.ok(Math.abs(fit.exponent.value - a) < 0.01, `${setting}: ${fit.exponent.value} vs published ${a}`);
    assert.ok(fit.exponent.ci[0] < fit.exponent.value && fit.exponent.value < fit.exponent.ci[1]);
    assert.ok(Math.abs(fit.predict(1e19) / (fit.coefficient.value * 1e19 ** fit.exponent.value) - 1) < 1e-12);
  }
  // The same series picked with where, from the shipped data set (Porian's 'setting' is its 'recipe' column).
  const viaWhere = fitPowerLaw(datasets.porianRecipes({ table: 'optimal', as: 'columns' }), { x: 'flops', y: 'n_star', logStd: 'n_star_log_std', where: { recipe: 'RefinedWeb|Cosine decay' } });
  assert.ok(Math.abs(viaWhere.exponent.value - 0.571) < 0.01);
  assert.throws(() => fitPowerLaw(datasets.porianRecipes({ table: 'optimal', as: 'columns' }), { x: 'flops', y: 'n_star', where: { recipe: 'Cosine' } }), /no row matches where/);
  // The setting with an empty first row: that row is left out and reported.
  const counting = fitPowerLaw(settingRows(file, 'RefinedWeb|Counting last layer FLOPs'), { x: 'flops', y: 'n_star', logStd: 'n_star_log_std' });
  assert.equal(counting.n, 11);
  assert.deepEqual(counting.dropped, [0]);
  assert.match(counting.summary(), /1 rows with missing values/);
});

// Reference: numpy (python3 on this machine), the same weighted regression by np.linalg with the
// covariance scaled by the reduced chi-square (scipy curve_fit's absolute_sigma=False convention).
test('standard errors match numpy weighted least squares', (t) => {
  const file = porianPairs();
  const setting = 'RefinedWeb|Cosine decay';
  const script = `
import csv, json, numpy as np
rows = [r for r in csv.DictReader(open(${JSON.stringify(file)})) if r['setting'] == ${JSON.stringify(setting)} and r['n_star_log_std'] != '']
x = np.log([float(r['flops']) for r in rows]); y = np.log([float(r['n_star']) for r in rows])
w = 1 / np.array([float(r['n_star_log_std']) for r in rows])**2
X = np.vstack([np.ones_like(x), x]).T
A = X.T @ (w[:, None] * X); beta = np.linalg.solve(A, X.T @ (w * y))
res = y - X @ beta; red = (w * res**2).sum() / (len(x) - 2)
cov = np.linalg.inv(A)
print(json.dumps({'b': beta[1], 'a': beta[0], 'seb_rel': float(np.sqrt(red * cov[1,1])), 'seb_abs': float(np.sqrt(cov[1,1])), 'sea_rel': float(np.sqrt(red * cov[0,0]))}))
`;
  const out = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  if (out.status !== 0) { t.skip(`python3 with numpy not available: ${out.stderr}`); return; }
  const ref = JSON.parse(out.stdout);
  const data = settingRows(file, setting);
  const rel = fitPowerLaw(data, { x: 'flops', y: 'n_star', logStd: 'n_star_log_std' });
  const abs = fitPowerLaw(data, { x: 'flops', y: 'n_star', logStd: 'n_star_log_std', absoluteSigma: true });
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.abs(b);
  assert.ok(close(rel.exponent.value, ref.b));
  assert.ok(close(Math.log(rel.coefficient.value), ref.a));
  assert.ok(close(rel.exponent.stderr, ref.seb_rel));
  assert.ok(close(abs.exponent.stderr, ref.seb_abs));
  assert.ok(close(rel.coefficient.stderr / rel.coefficient.value, ref.sea_rel));
});

test('fitPowerLaw names missing columns and bad values', () => {
  assert.throws(() => fitPowerLaw({ flops: [1, 2, 3], n: [1, 2, 3] }, { x: 'flops', y: 'n_star' }), /no column 'n_star'/);
  assert.throws(() => fitPowerLaw({ flops: [1, 2, 3], n: [1, -2, 3] }, { x: 'flops', y: 'n' }), /row 1/);
  assert.throws(() => fitPowerLaw({ flops: [1, 2], n: [1, 2] }, { x: 'flops', y: 'n' }), /at least 3/);
  assert.throws(() => fitPowerLaw({ flops: [1, 2, 3], n: [1, 2, 3] }, { x: 'flops', y: 'n', std: 's' } as never), /unknown option 'std'/);
});
