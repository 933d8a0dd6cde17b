/**
 * Bounded display of large fits: a chart of 100k runs would send tens of megabytes to the notebook,
 * so a fit with more runs than `maxPoints` is drawn from a stratified sample. Strata are the cells of
 * a grid over the chart's main variable and the loss (equal steps, in log where a quantity spans
 * decades), each non-empty cell keeps at least one run, so sparse ends of the ranges stay visible;
 * the draw is seeded (same picture every run). The parameter table and summary stay the full fit's.
 */
import { Rng } from '../util/random';
import { mainVariable } from './figures/fit';
import type { FitLike } from './shapes';

/** Runs drawn at most in one fit chart (default of `maxPoints`). */
export const MAX_DISPLAY_POINTS = 1000;

export interface DisplaySampleOptions {
  /** Most runs drawn (default MAX_DISPLAY_POINTS). */
  maxPoints?: number;
  /** Seed of the draw (default 0). */
  seed?: number;
}

/** What a fit chart draws: the fit with only the sampled runs in `data`, and how many of how many. */
export interface DisplaySample { fit: FitLike; shown: number; total: number }

/**
 * Bin 0..bins-1 of each value: equal steps between the smallest and largest finite value, of log10
 * when all are positive and span a decade or more; bin `bins` for non-finite values.
 */
function valueBins(values: number[], bins: number): number[] {
  const finite = values.filter(Number.isFinite);
  let lo = Infinity, hi = -Infinity;
  for (const v of finite) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const log = lo > 0 && hi / lo >= 10;
  const t = (v: number) => (log ? Math.log10(v) : v);
  const a = t(lo), w = (t(hi) - a) / bins;
  return values.map((v) => (!Number.isFinite(v) ? bins : w > 0 ? Math.min(bins - 1, Math.floor((t(v) - a) / w)) : 0));
}

/** Points per stratum: proportional to its size, at least one, `total` in all. */
function quotas(sizes: number[], total: number, n: number): number[] {
  const exact = sizes.map((s) => (s * total) / n);
  const q = exact.map((e) => Math.max(1, Math.floor(e)));
  let sum = q.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, k) => k).sort((a, b) => (exact[b] % 1) - (exact[a] % 1));
  for (let j = 0; sum < total && j < byRemainder.length; j++) {
    const k = byRemainder[j];
    if (q[k] < sizes[k]) { q[k]++; sum++; }
  }
  const bySize = q.map((_, k) => k).sort((a, b) => q[b] - q[a]);
  for (let j = 0; sum > total; j = (j + 1) % bySize.length) {
    const k = bySize[j];
    if (q[k] > 1) { q[k]--; sum--; }
  }
  return q;
}

/**
 * Indices of a stratified sample of at most `max` of the points (x[i], y[i]): strata are a grid over
 * x and y (valueBins), each stratum keeps its share (at least one point), drawn with `Rng(seed)`.
 * All indices when there are at most `max` points. Sorted ascending.
 */
export function stratifiedSample(x: number[], y: number[], max: number, seed = 0): number[] {
  const n = y.length;
  if (n <= max) return y.map((_, i) => i);
  const bins = Math.max(1, Math.floor(Math.sqrt(max / 4) - 1)); // (bins + 1)^2 <= max / 4: room for one point per stratum
  const bx = valueBins(x, bins), by = valueBins(y, bins);
  const strata = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = bx[i] * (bins + 1) + by[i];
    if (!strata.has(key)) strata.set(key, []);
    strata.get(key)!.push(i);
  }
  const groups = [...strata.keys()].sort((a, b) => a - b).map((k) => strata.get(k)!);
  const q = quotas(groups.map((g) => g.length), max, n);
  const rng = new Rng(seed);
  const picked: number[] = [];
  groups.forEach((g, k) => {
    for (let j = 0; j < q[k]; j++) { // partial Fisher-Yates: the first q[k] of a shuffle
      const r = j + rng.int(g.length - j);
      [g[j], g[r]] = [g[r], g[j]];
      picked.push(g[j]);
    }
  });
  return picked.sort((a, b) => a - b);
}

/** The fit as its chart draws it: all runs, or a stratified sample by the main variable and the loss. */
export function sampleFitForDisplay(fit: FitLike, options: DisplaySampleOptions = {}): DisplaySample {
  const total = fit.data.loss.length;
  const max = options.maxPoints ?? MAX_DISPLAY_POINTS;
  if (total <= max) return { fit, shown: total, total };
  const x = fit.data.variables[mainVariable(fit)];
  const idx = stratifiedSample(x, fit.data.loss, max, options.seed ?? 0);
  const pick = <T>(a: T[]) => idx.map((i) => a[i]);
  const variables = Object.fromEntries(Object.entries(fit.data.variables).map(([k, v]) => [k, pick(v)]));
  const included = fit.data.included ? pick(fit.data.included) : idx.map(() => true);
  return { fit: { ...fit, data: { variables, loss: pick(fit.data.loss), included } }, shown: idx.length, total };
}
