import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fitLaw, fitUniversal } from '../../src/fit';
import { datasets } from '../../src/data/datasets';
import { frontier } from '../../src/frontier';
import { bruteForceShape } from '../helpers/bruteForce';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);


// The call on the real Chinchilla runs. References: a brute-force grid over (m, l, D) under C = 6ND
// on the fitted law, and an independent least-squares refit of the same 203 points with the universal exponents
// fixed, done outside this package (D*/N* about 30 tokens per parameter, m*/l* = 59.6).
test('frontier of fitUniversal(datasets.chinchilla()) matches brute force at three budgets', () => {
  const u = fitUniversal(datasets.chinchilla(), { exclude: { highestLoss: 40 }, bootstrap: 100, seed: 3 });
  const f = frontier(u, { budgets: [1e20, 1e22, 1e24] });
  assert.equal(f.form, 'universal');
  const c = u.coefficients!;
  for (const row of f.rows) {
    const bf = bruteForceShape((m, l, D) => c.L0 + c.width / m + c.depth / l + c.time * D ** (-1 / 3), row.flops);
    assert.ok(rel(row.params, bf.N) < 0.01, `N* at ${row.flops}`);
    assert.ok(rel(row.tokens, bf.D) < 0.01, `D* at ${row.flops}`);
    assert.ok(rel(row.loss, bf.L) < 0.01, `L* at ${row.flops}`);
  }
  assert.ok(rel(f.aspectRatio!, c.width / (2 * c.depth)) < 1e-12);
  assert.ok(Math.abs(f.aspectRatio! - 59.6) < 0.5);
  assert.ok(Math.abs(f.tokensPerParam - 30) < 1);
  assert.equal(f.lossExponent, -1 / 6);
  assert.deepEqual(f.at(5.76e23), f.at(5.76e23));
  assert.equal(f.table().shape[0], 3);

  // Bands: numpy percentiles (python3) of the docs/derivations.md#frontier-closed-forms formulas evaluated per bootstrap draw.
  assert.ok(f.bands && f.intervals);
  const samples = u.bootstrap!.samples;
  const script = `
import json, sys, numpy as np
s = json.load(sys.stdin)
L0, cm, cl, cD = (np.array(s[k]) for k in ('L0', 'c_m', 'c_l', 'c_D'))
cN = (27 / 4 * 12 * cm**2 * cl) ** (1 / 3)
out = {'tpp': np.percentile((cD / cN)**3, [2.5, 97.5]).tolist(), 'aspect': np.percentile(cm / (2 * cl), [2.5, 97.5]).tolist(),
       'loss22': np.percentile(L0 + 2 * np.sqrt(cN * cD) * (1e22 / 6) ** (-1 / 6), [2.5, 97.5]).tolist(),
       'n22': np.percentile((1e22 / 6) ** 0.5 * (cN / cD) ** 1.5, [2.5, 97.5]).tolist()}
print(json.dumps(out))
`;
  const out = spawnSync('python3', ['-c', script], { input: JSON.stringify(samples), encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  const ref = JSON.parse(out.stdout);
  const close2 = (a: [number, number], b: number[]) => rel(a[0], b[0]) < 1e-9 && rel(a[1], b[1]) < 1e-9;
  assert.equal(f.bootstrapSamples, 100);
  assert.ok(close2(f.intervals!.tokensPerParam, ref.tpp), `${f.intervals!.tokensPerParam} vs ${ref.tpp}`);
  assert.ok(close2(f.intervals!.aspectRatio, ref.aspect));
  assert.ok(close2(f.bands!.loss[1], ref.loss22));
  assert.ok(close2(f.bands!.params[1], ref.n22));
  assert.ok(f.table().columns.includes('loss_lo'));

  // The numeric solver (searching near the point optimum for each draw) gives the same bands.
  const numeric = frontier(u, { budgets: [1e20, 1e22, 1e24], method: 'numeric' });
  for (const key of ['params', 'tokens', 'width', 'depth', 'loss'] as const) {
    numeric.bands![key]!.forEach(([lo, hi], i) => {
      assert.ok(rel(lo, f.bands![key]![i][0]) < 1e-4 && rel(hi, f.bands![key]![i][1]) < 1e-4, `${key} band at ${f.rows[i].flops}`);
    });
  }
});

// The Chinchilla-form call. Reference: the G formula (docs/derivations.md#chinchilla-form) evaluated by numpy (python3) on the fit's
// parameters and on each bootstrap draw: G = (alpha A/(beta B))^(1/(alpha+beta)), N* = G (C/6)^(beta/(alpha+beta)),
// D* = (C/6)^(alpha/(alpha+beta))/G, L* = E + A N*^-alpha + B D*^-beta, 95% intervals by np.percentile.
test('frontier(fitLaw(datasets.epochChinchilla(), "chinchilla")) follows the G formula, bands included', () => {
  const fit = fitLaw(datasets.epochChinchilla(), 'chinchilla');
  const fc = frontier(fit, { budgets: [5.76e23] });
  assert.equal(fc.form, 'chinchilla');
  const point: Record<string, number[]> = {};
  for (const k of ['E', 'A', 'B', 'alpha', 'beta']) point[k] = [fit.params[k].value];
  const script = `
import json, sys, numpy as np
d = json.load(sys.stdin)
def frontier(s):
    E, A, B, a, b = (np.array(s[k]) for k in ('E', 'A', 'B', 'alpha', 'beta'))
    x = 5.76e23 / 6
    G = (a * A / (b * B)) ** (1 / (a + b))
    N = G * x ** (b / (a + b)); D = x ** (a / (a + b)) / G
    return N, D, E + A * N ** -a + B * D ** -b
N, D, L = frontier(d['point'])
Ns, Ds, Ls = frontier(d['samples'])
print(json.dumps({'N': N[0], 'D': D[0], 'L': L[0], 'Nci': np.percentile(Ns, [2.5, 97.5]).tolist(), 'Lci': np.percentile(Ls, [2.5, 97.5]).tolist()}))
`;
  const out = spawnSync('python3', ['-c', script], { input: JSON.stringify({ point, samples: fit.bootstrap!.samples }), encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  const ref = JSON.parse(out.stdout);
  const row = fc.at(5.76e23);
  assert.ok(rel(row.params, ref.N) < 1e-9 && rel(row.tokens, ref.D) < 1e-9 && rel(row.loss, ref.L) < 1e-9);
  assert.ok(rel(fc.bands!.params[0][0], ref.Nci[0]) < 1e-9 && rel(fc.bands!.params[0][1], ref.Nci[1]) < 1e-9);
  assert.ok(rel(fc.bands!.loss[0][0], ref.Lci[0]) < 1e-9 && rel(fc.bands!.loss[0][1], ref.Lci[1]) < 1e-9);
  assert.equal(fc.floor, fit.params.E.value);

  // The fitted Chinchilla form against a brute-force grid over N (D = C/(6N)) at three budgets.
  const p = Object.fromEntries(Object.entries(fit.params).map(([k, v]) => [k, v.value]));
  const f3 = frontier(fit, { budgets: [1e20, 1e22, 1e24] });
  for (const r of f3.rows) {
    let best = { N: NaN, L: Infinity };
    let lo = 0, hi = Math.log(r.flops / 6);
    for (let pass = 0; pass < 3; pass++) {
      const steps = 4000, step = (hi - lo) / steps;
      let bi = 0;
      for (let i = 0; i <= steps; i++) {
        const N = Math.exp(lo + i * step);
        const L = p.E + p.A / N ** p.alpha + p.B / (r.flops / (6 * N)) ** p.beta;
        if (L < best.L) { best = { N, L }; bi = i; }
      }
      const centre = lo + bi * step; lo = centre - 2 * step; hi = centre + 2 * step;
    }
    assert.ok(rel(r.params, best.N) < 0.01 && rel(r.tokens, r.flops / (6 * best.N)) < 0.01 && rel(r.loss, best.L) < 0.01, `at ${r.flops}`);
  }
});
