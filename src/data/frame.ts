import { ScalingLabError } from '../errors';
import { ColumnTable } from './columnTable';
import type { Columns, DataFrame } from './table';
import { setOwn } from '../util/own';

export type { Columns, DataFrame } from './table';

/** What scalinglab uses of the danfojs-node module (typed here, so no declaration of ours names danfo's). */
interface DanfoModule {
  DataFrame: new (data: Record<string, unknown[]> | unknown[][], options?: { columns: string[] }) => DataFrame;
}

/** The install command for danfo, with the overrides that keep it to the npm registry (README). */
export const DANFO_INSTALL = 'add "overrides": { "xlsx": "0.18.5", "@tensorflow/tfjs-node": "npm:@tensorflow/tfjs@4.22.0" } '
  + 'to your package.json, then npm install danfojs-node@1.2.0';

let danfo: DanfoModule | null | undefined;

/**
 * danfojs-node, an optional peer dependency, loaded on first use (importing it costs about two
 * seconds); null where it is not installed. Installed but failing to load (its native tfjs-node
 * without libtensorflow) is an error that says how to install it without native parts.
 */
function loadDanfo(): DanfoModule | null {
  if (danfo !== undefined) return danfo;
  try {
    danfo = require('danfojs-node') as DanfoModule;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code !== 'MODULE_NOT_FOUND' || !/'danfojs-node'/.test(e.message)) {
      throw new ScalingLabError('danfo-load', `danfojs-node is installed but does not load: ${e.message}`, DANFO_INSTALL + '.');
    }
    danfo = null;
  }
  return danfo;
}

/**
 * Builds a table from columns, keeping the column order given: a danfo DataFrame where danfojs-node
 * is installed, otherwise a ColumnTable with the same `DataFrame` interface. The type argument names
 * the table type to see it as, unchecked: `toDataFrame<import('danfojs-node').DataFrame>(columns)`.
 */
export function toDataFrame<T extends DataFrame = DataFrame>(columns: Columns): T {
  const dfd = loadDanfo();
  if (!dfd) return new ColumnTable(columns) as unknown as T;
  // danfo refuses an object whose keys shadow Object.prototype ('constructor', '__proto__'): give it rows.
  const names = Object.keys(columns);
  if (!names.some((n) => n in Object.prototype)) return new dfd.DataFrame(columns as Record<string, unknown[]>) as T;
  const n = names.length ? columns[names[0]].length : 0;
  return new dfd.DataFrame(Array.from({ length: n }, (_r, i) => names.map((k) => columns[k][i])), { columns: names }) as T;
}

/** True for a danfo DataFrame or a ColumnTable (checked by shape, so a second danfo copy also counts). */
export function isDataFrame(x: unknown): x is DataFrame {
  return !!x && typeof x === 'object' && Array.isArray((x as { columns?: unknown }).columns)
    && Array.isArray((x as { shape?: unknown }).shape) && typeof (x as { column?: unknown }).column === 'function';
}

/** Reads a DataFrame's columns out as plain arrays. */
export function dataFrameColumns(df: DataFrame): Columns {
  const out: Columns = {};
  for (const name of df.columns) setOwn(out, name, Array.from(df.column(name).values as ArrayLike<number | string>));
  return out;
}
