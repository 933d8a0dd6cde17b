import { readFileSync } from 'fs';
import { ScalingLabError } from '../errors';
import type { Columns } from './frame';
import { setOwn } from '../util/own';

/**
 * A small synchronous CSV reader (danfo's readCSV is async, which a fit call cannot wait on).
 * Handles quoted fields with commas, doubled quotes and CRLF. A column whose non-empty cells all
 * parse as numbers becomes numeric; its empty cells become NaN (validation names those rows later).
 */
export function parseCSV(text: string, source = 'CSV'): Columns {
  const rows = splitRows(text, source);
  while (rows.length && rows[rows.length - 1].length === 1 && rows[rows.length - 1][0] === '') rows.pop();
  if (rows.length === 0) throw new ScalingLabError('empty-data', `${source}: the file is empty.`, 'put the column names on the first line and one run per line below, e.g. width,depth,tokens,loss then 512,8,2e9,3.21.');
  checkHeader(rows, text, source);
  if (rows.length === 1) {
    throw new ScalingLabError('empty-data', `${source}: only a header line (${text.split(/\r?\n/, 1)[0].slice(0, 80)}), no data rows.`, 'add one line per run below the header, e.g. 512,8,2e9,3.21.');
  }
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
    setOwn<Array<number | string>>(out, h, numeric && anyValue ? cells.map((s) => (s.trim() === '' ? NaN : Number(s))) : cells);
  });
  return out;
}

/** Separators other than the comma that a file may use, with how a message names them. */
const OTHER_SEPARATORS: Array<[string, string]> = [[';', "';'"], ['\t', "tab ('\\t')"], ['|', "'|'"]];

/**
 * A file that is not comma-separated (one header field holding ';' or tabs) or has no header line (the
 * first line is all numbers) would otherwise end as 'no loss column found': say what the file looks like.
 */
function checkHeader(rows: string[][], text: string, source: string): void {
  const first = text.split(/\r?\n/, 1)[0];
  if (rows[0].length === 1) {
    for (const [sep, name] of OTHER_SEPARATORS) {
      const k = first.split(sep).length;
      if (k > 1 && rows.slice(1, 6).every((r) => r.length !== 1 || r[0].split(sep).length === k)) {
        throw new ScalingLabError('bad-csv', `${source}: the header '${first}' has no commas but ${k} ${name}-separated fields: the file seems to use ${name} as the separator.`,
          'save it with commas as the separator, or read it yourself and pass the columns (an object { column: values } or an array of records).');
      }
    }
  }
  if (rows[0].every((h) => isNumeric(h))) {
    throw new ScalingLabError('bad-csv', `${source}: the first line (${first}) looks like data, not column names: the file seems to have no header line.`,
      'add a header line naming the columns, e.g. width,depth,tokens,loss (the loss is required; sizes are found by name or alias: d_model, n_layers, num_tokens, ...).');
  }
}

function isNumeric(s: string): boolean {
  const t = s.trim();
  return t !== '' && Number.isFinite(Number(t)) || /^[+-]?(inf|infinity|nan)$/i.test(t);
}

function splitRows(text: string, source: string): string[][] {
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
  if (quoted) {
    throw new ScalingLabError('bad-csv', `${source}: a quoted field on line ${rows.length + 1} is never closed (no matching '"').`, 'close the quote, or double a quote inside a quoted field ("").');
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
