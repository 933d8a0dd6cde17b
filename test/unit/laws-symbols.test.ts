// How a law's names are read: symbols named like Object.prototype members are ordinary names, and a
// typo that would silently become a fitted parameter is an error naming the symbol and the column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw } from '../../src/fit';
import { frontier } from '../../src/frontier';
import { LAWS, builtinLaw } from '../../src/laws/builtin';
import { parseLaw } from '../../src/laws/parse';
import { evaluateNode } from '../../src/laws/evaluate';
import { oneEditApart } from '../../src/laws/symbolCheck';
import { ScalingLabError } from '../../src/errors';

/** Noise-free runs of a Chinchilla law (the reference: its generating constants). */
function runs() {
  const rows: Array<Record<string, number>> = [];
  for (const N of [1e7, 3e7, 1e8, 3e8, 1e9, 3e9]) for (const D of [1e9, 3e9, 1e10, 3e10, 1e11]) {
    rows.push({ params: N, tokens: D, loss: 1.8 + 400 / N ** 0.33 + 1500 / D ** 0.3 });
  }
  return rows;
}
const isError = (pattern: RegExp) => (e: unknown) => e instanceof ScalingLabError && pattern.test((e as Error).message);

// Before: these symbols found Object.prototype members (a TypeError from the role table, or a parameter
// silently taken for fixed); a law called 'constructor' was found in LAWS and failed as an empty expression.
test('symbols named constructor, toString, valueOf or hasOwnProperty fit like any other name', () => {
  const rows = runs();
  const plain = fitLaw(rows, 'E + A / N^alpha + B / D^beta', { bootstrap: 0 });
  assert.ok(Math.abs(plain.params.alpha.value - 0.33) < 1e-6, `alpha ${plain.params.alpha.value}`);
  for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
    const f = fitLaw(rows, `E + ${name} / N^alpha + B / D^beta`, { bootstrap: 0, fixed: { E: 1.8 } });
    assert.ok(Math.abs(f.params[name].value / 400 - 1) < 1e-6, `${name}: ${f.params[name].value}`);
    assert.equal(f.params.E.fixed, true);
    assert.equal(f.params.alpha.fixed, false);
    assert.equal(evaluateNode(parseLaw(`${name} + x`, 'test').node, { [name]: 2, x: 1 }), 3);
    assert.throws(() => evaluateNode(parseLaw(`${name} + x`, 'test').node, { x: 1 }), isError(new RegExp(`no value for '${name}'`)));
    assert.equal(builtinLaw(name), undefined);
  }
  assert.throws(() => fitLaw(rows, 'E + __proto__ / N^alpha + B / D^beta'), isError(/'__proto__' cannot name a variable or parameter/));
  assert.throws(() => fitLaw(rows, 'constructor'), isError(/'constructor' uses no data variable/));
  assert.equal('constructor' in LAWS, false);
  // The frontier reads constants of those names too.
  const f = frontier({ law: 'valueOf + constructor / N^alpha + B / D^beta', params: { valueOf: 1.69, constructor: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 } }, { budgets: [1e21] });
  const ref = frontier({ law: 'chinchilla', params: { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 } }, { budgets: [1e21] });
  assert.equal(f.form, 'chinchilla');
  assert.ok(Math.abs(f.rows[0].params / ref.rows[0].params - 1) < 1e-12);
  assert.throws(() => frontier({ law: 'constructor', params: {} }), isError(/'constructor' is not a built-in law/));
});

// Before: 'Dd' was fitted as a parameter, B went to 2e-8 and beta to 10.5, with no error.
test('a typo one edit from an unused column or role symbol is an error naming both', () => {
  const rows = runs();
  assert.throws(() => fitLaw(rows, 'E + A / N^alpha + B / Dd^beta'), isError(/'Dd' in the law .* one edit away from D, the tokens variable \(column 'tokens'\)/s));
  const named = rows.map((r) => ({ model_size: r.params, n_tok: r.tokens, loss: r.loss }));
  assert.throws(() => fitLaw(named, 'E + A / model_size^alpha + B / n_tk^beta'), isError(/'n_tk' .* one edit away from the column 'n_tok'/s));
  assert.throws(() => fitLaw(named, 'E + A / model_size^alpha + B / N_tok^beta'), isError(/'N_tok' .* the column 'n_tok'/s));
  // A role named by the caller that no law variable uses names the role, the column and the near symbol.
  assert.throws(() => fitLaw(named, 'E + A / N^alpha + B / Dd^beta', { params: 'model_size', tokens: 'n_tok' }), isError(/tokens column 'n_tok' was named, but the law .* has no tokens variable.*'Dd' looks like a typo/s));
  // A built-in law's variable with no column.
  assert.throws(() => fitLaw(rows, 'dataConstrained'), isError(/variable U .* has no column.*variables: \{ U: '<column>' \}/s));
  // A parameter one edit from an unused column is fine once declared (fixed, bounds, tied or logParams).
  const withLr = rows.map((r) => ({ ...r, lr: 3e-4 }));
  assert.throws(() => fitLaw(withLr, 'E + A / N^alpha + B / D^beta + lr0', { bootstrap: 0 }), isError(/'lr0' .* the column 'lr'/s));
  const ok = fitLaw(withLr, 'E + A / N^alpha + B / D^beta + lr0', { fixed: { lr0: 0 }, bootstrap: 0 });
  assert.ok(Math.abs(ok.params.alpha.value - 0.33) < 1e-6);
  assert.equal(oneEditApart('A', 'N'), false);
  assert.equal(oneEditApart('c', 'C'), false);
  assert.equal(oneEditApart('Dd', 'D'), true);
  assert.equal(oneEditApart('tokesn', 'tokens'), true);
  assert.equal(oneEditApart('alpha', 'alpha'), false);
});
