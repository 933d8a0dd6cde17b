/**
 * Closed forms of the `superposition-time` toy (derived in docs/toys.md#superposition-time): the
 * loss curve of the linear student without a bottleneck, its exponents, the zero student's loss and
 * the linear bottleneck's floor. Mode i has input variance lambda_i = i^-a and teacher weight w_i = i^-b.
 */
import { SlopeFit, logLogSlope } from '../util/stats';
import type { TimeVariant } from './superposition-time-model';
import { binLosses } from './superposition-time-curves';
import { SuperpositionTimeOptions, resolveSuperpositionTime } from './superposition-time-options';

/** What the closed forms depend on. */
export interface TimeTheoryShape {
  variant: TimeVariant;
  a: number;
  b: number;
  channels: number;
  /** Gain g of the student's orthogonal first layer. */
  init: number;
  /** 'superposition': input i is nonzero with probability min(1, density i^-a). Default 1. */
  density?: number;
}

/**
 * Linear student, no bottleneck, readout starting at zero, gradient flow in tau = sum of learning
 * rates, to leading order in w^2 / g^4: L(tau) = sum_i w_i^2 lambda_i exp(-4 g^2 lambda_i tau).
 */
export function linearLoss(tau: number, s: Pick<TimeTheoryShape, 'a' | 'b' | 'channels' | 'init'>): number {
  const rate = 4 * s.init * s.init * tau;
  let sum = 0;
  for (let i = 1; i <= s.channels; i++) {
    const lambda = Math.pow(i, -s.a);
    sum += Math.pow(i, -2 * s.b) * lambda * Math.exp(-rate * lambda);
  }
  return sum;
}

/** Minus the log-log slope of linearLoss at the given tau: the closed form's exponent over a finite window. */
export function linearLossSlope(taus: number[], s: Pick<TimeTheoryShape, 'a' | 'b' | 'channels' | 'init'>): SlopeFit {
  return logLogSlope(taus, taus.map((t) => linearLoss(t, s)));
}

/**
 * The continuum limit (channels -> infinity, 1 << g^2 tau << channels^a): L ~ tau^-((a + 2b - 1)/a).
 * It needs a > 0 (a decaying spectrum) and a + 2b > 1 (a finite loss at tau = 0); NaN otherwise.
 */
export function linearExponent(a: number, b: number): number {
  return a > 0 && a + 2 * b > 1 ? (a + 2 * b - 1) / a : NaN;
}

/**
 * Two layers learning from a small initialisation learn mode i only at t_i ~ ln(w_i / u0) / (w_i lambda_i):
 * one mode after another, L ~ tau^-((a + 2b - 1)/(a + b)) up to logarithms; NaN outside a + 2b > 1, a + b > 0.
 */
export function sequentialExponent(a: number, b: number): number {
  return a + b > 0 && a + 2 * b > 1 ? (a + 2 * b - 1) / (a + b) : NaN;
}

/**
 * The zero student's loss E|y|^2 = sum_i w_i^2 E[s(x_i)^2]: lambda_i for the identity, lambda_i / 2 for
 * ReLU; for 'superposition', E x_i^2 = min(1, density i^-a) E[U(0, 2)^2] = (4/3) min(1, density i^-a).
 */
export function zeroStudentLoss(s: Pick<TimeTheoryShape, 'variant' | 'a' | 'b' | 'channels' | 'density'>): number {
  let sum = 0;
  const density = s.density ?? 1;
  for (let i = 1; i <= s.channels; i++) {
    sum += s.variant === 'superposition' ? Math.pow(i, -2 * s.b) * Math.min(1, density * Math.pow(i, -s.a)) * (4 / 3) : Math.pow(i, -2 * s.b - s.a);
  }
  return s.variant === 'relu' ? sum / 2 : sum;
}

/**
 * The lowest loss of a linear student of width m < channels: the best rank-m map keeps the m modes
 * with the largest w_i^2 lambda_i = i^-(a + 2b), the first m when a + 2b > 0, and loses the rest.
 */
export function linearFloor(width: number, s: Pick<TimeTheoryShape, 'a' | 'b' | 'channels'>): number {
  const modes = Array.from({ length: s.channels }, (_, k) => Math.pow(k + 1, -2 * s.b - s.a)).sort((p, q) => q - p);
  return modes.slice(width).reduce((acc, v) => acc + v, 0);
}

/**
 * The closed form's exponent as a run with these options measures it: the log-log slope of linearLoss
 * at the tau of the run's bins inside its fit range (the bins depend only on lr, steps and logPoints),
 * i.e. the run's theory.linearWindowExponent. A notebook uses it to set a run against the closed form
 * at another a or b (docs/toys.md#superposition-time).
 *   closedFormTimeExponent({ variant: 'linear', a: 1.5, b: 0.25, channels: 128, init: 3, lr: 0.002, steps: 2500 })
 */
export function closedFormTimeExponent(options: Partial<SuperpositionTimeOptions>): number {
  const o = resolveSuperpositionTime(options);
  const tauEnd = o.lr * o.steps;
  const bins = binLosses(new Float64Array(o.steps + 1), o.lr, o.logPoints);
  const taus = bins.tau.filter((t) => t >= o.fitRange[0] * tauEnd && t <= o.fitRange[1] * tauEnd);
  return linearLossSlope(taus.length >= 2 ? taus : [o.fitRange[0] * tauEnd, o.fitRange[1] * tauEnd], o).value;
}
