import { ScalingLabError } from '../errors';
import { toColumns, type DataInput } from '../data/columns';
import { isDataFrame, type Columns } from '../data/frame';
import { nameRecord } from '../laws/names';

/** A data set per recipe, in the order the recipes were first seen. */
export type RecipeData = Map<string, Columns>;

/** True when `data` is a map from recipe name to data (not an object of columns). */
export function isRecipeMap(data: unknown): data is Record<string, DataInput> {
  if (!data || typeof data !== 'object' || Array.isArray(data) || isDataFrame(data)) return false;
  const values = Object.values(data as Record<string, unknown>);
  if (values.length === 0) return false;
  const records = (v: unknown[]) => v.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r));
  // An empty recipe ({ A: runs, B: [] }) still makes a map (its emptiness is reported by name), but not all-empty columns.
  return values.some((v) => !Array.isArray(v) || v.length > 0) && values.every((v) => {
    if (typeof v === 'string' || isDataFrame(v)) return true;
    if (Array.isArray(v)) return records(v);
    return !!v && typeof v === 'object' && !ArrayBuffer.isView(v);
  });
}

/** Alternative spellings of the recipe column (datasets.porianRecipes() calls Porian et al.'s 'setting' 'recipe'). */
const RECIPE_ALIASES: Record<string, string[]> = { setting: ['recipe'], recipe: ['setting'] };

/**
 * Splits the data by recipe: either a column that names the recipe, or a map of name to data.
 * `keep` picks and orders recipes (names), or filters them (predicate).
 */
export function splitRecipes(data: DataInput | Record<string, DataInput>, recipeColumn: string | undefined, keep: string[] | ((name: string) => boolean) | undefined, fn: string): { recipes: RecipeData; column?: string; notes: string[] } {
  const recipes: RecipeData = new Map();
  const notes: string[] = [];
  let column: string | undefined;
  if (recipeColumn === undefined) {
    if (!isRecipeMap(data)) {
      throw new ScalingLabError('missing-option', `${fn}: say which column names the recipe, or pass a map from recipe name to data.`, "e.g. compareRecipes(data, { recipe: 'setting' }) or compareRecipes({ A: runsA, B: runsB }).");
    }
    for (const [name, d] of Object.entries(data)) recipes.set(name, toColumns(d, `${fn} (recipe '${name}')`));
  } else {
    if (typeof recipeColumn !== 'string') throw new ScalingLabError('bad-option', `${fn}: recipe must be a column name, got ${typeof recipeColumn}.`);
    if (isRecipeMap(data)) throw new ScalingLabError('bad-option', `${fn}: the data is already a map of recipes; leave out the recipe option.`);
    const cols = toColumns(data, fn);
    column = recipeColumn;
    if (!(column in cols)) {
      const alias = (RECIPE_ALIASES[column] ?? []).find((a) => a in cols) ?? Object.keys(cols).find((c) => c.toLowerCase() === recipeColumn.toLowerCase());
      if (!alias) {
        throw new ScalingLabError('missing-column', `${fn}: no recipe column '${recipeColumn}'. Columns present: ${Object.keys(cols).join(', ')}.`, "pass { recipe: '<the column that names each run's recipe>' }.");
      }
      notes.push(`the recipe column '${recipeColumn}' is called '${alias}' in this data; used '${alias}'.`);
      column = alias;
    }
    const names = recipeNames(cols[column], column, fn);
    const rowsOf = new Map<string, number[]>();
    names.forEach((name, i) => {
      const list = rowsOf.get(name) ?? [];
      list.push(i);
      rowsOf.set(name, list);
    });
    for (const [name, rows] of rowsOf) {
      const sub: Columns = {};
      for (const [k, v] of Object.entries(cols)) sub[k] = rows.map((i) => v[i]);
      recipes.set(name, sub);
    }
  }
  if (keep !== undefined) {
    const picked: RecipeData = new Map();
    if (typeof keep === 'function') {
      for (const [name, d] of recipes) if (keep(name)) picked.set(name, d);
    } else if (Array.isArray(keep)) {
      for (const name of keep) {
        const d = recipes.get(name);
        if (!d) throw new ScalingLabError('missing-recipe', `${fn}: no recipe '${name}' in the data.`, `recipes present: ${[...recipes.keys()].join(', ')}.`);
        picked.set(name, d);
      }
    } else throw new ScalingLabError('bad-option', `${fn}: recipes must be an array of names or a predicate (name) => boolean.`);
    if (picked.size === 0) throw new ScalingLabError('missing-recipe', `${fn}: the recipes option keeps no recipe.`, `recipes present: ${[...recipes.keys()].join(', ')}.`);
    return { recipes: picked, column, notes };
  }
  return { recipes, column, notes };
}

/** A recipe column's values as names; a missing value (NaN, null, empty) would become a recipe called 'NaN'. */
function recipeNames(values: ReadonlyArray<unknown>, column: string, fn: string): string[] {
  const missing: number[] = [];
  values.forEach((v, i) => {
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) || (typeof v === 'string' && /^\s*(nan)?\s*$/i.test(v))) missing.push(i);
  });
  if (missing.length) {
    const rows = missing.length > 10 ? `${missing.slice(0, 10).join(', ')} and ${missing.length - 10} more` : missing.join(', ');
    throw new ScalingLabError('missing-value', `${fn}: the recipe column '${column}' has no value (NaN or empty) in ${missing.length === 1 ? 'row' : `${missing.length} rows:`} ${rows}; a run without a recipe name cannot be compared.`,
      `fill in the recipe of ${missing.length === 1 ? 'that run' : 'those runs'}, or drop ${missing.length === 1 ? 'it' : 'them'} before comparing.`);
  }
  return values.map(String);
}

/**
 * Columns constant within every recipe (its descriptors, e.g. Porian et al.'s hparams, warmup,
 * decay, param_count, loss_split) with each recipe's value.
 */
export function recipeDescriptors(recipes: RecipeData, skip: Set<string>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  const first = [...recipes.values()][0];
  if (!first) return out;
  const candidates = Object.keys(first).filter((c) => !skip.has(c) && [...recipes.values()].every((d) => c in d));
  for (const c of candidates) {
    // Keyed by recipe names, which are data: no prototype, so a recipe may be called 'constructor'.
    const values = nameRecord<string>();
    let constant = true;
    for (const [name, d] of recipes) {
      const set = new Set(d[c].map(String));
      if (set.size !== 1) { constant = false; break; }
      values[name] = [...set][0];
    }
    if (constant) out[c] = values;
  }
  return out;
}
