import { isDataFrame } from '../data';
import { fmt } from '../util/format';

export type Column = Array<number | string | boolean | null | undefined>;

/** Columns of a danfo DataFrame, an array of records or an object of columns. */
export function columnsOf(table: unknown): Record<string, Column> {
  if (!table) return {};
  if (isDataFrame(table)) {
    const df = table as unknown as { columns: string[]; column(name: string): { values: unknown } };
    const out: Record<string, Column> = {};
    for (const name of df.columns) out[name] = Array.from(df.column(name).values as ArrayLike<number | string>);
    return out;
  }
  if (Array.isArray(table)) {
    const out: Record<string, Column> = {};
    const names: string[] = [];
    for (const row of table) for (const k of Object.keys(row ?? {})) if (!names.includes(k)) names.push(k);
    for (const k of names) out[k] = table.map((r) => (r as Record<string, never>)?.[k]);
    return out;
  }
  if (typeof table === 'object') {
    const out: Record<string, Column> = {};
    for (const [k, v] of Object.entries(table as Record<string, unknown>)) {
      if (Array.isArray(v) || ArrayBuffer.isView(v)) out[k] = Array.from(v as ArrayLike<number>);
    }
    return out;
  }
  return {};
}

export function escapeHtml(s: unknown): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * util/format's fmt with the exponent written compactly (1e8, 2.887e10): for chart labels and table
 * cells, where room is short; the digits are the same as in summary() and the reports.
 */
export function compactNumber(v: number): string {
  return fmt(v).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/** A table cell: integers below a million in full, other numbers as compactNumber, anything else as text. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number' || !Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  return compactNumber(v);
}

/** An HTML table from columns (at most `maxRows` rows, with a note when cut). */
export function htmlTable(columns: Record<string, Column>, options: { maxRows?: number; caption?: string } = {}): string {
  const names = Object.keys(columns);
  const n = Math.max(0, ...names.map((k) => columns[k].length));
  const maxRows = options.maxRows ?? 12;
  const shown = Math.min(n, maxRows);
  const head = names.map((k) => `<th>${escapeHtml(k)}</th>`).join('');
  const rows: string[] = [];
  for (let i = 0; i < shown; i++) {
    rows.push(`<tr>${names.map((k) => `<td>${escapeHtml(cellText(columns[k][i]))}</td>`).join('')}</tr>`);
  }
  const more = n > shown ? `<tr><td colspan="${names.length}" style="color:#888">… ${n - shown} more rows (${n} in all)</td></tr>` : '';
  const caption = options.caption ? `<caption style="text-align:left;font-weight:bold">${escapeHtml(options.caption)}</caption>` : '';
  return `<table class="scalinglab-table" style="border-collapse:collapse;font-size:12px">${caption}<thead><tr>${head}</tr></thead><tbody>${rows.join('')}${more}</tbody></table>`;
}
