import type { FrontierBands, FrontierRow } from './types';

/** Linear-interpolation percentile of a sorted sample (numpy's default), q in [0, 1]. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const i = Math.floor(pos);
  const frac = pos - i;
  return i + 1 < sorted.length ? sorted[i] + frac * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/** Central interval at `level` (0.95 gives the 2.5th and 97.5th percentiles). */
export function interval(values: number[], level = 0.95): [number, number] {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  return [percentile(s, (1 - level) / 2), percentile(s, 1 - (1 - level) / 2)];
}

const ROW_FIELDS = ['flops', 'params', 'tokens', 'width', 'depth', 'tokensPerParam', 'loss'] as const;

/** Per-row intervals from one frontier per bootstrap draw (draws[j][i] = row i of draw j). */
export function rowBands(draws: FrontierRow[][], rows: FrontierRow[], level = 0.95): FrontierBands {
  const bands: Partial<Record<(typeof ROW_FIELDS)[number], Array<[number, number]>>> = {};
  for (const field of ROW_FIELDS) {
    if (rows.length === 0 || rows[0][field] === undefined) continue;
    bands[field] = rows.map((_, i) => interval(draws.map((d) => d[i][field] as number), level));
  }
  return bands as FrontierBands;
}
