import { ScalingLabError, describeValue } from '../errors';
import { numRows } from '../data/columns';
import type { Columns } from '../data/frame';
import { hasOwn } from '../util/own';
import type { Groups } from './inference';

/**
 * Per-point weights and bootstrap groups, read from a column or an array with one entry per data row
 * (docs/methods.md#objectives-and-weights). Both are taken over the rows the fit uses.
 */

export interface PointOptions {
  /**
   * Per-point weights: a column name or an array with one positive weight per data row (default: all 1).
   * The objective is sum_i w_i rho(r_i), as OLMo-core's `weights` (e.g. sqrt(6 N D) to stress large runs).
   */
  weights?: string | ArrayLike<number>;
  /**
   * Rows the bootstrap resamples together (checkpoints of one run): a column name or an array with one
   * label per data row (default: every row on its own). Each resample draws as many groups as there are.
   */
  groups?: string | ArrayLike<number | string>;
}

/** The weights option over the used rows, with the label the summary uses; null without weights. */
export function pointWeights(fn: string, columns: Columns, spec: PointOptions['weights'], rows: number[]): { values: Float64Array; label: string } | null {
  if (spec === undefined) return null;
  const { values, label } = perRow(fn, 'weights', columns, spec);
  const bad = rows.filter((r) => { const v = values[r]; return !(typeof v === 'number' && Number.isFinite(v) && v > 0); });
  if (bad.length) {
    const shown = bad.slice(0, 8).map((r) => `row ${r} (${describeValue(values[r])})`).join(', ');
    throw new ScalingLabError('bad-value', `${fn}: weights (${label}) must be positive finite numbers; ${bad.length} used row${bad.length > 1 ? 's are' : ' is'} not: ${shown}${bad.length > 8 ? ', ...' : ''}.`,
      `fix those weights, or exclude the rows (exclude: [${bad.slice(0, 20).join(', ')}]) rather than giving them weight 0.`);
  }
  return { values: Float64Array.from(rows, (r) => values[r] as number), label };
}

/** The groups option over the used rows: each row's group index (in order of first appearance); null without groups. */
export function rowGroups(fn: string, columns: Columns, spec: PointOptions['groups'], rows: number[]): Groups | null {
  if (spec === undefined) return null;
  const { values, label } = perRow(fn, 'groups', columns, spec);
  const ids = new Map<string, number>();
  const index = new Int32Array(rows.length);
  rows.forEach((r, j) => {
    const v = values[r];
    if (!((typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v !== ''))) {
      throw new ScalingLabError('bad-value', `${fn}: groups (${label}) has no label in row ${r} (${describeValue(v)}).`, 'give every row a run name or number, or exclude the row.');
    }
    const key = `${typeof v}:${v}`;
    if (!ids.has(key)) ids.set(key, ids.size);
    index[j] = ids.get(key)!;
  });
  if (ids.size < 2) {
    throw new ScalingLabError('bad-option', `${fn}: groups (${label}) puts all ${rows.length} rows used in one group, so every bootstrap resample would be the data itself.`,
      'name the column that identifies the run of each row (e.g. groups: \'run_id\'), or leave groups out to resample rows one by one.');
  }
  return { index, count: ids.size, column: label };
}

/** A column's values, or an array with one entry per data row, with how the summary names it. */
function perRow(fn: string, option: string, columns: Columns, spec: unknown): { values: ArrayLike<unknown>; label: string } {
  const n = numRows(columns);
  if (typeof spec === 'string') {
    if (!hasOwn(columns, spec)) {
      throw new ScalingLabError('missing-column', `${fn}: ${option} names the column '${spec}', which is not in the data. Columns present: ${Object.keys(columns).join(', ')}.`,
        `name one of those columns, or pass an array with one entry per row.`);
    }
    const col = columns[spec];
    return { values: col.map((v) => (typeof v === 'string' && option === 'weights' && v.trim() !== '' ? Number(v) : v)), label: `column '${spec}'` };
  }
  const isArrayLike = spec !== null && typeof spec === 'object' && typeof (spec as ArrayLike<unknown>).length === 'number';
  if (!isArrayLike) {
    throw new ScalingLabError('bad-option', `${fn}: ${option} must be a column name or an array with one entry per data row, got ${describeValue(spec)}.`,
      option === 'weights' ? "e.g. weights: 'w' or weights: runs.map((r) => Math.sqrt(6 * r.params * r.tokens))." : "e.g. groups: 'run_id'.");
  }
  const values = spec as ArrayLike<unknown>;
  if (values.length !== n) {
    throw new ScalingLabError('bad-option', `${fn}: ${option} has ${values.length} entries but the data has ${n} rows.`, 'give one entry per data row, excluded rows included (they are ignored).');
  }
  return { values, label: 'given array' };
}
