/**
 * `scalinglab/core`: the science without the notebook layer, for scripts and other packages. Data,
 * laws, fits, frontiers, recipe comparisons, toys, errors and progress events; nothing from
 * src/notebook, no tslab. Importing it has no side effects: no globals, no process listeners, and the
 * heavy libraries (danfo, mathjs, tfjs) load on first use. Results still print their summary().
 */
export * from './errors';
export * from './progress';
export * from './data';
export * from './laws';
export * from './fit';
export * from './frontier';
export * from './recipes';
export * from './toys';
export { Rng } from './util/random';
export { fmt } from './util/format';
export { linearFit, logLogSlope } from './util/stats';
