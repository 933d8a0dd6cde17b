export * from './types';
export { fitUniversal, UNIVERSAL_EXPONENTS } from './universal';
export type { UniversalOptions, UniversalTerm } from './universal';
export type { ExcludeSpec, Row } from './exclude';
