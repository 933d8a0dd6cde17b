import { ScalingLabError } from '../errors';
import { findColumn } from '../data/columns';
import type { Columns } from '../data/frame';

/** The tolerance of `nearOptimum: 'auto'` when the runs form isoFLOP groups. */
const AUTO_TOLERANCE = 0.05;
/** Runs per budget, on average, from which the runs count as isoFLOP sweeps. */
const ISOFLOP_RUNS_PER_BUDGET = 3;

/**
 * The isoFLOP selection (CompareOptions.nearOptimum), applied to each recipe's runs in place: per budget
 * (runs sharing a flops value), keep the runs whose loss is within `tolerance` of that budget's lowest.
 * Returns null when it is off or does not apply.
 */
export function selectNearOptimum(fn: string, recipes: Map<string, Columns>, spec: number | false | 'auto', flopsName?: string, lossName?: string): { tolerance: number; kept: Record<string, [number, number]> } | null {
  if (spec === false) return null;
  if (spec !== 'auto' && (typeof spec !== 'number' || !(spec > 0) || !Number.isFinite(spec))) {
    throw new ScalingLabError('bad-option', `${fn}: nearOptimum must be a positive fraction (e.g. 0.05), 'auto' or false, got ${String(spec)}.`);
  }
  const found = [...recipes.values()].map((c) => ({ flops: findColumn(c, 'flops', flopsName), loss: findColumn(c, 'loss', lossName) }));
  if (found.some((f) => !f.flops || !f.loss)) {
    if (spec === 'auto') return null;
    throw new ScalingLabError('missing-column', `${fn}: nearOptimum needs a flops and a loss column in every recipe.`, 'name them with columns: { flops, loss }, or leave nearOptimum out.');
  }
  if (spec === 'auto') {
    // IsoFLOP sweeps: many runs share each budget.
    const isoflop = [...recipes.values()].every((c, i) => {
      const values = c[found[i].flops as string].map(Number);
      return values.length >= ISOFLOP_RUNS_PER_BUDGET * new Set(values).size;
    });
    if (!isoflop) return null;
  }
  const tolerance = spec === 'auto' ? AUTO_TOLERANCE : spec;
  const kept: Record<string, [number, number]> = {};
  let i = 0;
  for (const [name, cols] of recipes) {
    const flops = cols[found[i].flops as string].map(Number);
    const loss = cols[found[i].loss as string].map(Number);
    i++;
    const lowest = new Map<number, number>();
    flops.forEach((c, j) => { if (Number.isFinite(loss[j])) lowest.set(c, Math.min(lowest.get(c) ?? Infinity, loss[j])); });
    const rows = flops.map((_, j) => j).filter((j) => loss[j] <= (lowest.get(flops[j]) as number) * (1 + tolerance));
    for (const key of Object.keys(cols)) cols[key] = rows.map((j) => cols[key][j]);
    kept[name] = [rows.length, flops.length];
  }
  return { tolerance, kept };
}
