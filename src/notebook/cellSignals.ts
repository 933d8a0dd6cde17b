/**
 * A kernel interrupt stops the work that cells started. Jupyter interrupts the scalinglab kernel
 * with SIGINT (interrupt_mode 'signal', the default); tslab's own SIGINT handler only rejects the
 * awaiting cell ("Interrupted asynchronously"), and a toy or bootstrap it started would train on in
 * the background. So each executed cell gets an AbortController, the ambient signal (src/interrupt.ts)
 * is the running cell's, and SIGINT aborts every controller made since the previous interrupt
 * (work a cell left running in the background included). docs/kernel.md has the tslab side.
 */
import { ScalingLabError } from '../errors';
import { ambientSignal, setAmbientSignalSource } from '../interrupt';

/** tslab's JupyterHandlerImpl, as far as this needs it: the method that runs one cell. */
export interface CellRunner {
  handleExecuteImpl(...args: unknown[]): Promise<unknown>;
}

interface CellSignalState {
  /** The controller of the cell that ran last (or runs now). */
  current: AbortController | null;
  /** Every controller made since the last interrupt. */
  live: AbortController[];
  sigint: (() => void) | null;
}

const STATE = Symbol.for('scalinglab.cellSignals.v1');
const PATCHED = Symbol.for('scalinglab.cellSignalsPatched.v1');

function state(): CellSignalState {
  const g = globalThis as Record<symbol, CellSignalState | undefined>;
  g[STATE] ??= { current: null, live: [], sigint: null };
  return g[STATE]!;
}

/** A new controller for the cell that starts now; the ambient signal until the next cell starts. */
export function startCell(): AbortSignal {
  const s = state();
  const controller = new AbortController();
  s.current = controller;
  s.live.push(controller);
  return controller.signal;
}

/** Aborts the work of every cell since the last interrupt (what SIGINT does); returns how many signals it aborted. */
export function interruptCells(): number {
  const s = state();
  const live = s.live;
  s.live = []; // `current` stays aborted until the next cell: what the interrupted cell still starts stops at once
  const reason = new ScalingLabError('interrupted', 'interrupted: the kernel was interrupted (Kernel → Interrupt) while this ran.');
  reason.name = 'KeyboardInterrupt';
  let n = 0;
  for (const c of live) if (!c.signal.aborted) { c.abort(reason); n++; }
  return n;
}

/** The signal of the running cell inside a kernel with cell signals on (undefined elsewhere): what %toy passes. */
export function cellSignal(): AbortSignal | undefined {
  return ambientSignal();
}

/**
 * Turns cell signals on: tslab's `handleExecuteImpl` (on the prototype given) starts a controller per
 * cell, the ambient signal source returns it, and a SIGINT listener aborts them. Idempotent. Called
 * by installMagics (the kernel launcher) and enableNotebookDisplay (importing scalinglab in a kernel);
 * the cell running at that moment gets a controller too.
 */
export function enableCellSignals(runner: CellRunner | null): void {
  const s = state();
  if (!s.sigint) {
    s.sigint = () => { interruptCells(); };
    process.on('SIGINT', s.sigint);
    setAmbientSignalSource(() => state().current?.signal);
  }
  if (!s.current) startCell();
  if (!runner || PATCHED in runner) return;
  Object.defineProperty(runner, PATCHED, { value: true });
  const original = runner.handleExecuteImpl;
  runner.handleExecuteImpl = function (this: CellRunner, ...args: unknown[]) {
    startCell();
    return original.apply(this, args);
  };
}
