import { ScalingLabError } from '../errors';
import { numericColumn, numRows } from '../data/columns';
import type { Columns } from '../data/frame';
import type { Role } from '../data/roles';
import { fmt } from '../util/format';
import { applyExclusions, excludeHighestLoss, type ExcludeSpec } from './exclude';

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
  variables.forEach((v, k) => checkVaries(fn, v, x[k], n));
  const { count, names, hint } = spec.free;
  if (n < count + 1) {
    throw new ScalingLabError('too-few-points', `${fn}: ${n} points for ${count} free parameters${names ? ` (${names.join(', ')})` : ''}; need at least ${count + 1}.`, hint);
  }
  return {
    fn, columns, lossColumn, variables, rows, n, loss, logLoss: Float64Array.from(loss, Math.log), x,
    exclusions: reasons.length ? reasons.join('; ') : 'none',
  };
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
