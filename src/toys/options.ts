import { ScalingLabError } from '../errors';
import type { ProgressCallback } from '../progress';
import { ToyBackend, toyBackends } from './engine';

/** Options every toy takes. */
export interface CommonToyOptions {
  /** Seed of every random draw (data, initialisation, teacher). Default 0. */
  seed?: number;
  /** Force a tfjs backend for the dense products; default 'auto': the best available. */
  backend?: ToyBackend | 'auto';
  /** Progress while training (the notebook layer draws a bar from it). */
  onProgress?: ProgressCallback;
  /** Abort the run: runToy then rejects and frees every tensor. Default: the running notebook cell's signal (src/interrupt.ts), none in a script. */
  signal?: AbortSignal;
  /** Refuse a run whose estimated memory exceeds this many MB (checked before anything is allocated). Default 2048. */
  maxMemoryMB?: number;
  /**
   * Train only the first `stopAfter` steps of the run the other options describe (its schedules still
   * planned for all `steps`), so the start of a long run can be re-run and compared bit for bit with a
   * recorded one (src/toys/recorded.ts). The fits are then of the partial curves. Default: all steps.
   */
  stopAfter?: number;
}

/** The common options with their defaults filled in. */
export interface ResolvedCommonOptions {
  seed: number;
  backend: ToyBackend | 'auto';
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  stopAfter?: number;
}

export const commonOptionNames = ['seed', 'backend', 'onProgress', 'signal', 'maxMemoryMB', 'stopAfter'] as const;

/** The default memory limit: fits a laptop with room for the kernel and the browser. */
export const DEFAULT_MAX_MEMORY_MB = 2048;

/** The caller's options merged with a toy's defaults, before they are checked and typed. */
export type OptionValues = Record<string, unknown>;

export function badOption(option: string, message: string, hint: string): never {
  throw new ScalingLabError('bad-option', `runToy: option '${option}' ${message}`, hint);
}

export function intOption(o: OptionValues, key: string, min: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    badOption(key, `must be an integer >= ${min}, got ${JSON.stringify(v)}.`, `pass e.g. ${key}: ${Math.max(min, 1) * 10}.`);
  }
  return v;
}

export function numberOption(o: OptionValues, key: string, positive = true): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || (positive && v <= 0)) {
    badOption(key, `must be a ${positive ? 'positive ' : ''}finite number, got ${JSON.stringify(v)}.`, `pass a number such as ${key}: 0.01.`);
  }
  return v;
}

export function intListOption(o: OptionValues, key: string, min: number): number[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length < 1 || v.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < min)) {
    badOption(key, `must be a non-empty list of integers >= ${min}, got ${JSON.stringify(v)}.`, `pass e.g. ${key}: [2, 4, 8, 16].`);
  }
  const list = v as number[];
  if (new Set(list).size !== list.length) badOption(key, 'has repeated values.', 'list each size once.');
  return list;
}

/** The options every toy's training loop has, checked after the toy's own. */
export interface TrainingOptions {
  steps: number;
  batch: number;
  lr: number;
  logEvery: number;
}

export function trainingOptions(o: OptionValues): TrainingOptions {
  const steps = intOption(o, 'steps', 1);
  const batch = intOption(o, 'batch', 1);
  const lr = numberOption(o, 'lr');
  const logEvery = intOption(o, 'logEvery', 1);
  return { steps, batch, lr, logEvery };
}

/** Fills in seed 0, backend 'auto' and the memory limit, and checks the common options. */
export function resolveCommonOptions(given: OptionValues): ResolvedCommonOptions & { maxMemoryMB: number } {
  const { seed = 0, backend = 'auto', onProgress, signal, stopAfter } = given;
  if (stopAfter !== undefined) intOption(given, 'stopAfter', 1);
  const maxMemoryMB = numberOption({ maxMemoryMB: DEFAULT_MAX_MEMORY_MB, ...given }, 'maxMemoryMB');
  if (typeof seed !== 'number' || !Number.isInteger(seed)) badOption('seed', `must be an integer, got ${JSON.stringify(seed)}.`, 'pass e.g. seed: 0.');
  if (backend !== 'auto' && !toyBackends.includes(backend as ToyBackend)) {
    badOption('backend', `must be one of ${toyBackends.join(', ')} or 'auto', got ${JSON.stringify(backend)}.`, 'leave it out to use the best available backend.');
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    badOption('onProgress', `must be a function, got ${JSON.stringify(onProgress)}.`, 'pass onProgress: progressBar() or (p) => { ... }.');
  }
  if (signal !== undefined && (typeof signal !== 'object' || signal === null || !('aborted' in signal))) {
    badOption('signal', 'must be an AbortSignal.', 'pass signal: new AbortController().signal.');
  }
  return {
    seed,
    backend: backend as ToyBackend | 'auto',
    maxMemoryMB,
    ...(onProgress !== undefined ? { onProgress: onProgress as ProgressCallback } : {}),
    ...(signal !== undefined ? { signal: signal as AbortSignal } : {}),
    ...(stopAfter !== undefined ? { stopAfter: stopAfter as number } : {}),
  };
}
