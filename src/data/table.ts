/** A table as plain columns: the form every science module works on. */
export type Columns = Record<string, Array<number | string>>;

/**
 * The table type of scalinglab's API: what DataFrame-returning calls (`datasets.*()`, `table()`, a toy's
 * `curves`, `` csv`...` ``) give, and the DataFrame form of `DataInput`. At run time it is a danfo
 * DataFrame where danfojs-node is installed, otherwise a `ColumnTable`. It declares only the part of
 * danfo's DataFrame that both have, so the package's typings never load danfo's (which do not compile
 * under `--strict` without `skipLibCheck`). For the rest of danfo's API, cast:
 * `datasets.chinchilla() as import('danfojs-node').DataFrame`.
 */
export interface DataFrame {
  readonly columns: string[];
  /** [rows, columns]. */
  readonly shape: number[];
  column(name: string): { readonly values: ArrayLike<unknown> };
  head(rows?: number): DataFrame;
  print(): void;
  toCSV(): string;
}
