import { ScalingLabError } from '../errors';
import type { ToyName } from './registry';
import { toys } from './registry';
import { derivedSeed } from '../util/random';

/** One point of a sweep's grid. */
export interface Configuration {
  /** The varied options' values, in the order the factors were given. */
  values: Record<string, unknown>;
  /** The canonical key (see canonicalKey). */
  key: string;
  seed: number;
}

function sweepError(name: string, message: string, hint: string): never {
  throw new ScalingLabError('bad-option', `sweepToy('${name}'): ${message}`, hint);
}

/**
 * The canonical key of a configuration: the varied options sorted by name, each as `name=` and its
 * value in JSON, joined by ';' (lr=0.04;temperature=0.001). The same configuration has the same key
 * whatever the order of the factors or the number of workers.
 */
export function canonicalKey(values: Record<string, unknown>): string {
  return Object.keys(values).sort().map((k) => `${k}=${JSON.stringify(values[k])}`).join(';');
}

/**
 * A configuration's seed: the varied seed when seed is a factor (so the row equals runToy with that
 * seed), else the FNV-1a hash of `<base seed>|<canonical key>`: configurations draw independent
 * numbers, and a configuration's result does not depend on which worker runs it.
 */
export function configurationSeed(baseSeed: number, values: Record<string, unknown>): number {
  if (typeof values.seed === 'number') return values.seed;
  return derivedSeed(baseSeed, canonicalKey(values));
}

/** Checks the factors: known options of the toy, non-empty lists without repeats, not also given as fixed options. */
function checkFactors(name: ToyName, vary: unknown, fixed: Record<string, unknown>): Array<[string, unknown[]]> {
  const known = ['seed', ...toys[name].optionNames];
  if (typeof vary !== 'object' || vary === null || Array.isArray(vary) || Object.keys(vary).length === 0) {
    sweepError(name, `option 'vary' must be an object of option name -> list of values, got ${JSON.stringify(vary)}.`,
      `pass e.g. vary: { lr: [0.02, 0.04, 0.08] }; the options of '${name}' are: ${known.join(', ')}.`);
  }
  const factors = Object.entries(vary as Record<string, unknown>);
  for (const [factor, values] of factors) {
    if (!known.includes(factor)) {
      sweepError(name, `cannot vary '${factor}': it is not an option of '${name}'.`, `vary one of: ${known.join(', ')}.`);
    }
    if (!Array.isArray(values) || values.length === 0) {
      sweepError(name, `factor '${factor}' needs a non-empty list of values, got ${JSON.stringify(values)}.`, `pass e.g. vary: { ${factor}: [value1, value2] }.`);
    }
    const seen = new Set(values.map((v) => JSON.stringify(v)));
    if (seen.size !== values.length) sweepError(name, `factor '${factor}' lists a value twice: ${JSON.stringify(values)}.`, 'list each value once.');
    if (fixed[factor] !== undefined) {
      sweepError(name, `option '${factor}' is given both as a fixed option and in vary.`, `remove ${factor}: ${JSON.stringify(fixed[factor])} or the factor.`);
    }
  }
  return factors as Array<[string, unknown[]]>;
}

/** Most configurations a sweep may have. */
const MAX_CONFIGURATIONS = 1000;

/** The grid: the cartesian product of the factors' values, the first factor varying slowest. */
export function sweepGrid(name: ToyName, vary: unknown, fixed: Record<string, unknown>, baseSeed: number): Configuration[] {
  const factors = checkFactors(name, vary, fixed);
  const size = factors.reduce((n, [, values]) => n * values.length, 1);
  if (size > MAX_CONFIGURATIONS) {
    sweepError(name, `the grid has ${size} configurations (${factors.map(([f, v]) => `${v.length} ${f}`).join(' x ')}), more than ${MAX_CONFIGURATIONS}: each is a full training run.`,
      'vary fewer values at once (a few per factor), or split the sweep into parts.');
  }
  let grid: Array<Record<string, unknown>> = [{}];
  for (const [factor, values] of factors) grid = grid.flatMap((partial) => values.map((v) => ({ ...partial, [factor]: v })));
  return grid.map((values) => ({ values, key: canonicalKey(values), seed: configurationSeed(baseSeed, values) }));
}
