import { ScalingLabError, describeValue } from '../errors';
import { hasOwn } from '../util/own';
import type { Objective, ObjectiveSpec } from './types';

/**
 * The objective option: least squares or Huber, on log L or on L, with an optional penalty on
 * over-estimates, summed over points with per-point weights (docs/methods.md#objectives-and-weights).
 * The point-level arithmetic (residual, its side, the weights) lives here too, so the solvers, the
 * convergence check and the covariance score a point the same way.
 */

/** Residuals r = log L - log L_fit ('log') or L - L_fit ('loss'). */
export type ResidualSpace = 'log' | 'loss';

/** How a problem scores its points, besides the Huber threshold (which the solver options carry). */
export interface PointScoring {
  /** 'log' (default): the problem's observations are log L; 'loss': they are L. */
  space?: ResidualSpace;
  /** rho(r) times this where the law over-estimates the loss (r < 0); default 1. */
  penalty?: number;
  /** Per-point weights, multiplying any bootstrap counts; default all 1. */
  weights?: Float64Array | null;
}

const KEYS = ['huber', 'residuals', 'overestimatePenalty'];
const HINT = "use objective: 'lsq' (least squares on log L), { huber: 1e-3 }, { residuals: 'loss' } (least squares on L) or { huber: 1e-3, overestimatePenalty: 10 }.";

/**
 * The objective option checked and written in its shortest form: 'lsq' for least squares on log L
 * without penalty, otherwise an object holding only the keys that differ from the defaults.
 */
export function checkObjective(fn: string, objective: unknown): Objective {
  if (objective === 'lsq') return 'lsq';
  if (!objective || typeof objective !== 'object' || Array.isArray(objective)) {
    throw new ScalingLabError('bad-option', `${fn}: objective must be 'lsq' or an object, got ${describeValue(objective)}.`, HINT);
  }
  const o = objective as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!KEYS.includes(k)) throw new ScalingLabError('bad-option', `${fn}: objective has an unknown key '${k}' (known: ${KEYS.join(', ')}).`, HINT);
  }
  const out: ObjectiveSpec = {};
  if (hasOwn(o, 'huber')) {
    const d = o.huber;
    if (!(typeof d === 'number' && d > 0 && Number.isFinite(d))) {
      throw new ScalingLabError('bad-option', `${fn}: objective.huber must be a positive finite number (the Huber threshold on the residuals), got ${describeValue(d)}.`, 'e.g. objective: { huber: 1e-3 } on log L; leave huber out for least squares.');
    }
    out.huber = d;
  }
  if (hasOwn(o, 'residuals') && o.residuals !== 'log') {
    if (o.residuals !== 'loss') throw new ScalingLabError('bad-option', `${fn}: objective.residuals must be 'log' (r = log L - log L_fit, the default) or 'loss' (r = L - L_fit), got ${describeValue(o.residuals)}.`);
    out.residuals = 'loss';
  }
  if (hasOwn(o, 'overestimatePenalty') && o.overestimatePenalty !== 1) {
    const k = o.overestimatePenalty;
    if (!(typeof k === 'number' && k > 0 && Number.isFinite(k))) {
      throw new ScalingLabError('bad-option', `${fn}: objective.overestimatePenalty must be a positive finite number (1 = symmetric), got ${describeValue(k)}.`,
        'e.g. overestimatePenalty: 10 to fit the lower edge of the runs (OLMo-core); leave it out for a symmetric loss.');
    }
    out.overestimatePenalty = k;
  }
  return Object.keys(out).length === 0 ? 'lsq' : out;
}

/** Huber threshold of an objective; least squares is Huber with an infinite threshold. */
export function deltaOf(objective: Objective): number {
  return objective === 'lsq' ? Infinity : objective.huber ?? Infinity;
}

export function spaceOf(objective: Objective): ResidualSpace {
  return objective === 'lsq' ? 'log' : objective.residuals ?? 'log';
}

export function penaltyOf(objective: Objective): number {
  return objective === 'lsq' ? 1 : objective.overestimatePenalty ?? 1;
}

/** The objective as the summary states it. */
export function describeObjective(objective: Objective, weights?: string | null): string {
  const space = spaceOf(objective) === 'log' ? 'log L' : 'L';
  const r = spaceOf(objective) === 'log' ? 'r = log L - log L_fit' : 'r = L - L_fit';
  const delta = deltaOf(objective), penalty = penaltyOf(objective);
  const w = weights ? ` weighted by ${weights},` : '';
  const tail = penalty !== 1 ? `; over-estimates (r < 0) count ${penalty} times (overestimatePenalty)` : '';
  if (delta === Infinity) return `least squares on ${space}:${w} sum of ${weights ? 'w ' : ''}r^2/2, ${r}${tail}`;
  return `Huber (delta ${delta}) on ${space},${w} summed over points: sum of ${weights ? 'w ' : ''}huber(r), ${r}${tail}`;
}

/** A point's residual: observation minus law, in the problem's space (y is log L or L). */
export function residualOf(space: ResidualSpace | undefined, y: number, f: number): number {
  return space === 'loss' ? y - f : y - Math.log(f);
}

/** d (law in residual space) / d law at f: 1/f on log L, 1 on L. */
export function slopeOf(space: ResidualSpace | undefined, f: number): number {
  return space === 'loss' ? 1 : 1 / f;
}

/** The over-estimate penalty of a residual: `penalty` where r < 0 (the law above the loss), else 1. */
export function sideOf(penalty: number | undefined, r: number): number {
  return r < 0 && penalty !== undefined ? penalty : 1;
}

/** True when the scoring is the fused kernels' (log residuals, no penalty); weights they take. */
export function isPlainScoring(s: PointScoring): boolean {
  return (s.space ?? 'log') === 'log' && (s.penalty ?? 1) === 1;
}

/** Per-point weights times bootstrap counts (either may be absent). */
export function combineWeights(base: Float64Array | null | undefined, counts: Float64Array | null | undefined): Float64Array | null {
  if (!base) return counts ?? null;
  if (!counts) return base;
  return Float64Array.from(base, (w, i) => w * counts[i]);
}

/** The observations in the objective's space: log L or L. */
export function observations(objective: Objective, design: { loss: Float64Array; logLoss: Float64Array }): Float64Array {
  return spaceOf(objective) === 'loss' ? design.loss : design.logLoss;
}

/** The point scoring of an objective with the design's weights. */
export function pointScoring(objective: Objective, weights: Float64Array | null): PointScoring {
  const space = spaceOf(objective), penalty = penaltyOf(objective);
  return { ...(space !== 'log' ? { space } : {}), ...(penalty !== 1 ? { penalty } : {}), ...(weights ? { weights } : {}) };
}
