import { Rng } from '../util/random';
import { checkAborted, minimumResamples, type InferenceSettings } from './settings';
import { interval, normalQuantile } from '../util/stats';
import { psi } from './huber';
import { residualOf, sideOf, slopeOf, type PointScoring } from './objective';
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

/** The observations and point scoring a covariance is computed for (an LMProblem is one). */
export type ScoredData = PointScoring & { logy: Float64Array };

/**
 * Curvature of the objective at theta, as `inv` times `factor` (docs/derivations.md#standard-errors),
 * with J the Jacobian of the law in the residual space (J/f on log L):
 * - least squares: (J'WJ)^-1 times s^2 = sum w s r^2 / (n - p) (scipy's curve_fit with sigma = 1/sqrt(w));
 * - Huber, unweighted and symmetric: (J'J)^-1 times Huber's K^2 factor;
 * - Huber with weights or a penalty: the sandwich A^-1 B A^-1, A = sum c psi' J J', B = sum c^2 psi^2 J J'
 *   (c = w s, s the over-estimate penalty where r < 0), times n / (n - p).
 */
export function logResidualCurvature(model: ModelFn, theta: Float64Array, data: ScoredData, p: number, delta: number):
  { inv: number[][] | null; factor: number | null; f: Float64Array } {
  const { logy, space, penalty, weights } = data;
  const n = logy.length;
  const f = new Float64Array(n), J = new Float64Array(n * p);
  model(theta, f, J);
  const A = new Float64Array(p * p), B = new Float64Array(p * p);
  let sumPsi2 = 0, inside = 0;
  for (let i = 0; i < n; i++) {
    const r = residualOf(space, logy[i], f[i]), slope = slopeOf(space, f[i]);
    const c = (weights ? weights[i] : 1) * sideOf(penalty, r), ps = psi(r, delta), dpsi = Math.abs(r) <= delta ? 1 : 0;
    sumPsi2 += c * ps * ps; inside += dpsi;
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) {
        const jj = J[i * p + a] * slope * J[i * p + b] * slope;
        A[a * p + b] += (delta === Infinity ? c : c * dpsi) * jj;
        B[a * p + b] += c * c * ps * ps * jj;
      }
    }
  }
  if (delta === Infinity) return { inv: invertSymmetric(A, p), factor: sumPsi2 / (n - p), f };
  if (!weights && (penalty ?? 1) === 1) return { inv: invertSymmetric(unitCurvature(J, f, space, n, p), p), factor: huberCovFactor(sumPsi2, inside, n, p, delta), f };
  const Ainv = invertSymmetric(A, p);
  return { inv: Ainv && sandwich(Ainv, B, p), factor: Ainv ? n / (n - p) : null, f };
}

/** J'J of the law in the residual space (every point, weight 1): Huber's K^2 formula multiplies its inverse. */
function unitCurvature(J: Float64Array, f: Float64Array, space: PointScoring['space'], n: number, p: number): Float64Array {
  const out = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    const slope = slopeOf(space, f[i]);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) out[a * p + b] += J[i * p + a] * slope * J[i * p + b] * slope;
  }
  return out;
}

/** A^-1 B A^-1. */
function sandwich(Ainv: number[][], B: Float64Array, p: number): number[][] {
  const BA = Ainv.map((_, a) => Ainv.map((__, b) => { let s = 0; for (let k = 0; k < p; k++) s += B[a * p + k] * Ainv[k][b]; return s; }));
  return Ainv.map((row) => BA[0].map((__, b) => { let s = 0; for (let k = 0; k < p; k++) s += row[k] * BA[k][b]; return s; }));
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
export function reportedCovariance(model: ModelFn, theta: Float64Array, data: ScoredData, p: number, delta: number, jacobian: () => number[][]):
  { matrix: number[][] | null; f: Float64Array; warning?: string } {
  const { inv, factor, f } = logResidualCurvature(model, theta, data, p, delta);
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
  /** The groups resampled, when rows were resampled by group. */
  groups?: { column: string; count: number };
}

/** Rows that are resampled together (checkpoints of one run): each used row's group, 0..count-1. */
export interface Groups { index: Int32Array; count: number; column: string }

/**
 * Bootstrap by run: each resample draws n runs with replacement (as integer weights, so the design is
 * never copied) from the seeded generator and refits; with groups, it draws `count` groups and every
 * row of a drawn group counts once per draw. `refit` must start from the full-data solution.
 */
export function bootstrapByRun(fn: string, n: number, names: string[], settings: InferenceSettings, refit: (weights: Float64Array) => Refit, report: (done: number) => void, groups: Groups | null = null): BootstrapResult {
  const { resamples, seed } = settings;
  const samples: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, [] as number[]]));
  const rng = new Rng(seed);
  const w = new Float64Array(n);
  const drawn = new Float64Array(groups ? groups.count : 0);
  let failed = 0;
  for (let b = 0; b < resamples; b++) {
    checkAborted(settings.signal, fn, `bootstrap (resample ${b + 1} of ${resamples})`);
    w.fill(0);
    if (groups) {
      drawn.fill(0);
      for (let g = 0; g < groups.count; g++) drawn[rng.int(groups.count)]++;
      for (let i = 0; i < n; i++) w[i] = drawn[groups.index[i]];
    } else {
      for (let i = 0; i < n; i++) w[rng.int(n)]++;
    }
    const r = refit(w);
    if (!r.converged) failed++;
    names.forEach((k, j) => samples[k].push(r.values[j]));
    report(b + 1);
  }
  return { samples, resamples, seed, failed, ...(groups ? { groups: { column: groups.column, count: groups.count } } : {}) };
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
