import { irlsWeight, psi } from './huber';
import { residualOf, sideOf, slopeOf } from './objective';
import { symmetricEigen } from './linalg';
import { lmSolve, type LMProblem, type LMResult, type LMWorkspace } from './lm';
import type { ConvergenceCheck } from './types';

export type { ConvergenceCheck };

/**
 * Verified convergence. The local solver stops when its Gauss-Newton decrement is small, a test that
 * ill-conditioned valleys fool: along a flat direction the damped steps are tiny and the decrement
 * underestimates what is left, and on a plateau (a parameter that no longer changes the law, such as
 * a saturation scale far below the data) every gradient is zero. So a run that says it converged is
 * checked at its end point: the scaled gradient (MINPACK's gtol test: the cosine between the residuals
 * and each Jacobian column), the condition number of the curvature, and restarts from the point that
 * must not improve it: the solver again from the point, an undamped Newton step along the curvature's
 * eigenvectors, and for each poorly determined parameter, probes at other values (its data-scale start
 * values and a step either side).
 * A restart that improves the objective and converges becomes the new point, checked again.
 */

/** The scaled gradient must be at most this (MINPACK's gtol). */
export const SCALED_GRADIENT_TOL = 1e-4;
/** A restart that lowers the objective by more than this fraction of it shows the point is not the minimum. */
export const RESTART_RTOL = 1e-8;
/** Parameters whose variance inflation (scaled curvature) exceeds this are poorly determined and probed. */
const POORLY_DETERMINED = 1e4;
/** Eigenvalues below this fraction of the largest count as zero (the curvature is singular there). */
const EIGEN_RCOND = 1e-15;
/** Log residuals below this (per point) count as an exact fit for the scaled gradient. */
const RESIDUAL_FLOOR = 1e-10;
/** Rounds of adopting an improving restart before the check gives up. */
const MAX_ROUNDS = 4;

export interface VerifyOptions {
  delta: number;
  maxIter: number;
  maxStep?: Float64Array;
  workspace: LMWorkspace;
  /**
   * Other values (in theta) to restart parameter j from when it is poorly determined, besides one step
   * either side: e.g. its data-scale start values.
   */
  probes?: (j: number) => number[];
  /** Size of the step either side per parameter, in theta (default 1: a factor e for a log-parameter). */
  probeStep?: (j: number, value: number) => number;
  /** Move to an improving restart and check again (default true); false: any improvement fails the check. */
  polish?: boolean;
}

/** Curvature facts at a point: scaled gradient, condition number, variance inflation, and the Newton step. */
interface Curvature { scaledGradient: number; conditionNumber: number; inflation: Float64Array; newton: Float64Array | null }

/** A point with the solver's result there. */
export interface Point { theta: Float64Array; res: LMResult }

/** A checked point, and the lowest point a failed check found (a restart that improved without converging). */
interface Verified extends Point { check: ConvergenceCheck; escape?: Point }

/**
 * Checks the end point of a converged run (theta, res) and returns the verified point: theta itself,
 * or a better one a restart found. `theta` is not modified.
 */
export function verifyMinimum(prob: LMProblem, theta: Float64Array, res: LMResult, o: VerifyOptions): Verified {
  let point = Float64Array.from(theta), result = res;
  const first = res.objective;
  let restarts = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const c = curvature(prob, point, o.delta, o.maxStep);
    const trials = restartPoints(prob, point, c, o);
    restarts += trials.length;
    const better = bestRestart(prob, trials, result.objective, o);
    const check = (passed: boolean, improvement: number, failure?: string): ConvergenceCheck => ({
      scaledGradient: c.scaledGradient, restartImprovement: improvement, restarts, conditionNumber: c.conditionNumber,
      improvedBy: relativeDecrease(first, result.objective), passed, ...(failure ? { failure } : {}),
    });
    if (!better) {
      const ok = c.scaledGradient <= SCALED_GRADIENT_TOL;
      return { theta: point, res: result, check: check(ok, 0, ok ? undefined : `the scaled gradient ${c.scaledGradient.toExponential(2)} is above ${SCALED_GRADIENT_TOL}`) };
    }
    const gain = relativeDecrease(result.objective, better.res.objective);
    if (o.polish === false) return { theta: point, res: result, escape: better, check: check(false, gain, `a restart from the reported point lowered the objective by ${gain.toExponential(2)} (relative)`) };
    if (!better.res.converged) {
      return { theta: point, res: result, escape: better, check: check(false, gain, `a restart from the solver's end point lowered the objective by ${gain.toExponential(2)} (relative) without converging (${better.res.reason})`) };
    }
    point = better.theta; result = better.res;
  }
  const c = curvature(prob, point, o.delta, o.maxStep);
  return {
    theta: point, res: result,
    check: { scaledGradient: c.scaledGradient, restartImprovement: NaN, restarts, conditionNumber: c.conditionNumber, improvedBy: relativeDecrease(first, result.objective), passed: false, failure: `restarts kept improving the objective after ${MAX_ROUNDS} rounds` },
  };
}

/**
 * The checked result of a multi-start: the best converged run verified as above (a lower run that did
 * not converge fails the check, but the verified point is still the one reported); when the check finds
 * the run was not a minimum, or no run converged, the lowest point found is reported, not converged,
 * with the scaled gradient and condition number there.
 */
export function checkRun(prob: LMProblem, best: Point, lower: (Point & { start: number }) | null, o: VerifyOptions): Verified {
  const below = (p: Point | null | undefined, than: number): p is Point => !!p && p.res.objective < than * (1 - RESTART_RTOL);
  if (best.res.converged) {
    const v = verifyMinimum(prob, best.theta, best.res, o);
    if (v.check.passed) {
      if (!below(lower, v.res.objective)) return v;
      v.check.passed = false;
      v.check.failure = `start #${lower!.start} reached a lower objective (by ${relativeDecrease(v.res.objective, lower!.res.objective).toExponential(2)}, relative) without converging (${lower!.res.reason} after ${lower!.res.iterations} iterations)`;
      return v;
    }
    const escape = [v.escape, lower].filter((p): p is Point => below(p, v.res.objective)).sort((a, b) => a.res.objective - b.res.objective)[0];
    return escape ? unconverged(prob, escape, o, `${v.check.failure}; the lowest point found is reported`, v.check) : v;
  }
  return unconverged(prob, best, o, `the solver stopped without converging (${best.res.reason} after ${best.res.iterations} iterations)`);
}

/** A point reported without a verified minimum: the curvature facts there, failed with the reason (and the restarts that showed it). */
function unconverged(prob: LMProblem, p: Point, o: VerifyOptions, failure: string, restarts?: ConvergenceCheck): Verified {
  const c = curvature(prob, p.theta, o.delta, o.maxStep);
  return {
    theta: p.theta, res: { ...p.res, converged: false },
    check: {
      scaledGradient: c.scaledGradient, restartImprovement: restarts?.restartImprovement ?? 0, restarts: restarts?.restarts ?? 0,
      conditionNumber: c.conditionNumber, improvedBy: 0, passed: false, failure,
    },
  };
}

function relativeDecrease(from: number, to: number): number {
  return from > 0 ? Math.max(0, (from - to) / from) : 0;
}

/** The lowest restart that beats `objective` by more than RESTART_RTOL, or null. */
function bestRestart(prob: LMProblem, trials: Float64Array[], objective: number, o: VerifyOptions): { theta: Float64Array; res: LMResult } | null {
  let best: { theta: Float64Array; res: LMResult } | null = null;
  for (const t of trials) {
    const th = Float64Array.from(t);
    const r = lmSolve(prob, th, { delta: o.delta, maxIter: o.maxIter, maxStep: o.maxStep }, o.workspace);
    if (!(r.objective < objective * (1 - RESTART_RTOL))) continue;
    // Prefer a converged restart; among equals, the lower objective.
    if (!best || (r.converged && !best.res.converged) || (r.converged === best.res.converged && r.objective < best.res.objective)) best = { theta: th, res: r };
  }
  return best;
}

/** The Newton step (when it moves) and, for each poorly determined parameter, its probes; all inside the bounds. */
function restartPoints(prob: LMProblem, theta: Float64Array, c: Curvature, o: VerifyOptions): Float64Array[] {
  const p = theta.length;
  const out: Float64Array[] = [];
  const add = (t: Float64Array) => {
    for (let j = 0; j < p; j++) t[j] = Math.min(Math.max(t[j], prob.lower?.[j] ?? -Infinity), prob.upper?.[j] ?? Infinity);
    if (t.some((v, j) => v !== theta[j]) && t.every(Number.isFinite)) out.push(t);
  };
  // The solver again from the point itself (fresh damping), then the Newton step, whole and cut short.
  out.push(Float64Array.from(theta));
  if (c.newton) for (const t of [1, 1 / 8]) add(Float64Array.from(theta, (v, j) => v + t * c.newton![j]));
  for (let j = 0; j < p; j++) {
    if (!(c.inflation[j] <= POORLY_DETERMINED)) {
      const step = o.probeStep ? o.probeStep(j, theta[j]) : 1;
      for (const v of [theta[j] - step, theta[j] + step, ...(o.probes?.(j) ?? [])]) {
        const t = Float64Array.from(theta);
        t[j] = v;
        add(t);
      }
    }
  }
  return out;
}

/**
 * The scaled gradient, the curvature's condition number and variance inflation (both with parameters
 * scaled to unit diagonal), and the undamped Newton step on the curvature's range, capped by maxStep.
 */
function curvature(prob: LMProblem, theta: Float64Array, delta: number, maxStep?: Float64Array): Curvature {
  const { n, p, logy, space, penalty, weights } = prob;
  const f = new Float64Array(n), J = new Float64Array(n * p);
  const infinite = { scaledGradient: Infinity, conditionNumber: Infinity, inflation: new Float64Array(p).fill(Infinity), newton: null };
  if (!prob.model(theta, f, J)) return infinite;
  const M = new Float64Array(p * p), g = new Float64Array(p), colNorm = new Float64Array(p);
  let psiNorm = 0;
  for (let i = 0; i < n; i++) {
    const r = residualOf(space, logy[i], f[i]);
    // The gradient's residual vector is sqrt(w s) psi, its Jacobian sqrt(w s) J: the cosine of MINPACK's gtol.
    const ws = (weights ? weights[i] : 1) * sideOf(penalty, r), ps = psi(r, delta), u = ws * irlsWeight(r, delta), slope = slopeOf(space, f[i]);
    psiNorm += ws * ps * ps;
    for (let a = 0; a < p; a++) {
      const ja = J[i * p + a] * slope;
      g[a] -= ws * ps * ja;
      colNorm[a] += ws * ja * ja;
      for (let b = 0; b <= a; b++) M[a * p + b] += u * ja * J[i * p + b] * slope;
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) M[b * p + a] = M[a * p + b];
  // Parameters held at a bound by their gradient take no part (their gradient is the bound's reaction).
  const free = Array.from({ length: p }, (_, a) => a).filter((a) => !((prob.lower && theta[a] <= prob.lower[a] && g[a] > 0) || (prob.upper && theta[a] >= prob.upper[a] && g[a] < 0)));
  // An exact fit has residuals at rounding level, whose direction means nothing: measure against a floor.
  const residualNorm2 = Math.max(psiNorm, n * RESIDUAL_FLOOR * RESIDUAL_FLOOR);
  let scaledGradient = 0;
  for (const a of free) if (colNorm[a] > 0) scaledGradient = Math.max(scaledGradient, Math.abs(g[a]) / Math.sqrt(colNorm[a] * residualNorm2));
  if (!Number.isFinite(scaledGradient)) return infinite;
  const { conditionNumber, inflation, newton } = scaledEigen(M, g, p, free, maxStep);
  return { scaledGradient, conditionNumber, inflation, newton };
}

/** Condition number, variance inflation and pseudo-inverse Newton step of M restricted to `free`, scaled to unit diagonal. */
function scaledEigen(M: Float64Array, g: Float64Array, p: number, free: number[], maxStep?: Float64Array):
  { conditionNumber: number; inflation: Float64Array; newton: Float64Array | null } {
  const inflation = new Float64Array(p).fill(Infinity);
  const q = free.length;
  if (q === 0) return { conditionNumber: 1, inflation: new Float64Array(p), newton: null };
  const d = free.map((a) => (M[a * p + a] > 0 ? 1 / Math.sqrt(M[a * p + a]) : 0));
  const S = new Float64Array(q * q);
  free.forEach((a, x) => free.forEach((b, y) => { S[x * q + y] = M[a * p + b] * d[x] * d[y]; }));
  const { values, vectors } = symmetricEigen(S, q);
  const top = values[q - 1];
  const conditionNumber = values[0] > EIGEN_RCOND * top && top > 0 ? top / values[0] : Infinity;
  const step = new Float64Array(p);
  free.forEach((a, x) => {
    if (d[x] === 0) return;
    let vif = 0;
    for (let k = 0; k < q; k++) {
      const v = vectors[x * q + k];
      vif += values[k] > EIGEN_RCOND * top ? (v * v) / values[k] : v * v > 1e-20 ? Infinity : 0;
    }
    inflation[a] = vif;
  });
  // Newton step -S^+ (D g), mapped back by D.
  for (let k = 0; k < q; k++) {
    if (!(values[k] > EIGEN_RCOND * top)) continue;
    let proj = 0;
    for (let x = 0; x < q; x++) proj += vectors[x * q + k] * d[x] * g[free[x]];
    for (let x = 0; x < q; x++) step[free[x]] -= (vectors[x * q + k] * proj / values[k]) * d[x];
  }
  let shrink = 1;
  if (maxStep) for (let a = 0; a < p; a++) shrink = Math.max(shrink, Math.abs(step[a]) / maxStep[a]);
  for (let a = 0; a < p; a++) step[a] /= shrink;
  return { conditionNumber, inflation, newton: step.every(Number.isFinite) && step.some((s) => s !== 0) ? step : null };
}
