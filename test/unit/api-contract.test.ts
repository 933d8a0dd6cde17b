// The calls the issues list "exactly as written" (fitting, frontier/recipes, toys): each runs as
// written and returns the documented shape. Values are checked against the papers in the other tests;
// here the references are the definitions themselves (closed forms noted inline).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitUniversal, fitLaw, frontier, compareRecipes, fitPowerLaw, datasets, runToy } from '../../src';

const isCI = (ci: unknown) => Array.isArray(ci) && ci.length === 2 && ci[0] <= ci[1];

test('fitting calls as written in the fitting issue', { timeout: 300_000 }, () => {
  const chin = datasets.chinchilla();
  const u = fitUniversal(chin, { exclude: { highestLoss: 40 } });
  assert.deepEqual(Object.keys(u.coefficients!).sort(), ['L0', 'depth', 'time', 'width']);
  assert.deepEqual(u.exponents, { width: 1, depth: 1, time: 1 / 3 });
  for (const role of ['width', 'depth', 'time'] as const) {
    const p = u.params[role];
    assert.equal(p.value, u.coefficients![role], `params.${role} is the ${role} coefficient`);
    assert.ok(p.stderr! > 0 && isCI(p.ci) && p.fixed === false, `params.${role}: ${JSON.stringify(p)}`);
  }
  const free = fitUniversal(chin, { exponents: 'free', exclude: { highestLoss: 40 } });
  const uni = free.universality!;
  assert.ok(uni.pValue >= 0 && uni.pValue <= 1 && uni.df === 3 && Number.isFinite(uni.statistic));
  assert.ok(Number.isFinite(uni.deltaAIC) && Number.isFinite(uni.deltaBIC) && typeof uni.verdict === 'string');
  const c = fitLaw(chin, 'chinchilla', { exclude: { highestLoss: 5 }, objective: { huber: 1e-3 }, starts: 'hoffmann' });
  assert.ok(c.params.alpha.value > 0 && c.params.A.value > 0 && c.params.E.stderr! > 0);
  assert.ok(c.objective > 0 && typeof c.converged === 'boolean');
  const cols = datasets.chinchilla({ as: 'columns' }) as unknown as Record<string, number[]>;
  const rows = cols.loss.map((loss, i) => ({ N: cols.params[i], D: cols.tokens[i], loss }));
  const g = fitLaw(rows, 'E + A / N^alpha + B / D^alpha', { fixed: { E: 1.8 }, bounds: { alpha: [0, 2] }, bootstrap: 0 });
  assert.equal(g.params.E.value, 1.8);
  assert.equal(g.params.E.fixed, true);
  assert.ok(g.params.alpha.value >= 0 && g.params.alpha.value <= 2);
  const [y] = u.predict([{ width: 4096, depth: 48, tokens: 1e12 }]);
  // closed form of the fitted law at that point
  const k = u.coefficients!;
  assert.ok(Math.abs(y - (k.L0 + k.width / 4096 + k.depth / 48 + k.time * 1e12 ** (-1 / 3))) < 1e-12);
  assert.match(u.summary(), /c_m[\s\S]*95% CI/);
  assert.equal(u.table().shape[0], Object.keys(u.params).length);
});

test('frontier and recipe calls as written in the frontier issue', { timeout: 300_000 }, () => {
  const u = fitUniversal(datasets.chinchilla(), { exclude: { highestLoss: 40 }, bootstrap: 50 });
  const f = frontier(u, { budgets: [1e20, 1e22, 1e24] });
  assert.deepEqual(f.table().columns.filter((c: string) => !/_(lo|hi)$/.test(c)), ['flops', 'params', 'tokens', 'width', 'depth', 'tokensPerParam', 'loss']);
  const k = u.coefficients!;
  assert.ok(Math.abs(f.aspectRatio! - k.width / (2 * k.depth)) < 1e-9 * f.aspectRatio!);      // m*/l* = c_m / (2 c_l)
  const cN = Math.cbrt((27 / 4) * 12 * k.width ** 2 * k.depth);                                   // c_N = (27/4 k c_m^2 c_l)^(1/3)
  assert.ok(Math.abs(f.tokensPerParam / (k.time / cN) ** 3 - 1) < 1e-9);                          // D*/N* = (c_D / c_N)^3
  assert.equal(f.lossExponent, -1 / 6);
  assert.equal(f.at(5.76e23).flops, 5.76e23);
  assert.equal(frontier(u, { budgets: { from: 1e18, to: 1e26, count: 50 } }).rows.length, 50);
  const fc = frontier(fitLaw(datasets.epochChinchilla(), 'chinchilla', { bootstrap: 0 }), { budgets: [5.76e23] });
  assert.ok(fc.at(5.76e23).params > 0);
  const known = frontier({ law: 'chinchilla', params: { A: 406.4, B: 410.7, E: 1.69, alpha: 0.34, beta: 0.28 } }, { budgets: [5.76e23] });
  assert.ok(known.at(5.76e23).tokens > 0);
  const r = compareRecipes(datasets.porianRecipes(), { recipe: 'setting', budgets: [1e19, 1e21, 1e23], bootstrap: 20, testExponents: false });
  assert.ok(Object.keys(r.recipes).length >= 5);
  assert.equal(r.table().shape[0], Object.keys(r.recipes).length);
  assert.ok(r.multiplier('RefinedWeb|Cosine decay', 'RefinedWeb|Correcting warmup', 1e21) > 0);
  assert.match(r.summary(), /Cosine decay/);
  const pl = fitPowerLaw(datasets.porianRecipes({ table: 'optimal' }), { x: 'flops', y: 'n_star', logStd: 'n_star_log_std' });
  assert.ok(pl.exponent.stderr > 0 && isCI(pl.exponent.ci) && pl.coefficient.value > 0);
  assert.ok(Math.abs(pl.predict(1e20) - pl.coefficient.value * 1e20 ** pl.exponent.value) < 1e-6 * pl.predict(1e20));
});

test('toy call as written in the toy issue: progress, abort signal, backend and timing fields', { timeout: 120_000 }, async () => {
  const controller = new AbortController();
  const events: number[] = [];
  const w = await runToy('superposition-width', { steps: 100, onProgress: (p) => events.push(p.fraction), signal: controller.signal });
  assert.ok(['tensorflow', 'wasm', 'cpu'].includes(w.backend));
  assert.ok(w.seconds > 0 && Number.isFinite(w.exponent.value));
  assert.equal(events[events.length - 1], 1);
});
