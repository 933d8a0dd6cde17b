// Bad input and bad options on the fit side: each gives a clear ScalingLabError (or, where the fit can
// go on, a warning) that names the option, row or column and says what to do, instead of a silent
// wrong result (issues 12 and 16).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw, fitUniversal, type UniversalFit } from '../../src/fit';
import { datasets } from '../../src/data';
import { ScalingLabError } from '../../src/errors';
import { setAmbientSignalSource } from '../../src/interrupt';
import { Rng } from '../../src/util/random';
import { applyBootstrap } from '../../src/fit/inference';

type Rows = Array<Record<string, number>>;

/** Noisy runs of the universal form (L0 1.7, c_m 400, c_l 3, c_D 1000). */
function universalRows(n = 40, seed = 1): Rows {
  const g = new Rng(seed);
  return Array.from({ length: n }, () => {
    const width = 256 * Math.pow(16, g.uniform()), depth = Math.round(4 + 40 * g.uniform()), tokens = 1e9 * Math.pow(100, g.uniform());
    return { width, depth, tokens, loss: (1.7 + 400 / width + 3 / depth + 1000 * Math.pow(tokens, -1 / 3)) * Math.exp(0.005 * g.normal()) };
  });
}

/** Asserts fn throws a ScalingLabError with this code whose message matches every pattern. */
function throwsWith(fn: () => unknown, code: string, ...patterns: RegExp[]): ScalingLabError {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  assert.ok(caught instanceof ScalingLabError, `expected a ScalingLabError (${code}), got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const p of patterns) assert.match(caught.message, p);
  return caught;
}

test('numeric options are checked: maxIter, seed, bootstrap, fixed values, with the value printed as given', () => {
  const rows = universalRows();
  for (const maxIter of [0, -5, 2.5, NaN]) throwsWith(() => fitLaw(rows, 'universal', { maxIter, bootstrap: 0 }), 'bad-option', /maxIter must be an integer from 1/, new RegExp(`got ${String(maxIter)}`));
  throwsWith(() => fitLaw(rows, 'universal', { seed: NaN }), 'bad-option', /seed must be an integer, got NaN/);
  throwsWith(() => fitUniversal(rows, { seed: NaN }), 'bad-option', /seed must be an integer, got NaN/);
  throwsWith(() => fitLaw(rows, 'universal', { fixed: { L0: NaN } }), 'bad-option', /fixed\.L0 must be a finite number, got NaN/);
  throwsWith(() => fitLaw(rows, 'universal', { fixed: { L0: Infinity } }), 'bad-option', /got Infinity/);
  throwsWith(() => fitUniversal(rows, { bootstrap: -1 }), 'bad-option', /bootstrap must be a non-negative integer.*got -1/, /How to fix/);
  throwsWith(() => fitUniversal(rows, { level: NaN }), 'bad-option', /level must be a number in \(0, 1\), got NaN/);
});

test('callbacks and signals are checked in every fitting entry point', () => {
  const rows = universalRows();
  throwsWith(() => fitLaw(rows, 'universal', { onProgress: 'yes' as never }), 'bad-option', /onProgress must be a function, got "yes"/, /progressBar\(\)/);
  throwsWith(() => fitUniversal(rows, { onProgress: 'yes' as never }), 'bad-option', /onProgress must be a function/);
  throwsWith(() => fitUniversal(rows, { signal: {} as never }), 'bad-option', /signal must be an AbortSignal/);
  throwsWith(() => fitLaw(rows, 'universal', { signal: 'stop' as never }), 'bad-option', /signal must be an AbortSignal/);
});

test('a bootstrap too small for an interval at the level warns, says how many it needs, and keeps the standard-error interval', () => {
  const rows = universalRows();
  const plain = fitUniversal(rows, { bootstrap: 0 });
  const one = fitUniversal(rows, { bootstrap: 1 });
  // The draw is kept, but a single draw is no interval: the one shown is value +/- 1.96 SE, not [x, x].
  assert.equal(one.bootstrap!.samples.c_m.length, 1);
  assert.deepEqual(one.params.c_m.ci, plain.params.c_m.ci);
  assert.ok(one.params.c_m.ci![1] > one.params.c_m.ci![0]);
  const w = one.warnings!.find((x) => /too few/.test(x));
  assert.ok(w, JSON.stringify(one.warnings));
  assert.match(w!, /at least 40/);
  assert.match(w!, /To fix: pass bootstrap: 200 or more/);
  // At 99% the minimum is 200 draws (2 / (1 - level)); 200 at 95% is enough.
  assert.match(fitUniversal(rows, { bootstrap: 100, level: 0.99 }).warnings!.join(' '), /at least 200/);
  assert.equal(fitUniversal(rows, { bootstrap: 40 }).warnings!.some((x) => /too few/.test(x)), false);
});

test('a bootstrap above 10,000 resamples needs allowLargeBootstrap', () => {
  const rows = universalRows();
  throwsWith(() => fitUniversal(rows, { bootstrap: 1e9 }), 'bad-option', /bootstrap: 1000000000 resamples is more than 10,000/, /allowLargeBootstrap: true/);
  throwsWith(() => fitLaw(rows, 'universal', { bootstrap: 20_000 }), 'bad-option', /more than 10,000/);
  throwsWith(() => fitUniversal(rows, { bootstrap: 10, allowLargeBootstrap: 'yes' as never }), 'bad-option', /allowLargeBootstrap must be true or false/);
  // Allowed explicitly: the check is only on the size (aborted at once here, so nothing long runs).
  const c = new AbortController();
  c.abort();
  throwsWith(() => fitUniversal(rows, { bootstrap: 20_000, allowLargeBootstrap: true, signal: c.signal }), 'aborted');
});

test('the bootstrap and the start grid stop on an abort signal, given or ambient, with an AbortError', () => {
  const rows = universalRows();
  const c = new AbortController();
  let events = 0;
  // Aborted from the progress callback after the first resample: the bootstrap stops before the next.
  const err = throwsWith(() => fitUniversal(rows, {
    bootstrap: 5000, signal: c.signal,
    onProgress: (e) => { events++; if (e.done >= 1) c.abort(); },
  }), 'aborted', /fitUniversal: aborted during the bootstrap \(resample 2 of 5000\)/);
  assert.equal(err.name, 'AbortError');
  assert.ok(events < 10);
  const grid = new AbortController();
  const chin = rows.map((r) => ({ params: 2e9 * (1 + r.width / 256), tokens: r.tokens, loss: r.loss }));
  throwsWith(() => fitLaw(chin, 'chinchilla', {
    starts: 'hoffmann', bootstrap: 0, signal: grid.signal,
    onProgress: (e) => { if (e.task === 'start grid' && e.done >= 1) grid.abort(); },
  }), 'aborted', /fitLaw: aborted during the start grid/);
  // The ambient signal of the running cell (what a kernel interrupt aborts) applies when none is given.
  const cell = new AbortController();
  cell.abort();
  setAmbientSignalSource(() => cell.signal);
  try {
    throwsWith(() => fitUniversal(rows, { bootstrap: 50 }), 'aborted');
    throwsWith(() => fitLaw(rows, 'universal', { bootstrap: 0 }), 'aborted', /start grid/);
  } finally {
    setAmbientSignalSource(undefined);
  }
  assert.equal(fitUniversal(rows, { bootstrap: 0 }).converged, true);
});

test('predict names the row and the variable for a size that is not positive', () => {
  const fit = fitUniversal(universalRows(), { bootstrap: 0 });
  throwsWith(() => fit.predict([{ width: 1024, depth: 24, tokens: 1e10 }, { width: -1024, depth: 24, tokens: 1e10 }]), 'bad-value', /row 1/, /width = -1024/, /law variable 'm'/);
  throwsWith(() => fit.predict([{ width: 1024, depth: 0, tokens: 1e10 }]), 'bad-value', /row 0.*depth = 0/);
  throwsWith(() => fit.predict([{ width: 1024, depth: 24, tokens: NaN }]), 'bad-value', /row 0.*tokens = NaN/);
  assert.ok(fit.predict([{ width: 1024, depth: 24, tokens: 1e10 }])[0] > 1.7);
});

test('a constant loss column is an error, not a fit', () => {
  const rows = universalRows().map((r) => ({ ...r, loss: 2.5 }));
  throwsWith(() => fitUniversal(rows, { bootstrap: 0 }), 'no-variation', /loss column 'loss' is 2\.5 in all 40 rows/);
  throwsWith(() => fitLaw(rows, 'chinchilla', { params: 'width', bootstrap: 0 }), 'no-variation', /loss column/);
});

test('one row with a huge or tiny value is named, with what to do', () => {
  for (const [column, value] of [['width', 1e300], ['tokens', 1e-300], ['loss', 1e300], ['loss', 1e-300]] as const) {
    const rows = universalRows();
    rows[7] = { ...rows[7], [column]: value };
    throwsWith(() => fitUniversal(rows, { bootstrap: 0 }), 'extreme-value', new RegExp(`column '${column}'`), /row 7/, new RegExp(String(value).replace('+', '\\+')), /exclude: \[7\]/);
  }
});

test('no rows or one row left: says how many and which exclusion removed them', () => {
  const rows = universalRows(5);
  throwsWith(() => fitUniversal(rows, { exclude: [0, 1, 2, 3, 4], bootstrap: 0 }), 'too-few-points', /no rows are left/, /5 rows by index/);
  throwsWith(() => fitUniversal(rows, { exclude: () => true, bootstrap: 0 }), 'too-few-points', /no rows are left/, /5 rows by predicate/);
  throwsWith(() => fitUniversal(rows, { exclude: { highestLoss: 4 }, bootstrap: 0 }), 'too-few-points', /only one row is left \(row \d\)/, /the 4 highest losses/);
  throwsWith(() => fitUniversal(rows.slice(0, 1), { bootstrap: 0 }), 'too-few-points', /only one row is left \(row 0\); the data has 1 row/);
});

test('a law that is not finite at a data point names the row and its values', () => {
  const rows: Rows = universalRows().map((r) => ({ params: 2e9 * (1 + r.width / 256), tokens: r.tokens, loss: r.loss }));
  rows[3] = { ...rows[3], params: 1e9 };
  throwsWith(() => fitLaw(rows, 'E + A / (N - 1e9)^alpha + B / D^beta', { bootstrap: 0 }), 'fit-failed',
    /not positive and finite at any of the \d+ start points/, /fails at every start/, /row 3 \(N = 1\.000e\+9, D = [0-9.e+]+: law = Infinity\)/, /exclude: \[3\]/);
});

test('bootstrap warnings say what to do', () => {
  const params = { a: { name: 'a', value: 1, stderr: 0.1, ci: [0.8, 1.2] as [number, number], fixed: false } };
  const draws = { samples: { a: Array.from({ length: 50 }, (_, i) => 1 + i / 500) }, resamples: 50, seed: 0, failed: 3 };
  const warnings = applyBootstrap(params, draws, 0.95);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /3 of 50 bootstrap refits did not meet the convergence test.*To fix:/);
  const few = applyBootstrap(params, { ...draws, resamples: 10, failed: 0 }, 0.95);
  assert.match(few[0], /too few.*To fix:/);
});

test('fitUniversal returns a UniversalFit: coefficients and exponents always there, and fit.param bridges the two namings', () => {
  const fit: UniversalFit = fitUniversal(universalRows(), { bootstrap: 0 });
  // Typed without '!': this line does not compile where coefficients is optional.
  const width: number = fit.coefficients.width, timeExponent: number = fit.exponents.time;
  assert.equal(width, fit.params.c_m.value);
  assert.equal(timeExponent, 1 / 3);
  assert.deepEqual(fit.paramNames, { width: { coefficient: 'c_m', exponent: 'a_m' }, depth: { coefficient: 'c_l', exponent: 'a_l' }, time: { coefficient: 'c_D', exponent: 'a_D' } });
  assert.equal(fit.param('width'), fit.params.c_m);
  assert.equal(fit.param('time'), fit.params.c_D);
  assert.equal(fit.param('L0'), fit.params.L0);
  assert.equal(fit.param('a_D'), fit.params.a_D);
  // The non-enumerable aliases still work.
  assert.equal((fit.params as Record<string, unknown>).depth, fit.params.c_l);
  const noDepth = fitUniversal(universalRows(), { terms: ['width', 'time'], bootstrap: 0 });
  assert.equal(noDepth.coefficients.depth, 0);
  throwsWith(() => noDepth.param('depth'), 'unknown-parameter', /the depth term was not fitted/);
  throwsWith(() => fit.param('c_x'), 'unknown-parameter', /no parameter 'c_x'/);
  // Time from steps: param('time') is c_S.
  const steps = fitUniversal(universalRows().map(({ tokens, ...r }) => ({ ...r, steps: tokens / 1e6 })), { bootstrap: 0 });
  assert.equal(steps.param('time'), steps.params.c_S);
  assert.ok(datasets.chinchilla({ as: 'columns' }).loss.length === 245);
});
