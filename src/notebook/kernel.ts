/**
 * Finding the live tslab kernel without importing tslab (docs/kernel.md): the running kernel's copy
 * of `tslab/dist/jupyter.js` is in require.cache and has a `lastWriteDisplayData` function while a
 * cell executes. A second tslab copy (or none) means we are not in a kernel: plain Node, scripts, tests.
 */

export interface DisplayMessage {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

/** What the display needs of tslab's `dist/jupyter` module: the writer of the executing cell. */
export interface TslabJupyterModule {
  lastWriteDisplayData: ((msg: DisplayMessage, update: boolean) => void) | null;
}

const JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/** The jupyter module of the tslab kernel this process runs, or null outside a tslab kernel. */
export function kernelJupyterModule(): TslabJupyterModule | null {
  const cache = typeof require !== 'undefined' ? require.cache : undefined;
  if (!cache) return null;
  for (const key of Object.keys(cache)) {
    if (!JUPYTER_MODULE.test(key)) continue;
    const mod = cache[key]?.exports as (TslabJupyterModule & { JupyterHandlerImpl?: unknown }) | undefined;
    if (!mod || typeof mod.JupyterHandlerImpl !== 'function') continue;
    if (typeof mod.lastWriteDisplayData === 'function') return mod; // the instance serving requests
  }
  return null;
}

/** True while running inside a live tslab kernel (a cell is executing or has executed). */
export function inKernel(): boolean {
  return kernelJupyterModule() !== null && (globalThis as { __tslab__?: unknown }).__tslab__ !== undefined;
}

/**
 * Sends one display_data (or update_display_data) message carrying several mime types.
 * Returns false (and sends nothing) outside a kernel.
 */
export function displayBundle(
  data: Record<string, unknown>,
  options: { metadata?: Record<string, unknown>; displayId?: string; update?: boolean } = {},
): boolean {
  const jupyter = kernelJupyterModule();
  if (!jupyter || typeof jupyter.lastWriteDisplayData !== 'function') return false;
  jupyter.lastWriteDisplayData(
    { data, metadata: options.metadata ?? {}, transient: options.displayId ? { display_id: options.displayId } : {} },
    !!options.update,
  );
  return true;
}

let counter = 0;
/** A display id unique within this kernel session. */
export function newDisplayId(prefix = 'scalinglab'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${process.pid.toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}
