import { cholSolve } from './linalg';
import { irlsWeight, psi, rho } from './huber';
import { combineWeights, isPlainScoring, residualOf, sideOf, slopeOf, type PointScoring } from './objective';

/**
 * Levenberg-Marquardt on log-loss residuals r_i = log y_i - log f_i(theta), for least squares or a
 * summed Huber objective. Steps use the Gauss-Newton curvature of the objective (for Huber: the points
 * inside the quadratic zone) damped by the diagonal of the IRLS majoriser (weights psi(r)/r), so the
 * damping stays meaningful when few points are inside the zone. Box bounds by projection. No allocation
 * per iteration: buffers live in an LMWorkspace reused across starts.
 */
export interface LMProblem extends PointScoring {
  n: number;
  p: number;
  /** The observations in the residual space: log L (default), or L when `space` is 'loss'. */
  logy: Float64Array;
  /** Writes f (must be > 0) and J = df/dtheta (n x p, row-major); returns false if f is invalid. */
  model(theta: Float64Array, f: Float64Array, J: Float64Array): boolean;
  /** Model values only (cheaper, used for trial steps); defaults to model(). */
  value?(theta: Float64Array, f: Float64Array): boolean;
  /**
   * Optional fused kernels (generated per law): the objective at theta, and the objective with the
   * normal-equation pieces (M = IRLS majoriser, H = Gauss-Newton curvature, g = gradient). Both return
   * Infinity when the law is not positive and finite at some point. Used only for log residuals
   * without an over-estimate penalty (they take weights).
   */
  objective?(theta: Float64Array, w: Float64Array | null, delta: number): number;
  accumulate?(theta: Float64Array, w: Float64Array | null, delta: number, exact: boolean, M: Float64Array, H: Float64Array, g: Float64Array): number;
  lower?: Float64Array;
  upper?: Float64Array;
}

export interface LMOptions {
  /** Huber delta; Infinity for least squares. */
  delta: number;
  /** Bootstrap counts, multiplying the problem's own weights; null = all 1. */
  weights?: Float64Array | null;
  /** Iteration cap (default 200). A run that hits it is reported as not converged. */
  maxIter?: number;
  /**
   * Called after every accepted step; returning true stops the run with reason 'joined' (used by
   * multi-start to stop a run once it has entered the basin of a minimum already found).
   */
  joined?: (theta: Float64Array, objective: number) => boolean;
  /**
   * Largest change of each theta per step (the step is shrunk as a whole to respect it). Without it
   * a parameter the loss is insensitive to at the start (e.g. log E beside a huge A/N^alpha) can take
   * a step of thousands and never come back.
   */
  maxStep?: Float64Array;
}

export interface LMResult {
  objective: number;
  iterations: number;
  converged: boolean;
  /** Infinity norm of the projected gradient in the fitting parameterisation. */
  gradientNorm: number;
  reason: 'converged' | 'max-iterations' | 'stalled' | 'invalid-start' | 'joined';
}

/**
 * Convergence: the Gauss-Newton decrement g' M^-1 g / 2 is at most this fraction of the objective.
 * Scale-free, so averaging or summing the objective does not change when the solver stops (the
 * L-BFGS-B pitfall of an absolute gradient tolerance).
 */
const DECREMENT_RTOL = 1e-10;
/** When no step decreases the objective, a decrement this small (relative) still counts as converged. */
const STALLED_RTOL = 1e-8;
/** Absolute floor of the decrement test per unit weight: log residuals cannot be resolved below ~1e-14. */
const DECREMENT_FLOOR = 1e-28;
const MAX_DAMPING = 1e16;

export class LMWorkspace {
  f: Float64Array; J: Float64Array;
  M: Float64Array; H: Float64Array; A: Float64Array; g: Float64Array; step: Float64Array; trial: Float64Array; chol: Float64Array; pg: Float64Array;
  constructor(public n: number, public p: number) {
    this.f = new Float64Array(n); this.J = new Float64Array(n * p);
    this.M = new Float64Array(p * p); this.H = new Float64Array(p * p); this.A = new Float64Array(p * p); this.g = new Float64Array(p);
    this.step = new Float64Array(p); this.trial = new Float64Array(p); this.chol = new Float64Array(p * p); this.pg = new Float64Array(p);
  }
}

/** Objective value sum_i w_i s_i rho(r_i) (s_i: the over-estimate penalty); Infinity if any f is not positive and finite. */
export function objectiveOf(prob: PointScoring & { logy: Float64Array }, f: Float64Array, delta: number, w: Float64Array | null | undefined): number {
  let s = 0;
  const { logy, space, penalty } = prob;
  const n = logy.length;
  for (let i = 0; i < n; i++) {
    const fi = f[i];
    if (!(fi > 0) || fi === Infinity) return Infinity;
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    const r = residualOf(space, logy[i], fi);
    s += wi * sideOf(penalty, r) * rho(r, delta);
  }
  return s;
}

/** The objective at theta for weights w (the fused kernel when the problem has one), reusing the workspace's buffers. */
export function objectiveFunction(prob: LMProblem, ws: LMWorkspace): (theta: Float64Array, w: Float64Array | null, delta: number) => number {
  if (prob.objective && isPlainScoring(prob)) return prob.objective.bind(prob);
  if (prob.value) return (t, w, delta) => (prob.value!(t, ws.f) ? objectiveOf(prob, ws.f, delta, w) : Infinity);
  return (t, w, delta) => (prob.model(t, ws.f, ws.J) ? objectiveOf(prob, ws.f, delta, w) : Infinity);
}

/** Generic (non-fused) objective + normal equations from model() and J. */
function genericAccumulate(prob: LMProblem, ws: LMWorkspace, theta: Float64Array, w: Float64Array | null, delta: number, exact: boolean): number {
  const { n, p, logy, space, penalty } = prob;
  const { f, J, M, H, g } = ws;
  if (!prob.model(theta, f, J)) return Infinity;
  M.fill(0); g.fill(0); H.fill(0);
  let obj = 0;
  for (let i = 0; i < n; i++) {
    const fi = f[i];
    if (!(fi > 0) || fi === Infinity) return Infinity;
    const wi0 = w ? w[i] : 1;
    if (wi0 === 0) continue;
    const ri = residualOf(space, logy[i], fi);
    const wi = wi0 * sideOf(penalty, ri);
    obj += wi * rho(ri, delta);
    const inside = Math.abs(ri) <= delta;
    const u = wi * irlsWeight(ri, delta), ps = wi * psi(ri, delta), inv = slopeOf(space, fi);
    const row = i * p;
    for (let a = 0; a < p; a++) {
      const ja = J[row + a] * inv;
      g[a] -= ps * ja;
      const uja = u * ja;
      for (let b = 0; b <= a; b++) M[a * p + b] += uja * J[row + b] * inv;
    }
    if (exact && inside) {
      for (let a = 0; a < p; a++) {
        const wja = wi * J[row + a] * inv;
        for (let b = 0; b <= a; b++) H[a * p + b] += wja * J[row + b] * inv;
      }
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) { M[b * p + a] = M[a * p + b]; H[b * p + a] = H[a * p + b]; }
  return obj;
}

/** Minimises from theta (updated in place). */
export function lmSolve(prob: LMProblem, theta: Float64Array, opts: LMOptions, ws: LMWorkspace): LMResult {
  const { n, p } = prob;
  const delta = opts.delta, w = combineWeights(prob.weights, opts.weights);
  const maxIter = opts.maxIter ?? 200;
  const { M, H, A, g, step, trial, chol, pg } = ws;
  // Huber steps use the curvature of the points inside the zone; for least squares M is the curvature.
  const exact = delta !== Infinity;
  const lo = prob.lower, hi = prob.upper;
  const accumulate = prob.accumulate && isPlainScoring(prob)
    ? (t: Float64Array) => prob.accumulate!(t, w, delta, exact, M, H, g)
    : (t: Float64Array) => genericAccumulate(prob, ws, t, w, delta, exact);
  const objective = objectiveFunction(prob, ws);
  const objectiveAt = (t: Float64Array) => objective(t, w, delta);
  const C = exact ? H : M; // curvature of the step; M's diagonal scales the damping
  project(theta, lo, hi, p);
  let obj = accumulate(theta);
  if (!Number.isFinite(obj)) return { objective: Infinity, iterations: 0, converged: false, gradientNorm: NaN, reason: 'invalid-start' };
  let sumW = n;
  if (w) { sumW = 0; for (let i = 0; i < n; i++) sumW += w[i]; }
  const floor = DECREMENT_FLOOR * sumW;
  let lambda = 1e-3;
  let gnorm = NaN;
  for (let iter = 0; iter < maxIter; iter++) {
    // Projected gradient: components pushing against an active bound do not count.
    gnorm = 0;
    for (let a = 0; a < p; a++) {
      const atLo = lo && theta[a] <= lo[a] && g[a] > 0, atHi = hi && theta[a] >= hi[a] && g[a] < 0;
      pg[a] = atLo || atHi ? 0 : g[a];
      gnorm = Math.max(gnorm, Math.abs(pg[a]));
    }
    // Convergence test on the Gauss-Newton decrement (relative to the objective).
    const dec = decrement(M, pg, p, A, step, chol);
    if (dec <= DECREMENT_RTOL * obj + floor) {
      return { objective: obj, iterations: iter, converged: true, gradientNorm: gnorm, reason: 'converged' };
    }
    let accepted = false;
    let objT = Infinity;
    for (let tries = 0; tries < 40; tries++) {
      for (let a = 0; a < p; a++) {
        for (let b = 0; b < p; b++) A[a * p + b] = C[a * p + b];
        A[a * p + a] += lambda * Math.max(M[a * p + a], 1e-12 * (1 + Math.abs(M[a * p + a])));
        step[a] = -g[a];
      }
      if (!cholSolve(A, step, p, step, chol)) { lambda *= 10; if (lambda > MAX_DAMPING) break; continue; }
      if (opts.maxStep) {
        let shrink = 1;
        for (let a = 0; a < p; a++) { const q = Math.abs(step[a]) / opts.maxStep[a]; if (q > shrink) shrink = q; }
        if (shrink > 1) for (let a = 0; a < p; a++) step[a] /= shrink;
      }
      for (let a = 0; a < p; a++) trial[a] = theta[a] + step[a];
      project(trial, lo, hi, p);
      objT = objectiveAt(trial);
      if (objT < obj) {
        theta.set(trial);
        lambda = Math.max(lambda / 5, 1e-12);
        accepted = true;
        break;
      }
      lambda *= 8;
      if (lambda > MAX_DAMPING) break;
    }
    if (!accepted) {
      // No step decreases the objective even with heavy damping: stationary up to rounding, or stuck.
      const ok = dec <= STALLED_RTOL * obj + floor;
      return { objective: obj, iterations: iter + 1, converged: ok, gradientNorm: gnorm, reason: ok ? 'converged' : 'stalled' };
    }
    if (opts.joined && opts.joined(theta, objT)) return { objective: objT, iterations: iter + 1, converged: false, gradientNorm: gnorm, reason: 'joined' };
    obj = accumulate(theta);
    if (!Number.isFinite(obj)) return { objective: Infinity, iterations: iter + 1, converged: false, gradientNorm: NaN, reason: 'stalled' };
  }
  return { objective: obj, iterations: maxIter, converged: false, gradientNorm: gnorm, reason: 'max-iterations' };
}

/** g' M^-1 g / 2 with a small ridge (M may be singular in directions the data do not determine). */
function decrement(M: Float64Array, g: Float64Array, p: number, A: Float64Array, x: Float64Array, chol: Float64Array): number {
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) A[a * p + b] = M[a * p + b];
    A[a * p + a] += 1e-10 * M[a * p + a] + 1e-300;
  }
  if (!cholSolve(A, g, p, x, chol)) return Infinity;
  let s = 0;
  for (let a = 0; a < p; a++) s += g[a] * x[a];
  return 0.5 * s;
}

function project(t: Float64Array, lo: Float64Array | undefined, hi: Float64Array | undefined, p: number): void {
  if (lo) for (let a = 0; a < p; a++) if (t[a] < lo[a]) t[a] = lo[a];
  if (hi) for (let a = 0; a < p; a++) if (t[a] > hi[a]) t[a] = hi[a];
}
