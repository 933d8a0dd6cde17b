/**
 * The measurements of the `superposition-time` toy on one width's per-step losses: log-spaced bins,
 * the power-law fit over a tau range, and the time to reach a target loss (docs/toys.md#superposition-time).
 */
import type { ToyExponent } from './core';
import { logLogSlope } from '../util/stats';

/** A loss curve binned in log-spaced windows of steps: the mean step, tau and test loss of each window. */
export interface BinnedCurve {
  step: number[];
  tau: number[];
  loss: number[];
}

/**
 * Step 0 on its own, then about `points` windows of steps log-spaced over [1, steps]; each keeps the
 * mean of its per-step losses (losses[s] is measured after s updates), at tau = lr x its mean step.
 */
export function binLosses(losses: Float64Array, lr: number, points: number): BinnedCurve {
  const last = losses.length - 1;
  const out: BinnedCurve = { step: [0], tau: [0], loss: [losses[0]] };
  if (last < 1) return out;
  const ratio = Math.pow(last + 1, 1 / points);
  let lo = 1;
  let edge = 1;
  while (lo <= last) {
    while (Math.floor(edge) <= lo) edge *= ratio;
    const hi = Math.min(last + 1, Math.floor(edge));
    let sum = 0;
    for (let s = lo; s < hi; s++) sum += losses[s];
    const mid = (lo + hi - 1) / 2;
    out.step.push(mid);
    out.tau.push(lr * mid);
    out.loss.push(sum / (hi - lo));
    lo = hi;
  }
  return out;
}

/** The power-law fit of one width: exponent (with the expected value), coefficient and R^2 over tau in [from, to]. */
export interface WidthFit {
  exponent: ToyExponent;
  /** c of loss ~ c tau^-exponent: the fitted loss at tau = 1. */
  coefficient: number;
  r2: number;
  /** The bins used. */
  tau: number[];
  loss: number[];
}

export function fitWidth(curve: BinnedCurve, from: number, to: number, expected: number): WidthFit {
  const tau: number[] = [];
  const loss: number[] = [];
  curve.tau.forEach((t, k) => {
    if (t >= from && t <= to) {
      tau.push(t);
      loss.push(curve.loss[k]);
    }
  });
  const fit = logLogSlope(tau, loss);
  return {
    exponent: { value: fit.value, stderr: fit.stderr, ci: fit.ci, expected, range: [from, to] },
    coefficient: Math.exp(fit.intercept),
    r2: fit.r2,
    tau,
    loss,
  };
}

/**
 * The tau from which the binned loss stays at or below `target`: the last crossing, interpolated
 * linearly in (log tau, log loss) between the last bin above the target and the next one (the last
 * rather than the first, so that one noisy early window cannot count). null when the last bin is above it.
 */
export function timeToLoss(curve: BinnedCurve, target: number): number | null {
  const { tau, loss } = curve;
  let k = loss.length - 1;
  if (!(loss[k] <= target)) return null;
  while (k > 0 && loss[k - 1] <= target) k--;
  if (k === 0) return 0;
  const [t0, t1, l0, l1] = [tau[k - 1], tau[k], loss[k - 1], loss[k]];
  if (!(t0 > 0) || !(l1 > 0)) return t1;
  const f = Math.log(l0 / target) / Math.log(l0 / l1);
  return Math.exp(Math.log(t0) + f * Math.log(t1 / t0));
}
