import { ScalingLabError } from '../errors';
import { fmt } from '../util/format';

/** Bytes of a Float32Array (or Int32Array) of n entries. */
export const f32 = (n: number): number => 4 * n;
/** Bytes of a Float64Array of n entries. */
export const f64 = (n: number): number => 8 * n;

/** Bytes as the error message prints them: MB below a gigabyte, else GB. */
export function formatBytes(bytes: number): string {
  const mb = bytes / 2 ** 20;
  return mb < 1024 ? `${fmt(mb, 3)} MB` : `${fmt(mb / 1024, 3)} GB`;
}

/** The sum of an estimate's parts. */
export function totalBytes(parts: Record<string, number>): number {
  return Object.values(parts).reduce((a, b) => a + b, 0);
}

/**
 * Refuses a run whose estimated memory is above the limit, before anything is allocated, with the
 * estimate, its largest parts and the limit (a run far too large would otherwise fill the machine's
 * memory or stop on a raw RangeError deep inside the training).
 */
export function checkMemory(fn: string, parts: Record<string, number>, maxMemoryMB: number): void {
  const total = totalBytes(parts);
  if (!(total > maxMemoryMB * 2 ** 20)) return;
  const largest = Object.entries(parts).sort((a, b) => b[1] - a[1]).slice(0, 3)
    .map(([part, bytes]) => `${part} ${formatBytes(bytes)}`).join(', ');
  const needMB = Math.ceil(total / 2 ** 20);
  throw new ScalingLabError('too-much-memory',
    `${fn}: the run needs about ${formatBytes(total)} of memory (largest parts: ${largest}), above the limit of maxMemoryMB = ${maxMemoryMB} MB.`,
    `use smaller sizes (the options named in the largest parts), or raise the limit with maxMemoryMB: ${needMB} if the machine has that much free memory.`);
}
