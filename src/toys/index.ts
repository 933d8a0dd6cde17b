import { ScalingLabError, checkOptionKeys } from '../errors';
import { toDataFrame } from '../data/frame';
import { progressReporter } from '../progress';
import { attachDisplay } from '../display-hook';
import { Rng } from '../util/random';
import { abortError, makeTick, ToyContext } from './context';
import type { ToyCore } from './core';
import { openEngine } from './engine';
import { commonOptionNames, resolveCommonOptions } from './options';
import { ResolvedToyOptions, ToyName, ToyOptions, ToyTypes, toyNames, toys } from './registry';
import { ShownToyOptions, ToyResult, ToyResultBase, toySummary } from './result';

export type { ToyBackend } from './engine';
export type { CommonToyOptions } from './options';
export type { ToyExponent, ToyPoints } from './core';
export type { SoftmaxTimeOptions, SoftmaxTimeExtra } from './softmax-time';
export type { SuperpositionWidthOptions, SuperpositionWidthExtra } from './superposition-width';
export type { ResidualDepthOptions, ResidualDepthExtra } from './residual-depth';
export type { SuperpositionTimeOptions, SuperpositionTimeExtra, SuperpositionTimeRun } from './superposition-time';
export type { ToyName, ToyOptions, ResolvedToyOptions, ToyTypes } from './registry';
export type { ToyResult, ToyResultBase, ShownToyOptions } from './result';
export { toyNames } from './registry';

/** Fills in the defaults and checks every option; throws a ScalingLabError naming the option before any training. */
export function resolveToyOptions<N extends ToyName>(name: N, options: ToyOptions<N>): ResolvedToyOptions<N> {
  if (!(toyNames as readonly string[]).includes(name)) {
    throw new ScalingLabError('unknown-toy', `runToy: unknown toy '${String(name)}'.`, `use one of: ${toyNames.join(', ')}.`);
  }
  const toy = toys[name];
  checkOptionKeys(`runToy('${name}')`, options, [...commonOptionNames, ...toy.optionNames]);
  const given = Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined));
  const own = toy.resolve(given);
  const { seed, backend, onProgress, signal } = resolveCommonOptions(given);
  return { seed, backend, ...own, ...(onProgress ? { onProgress } : {}), ...(signal ? { signal } : {}) } as ResolvedToyOptions<N>;
}

/**
 * Trains a toy that isolates the mechanism behind one universal exponent and fits that exponent
 * (docs/toys.md has one section per toy).
 *   runToy('softmax-time', { seed: 0 })                     loss ~ tau^(-1/3)
 *   runToy('superposition-width', { regime: 'strong' })     loss ~ 1/m  (weak: m^-(alpha-1))
 *   runToy('residual-depth', { teacher: 'independent' })    loss ~ 1/l
 *   runToy('superposition-time', { a: 1.5, b: 0.25 })       loss ~ tau^-alpha_t, with and without a bottleneck
 */
export async function runToy<N extends ToyName>(name: N, options: ToyOptions<N> = {}): Promise<ToyResult<N>> {
  const o = resolveToyOptions(name, options ?? {});
  const { onProgress, signal, ...shown } = o;
  if (signal?.aborted) throw abortError(signal);
  const toy = toys[name];
  const started = Date.now();
  const engine = await openEngine(o.backend);
  let core: ToyCore<ToyTypes[N]['extra']>;
  try {
    const report = progressReporter(name, toy.totalSteps(o), onProgress);
    const ctx: ToyContext = { engine, rng: new Rng(o.seed), signal, report, tick: makeTick(signal) };
    core = await toy.train(o, ctx);
  } finally {
    const leaked = engine.tf.memory().numTensors - engine.startTensors;
    await engine.close();
    if (leaked !== 0) console.warn(`scalinglab runToy: ${leaked} tensors left allocated (bug)`);
  }
  const seconds = (Date.now() - started) / 1000;
  const notes = [...core.notes, `dense matrix products ran on tfjs '${engine.backend}'; element-wise work, sparse gathers and the optimizer in plain JS (Float32Array)`];
  const common: Omit<ToyResultBase<N>, 'summary'> = {
    kind: 'toy',
    name,
    curves: toDataFrame(core.curves),
    points: core.points,
    exponent: core.exponent,
    backend: engine.backend,
    seconds,
    options: shown as ShownToyOptions<N>,
    notes,
  };
  const result = {
    ...common,
    ...core.extra,
    summary(this: ToyResultBase<N>): string {
      return toySummary(this, toy.paper);
    },
  };
  return attachDisplay(result as ToyResult<N>);
}
