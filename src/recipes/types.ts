import type { DataFrame } from '../data/frame';
import type { FitResult, Objective } from '../fit/types';
import type { Budgets } from '../frontier/budgets';
import type { FrontierResult } from '../frontier/types';
import type { ComputeComparison } from './multiplier';

/** The options and result of compareRecipes, apart from the function so that its parts can share them. */

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

export interface RecipeFit { fit: FitResult; frontier: FrontierResult; n: number }

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

/** Whether per-recipe free exponents are warranted: AIC and BIC of fixed minus free, per recipe and summed. */
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
