import { ScalingLabError, checkOptionKeys } from '../errors';
import { checkMemory } from './memory';
import { commonOptionNames, resolveCommonOptions } from './options';
import { ResolvedToyOptions, ToyName, ToyOptions, toyNames, toys } from './registry';

/**
 * Fills in the defaults and checks every option, and that the run's estimated memory is within
 * maxMemoryMB (ToySpec.memory); throws a ScalingLabError naming the option before any training.
 */
export function resolveToyOptions<N extends ToyName>(name: N, options: ToyOptions<N>): ResolvedToyOptions<N> {
  if (!(toyNames as readonly string[]).includes(name)) {
    throw new ScalingLabError('unknown-toy', `runToy: unknown toy '${String(name)}'.`, `use one of: ${toyNames.join(', ')}.`);
  }
  const toy = toys[name];
  checkOptionKeys(`runToy('${name}')`, options, [...commonOptionNames, ...toy.optionNames]);
  const given = Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined));
  const own = toy.resolve(given);
  const { seed, backend, onProgress, signal, maxMemoryMB, stopAfter } = resolveCommonOptions(given);
  if (stopAfter !== undefined && !toy.stopsAfter) {
    throw new ScalingLabError('bad-option', `runToy('${name}'): option 'stopAfter' is not supported by this toy.`, 'leave it out and re-run the whole run.');
  }
  if (toy.memory) checkMemory(`runToy('${name}')`, toy.memory(own), maxMemoryMB);
  return { seed, backend, ...own, ...(onProgress ? { onProgress } : {}), ...(signal ? { signal } : {}), ...(stopAfter !== undefined ? { stopAfter } : {}) } as ResolvedToyOptions<N>;
}

