import { ScalingLabError } from '../errors';
import { findColumn } from '../data/columns';
import type { Columns } from '../data/frame';
import type { Role } from '../data/roles';
import { SYMBOL_ROLES } from './builtin';
import type { ParsedLaw } from './parse';

/**
 * The fitter reads every symbol of a law that is not a column (or a role symbol such as N or D) as a
 * parameter. A typo (`B / Dd^beta`) therefore becomes a fitted parameter and the tokens drop out of the
 * law, with no sign but a singular curvature matrix. These checks run once the symbols are assigned and
 * name the symbol and the column it was probably meant to be.
 */

/** How the fitter assigned the law's symbols. */
export interface SymbolAssignment {
  /** Symbols read from the data, with their column and role. */
  variables: ReadonlyArray<{ name: string; column: string; role: Role }>;
  /** Symbols fitted as parameters. */
  params: readonly string[];
}

/** What the caller declared: columns by role, a built-in law's variables, parameters named in options. */
export interface SymbolDeclarations {
  /** The loss column (never a variable). */
  loss: string;
  /** The built-in law's variables, each of which must come from a column. */
  builtin?: Readonly<Record<string, Role>>;
  /** fitLaw's options: role keys name columns (`tokens: 'D'`); fixed, bounds, tied and logParams name parameters. */
  options?: Readonly<Partial<Record<Role, unknown>>> & {
    fixed?: object; bounds?: object; tied?: object; logParams?: unknown;
  };
}

const ROLES: readonly Role[] = ['params', 'tokens', 'width', 'depth', 'flops', 'steps', 'time'];

/**
 * Throws a ScalingLabError naming both sides when: a built-in law's variable found no column (it would
 * be fitted as a parameter); a column named for a role (`{ tokens: 'D' }`) is used by no variable of
 * the law; or a parameter of an expression is one edit away from a column, or from the symbol of a role
 * with a column, that the law does not use. Parameters named in fixed, bounds, tied or logParams are
 * deliberate and not checked against columns.
 */
export function checkSymbolsAgainstColumns(fn: string, parsed: ParsedLaw, columns: Columns | readonly string[], assignment: SymbolAssignment, declared: SymbolDeclarations): void {
  const names = Array.isArray(columns) ? (columns as string[]) : Object.keys(columns);
  const cols = Array.isArray(columns) ? Object.fromEntries(names.map((c) => [c, []])) : (columns as Columns);
  const usedRoles = new Set(assignment.variables.map((v) => v.role));
  const usedColumns = new Set([declared.loss, ...assignment.variables.map((v) => v.column)]);
  const paramsText = assignment.params.length ? ` (fitted as parameters: ${assignment.params.join(', ')})` : '';
  for (const [name, role] of Object.entries(declared.builtin ?? {})) {
    if (!assignment.params.includes(name)) continue;
    throw new ScalingLabError('missing-column', `${fn}: the law's variable ${name} (${role === 'other' ? 'read from a column of that name' : role}) has no column in the data. Columns present: ${names.join(', ')}.`,
      `map it to a column: { variables: { ${name}: '<column>' } }.`);
  }
  for (const role of ROLES) {
    const column = declared.options?.[role];
    if (typeof column !== 'string' || usedRoles.has(role)) continue;
    const near = closest(column, assignment.params) ?? closest(symbolOf(role) ?? role, assignment.params);
    throw new ScalingLabError('unused-column', `${fn}: the ${role} column '${column}' was named, but the law '${parsed.text}' has no ${role} variable${paramsText}.`,
      near ? `'${near}' looks like a typo for the ${role} variable: write ${symbolOf(role) ?? column} (or '${column}') in the law.` : `use a ${role} variable (${symbolOf(role) ?? column}) in the law, or leave out the ${role} option.`);
  }
  if (declared.builtin) return;
  const deliberate = declaredParams(declared.options);
  const targets: Array<{ name: string; what: string }> = names.filter((c) => !usedColumns.has(c)).map((c) => ({ name: c, what: `the column '${c}'` }));
  for (const [symbol, role] of Object.entries(SYMBOL_ROLES)) {
    const column = usedRoles.has(role) ? null : findColumn(cols, role as Exclude<Role, 'other'>);
    if (column && !usedColumns.has(column)) targets.push({ name: symbol, what: `${symbol}, the ${role} variable (column '${column}')` });
  }
  for (const p of assignment.params) {
    if (deliberate.has(p)) continue;
    const hit = targets.find((t) => oneEditApart(p, t.name));
    if (!hit) continue;
    throw new ScalingLabError('unknown-symbol', `${fn}: '${p}' in the law '${parsed.text}' is not a column, so it would be fitted as a parameter; it is one edit away from ${hit.what}, which the law does not use.`,
      `if you meant ${hit.name}, write it in the law; if '${p}' is a parameter, declare it (e.g. bounds: { ${p}: [-Infinity, Infinity] }).`);
  }
}

/** The usual law symbol of a role (D for tokens). */
function symbolOf(role: Role): string | undefined {
  return Object.keys(SYMBOL_ROLES).find((s) => SYMBOL_ROLES[s] === role);
}

function declaredParams(options: SymbolDeclarations['options']): Set<string> {
  const out = new Set<string>();
  for (const key of ['fixed', 'bounds', 'tied'] as const) {
    const record = options?.[key];
    if (record && typeof record === 'object') for (const k of Object.keys(record)) out.add(k);
  }
  if (Array.isArray(options?.logParams)) for (const k of options.logParams) if (typeof k === 'string') out.add(k);
  return out;
}

/** The parameter within one edit of `name`, if any. */
function closest(name: string, params: readonly string[]): string | undefined {
  return params.find((p) => oneEditApart(p, name));
}

/**
 * One insertion, deletion, substitution or swap of neighbours apart, or equal but for case. Two
 * one-letter names are never close: A and N, or c and C, are different symbols, not a typo.
 */
export function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.max(a.length, b.length) < 2) return false;
  if (a.toLowerCase() === b.toLowerCase()) return true;
  return Math.abs(a.length - b.length) <= 1 && editDistance(a, b) === 1;
}

/** Optimal string alignment distance (a swap of neighbours counts as one edit). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
