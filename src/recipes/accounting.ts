import { recipeDescriptors, type RecipeData } from './split';

/** Columns that say how a run is measured rather than trained (CompareOptions.accountingColumns' default). */
const ACCOUNTING_DEFAULT = ['param_count', 'loss_split', 'flop_count', 'flops_counting', 'counting'];
/** Descriptor columns that name the data a loss is measured on. */
const DATA_COLUMNS = ['dataset', 'data', 'corpus', 'eval_set', 'eval_dataset'];

export interface TrainingGroups {
  /** Pairs of recipes that differ only in accounting columns: the same training recipe, measured differently. */
  sameTraining: Array<{ recipes: [string, string]; differsIn: string[] }>;
  /** The accounting columns used (present in every recipe). */
  accounting: string[];
  /** Set when the recipes' losses are measured on different data sets. */
  dataNote?: string;
}

/**
 * Which recipes are one training recipe measured two ways (their descriptors differ only in accounting
 * columns), and whether their losses are measured on different data sets (then not comparable).
 */
export function trainingGroups(recipes: RecipeData, recipeColumn: string | undefined, accountingColumns: string[] | undefined): TrainingGroups {
  const names = [...recipes.keys()];
  const all = [...recipes.values()];
  const skip = new Set<string>([recipeColumn ?? '', 'recipe', 'setting']);
  const descriptors = recipeDescriptors(recipes, skip);
  const accounting = (accountingColumns ?? ACCOUNTING_DEFAULT.filter((c) => c in descriptors || all.every((d) => c in d))).filter((c) => all.every((d) => c in d));
  const sameTraining: TrainingGroups['sameTraining'] = [];
  if (accounting.length) {
    const training = Object.keys(descriptors).filter((c) => !accounting.includes(c));
    for (let i = 0; i < names.length; i++) {
      for (let j = i + 1; j < names.length; j++) {
        const [a, b] = [names[i], names[j]];
        if (training.some((c) => descriptors[c][a] !== descriptors[c][b])) continue;
        const differsIn = accounting.filter((c) => {
          const va = new Set(recipes.get(a)![c].map(String));
          const vb = new Set(recipes.get(b)![c].map(String));
          return va.size !== vb.size || [...va].some((v) => !vb.has(v));
        });
        if (differsIn.length) sameTraining.push({ recipes: [a, b], differsIn });
      }
    }
  }
  // Losses measured on different data sets are not comparable, whatever the recipe.
  const dataCol = Object.keys(descriptors).find((c) => DATA_COLUMNS.includes(c.toLowerCase()));
  const sets = dataCol ? [...new Set(Object.values(descriptors[dataCol]))] : [];
  const dataNote = sets.length > 1
    ? `the recipes' losses are measured on different data sets (${dataCol}: ${sets.join(', ')}), so their losses, winners and multipliers are only comparable within one data set; pick one with recipes: [...].`
    : undefined;
  return { sameTraining, accounting, dataNote };
}
