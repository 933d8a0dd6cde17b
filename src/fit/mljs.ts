import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { irlsWeight, psi } from './huber';
import { objectiveOf, type LMProblem, type LMResult } from './lm';
import { combineWeights, residualOf, sideOf, slopeOf } from './objective';

/**
 * ml-levenberg-marquardt (mljs) as the solver of laws given as JavaScript functions
 * (docs/methods.md#laws-as-javascript-functions). mljs minimises sum (y_i - g_i(theta))^2 with a
 * finite-difference Jacobian and clamps each step to minValues/maxValues. Everything else is built
 * around it here:
 * - weights: mljs's own `weights` option scales its error and its step differently (1/w^2 in the step,
 *   w^2 in the error), so instead each residual and its Jacobian row are scaled by sqrt(c_i) in g itself
 *   (the usual reduction of weighted least squares);
 * - Huber and the over-estimate penalty: iteratively reweighted least squares, c_i = w_i s_i psi(r_i)/r_i
 *   recomputed between rounds of a few mljs iterations;
 * - a stopping rule: mljs stops only at an absolute error tolerance, so rounds stop when one no longer
 *   lowers the true objective.
 * Its end point then goes through the same convergence check as every fit (verify.ts).
 */

/** mljs iterations per IRLS round. */
const ROUND_ITERATIONS = 4;
/** A round that lowers the objective by less than this fraction, and moves theta by less than STEP_RTOL, ends the run. */
const OBJECTIVE_RTOL = 1e-12;
const STEP_RTOL = 1e-8;
/** Central-difference step: this times max(1, |theta_j|) (about the cube root of the machine epsilon). */
export const DIFFERENCE_STEP = 6e-6;
/** mljs's starting damping (its default). */
const DAMPING = 1e-2;

/** The solver that ran, for the summary. */
export const MLJS_SOLVER = 'ml-levenberg-marquardt 4.1.3 (central-difference Jacobian; Huber and the over-estimate penalty by iteratively reweighted least squares)';

/**
 * Minimises the problem's objective from theta (updated in place) with mljs in rounds of IRLS.
 * `counts` are bootstrap counts (multiplying the problem's weights). Needs `prob.value`.
 */
export function mljsSolve(prob: LMProblem, theta: Float64Array, o: { delta: number; maxIter: number; counts?: Float64Array | null }): LMResult {
  const { n, p, logy: y } = prob;
  const w = combineWeights(prob.weights, o.counts);
  const f = new Float64Array(n), scale = new Float64Array(n);
  const objectiveAt = (t: ArrayLike<number>) => (prob.value!(Float64Array.from(t), f) ? objectiveOf(prob, f, o.delta, w) : Infinity);
  let obj = objectiveAt(theta);
  if (!Number.isFinite(obj)) return { objective: Infinity, iterations: 0, converged: false, gradientNorm: NaN, reason: 'invalid-start' };
  const x = Array.from({ length: n }, (_, i) => i);
  const target = new Float64Array(n);
  let iterations = 0;
  let reason: LMResult['reason'] = 'max-iterations';
  while (iterations < o.maxIter) {
    // IRLS: the least-squares weights c_i of the objective's quadratic majoriser at theta.
    prob.value!(theta, f);
    for (let i = 0; i < n; i++) {
      const r = residualOf(prob.space, y[i], f[i]);
      scale[i] = Math.sqrt((w ? w[i] : 1) * sideOf(prob.penalty, r) * irlsWeight(r, o.delta));
      target[i] = scale[i] * y[i];
    }
    // mljs holds two evaluations at once (central differences): each gets its own array.
    const law = (params: number[]) => {
      const g = new Float64Array(n);
      const ok = prob.value!(Float64Array.from(params), g);
      return (i: number) => (ok && g[i] > 0 ? scale[i] * (prob.space === 'loss' ? g[i] : Math.log(g[i])) : NaN);
    };
    const rounds = Math.min(ROUND_ITERATIONS, o.maxIter - iterations);
    let next: number[];
    try {
      next = levenbergMarquardt({ x, y: target }, law, {
        initialValues: Array.from(theta), minValues: Array.from(prob.lower ?? new Float64Array(p).fill(-Infinity)), maxValues: Array.from(prob.upper ?? new Float64Array(p).fill(Infinity)),
        gradientDifference: Array.from(theta, (v) => DIFFERENCE_STEP * Math.max(1, Math.abs(v))), centralDifference: true,
        damping: DAMPING, maxIterations: rounds, errorTolerance: 0,
      }).parameterValues;
    } catch {
      reason = 'stalled'; // a singular step matrix: mljs cannot go on from here
      break;
    }
    iterations += rounds;
    const objNext = objectiveAt(next);
    if (!(objNext < obj)) { reason = 'converged'; break; }
    const step = Math.max(...next.map((v, j) => Math.abs(v - theta[j]) / Math.max(1, Math.abs(theta[j]))));
    const gain = (obj - objNext) / obj;
    theta.set(next);
    obj = objNext;
    if (gain <= OBJECTIVE_RTOL && step <= STEP_RTOL) { reason = 'converged'; break; }
  }
  return { objective: obj, iterations, converged: reason === 'converged', gradientNorm: gradientNorm(prob, theta, o.delta, w), reason };
}

/** Infinity norm of the objective's gradient at theta (finite-difference Jacobian of `prob.model`). */
function gradientNorm(prob: LMProblem, theta: Float64Array, delta: number, w: Float64Array | null): number {
  const { n, p, logy: y } = prob;
  const f = new Float64Array(n), J = new Float64Array(n * p), g = new Float64Array(p);
  if (!prob.model(theta, f, J)) return NaN;
  for (let i = 0; i < n; i++) {
    const r = residualOf(prob.space, y[i], f[i]);
    const c = (w ? w[i] : 1) * sideOf(prob.penalty, r) * psi(r, delta) * slopeOf(prob.space, f[i]);
    for (let a = 0; a < p; a++) g[a] -= c * J[i * p + a];
  }
  return Math.max(...Array.from(g, Math.abs));
}
