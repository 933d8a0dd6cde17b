/**
 * A magic's options checked against the options of the function it compiles to, so a typo
 * (`%fit u = runs --exclude.highestLos 3`) is a MagicError that names the option and the known ones,
 * not a TypeScript error at a column of the generated code. The name lists are the functions' own,
 * imported from the modules whose checkOptionKeys uses them.
 */
import { ScalingLabError, checkOptionKeys } from '../../errors';
import { UNIVERSAL_COLUMN_KEYS, UNIVERSAL_OPTIONS } from '../../fit/universal';
import { LAW_OPTIONS } from '../../fit/law';
import { EXCLUDE_KEYS } from '../../fit/exclude';
import { FRONTIER_OPTIONS } from '../../frontier/frontier';
import { COMPARE_OPTIONS } from '../../recipes/compare';
import { commonOptionNames } from '../../toys/options';
import { SWEEP_OPTION_NAMES } from '../../toys/sweep';
import { toys, type ToyName } from '../../toys/registry';
import { SHOW_OPTIONS } from '../render';
import { MagicError } from './registry';
import type { ParsedOption } from './args';

/** The options a function takes, and the keys of those options that are objects with fixed keys. */
export interface OptionNames { fn: string; names: readonly string[]; nested?: Record<string, readonly string[]> }

export const FIT_UNIVERSAL: OptionNames = { fn: 'fitUniversal', names: UNIVERSAL_OPTIONS, nested: { exclude: EXCLUDE_KEYS, columns: UNIVERSAL_COLUMN_KEYS } };
export const FIT_LAW: OptionNames = { fn: 'fitLaw', names: LAW_OPTIONS, nested: { exclude: EXCLUDE_KEYS } };
export const FRONTIER: OptionNames = { fn: 'frontier', names: FRONTIER_OPTIONS };
export const COMPARE: OptionNames = { fn: 'compareRecipes', names: COMPARE_OPTIONS };
export const SHOW: OptionNames = { fn: 'show', names: SHOW_OPTIONS };

/** runToy's options for one toy: the common ones and the toy's own. */
export function toyOptions(name: ToyName): OptionNames {
  return { fn: `runToy('${name}')`, names: [...commonOptionNames, ...toys[name].optionNames] };
}

/** sweepToy's options for one toy: runToy's and the sweep's own (vary.OPTION names a toy option). */
export function sweepOptions(name: ToyName): OptionNames {
  const run = toyOptions(name);
  return { fn: `sweepToy('${name}')`, names: [...run.names, ...SWEEP_OPTION_NAMES], nested: { vary: toys[name].optionNames } };
}

/** checkOptionKeys' verdict on one key, as a MagicError that quotes the option as the user wrote it. */
function checkKey(magic: string, option: ParsedOption, key: string, known: readonly string[], fn: string): void {
  try {
    checkOptionKeys(fn, { [key]: true }, known);
  } catch (err) {
    if (!(err instanceof ScalingLabError)) throw err;
    throw new MagicError(`${magic}: unknown option --${option.key.join('.')} ('${key}' is not an option of ${fn}).`, err.hint);
  }
}

/**
 * Throws a MagicError for the first option that `target` does not take. `own`: the magic's own
 * options (such as --law or --progress), accepted and listed with the function's.
 */
export function checkMagicOptions(magic: string, options: ParsedOption[], target: OptionNames, own: readonly string[] = []): void {
  for (const o of options) {
    const [top, sub] = o.key;
    if (own.includes(top)) continue;
    checkKey(magic, o, top, [...target.names, ...own], target.fn);
    const nested = target.nested?.[top];
    if (nested && sub !== undefined) checkKey(magic, o, sub, nested, `${target.fn}'s ${top}`);
  }
}
