export * from './types';
export { fitUniversal, UNIVERSAL_EXPONENTS } from './universal';
export type { UniversalOptions, UniversalTerm } from './universal';
export { fitLaw } from './law';
export type { LawOptions } from './law';
export { HOFFMANN_GRID } from './startGrid';
export type { StartSpec } from './startGrid';
export type { ExcludeSpec, Row } from './exclude';
