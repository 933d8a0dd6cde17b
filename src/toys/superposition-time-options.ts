/**
 * The options of the `superposition-time` toy: names, defaults, checks with errors naming the option,
 * and the memory estimate checked before anything is allocated (docs/toys.md#superposition-time).
 */
import { ScalingLabError } from '../errors';
import { OptionValues, badOption, intListOption, intOption, numberOption, trainingOptions } from './options';
import { timeTeacherStudentBytes, type TimeVariant } from './superposition-time-model';

/** Options of the `superposition-time` toy (teacher-student training time with and without a bottleneck; docs/toys.md#superposition-time). */
export interface SuperpositionTimeOptions {
  /**
   * 'relu': teacher and student y = A ReLU(B x), Gaussian inputs; 'linear': y = A B x; 'superposition':
   * sparse non-negative features with frequencies min(1, density i^-a), teacher y = diag(w) x, student
   * y^ = ReLU(A B x + c) (a ReLU and a bias at the output, as in the toy models of superposition). Default 'relu'.
   */
  variant: TimeVariant;
  /** Input spectrum exponent: input i has variance i^-a, i = 1..channels. Default 1.5. */
  a: number;
  /** Channel importance exponent: the teacher's weight on channel i is i^-b. Default 0.25. */
  b: number;
  /** Teacher channels K, also the input dimension (channel i reads input i). Default 256. */
  channels: number;
  /** Student widths m: below `channels` a bottleneck, at or above it none. Default [16, 256]. */
  widths: number[];
  /** 'sgd' (plain, the closed forms' gradient flow) or 'adam'. Default 'sgd'. */
  optimizer: 'sgd' | 'adam';
  /** Steps per width (a fresh batch each step). Default 2000. */
  steps: number;
  /** Samples per step. Default 128. */
  batch: number;
  /** Constant learning rate; tau = lr x step. Default 0.05 (sgd) or 0.002 (adam). */
  lr: number;
  /** Gain g of the student's orthogonal first layer (its readout starts at zero). Default 1. */
  init: number;
  /**
   * 'relu', 'linear': probability that an input is nonzero (1: Gaussian inputs; below 1: sparse ones of the
   * same variance). 'superposition': input i is nonzero with probability min(1, density i^-a). Default 1.
   */
  density: number;
  /** Points per width in the curves, log-spaced in steps, each the mean test loss of its window. Default 60. */
  logPoints: number;
  /** tau range of the power-law fits, as fractions of the final tau (lr x steps). Default [0.01, 1]. */
  fitRange: [number, number];
  /** Loss for the time-to-loss comparison, as a fraction of the zero student's loss. Default 0.1. */
  target: number;
  /** Refuse a run whose estimated memory is above this many MB. Default 2048. */
  maxMemoryMB: number;
}

export const superpositionTimeDefaults: Omit<SuperpositionTimeOptions, 'lr'> = {
  variant: 'relu', a: 1.5, b: 0.25, channels: 256, widths: [16, 256], optimizer: 'sgd', steps: 2000, batch: 128,
  init: 1, density: 1, logPoints: 60, fitRange: [0.01, 1], target: 0.1, maxMemoryMB: 2048,
};
export const defaultTimeLr = { sgd: 0.05, adam: 0.002 };

function choice<T extends string>(o: OptionValues, key: string, allowed: readonly T[]): T {
  const v = o[key];
  if (!allowed.includes(v as T)) badOption(key, `must be one of ${allowed.map((x) => `'${x}'`).join(', ')}, got ${JSON.stringify(v)}.`, `pass e.g. ${key}: '${allowed[0]}'.`);
  return v as T;
}

function fraction(o: OptionValues, key: string, hint: string): number {
  const v = numberOption(o, key);
  if (v >= 1) badOption(key, `must be between 0 and 1 (exclusive), got ${v}.`, hint);
  return v;
}

/** Fills in the defaults (lr by optimizer) and checks every option and the memory estimate, naming the option at fault. */
export function resolveSuperpositionTime(given: OptionValues): SuperpositionTimeOptions {
  const optimizer = choice({ optimizer: superpositionTimeDefaults.optimizer, ...given }, 'optimizer', ['sgd', 'adam'] as const);
  const o: OptionValues = { ...superpositionTimeDefaults, lr: defaultTimeLr[optimizer], ...given };
  const variant = choice(o, 'variant', ['relu', 'linear', 'superposition'] as const);
  const a = numberOption(o, 'a');
  const b = numberOption(o, 'b', false);
  if (a > 8) badOption('a', `must be in (0, 8], got ${a}.`, 'use a between 0.5 and 3 (i^-a underflows float32 far beyond).');
  if (b < 0 || b > 4) badOption('b', `must be in [0, 4], got ${b}.`, 'use b between 0 and 2.');
  const channels = intOption(o, 'channels', 2);
  const widths = intListOption(o, 'widths', 1);
  const init = numberOption(o, 'init');
  const density = numberOption(o, 'density');
  if (density > 1) badOption('density', `must be in (0, 1], got ${density}.`, 'pass density: 1 for Gaussian inputs, or e.g. 0.05 for sparse ones.');
  const logPoints = intOption(o, 'logPoints', 3);
  const fr = o.fitRange;
  if (!Array.isArray(fr) || fr.length !== 2 || !(fr[0] > 0) || !(fr[1] > fr[0]) || !(fr[1] <= 1)) {
    badOption('fitRange', `must be [from, to] with 0 < from < to <= 1 (fractions of the final tau), got ${JSON.stringify(fr)}.`, 'pass e.g. fitRange: [0.01, 1] (the last two decades of tau).');
  }
  const target = fraction(o, 'target', 'pass e.g. target: 0.1 (a tenth of the zero student\'s loss).');
  const maxMemoryMB = numberOption(o, 'maxMemoryMB');
  const { steps, batch, lr } = trainingOptions({ ...o, logEvery: 1 });
  const resolved: SuperpositionTimeOptions = {
    variant, a, b, channels, widths, optimizer, steps, batch, lr, init, density, logPoints, fitRange: [fr[0], fr[1]] as [number, number], target, maxMemoryMB,
  };
  checkTimeMemory(resolved);
  return resolved;
}

/** Bytes of a run: the largest width's model (widths train one after another) and the per-step losses. */
export function superpositionTimeMemory(o: SuperpositionTimeOptions): Record<string, number> {
  const widest = Math.max(...o.widths);
  return {
    'student of the widest width (parameters, gradients, optimizer, batch, products: channels x width, batch x (channels + width))':
      timeTeacherStudentBytes({ channels: o.channels, width: widest, batch: o.batch, optimizer: o.optimizer }),
    'per-step losses (steps)': 8 * (o.steps + 1),
  };
}

/** Refuses a run whose estimate is above maxMemoryMB, before anything is allocated, saying what to lower or raise. */
export function checkTimeMemory(o: SuperpositionTimeOptions): void {
  const parts = superpositionTimeMemory(o);
  const mb = Object.values(parts).reduce((s, v) => s + v, 0) / 2 ** 20;
  if (mb <= o.maxMemoryMB) return;
  throw new ScalingLabError('too-much-memory',
    `runToy('superposition-time'): the run needs about ${Math.ceil(mb)} MB (channels ${o.channels} x widest width ${Math.max(...o.widths)}, batch ${o.batch}), above maxMemoryMB = ${o.maxMemoryMB}.`,
    `lower channels, widths or batch, or pass maxMemoryMB: ${Math.ceil(mb)} if the machine has that much free memory.`);
}
