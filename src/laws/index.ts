export { LAWS, SYMBOL_ROLES } from './builtin';
export type { BuiltinLaw } from './builtin';
export { parseLaw, compileLaw, evaluateNode } from './expression';
