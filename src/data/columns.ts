import { ScalingLabError } from '../errors';
import type { DataFrame } from './frame';
import { type Columns, isDataFrame, dataFrameColumns } from './frame';
import { readCSV } from './csv';
import type { Role } from '../data/roles';
import { setOwn } from '../util/own';
import { describeValue } from '../errors';

/**
 * Anything a fitting function accepts as data: a danfo DataFrame, an array of records, an object of
 * equal-length columns, or the path of a CSV file.
 */
export type DataInput = DataFrame | ReadonlyArray<Readonly<Record<string, unknown>>> | Readonly<Record<string, ArrayLike<number | string>>> | string;

const EMPTY_HINT = 'pass at least one run, e.g. [{ width: 1024, depth: 24, tokens: 2e10, loss: 2.9 }] or { width: [1024], depth: [24], tokens: [2e10], loss: [2.9] }.';

/**
 * Turns any accepted data input into plain columns: a danfo DataFrame, an array of records,
 * an object of columns, or a CSV path (read synchronously).
 */
export function toColumns(data: DataInput, fn: string): Columns {
  if (typeof data === 'string') return readCSV(data);
  if (isDataFrame(data)) return dataFrameColumns(data);
  if (Array.isArray(data)) {
    if (data.length === 0) throw new ScalingLabError('empty-data', `${fn}: the data has no rows.`, EMPTY_HINT);
    const names: string[] = [];
    const seen = new Set<string>();
    data.forEach((row, i) => {
      if (!row || typeof row !== 'object' || Array.isArray(row)) {
        throw new ScalingLabError('bad-data', `${fn}: row ${i} is not a record (got ${Array.isArray(row) ? 'an array' : typeof row}).`,
          'pass an array of objects like { width: 1024, depth: 24, tokens: 2e10, loss: 2.9 }.');
      }
      for (const k of Object.keys(row)) if (!seen.has(k)) { seen.add(k); names.push(k); }
    });
    const out: Columns = {};
    for (const k of names) setOwn(out, k, data.map((r) => { const v = Object.prototype.hasOwnProperty.call(r, k) ? (r as Record<string, unknown>)[k] : undefined; return v === undefined || v === null ? NaN : v as number | string; }));
    return out;
  }
  if (data && typeof data === 'object') {
    const out: Columns = {};
    let len = -1;
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
      if (!Array.isArray(v) && !ArrayBuffer.isView(v)) {
        throw new ScalingLabError('bad-data', `${fn}: column '${k}' is not an array.`,
          'pass an object of equal-length arrays, an array of records, a danfo DataFrame or a CSV path.');
      }
      const arr = Array.from(v as ArrayLike<number | string>);
      if (len >= 0 && arr.length !== len) {
        throw new ScalingLabError('bad-data', `${fn}: column '${k}' has ${arr.length} values, the others have ${len}.`, 'give every column the same length.');
      }
      len = arr.length;
      setOwn(out, k, arr);
    }
    if (len <= 0) throw new ScalingLabError('empty-data', `${fn}: the data has no rows.`, EMPTY_HINT);
    return out;
  }
  throw new ScalingLabError('bad-data', `${fn}: cannot read data of type ${data === null ? 'null' : typeof data}.`,
    'pass a danfo DataFrame, an array of records, an object of columns, or a CSV path.');
}

/** Common column names per role, tried in order (case-insensitive) when no column is given. */
export const ROLE_ALIASES: Record<Exclude<Role, 'other'>, string[]> = {
  loss: ['loss', 'val_loss', 'valid_loss', 'validation_loss', 'eval_loss', 'test_loss', 'L'],
  width: ['width', 'd_model', 'hidden_size', 'n_embd', 'dim', 'm'],
  depth: ['depth', 'n_layers', 'num_layers', 'n_layer', 'num_hidden_layers', 'layers', 'l'],
  tokens: ['tokens', 'num_tokens', 'n_tokens', 'D'],
  params: ['params', 'N', 'model_size', 'n_params', 'num_params', 'parameters', 'param_count'],
  flops: ['flops', 'C', 'FLOP', 'FLOPs', 'compute', 'training_flop'],
  steps: ['steps', 'step', 'iterations', 'S'],
  time: ['time', 'tau', 'dynamic_time', 't'],
};

export function numRows(columns: Columns): number {
  const first = Object.values(columns)[0];
  return first ? first.length : 0;
}

/** The columns that match a role's aliases, in alias order: exact names first, then case-insensitive ones. */
function aliasMatches(names: string[], role: Exclude<Role, 'other'>): string[] {
  const out: string[] = [];
  for (const alias of ROLE_ALIASES[role]) if (names.includes(alias) && !out.includes(alias)) out.push(alias);
  for (const alias of ROLE_ALIASES[role]) {
    // single-letter aliases only match exactly: 'l' vs 'L' must not be confused
    if (alias.length === 1) continue;
    for (const n of names) if (n.toLowerCase() === alias.toLowerCase() && !out.includes(n)) out.push(n);
  }
  return out;
}

/** A column that can hold a size or a loss: every value a number (or a numeric string, or missing), at least one present. */
function numericLike(col: ArrayLike<number | string>): boolean {
  let any = false;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (typeof v === 'number') { if (!Number.isNaN(v)) any = true; continue; }
    if (typeof v !== 'string' || (v.trim() !== '' && !Number.isFinite(Number(v)))) return false;
    if (v.trim() !== '') any = true;
  }
  return any;
}

/** The first row where two columns differ, or -1 when they hold the same values. */
function firstDifference(a: ArrayLike<number | string>, b: ArrayLike<number | string>): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (!(x === y || Number(x) === Number(y) || (Number.isNaN(Number(x)) && Number.isNaN(Number(y))))) return i;
  }
  return -1;
}

/**
 * Finds the column for a role: the explicit name when given (must exist), else the column matching the
 * role's aliases (exact match first, then case-insensitive). Two numeric columns that both match (width
 * and d_model) must hold the same values, else the choice is the user's: an 'ambiguous-column' error
 * naming both and the option. Returns null when none is found.
 */
export function findColumn(columns: Columns, role: Exclude<Role, 'other'>, explicit?: string, fn = 'scalinglab'): string | null {
  const names = Object.keys(columns);
  if (explicit !== undefined) return names.includes(explicit) ? explicit : null;
  const hits = aliasMatches(names, role);
  const numeric = hits.filter((c) => numericLike(columns[c]));
  const chosen = numeric[0] ?? hits[0] ?? null;
  for (const other of numeric.slice(1)) {
    const i = firstDifference(columns[chosen!], columns[other]);
    if (i < 0) continue;
    throw new ScalingLabError('ambiguous-column',
      `${fn}: both '${chosen}' and '${other}' could be the ${role} column, and their values differ (row ${i}: ${describeValue(columns[chosen!][i])} vs ${describeValue(columns[other][i])}).`,
      `choose one with the option { ${role}: '${chosen}' } or { ${role}: '${other}' }.`);
  }
  return chosen;
}

/** Notes on columns that duplicate a column in use (same role alias, same values): which one was used. */
export function duplicateNotes(columns: Columns, used: Array<{ role: Role; column: string }>): string[] {
  const names = Object.keys(columns);
  const out: string[] = [];
  for (const { role, column } of used) {
    if (role === 'other') continue;
    for (const c of aliasMatches(names, role)) {
      if (c !== column && numericLike(columns[c]) && firstDifference(columns[column], columns[c]) < 0) {
        out.push(`'${column}' and '${c}' hold the same values: '${column}' is used as ${role}`);
      }
    }
  }
  return out;
}

/** Like findColumn, but throws a missing-column error listing what is there and what was tried. */
export function requireColumn(columns: Columns, role: Exclude<Role, 'other'>, fn: string, explicit?: string): string {
  const hit = findColumn(columns, role, explicit, fn);
  if (hit) return hit;
  const have = Object.keys(columns).join(', ');
  if (explicit !== undefined) {
    throw new ScalingLabError('missing-column', `${fn}: the ${role} column '${explicit}' is not in the data. Columns present: ${have}.`,
      `pass { ${role}: '<one of the columns above>' }.`);
  }
  throw new ScalingLabError('missing-column',
    `${fn}: no ${role} column found. Columns present: ${have}. Aliases tried: ${ROLE_ALIASES[role].join(', ')}.`,
    `name the column with the option { ${role}: '<column>' }.`);
}

/**
 * A numeric column as Float64Array, checked: every value finite, and positive when `positive`
 * (loss and sizes must be, since the fit works on their logarithms). Names the bad rows.
 */
export function numericColumn(columns: Columns, name: string, fn: string, what: string, positive = true, rows?: number[]): Float64Array {
  const col = columns[name];
  const idx = rows ?? col.map((_, i) => i);
  const out = new Float64Array(idx.length);
  const bad: number[] = [];
  const badVals: string[] = [];
  idx.forEach((r, j) => {
    const raw = col[r];
    const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    out[j] = v;
    if (!Number.isFinite(v) || (positive && v <= 0)) { bad.push(r); badVals.push(String(raw)); }
  });
  if (bad.length) {
    const shown = bad.slice(0, 8).map((r, k) => `row ${r} (${badVals[k]})`).join(', ');
    throw new ScalingLabError('bad-value',
      `${fn}: column '${name}' (${what}) has ${bad.length} ${positive ? 'non-finite or non-positive' : 'non-finite'} value${bad.length > 1 ? 's' : ''}: ${shown}${bad.length > 8 ? ', ...' : ''}.`,
      positive ? `the fit works on logarithms, so ${what} must be a positive number in every row: fix or exclude those rows (exclude: [row indices]).`
        : `fix or exclude those rows (exclude: [row indices]).`);
  }
  return out;
}
