// frontier (from a fit or a law spec), compareRecipes, isoflops, backtest, fitPowerLaw.
import { fitUniversal, fitLaw, fitPowerLaw, backtest } from '../../../src/fit';
import { frontier, isoflops } from '../../../src/frontier';
import { compareRecipes } from '../../../src/recipes';
import { Rng } from '../../../src/util/random';
import { bad, chinchillaRows, good, must, universalRows, type Case } from '../case';

const fit = () => fitUniversal(universalRows(), { bootstrap: 0 });
const fitB = () => fitUniversal(universalRows(), { bootstrap: 20 });

/** Two recipes on the universal form, the second with c_m 20% lower. */
function recipeRows(): Array<Record<string, unknown>> {
  return [['A', 1], ['B', 0.8]].flatMap(([recipe, s]) => universalRows(24, recipe === 'A' ? 3 : 4).map((r) => ({ ...r, recipe, loss: r.loss - (1 - (s as number)) * 400 / r.width })));
}

/** IsoFLOP runs: 3 budgets, 7 model sizes each, loss from a Chinchilla-form law with a little noise. */
function isoflopRows(): Array<Record<string, number>> {
  const g = new Rng(5);
  return [1e18, 1e19, 1e20].flatMap((flops) => Array.from({ length: 7 }, (_v, i) => {
    const params = Math.sqrt(flops / 6 / 20) * Math.pow(10, (i - 3) * 0.35), tokens = flops / 6 / params;
    return { flops, params, tokens, loss: (1.7 + 400 / Math.pow(params, 0.34) + 410 / Math.pow(tokens, 0.28)) * Math.exp(0.002 * g.normal()) };
  }));
}

export const cases: Case[] = [
  bad('frontier', 'no-source', () => frontier(undefined as never), 'bad-law', /first argument/),
  bad('frontier', 'string-source-unknown-law', () => frontier('chinchila' as never), 'bad-law', /first argument/),
  bad('frontier', 'unknown-option', () => frontier(fit(), { budget: 1e22 } as never), 'unknown-option', /budgets/),
  bad('frontier', 'negative-budget', () => frontier(fit(), { budgets: [-1e22] }), 'bad-budget', /budget/),
  bad('frontier', 'nan-budget', () => frontier(fit(), { budgets: [NaN] }), 'bad-budget', /budget/),
  bad('frontier', 'empty-budgets', () => frontier(fit(), { budgets: [] }), 'bad-budget', /budget/),
  good('frontier', 'budget-range-descending', () => frontier(fit(), { budgets: { from: 1e24, to: 1e20, count: 5 } }), (f) => must(f.rows.length === 5 && f.rows[0].flops === 1e20, `5 budgets from 1e20, got ${f.rows.map((r: { flops: number }) => r.flops)}`)),
  bad('frontier', 'budget-count-huge', () => frontier(fit(), { budgets: { from: 1e20, to: 1e24, count: 1e9 } }), 'bad-budget', /count/),
  bad('frontier', 'k-zero', () => frontier(fit(), { paramsPerShape: 0 }), 'bad-option', /paramsPerShape/),
  bad('frontier', 'method-typo', () => frontier(fit(), { method: 'numerical' as never }), 'bad-option', /method/),
  bad('frontier', 'level-percent', () => frontier(fit(), { level: 95 }), 'bad-option', /level/),
  bad('frontier', 'hold-unknown-variable', () => frontier(fit(), { hold: { Q: 3 } }), 'bad-option', /Q/),
  bad('frontier', 'hold-nan', () => frontier(fitLaw(chinchillaRows(), 'chinchilla', { bootstrap: 0 }), { hold: { N: NaN } }), 'bad-option', /N/),
  bad('frontier', 'bands-without-bootstrap', () => frontier(fit(), { bands: true }), 'bad-option', /bootstrap/),
  good('frontier', 'huge-budget', () => frontier(fit(), { budgets: [1e40] }), (f) => must(f.rows[0].params > 0 && Number.isFinite(f.rows[0].loss), 'finite row')),
  good('frontier', 'tiny-budget', () => frontier(fit(), { budgets: [1e6] }), (f) => must(f.rows[0].params > 0, 'positive params')),
  good('frontier', 'with-bands', () => frontier(fitB(), { budgets: [1e22] }), (f) => must(f.rows.length === 1, 'one row')),
  good('frontier', 'chinchilla-fit', () => frontier(fitLaw(chinchillaRows(), 'chinchilla', { bootstrap: 0 }), { budgets: [1e22] }), (f) => must(f.rows[0].tokens > 0, 'tokens')),
  // compareRecipes
  bad('compareRecipes', 'no-recipe-column', () => compareRecipes(universalRows(), { bootstrap: 0 }), 'missing-option', /recipe/),
  bad('compareRecipes', 'recipe-column-typo', () => compareRecipes(recipeRows(), { recipe: 'recipes', bootstrap: 0 }), 'missing-column', /recipes/),
  bad('compareRecipes', 'one-recipe', () => compareRecipes(recipeRows().filter((r) => r.recipe === 'A'), { recipe: 'recipe', bootstrap: 0 }), 'too-few-recipes', /recipe/),
  bad('compareRecipes', 'unknown-recipe-named', () => compareRecipes(recipeRows(), { recipe: 'recipe', recipes: ['A', 'C'], bootstrap: 0 }), 'missing-recipe', /C/),
  bad('compareRecipes', 'too-few-runs', () => compareRecipes(recipeRows().filter((r, i) => r.recipe === 'A' || i % 8 === 0), { recipe: 'recipe', bootstrap: 0 }), 'too-few-points', /B/),
  bad('compareRecipes', 'unknown-option', () => compareRecipes(recipeRows(), { recipe: 'recipe', boostrap: 0 } as never), 'unknown-option', /boostrap/),
  bad('compareRecipes', 'exponents-typo', () => compareRecipes(recipeRows(), { recipe: 'recipe', exponents: 'shard' as never, bootstrap: 0 }), 'bad-option', /exponents/),
  bad('compareRecipes', 'map-with-empty-recipe', () => compareRecipes({ A: universalRows(), B: [] }, { bootstrap: 0 }), 'empty-data', /B|no rows/),
  good('compareRecipes', 'proto-recipe-names', () => {
    const rows = recipeRows().map((r) => ({ ...r, recipe: r.recipe === 'A' ? 'constructor' : '__proto__' }));
    return compareRecipes(rows, { recipe: 'recipe', bootstrap: 0, testExponents: false });
  }, (c) => must(JSON.stringify(Object.keys(c.recipes)) === '["constructor","__proto__"]', `both recipes kept by name, got ${JSON.stringify(Object.keys(c.recipes))}`)),
  // isoflops
  bad('isoflops', 'missing-loss', () => isoflops(isoflopRows().map(({ loss: _l, ...r }) => r)), 'missing-column', /loss/),
  bad('isoflops', 'unknown-option', () => isoflops(isoflopRows(), { budget: [1e18] } as never), 'unknown-option', /budgets/),
  bad('isoflops', 'method-typo', () => isoflops(isoflopRows(), { method: 'parabol' as never }), 'bad-option', /method/),
  bad('isoflops', 'budget-not-in-data', () => isoflops(isoflopRows(), { budgets: [3e21] }), 'empty-selection', /3e\+?21|budgets/),
  bad('isoflops', 'one-point-per-budget', () => isoflops(isoflopRows().filter((_r, i) => i % 7 === 3)), 'no-isoflop-groups', /isoFLOP/),
  bad('isoflops', 'negative-params', () => isoflops(isoflopRows().map((r, i) => ({ ...r, params: i === 4 ? -r.params : r.params }))), 'bad-value', /row 4/),
  good('isoflops', 'fits', () => isoflops(isoflopRows(), { bootstrap: 0 }), (r) => must(r.budgets.length === 3, `3 budgets, got ${r.budgets?.length}`)),
  // backtest
  bad('backtest', 'no-split', () => backtest(universalRows().map((r) => ({ ...r, flops: 6 * r.tokens * 12 * r.width ** 2 * r.depth }))), 'missing-option', /trainBelow|leaveOut/),
  bad('backtest', 'train-below-everything', () => backtest(universalRows().map((r) => ({ ...r, flops: 6 * r.tokens * 12 * r.width ** 2 * r.depth })), {}, { trainBelow: 1 }), 'empty-selection', /held out/),
  bad('backtest', 'fit-options-null', () => backtest(universalRows(), null as never, { trainBelow: 1e20 }), 'bad-option', /fitOptions/),
  bad('backtest', 'unknown-option', () => backtest(universalRows(), {}, { trainBelo: 1e20 } as never), 'unknown-option', /trainBelo/),
  bad('backtest', 'leave-out-typo', () => backtest(universalRows(), {}, { leaveOut: 'biggest' as never }), 'bad-option', /leaveOut/),
  // fitPowerLaw
  bad('fitPowerLaw', 'no-options', () => fitPowerLaw(isoflopRows(), undefined as never), 'missing-option', /x|y/),
  bad('fitPowerLaw', 'x-column-missing', () => fitPowerLaw(isoflopRows(), { x: 'compute', y: 'params' }), 'missing-column', /compute/),
  bad('fitPowerLaw', 'negative-values', () => fitPowerLaw({ C: [1, 10, -100], N: [1, 2, 3] }, { x: 'C', y: 'N' }), 'bad-value', /C|row 2/),
  bad('fitPowerLaw', 'one-point', () => fitPowerLaw({ C: [10], N: [2] }, { x: 'C', y: 'N' }), 'too-few-points', /1 usable row/),
  bad('fitPowerLaw', 'same-x', () => fitPowerLaw({ C: [10, 10, 10], N: [2, 3, 4] }, { x: 'C', y: 'N' }), 'bad-data', /C/),
  bad('fitPowerLaw', 'where-matches-nothing', () => fitPowerLaw(isoflopRows(), { x: 'flops', y: 'params', where: { flops: 5 } }), 'empty-selection', /where/),
  good('fitPowerLaw', 'noisy-power', () => fitPowerLaw({ C: [1e18, 1e19, 1e20, 1e21], N: [1.01, 0.99, 1.005, 0.995].map((e, i) => e * 0.1 * 10 ** ((18 + i) / 2)) }, { x: 'C', y: 'N' }),
    (f) => must(Math.abs(f.exponent.value - 0.5) < 0.01, `exponent ${f.exponent.value} near 0.5`)),
];
