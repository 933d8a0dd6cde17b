/**
 * Cell magics: sugar that compiles to ordinary calls of the scalinglab API before tslab compiles the
 * cell. Loaded by the kernel launcher at start-up, so it stays free of heavy imports, and importing it
 * registers nothing: installMagics() (or registerBuiltinMagics() outside a kernel) does.
 */
export { MagicError, registerMagic, listMagics, helpText } from './registry';
export type { MagicSpec, MagicContext } from './registry';
export { registerBuiltinMagics, BUILTIN_MAGICS, TOYS, BUILTIN_LAWS } from './builtins';
export { rewriteCell } from './rewrite';
export { patchTslab, installMagics } from './tslabPatch';
export type { TslabJupyterClasses } from './tslabPatch';
