import { ScalingLabError } from '../errors';
import { interval } from '../util/stats';
import { rowBands } from './bands';
import type { FrontierSolver } from './forms';
import type { FrontierBands, FrontierRow, SolvedFrontier } from './types';

/** Bands and intervals of a frontier from the fit's bootstrap draws. */
export interface FrontierBootstrap {
  bands?: FrontierBands;
  intervals?: Record<string, [number, number]>;
  /** Draws that gave a finite frontier. */
  used: number;
  /** The rows of every draw by its index, null where the draw gave no finite frontier. */
  byDraw?: Array<FrontierRow[] | null>;
}

/** What the bootstrap needs of the point estimate's frontier. */
export interface BootstrapInput {
  params: Record<string, number>;
  samples: Record<string, number[]>;
  solver: FrontierSolver;
  budgets: number[];
  /** The point estimate's rows, and its optimum at any budget (searched around by the numeric solver). */
  rows: FrontierRow[];
  hint: (flops: number) => FrontierRow;
  /** Whether the frontier has an aspect ratio (width and depth variables). */
  withAspect: boolean;
  level: number;
}

/** One frontier per draw of the parameters, then percentiles per row and per constant; notes say what was left out. */
export function bootstrapFrontier(input: BootstrapInput, notes: string[]): FrontierBootstrap {
  const { params: point, samples, solver, budgets, level } = input;
  const keys = Object.keys(samples).filter((key) => key in point);
  const unknown = Object.keys(samples).filter((key) => !(key in point));
  if (unknown.length) notes.push(`bootstrap samples for ${unknown.join(', ')} match no parameter of the law and were ignored.`);
  const count = keys.length ? Math.min(...keys.map((key) => samples[key].length)) : 0;
  const draws: FrontierRow[][] = [];
  const byDraw: Array<FrontierRow[] | null> = [];
  const scalars: Record<string, number[]> = { tokensPerParam: [], lossExponent: [] };
  if (input.withAspect) scalars.aspectRatio = [];
  let skipped = 0;
  for (let j = 0; j < count; j++) {
    const params = { ...point };
    for (const key of keys) params[key] = samples[key][j];
    let sj: SolvedFrontier;
    let rj: FrontierRow[];
    try {
      // Each draw's optimum lies near the point estimate's: the numeric solver searches there first.
      sj = solver(params, input.hint);
      rj = budgets.map((c) => sj.at(c));
    } catch (e) {
      if (e instanceof ScalingLabError) { skipped++; byDraw.push(null); continue; }
      throw e;
    }
    if (rj.some((r) => !Number.isFinite(r.loss) || !Number.isFinite(r.params))) { skipped++; byDraw.push(null); continue; }
    draws.push(rj);
    byDraw.push(rj);
    scalars.tokensPerParam.push(sj.constantTokensPerParam ?? rj[0].tokensPerParam);
    scalars.lossExponent.push(sj.lossExponent);
    if (scalars.aspectRatio) scalars.aspectRatio.push(sj.aspectRatio ?? (rj[0].width as number) / (rj[0].depth as number));
    // k and f are options, not estimates: no interval for them.
    for (const [name, v] of Object.entries(sj.constants)) if (name !== 'k' && name !== 'flopsPerParamToken') (scalars[name] ??= []).push(v);
  }
  const used = draws.length;
  if (skipped) notes.push(`${skipped} of ${count} bootstrap draws gave no finite frontier (a coefficient at 0) and were left out of the bands.`);
  if (used < 2) {
    if (count > 0) notes.push('too few usable bootstrap draws for bands.');
    return { used, byDraw };
  }
  const intervals: Record<string, [number, number]> = {};
  for (const [name, values] of Object.entries(scalars)) if (values.length === used) intervals[name] = interval(values, level);
  return { bands: rowBands(draws, input.rows, level), intervals, used, byDraw };
}
