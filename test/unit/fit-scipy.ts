import { spawnSync } from 'node:child_process';

/** A Python reference's JSON output (of the shape the caller names), or why there is none. */
export type PythonResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Runs a small Python script with the machine's default python3 (numpy/scipy) and returns its JSON
 * output, or a reason when scipy is not available (tests then skip with that message).
 */
export function runPython<T>(script: string, input: unknown, timeoutMs = 120_000): PythonResult<T> {
  const probe = spawnSync('python3', ['-c', 'import scipy, numpy'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return { ok: false, reason: 'python3 with scipy/numpy not available: reference check skipped' };
  const res = spawnSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (res.status !== 0) throw new Error(`python reference failed: ${res.stderr}`);
  return { ok: true, value: JSON.parse(res.stdout) as T };
}
