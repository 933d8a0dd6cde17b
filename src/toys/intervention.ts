import { ScalingLabError } from '../errors';
import type { Estimate } from '../fit/powerLaw';
import { linearFit, tQuantile } from '../util/stats';
import { fmt } from '../util/format';

/** loss ~ coefficient x^(-exponent), fitted by least squares on log loss against log x. */
export interface ExponentAndCoefficient {
  exponent: Estimate;
  /** c, the loss the law gives at x = 1; stderr by the delta method, interval exp of log c's. */
  coefficient: Estimate;
  /** log c (the intercept) and its standard error. x = 1 usually lies outside the data, so its error is large and tied to the exponent's. */
  logCoefficient: { value: number; stderr: number };
  /**
   * The data's centre: x at the geometric mean of the points' x, and the fitted log loss there with its
   * standard error (s / sqrt(n), uncorrelated with the exponent's): where interventionEffect compares coefficients.
   */
  centre: { x: number; logLoss: { value: number; stderr: number } };
  n: number;
}

/** What an intervention did to a run's law, by the rule in `rule`. */
export type InterventionVerdict = 'changes the exponent' | 'exponent change not detected; coefficient moves' | 'no detectable effect';

/** A shift (intervened minus baseline), its combined standard error, and their ratio. */
export interface Shift { value: number; stderr: number; sigmas: number }

export interface InterventionEffect {
  exponentShift: Shift;
  /**
   * Shift of the coefficient measured where the data are: of the log loss at x = `reference`. Equal to
   * the shift of log c when the exponents are equal; the coefficient's ratio there is exp(value).
   */
  logCoefficientShift: Shift;
  /** The x the coefficients are compared at: the geometric mean of the two fits' centres. */
  reference: number;
  coefficientRatio: number;
  verdict: InterventionVerdict;
  k: number;
  rule: string;
}

function badPoints(message: string): never {
  throw new ScalingLabError('bad-input', `exponentAndCoefficient: ${message}`,
    'pass the points a power law was fitted on, e.g. a toy result\'s or sweep row\'s `points` ({ x, loss }), with at least 3 positive pairs.');
}

/**
 * The exponent and coefficient of loss ~ c x^(-exponent) over `points`, with standard errors: the
 * ordinary least-squares line of log loss on log x (linearFit, the toys' own fit), whose intercept is
 * log c. Successive points of one run are correlated, so read the standard errors as lower bounds.
 */
export function exponentAndCoefficient(points: { x: number[]; loss: number[] }): ExponentAndCoefficient {
  if (!points || !Array.isArray(points.x) || !Array.isArray(points.loss)) badPoints('points must be an object with arrays x and loss.');
  if (points.x.length !== points.loss.length) badPoints(`x has ${points.x.length} values and loss ${points.loss.length}; they must pair up.`);
  const bad = points.x.some((x, i) => !(x > 0 && points.loss[i] > 0 && Number.isFinite(x) && Number.isFinite(points.loss[i])));
  if (bad) badPoints('every x and loss must be a positive finite number (the fit is on their logarithms).');
  if (points.x.length < 3) badPoints(`${points.x.length} points leave no degree of freedom for the errors; at least 3 are needed.`);
  const lx = points.x.map(Math.log);
  if (lx.every((x) => x === lx[0])) badPoints('all x are equal: the slope is not determined.');
  const fit = linearFit(lx, points.loss.map(Math.log));
  const slope = fit.slope, intercept = fit.intercept, seSlope = fit.stderr, seIntercept = fit.interceptStderr;
  const centre = { x: Math.exp(fit.meanX), logLoss: { value: fit.meanY, stderr: fit.meanStderr } };
  const t = tQuantile(0.975, lx.length - 2);
  const c = Math.exp(intercept);
  return {
    exponent: { value: -slope, stderr: seSlope, ci: [-slope - t * seSlope, -slope + t * seSlope] },
    coefficient: { value: c, stderr: c * seIntercept, ci: [Math.exp(intercept - t * seIntercept), Math.exp(intercept + t * seIntercept)] },
    logCoefficient: { value: intercept, stderr: seIntercept },
    centre,
    n: lx.length,
  };
}

function shift(a: { value: number; stderr: number }, b: { value: number; stderr: number }): Shift {
  const value = b.value - a.value, stderr = Math.hypot(a.stderr, b.stderr);
  return { value, stderr, sigmas: value / stderr };
}

/** A fit's log loss at x, from its centre: the two parts are uncorrelated, so their variances add. */
function logLossAt(f: ExponentAndCoefficient, x: number): { value: number; stderr: number } {
  const d = Math.log(x / f.centre.x);
  return { value: f.centre.logLoss.value - f.exponent.value * d, stderr: Math.hypot(f.centre.logLoss.stderr, d * f.exponent.stderr) };
}

/**
 * Does an intervention change the exponent, or move the coefficient? With k combined standard errors
 * (default 2): "changes the exponent" when the exponents differ by more than k; "exponent change not
 * detected; coefficient moves" when they agree within k and the log loss at the data's centre (the
 * geometric mean of the two fits' centres) differs by more than k; "no detectable effect" otherwise.
 * Agreement within k is not evidence of equal exponents: the verdict says what was detected.
 */
export function interventionEffect(baseline: ExponentAndCoefficient, intervened: ExponentAndCoefficient, k = 2): InterventionEffect {
  if (!(typeof k === 'number' && k > 0 && Number.isFinite(k))) {
    throw new ScalingLabError('bad-option', `interventionEffect: k must be a positive number of combined standard errors, got ${String(k)}.`, 'use k = 2 (the default) or another value up to 3.');
  }
  for (const [name, f] of [['baseline', baseline], ['intervened', intervened]] as const) {
    if (!f || !f.exponent || !f.centre) {
      throw new ScalingLabError('bad-input', `interventionEffect: ${name} is not a power-law fit.`, 'pass the results of exponentAndCoefficient(points) for the baseline and the intervened run.');
    }
  }
  const exponentShift = shift(baseline.exponent, intervened.exponent);
  const reference = Math.sqrt(baseline.centre.x * intervened.centre.x);
  const logCoefficientShift = shift(logLossAt(baseline, reference), logLossAt(intervened, reference));
  if (!Number.isFinite(exponentShift.sigmas) || !Number.isFinite(logCoefficientShift.sigmas)) {
    throw new ScalingLabError('bad-input', 'interventionEffect: the shifts have no finite size in standard errors (both fits exact, or an error not a number).',
      'compare fits of noisy points (exponentAndCoefficient of a run\'s points): exact power laws carry no error to compare against.');
  }
  const verdict: InterventionVerdict = Math.abs(exponentShift.sigmas) > k ? 'changes the exponent'
    : Math.abs(logCoefficientShift.sigmas) > k ? 'exponent change not detected; coefficient moves' : 'no detectable effect';
  const rule = `"changes the exponent" when the exponents differ by more than ${k} combined standard errors; "exponent change not detected; coefficient moves" when they agree within ${k} and the log loss at the data's centre (x = ${fmt(reference)}) differs by more than ${k}; "no detectable effect" otherwise`;
  return { exponentShift, logCoefficientShift, reference, coefficientRatio: Math.exp(logCoefficientShift.value), verdict, k, rule };
}
