import { ScalingLabError, checkOptionKeys } from '../errors';
import { attachDisplay } from '../display-hook';
import { findColumn, numRows, type DataInput } from '../data/columns';
import { toDataFrame, type Columns } from '../data/frame';
import { fitLaw, fitUniversal } from '../fit';
import type { FitResult, Objective } from '../fit/types';
import { frontier } from '../frontier/frontier';
import { resolveBudgets } from '../frontier/budgets';
import type { FrontierResult } from '../frontier/types';
import { hasOwn, nameRecord } from '../laws/names';
import { fmt } from '../util/format';
import { compareCompute } from './multiplier';
import { coefficientDifference } from './difference';
import { recipeColumns, recipeSummary } from './report';
import { splitRecipes, type RecipeData } from './split';
import { selectNearOptimum } from './nearOptimum';
import { testFreeExponents } from './exponentTest';
import type { CompareOptions, RecipeComparison, RecipeFit } from './types';
import { trainingGroups } from './accounting';

const KEYS = ['recipe', 'recipes', 'budgets', 'paramsPerShape', 'flopsPerParamToken', 'exponents', 'testExponents', 'minPoints', 'bootstrap', 'seed', 'objective', 'columns', 'nearOptimum', 'accountingColumns'];
const FN = 'compareRecipes';

/** The size law used when runs have params and tokens but no width and depth: universal size exponent 1/3. */
export const PARAMS_LAW_FIXED = 'L0 + c_N * N^(-1/3) + c_D * D^(-1/3)';
export const PARAMS_LAW_FREE = 'L0 + c_N / N^a_N + c_D / D^a_D';

/** The options with their defaults, checked. */
interface Settings {
  mode: 'shared' | 'per-recipe'; minPoints: number; budgets: number[]; k: number; f: number;
  bootstrap: number | false; seed: number; testExponents: boolean; objective: Objective;
  col: NonNullable<CompareOptions['columns']>;
}

/** Fits one recipe's runs: with free exponents or not, a bootstrap size and a seed. */
type RecipeFitter = (name: string, cols: Columns, free: boolean, bootstrap: number | false, seed: number) => FitResult;

/**
 * Compares training recipes by their coefficients: each recipe is fitted with the universal exponents
 * (L0 + c_m/m + c_l/l + c_D D^(-1/3), or L0 + c_N N^(-1/3) + c_D D^(-1/3) without width and depth), then
 * its compute-optimal frontier gives the loss at each budget, the winner per budget, and compute multipliers.
 */
export function compareRecipes(data: DataInput | Record<string, DataInput>, options: CompareOptions = {}): RecipeComparison {
  checkOptionKeys(FN, options, KEYS);
  const s = settingsOf(options);
  const split = splitRecipes(data, options.recipe, options.recipes, FN);
  const notes = [...split.notes];
  if (split.recipes.size < 2) {
    throw new ScalingLabError('too-few-recipes', `${FN}: found ${split.recipes.size} recipe${split.recipes.size === 1 ? ` ('${[...split.recipes.keys()][0]}')` : 's'}; a comparison needs at least two.`, options.recipe ? `check the column '${options.recipe}'.` : 'pass a map with two or more recipes.');
  }
  const selection = selectNearOptimum(FN, split.recipes, options.nearOptimum ?? 'auto', s.col.flops, s.col.loss);
  if (selection) {
    notes.push(`isoFLOP selection: per budget, only runs within ${fmt(selection.tolerance * 100, 3)}% of that budget's lowest loss were fitted (${Object.entries(selection.kept).map(([n, [kept, total]]) => `${n}: ${kept} of ${total}`).join('; ')}); nearOptimum: false fits every run.`);
  }
  for (const [name, cols] of split.recipes) {
    const n = numRows(cols);
    if (n < s.minPoints) {
      const kept = selection ? ` after the isoFLOP selection (of ${selection.kept[name][1]})` : '';
      throw new ScalingLabError('too-few-points', `${FN}: recipe '${name}' has ${n} run${n === 1 ? '' : 's'}${kept}; fitting its coefficients needs at least ${s.minPoints}.`, `add runs for '${name}', leave it out (recipes: [...]), or lower minPoints.`);
    }
  }
  const fitOne = recipeFitter(split.recipes, s);
  const recipes = fitEach(split.recipes, fitOne, s, notes);
  const names = Object.keys(recipes);
  const extrapolation = extrapolationNote(split.recipes, s);
  if (extrapolation) notes.push(extrapolation);
  const exponentTest = s.testExponents ? testFreeExponents(recipes, (name) => fitOne(name, split.recipes.get(name)!, s.mode !== 'per-recipe', false, s.seed), s.mode) : undefined;
  const groups = trainingGroups(split.recipes, split.column, options.accountingColumns);
  if (groups.dataNote) notes.unshift(groups.dataNote);
  const best = s.budgets.map((flops, i) => {
    let winner = names[0];
    for (const name of names) if (recipes[name].frontier.rows[i].loss < recipes[winner].frontier.rows[i].loss) winner = name;
    return { flops, recipe: winner, loss: recipes[winner].frontier.rows[i].loss };
  });
  const compute = computeOf(recipes);
  const result: RecipeComparison = {
    kind: 'recipes', recipes, budgets: s.budgets, law: recipes[names[0]].fit.law, exponents: s.mode, recipeColumn: split.column, exponentTest,
    sameTraining: groups.sameTraining, accountingColumns: groups.accounting, best, notes,
    multiplier: (a, b, flops) => compute(a, b, flops).multiplier,
    compute,
    difference: (a, b) => {
      checkRecipe(recipes, a, 'first argument'); checkRecipe(recipes, b, 'second argument');
      return coefficientDifference(recipes[a], recipes[b]);
    },
    table: () => toDataFrame(recipeColumns(result)),
    summary: () => recipeSummary(result),
  };
  return attachDisplay(result);
}

function settingsOf(options: CompareOptions): Settings {
  const mode = options.exponents ?? 'shared';
  if (mode !== 'shared' && mode !== 'per-recipe') throw new ScalingLabError('bad-option', `${FN}: exponents must be 'shared' or 'per-recipe', got ${String(mode)}.`, "'shared' (the default) fits one set of exponents for all recipes; 'per-recipe' frees them per recipe.");
  const minPoints = options.minPoints ?? 8;
  if (!Number.isInteger(minPoints) || minPoints < 3) throw new ScalingLabError('bad-option', `${FN}: minPoints must be an integer >= 3, got ${String(minPoints)}.`);
  return {
    mode, minPoints, budgets: resolveBudgets(options.budgets ?? [1e19, 1e21, 1e23], FN),
    k: options.paramsPerShape ?? 12, f: options.flopsPerParamToken ?? 6, bootstrap: options.bootstrap ?? 200, seed: options.seed ?? 0,
    testExponents: options.testExponents ?? true,
    // One objective for every fit (fixed and free), so their AIC/BIC compare like with like.
    objective: options.objective ?? 'lsq',
    col: options.columns ?? {},
  };
}

/** One law for every recipe: width and depth terms when every recipe has them, else the size law in N. */
function recipeFitter(recipes: RecipeData, s: Settings): RecipeFitter {
  const { col, objective } = s;
  const all = [...recipes.values()];
  const hasShape = all.every((c) => findColumn(c, 'width', col.width) && findColumn(c, 'depth', col.depth));
  if (!hasShape && !all.every((c) => findColumn(c, 'params', col.params))) {
    throw new ScalingLabError('missing-column', `${FN}: every recipe needs width and depth columns, or a params column, besides tokens and loss.`, 'name them with columns: { width, depth } or columns: { params }.');
  }
  return (name, cols, free, boot, seed) => {
    try {
      if (hasShape) {
        return fitUniversal(cols, {
          exponents: free ? 'free' : 'fixed', bootstrap: boot, seed, objective,
          columns: { loss: col.loss, width: col.width, depth: col.depth, tokens: col.tokens },
        });
      }
      const names: Record<string, string> = {};
      for (const role of ['params', 'tokens', 'loss'] as const) if (col[role]) names[role] = col[role] as string;
      return fitLaw(cols, free ? PARAMS_LAW_FREE : PARAMS_LAW_FIXED, { bootstrap: boot, seed, objective, ...names });
    } catch (e) {
      if (e instanceof ScalingLabError) throw new ScalingLabError(e.code, `${FN}: fitting recipe '${name}' failed: ${e.reason}`, e.hint);
      throw e;
    }
  };
}

/** Each recipe's fit and frontier. */
function fitEach(recipes: RecipeData, fitOne: RecipeFitter, s: Settings, notes: string[]): Record<string, RecipeFit> {
  // Keyed by recipe names, which are data: no prototype, so a recipe may be called 'constructor'.
  const out = nameRecord<RecipeFit>();
  let index = 0;
  for (const [name, cols] of recipes) {
    // A different seed per recipe keeps the recipes' bootstraps independent (for difference()).
    const fit = fitOne(name, cols, s.mode === 'per-recipe', s.bootstrap, s.seed + index++);
    let fr: FrontierResult;
    try {
      fr = frontier(fit, { budgets: s.budgets, paramsPerShape: s.k, flopsPerParamToken: s.f });
    } catch (e) {
      if (e instanceof ScalingLabError) throw new ScalingLabError(e.code, `${FN}: recipe '${name}': ${e.reason}`, e.hint);
      throw e;
    }
    out[name] = { fit, frontier: fr, n: fit.n };
    if (!fit.converged) notes.push(`the fit of recipe '${name}' did not converge.`);
  }
  return out;
}

/** Budgets beyond a recipe's largest runs are extrapolations: the note says so, grouped by that largest budget. */
function extrapolationNote(recipes: RecipeData, s: Settings): string | null {
  const byLargest = new Map<number, string[]>();
  for (const [name, cols] of recipes) {
    const flopsCol = findColumn(cols, 'flops', s.col.flops);
    if (!flopsCol) continue;
    const largest = Math.max(...cols[flopsCol].map(Number).filter(Number.isFinite));
    if (s.budgets.some((c) => c > largest * (1 + 1e-9))) byLargest.set(largest, [...(byLargest.get(largest) ?? []), name]);
  }
  if (!byLargest.size) return null;
  const parts = [...byLargest].map(([largest, list]) => `${list.length === recipes.size ? 'every recipe' : list.map((n) => `'${n}'`).join(', ')}: ${fmt(largest, 3)}`);
  return `frontiers beyond a recipe's largest runs are extrapolations (largest run budget in FLOPs, ${parts.join('; ')}).`;
}

function checkRecipe(recipes: Record<string, RecipeFit>, name: string, role: string): void {
  if (!hasOwn(recipes, name)) throw new ScalingLabError('missing-recipe', `${FN}: no recipe '${name}' (${role}).`, `recipes: ${Object.keys(recipes).join(', ')}.`);
}

/** RecipeComparison.compute: recipe a's compute for b's frontier loss at a budget. */
function computeOf(recipes: Record<string, RecipeFit>): RecipeComparison['compute'] {
  return (a, b, flops) => {
    checkRecipe(recipes, a, 'first argument'); checkRecipe(recipes, b, 'second argument');
    if (typeof flops !== 'number' || !Number.isFinite(flops) || flops <= 0) {
      throw new ScalingLabError('bad-budget', `multiplier: flops must be a positive finite number, got ${String(flops)}.`, 'e.g. r.multiplier(\'A\', \'B\', 1e21).');
    }
    if (a === b) { const loss = recipes[a].frontier.loss(flops); return { flops, loss, flopsA: flops, multiplier: 1, reached: true }; }
    return compareCompute(recipes[a].frontier, recipes[b].frontier, flops, [a, b]);
  };
}

/** The names compareRecipes accepts: the %compare magic checks its options against them. */
export { KEYS as COMPARE_OPTIONS };
