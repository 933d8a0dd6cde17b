import { readFileSync } from 'fs';
import { ScalingLabError } from '../errors';
import type { Columns } from './frame';

/**
 * A small synchronous CSV reader (danfo's readCSV is async, which a fit call cannot wait on).
 * Handles quoted fields with commas, doubled quotes and CRLF. A column whose non-empty cells all
 * parse as numbers becomes numeric; its empty cells become NaN (validation names those rows later).
 */
export function parseCSV(text: string, source = 'CSV'): Columns {
  const rows = splitRows(text);
  while (rows.length && rows[rows.length - 1].length === 1 && rows[rows.length - 1][0] === '') rows.pop();
  if (rows.length === 0) throw new ScalingLabError('empty-data', `${source}: the file is empty.`);
  const header = rows[0].map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new ScalingLabError('bad-csv', `${source}: column '${h}' appears twice in the header.`, 'rename one of the columns.');
    seen.add(h);
  }
  const raw: string[][] = header.map(() => []);
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    if (row.length !== header.length) {
      throw new ScalingLabError('bad-csv', `${source}: line ${r + 1} has ${row.length} fields, the header has ${header.length}.`,
        'check for unquoted commas or a truncated line.');
    }
    for (let c = 0; c < header.length; c++) raw[c].push(row[c]);
  }
  const out: Columns = {};
  header.forEach((h, c) => {
    const cells = raw[c];
    const numeric = cells.every((s) => s.trim() === '' || isNumeric(s));
    const anyValue = cells.some((s) => s.trim() !== '');
    out[h] = numeric && anyValue ? cells.map((s) => (s.trim() === '' ? NaN : Number(s))) : cells;
  });
  return out;
}

function isNumeric(s: string): boolean {
  const t = s.trim();
  return t !== '' && Number.isFinite(Number(t)) || /^[+-]?(inf|infinity|nan)$/i.test(t);
}

function splitRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** Reads a CSV file synchronously into columns. */
export function readCSV(path: string): Columns {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScalingLabError('missing-file', `Cannot read CSV file '${path}': ${(e as Error).message}`,
      'pass an existing path, or the data itself (DataFrame, array of records, or object of columns).');
  }
  return parseCSV(text, `CSV '${path}'`);
}
