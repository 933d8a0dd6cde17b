// Bad input on the data side: ambiguous column aliases, names that collide with Object.prototype, CSV
// files that are not comma-separated or have no header, and the loaders' options (issues 12 and 16).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitLaw, fitUniversal, fitPowerLaw } from '../../src/fit';
import { datasets, parseCSV, toColumns } from '../../src/data';
import { ScalingLabError } from '../../src/errors';
import { Rng } from '../../src/util/random';

function universalRows(n = 40): Array<Record<string, number>> {
  const g = new Rng(2);
  return Array.from({ length: n }, () => {
    const width = 256 * Math.pow(16, g.uniform()), depth = Math.round(4 + 40 * g.uniform()), tokens = 1e9 * Math.pow(100, g.uniform());
    return { width, depth, tokens, loss: (1.7 + 400 / width + 3 / depth + 1000 * Math.pow(tokens, -1 / 3)) * Math.exp(0.005 * g.normal()) };
  });
}

function throwsWith(fn: () => unknown, code: string, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ScalingLabError, String(e));
    assert.equal(e.code, code, e.message);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

function csvFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'scalinglab-')), 'runs.csv');
  writeFileSync(path, text);
  return path;
}

test('two columns for one role with different values are an error naming both and the option', () => {
  const rows = universalRows().map((r) => ({ ...r, d_model: r.width * 2 }));
  throwsWith(() => fitUniversal(rows, { bootstrap: 0 }), 'ambiguous-column', /'width' and 'd_model'/, /width/, /\{ width: 'width' \}|width: '<column>'/);
  throwsWith(() => fitLaw(rows, 'universal', { bootstrap: 0 }), 'ambiguous-column', /'width' and 'd_model'/);
  // Choosing one with the option resolves it.
  const chosen = fitUniversal(rows, { width: 'd_model', bootstrap: 0 });
  assert.equal(chosen.columns.m, 'd_model');
  // Identical duplicates are accepted, with a note saying which was used.
  const same = fitUniversal(universalRows().map((r) => ({ ...r, d_model: r.width })), { bootstrap: 0 });
  assert.equal(same.columns.m, 'width');
  assert.match(same.notes!.columns, /'width' and 'd_model' hold the same values/);
  // A text column under an alias is not a candidate (Porian's param_count says how parameters were counted).
  const text = fitLaw(universalRows().map((r, i) => ({ params: r.width * r.width * r.depth * 12, param_count: i % 2 ? 'kaplan' : 'standard', tokens: r.tokens, loss: r.loss }) as Record<string, unknown>), 'chinchilla', { bootstrap: 0 });
  assert.equal(text.columns.N, 'params');
});

test('columns named __proto__, constructor, toString and valueOf are ordinary columns', () => {
  const rows = universalRows();
  const csv = ['__proto__,constructor,toString,valueOf', ...rows.map((r) => [r.width, r.depth, r.tokens, r.loss].join(','))].join('\n');
  const cols = parseCSV(csv);
  assert.deepEqual(Object.keys(cols), ['__proto__', 'constructor', 'toString', 'valueOf']);
  assert.equal(Object.getPrototypeOf(cols), Object.prototype);
  assert.equal((cols.__proto__ as unknown as number[]).length, 40);
  const opts = { width: '__proto__', depth: 'constructor', tokens: 'toString', loss: 'valueOf', bootstrap: 0 } as const;
  const a = fitUniversal(cols, opts);
  const b = fitUniversal(rows, { bootstrap: 0 });
  assert.ok(Math.abs(a.coefficients.width / b.coefficients.width - 1) < 1e-12);
  assert.equal(a.columns.m, '__proto__');
  // Records and objects of columns keep such names too; a law symbol 'constructor' is a column, not a role.
  const records = rows.map((r) => JSON.parse(`{"__proto__": ${r.width}, "constructor": ${r.depth}, "toString": ${r.tokens}, "valueOf": ${r.loss}}`) as Record<string, number>);
  assert.deepEqual(Object.keys(toColumns(records, 't')), ['__proto__', 'constructor', 'toString', 'valueOf']);
  const law = fitLaw(cols, 'E + A / constructor^alpha', { loss: 'valueOf', bootstrap: 0 });
  assert.equal(law.columns.constructor, 'constructor');
  // A name of Object.prototype is no column unless it is one.
  throwsWith(() => fitUniversal(rows, { width: 'toString', bootstrap: 0 }), 'missing-column', /'toString' is not in the data/);
  throwsWith(() => fitPowerLaw(rows, { x: 'valueOf', y: 'loss' }), 'missing-column', /no column 'valueOf'/);
  throwsWith(() => fitLaw(rows, 'toString'), 'bad-expression', /toString/);
});

test('a semicolon-separated or tab-separated CSV is detected and named', () => {
  const rows = universalRows(5);
  const semi = ['width;depth;tokens;loss', ...rows.map((r) => [r.width, r.depth, r.tokens, r.loss].join(';'))].join('\n');
  throwsWith(() => fitUniversal(csvFile(semi)), 'bad-csv', /';'/, /separat/, /commas/);
  throwsWith(() => parseCSV(semi.replace(/;/g, '\t')), 'bad-csv', /tab/);
});

test('a headerless CSV is detected and named', () => {
  const rows = universalRows(5);
  const bare = rows.map((r) => [r.width, r.depth, r.tokens, r.loss].join(',')).join('\n');
  throwsWith(() => fitUniversal(csvFile(bare)), 'bad-csv', /no header/, /first line .* looks like data/, /width,depth,tokens,loss/);
});

test('datasets loaders check their options: unknown keys and values', () => {
  throwsWith(() => datasets.chinchilla({ foo: 1 } as never), 'unknown-option', /datasets\.chinchilla: unknown option 'foo'/);
  throwsWith(() => datasets.gpt2({ as: 'csv' } as never), 'bad-option', /datasets\.gpt2: as must be 'dataframe' or 'columns', got "csv"/);
  throwsWith(() => datasets.porianRecipes({ table: 'x' } as never), 'bad-option', /table must be 'isoflop' or 'optimal', got "x"/);
  throwsWith(() => datasets.optTrajectories('columns' as never), 'bad-option', /options must be an object/);
  assert.equal(datasets.porianRecipes({ as: 'columns', table: 'optimal' }).meta.file, 'porian2024_optimal_pairs.csv');
});
