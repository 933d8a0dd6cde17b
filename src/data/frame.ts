import type { DataFrame } from 'danfojs-node';
import { setOwn } from '../util/own';

/** A table as plain columns: the form every science module works on. */
export type Columns = Record<string, Array<number | string>>;

let danfo: typeof import('danfojs-node') | undefined;

/** danfo is loaded on first use: importing it costs about two seconds, most helpers never need it. */
export function loadDanfo(): typeof import('danfojs-node') {
  if (!danfo) danfo = require('danfojs-node') as typeof import('danfojs-node');
  return danfo;
}

/** Builds a danfo DataFrame from columns, keeping the column order given. */
export function toDataFrame(columns: Columns): DataFrame {
  const dfd = loadDanfo();
  return new dfd.DataFrame(columns as Record<string, unknown[]>) as DataFrame;
}

/** True for a danfo DataFrame (checked by shape, so a second danfo copy also counts). */
export function isDataFrame(x: unknown): x is DataFrame {
  return !!x && typeof x === 'object' && Array.isArray((x as { columns?: unknown }).columns)
    && Array.isArray((x as { shape?: unknown }).shape) && typeof (x as { column?: unknown }).column === 'function';
}

/** Reads a DataFrame's columns out as plain arrays. */
export function dataFrameColumns(df: DataFrame): Columns {
  const out: Columns = {};
  for (const name of df.columns) setOwn(out, name, Array.from(df.column(name).values as Array<number | string>));
  return out;
}
