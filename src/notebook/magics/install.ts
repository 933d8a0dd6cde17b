import { registerBuiltinMagics } from './builtins';
import { liveTslabClasses, patchTslab, type TslabJupyterClasses } from './tslabPatch';

/**
 * Turns the magics on: registers the built-in magics and patches tslab so cells go through the
 * rewriter. The scalinglab kernel launcher calls it with the tslab module it starts; in the stock
 * tslab kernel, run `installMagics()` in the first cell (again after each kernel restart) and later
 * cells may use %% and % magics. Returns true when the kernel was patched (or already was), false
 * outside a tslab kernel (and then registers nothing).
 */
export function installMagics(jupyter: TslabJupyterClasses | null = liveTslabClasses()): boolean {
  if (!jupyter) return false;
  registerBuiltinMagics();
  patchTslab(jupyter);
  return true;
}
