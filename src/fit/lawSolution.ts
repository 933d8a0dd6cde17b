import { progressReporter, type ProgressCallback } from '../progress';
import { fmt } from '../util/format';
import { hasOwn, ownValue } from '../util/own';
import type { Design } from './design';
import { applyBootstrap, bootstrapByRun, estimate, reportedCovariance, standardError, type ModelFn, type ScoredData } from './inference';
import { naturalJacobian, naturalValues, reportedParams, type ResolvedParams } from './params';
import type { FitSolution } from './report';
import type { InferenceSettings } from './settings';
import type { Point } from './verify';
import type { ConvergenceCheck, ParamEstimate } from './types';

/**
 * The inference of a fitLaw solution, whichever solver found it (an expression law's own LM, or
 * ml-levenberg-marquardt for a law given as a function): the parameters in natural units, their
 * standard errors (curvature, delta method, ties included) and the bootstrap by run or group.
 */

/** The verified point and what the inference needs about the problem. */
export interface LawInference {
  /** The law and its Jacobian in theta, and the observations with their scoring. */
  model: ModelFn;
  data: ScoredData;
  rp: ResolvedParams;
  design: Design;
  best: Point & { check: ConvergenceCheck };
  delta: number;
  settings: InferenceSettings;
  onProgress?: ProgressCallback;
}

/** A bootstrap refit from the verified point with the resample's counts: its end point (theta) and whether it converged. */
export type LawRefit = (counts: Float64Array) => { theta: Float64Array; converged: boolean };

export function lawSolution(fn: string, s: LawInference, refit: LawRefit): FitSolution {
  const { rp, design, best, settings } = s;
  const th = best.theta;
  const warnings: string[] = [];
  const values = naturalValues(rp, th);
  const cov = reportedCovariance(s.model, th, s.data, rp.free.length, s.delta, () => naturalJacobian(rp, th, values));
  if (cov.warning) warnings.push(cov.warning);
  const atBound = rp.free.map((_, j) => th[j] <= rp.lower[j] || th[j] >= rp.upper[j]);
  rp.free.forEach((k, j) => { if (atBound[j]) warnings.push(`${k} is at a bound (${fmt(values[k])}); its standard error is not estimated.`); });
  const reported = reportedParams(rp);
  const params: Record<string, ParamEstimate> = {};
  for (const k of rp.all) {
    const a = reported.indexOf(k), j = rp.free.indexOf(k), fixed = hasOwn(rp.fixed, k);
    const se = !fixed && cov.matrix && a >= 0 && !(j >= 0 && atBound[j]) ? standardError(cov.matrix, a) : null;
    params[k] = estimate(k, values[k], se, settings.level, { fixed, tiedTo: hasOwn(rp.tied, k) ? rp.tied[k].text : undefined, bounds: ownValue(rp.bounds, k) });
  }
  let bootstrap;
  if (settings.resamples > 0) {
    bootstrap = bootstrapByRun(fn, design.n, reported, settings, (counts) => {
      const r = refit(counts);
      const natural = naturalValues(rp, r.theta);
      return { values: reported.map((k) => natural[k]), converged: r.converged };
    }, progressReporter('bootstrap', settings.resamples, s.onProgress), design.groups);
    warnings.push(...applyBootstrap(params, bootstrap, settings.level));
  }
  return {
    params, objective: best.res.objective, converged: best.res.converged && best.check.passed, convergence: best.check, iterations: best.res.iterations, gradientNorm: best.res.gradientNorm,
    logf: Float64Array.from(cov.f, Math.log), kFree: rp.free.length, bootstrap, covariance: cov.matrix ? { names: reported, matrix: cov.matrix } : null, warnings,
  };
}
