// The notebook layer outside a kernel: show, plots.*, checkAgainstPaper, checkFails, say,
// progressBar, and the magics' rewriteCell.
import { fitUniversal } from '../../../src/fit';
import { show, bundleFor } from '../../../src/notebook/render';
import { plots } from '../../../src/notebook/figures/index';
import { checkAgainstPaper, checkFails } from '../../../src/notebook/paperCheck';
import { say } from '../../../src/notebook/prose';
import { progressBar } from '../../../src/notebook/progress';
import { rewriteCell, registerBuiltinMagics } from '../../../src/notebook/magics/index';
import { bad, good, must, universalRows, type Case } from '../case';

const fit = () => fitUniversal(universalRows(), { bootstrap: 0 });
const row = { quantity: 'width exponent', ours: 1.02, oursStderr: 0.03, paper: 1.0, paperStderr: 0.02, source: 'Liu et al. 2025' };
const magic = (code: string) => () => { registerBuiltinMagics(); return rewriteCell(code); };

export const cases: Case[] = [
  // show / bundleFor
  bad('show', 'unknown-option', () => show(fit(), { chrt: 'residuals' } as never), 'unknown-option', /chrt/),
  bad('show', 'chart-typo', () => show(fit(), { chart: 'residual' as never }), 'bad-option', /chart/),
  bad('show', 'max-rows-negative', () => show(fit(), { maxRows: -3 }), 'bad-option', /maxRows/),
  bad('show', 'broken-fit-like', () => show({ kind: 'fit' }), 'bad-value', /fit/),
  bad('show', 'broken-toy-like', () => show({ kind: 'toy', name: 'x' }), 'bad-value', /toy/),
  good('show', 'undefined', () => bundleFor(undefined), (b) => must(typeof b['text/plain'] === 'string', 'text')),
  good('show', 'proto-record-rows', () => bundleFor([{ constructor: 1, __proto__x: 2 }, { constructor: 3, __proto__x: 4 }]), (b) => must(/constructor/.test(String(b['text/html'])), 'the column shown')),
  good('show', 'huge-array', () => bundleFor(Array.from({ length: 200_000 }, (_v, i) => ({ x: i, y: i * 2 }))),
    (b) => must(JSON.stringify(b).length < 3 * 1024 * 1024, 'bounded output')),
  good('show', 'cyclic-object', () => { const o: Record<string, unknown> = { a: 1 }; o.self = o; return bundleFor(o); }, (b) => must(typeof b['text/plain'] === 'string', 'text')),
  // plots.*
  bad('plots.fit', 'not-a-fit', () => plots.fit({} as never), 'bad-value', /fit/),
  bad('plots.fit', 'null', () => plots.fit(null as never), 'bad-value', /fit/),
  bad('plots.fit', 'x-unknown', () => plots.fit(fit(), { x: 'widht' }), 'bad-value', /widht/),
  bad('plots.frontier', 'fit-instead-of-frontier', () => plots.frontier(fit() as never), 'bad-value', /frontier/),
  bad('plots.recipes', 'undefined', () => plots.recipes(undefined as never), 'bad-value', /recipes/),
  bad('plots.toy', 'string', () => plots.toy('softmax-time' as never), 'bad-value', /toy/),
  bad('plots.residuals', 'number', () => plots.residuals(3 as never), 'bad-value', /fit/),
  bad('plots.sweep', 'empty-object', () => plots.sweep({} as never), 'bad-value', /sweep/),
  good('plots.fit', 'draws', () => plots.fit(fit()), (f) => must(f.data.length >= 1, 'traces')),
  // checkAgainstPaper / checkFails
  bad('checkAgainstPaper', 'empty', () => checkAgainstPaper([]), 'bad-input', /non-empty/),
  bad('checkAgainstPaper', 'not-array', () => checkAgainstPaper(row as never), 'bad-input', /array/),
  bad('checkAgainstPaper', 'nan-ours', () => checkAgainstPaper([{ ...row, ours: NaN }]), 'bad-input', /ours/),
  bad('checkAgainstPaper', 'no-source', () => checkAgainstPaper([{ ...row, source: '' }]), 'bad-input', /source/),
  bad('checkAgainstPaper', 'k-too-large', () => checkAgainstPaper([{ ...row, k: 10 }]), 'bad-input', /k = 10/),
  bad('checkAgainstPaper', 'no-stderr', () => checkAgainstPaper([{ quantity: 'q', ours: 1, paper: 1, source: 's' }]), 'bad-input', /standard error/),
  bad('checkAgainstPaper', 'range-inverted', () => checkAgainstPaper([{ ...row, range: [2, 1] }]), 'bad-input', /range/),
  bad('checkAgainstPaper', 'direction-typo', () => checkAgainstPaper([{ ...row, direction: 'higher' as never }]), 'bad-input', /direction/),
  bad('checkAgainstPaper', 'null-row', () => checkAgainstPaper([null as never]), 'bad-input', /row/),
  bad('checkAgainstPaper', 'unknown-key', () => checkAgainstPaper([{ ...row, tolerance: 0.5 } as never]), 'unknown-option', /tolerance/),
  bad('checkAgainstPaper', 'fails', () => checkAgainstPaper([{ ...row, ours: 2 }]), 'paper-check-failed', /width exponent/),
  good('checkAgainstPaper', 'passes', () => checkAgainstPaper([row]), (r) => must(r.passed === true, 'passed')),
  bad('checkFails', 'check-passes', () => checkFails('nothing changed', () => checkAgainstPaper([row])), 'perturbation-passed', /nothing changed/),
  bad('checkFails', 'check-not-function', () => checkFails('x', 'check' as never), 'bad-input', /check/),
  good('checkFails', 'user-error-passes-through', () => { try { checkFails('x', () => { throw new TypeError('mine'); }); } catch (e) { return e; } return 'no error'; },
    (e) => must(e instanceof TypeError && e.message === 'mine', `the check's own error, got ${String(e)}`)),
  good('checkFails', 'fails-as-it-should', () => checkFails('doubled', () => checkAgainstPaper([{ ...row, ours: 2 }])), (r) => must(r.failed.length === 1, 'one row failed')),
  // say
  bad('say', 'undefined-value', () => say`the exponent is ${(fit().params as Record<string, unknown>).c_mm}`, 'bad-value', /undefined/),
  bad('say', 'nan-value', () => say`the exponent is ${NaN}`, 'bad-value', /NaN/),
  bad('say', 'digits-negative', () => say.digits(-1)`x ${1.5}`, 'bad-option', /digits/),
  bad('say', 'not-a-template', () => (say as (s: unknown) => unknown)('plain text'), 'bad-input', /say/),
  good('say', 'numbers', () => say`c_m is ${400.123} and the interval ${[1, 2]}`, (p) => must(p.text === 'c_m is 400 and the interval 1 to 2', p.text)),
  // progressBar
  bad('progressBar', 'unknown-option', () => progressBar({ lable: 'x' } as never), 'unknown-option', /lable/),
  bad('progressBar', 'options-string', () => progressBar('fit' as never), 'bad-option', /options/),
  bad('progressBar', 'width-negative', () => progressBar({ width: -5, console: true })({ task: 't', done: 1, total: 2, fraction: 0.5, elapsedSeconds: 1, secondsLeft: 1 }), 'bad-option', /width/),
  good('progressBar', 'garbage-event', () => { const b = progressBar({ console: false }); b({ task: 't', done: NaN, total: 0, fraction: NaN, elapsedSeconds: -1, secondsLeft: Infinity } as never); b.finish(); return 'ok'; }, (r) => must(r === 'ok', 'no throw')),
  // rewriteCell (magics)
  bad('rewriteCell', 'unknown-cell-magic', magic('%%fitt runs\n'), 'bad-magic', /fitt/),
  bad('rewriteCell', 'unknown-line-magic', magic('%frontierr fit'), 'bad-magic', /frontierr/),
  bad('rewriteCell', 'cell-magic-not-first', magic('const x = 1;\n%%csv runs\na,b\n1,2'), 'bad-magic', /first line/),
  bad('rewriteCell', 'fit-unknown-option', magic('%fit runs --bootsrap 10'), 'bad-magic', /bootsrap/),
  bad('rewriteCell', 'toy-unknown', magic('%toy softmax-tim'), 'bad-magic', /softmax-time/),
  bad('rewriteCell', 'csv-bad-name', magic('%%csv 1runs\na,b\n1,2'), 'bad-magic', /1runs/),
  bad('rewriteCell', 'law-no-name', magic('%%law\nE + A / N^alpha'), 'bad-magic', /law/),
  bad('rewriteCell', 'proto-name', magic('%%csv __proto__\na,b\n1,2'), 'bad-magic', /__proto__/),
  good('rewriteCell', 'plain-code', magic('const x = 5 % 3;'), (r) => must(r === null, `unchanged, got ${r}`)),
  good('rewriteCell', 'not-a-string', magic(42 as never), (r) => must(r === null, 'null')),
  good('rewriteCell', 'csv-magic', magic('%%csv runs\nwidth,depth,tokens,loss\n512,8,1e9,3.1'), (r) => must(/runs/.test(r) && /csv/.test(r), r)),
];
