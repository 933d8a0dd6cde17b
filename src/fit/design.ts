import { ScalingLabError } from '../errors';
import { duplicateNotes, numericColumn, numRows } from '../data/columns';
import type { Columns } from '../data/frame';
import type { Role } from '../data/roles';
import { fmt } from '../util/format';
import { applyExclusions, excludeHighestLoss, type ExcludeSpec } from './exclude';
import type { Groups } from './inference';
import { pointWeights, rowGroups, type PointOptions } from './weights';

/**
 * The design of a fit, prepared once: which rows are used (exclusions, highest-loss rule), the loss and
 * each law variable as checked numbers over those rows, and the checks that make a fit meaningful
 * (every variable varies, more points than free parameters). Both fitters start from it.
 */

/** A data variable of the law, as the fitter names it. */
export interface DesignVariable {
  /** Law variable, e.g. 'm' or 'N'. */
  name: string;
  column: string;
  role: Role;
  /** Must be positive in every used row (sizes are: the fit works on their logarithms). */
  positive: boolean;
  /** How the numeric check names it, e.g. 'tokens (law variable D)'. */
  what: string;
  /** Subject of the no-variation error, e.g. "law variable 'D' (tokens, column 'tokens')", and its fix. */
  noVariation: { subject: string; hint: string };
}

export interface DesignSpec {
  fn: string;
  lossColumn: string;
  variables: DesignVariable[];
  exclude?: ExcludeSpec;
  /** Free parameters of the fit: there must be more points than these. */
  free: { count: number; names?: string[]; hint: string };
  /** Per-point weights and bootstrap groups (options of the fitters). */
  points?: PointOptions;
}

export interface Design {
  fn: string;
  columns: Columns;
  lossColumn: string;
  variables: DesignVariable[];
  /** Data rows used, in data order. */
  rows: number[];
  n: number;
  loss: Float64Array;
  logLoss: Float64Array;
  /** Each variable's values over the used rows, in `variables` order. */
  x: Float64Array[];
  /** The exclusions as a sentence ('none' when there are none). */
  exclusions: string;
  /** Columns that duplicate one in use (same role, same values), for the notes. */
  duplicates: string[];
  /** Per-point weights over the used rows and how the summary names them; null for all 1. */
  weights: Float64Array | null;
  weightsLabel: string | null;
  /** Rows the bootstrap resamples together; null: every row alone. */
  groups: Groups | null;
}

/** A variable counts as constant when its spread is below this fraction of its size. */
const NO_VARIATION_RTOL = 1e-9;

export function prepareDesign(columns: Columns, spec: DesignSpec): Design {
  const { fn, lossColumn, variables } = spec;
  const { excluded, reasons, highestLoss } = applyExclusions(columns, spec.exclude, fn);
  let rows: number[] = [];
  for (let i = 0; i < numRows(columns); i++) if (!excluded.has(i)) rows.push(i);
  let loss = numericColumn(columns, lossColumn, fn, 'loss', true, rows);
  let x = variables.map((v) => numericColumn(columns, v.column, fn, v.what, v.positive, rows));
  if (highestLoss !== undefined) {
    const kept = new Set(excludeHighestLoss(loss, rows, highestLoss, excluded, reasons));
    const pos = rows.map((r, j) => (kept.has(r) ? j : -1)).filter((j) => j >= 0);
    const pick = (a: Float64Array) => Float64Array.from(pos, (j) => a[j]);
    loss = pick(loss);
    x = x.map(pick);
    rows = rows.filter((r) => kept.has(r));
  }
  const n = rows.length;
  checkRowsLeft(fn, rows, numRows(columns), reasons);
  checkExtremes(fn, lossColumn, 'loss', loss, rows);
  variables.forEach((v, k) => checkExtremes(fn, v.column, v.what, x[k], rows));
  checkLossVaries(fn, lossColumn, loss);
  variables.forEach((v, k) => checkVaries(fn, v, x[k], n));
  const { count, names, hint } = spec.free;
  if (n < count + 1) {
    throw new ScalingLabError('too-few-points', `${fn}: ${n} points for ${count} free parameters${names ? ` (${names.join(', ')})` : ''}; need at least ${count + 1}.`, hint);
  }
  const weights = pointWeights(fn, columns, spec.points?.weights, rows);
  return {
    fn, columns, lossColumn, variables, rows, n, loss, logLoss: Float64Array.from(loss, Math.log), x,
    weights: weights?.values ?? null, weightsLabel: weights?.label ?? null, groups: rowGroups(fn, columns, spec.points?.groups, rows),
    exclusions: reasons.length ? reasons.join('; ') : 'none',
    duplicates: duplicateNotes(columns, [{ role: 'loss', column: lossColumn }, ...variables.map((v) => ({ role: v.role, column: v.column }))]),
  };
}

/** No row, or one row, left: say so, and which exclusions removed the others. */
function checkRowsLeft(fn: string, rows: number[], total: number, reasons: string[]): void {
  if (rows.length > 1) return;
  const data = `the data has ${total} row${total === 1 ? '' : 's'}`;
  const removed = reasons.length ? ` and the exclusions removed ${total - rows.length} (${reasons.join('; ')})` : '';
  const what = rows.length === 0 ? 'no rows are left to fit' : `only one row is left (row ${rows[0]})`;
  throw new ScalingLabError('too-few-points', `${fn}: ${what}; ${data}${removed}.`,
    reasons.length ? 'exclude fewer rows (check the exclude option).' : 'a fit needs more runs than free parameters: add runs.');
}

/** A loss that is the same in every row: nothing to fit, whatever the law. */
function checkLossVaries(fn: string, column: string, loss: Float64Array): void {
  let lo = Infinity, hi = -Infinity;
  for (const v of loss) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (hi - lo > NO_VARIATION_RTOL * Math.max(Math.abs(lo), Math.abs(hi))) return;
  throw new ScalingLabError('no-variation', `${fn}: the loss column '${column}' is ${fmt(lo)} in all ${loss.length} rows used, so there is nothing to fit.`,
    `check that '${column}' is the loss (or name the loss column with { loss: '<column>' }).`);
}

/** A value this many decades (at least) away from the bulk of its column is a unit or parsing error, not a run. */
const EXTREME_DECADES = 6;

/**
 * A value so far from the others (1e300 among sizes of 1e9, a loss of 1e-300) that it collapses the fit:
 * more than max(6, 10 x the spread of the middle 80%) decades outside that middle range. Names the rows.
 */
function checkExtremes(fn: string, column: string, what: string, x: Float64Array, rows: number[]): void {
  const logs = Array.from(x, (v) => (v === 0 ? NaN : Math.log10(Math.abs(v))));
  const sorted = logs.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length < 3) return;
  const q = (f: number) => sorted[Math.floor(f * (sorted.length - 1))];
  const lo = q(0.1), hi = q(0.9), limit = Math.max(EXTREME_DECADES, 10 * (hi - lo));
  const bad = logs.flatMap((l, j) => (l < lo - limit || l > hi + limit ? [j] : []));
  if (!bad.length) return;
  const shown = bad.slice(0, 8).map((j) => `row ${rows[j]} (${x[j]})`).join(', ');
  throw new ScalingLabError('extreme-value',
    `${fn}: column '${column}' (${what}) has ${bad.length === 1 ? 'a value' : `${bad.length} values`} more than ${fmt(limit, 2)} decades away from the others (which lie between ${fmt(10 ** lo)} and ${fmt(10 ** hi)}): ${shown}${bad.length > 8 ? ', ...' : ''}. Such a value collapses the fit.`,
    `check ${bad.length === 1 ? 'that value' : 'those values'} (a unit or parsing error?) and fix ${bad.length === 1 ? 'it' : 'them'}, or exclude the row${bad.length === 1 ? '' : 's'} (exclude: [${bad.slice(0, 20).map((j) => rows[j]).join(', ')}]).`);
}

function checkVaries(fn: string, v: DesignVariable, x: Float64Array, n: number): void {
  let lo = Infinity, hi = -Infinity;
  for (const value of x) { lo = Math.min(lo, value); hi = Math.max(hi, value); }
  if (!(hi - lo > NO_VARIATION_RTOL * Math.max(Math.abs(lo), Math.abs(hi)))) {
    throw new ScalingLabError('no-variation', `${fn}: ${v.noVariation.subject} does not vary over the ${n} points used (all ${fmt(lo)}), so its term cannot be fitted.`, v.noVariation.hint);
  }
}

/** Every row of the data as fitted: each variable's values and the loss, and whether the row was used. */
export function designData(d: Design): { variables: Record<string, number[]>; loss: number[]; included: boolean[] } {
  const used = new Set(d.rows);
  const all = Array.from({ length: numRows(d.columns) }, (_, i) => i);
  const variables: Record<string, number[]> = {};
  for (const v of d.variables) variables[v.name] = all.map((i) => Number(d.columns[v.column][i]));
  return { variables, loss: all.map((i) => Number(d.columns[d.lossColumn][i])), included: all.map((i) => used.has(i)) };
}
