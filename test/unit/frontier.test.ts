import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frontier } from '../../src/frontier';
import { ScalingLabError } from '../../src/errors';
import { bruteForceND, bruteForceShape } from '../helpers/bruteForce';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

// Reference: Muennighoff et al. 2023 ("Scaling Data-Constrained Language Models"), README of
// huggingface/datablations: Chinchilla-form constants fitted on C4 (a = ln A, b = ln B, e = ln E)
// and their compute-optimal allocation at C = 5.76e23 FLOPs: N* = 6.9962e10, D* = 1.3722e12.
test('Muennighoff et al. C4 constants give their published N* and D* at 5.76e23 FLOPs', () => {
  const params = { A: Math.exp(6.255414), B: Math.exp(7.3049974), E: Math.exp(0.6254804), alpha: 0.3526596, beta: 0.3526596 };
  const f = frontier({ law: 'chinchilla', params }, { budgets: [5.76e23] });
  assert.equal(f.form, 'chinchilla');
  const row = f.at(5.76e23);
  assert.equal(Number(row.params.toPrecision(5)), 6.9962e10);
  assert.equal(Number(row.tokens.toPrecision(5)), 1.3722e12);
  assert.deepEqual(f.rows[0], row);
  // Equal exponents: D*/N* is budget independent and the loss exponent is -alpha/2.
  assert.ok(rel(f.tokensPerParam, 1.3722e12 / 6.9962e10) < 1e-4);
  assert.ok(rel(f.lossExponent, -0.3526596 / 2) < 1e-12);
});

// Reference: a least-squares refit on log L of the Chinchilla width/depth runs (the 245-run CSV of the
// DepthScaling repository, 40 highest losses dropped, 203 points) with the universal exponents fixed, done
// outside this package: c_m = 387.6, c_l = 3.253, c_D = 1064, L0 = 1.778, and its frontier table computed
// there: 1e20 -> N* 7.4e8, D* 2.25e10, 1543 x 26, L* 2.53; 1e22 -> 7.4e9, 2.25e11, 3324 x 56, 2.13;
// 1e24 -> 7.4e10, 2.25e12, 7162 x 120, 1.94. The closed form is also checked against a brute-force grid.
test('universal closed form agrees with a brute-force grid over (m, l, D) and an independent refit\'s table', () => {
  const c = { L0: 1.778, c_m: 387.6, c_l: 3.253, c_D: 1064 };
  const f = frontier({ law: 'universal', params: c }, { budgets: [1e20, 1e22, 1e24] });
  assert.equal(f.form, 'universal');
  const lossFn = (m: number, l: number, D: number) => c.L0 + c.c_m / m + c.c_l / l + c.c_D * D ** (-1 / 3);
  const table = [
    { C: 1e20, N: 7.4e8, D: 2.25e10, m: 1543, l: 26, L: 2.53 },
    { C: 1e22, N: 7.4e9, D: 2.25e11, m: 3324, l: 56, L: 2.13 },
    { C: 1e24, N: 7.4e10, D: 2.25e12, m: 7162, l: 120, L: 1.94 },
  ];
  for (const t of table) {
    const row = f.at(t.C);
    const bf = bruteForceShape(lossFn, t.C);
    assert.ok(rel(row.params, bf.N) < 0.01, `N* at ${t.C}: ${row.params} vs brute force ${bf.N}`);
    assert.ok(rel(row.tokens, bf.D) < 0.01, `D* at ${t.C}`);
    assert.ok(rel(row.loss, bf.L) < 0.01, `L* at ${t.C}`);
    assert.ok(rel(row.width!, bf.m) < 0.02 && rel(row.depth!, bf.l) < 0.02, `shape at ${t.C}`);
    // The notes' table, to its printed precision.
    assert.ok(rel(row.params, t.N) < 0.01 && rel(row.tokens, t.D) < 0.005);
    assert.equal(Math.round(row.width!), t.m);
    assert.equal(Math.round(row.depth!), t.l);
    assert.equal(Number(row.loss.toFixed(2)), t.L);
  }
  // docs/derivations.md#frontier-closed-forms: m*/l* = c_m/(2 c_l), D*/N* = (c_D/c_N)^3, c_N = ((27/4) k c_m^2 c_l)^(1/3).
  const cN = Math.cbrt((27 / 4) * 12 * c.c_m ** 2 * c.c_l);
  assert.ok(rel(f.aspectRatio!, c.c_m / (2 * c.c_l)) < 1e-12);
  assert.ok(rel(f.tokensPerParam, (c.c_D / cN) ** 3) < 1e-12);
  assert.ok(rel(f.constants.c_N, cN) < 1e-12);
  assert.ok(rel(f.lossExponent, -1 / 6) < 1e-12);
  assert.ok(rel(f.loss(1e22), c.L0 + 2 * Math.sqrt(cN * c.c_D) * (1e22 / 6) ** (-1 / 6)) < 1e-12);
});

// Reference: Hoffmann et al. 2022's published Chinchilla fit (A = 406.4, B = 410.7, E = 1.69, alpha = 0.34,
// beta = 0.28), unequal exponents; the closed form is checked against a brute-force grid over N.
test('Chinchilla closed form agrees with a brute-force grid over N at three budgets', () => {
  const p = { A: 406.4, B: 410.7, E: 1.69, alpha: 0.34, beta: 0.28 };
  const f = frontier({ law: 'chinchilla', params: p }, { budgets: [1e20, 1e22, 1e24] });
  for (const row of f.rows) {
    const bf = bruteForceND((N, D) => p.E + p.A / N ** p.alpha + p.B / D ** p.beta, row.flops);
    assert.ok(rel(row.params, bf.N) < 0.01, `N* at ${row.flops}: ${row.params} vs ${bf.N}`);
    assert.ok(rel(row.tokens, bf.D) < 0.01);
    assert.ok(rel(row.loss, bf.L) < 0.01);
  }
  // lossExponent = -alpha beta/(alpha + beta) (docs/derivations.md#chinchilla-form).
  assert.ok(rel(f.lossExponent, -(0.34 * 0.28) / 0.62) < 1e-12);
  assert.ok(f.notes.some((n) => n.includes('first budget')));
});

// Reference: Kaplan et al. 2020 eq. 1.5 with their published constants (N_c = 8.8e13, D_c = 5.4e13,
// alpha_N = 0.076, alpha_D = 0.095): not separable, so frontier minimises numerically; brute force checks it.
test('numeric frontier of a non-separable law (Kaplan et al. L(N, D)) agrees with brute force', () => {
  const law = '((Nc / N)^(aN / aD) + Dc / D)^aD';
  const params = { Nc: 8.8e13, Dc: 5.4e13, aN: 0.076, aD: 0.095 };
  const f = frontier({ law, params }, { budgets: [1e18, 1e21] });
  assert.equal(f.form, 'numeric');
  // The built-in name gives the same law (its constants are called N_c, D_c, alpha_N, alpha_D).
  const named = frontier({ law: 'kaplan', params: { N_c: 8.8e13, D_c: 5.4e13, alpha_N: 0.076, alpha_D: 0.095 } }, { budgets: [1e18, 1e21] });
  assert.ok(rel(named.rows[1].params, f.rows[1].params) < 1e-9);
  for (const row of f.rows) {
    const bf = bruteForceND((N, D) => ((params.Nc / N) ** (params.aN / params.aD) + params.Dc / D) ** params.aD, row.flops);
    assert.ok(rel(row.params, bf.N) < 0.01, `N* at ${row.flops}: ${row.params} vs ${bf.N}`);
    assert.ok(rel(row.loss, bf.L) < 1e-6);
  }
});

// The closed forms are chosen from the law's structure (src/laws/structure.ts), not from names: any spelling
// of the Chinchilla form gets the closed form with the given constants, read exactly; a size term that is not
// a power law gets the numeric minimisation, checked against the brute-force grid over N.
test('closed forms are chosen from the structure of the expression, whatever its spelling', () => {
  const p = { A: 406.4, B: 410.7, E: 1.69, alpha: 0.34, beta: 0.28 };
  const named = frontier({ law: 'chinchilla', params: p }, { budgets: [1e20, 1e24] });
  for (const law of ['E + A * N^(-alpha) + B * D^(-beta)', 'E + A * pow(N, -alpha) + B / pow(D, beta)', '(B / D^beta + E) + 2 * (A / 2) / N^alpha']) {
    const f = frontier({ law, params: p }, { budgets: [1e20, 1e24] });
    assert.equal(f.form, 'chinchilla', law);
    assert.equal(f.constants.alpha, 0.34);
    assert.equal(f.constants.beta, 0.28);
    assert.equal(f.constants.E, 1.69);
    f.rows.forEach((row, i) => assert.ok(rel(row.params, named.rows[i].params) < 1e-12 && rel(row.loss, named.rows[i].loss) < 1e-12, law));
  }
  const q = { ...p, k: 1e9 };
  for (const [law, js] of [
    ['E + A / (N + 1)^alpha + B / D^beta', (N: number, D: number) => q.E + q.A / (N + 1) ** q.alpha + q.B / D ** q.beta],
    ['E + A * exp(-N / k) + B / D^beta', (N: number, D: number) => q.E + q.A * Math.exp(-N / q.k) + q.B / D ** q.beta],
  ] as const) {
    const f = frontier({ law, params: law.includes('exp') ? q : p }, { budgets: [1e21] });
    assert.equal(f.form, 'numeric', law);
    const bf = bruteForceND(js, 1e21);
    assert.ok(rel(f.rows[0].params, bf.N) < 0.01 && rel(f.rows[0].loss, bf.L) < 1e-6, `${law}: ${f.rows[0].params} vs ${bf.N}`);
  }
  // The universal form spelled otherwise: the closed form's aspect ratio c_m / (2 c_l).
  const u = frontier({ law: 'L0 + c_m * m^(-1) + c_l / l + c_D / D^(1/3)', params: { L0: 1.778, c_m: 387.6, c_l: 3.253, c_D: 1064 } }, { budgets: [1e22] });
  assert.equal(u.form, 'universal');
  assert.ok(rel(u.aspectRatio!, 387.6 / (2 * 3.253)) < 1e-12);
});

// Reference: the brute-force grid again; method 'numeric' must find the closed-form optimum, shape included.
test('numeric minimisation over (N, shape) matches the universal closed form', () => {
  const c = { L0: 1.778, c_m: 387.6, c_l: 3.253, c_D: 1064 };
  const closed = frontier({ law: 'universal', params: c }, { budgets: [1e19, 1e23] });
  const numeric = frontier({ law: 'universal', params: c }, { budgets: [1e19, 1e23], method: 'numeric' });
  assert.equal(numeric.form, 'numeric');
  closed.rows.forEach((r, i) => {
    const n = numeric.rows[i];
    for (const key of ['params', 'tokens', 'width', 'depth'] as const) assert.ok(rel(n[key]!, r[key]!) < 1e-3, `${key}: ${n[key]} vs ${r[key]}`);
    assert.ok(rel(n.loss, r.loss) < 1e-9);
  });
});

test('budgets: list, single number and log-spaced range', () => {
  const law = { law: 'chinchilla', params: { A: 406.4, B: 410.7, E: 1.69, alpha: 0.34, beta: 0.28 } };
  const r = frontier(law, { budgets: { from: 1e18, to: 1e26, count: 9 } });
  assert.equal(r.rows.length, 9);
  r.rows.forEach((row, i) => assert.ok(rel(row.flops, 10 ** (18 + i)) < 1e-12));
  assert.deepEqual(frontier(law, { budgets: 1e21 }).rows.map((x) => x.flops), [1e21]);
  assert.deepEqual(frontier(law, { budgets: [1e22, 1e20] }).rows.map((x) => x.flops), [1e20, 1e22]);
  for (const bad of [[0], [-1e20], [NaN], { from: 1e20, to: 0, count: 3 }, { from: 1e18, to: 1e20, count: 0 }]) {
    assert.throws(() => frontier(law, { budgets: bad as never }), (e: unknown) => e instanceof ScalingLabError && /budget/.test((e as Error).message));
  }
});

test('bad input names the problem', () => {
  assert.throws(() => frontier({ law: 'chinchilla', params: { A: 1, B: 1, E: 1, alpha: 0.3 } }), /needs beta/);
  assert.throws(() => frontier({ law: 'chinchilla', params: { A: 1, B: 1, E: 1, alpha: 0.3, beta: 0.3 } }, { budget: 1e20 } as never), /unknown option 'budget'.*budgets/s);
  assert.throws(() => frontier({ law: 'E + A / X^a', params: { E: 1, A: 1, a: 1 } }), /'X'.*roles/s);
  assert.throws(() => frontier({ law: 'E + A / N^a', params: { E: 1, A: 1, a: 1 } }), /tokens/);
  assert.throws(() => frontier({ law: 'E + A / N^a + B * tau^(-1/3)', params: { E: 1, A: 1, a: 1, B: 1 }, roles: { N: 'params', tau: 'time' } }), /dynamic time.*tokens column/s);
  assert.throws(() => frontier({ law: 'E + A / m + B * D^(-1/3)', params: { E: 1, A: 1, B: 1 } }), /both width and depth/);
  assert.throws(() => frontier({ law: 'universal', params: { L0: 1.7, c_m: 300, c_l: 0, c_D: 1000 } }), /depth coefficient c_l = 0/);
  assert.throws(() => frontier({ law: 'chinchilla', params: { A: 406.4, B: 410.7, E: 1.69, alpha: 0.34, beta: 0.28 } }, { paramsPerShape: 0 }), /paramsPerShape/);
});

test('flopsFor inverts the frontier loss, and a loss at or below L0 is never reached', () => {
  const f = frontier({ law: 'universal', params: { L0: 1.778, c_m: 387.6, c_l: 3.253, c_D: 1064 } }, { budgets: [1e21] });
  const target = f.loss(3.7e21);
  assert.ok(rel(f.flopsFor(target), 3.7e21) < 1e-10);
  assert.equal(f.flopsFor(1.778), Infinity);
  assert.equal(f.flopsFor(1.5), Infinity);
  const cols = f.table().columns;
  assert.deepEqual(cols, ['flops', 'params', 'tokens', 'width', 'depth', 'tokensPerParam', 'loss']);
  assert.match(f.summary(), /m\* \/ l\* = 59\.5/);
});
