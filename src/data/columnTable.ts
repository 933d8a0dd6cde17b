import { inspect } from 'util';
import { ScalingLabError } from '../errors';
import { fmt } from '../util/format';
import type { Columns, DataFrame } from './table';

/** Rows that print() and the text form show; the rest are counted. */
const PRINTED_ROWS = 10;

/**
 * The table that DataFrame-returning calls give where danfojs-node is not installed (it is an optional
 * peer: see the README, "Use it in an existing tslab notebook or script"). It has the part of a danfo
 * DataFrame that scalinglab's types promise (`columns`, `shape`, `column(name).values`, `head`,
 * `print`, `toCSV`), so code written against the `DataFrame` type works on both, and every function
 * that takes data takes it.
 */
export class ColumnTable implements DataFrame {
  readonly #data: Columns;

  constructor(columns: Columns) {
    this.#data = columns;
  }

  get columns(): string[] {
    return Object.keys(this.#data);
  }

  get shape(): number[] {
    const names = this.columns;
    return [names.length ? this.#data[names[0]].length : 0, names.length];
  }

  /** One column; its `values` are the column's array (not a copy). */
  column(name: string): { readonly name: string; readonly values: Array<number | string> } {
    const values = this.#data[name];
    if (!values) {
      throw new ScalingLabError('missing-column', `column '${name}' is not in this table (columns: ${this.columns.join(', ')}).`,
        'use one of the names listed.');
    }
    return { name, values };
  }

  /** The first `rows` rows (default 5), as a new table. */
  head(rows = 5): ColumnTable {
    const out: Columns = {};
    for (const [name, values] of Object.entries(this.#data)) out[name] = values.slice(0, Math.max(0, rows));
    return new ColumnTable(out);
  }

  /** Prints the first rows as aligned text. */
  print(): void {
    console.log(this.toString());
  }

  /** The table as CSV text: a header line, then one line per row; fields with commas or quotes are quoted. */
  toCSV(): string {
    const names = this.columns;
    const lines = [names.map(csvField).join(',')];
    for (let r = 0; r < this.shape[0]; r++) lines.push(names.map((n) => csvField(this.#data[n][r])).join(','));
    return lines.join('\n') + '\n';
  }

  /** Rows as records, as danfo's toJSON gives them. */
  toJSON(): Array<Record<string, number | string>> {
    const names = this.columns;
    return Array.from({ length: this.shape[0] }, (_, r) => Object.fromEntries(names.map((n) => [n, this.#data[n][r]])));
  }

  toString(): string {
    const names = this.columns;
    const [rows] = this.shape;
    const shown = Math.min(rows, PRINTED_ROWS);
    const cells = [['', ...names], ...Array.from({ length: shown }, (_, r) => [String(r), ...names.map((n) => cellText(this.#data[n][r]))])];
    const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
    const text = cells.map((row) => row.map((s, c) => s.padStart(widths[c])).join('  '));
    if (rows > shown) text.push(`... ${rows - shown} more rows`);
    return `${rows} rows × ${names.length} columns\n${text.join('\n')}`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

function cellText(v: number | string): string {
  return typeof v === 'number' ? fmt(v) : v;
}

function csvField(v: number | string): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
