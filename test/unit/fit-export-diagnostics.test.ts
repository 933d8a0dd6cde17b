// Issue 15 items 7 and 8: the diagnostics every report carries, and a fit's export and reload.
// References: the runs test's exact null distribution (Wald and Wolfowitz 1940, closed form in binomial
// coefficients); the export round trip against the fit it came from (same predictions, same frontier).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw, fitUniversal, fitFromJSON, type LawFunction } from '../../src/fit';
import { runsTest } from '../../src/fit/diagnostics';
import { frontier } from '../../src/frontier';
import { datasets } from '../../src/data';
import { ScalingLabError } from '../../src/errors';
import { Rng } from '../../src/util/random';

function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/** P(R <= r) for R the number of runs of n1 pluses and n2 minuses in random order (Wald-Wolfowitz, exact). */
function exactRunsCdf(n1: number, n2: number, r: number): number {
  const total = choose(n1 + n2, n1);
  let p = 0;
  for (let runs = 2; runs <= r; runs++) {
    const k = Math.floor(runs / 2);
    p += runs % 2 === 0
      ? (2 * choose(n1 - 1, k - 1) * choose(n2 - 1, k - 1)) / total
      : (choose(n1 - 1, k) * choose(n2 - 1, k - 1) + choose(n1 - 1, k - 1) * choose(n2 - 1, k)) / total;
  }
  return p;
}

test('the runs test of the residual signs: its p-value is within 0.02 of the exact Wald-Wolfowitz probability', () => {
  const rng = new Rng(7);
  const n = 40;
  const x = Float64Array.from({ length: n }, (_, i) => i);
  for (const blocks of [2, 4, 8, 14, 20]) {
    // Residual signs in `blocks` runs along x, random sizes: from strong lack of fit (2 runs) to none.
    const r = new Float64Array(n);
    const cuts = new Set<number>();
    while (cuts.size < blocks - 1) cuts.add(1 + Math.floor(rng.uniform() * (n - 1)));
    let sign = 1;
    for (let i = 0; i < n; i++) { if (cuts.has(i)) sign = -sign; r[i] = sign * (0.1 + rng.uniform()); }
    const t = runsTest(r, x, 'x', 'x');
    const n1 = Array.from(r).filter((v) => v > 0).length;
    if (n1 < 2 || n - n1 < 2) continue;
    assert.equal(t.runs, blocks);
    const exact = exactRunsCdf(n1, n - n1, t.runs);
    assert.ok(Math.abs(t.pValue - exact) < 0.02, `${blocks} runs (n1 ${n1}): p ${t.pValue} vs exact ${exact}`);
  }
});

test('diagnostics: a law that misses a trend is flagged along that variable, the right law is not; bounds and correlated pairs are named', () => {
  // L = 2 + 50 N^-0.5 with 0.3% noise: a pure power law (no offset) misses the floor, in blocks along N.
  const rng = new Rng(3);
  const N = Array.from({ length: 60 }, (_, i) => 1e3 * 10 ** (i / 12));
  const loss = N.map((v) => (2 + 50 * v ** -0.5) * Math.exp(0.003 * rng.normal()));
  const noFloor = fitLaw({ N, loss }, 'A / N^alpha', { bootstrap: 0 });
  const right = fitLaw({ N, loss }, 'E + A / N^alpha', { bootstrap: 0 });
  assert.equal(noFloor.diagnostics.lackOfFit[0].flagged, true, noFloor.summary());
  assert.equal(right.diagnostics.lackOfFit[0].flagged, false, right.summary());
  assert.match(noFloor.summary(), /the residuals come in blocks along N: the law misses a trend there/);
  // E bounded below the truth sits at its bound; A and alpha of a power law are strongly correlated.
  const bounded = fitLaw({ N, loss }, 'E + A / N^alpha', { bootstrap: 0, bounds: { E: [0, 1.5] } });
  assert.deepEqual(bounded.diagnostics.atBound.map((b) => [b.name, b.bound]), [['E', 1.5]]);
  assert.ok(right.diagnostics.correlated.some((c) => [c.a, c.b].sort().join() === 'A,alpha'), JSON.stringify(right.diagnostics.correlated));
});

test('export and reload: fitFromJSON(JSON.stringify(fit)) predicts the same values, gives the same frontier and summary', () => {
  const runs = datasets.chinchilla();
  const fit = fitUniversal(runs, { exclude: { highestLoss: 40 }, bootstrap: 20, seed: 1 });
  const back = fitFromJSON(JSON.stringify(fit));
  assert.deepEqual(back.params, fit.params);
  assert.deepEqual(back.coefficients, fit.coefficients);
  const rows = [{ width: 1024, depth: 12, tokens: 1e10 }, { width: 8192, depth: 80, tokens: 1.4e12 }];
  assert.deepEqual(back.predict(rows), fit.predict(rows));
  assert.equal(back.summary(), fit.summary());
  const budgets = [1e20, 1e22, 1e24];
  assert.deepEqual(frontier(back, { budgets }).rows, frontier(fit, { budgets }).rows);

  // An expression law with an infinite bound and a tied parameter, through JSON text.
  const law = fitLaw(datasets.epochChinchilla({ as: 'columns' }), 'E + A / N^alpha + B / D^beta', { tied: { beta: 'alpha' }, bounds: { E: [0, Infinity] }, bootstrap: 0 });
  const reloaded = fitFromJSON(JSON.stringify(law));
  assert.deepEqual(reloaded.params, law.params);
  const at = [{ N: 7e10, D: 1.4e12 }];
  assert.deepEqual(reloaded.predict(at), law.predict(at));
});

test('export and reload of a function law needs the function again, with an error that says so', () => {
  const square: LawFunction = function square(p, x) { return p.E + p.A / x.N ** p.alpha; };
  const N = [1e6, 3e6, 1e7, 3e7, 1e8, 3e8, 1e9];
  const fit = fitLaw({ N, loss: N.map((v) => 1.5 + 300 * v ** -0.3) }, square, { params: { E: { start: 1 }, A: { start: 100, log: true }, alpha: { start: 0.25 } }, bootstrap: 0 });
  const text = JSON.stringify(fit);
  assert.throws(() => fitFromJSON(text), (e: unknown) => e instanceof ScalingLabError && /JavaScript function/.test(e.message) && /fitFromJSON\(json, \{ law/.test(e.hint ?? ''));
  const back = fitFromJSON(text, { law: square });
  assert.deepEqual(back.predict([{ N: 1e10 }]), fit.predict([{ N: 1e10 }]));
  assert.throws(() => fitFromJSON('{"format": "other"}'), (e: unknown) => e instanceof ScalingLabError && /not a fit's JSON/.test(e.message));
  assert.throws(() => fitFromJSON('not json'), (e: unknown) => e instanceof ScalingLabError && /not JSON/.test(e.message));
});
