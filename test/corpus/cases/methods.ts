// The methods added since the corpus was specified: fitFromJSON, compareFrontiers, compareBacktests,
// calibrateUniversality, testSharedExponents, rankAgreement, sweepTrend, exponentAlongTraining.
import { fitUniversal, fitFromJSON, backtest, compareBacktests, calibrateUniversality } from '../../../src/fit';
import { compareFrontiers } from '../../../src/frontier';
import { testSharedExponents, rankAgreement } from '../../../src/recipes';
import { sweepTrend, exponentAlongTraining } from '../../../src/toys';
import { abortedSignal, bad, good, must, universalRows, type Case } from '../case';

const fit = () => fitUniversal(universalRows(), { bootstrap: 0 });
const withFlops = () => universalRows(60, 7).map((r) => ({ ...r, flops: 6 * r.tokens * 12 * r.width ** 2 * r.depth }));
const grouped = () => [['A', 3], ['B', 4]].flatMap(([g, seed]) => universalRows(30, seed as number).map((r) => ({ ...r, group: g })));
const budget = { label: 1e20, predicted: [1, 2, 3], measured: [1.1, 2.1, 2.9], sigma: [0.1, 0.1, 0.1] };

export const cases: Case[] = [
  bad('fitFromJSON', 'not-json', () => fitFromJSON('{not json'), 'bad-value', /JSON/),
  bad('fitFromJSON', 'wrong-format', () => fitFromJSON({ format: 'other' }), 'bad-value', /format/),
  bad('fitFromJSON', 'null', () => fitFromJSON(null as never), 'bad-value', /fit/),
  bad('fitFromJSON', 'truncated', () => { const j = JSON.parse(JSON.stringify(fit().toJSON())); delete j.params; return fitFromJSON(j); }, 'bad-value', /params/),
  bad('fitFromJSON', 'unknown-option', () => fitFromJSON(fit().toJSON(), { dat: [] } as never), 'unknown-option', /dat/),
  good('fitFromJSON', 'round-trip', () => { const f = fit(); return { a: f.params.c_m.value, b: fitFromJSON(JSON.stringify(f.toJSON())).params.c_m.value }; }, (r) => must(r.a === r.b, `${r.a} vs ${r.b}`)),
  bad('compareFrontiers', 'one-fit', () => compareFrontiers({ a: fit() }), 'bad-input', /two/),
  bad('compareFrontiers', 'not-a-fit', () => compareFrontiers({ a: fit(), b: 3 as never }), 'bad-input', /b/),
  bad('compareFrontiers', 'unknown-option', () => compareFrontiers({ a: fit(), b: fit() }, { budget: [1e21] } as never), 'unknown-option', /budgets/),
  bad('compareBacktests', 'empty', () => compareBacktests({}), 'bad-input', /two|backtest/),
  bad('compareBacktests', 'not-backtests', () => compareBacktests({ a: fit() as never, b: fit() as never }), 'bad-input', /backtest/),
  bad('compareBacktests', 'different-splits', () => compareBacktests({
    a: backtest(withFlops(), {}, { trainBelow: 1e19 }), b: backtest(withFlops(), {}, { trainBelow: 1e20 }),
  }), 'bad-input', /split|held-out|same/),
  bad('calibrateUniversality', 'resamples-zero', () => calibrateUniversality(universalRows(), {}, { resamples: 0 }), 'bad-option', /resamples/),
  bad('calibrateUniversality', 'resamples-huge', () => calibrateUniversality(universalRows(), {}, { resamples: 1e8 }), 'bad-option', /resamples/),
  bad('calibrateUniversality', 'aborted', () => calibrateUniversality(universalRows(), { exponents: { depth: 'free' } }, { resamples: 50, signal: abortedSignal() }), 'aborted', /abort/),
  bad('calibrateUniversality', 'group-by-missing', () => calibrateUniversality(universalRows(), { exponents: { depth: 'free' } }, { resamples: 20, groupBy: 'model' }), 'missing-column', /model/),
  bad('calibrateUniversality', 'nothing-free', () => calibrateUniversality(universalRows(), {}, { resamples: 20 }), 'bad-option', /free/),
  bad('calibrateUniversality', 'fit-options-typo', () => calibrateUniversality(universalRows(), { bootstap: 0 } as never, { resamples: 20 }), 'unknown-option', /bootstap/),
  bad('testSharedExponents', 'no-group', () => testSharedExponents(grouped(), {} as never), 'missing-option', /group/),
  bad('testSharedExponents', 'group-column-missing', () => testSharedExponents(grouped(), { group: 'recipe' }), 'missing-column', /recipe/),
  bad('testSharedExponents', 'one-group', () => testSharedExponents(grouped().filter((r) => r.group === 'A'), { group: 'group' }), 'too-few-groups', /group/),
  bad('testSharedExponents', 'law-typo', () => testSharedExponents(grouped(), { group: 'group', law: 'univrsal' }), 'bad-expression', /univrsal/),
  bad('rankAgreement', 'empty', () => rankAgreement([]), 'bad-input', /budget/),
  bad('rankAgreement', 'ragged', () => rankAgreement([{ ...budget, measured: [1, 2] }]), 'bad-input', /measured/),
  bad('rankAgreement', 'nan-sigma', () => rankAgreement([{ ...budget, sigma: [0.1, NaN, 0.1] }]), 'bad-input', /sigma/),
  bad('rankAgreement', 'unknown-option', () => rankAgreement([budget], { draw: 10 } as never), 'unknown-option', /draw/),
  good('rankAgreement', 'agrees', () => rankAgreement([budget], { draws: 200 } as never), (r) => must(r !== undefined, 'a result')),
  bad('sweepTrend', 'not-a-sweep', () => sweepTrend({} as never, 'lr'), 'bad-input', /sweep/),
  bad('sweepTrend', 'factor-not-varied', () => sweepTrend({ kind: 'sweep', rows: [], factors: ['lr'] } as never, 'temperature'), 'bad-input', /temperature/),
  bad('exponentAlongTraining', 'not-a-toy', () => exponentAlongTraining({} as never), 'bad-input', /curves/),
  bad('exponentAlongTraining', 'x-missing', () => exponentAlongTraining({ curves: { columns: ['step', 'loss'], shape: [2, 2], column: () => ({ values: [1, 2] }) } } as never, { x: 'width' }), 'bad-option', /width/),
];
