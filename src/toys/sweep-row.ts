import type { ToyExponent } from './core';
import type { ToyName } from './registry';
import type { Configuration } from './sweep-grid';
import type { SweepRow } from './sweep-types';

/** What a worker gets: the toy and one configuration's resolved options (plain data: no callbacks, no signal). */
export interface SweepJob {
  name: ToyName;
  options: Record<string, unknown>;
}

/** What a worker sends back for one configuration: the row's results with the toy's full exponent. */
export type SweepRunResult = Pick<SweepRow, 'coefficient' | 'stability' | 'points' | 'extra' | 'backend' | 'seconds'> & { exponent: ToyExponent };

export function sweepRow(c: Configuration, r: SweepRunResult): SweepRow {
  const e = r.exponent;
  return {
    configuration: c.values, key: c.key, seed: c.seed,
    exponent: { value: e.value, stderr: e.stderr, ci: e.ci }, expected: e.expected,
    coefficient: r.coefficient, stability: r.stability, points: r.points, extra: r.extra, backend: r.backend, seconds: r.seconds,
  };
}

/** The table's columns: the factors (values as text when not numbers), then the run's numbers. */
export function sweepColumns(factors: string[], rows: SweepRow[]): Record<string, Array<number | string>> {
  const cell = (v: unknown): number | string => (typeof v === 'number' ? v : JSON.stringify(v));
  const cols: Record<string, Array<number | string>> = {};
  for (const f of factors) cols[f] = rows.map((r) => cell(r.configuration[f]));
  const num = (get: (r: SweepRow) => number | undefined) => rows.map((r) => get(r) ?? NaN);
  Object.assign(cols, {
    seed: num((r) => r.seed),
    exponent: num((r) => r.exponent.value),
    stderr: num((r) => r.exponent.stderr),
    ci_lo: num((r) => r.exponent.ci[0]),
    ci_hi: num((r) => r.exponent.ci[1]),
    expected: num((r) => r.expected),
    coefficient: num((r) => r.coefficient),
    half_exponent: num((r) => r.stability?.half),
    drift: num((r) => r.stability?.drift),
    stable: rows.map((r) => (r.stability && r.stability.stable !== null ? String(r.stability.stable) : '')),
    seconds: num((r) => r.seconds),
  });
  return cols;
}
