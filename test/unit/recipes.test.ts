import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRecipes } from '../../src/recipes';
import { ScalingLabError } from '../../src/errors';
import * as path from 'node:path';
import { toColumns } from '../../src/data/columns';
import { dataDir, datasets } from '../../src/data/datasets';

interface Universal { L0: number; c_m: number; c_l: number; c_D: number; a_D?: number }

/** Runs on a width x depth x tokens grid from known coefficients, with optional multiplicative noise (seeded). */
function runs(c: Universal, noise = 0, seed = 1) {
  let s = seed >>> 0;
  const rand = () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const rows: Array<Record<string, number>> = [];
  for (const m of [256, 512, 768, 1024, 1536, 2048]) for (const l of [4, 8, 16, 24, 32]) for (const D of [1e9, 3e9, 1e10, 3e10, 1e11]) {
    const L = c.L0 + c.c_m / m + c.c_l / l + c.c_D * D ** -(c.a_D ?? 1 / 3);
    rows.push({ width: m, depth: l, tokens: D, loss: L * Math.exp(noise * gauss()) });
  }
  return rows;
}

// docs/derivations.md#compute-multipliers, with the formulas written out here: c_N = ((27/4) k c_m^2 c_l)^(1/3), K = 2 sqrt(c_N c_D),
// L*(C) = L0 + K (C/6)^(-1/6); with equal L0 recipe A reaches B's frontier loss with (K_B/K_A)^6 times less compute.
const cN = (c: Universal) => Math.cbrt((27 / 4) * 12 * c.c_m ** 2 * c.c_l);
const K = (c: Universal) => 2 * Math.sqrt(cN(c) * c.c_D);
const Lstar = (c: Universal, C: number) => c.L0 + K(c) * (C / 6) ** (-1 / 6);

test('equal L0: the multiplier is (K_B/K_A)^6 at every budget, and the winner is the lower-K recipe', () => {
  const A = { L0: 1.8, c_m: 400, c_l: 3.2, c_D: 1000 };
  const B = { L0: 1.8, c_m: 450, c_l: 3.6, c_D: 1150 };
  const r = compareRecipes({ A: runs(A), B: runs(B) }, { budgets: [1e19, 1e21, 1e23], bootstrap: 20, testExponents: false });
  const expected = (K(B) / K(A)) ** 6;
  for (const C of r.budgets) {
    assert.ok(Math.abs(r.multiplier('A', 'B', C) / expected - 1) < 1e-6, `${r.multiplier('A', 'B', C)} vs ${expected}`);
    assert.ok(Math.abs(r.multiplier('B', 'A', C) * expected - 1) < 1e-6);
    assert.ok(Math.abs(r.recipes.A.frontier.loss(C) / Lstar(A, C) - 1) < 1e-6);
  }
  assert.deepEqual(r.best.map((b) => b.recipe), ['A', 'A', 'A']);
  assert.equal(r.multiplier('A', 'A', 1e21), 1);
  // Coefficient differences b - a: the generating constants differ by c_m 50, c_l 0.4, c_D 150.
  const d = r.difference('A', 'B');
  assert.ok(Math.abs(d.c_m.value - 50) < 1e-6 && Math.abs(d.c_l.value - 0.4) < 1e-8 && Math.abs(d.c_D.value - 150) < 1e-6);
  assert.ok(d.c_m.ci && d.c_m.ci[0] <= d.c_m.value + 1e-6 && d.c_m.value - 1e-6 <= d.c_m.ci[1]);
  const cols = r.table().columns;
  for (const c of ['recipe', 'n', 'L0', 'c_m', 'c_l', 'c_D', 'c_D_lo', 'c_D_hi', 'tokensPerParam', 'aspectRatio', 'loss@1e+21', 'loss@1e+21_lo']) assert.ok(cols.includes(c), `table column ${c}`);
  assert.match(r.summary(), /1\.00e\+21 FLOPs: A/);
});

test('different L0: the multiplier depends on the budget, inverts the frontiers, and says when a recipe never gets there', () => {
  // A learns faster (smaller coefficients) but has a higher floor: it wins small budgets, B wins large ones.
  const A = { L0: 2.0, c_m: 300, c_l: 2.5, c_D: 800 };
  const B = { L0: 1.7, c_m: 450, c_l: 3.6, c_D: 1150 };
  const r = compareRecipes({ A: runs(A), B: runs(B) }, { budgets: { from: 1e17, to: 1e25, count: 5 }, bootstrap: false, testExponents: false });
  for (const C of r.budgets) {
    const c = r.compute('A', 'B', C);
    if (!c.reached) continue;
    // The defining property: L*_A(C / multiplier) = L*_B(C).
    const lossA = r.recipes.A.frontier.loss(C / r.multiplier('A', 'B', C));
    assert.ok(Math.abs(lossA / r.recipes.B.frontier.loss(C) - 1) < 1e-6);
  }
  const m1 = r.multiplier('A', 'B', 1e17);
  const m2 = r.multiplier('A', 'B', 1e19);
  assert.ok(m1 > 1 && m2 < m1, `budget-dependent: ${m1}, ${m2}`);
  assert.equal(r.best[0].recipe, 'A');
  assert.equal(r.best[r.best.length - 1].recipe, 'B');
  // B's frontier at 1e25 FLOPs is below A's floor 2.0 (from the generating constants): A never gets there.
  assert.ok(Lstar(B, 1e25) < A.L0);
  const never = r.compute('A', 'B', 1e25);
  assert.equal(never.reached, false);
  assert.equal(never.multiplier, 0);
  assert.equal(never.flopsA, Infinity);
  assert.match(never.note!, /never reaches/);
  assert.match(r.summary(), /A never/);
});

// Reference: the generating exponents. Runs drawn with the universal exponents should not need free ones;
// runs whose data exponent is 0.22 instead of 1/3 should.
test('the comparison says whether freeing the exponents per recipe is warranted', () => {
  const A = { L0: 1.8, c_m: 400, c_l: 3.2, c_D: 1000 };
  const B = { L0: 1.8, c_m: 450, c_l: 3.6, c_D: 1150 };
  const universal = compareRecipes({ A: runs(A, 0.003, 1), B: runs(B, 0.003, 2) }, { bootstrap: false });
  assert.equal(universal.exponentTest!.warranted, false, universal.exponentTest!.verdict);
  const off = compareRecipes({ A: runs({ ...A, c_D: 120, a_D: 0.22 }, 0.003, 3), B: runs({ ...B, c_D: 140, a_D: 0.22 }, 0.003, 4) }, { bootstrap: false });
  assert.equal(off.exponentTest!.warranted, true, off.exponentTest!.verdict);
  assert.match(off.summary(), /warranted/);
});

test('bad input names the recipe or option', () => {
  const A = { L0: 1.8, c_m: 400, c_l: 3.2, c_D: 1000 };
  const few = runs(A).slice(0, 5);
  assert.throws(() => compareRecipes({ A: runs(A), tiny: few }, { bootstrap: false }), (e: unknown) => e instanceof ScalingLabError && /recipe 'tiny' has 5 runs/.test((e as Error).message));
  const rows = [...runs(A).map((x) => ({ ...x, setting: 'A' })), ...runs(A).map((x) => ({ ...x, setting: 'B' }))];
  assert.throws(() => compareRecipes(rows, { recipe: 'recipe_name', bootstrap: false }), /no recipe column 'recipe_name'/);
  assert.throws(() => compareRecipes(rows, { recipe: 'setting', recipes: ['A'], bootstrap: false }), /at least two/);
  assert.throws(() => compareRecipes(rows, { recipe: 'setting', recipes: ['A', 'C'], bootstrap: false }), /no recipe 'C'/);
  assert.throws(() => compareRecipes(rows, { bootstrap: false }), /which column names the recipe/);
  assert.throws(() => compareRecipes(rows, { recipe: 'setting', budget: 1e20 } as never), /unknown option 'budget'/);
  const r = compareRecipes(rows, { recipe: 'setting', bootstrap: false, testExponents: false });
  assert.throws(() => r.multiplier('A', 'Z', 1e21), /no recipe 'Z'/);
  assert.throws(() => r.multiplier('A', 'B', -1), /positive/);
  // Recipes evaluated on different data sets: their losses are not comparable, and the summary says so.
  const mixed = [...runs(A).map((x) => ({ ...x, setting: 'A', dataset: 'web' })), ...runs(A).map((x) => ({ ...x, setting: 'B', dataset: 'code' }))];
  assert.match(compareRecipes(mixed, { recipe: 'setting', bootstrap: false, testExponents: false }).summary(), /different data sets \(dataset: web, code\)/);
  assert.doesNotMatch(r.summary(), /different data sets/);
});

// Reference: Porian et al. 2024's measured optimal losses (porian2024_optimal_pairs.csv, loss_star per setting
// and budget): at 2.56e19 FLOPs the lowest loss_star among the five RefinedWeb settings is the winner the
// comparison must pick. The fits use their isoFLOP points (porian2024_isoflop_points.csv via datasets).
test('Porian et al. RefinedWeb settings: best recipe at 2.56e19 FLOPs is the one with the lowest measured loss_star', () => {
  const five = ['Reproducing Kaplan et al.', 'Counting last layer FLOPs', 'Correcting warmup', 'Cosine decay', 'Optimizer tuning (no decay)'].map((s) => `RefinedWeb|${s}`);
  const pairs = toColumns(path.join(dataDir(), 'porian2024_optimal_pairs.csv'), 'test');
  let measuredBest = '';
  let lowest = Infinity;
  pairs.setting.forEach((s, i) => {
    const loss = Number(pairs.loss_star[i]);
    if (five.includes(String(s)) && Number(pairs.flops[i]) === 2.56e19 && Number.isFinite(loss) && loss < lowest) { lowest = loss; measuredBest = String(s); }
  });
  assert.equal(measuredBest, 'RefinedWeb|Cosine decay');

  const budgets = [1e19, 2.56e19, 1e21];
  const r = compareRecipes(datasets.porianRecipes({ as: 'columns' }), { recipe: 'setting', recipes: five, budgets, bootstrap: 20 });
  assert.equal(r.best.find((b) => b.flops === 2.56e19)!.recipe, measuredBest);
  // Multipliers are consistent with the printed frontiers: L*_A(C / multiplier) = L*_B(C).
  for (const a of five) for (const b of five) for (const C of budgets) {
    const c = r.compute(a, b, C);
    if (!c.reached) { assert.equal(c.multiplier, 0); assert.ok(r.recipes[a].frontier.floor >= c.loss); continue; }
    const lossA = r.recipes[a].frontier.loss(C / r.multiplier(a, b, C));
    assert.ok(Math.abs(lossA / r.recipes[b].frontier.loss(C) - 1) < 1e-6, `${a} vs ${b} at ${C}`);
  }
  const summary = r.summary();
  assert.match(summary, /not different training recipes/);
  assert.match(summary, /'RefinedWeb\|Reproducing Kaplan et al\.' and 'RefinedWeb\|Counting last layer FLOPs' are the same training recipe/);
  assert.match(summary, /2\.56e\+19 FLOPs: RefinedWeb\|Cosine decay/);
  assert.doesNotMatch(summary, /different data sets/);
  assert.equal(r.table().shape[0], 5);
  assert.ok(r.recipes['RefinedWeb|Cosine decay'].fit.params.c_N.ci);
});

// Before: the NaN entries made a third recipe called 'NaN' (fitted, ranked and compared like the others).
test('a recipe column with missing entries is an error naming the rows; recipe names are plain keys', () => {
  const A = { L0: 1.8, c_m: 400, c_l: 3.2, c_D: 1000 };
  const B = { L0: 1.8, c_m: 450, c_l: 3.6, c_D: 1150 };
  const rows: Array<Record<string, unknown>> = [...runs(A).map((x) => ({ ...x, setting: 'A' })), ...runs(B).map((x) => ({ ...x, setting: 'B' }))];
  for (const missing of [NaN, null, undefined, '', 'NaN']) {
    const holes = rows.map((r, i) => (i === 3 || i === 160 ? { ...r, setting: missing } : r));
    assert.throws(() => compareRecipes(holes as never, { recipe: 'setting', bootstrap: false, testExponents: false }),
      (e: unknown) => e instanceof ScalingLabError && /recipe column 'setting' has no value \(NaN or empty\) in 2 rows: 3, 160/.test((e as Error).message), String(missing));
  }
  // Recipes named like Object.prototype members are recipes like any other.
  const r = compareRecipes({ constructor: runs(A), toString: runs(B) }, { budgets: [1e21], bootstrap: false, testExponents: false });
  const expected = (K(B) / K(A)) ** 6;
  assert.ok(Math.abs(r.multiplier('constructor', 'toString', 1e21) / expected - 1) < 1e-6);
  assert.throws(() => r.multiplier('constructor', 'valueOf', 1e21), /no recipe 'valueOf'/);
});
