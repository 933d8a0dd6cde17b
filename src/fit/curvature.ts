import { psi } from './huber';
import { invertSymmetric } from './linalg';

/** The scalar multiplying (J'J)^-1: s^2 for least squares, Huber's K^2 E[psi^2]/E[psi']^2 otherwise; null if undefined. */
export function huberCovFactor(sumPsi2: number, nInside: number, n: number, p: number, delta: number): number | null {
  if (delta === Infinity) return sumPsi2 / (n - p);
  const m = nInside / n;
  if (m === 0) return null;
  const kappa = 1 + (p / n) * (1 - m) / m; // Var(psi')/E[psi']^2 for a 0/1 psi'
  return kappa * kappa * (sumPsi2 / (n - p)) / (m * m);
}

/**
 * Curvature of a log-residual objective at theta (r_i = log y_i - log f_i): the inverse of J'J for
 * the log-model Jacobian, and the variance factor (residual variance for least squares, the
 * Huber sandwich factor otherwise). Shared by fitUniversal and fitLaw for their standard errors.
 */
export function logResidualCurvature(
  model: (theta: Float64Array, f: Float64Array, J: Float64Array) => unknown,
  theta: Float64Array, logy: Float64Array, p: number, delta: number,
): { inv: ReturnType<typeof invertSymmetric>; factor: number | null; f: Float64Array } {
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
