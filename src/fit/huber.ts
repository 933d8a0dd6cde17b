import { ScalingLabError } from '../errors';
import type { Objective } from './types';

/**
 * Robust objectives on log-loss residuals r = log L - log f, summed over points:
 *   'lsq':          rho(r) = r^2 / 2                        (scipy.optimize.least_squares' cost)
 *   { huber: d }:   rho(r) = r^2 / 2 if |r| <= d, else d (|r| - d/2)   (scipy.special.huber(d, r))
 * Summing (not averaging) matters: see test/unit/fit-epoch.test.ts for the early-stopping pitfall.
 */
export function rho(r: number, delta: number): number {
  const a = Math.abs(r);
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

/** rho'(r). */
export function psi(r: number, delta: number): number {
  return r > delta ? delta : r < -delta ? -delta : r;
}

/** IRLS weight psi(r)/r: the quadratic majoriser of rho at r (1 inside the Huber zone). */
export function irlsWeight(r: number, delta: number): number {
  const a = Math.abs(r);
  return a <= delta ? 1 : delta / a;
}

/** delta for an objective; least squares is Huber with infinite delta. */
export function deltaOf(objective: Objective): number {
  return objective === 'lsq' ? Infinity : objective.huber;
}

export function describeObjective(objective: Objective): string {
  return objective === 'lsq'
    ? 'least squares on log L: sum of r^2/2, r = log L - log L_fit'
    : `Huber (delta ${objective.huber}) on log L, summed over points: sum of huber(r), r = log L - log L_fit`;
}

/** The objective option as given by the user, checked. */
export function checkObjective(fn: string, objective: unknown): Objective {
  if (objective === 'lsq') return 'lsq';
  if (objective && typeof objective === 'object' && Object.keys(objective).length === 1 && 'huber' in objective) {
    const d = (objective as { huber: unknown }).huber;
    if (typeof d === 'number' && d > 0 && Number.isFinite(d)) return { huber: d };
  }
  throw new ScalingLabError('bad-option', `${fn}: objective must be 'lsq' or { huber: delta } with delta > 0, got ${JSON.stringify(objective)}.`,
    `use objective: 'lsq' (least squares on log L) or objective: { huber: 1e-3 }.`);
}
