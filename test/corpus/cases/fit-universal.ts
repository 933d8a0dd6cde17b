// fitUniversal, and toColumns through its data argument: columns, values, rows, options, callbacks, signals.
import { fitUniversal } from '../../../src/fit';
import { abortedSignal, bad, good, must, universalRows, type Case } from '../case';

const F = 'fitUniversal';
const rows = () => universalRows();
const withLoss = (f: (r: Record<string, number>, i: number) => Record<string, unknown>) => rows().map(f);

export const cases: Case[] = [
  // data argument (toColumns)
  bad('toColumns', 'null-data', () => fitUniversal(null as never), 'bad-data', /null/),
  bad('toColumns', 'number-data', () => fitUniversal(42 as never), 'bad-data', /number/),
  bad('toColumns', 'empty-array', () => fitUniversal([]), 'empty-data', /no rows/),
  bad('toColumns', 'empty-columns', () => fitUniversal({ width: [], depth: [], tokens: [], loss: [] }), 'empty-data', /no rows/),
  bad('toColumns', 'array-of-arrays', () => fitUniversal([[1, 2, 3, 4]] as never), 'bad-data', /row 0/),
  bad('toColumns', 'column-not-array', () => fitUniversal({ width: 5, depth: [1], tokens: [1], loss: [1] } as never), 'bad-data', /width/),
  bad('toColumns', 'ragged-columns', () => fitUniversal({ width: [1, 2], depth: [1], tokens: [1, 2], loss: [1, 2] }), 'bad-data', /depth/),
  bad('toColumns', 'missing-csv-file', () => fitUniversal('/nonexistent/runs.csv'), 'missing-file', /runs\.csv/),
  bad('toColumns', 'null-row', () => fitUniversal([...rows(), null] as never), 'bad-data', /row 40/),
  // columns
  bad(F, 'no-loss-column', () => fitUniversal(rows().map(({ loss: _l, ...r }) => r)), 'missing-column', /loss/),
  bad(F, 'misspelt-width', () => fitUniversal(rows().map(({ width, ...r }) => ({ ...r, widht: width }))), 'missing-column', /width/),
  bad(F, 'explicit-column-absent', () => fitUniversal(rows(), { columns: { width: 'd_model' } }), 'missing-column', /d_model/),
  bad(F, 'string-loss', () => fitUniversal(withLoss((r) => ({ ...r, loss: 'low' }))), 'bad-value', /loss/),
  bad(F, 'nan-loss-row', () => fitUniversal(withLoss((r, i) => ({ ...r, loss: i === 3 ? NaN : r.loss }))), 'bad-value', /row 3/),
  bad(F, 'null-width-row', () => fitUniversal(withLoss((r, i) => ({ ...r, width: i === 5 ? null : r.width }))), 'bad-value', /row 5/),
  bad(F, 'infinite-tokens', () => fitUniversal(withLoss((r, i) => ({ ...r, tokens: i === 0 ? Infinity : r.tokens }))), 'bad-value', /tokens/),
  bad(F, 'negative-width', () => fitUniversal(withLoss((r, i) => ({ ...r, width: i === 7 ? -r.width : r.width }))), 'bad-value', /row 7/),
  bad(F, 'zero-depth', () => fitUniversal(withLoss((r, i) => ({ ...r, depth: i === 2 ? 0 : r.depth }))), 'bad-value', /depth/),
  bad(F, 'negative-loss', () => fitUniversal(withLoss((r, i) => ({ ...r, loss: i === 1 ? -2 : r.loss }))), 'bad-value', /loss/),
  bad(F, 'one-row', () => fitUniversal(rows().slice(0, 1)), 'too-few-points', /1 row/),
  bad(F, 'constant-loss', () => fitUniversal(withLoss((r) => ({ ...r, loss: 2.5 }))), 'no-variation', /loss/),
  bad(F, 'all-rows-excluded', () => fitUniversal(rows(), { exclude: (_row, i) => i >= 0 }), 'too-few-points', /exclu/),
  bad(F, 'highest-loss-too-many', () => fitUniversal(rows(), { exclude: { highestLoss: 40 } }), 'bad-option', /highestLoss/),
  good(F, 'huge-values', () => fitUniversal(rows().map((r) => ({ ...r, tokens: r.tokens * 1e200 })), { bootstrap: 0 }), (f) => must(Number.isFinite(f.params.L0.value), 'L0 finite')),
  good(F, 'proto-named-extra-column', () => fitUniversal(rows().map((r) => ({ ...r, constructor: 1, toString: 2 })), { bootstrap: 0 }),
    (f) => must(Math.abs(f.params.c_m.value - 400) < 40, `c_m ${f.params.c_m.value} near 400`)),
  good(F, 'proto-named-width-column', () => fitUniversal(rows().map(({ width, ...r }) => ({ ...r, __proto__x: 0, constructor: width })), { columns: { width: 'constructor' }, bootstrap: 0 }),
    (f) => must(Math.abs(f.params.c_m.value - 400) < 40, `c_m ${f.params.c_m.value} near 400`)),
  // options
  bad(F, 'options-string', () => fitUniversal(rows(), 'fast' as never), 'bad-option', /options/),
  bad(F, 'unknown-option-typo', () => fitUniversal(rows(), { bootsrap: 10 } as never), 'unknown-option', /bootsrap/),
  bad(F, 'proto-option', () => fitUniversal(rows(), JSON.parse('{"__proto__": {"bootstrap": 5}, "constructor": 1}')), 'unknown-option', /constructor|__proto__/),
  bad(F, 'bootstrap-negative', () => fitUniversal(rows(), { bootstrap: -1 }), 'bad-option', /bootstrap/),
  bad(F, 'bootstrap-huge', () => fitUniversal(rows(), { bootstrap: 1e9 }), 'bad-option', /allowLargeBootstrap/),
  bad(F, 'bootstrap-string', () => fitUniversal(rows(), { bootstrap: '200' as never }), 'bad-option', /bootstrap/),
  bad(F, 'seed-nan', () => fitUniversal(rows(), { seed: NaN }), 'bad-option', /seed/),
  bad(F, 'level-above-one', () => fitUniversal(rows(), { level: 95 }), 'bad-option', /level/),
  bad(F, 'exponents-typo', () => fitUniversal(rows(), { exponents: 'fre' as never }), 'bad-option', /exponents/),
  bad(F, 'exclude-typo', () => fitUniversal(rows(), { exclude: { higestLoss: 3 } as never }), 'unknown-option', /higestLoss/),
  bad(F, 'on-progress-string', () => fitUniversal(rows(), { onProgress: 'yes' as never }), 'bad-option', /onProgress/),
  bad(F, 'signal-not-signal', () => fitUniversal(rows(), { signal: {} as never }), 'bad-option', /signal/),
  bad(F, 'aborted-signal', () => fitUniversal(rows(), { bootstrap: 50, signal: abortedSignal() }), 'aborted', /abort/),
  // The user's own error from a callback reaches them unchanged (not wrapped, not swallowed).
  good(F, 'progress-callback-throws', () => {
    try { fitUniversal(rows(), { bootstrap: 20, onProgress: () => { throw new RangeError('boom'); } }); } catch (e) { return e; }
    return 'no error';
  }, (e) => must(e instanceof RangeError && e.message === 'boom', `the callback's own error, got ${String(e)}`)),
];
