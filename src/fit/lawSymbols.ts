import { ScalingLabError, closestName } from '../errors';
import { findColumn, requireColumn, ROLE_ALIASES } from '../data/columns';
import type { Columns } from '../data/frame';
import type { Role } from '../data/roles';
import { LAWS, SYMBOL_ROLES, type BuiltinLaw } from '../laws/builtin';
import type { ParsedLaw } from '../laws/expression';
import { ownValue } from '../util/own';
import { prepareDesign, type Design } from './design';
import type { ExcludeSpec } from './exclude';
import type { PointOptions } from './weights';

/** Roles a law variable can stand for, and the options that name their columns. */
export const ROLE_KEYS = ['params', 'tokens', 'width', 'depth', 'flops', 'steps', 'time'] as const;
type RoleKey = (typeof ROLE_KEYS)[number];

/** How fitLaw's options name columns: by law variable, or by role. */
export type SymbolOptions = { variables?: Record<string, string> } & Partial<Record<RoleKey, string>>;

/** A symbol of the law read from the data. */
export interface LawVariable { name: string; column: string; role: Role }

/**
 * Splits the law's symbols into data variables (with their column and role) and parameters. A symbol
 * is a variable when the options map it, when it stands for a role (N, D, m, l, C, ... or a built-in
 * law's variables) and a column for that role exists, or when a column has its exact name.
 */
export function assignSymbols(fn: string, parsed: ParsedLaw, builtin: BuiltinLaw | null, columns: Columns, lossColumn: string, options: SymbolOptions): { variables: LawVariable[]; params: string[] } {
  const { variables, params } = splitSymbols(fn, parsed, builtin, columns, lossColumn, options);
  if (variables.length === 0) {
    // A single word is most likely a misspelt built-in name.
    const named = /^\s*[A-Za-z_]\w*\s*$/.test(parsed.text) ? closestName(parsed.text.trim(), Object.keys(LAWS)) : undefined;
    throw new ScalingLabError('bad-expression', `${fn}: the law '${parsed.text}' uses no data variable (symbols: ${parsed.symbols.join(', ')}; columns: ${Object.keys(columns).join(', ')}).`,
      named ? `did you mean the built-in law '${named}'? Built-in laws: ${Object.keys(LAWS).join(', ')}.`
        : 'use column names or N (params), D (tokens), m (width), l (depth), C (flops) in the law, or map symbols with { variables: { ... } }.');
  }
  if (params.length === 0) {
    throw new ScalingLabError('bad-expression', `${fn}: the law '${parsed.text}' has no parameters to fit.`,
      'name the unknowns as symbols that are not columns, e.g. E + A / N^alpha (E, A, alpha are fitted).');
  }
  return { variables, params };
}

/**
 * The classification of assignSymbols, without its checks: each symbol becomes a variable (with its
 * column and role) or a parameter. A law given as a function uses it to read the names its rows use.
 */
export function splitSymbols(fn: string, parsed: Pick<ParsedLaw, 'text' | 'symbols'>, builtin: BuiltinLaw | null, columns: Columns, lossColumn: string, options: SymbolOptions): { variables: LawVariable[]; params: string[] } {
  checkVariablesOption(fn, parsed, options.variables);
  const names = Object.keys(columns);
  const roleOfColumn = (c: string): Role => (Object.entries(ROLE_ALIASES).find(([, al]) => al.includes(c))?.[0] as Role) ?? 'other';
  const symbolRole = (s: string): Role | undefined => (builtin ? ownValue(builtin.variables, s) : undefined) ?? ownValue(SYMBOL_ROLES, s);
  const variables: LawVariable[] = [];
  const params: string[] = [];
  for (const s of parsed.symbols) {
    const explicit = options.variables ? ownValue(options.variables, s) : undefined;
    if (explicit !== undefined) {
      if (!names.includes(explicit)) throw new ScalingLabError('missing-column', `${fn}: variables.${s} = '${explicit}' is not a column. Columns present: ${names.join(', ')}.`);
      variables.push({ name: s, column: explicit, role: symbolRole(s) ?? roleOfColumn(explicit) });
      continue;
    }
    const role: Role | undefined = symbolRole(s) ?? ((ROLE_KEYS as readonly string[]).includes(s) ? (s as Role) : undefined);
    if (role && role !== 'other' && role !== 'loss') {
      const given = options[role as RoleKey];
      const c = given !== undefined ? requireColumn(columns, role, fn, given) : names.includes(s) ? s : findColumn(columns, role, undefined, fn);
      if (!c) {
        throw new ScalingLabError('missing-column',
          `${fn}: law variable '${s}' stands for ${role}, but no ${role} column was found. Columns present: ${names.join(', ')}. Aliases tried: ${ROLE_ALIASES[role].join(', ')}.`,
          `name the column with { ${role}: '<column>' } or { variables: { ${s}: '<column>' } }.`);
      }
      variables.push({ name: s, column: c, role });
      continue;
    }
    if (names.includes(s) && s !== lossColumn) { variables.push({ name: s, column: s, role: roleOfColumn(s) }); continue; }
    params.push(s);
  }
  return { variables, params };
}

function checkVariablesOption(fn: string, parsed: Pick<ParsedLaw, 'text' | 'symbols'>, variables: unknown): void {
  if (variables === undefined) return;
  if (typeof variables !== 'object' || variables === null) {
    throw new ScalingLabError('bad-option', `${fn}: variables must be an object like { N: 'model_size' }.`);
  }
  for (const k of Object.keys(variables)) {
    if (!parsed.symbols.includes(k)) throw new ScalingLabError('unknown-symbol', `${fn}: variables names '${k}', which is not a symbol of the law '${parsed.text}'.`, `symbols are: ${parsed.symbols.join(', ')}.`);
  }
}

/** The design of a fitLaw fit: its variables (sizes positive), rows, weights and groups, with fitLaw's hints. */
export function lawDesign(fn: string, columns: Columns, lossColumn: string, variables: LawVariable[], free: string[], options: PointOptions & { exclude?: ExcludeSpec }): Design {
  return prepareDesign(columns, {
    fn, lossColumn, exclude: options.exclude, points: { weights: options.weights, groups: options.groups },
    variables: variables.map((v) => ({
      ...v, positive: v.role !== 'other', what: `${v.role} (law variable ${v.name})`,
      noVariation: {
        subject: `law variable '${v.name}' (${v.role}, column '${v.column}')`,
        hint: `drop the term from the law or fix its parameters (fixed: { ... }), or add runs with different ${v.role}.`,
      },
    })),
    free: { count: free.length, names: free, hint: 'add runs, fix or tie parameters, or exclude fewer rows.' },
  });
}
