import { toColumns } from '../data/columns';
import type { Columns } from '../data/frame';

/** Data in any accepted form (DataFrame, records, object of columns, CSV path) as columns. */
export function readData(data: unknown, fn: string): Columns {
  return toColumns(data, fn);
}
