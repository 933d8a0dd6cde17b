import { isDataFrame } from '../data';

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

/** Compact number formatting for tables: 4 significant digits, exponent form for large/small. */
export function fmt(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e6) return String(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(3).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return Number(v.toPrecision(4)).toString();
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
    rows.push(`<tr>${names.map((k) => `<td>${escapeHtml(fmt(columns[k][i]))}</td>`).join('')}</tr>`);
  }
  const more = n > shown ? `<tr><td colspan="${names.length}" style="color:#888">… ${n - shown} more rows (${n} in all)</td></tr>` : '';
  const caption = options.caption ? `<caption style="text-align:left;font-weight:bold">${escapeHtml(options.caption)}</caption>` : '';
  return `<table class="scalinglab-table" style="border-collapse:collapse;font-size:12px">${caption}<thead><tr>${head}</tr></thead><tbody>${rows.join('')}${more}</tbody></table>`;
}
