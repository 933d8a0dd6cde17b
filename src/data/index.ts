export { toDataFrame, isDataFrame } from './frame';
export type { Columns, DataFrame } from './frame';
export { ColumnTable } from './columnTable';
export { datasets } from './datasets';
export type { Dataset, DatasetMeta, DatasetOptions } from './datasets';
export { parseCSV, readCSV } from './csv';
export { toColumns, ROLE_ALIASES } from './columns';
export type { DataInput } from './columns';
export type { Role } from './roles';
