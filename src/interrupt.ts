/**
 * The signal long work (toy training, sweeps, bootstraps, start grids) listens to when the caller
 * passes none. Plain scripts have none. Inside a notebook kernel the notebook layer installs a source
 * that returns the running cell's signal, so a kernel interrupt stops the work that cell started
 * (docs/kernel.md). The science modules read it through this hook and never import the notebook layer.
 */
const SOURCE = Symbol.for('scalinglab.ambientSignal.v1');

type SignalSource = () => AbortSignal | undefined;

/** Installs (or, with undefined, removes) the source of the ambient signal. */
export function setAmbientSignalSource(source: SignalSource | undefined): void {
  (globalThis as Record<symbol, unknown>)[SOURCE] = source;
}

/** The ambient signal: the running cell's inside a kernel that installed a source, else undefined. */
export function ambientSignal(): AbortSignal | undefined {
  const source = (globalThis as Record<symbol, unknown>)[SOURCE] as SignalSource | undefined;
  return source ? source() : undefined;
}

/** The signal to honour: the one given in the options, else the ambient one. */
export function signalOf(given: AbortSignal | undefined): AbortSignal | undefined {
  return given ?? ambientSignal();
}
