/**
 * The robust loss of one residual r (log L - log f, or L - f: objective.ts), summed over points:
 *   'lsq':          rho(r) = r^2 / 2                        (scipy.optimize.least_squares' cost)
 *   { huber: d }:   rho(r) = r^2 / 2 if |r| <= d, else d (|r| - d/2)   (scipy.special.huber(d, r))
 * Summing (not averaging) matters: see test/unit/fit-epoch.test.ts for the early-stopping pitfall.
 */
export function rho(r: number, delta: number): number {
  const a = Math.abs(r);
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

/** rho'(r). */
export function psi(r: number, delta: number): number {
  return r > delta ? delta : r < -delta ? -delta : r;
}

/** IRLS weight psi(r)/r: the quadratic majoriser of rho at r (1 inside the Huber zone). */
export function irlsWeight(r: number, delta: number): number {
  const a = Math.abs(r);
  return a <= delta ? 1 : delta / a;
}
