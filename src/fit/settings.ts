import { ScalingLabError, describeValue } from '../errors';
import { signalOf } from '../interrupt';
import type { ProgressCallback } from '../progress';

/**
 * The options every fitter shares, checked once with their defaults resolved: bootstrap resamples,
 * seed, interval level, iteration cap, progress callback and abort signal. Each error names the option
 * and the values it accepts.
 */

/** The uncertainty options every fitter shares, with their defaults resolved. */
export interface InferenceSettings {
  /** Bootstrap resamples by run; 0 for none. */
  resamples: number;
  seed: number;
  /** Level of every interval, in (0, 1). */
  level: number;
  /** Stops the bootstrap (and the start grid) when aborted. */
  signal?: AbortSignal;
}

/** Default resamples, seed and level, and the most resamples allowed without `allowLargeBootstrap`. */
export const INFERENCE_DEFAULTS = { resamples: 200, seed: 0, level: 0.95, maxResamples: 10_000 } as const;

/** The options as the fitters take them. */
export interface SharedOptions {
  bootstrap?: number | false;
  seed?: number;
  level?: number;
  allowLargeBootstrap?: boolean;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/** Checks `bootstrap`, `seed`, `level`, `allowLargeBootstrap`, `onProgress` and `signal` (default: the running cell's signal). */
export function inferenceSettings(fn: string, options: SharedOptions): InferenceSettings {
  const resamples = options.bootstrap === false ? 0 : options.bootstrap ?? INFERENCE_DEFAULTS.resamples;
  if (typeof resamples !== 'number' || !Number.isInteger(resamples) || resamples < 0) {
    throw new ScalingLabError('bad-option', `${fn}: bootstrap must be a non-negative integer (resamples) or false, got ${describeValue(options.bootstrap)}.`,
      `e.g. bootstrap: ${INFERENCE_DEFAULTS.resamples} (the default), or bootstrap: 0 for standard-error intervals only.`);
  }
  if (options.allowLargeBootstrap !== undefined && typeof options.allowLargeBootstrap !== 'boolean') {
    throw new ScalingLabError('bad-option', `${fn}: allowLargeBootstrap must be true or false, got ${describeValue(options.allowLargeBootstrap)}.`,
      `pass allowLargeBootstrap: true only with a bootstrap above ${INFERENCE_DEFAULTS.maxResamples.toLocaleString('en-US')} resamples; leave it out otherwise.`);
  }
  if (resamples > INFERENCE_DEFAULTS.maxResamples && options.allowLargeBootstrap !== true) {
    throw new ScalingLabError('bad-option', `${fn}: bootstrap: ${resamples} resamples is more than ${INFERENCE_DEFAULTS.maxResamples.toLocaleString('en-US')}; each resample is a full refit, so this could run for hours or days.`,
      `use at most ${INFERENCE_DEFAULTS.maxResamples.toLocaleString('en-US')} (1,000 to 2,000 give stable 95% intervals), or pass allowLargeBootstrap: true if you mean it.`);
  }
  const seed = options.seed ?? INFERENCE_DEFAULTS.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new ScalingLabError('bad-option', `${fn}: seed must be an integer, got ${describeValue(options.seed)}.`, 'e.g. seed: 0 (the default) or any other whole number.');
  }
  checkCallback(fn, 'onProgress', options.onProgress);
  return { resamples, seed, level: checkLevel(fn, options.level), ...optionalSignal(checkSignal(fn, options.signal)) };
}

function optionalSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

/** The `level` option, checked (default 0.95). */
export function checkLevel(fn: string, level: number | undefined): number {
  const out = level ?? INFERENCE_DEFAULTS.level;
  if (typeof out !== 'number' || !(out > 0 && out < 1)) {
    throw new ScalingLabError('bad-option', `${fn}: level must be a number in (0, 1), got ${describeValue(out)}.`, 'e.g. level: 0.95 for 95% intervals.');
  }
  return out;
}

/** An iteration cap: an integer from 1 to 100,000 (default `fallback`). */
export function checkMaxIter(fn: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100_000) {
    throw new ScalingLabError('bad-option', `${fn}: maxIter must be an integer from 1 to 100000, got ${describeValue(value)}.`, `leave it out for the default (${fallback}).`);
  }
  return value;
}

/** A callback option: a function or undefined. */
export function checkCallback(fn: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new ScalingLabError('bad-option', `${fn}: ${name} must be a function, got ${describeValue(value)}.`,
      name === 'onProgress' ? 'pass onProgress: progressBar() or (event) => { ... }, or leave it out.' : `pass a function, or leave ${name} out.`);
  }
}

/** The `signal` option, checked; when not given, the ambient signal of the running notebook cell. */
export function checkSignal(fn: string, value: unknown): AbortSignal | undefined {
  if (value !== undefined && (typeof value !== 'object' || value === null || typeof (value as AbortSignal).aborted !== 'boolean')) {
    throw new ScalingLabError('bad-option', `${fn}: signal must be an AbortSignal, got ${describeValue(value)}.`, 'pass signal: controller.signal (const controller = new AbortController()), or leave it out.');
  }
  return signalOf(value as AbortSignal | undefined);
}

/** Throws the package's 'aborted' error (named AbortError) when the signal has fired. */
export function checkAborted(signal: AbortSignal | undefined, fn: string, what: string): void {
  if (!signal?.aborted) return;
  const err = new ScalingLabError('aborted', `${fn}: aborted during the ${what} (the AbortSignal fired).`, 'run the cell again to start over; nothing was kept from the aborted run.');
  err.name = 'AbortError';
  throw err;
}

/** Fewest resamples for a percentile interval at `level`: at least one draw beyond each end. */
export function minimumResamples(level: number): number {
  return Math.ceil(2 / (1 - level) - 1e-9);
}
