export { toDataFrame, isDataFrame } from './frame';
export type { Columns } from './frame';
