// fitLaw: expressions, built-in names and laws as JavaScript functions; its options.
import { fitLaw } from '../../../src/fit';
import { abortedSignal, bad, chinchillaRows, good, must, universalRows, type Case } from '../case';

const F = 'fitLaw';
const rows = () => chinchillaRows();
const fnLaw = (p: Record<string, number>, r: Record<string, number>) => p.E + p.A / r.N ** p.alpha + p.B / r.D ** p.beta;
const fnParams = { E: { start: 1.5 }, A: { start: 300, min: 0, log: true }, alpha: { start: 0.3, min: 0, max: 2 }, B: { start: 300, min: 0, log: true }, beta: { start: 0.3, min: 0, max: 2 } };

export const cases: Case[] = [
  bad(F, 'unknown-law-name', () => fitLaw(rows(), 'chinchila'), 'bad-expression', /chinchilla/),
  bad(F, 'syntax-error', () => fitLaw(rows(), 'E + A / N^'), 'bad-expression', /N\^/),
  bad(F, 'unbalanced-parens', () => fitLaw(rows(), 'E + A / (N^alpha'), 'bad-expression', /\)/),
  bad(F, 'unknown-function', () => fitLaw(rows(), 'E + A * foo(N)'), 'unknown-symbol', /foo/),
  bad(F, 'law-not-string', () => fitLaw(rows(), 42 as never), 'bad-expression', /law/),
  bad(F, 'law-empty-string', () => fitLaw(rows(), ''), 'bad-expression', /empty/),
  bad(F, 'no-parameters', () => fitLaw(rows(), '2 + 1 / N'), 'bad-expression', /param/),
  bad(F, 'variable-missing-column', () => fitLaw(rows(), 'E + A / U^alpha'), 'bad-expression', /U/),
  good(F, 'proto-name-as-parameter', () => fitLaw(rows(), 'E + constructor / N^alpha + B / D^beta', { bootstrap: 0 }),
    (f) => must(Math.abs(f.params.alpha.value - 0.34) < 0.05 && f.params.constructor.value > 0, `alpha ${f.params.alpha.value} near 0.34`)),
  bad(F, 'proto-law-name', () => fitLaw(rows(), '__proto__'), 'bad-expression', /__proto__/),
  bad(F, 'unknown-option', () => fitLaw(rows(), 'chinchilla', { bootstap: 10 } as never), 'unknown-option', /bootstap/),
  bad(F, 'fixed-unknown-param', () => fitLaw(rows(), 'chinchilla', { fixed: { gamma: 1 } }), 'unknown-parameter', /gamma/),
  bad(F, 'fixed-nan', () => fitLaw(rows(), 'chinchilla', { fixed: { E: NaN } }), 'bad-option', /fixed\.E/),
  bad(F, 'bounds-inverted', () => fitLaw(rows(), 'chinchilla', { bounds: { alpha: [1, 0] } } as never), 'bad-option', /alpha/),
  bad(F, 'tied-cycle', () => fitLaw(rows(), 'chinchilla', { tied: { alpha: 'beta', beta: 'alpha' } }), 'bad-option', /tied/),
  bad(F, 'max-iter-zero', () => fitLaw(rows(), 'chinchilla', { maxIter: 0 }), 'bad-option', /maxIter/),
  bad(F, 'starts-typo', () => fitLaw(rows(), 'chinchilla', { starts: 'hofmann' as never }), 'bad-option', /starts/),
  bad(F, 'objective-typo', () => fitLaw(rows(), 'chinchilla', { objective: 'lsqq' as never }), 'bad-option', /objective/),
  bad(F, 'aborted-signal', () => fitLaw(rows(), 'chinchilla', { signal: abortedSignal() }), 'aborted', /abort/),
  bad(F, 'on-progress-number', () => fitLaw(rows(), 'chinchilla', { onProgress: 5 as never }), 'bad-option', /onProgress/),
  bad(F, 'all-rows-excluded', () => fitLaw(rows(), 'chinchilla', { exclude: rows().map((_r, i) => i) }), 'too-few-points', /exclu/),
  bad(F, 'exclude-row-out-of-range', () => fitLaw(rows(), 'chinchilla', { exclude: [400] }), 'bad-option', /400/),
  bad(F, 'fewer-rows-than-params', () => fitLaw(rows().slice(0, 3), 'chinchilla', { bootstrap: 0 }), 'too-few-points', /3/),
  good(F, 'universal-by-name', () => fitLaw(universalRows(), 'universal', { bootstrap: 0 }), (f) => must(Math.abs(f.params.c_m.value - 400) < 40, `c_m ${f.params.c_m.value}`)),
  // laws as JavaScript functions
  bad(`${F}(function)`, 'no-params', () => fitLaw(rows(), fnLaw as never, {} as never), 'missing-option', /params/),
  bad(`${F}(function)`, 'param-without-start', () => fitLaw(rows(), fnLaw, { params: { ...fnParams, E: {} as never } }), 'bad-option', /E/),
  bad(`${F}(function)`, 'returns-nan', () => fitLaw(rows(), () => NaN, { params: fnParams, variables: ['N', 'D'] }), 'bad-law', /NaN|finite/),
  bad(`${F}(function)`, 'returns-string', () => fitLaw(rows(), (() => 'x') as never, { params: fnParams, variables: ['N', 'D'] }), 'bad-law', /number/),
  good(`${F}(function)`, 'throws-user-error', () => {
    try { fitLaw(rows(), () => { throw new TypeError('my bug'); }, { params: fnParams, variables: ['N', 'D'] }); } catch (e) { return e; }
    return 'fitted';
  }, (e) => must(e instanceof Error && /my bug/.test(e.message), `the law's own error reaches the user, got ${String(e)}`)),
  bad(`${F}(function)`, 'log-param-negative-start', () => fitLaw(rows(), fnLaw, { params: { ...fnParams, A: { start: -5, log: true } } }), 'bad-option', /A/),
  bad(`${F}(function)`, 'unknown-variable', () => fitLaw(rows(), fnLaw, { params: fnParams, variables: ['N', 'Q'] }), 'unknown-symbol', /Q/),
  good(`${F}(function)`, 'fits', () => fitLaw(rows(), fnLaw, { params: fnParams, variables: ['N', 'D'], bootstrap: 0 }),
    (f) => must(Math.abs(f.params.alpha.value - 0.34) < 0.05, `alpha ${f.params.alpha.value} near 0.34`)),
];
