import { ScalingLabError, describeValue } from '../errors';
import type { Columns } from '../data/frame';
import { numRows } from '../data/columns';
import { setOwn } from '../util/own';

/** A row as given to an exclusion predicate: every column's value in that row. */
export type Row = Record<string, number | string>;

/**
 * Which rows to leave out of a fit:
 * - `{ highestLoss: k }`: drop the k highest losses; precisely, keep `loss < sorted(loss)[-k]`
 *   (the depth-scaling paper's rule: 40 gives 203 of the 245 Chinchilla points; ties at the
 *   threshold are dropped too);
 * - a predicate `(row, index) => boolean` that returns true for rows to drop;
 * - an array of row indices (0-based, in the order of the data).
 * The object form may combine `highestLoss`, `rows` and `where`.
 */
export type ExcludeSpec =
  | number[]
  | ((row: Row, index: number) => boolean)
  | { highestLoss?: number; rows?: number[]; where?: (row: Row, index: number) => boolean };

/** The keys of the object form of ExcludeSpec (also checked by the %fit magic). */
export const EXCLUDE_KEYS = ['highestLoss', 'rows', 'where'] as const;

/** Rows kept, rows dropped, and a sentence saying why. Runs before loss validation except for highestLoss. */
export function applyExclusions(columns: Columns, spec: ExcludeSpec | undefined, fn: string): { excluded: Set<number>; reasons: string[]; highestLoss?: number } {
  const n = numRows(columns);
  const excluded = new Set<number>();
  const reasons: string[] = [];
  if (spec === undefined || spec === null) return { excluded, reasons };
  const rowsOf = (idx: unknown, label: string) => {
    if (!Array.isArray(idx)) throw new ScalingLabError('bad-option', `${fn}: ${label} must be an array of row indices, got ${describeValue(idx)}.`, 'e.g. [0, 5, 12] (0-based rows in the order of the data).');
    for (const r of idx) {
      if (!Number.isInteger(r) || r < 0 || r >= n) {
        throw new ScalingLabError('bad-option', `${fn}: ${label} contains ${describeValue(r)}, which is not a row index (the data has rows 0..${n - 1}).`,
          'give 0-based row numbers in the order of the data, or a predicate (row, i) => boolean.');
      }
      excluded.add(r);
    }
    if (idx.length) reasons.push(`${idx.length} row${idx.length > 1 ? 's' : ''} by index`);
  };
  const byPredicate = (pred: unknown) => {
    if (typeof pred !== 'function') throw new ScalingLabError('bad-option', `${fn}: exclude.where must be a function (row, index) => boolean, got ${describeValue(pred)}.`, 'e.g. where: (row) => row.tokens < 1e9.');
    const names = Object.keys(columns);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const row: Row = {};
      for (const c of names) setOwn(row, c, columns[c][i]);
      if ((pred as (r: Row, i: number) => unknown)(row, i)) { excluded.add(i); k++; }
    }
    reasons.push(`${k} row${k !== 1 ? 's' : ''} by predicate`);
  };
  if (Array.isArray(spec)) rowsOf(spec, 'exclude');
  else if (typeof spec === 'function') byPredicate(spec);
  else if (typeof spec === 'object') {
    for (const k of Object.keys(spec)) {
      if (!(EXCLUDE_KEYS as readonly string[]).includes(k)) throw new ScalingLabError('unknown-option', `${fn}: unknown exclude option '${k}'.`, `use { highestLoss: k }, { rows: [...] }, { where: (row, i) => boolean }, an array of row indices or a predicate.`);
    }
    if (spec.rows !== undefined) rowsOf(spec.rows, 'exclude.rows');
    if (spec.where !== undefined) byPredicate(spec.where);
    if (spec.highestLoss !== undefined) {
      const k = spec.highestLoss;
      if (!Number.isInteger(k) || k < 0 || k >= n) {
        throw new ScalingLabError('bad-option', `${fn}: exclude.highestLoss must be an integer from 0 to ${n - 1}, got ${describeValue(k)}.`, `it is how many of the ${n} runs with the highest loss to leave out; at least one run must stay.`);
      }
      return { excluded, reasons, highestLoss: k };
    }
  } else {
    throw new ScalingLabError('bad-option', `${fn}: exclude must be { highestLoss: k }, a predicate or an array of row indices.`);
  }
  return { excluded, reasons };
}

/** Drops the k highest losses among the rows still included (the paper's `loss < sorted(loss)[-k]`). */
export function excludeHighestLoss(loss: Float64Array, rows: number[], k: number, excluded: Set<number>, reasons: string[]): number[] {
  if (k === 0) return rows;
  const sorted = Array.from(loss).sort((a, b) => a - b);
  const threshold = sorted[sorted.length - k];
  const kept: number[] = [];
  rows.forEach((r, j) => { if (loss[j] < threshold) kept.push(r); else excluded.add(r); });
  reasons.push(`the ${k} highest losses (kept loss < ${threshold.toPrecision(6)}; ${rows.length - kept.length} rows dropped)`);
  return kept;
}
