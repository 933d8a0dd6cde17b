import type { HalfBudgetExponent, ToyExponent, ToyPoints } from './core';

/** How many standard errors of the difference the half-budget exponent may be from the full one. */
export const STABILITY_K = 2;

/** Whether a toy's exponent is settled within its training budget: the exponent from half the budget against the whole. */
export interface ToyStability {
  /** The exponent from half the budget (`method` says how it is measured for this toy). */
  half: number;
  halfStderr: number;
  /** The run's exponent (all of the budget). */
  full: number;
  fullStderr: number;
  /** full - half. */
  drift: number;
  /**
   * |drift| <= STABILITY_K sqrt(halfStderr^2 + fullStderr^2), the two errors taken as independent
   * (conservative: they share data); null when the half-budget exponent cannot be measured (too few points).
   */
  stable: boolean | null;
  method: string;
}

/** The stability in a word or two, for summaries. */
export function stabilityWord(stable: boolean | null): string {
  return stable === null ? 'not measured: too few points' : stable ? 'stable' : 'still drifting';
}

export function toyStability(full: ToyExponent, half: HalfBudgetExponent, method: string): ToyStability | null {
  if (!Number.isFinite(half.value)) return null; // too few points in half the budget: not measured, rather than NaN
  const drift = full.value - half.value;
  const se = Math.sqrt(half.stderr ** 2 + full.stderr ** 2);
  return {
    half: half.value, halfStderr: half.stderr, full: full.value, fullStderr: full.stderr, drift,
    stable: Number.isFinite(drift) && Number.isFinite(se) ? Math.abs(drift) <= STABILITY_K * se : null,
    method,
  };
}

/**
 * The coefficient c of the fitted power law loss ~ c x^(-exponent): the least-squares intercept of
 * log loss on log x, exp(mean(log loss) + exponent mean(log x)), over the points in the fit range.
 */
export function toyCoefficient(points: ToyPoints, exponent: ToyExponent): number {
  const [lo, hi] = exponent.range;
  let sx = 0;
  let sy = 0;
  let n = 0;
  points.x.forEach((x, i) => {
    const y = points.loss[i];
    if (!(x > 0 && y > 0 && x >= lo && x <= hi && Number.isFinite(x) && Number.isFinite(y))) return;
    sx += Math.log(x);
    sy += Math.log(y);
    n++;
  });
  return n ? Math.exp(sy / n + (exponent.value * sx) / n) : NaN;
}
