import { interval } from '../util/stats';
import type { FrontierBands, FrontierRow } from './types';

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
