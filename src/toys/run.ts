import { toDataFrame } from '../data/frame';
import { attachDisplay } from '../display-hook';
import { signalOf } from '../interrupt';
import { ToyName, ToyOptions, toys } from './registry';
import { resolveToyOptions } from './resolve';
import { ShownToyOptions, ToyResult, ToyResultBase, toySummary } from './result';
import { toyCoefficient, toyStability } from './stability';
import { trainToy } from './train';

/**
 * Trains a toy that isolates the mechanism behind one universal exponent and fits that exponent
 * (docs/toys.md has one section per toy).
 *   runToy('softmax-time', { seed: 0 })                     loss ~ tau^(-1/3)
 *   runToy('superposition-width', { regime: 'strong' })     loss ~ 1/m  (weak: m^-(alpha-1))
 *   runToy('residual-depth', { teacher: 'independent' })    loss ~ 1/l
 *   runToy('superposition-time', { a: 1.5, b: 0.25 })       loss ~ tau^-alpha_t, with and without a bottleneck
 * Without a `signal` it stops on the running notebook cell's (a kernel interrupt); see src/interrupt.ts.
 */
export async function runToy<N extends ToyName>(name: N, options: ToyOptions<N> = {}): Promise<ToyResult<N>> {
  const resolved = resolveToyOptions(name, options ?? {});
  const signal = signalOf(resolved.signal);
  const { core, backend, seconds } = await trainToy(name, { ...resolved, ...(signal ? { signal } : {}) });
  const { onProgress: _progress, signal: _signal, ...shown } = resolved;
  const toy = toys[name];
  const notes = [...core.notes, `dense matrix products ran on tfjs '${backend}'; element-wise work, sparse gathers and the optimizer in plain JS (Float32Array)`];
  const common: Omit<ToyResultBase<N>, 'summary'> = {
    kind: 'toy',
    name,
    curves: toDataFrame(core.curves),
    points: core.points,
    exponent: core.exponent,
    coefficient: toyCoefficient(core.points, core.exponent),
    stability: core.halfBudget && toy.halfBudget ? toyStability(core.exponent, core.halfBudget, toy.halfBudget) : null,
    backend,
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
