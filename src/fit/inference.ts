import { Rng } from '../util/random';
import { checkAborted, minimumResamples, type InferenceSettings } from './settings';
import { interval, normalQuantile } from '../util/stats';
import { psi } from './huber';
import { invertSymmetric } from './linalg';
import type { ParamEstimate } from './types';

/**
 * Uncertainty of a fit, the same for every fitter: the asymptotic covariance from the curvature of the
 * log-residual objective, mapped to reported units by the delta method; a bootstrap by run; and
 * intervals at one level (normal for standard errors, percentile for bootstrap draws).
 */

/** The scalar multiplying (J'J)^-1: s^2 for least squares, Huber's K^2 E[psi^2]/E[psi']^2 otherwise; null if undefined. */
export function huberCovFactor(sumPsi2: number, nInside: number, n: number, p: number, delta: number): number | null {
  if (delta === Infinity) return sumPsi2 / (n - p);
  const m = nInside / n;
  if (m === 0) return null;
  const kappa = 1 + (p / n) * (1 - m) / m; // Var(psi')/E[psi']^2 for a 0/1 psi'
  return kappa * kappa * (sumPsi2 / (n - p)) / (m * m);
}

/** A law's values f and Jacobian J = df/dtheta (n x p, row-major) at theta. */
export type ModelFn = (theta: Float64Array, f: Float64Array, J: Float64Array) => unknown;

/**
 * Curvature of a log-residual objective at theta (r_i = log y_i - log f_i): the inverse of J'J for
 * the log-model Jacobian, and the variance factor (residual variance for least squares, the
 * Huber sandwich factor otherwise).
 */
export function logResidualCurvature(model: ModelFn, theta: Float64Array, logy: Float64Array, p: number, delta: number):
  { inv: number[][] | null; factor: number | null; f: Float64Array } {
  const n = logy.length;
  const f = new Float64Array(n), J = new Float64Array(n * p);
  model(theta, f, J);
  const JtJ = new Float64Array(p * p);
  let sumPsi2 = 0, inside = 0;
  for (let i = 0; i < n; i++) {
    const r = logy[i] - Math.log(f[i]);
    const ps = psi(r, delta);
    sumPsi2 += ps * ps; if (Math.abs(r) <= delta) inside++;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) JtJ[a * p + b] += (J[i * p + a] / f[i]) * (J[i * p + b] / f[i]);
  }
  return { inv: invertSymmetric(JtJ, p), factor: huberCovFactor(sumPsi2, inside, n, p, delta), f };
}

/** Delta method: G (factor inv) G' with G = d reported / d theta (one row per reported parameter). */
export function deltaMethod(G: number[][], factor: number, inv: number[][]): number[][] {
  const p = inv.length;
  return G.map((ga) => G.map((gb) => {
    let s = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) s += ga[i] * factor * inv[i][j] * gb[j];
    return s;
  }));
}

/**
 * Covariance of the reported parameters at theta: the curvature mapped by `jacobian` (d reported /
 * d theta), or null with a warning saying why it is undefined. Also returns the law's values f at theta.
 */
export function reportedCovariance(model: ModelFn, theta: Float64Array, logy: Float64Array, p: number, delta: number, jacobian: () => number[][]):
  { matrix: number[][] | null; f: Float64Array; warning?: string } {
  const { inv, factor, f } = logResidualCurvature(model, theta, logy, p, delta);
  if (inv && factor !== null) return { matrix: deltaMethod(jacobian(), factor, inv), f };
  return {
    matrix: null, f,
    warning: factor === null
      ? `no point lies inside the Huber zone (|r| <= ${delta}), so asymptotic standard errors are undefined; use the bootstrap intervals.`
      : 'the curvature matrix is singular (some parameter is not determined by the data): standard errors are missing.',
  };
}

/** Standard error of reported parameter a from its covariance (rounding can make a zero variance slightly negative). */
export function standardError(matrix: number[][], a: number): number {
  return Math.sqrt(Math.max(matrix[a][a], 0));
}

/** z such that value +/- z stderr is the normal interval at `level` (1.96 at 0.95). */
export function normalZ(level: number): number {
  return normalQuantile(1 - (1 - level) / 2);
}

/** value +/- z stderr at `level`. */
export function normalInterval(value: number, stderr: number, level: number): [number, number] {
  const z = normalZ(level);
  return [value - z * stderr, value + z * stderr];
}

/** A reported parameter, its interval from the standard error (null when not estimated). */
export function estimate(name: string, value: number, stderr: number | null, level: number, more: { fixed: boolean; tiedTo?: string; bounds?: [number, number] }): ParamEstimate {
  return {
    name, value, stderr, ci: stderr === null ? null : normalInterval(value, stderr, level), fixed: more.fixed,
    ...(more.tiedTo !== undefined ? { tiedTo: more.tiedTo } : {}), ...(more.bounds ? { bounds: more.bounds } : {}),
  };
}

/** One refit of a bootstrap resample: the reported parameters (in `names` order) and whether it converged. */
export interface Refit { values: ArrayLike<number>; converged: boolean }

export interface BootstrapResult {
  samples: Record<string, number[]>;
  resamples: number;
  seed: number;
  /** Refits that did not meet their convergence test. */
  failed: number;
}

/**
 * Bootstrap by run: each resample draws n runs with replacement (as integer weights, so the design is
 * never copied) from the seeded generator and refits. `refit` must start from the full-data solution.
 */
export function bootstrapByRun(fn: string, n: number, names: string[], settings: InferenceSettings, refit: (weights: Float64Array) => Refit, report: (done: number) => void): BootstrapResult {
  const { resamples, seed } = settings;
  const samples: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, [] as number[]]));
  const rng = new Rng(seed);
  const w = new Float64Array(n);
  let failed = 0;
  for (let b = 0; b < resamples; b++) {
    checkAborted(settings.signal, fn, `bootstrap (resample ${b + 1} of ${resamples})`);
    w.fill(0);
    for (let i = 0; i < n; i++) w[rng.int(n)]++;
    const r = refit(w);
    if (!r.converged) failed++;
    names.forEach((k, j) => samples[k].push(r.values[j]));
    report(b + 1);
  }
  return { samples, resamples, seed, failed };
}

/**
 * Replaces each bootstrapped parameter's interval by the percentile interval of its draws, when there
 * are enough draws for one at `level`; returns the warnings, each with what to do.
 */
export function applyBootstrap(params: Record<string, ParamEstimate>, boot: BootstrapResult, level: number): string[] {
  const warnings: string[] = [];
  const need = minimumResamples(level);
  if (boot.resamples < need) {
    warnings.push(`${boot.resamples} bootstrap resample${boot.resamples > 1 ? 's are' : ' is'} too few for a ${levelText(level)} percentile interval (it needs at least ${need} to have a draw beyond each end, and 200 or more to be stable), so the intervals are the standard-error ones (value +/- ${normalZ(level).toFixed(2)} SE); the draws are kept in bootstrap.samples. To fix: pass bootstrap: 200 or more, or bootstrap: 0 for no bootstrap.`);
  } else {
    for (const [k, draws] of Object.entries(boot.samples)) params[k].ci = interval(draws, level);
  }
  if (boot.failed) {
    warnings.push(`${boot.failed} of ${boot.resamples} bootstrap refits did not meet the convergence test, so the intervals may be too wide. To fix: check that the full fit converged, fix or bound the parameters the data do not determine (see the condition number), or raise maxIter.`);
  }
  return warnings;
}

/** Interval label of reports, e.g. '95%'. */
export function levelText(level: number): string {
  return `${Number((100 * level).toPrecision(4))}%`;
}
