import { cholSolve } from './linalg';

/**
 * Non-negative least squares in normal-equation form (Lawson and Hanson 1974, active set):
 * minimises x' M x / 2 - v' x subject to x >= 0, i.e. ||A x - b||^2 with M = A'A, v = A'b.
 * Variables in `free` (optional) are unconstrained in sign. Writes the solution into x.
 */
export function nnlsNormal(M: Float64Array, v: Float64Array, p: number, x: Float64Array, unconstrained?: boolean[]): void {
  const passive = new Array<boolean>(p).fill(false);
  const sub = new Float64Array(p * p), rhs = new Float64Array(p), z = new Float64Array(p), work = new Float64Array(p * p), zfull = new Float64Array(p);
  x.fill(0);
  // Unconstrained variables start in the passive set and never leave it.
  if (unconstrained) for (let j = 0; j < p; j++) if (unconstrained[j]) passive[j] = true;
  const tol = 1e-12 * maxAbsDiag(M, p);
  const solvePassive = (): boolean => {
    const idx: number[] = [];
    for (let j = 0; j < p; j++) if (passive[j]) idx.push(j);
    const q = idx.length;
    for (let a = 0; a < q; a++) {
      rhs[a] = v[idx[a]];
      for (let b = 0; b < q; b++) sub[a * q + b] = M[idx[a] * p + idx[b]];
    }
    zfull.fill(0);
    if (q === 0) return true;
    if (!cholSolve(sub, rhs, q, z, work)) {
      // Nearly singular: add a tiny ridge relative to the diagonal.
      for (let a = 0; a < q; a++) sub[a * q + a] = M[idx[a] * p + idx[a]] * (1 + 1e-10) + 1e-300;
      if (!cholSolve(sub, rhs, q, z, work)) return false;
    }
    for (let a = 0; a < q; a++) zfull[idx[a]] = z[a];
    return true;
  };
  if (unconstrained && unconstrained.some(Boolean)) { solvePassive(); for (let j = 0; j < p; j++) if (passive[j]) x[j] = zfull[j]; }
  for (let outer = 0; outer < 3 * p + 10; outer++) {
    // gradient of the negative objective: w = v - M x
    let best = -1, bestW = tol;
    for (let j = 0; j < p; j++) {
      if (passive[j]) continue;
      let w = v[j];
      for (let k = 0; k < p; k++) w -= M[j * p + k] * x[k];
      if (w > bestW) { bestW = w; best = j; }
    }
    if (best < 0) return;
    passive[best] = true;
    for (let inner = 0; inner < 3 * p + 10; inner++) {
      if (!solvePassive()) { passive[best] = false; return; }
      let ok = true;
      for (let j = 0; j < p; j++) if (passive[j] && !unconstrained?.[j] && zfull[j] <= 0) { ok = false; break; }
      if (ok) { for (let j = 0; j < p; j++) x[j] = passive[j] ? zfull[j] : 0; break; }
      // step from x towards z until the first constrained variable hits zero
      let alpha = 1;
      for (let j = 0; j < p; j++) {
        if (passive[j] && !unconstrained?.[j] && zfull[j] <= 0) {
          const a = x[j] / (x[j] - zfull[j]);
          if (a < alpha) alpha = a;
        }
      }
      for (let j = 0; j < p; j++) {
        x[j] += alpha * ((passive[j] ? zfull[j] : 0) - x[j]);
        if (passive[j] && !unconstrained?.[j] && x[j] <= 1e-300) { x[j] = 0; passive[j] = false; }
      }
    }
  }
}

function maxAbsDiag(M: Float64Array, p: number): number {
  let m = 0;
  for (let j = 0; j < p; j++) m = Math.max(m, Math.abs(M[j * p + j]));
  return m;
}
