import { ScalingLabError } from '../errors';
import type { Columns } from './frame';
import { numRows } from './columns';

/** Which rows an analysis uses: column -> value (all must match), or a predicate on the row. */
export type RowFilter = Record<string, number | string> | ((row: Record<string, number | string>, index: number) => boolean);

/**
 * The indices of the rows that pass `where` (every row when it is undefined). An empty selection is an
 * error that lists some values of the first column named, so a typo in a recipe name shows at once.
 */
export function filterRows(columns: Columns, where: RowFilter | undefined, fn: string): number[] {
  const n = numRows(columns);
  const names = Object.keys(columns);
  const rowAt = (i: number) => Object.fromEntries(names.map((c) => [c, columns[c][i]]));
  let test: (i: number) => boolean;
  if (where === undefined) return Array.from({ length: n }, (_, i) => i);
  if (typeof where === 'function') test = (i) => !!where(rowAt(i), i);
  else if (where && typeof where === 'object') {
    const unknown = Object.keys(where).filter((c) => !(c in columns));
    if (unknown.length) throw new ScalingLabError('missing-column', `${fn}: where names a column '${unknown[0]}' that is not in the data.`, `columns are: ${names.join(', ')}.`);
    test = (i) => Object.entries(where).every(([c, v]) => String(columns[c][i]) === String(v));
  } else {
    throw new ScalingLabError('bad-option', `${fn}: where must be an object { column: value } or a predicate (row, i) => boolean.`);
  }
  const picked: number[] = [];
  for (let i = 0; i < n; i++) if (test(i)) picked.push(i);
  if (picked.length === 0) {
    const first = typeof where === 'object' ? Object.keys(where)[0] : undefined;
    const seen = first ? [...new Set(columns[first].map(String))].slice(0, 12) : [];
    throw new ScalingLabError('empty-selection', `${fn}: no row matches where.`, first ? `values of '${first}' include: ${seen.join(', ')}.` : 'check the predicate.');
  }
  return picked;
}
