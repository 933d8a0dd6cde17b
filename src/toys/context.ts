import type { Engine } from './engine';
import type { Rng } from '../util/random';
import { ScalingLabError } from '../errors';

/** What each toy's training function gets. */
export interface ToyContext {
  engine: Engine;
  /** The run's seed (the `rng` below is seeded with it); streams of their own are derivedSeed(seed, key). */
  seed: number;
  rng: Rng;
  signal?: AbortSignal;
  /** Progress: done steps (over the whole sweep), current loss, task label. */
  report(done: number, loss?: number, task?: string): void;
  /** Call once per step: checks for an abort and yields to the event loop every ~50 ms. */
  tick(): Promise<void>;
  /** The number of steps to train of a run planned for `steps` (fewer with the option stopAfter). */
  stepsToTrain(steps: number): number;
}

/** ToyContext.stepsToTrain for a run with the common option stopAfter (undefined: all steps). */
export function stepsToTrain(stopAfter: number | undefined): (steps: number) => number {
  return (steps) => (stopAfter === undefined ? steps : Math.min(steps, stopAfter));
}

export function makeTick(signal: AbortSignal | undefined): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (signal?.aborted) throw abortError(signal);
    const now = Date.now();
    if (now - last >= 50) {
      last = now;
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw abortError(signal);
    }
  };
}

/**
 * The error a run rejects with once its signal aborts: the caller's own reason when it is an Error,
 * otherwise (abort() without a reason gives a DOMException named AbortError) the package's 'aborted'.
 */
export function abortError(signal: AbortSignal): Error {
  const reason = (signal as AbortSignal & { reason?: unknown }).reason;
  if (reason instanceof Error && !(typeof DOMException !== 'undefined' && reason instanceof DOMException)) return reason;
  const err = new ScalingLabError('aborted', 'runToy: aborted by the caller (AbortSignal).', 'run it again to start over; nothing was kept from the aborted run.');
  err.name = 'AbortError';
  return err;
}
