import { progressReporter } from '../progress';
import { Rng } from '../util/random';
import { abortError, makeTick, stepsToTrain, ToyContext } from './context';
import type { ToyCore } from './core';
import { ToyBackend, openEngine } from './engine';
import type { ResolvedToyOptions, ToyName, ToyTypes } from './registry';
import { toys } from './registry';

/** A toy's training output with the run's backend and wall time. */
export interface TrainedToy<N extends ToyName> {
  core: ToyCore<ToyTypes[N]['extra']>;
  backend: ToyBackend;
  seconds: number;
}

/**
 * Trains a toy on options already resolved (and checked, memory included): opens the engine, trains,
 * and frees every tensor, also on abort or error. No DataFrame and no display, so that runToy and the
 * sweep's workers share it without loading danfo.
 */
export async function trainToy<N extends ToyName>(name: N, o: ResolvedToyOptions<N>): Promise<TrainedToy<N>> {
  const { signal } = o;
  if (signal?.aborted) throw abortError(signal);
  const toy = toys[name];
  const started = Date.now();
  const engine = await openEngine(o.backend);
  try {
    const report = progressReporter(name, toy.totalSteps(o), o.onProgress);
    const ctx: ToyContext = { engine, seed: o.seed, rng: new Rng(o.seed), signal, report, tick: makeTick(signal), stepsToTrain: stepsToTrain(o.stopAfter) };
    const core = await toy.train(o, ctx);
    return { core, backend: engine.backend, seconds: (Date.now() - started) / 1000 };
  } finally {
    const leaked = engine.tf.memory().numTensors - engine.startTensors;
    await engine.close();
    if (leaked !== 0) console.warn(`scalinglab runToy: ${leaked} tensors left allocated (bug)`);
  }
}
