import { ScalingLabError, checkOptionKeys } from '../errors';
import { attachDisplay } from '../display-hook';
import { findColumn, type DataInput } from '../data/columns';
import type { Columns } from '../data/frame';
import { fitLaw, fitUniversal } from '../fit';
import type { FitResult, Objective } from '../fit/types';
import { frontier } from '../frontier/frontier';
import { resolveBudgets, type Budgets } from '../frontier/budgets';
import type { FrontierResult } from '../frontier/types';
import { compareCompute, type ComputeComparison } from './multiplier';
import { coefficientDifference } from './difference';
import { recipeColumns, recipeSummary } from './report';
import { recipeDescriptors, splitRecipes } from './split';
import { toDataFrame } from '../data/frame';
import type { DataFrame } from 'danfojs-node';

export interface CompareOptions {
  /** Column that names each run's recipe (leave out when the data is a map from recipe name to data). */
  recipe?: string;
  /** Which recipes to compare, in this order (names), or a filter on the name. Default: all. */
  recipes?: string[] | ((name: string) => boolean);
  /** FLOP budgets for the frontiers, multipliers and winners: array, number or { from, to, count }. Default [1e19, 1e21, 1e23]. */
  budgets?: Budgets;
  /** k in N = k m^2 l. Default 12. */
  paramsPerShape?: number;
  /** f in C = f N D. Default 6. */
  flopsPerParamToken?: number;
  /**
   * 'shared' (default): every recipe is fitted with the universal exponents, so recipes differ only in
   * their coefficients; 'per-recipe': each recipe's exponents are fitted freely.
   */
  exponents?: 'shared' | 'per-recipe';
  /** Also fit free exponents per recipe and say whether freeing them is warranted (AIC/BIC). Default true. */
  testExponents?: boolean;
  /** Fewest runs a recipe may have. Default 8. */
  minPoints?: number;
  /** Bootstrap resamples per recipe fit, for the CIs and frontier bands (0 or false for none). Default 200. */
  bootstrap?: number | false;
  /** Seed of the bootstraps. Default 0. */
  seed?: number;
  /** Objective of every fit: 'lsq' (default, least squares on log L) or { huber: delta } (Huber on log L, summed). */
  objective?: Objective;
  /** Column names (loss, width, depth, tokens, params) when they are not detected from common aliases. */
  columns?: Partial<Record<'loss' | 'width' | 'depth' | 'tokens' | 'params' | 'flops', string>>;
  /**
   * IsoFLOP selection: per budget (runs sharing a flops value), keep the runs whose loss is within this
   * fraction of that budget's lowest loss, as isoFLOP analyses do (Hoffmann et al. approach 2, Porian et al.).
   * Far-from-optimal runs (tiny models on many tokens, huge models on few) carry schedule effects the law
   * does not model, and the frontier only needs the law near the optimum. 'auto' (default): 0.05 when the
   * runs form isoFLOP groups (a flops column with at least 3 runs per budget on average), else off.
   * false: keep every run. The summary says what was kept.
   */
  nearOptimum?: number | false | 'auto';
  /**
   * Columns that describe how a run is measured rather than trained (FLOP or parameter counting, which
   * loss is reported). Recipes that differ only in these are the same training recipe. Default: those of
   * param_count, loss_split, flop_count, flops_counting, counting that are in the data.
   */
  accountingColumns?: string[];
}

const KEYS = ['recipe', 'recipes', 'budgets', 'paramsPerShape', 'flopsPerParamToken', 'exponents', 'testExponents', 'minPoints', 'bootstrap', 'seed', 'objective', 'columns', 'nearOptimum', 'accountingColumns'];
const ACCOUNTING_DEFAULT = ['param_count', 'loss_split', 'flop_count', 'flops_counting', 'counting'];
/** Descriptor columns that name the data a loss is measured on. */
const DATA_COLUMNS = ['dataset', 'data', 'corpus', 'eval_set', 'eval_dataset'];
const FN = 'compareRecipes';

/** The size law used when runs have params and tokens but no width and depth: universal size exponent 1/3. */
export const PARAMS_LAW_FIXED = 'L0 + c_N * N^(-1/3) + c_D * D^(-1/3)';
export const PARAMS_LAW_FREE = 'L0 + c_N / N^a_N + c_D / D^a_D';

export interface RecipeFit { fit: FitResult; frontier: FrontierResult; n: number }

export interface ExponentTest {
  /** Per recipe: the free fit's exponents and AIC/BIC of fixed minus free (positive favours freeing). */
  perRecipe: Record<string, { exponents: Record<string, { value: number; ci: [number, number] | null }>; deltaAIC: number; deltaBIC: number }>;
  /** Summed over recipes. */
  deltaAIC: number;
  deltaBIC: number;
  /** True when both summed criteria favour free exponents. */
  warranted: boolean;
  verdict: string;
}

export interface RecipeComparison {
  kind: 'recipes';
  recipes: Record<string, RecipeFit>;
  budgets: number[];
  /** The law every recipe was fitted with. */
  law: string;
  exponents: 'shared' | 'per-recipe';
  recipeColumn?: string;
  /** Whether per-recipe free exponents are warranted by the data (when testExponents). */
  exponentTest?: ExponentTest;
  /** Pairs of recipes that differ only in accounting columns: the same training recipe, measured differently. */
  sameTraining: Array<{ recipes: [string, string]; differsIn: string[] }>;
  accountingColumns: string[];
  /** Winner per budget: the recipe with the lowest frontier loss. */
  best: Array<{ flops: number; recipe: string; loss: number }>;
  notes: string[];
  /** How many times less compute recipe a needs to reach recipe b's frontier loss at `flops` (0 when a never reaches it; see compute()). */
  multiplier(a: string, b: string, flops: number): number;
  /** The full comparison behind multiplier(): the loss to reach, the compute a needs, and a note when it never gets there. */
  compute(a: string, b: string, flops: number): ComputeComparison;
  /**
   * Coefficient differences b - a (every fitted parameter, plus K, c_N and tokensPerParam when the frontier
   * has them), with a 95% interval from the two recipes' independent bootstraps when both have one.
   */
  difference(a: string, b: string): Record<string, { value: number; ci: [number, number] | null }>;
  /** One row per recipe: coefficients with CIs, tokensPerParam, aspectRatio (with width/depth), loss at each budget. */
  table(): DataFrame;
  summary(): string;
}

function countRows(cols: Columns): number {
  const first = Object.values(cols)[0];
  return first ? first.length : 0;
}

/**
 * Compares training recipes by their coefficients: each recipe is fitted with the universal exponents
 * (L0 + c_m/m + c_l/l + c_D D^(-1/3), or L0 + c_N N^(-1/3) + c_D D^(-1/3) without width and depth), then
 * its compute-optimal frontier gives the loss at each budget, the winner per budget, and compute multipliers.
 */
export function compareRecipes(data: DataInput | Record<string, DataInput>, options: CompareOptions = {}): RecipeComparison {
  checkOptionKeys(FN, options, KEYS);
  const mode = options.exponents ?? 'shared';
  if (mode !== 'shared' && mode !== 'per-recipe') throw new ScalingLabError('bad-option', `${FN}: exponents must be 'shared' or 'per-recipe', got ${String(mode)}.`);
  const minPoints = options.minPoints ?? 8;
  if (!Number.isInteger(minPoints) || minPoints < 3) throw new ScalingLabError('bad-option', `${FN}: minPoints must be an integer >= 3, got ${String(minPoints)}.`);
  const budgets = resolveBudgets(options.budgets ?? [1e19, 1e21, 1e23], FN);
  const k = options.paramsPerShape ?? 12;
  const f = options.flopsPerParamToken ?? 6;
  const bootstrap = options.bootstrap ?? 200;
  const seed = options.seed ?? 0;
  const testExponents = options.testExponents ?? true;
  // One objective for every fit (fixed and free), so their AIC/BIC compare like with like.
  const objective: Objective = options.objective ?? 'lsq';
  const split = splitRecipes(data, options.recipe, options.recipes, FN);
  const notes = [...split.notes];
  if (split.recipes.size < 2) {
    throw new ScalingLabError('too-few-recipes', `${FN}: found ${split.recipes.size} recipe${split.recipes.size === 1 ? ` ('${[...split.recipes.keys()][0]}')` : 's'}; a comparison needs at least two.`, options.recipe ? `check the column '${options.recipe}'.` : 'pass a map with two or more recipes.');
  }
  const col = options.columns ?? {};
  const selection = selectNearOptimum(split.recipes, options.nearOptimum ?? 'auto', col.flops, col.loss);
  if (selection) {
    notes.push(`isoFLOP selection: per budget, only runs within ${fmtPct(selection.tolerance)} of that budget's lowest loss were fitted (${Object.entries(selection.kept).map(([n, [kept, total]]) => `${n}: ${kept} of ${total}`).join('; ')}); nearOptimum: false fits every run.`);
  }
  for (const [name, cols] of split.recipes) {
    const n = countRows(cols);
    if (n < minPoints) {
      const kept = selection ? ` after the isoFLOP selection (of ${selection.kept[name][1]})` : '';
      throw new ScalingLabError('too-few-points', `${FN}: recipe '${name}' has ${n} run${n === 1 ? '' : 's'}${kept}; fitting its coefficients needs at least ${minPoints}.`, `add runs for '${name}', leave it out (recipes: [...]), or lower minPoints.`);
    }
  }

  // One law for every recipe: width and depth terms when every recipe has them, else the size law in N.
  const all = [...split.recipes.values()];
  const hasShape = all.every((c) => findColumn(c, 'width', col.width) && findColumn(c, 'depth', col.depth));
  if (!hasShape && !all.every((c) => findColumn(c, 'params', col.params))) {
    throw new ScalingLabError('missing-column', `${FN}: every recipe needs width and depth columns, or a params column, besides tokens and loss.`, 'name them with columns: { width, depth } or columns: { params }.');
  }
  const fitOne = (name: string, cols: Columns, free: boolean, boot: number | false, seed: number): FitResult => {
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
      if (e instanceof ScalingLabError) {
        throw new ScalingLabError(e.code, `${FN}: fitting recipe '${name}' failed: ${e.reason}`, e.hint);
      }
      throw e;
    }
  };

  const recipes: Record<string, RecipeFit> = {};
  let index = 0;
  for (const [name, cols] of split.recipes) {
    // A different seed per recipe keeps the recipes' bootstraps independent (for difference()).
    const fit = fitOne(name, cols, mode === 'per-recipe', bootstrap, seed + index++);
    let fr: FrontierResult;
    try {
      fr = frontier(fit, { budgets, paramsPerShape: k, flopsPerParamToken: f });
    } catch (e) {
      if (e instanceof ScalingLabError) throw new ScalingLabError(e.code, `${FN}: recipe '${name}': ${e.reason}`, e.hint);
      throw e;
    }
    recipes[name] = { fit, frontier: fr, n: fit.n };
    if (!fit.converged) notes.push(`the fit of recipe '${name}' did not converge.`);
  }
  const names = Object.keys(recipes);
  const law = recipes[names[0]].fit.law;
  // Budgets beyond a recipe's largest runs are extrapolations: say so, grouped by that largest budget.
  const byLargest = new Map<number, string[]>();
  for (const name of names) {
    const cols = split.recipes.get(name)!;
    const flopsCol = findColumn(cols, 'flops', col.flops);
    if (!flopsCol) continue;
    const largest = Math.max(...cols[flopsCol].map(Number).filter(Number.isFinite));
    if (budgets.some((c) => c > largest * (1 + 1e-9))) byLargest.set(largest, [...(byLargest.get(largest) ?? []), name]);
  }
  if (byLargest.size) {
    const parts = [...byLargest].map(([largest, list]) => `${list.length === names.length ? 'every recipe' : list.map((n) => `'${n}'`).join(', ')}: ${fmtSci(largest)}`);
    notes.push(`frontiers beyond a recipe's largest runs are extrapolations (largest run budget in FLOPs, ${parts.join('; ')}).`);
  }

  let exponentTest: ExponentTest | undefined;
  if (testExponents) exponentTest = testFreeExponents(recipes, (name) => fitOne(name, split.recipes.get(name)!, mode !== 'per-recipe', false, seed), mode);

  // Recipes whose descriptors differ only in accounting columns are one training recipe measured two ways.
  const skip = new Set<string>([split.column ?? '', 'recipe', 'setting']);
  const descriptors = recipeDescriptors(split.recipes, skip);
  const accounting = (options.accountingColumns ?? ACCOUNTING_DEFAULT.filter((c) => c in descriptors || all.every((d) => c in d))).filter((c) => all.every((d) => c in d));
  const sameTraining: RecipeComparison['sameTraining'] = [];
  if (accounting.length) {
    const training = Object.keys(descriptors).filter((c) => !accounting.includes(c));
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        const [a, b] = [names[i], names[j]];
        if (training.some((c) => descriptors[c][a] !== descriptors[c][b])) continue;
        const differsIn = accounting.filter((c) => {
          const va = new Set(split.recipes.get(a)![c].map(String));
          const vb = new Set(split.recipes.get(b)![c].map(String));
          return va.size !== vb.size || [...va].some((v) => !vb.has(v));
        });
        if (differsIn.length) sameTraining.push({ recipes: [a, b], differsIn });
      }
    }
  }

  // Losses measured on different data sets are not comparable, whatever the recipe.
  const dataCol = Object.keys(descriptors).find((c) => DATA_COLUMNS.includes(c.toLowerCase()));
  if (dataCol) {
    const sets = [...new Set(Object.values(descriptors[dataCol]))];
    if (sets.length > 1) {
      notes.unshift(`the recipes' losses are measured on different data sets (${dataCol}: ${sets.join(', ')}), so their losses, winners and multipliers are only comparable within one data set; pick one with recipes: [...].`);
    }
  }

  const best = budgets.map((flops, i) => {
    let winner = names[0];
    for (const name of names) if (recipes[name].frontier.rows[i].loss < recipes[winner].frontier.rows[i].loss) winner = name;
    return { flops, recipe: winner, loss: recipes[winner].frontier.rows[i].loss };
  });

  const check = (name: string, role: string) => {
    if (!(name in recipes)) throw new ScalingLabError('missing-recipe', `${FN}: no recipe '${name}' (${role}).`, `recipes: ${names.join(', ')}.`);
  };
  const compute = (a: string, b: string, flops: number): ComputeComparison => {
    check(a, 'first argument'); check(b, 'second argument');
    if (typeof flops !== 'number' || !Number.isFinite(flops) || flops <= 0) {
      throw new ScalingLabError('bad-budget', `multiplier: flops must be a positive finite number, got ${String(flops)}.`, 'e.g. r.multiplier(\'A\', \'B\', 1e21).');
    }
    if (a === b) { const loss = recipes[a].frontier.loss(flops); return { flops, loss, flopsA: flops, multiplier: 1, reached: true }; }
    return compareCompute(recipes[a].frontier, recipes[b].frontier, flops, [a, b]);
  };

  const result: RecipeComparison = {
    kind: 'recipes',
    recipes,
    budgets,
    law,
    exponents: mode,
    recipeColumn: split.column,
    exponentTest,
    sameTraining,
    accountingColumns: accounting,
    best,
    notes,
    multiplier: (a, b, flops) => compute(a, b, flops).multiplier,
    compute,
    difference: (a, b) => {
      check(a, 'first argument'); check(b, 'second argument');
      return coefficientDifference(recipes[a], recipes[b]);
    },
    table: () => toDataFrame(recipeColumns(result)),
    summary: () => recipeSummary(result),
  };
  return attachDisplay(result);
}

/** Fits the other exponent setting per recipe (without bootstrap) and compares AIC/BIC on the same points and objective. */
function testFreeExponents(recipes: Record<string, RecipeFit>, refit: (name: string) => FitResult, mode: 'shared' | 'per-recipe'): ExponentTest {
  const perRecipe: ExponentTest['perRecipe'] = {};
  let dA = 0;
  let dB = 0;
  for (const [name, r] of Object.entries(recipes)) {
    const other = refit(name);
    const [fixed, free] = mode === 'shared' ? [r.fit, other] : [other, r.fit];
    const exps: Record<string, { value: number; ci: [number, number] | null }> = {};
    for (const [p, est] of Object.entries(free.params)) {
      if (!(p in fixed.params) || fixed.params[p].fixed) exps[p] = { value: est.value, ci: est.ci };
    }
    const deltaAIC = fixed.aic - free.aic;
    const deltaBIC = fixed.bic - free.bic;
    perRecipe[name] = { exponents: exps, deltaAIC, deltaBIC };
    dA += deltaAIC;
    dB += deltaBIC;
  }
  const warranted = dA > 0 && dB > 0;
  const verdict = warranted
    ? `Freeing the exponents per recipe is warranted by the data: AIC and BIC, summed over recipes, fall by ${dA.toFixed(1)} and ${dB.toFixed(1)}; recipes then differ in exponents, not only coefficients.`
    : dA > 0
      ? `Mixed evidence for freeing the exponents per recipe: summed AIC falls by ${dA.toFixed(1)} but BIC rises by ${(-dB).toFixed(1)}; shared universal exponents are kept.`
      : `Shared universal exponents suffice: freeing them per recipe does not lower AIC (change ${(-dA).toFixed(1)}) or BIC (change ${(-dB).toFixed(1)}).`;
  return { perRecipe, deltaAIC: dA, deltaBIC: dB, warranted, verdict };
}

function fmtPct(x: number): string {
  return `${Number((x * 100).toPrecision(3))}%`;
}

function fmtSci(x: number): string {
  return x.toExponential(2);
}

/**
 * The isoFLOP selection (see CompareOptions.nearOptimum), applied to each recipe's runs in place.
 * Returns null when it is off or does not apply.
 */
function selectNearOptimum(recipes: Map<string, Columns>, spec: number | false | 'auto', flopsName?: string, lossName?: string): { tolerance: number; kept: Record<string, [number, number]> } | null {
  if (spec === false) return null;
  if (spec !== 'auto' && (typeof spec !== 'number' || !(spec > 0) || !Number.isFinite(spec))) {
    throw new ScalingLabError('bad-option', `${FN}: nearOptimum must be a positive fraction (e.g. 0.05), 'auto' or false, got ${String(spec)}.`);
  }
  const found = [...recipes.values()].map((c) => ({ flops: findColumn(c, 'flops', flopsName), loss: findColumn(c, 'loss', lossName) }));
  if (found.some((f) => !f.flops || !f.loss)) {
    if (spec === 'auto') return null;
    throw new ScalingLabError('missing-column', `${FN}: nearOptimum needs a flops and a loss column in every recipe.`, 'name them with columns: { flops, loss }, or leave nearOptimum out.');
  }
  if (spec === 'auto') {
    // IsoFLOP sweeps: many runs share each budget.
    const isoflop = [...recipes.values()].every((c, i) => {
      const values = c[found[i].flops as string].map(Number);
      return values.length >= 3 * new Set(values).size;
    });
    if (!isoflop) return null;
  }
  const tolerance = spec === 'auto' ? 0.05 : spec;
  const kept: Record<string, [number, number]> = {};
  let i = 0;
  for (const [name, cols] of recipes) {
    const flops = cols[found[i].flops as string].map(Number);
    const loss = cols[found[i].loss as string].map(Number);
    i++;
    const lowest = new Map<number, number>();
    flops.forEach((c, j) => { if (Number.isFinite(loss[j])) lowest.set(c, Math.min(lowest.get(c) ?? Infinity, loss[j])); });
    const rows = flops.map((_, j) => j).filter((j) => loss[j] <= (lowest.get(flops[j]) as number) * (1 + tolerance));
    for (const key of Object.keys(cols)) cols[key] = rows.map((j) => cols[key][j]);
    kept[name] = [rows.length, flops.length];
  }
  return { tolerance, kept };
}
