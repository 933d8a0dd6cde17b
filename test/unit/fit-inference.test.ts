import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw, fitUniversal, fitPowerLaw } from '../../src/fit';
import { datasets } from '../../src/data';
import { ScalingLabError } from '../../src/errors';
import { normalQuantile } from '../../src/util/stats';
import { runPython } from './fit-scipy';

// The intervals of every fitter come from one place (src/fit/inference.ts): value +/- z stderr with z the
// normal quantile at the level, or the percentile interval of the bootstrap draws. References: scipy's
// norm.ppf and numpy's percentile (linear interpolation), run here.

const chin = () => datasets.chinchilla({ as: 'columns' });
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

test('normalQuantile agrees with scipy.stats.norm.ppf to 1e-12', (t) => {
  const ps = [1e-10, 0.005, 0.025, 0.05, 0.3, 0.5, 0.8, 0.95, 0.975, 0.995];
  const ref = runPython<number[]>('import sys, json\nfrom scipy.stats import norm\nprint(json.dumps([float(norm.ppf(p)) for p in json.load(sys.stdin)]))', ps);
  if (!ref.ok) { t.skip(ref.reason); return; }
  ps.forEach((p, i) => assert.ok(Math.abs(normalQuantile(p) - ref.value[i]) <= 1e-12 * Math.max(1, Math.abs(ref.value[i])), `p ${p}: ${normalQuantile(p)} vs scipy ${ref.value[i]}`));
});

test('level sets the standard-error intervals (z from scipy) and the bootstrap percentiles (numpy) of fitUniversal', (t) => {
  const se = fitUniversal(chin(), { exclude: { highestLoss: 40 }, bootstrap: 0, level: 0.9 });
  const boot = fitUniversal(chin(), { exclude: { highestLoss: 40 }, bootstrap: 60, seed: 2, level: 0.8 });
  const ref = runPython<{ z: number; pct: Record<string, number[]> }>(`
import sys, json, numpy as np
from scipy.stats import norm
d = json.load(sys.stdin)
print(json.dumps({'z': float(norm.ppf(0.95)), 'pct': {k: list(np.percentile(v, [10, 90])) for k, v in d.items()}}))`, boot.bootstrap!.samples);
  if (!ref.ok) { t.skip(ref.reason); return; }
  assert.equal(se.level, 0.9);
  for (const k of ['L0', 'c_m', 'c_l', 'c_D']) {
    const p = se.params[k];
    assert.ok(rel(p.ci![0], p.value - ref.value.z * p.stderr!) < 1e-12 && rel(p.ci![1], p.value + ref.value.z * p.stderr!) < 1e-12, `${k}: ${p.ci}`);
    const q = boot.params[k];
    assert.ok(rel(q.ci![0], ref.value.pct[k][0]) < 1e-12 && rel(q.ci![1], ref.value.pct[k][1]) < 1e-12, `${k}: ${q.ci} vs numpy ${ref.value.pct[k]}`);
  }
  assert.match(se.summary(), /90% CI \(value \+\/- 1\.645 SE\)/);
  assert.match(boot.summary(), /80% CI \(bootstrap, 60 resamples by run, seed 2\)/);
});

test('level reaches the free exponents and the universality verdict', () => {
  const free = fitUniversal(chin(), { exponents: 'free', exclude: { highestLoss: 40 }, bootstrap: 0, level: 0.5 });
  const wide = fitUniversal(chin(), { exponents: 'free', exclude: { highestLoss: 40 }, bootstrap: 0 });
  // Same fit, narrower normal interval: the half-widths scale as z(0.75) / z(0.975).
  const half = (ci: [number, number] | null) => (ci![1] - ci![0]) / 2;
  const ratio = half(free.params.a_m.ci) / half(wide.params.a_m.ci);
  assert.ok(Math.abs(ratio - normalQuantile(0.75) / normalQuantile(0.975)) < 1e-12, `ratio ${ratio}`);
  assert.equal(free.params.a_m.stderr, wide.params.a_m.stderr);
  // Freeing improves this fit significantly (p = 0.026), so the verdict names the interval's level.
  assert.ok(free.universality!.pValue < 0.05);
  assert.match(free.universality!.verdict, /outside the 50% CI for/);
  assert.deepEqual(free.universality!.exponents.width.ci, free.params.a_m.ci);
});

test('fitLaw: level sets the bootstrap interval of free and tied parameters (numpy percentile)', (t) => {
  const cols = chin();
  const rows = (cols.loss as number[]).map((loss, i) => ({ N: (cols.params as number[])[i], D: (cols.tokens as number[])[i], loss }));
  const r = fitLaw(rows, 'chinchilla', { tied: { beta: 'alpha' }, fixed: { E: 1.8 }, bootstrap: 40, seed: 5, level: 0.7 });
  const ref = runPython<Record<string, number[]>>(`
import sys, json, numpy as np
d = json.load(sys.stdin)
print(json.dumps({k: list(np.percentile(v, [15, 85])) for k, v in d.items()}))`, r.bootstrap!.samples);
  if (!ref.ok) { t.skip(ref.reason); return; }
  assert.deepEqual(Object.keys(r.bootstrap!.samples).sort(), ['A', 'B', 'alpha', 'beta']);
  for (const k of ['A', 'B', 'alpha', 'beta']) {
    assert.ok(rel(r.params[k].ci![0], ref.value[k][0]) < 1e-12 && rel(r.params[k].ci![1], ref.value[k][1]) < 1e-12, `${k}: ${r.params[k].ci} vs ${ref.value[k]}`);
  }
  assert.equal(r.params.E.ci, null);
});

test('fitPowerLaw: level sets both intervals (z from scipy, the coefficient in log space)', (t) => {
  const pairs = datasets.porianRecipes({ table: 'optimal', as: 'columns' });
  const opts = { x: 'flops', y: 'n_star', logStd: 'n_star_log_std', where: { recipe: 'RefinedWeb|Cosine decay' } };
  const a = fitPowerLaw(pairs, { ...opts, level: 0.99 });
  const ref = runPython<number>('from scipy.stats import norm\nimport json\nprint(json.dumps(float(norm.ppf(0.995))))', null);
  if (!ref.ok) { t.skip(ref.reason); return; }
  const z = ref.value, e = a.exponent, c = a.coefficient;
  assert.ok(rel(e.ci[0], e.value - z * e.stderr) < 1e-12 && rel(e.ci[1], e.value + z * e.stderr) < 1e-12);
  const seLog = c.stderr / c.value;
  assert.ok(rel(c.ci[0], Math.exp(Math.log(c.value) - z * seLog)) < 1e-12 && rel(c.ci[1], Math.exp(Math.log(c.value) + z * seLog)) < 1e-12);
  assert.match(a.summary(), /99% CI/);
});

test('a bad level is a package error naming the option', () => {
  const isLevelError = (e: unknown) => e instanceof ScalingLabError && e.code === 'bad-option' && /level must be a number in \(0, 1\)/.test(e.message);
  assert.throws(() => fitUniversal(chin(), { level: 95 }), isLevelError);
  assert.throws(() => fitLaw(chin(), 'chinchilla', { level: 0 }), isLevelError);
  assert.throws(() => fitPowerLaw(datasets.porianRecipes({ table: 'optimal', as: 'columns' }), { x: 'flops', y: 'n_star', level: 1 }), isLevelError);
});
