import type { CurveColumns, ToyCore } from './core';
import type { SoftmaxTimeOptions } from './softmax-time-options';
import { linearFit, logLogSlope } from '../util/stats';

/** The logged curves of a softmax-time run. */
export type SoftmaxTimeCurves = CurveColumns<'step' | 'tau' | 'loss' | 'beta' | 'logitStd'>;

/** A fitted slope with its standard error and t-based 95% interval. */
export interface FittedSlope {
  value: number;
  stderr: number;
  ci: [number, number];
}

/** What the softmax-time result adds to the common fields. */
export interface SoftmaxTimeExtra {
  /** 'exponential' when log L is straighter in tau than in log tau (a flat target), else 'power-law'. */
  regime: 'power-law' | 'exponential';
  /** R^2 of log L against log tau over the fitted points. */
  powerLawR2: number;
  /** R^2 of log L against tau over the fitted points. */
  exponentialR2: number;
  /** Rate r of L ~ exp(-r tau) over the fitted points (minus the slope of log L on tau). */
  exponentialRate: FittedSlope;
  /** Where the loss stopped falling (the minimum of its running median, when it rose again after it or stalled there after falling FLOOR_FACTOR^2 or more; lossFloor); null when it did not. */
  floor: { tau: number; loss: number } | null;
  /** The tau range actually fitted: fitRange, ended early where the loss comes within FLOOR_FACTOR of the floor (and begun at the first step when that is before twice its start). */
  fitted: [number, number];
  /** Exponent of the student's logit scale: beta ~ tau^value over the fitted points (1/3 in the paper's mechanism). */
  betaExponent: FittedSlope;
  /** Test loss after the last step. */
  finalLoss: number;
}

/** Logged points in the running median that detects the floor (odd). */
const FLOOR_WINDOW = 9;
/**
 * The fit stops where the loss comes within this factor of the floor: above it, a floor under a power
 * law biases the local slope by at most 1/FLOOR_FACTOR (10%), and an exponential's log by log(1.1).
 */
export const FLOOR_FACTOR = 10;

/** Running median of log loss over FLOOR_WINDOW logged points (shorter at the ends). */
function runningMedianLog(loss: number[]): number[] {
  const logs = loss.map((v) => (v > 0 ? Math.log(v) : -Infinity));
  const h = (FLOOR_WINDOW - 1) / 2;
  return logs.map((_, i) => {
    const w = logs.slice(Math.max(0, i - h), Math.min(logs.length, i + h + 1)).sort((a, b) => a - b);
    return w[(w.length - 1) >> 1];
  });
}

/**
 * The noise floor of a loss curve: the minimum of its running median, when the loss has stopped falling
 * there. Either it rises again after it, by at least a factor 2 over the last fifth of the logged points
 * (the blow-up of a converged run at a constant rate), or it fell by FLOOR_FACTOR^2 or more from `from`
 * and then stalled (the last fifth's median within a factor 2 of the minimum). A power law still falling
 * has neither. Returns the floor and the tau where the running median first comes within FLOOR_FACTOR of it.
 */
export function lossFloor(tau: number[], loss: number[], from = 0): { tau: number; loss: number; reachedAt: number } | null {
  const n = loss.length;
  if (n < 2 * FLOOR_WINDOW) return null;
  const med = runningMedianLog(loss);
  let k = 0;
  for (let i = 1; i < n; i++) if (med[i] < med[k]) k = i;
  const lastFifth = med.slice(Math.floor(0.8 * n)).sort((a, b) => a - b);
  const late = lastFifth[(lastFifth.length - 1) >> 1];
  const blowUp = k < 0.8 * n && late >= med[k] + Math.LN2;
  const start = Math.max(0, tau.findIndex((t) => t >= from));
  const stalled = med[start] - med[k] >= 2 * Math.log(FLOOR_FACTOR) && late < med[k] + Math.LN2;
  if (!blowUp && !stalled) return null;
  const level = Math.exp(med[k]);
  const reached = med.findIndex((m) => m <= Math.log(FLOOR_FACTOR * level));
  return { tau: tau[k], loss: level, reachedAt: tau[reached] };
}

function slopeOf(fit: { slope: number; stderr: number; half: number }, sign: 1 | -1): FittedSlope {
  const v = sign * fit.slope;
  return { value: v, stderr: fit.stderr, ci: [v - fit.half, v + fit.half] };
}

/** The points of the curves with tau in [lo, hi]. */
function pointsIn(curves: SoftmaxTimeCurves, lo: number, hi: number): { tau: number[]; loss: number[]; beta: number[] } {
  const idx = curves.tau.map((t, i) => i).filter((i) => curves.tau[i] >= lo && curves.tau[i] <= hi);
  return { tau: idx.map((i) => curves.tau[i]), loss: idx.map((i) => curves.loss[i]), beta: idx.map((i) => curves.beta[i]) };
}

function regimeNote(o: SoftmaxTimeOptions, n: number, exponential: boolean, fit: { value: number; r2: number }, expFit: { r2: number }, range: [number, number]): string {
  const [lo, hi] = range;
  if (n < 3) return `only ${n} logged points fall in tau in [${lo}, ${hi}]: run more steps or a larger lr to fit the exponent`;
  if (exponential) {
    return `loss decays exponentially in tau (R^2 ${expFit.r2.toFixed(3)} for log L linear in tau against ${fit.r2.toFixed(3)} for a power law), no power law`
      + (o.head === 'softmax-ce' ? ': the one-third law needs a peaked target' : '');
  }
  const paper = o.head === 'softmax-ce' ? '; the paper\'s toy: 0.337 +/- 0.002, loss about 0.16 at tau = 150' : '';
  return `loss falls as a power law tau^-${fit.value.toFixed(3)} over tau in [${lo}, ${hi}] (R^2 ${fit.r2.toFixed(3)})${paper}`;
}

/**
 * 1/3 with softmax + cross-entropy; with the squared-error head, the linear model's (alpha_x - 1) / alpha_x
 * under gradient flow (docs/toys.md#softmax-time), NaN when alpha_x <= 1 (no power law: the decay is exponential).
 */
export function expectedExponent(o: SoftmaxTimeOptions): number {
  if (o.head === 'softmax-ce') return 1 / 3;
  return o.inputSpectrum > 1 ? (o.inputSpectrum - 1) / o.inputSpectrum : NaN;
}

/** The exponent over the fit range (ended at a floor), whether the decay is a power law or exponential, and beta's exponent. */
export function timeExponent(o: SoftmaxTimeOptions, curves: SoftmaxTimeCurves, finalLoss: number): ToyCore<SoftmaxTimeExtra> {
  const floor = lossFloor(curves.tau, curves.loss, o.fitRange[0]);
  const hi = floor ? Math.min(o.fitRange[1], floor.reachedAt) : o.fitRange[1];
  // a curve within FLOOR_FACTOR of its floor before twice fitRange's start leaves too few points there: fit it from its first step
  const lo = floor && hi < 2 * o.fitRange[0] ? Math.min(o.fitRange[0], curves.tau.find((t) => t > 0) ?? o.fitRange[0]) : o.fitRange[0];
  const p = pointsIn(curves, lo, hi);
  const fit = logLogSlope(p.tau, p.loss);
  const lateFrom = (lo + hi) / 2;
  const late = pointsIn(curves, lateFrom, hi);
  const half = logLogSlope(late.tau, late.loss);
  const expFit = linearFit(p.tau, p.loss.map((v) => Math.log(Math.max(v, 1e-30))));
  const betaFit = logLogSlope(p.tau, p.beta);
  const positive = p.loss.filter((v) => v > 1e-9).length;
  const exponential = p.tau.length >= 3 && (expFit.r2 > fit.r2 || positive < p.loss.length);
  const betaStar = Math.sqrt(1 / 3) / o.temperature;
  const notes = [`teacher inverse temperature beta* = 0.577/T = ${betaStar.toFixed(1)} (peaked when beta* >> sqrt(2 ln V) = ${Math.sqrt(2 * Math.log(o.vocab)).toFixed(2)})`];
  if (floor) notes.push(`the loss reaches a floor of ${floor.loss.toPrecision(3)} at tau = ${floor.tau.toPrecision(3)}: the fit ends at tau = ${hi.toPrecision(3)}, where the loss comes within ${FLOOR_FACTOR}x of it`);
  notes.push(regimeNote(o, p.tau.length, exponential, { value: fit.value, r2: fit.r2 }, expFit, [lo, hi]));
  if (exponential) notes.push(`exponential rate: L ~ exp(-${(-expFit.slope).toPrecision(3)} tau) over tau in [${lo}, ${hi.toPrecision(3)}]`);
  notes.push('the standard error treats the logged losses as independent; successive points of one run are correlated, so read it as a lower bound');
  return {
    curves,
    points: { x: p.tau, loss: p.loss, xLabel: 'tau' },
    exponent: { value: fit.value, stderr: fit.stderr, ci: fit.ci, expected: expectedExponent(o), range: [lo, hi] },
    halfBudget: { value: half.value, stderr: half.stderr },
    notes,
    extra: {
      regime: exponential ? 'exponential' : 'power-law', powerLawR2: fit.r2, exponentialR2: expFit.r2,
      exponentialRate: slopeOf(expFit, -1), floor: floor ? { tau: floor.tau, loss: floor.loss } : null, fitted: [lo, hi],
      betaExponent: { value: -betaFit.value, stderr: betaFit.stderr, ci: [-betaFit.ci[1], -betaFit.ci[0]] }, finalLoss,
    },
  };
}
