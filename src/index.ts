// The package root only re-exports; each stage of the data flow lives in its own folder.
export * from './errors';
export * from './progress';
export * from './data';
export * from './laws';
export * from './fit';
export * from './frontier';
export * from './recipes';
export * from './toys';
export * from './notebook';
export { checkAgainstPaper } from './notebook/paperCheck';
export type { PaperValue, PaperCheckResult } from './notebook/paperCheck';
