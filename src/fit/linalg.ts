/** Small dense linear algebra on row-major Float64Arrays (p is at most a dozen parameters). */

/**
 * Solves A x = b for symmetric positive (semi)definite A by Cholesky, in place into x.
 * Returns false when A is not numerically positive definite.
 */
export function cholSolve(A: Float64Array, b: Float64Array, p: number, x: Float64Array, work: Float64Array): boolean {
  const L = work; // p*p
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * p + j];
      for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k];
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return false;
        L[i * p + i] = Math.sqrt(s);
      } else L[i * p + j] = s / L[j * p + j];
    }
  }
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * p + k] * x[k];
    x[i] = s / L[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < p; k++) s -= L[k * p + i] * x[k];
    x[i] = s / L[i * p + i];
  }
  return true;
}

/**
 * Inverse of a symmetric matrix by Gauss-Jordan with partial pivoting; null if singular
 * (a pivot below rcond times the largest diagonal).
 */
export function invertSymmetric(A: ArrayLike<number>, p: number, rcond = 1e-13): number[][] | null {
  // Scale to unit diagonal first so the singularity test is independent of parameter units.
  const d = new Float64Array(p);
  for (let i = 0; i < p; i++) d[i] = A[i * p + i] > 0 ? 1 / Math.sqrt(A[i * p + i]) : 0;
  for (let i = 0; i < p; i++) if (d[i] === 0) return null;
  const M: number[][] = [];
  for (let i = 0; i < p; i++) {
    M.push([]);
    for (let j = 0; j < p; j++) M[i].push(A[i * p + j] * d[i] * d[j]);
    for (let j = 0; j < p; j++) M[i].push(i === j ? 1 : 0);
  }
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    if (Math.abs(M[piv][c]) < rcond) return null;
    [M[c], M[piv]] = [M[piv], M[c]];
    const inv = 1 / M[c][c];
    for (let j = 0; j < 2 * p; j++) M[c][j] *= inv;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = M[r][c];
      if (f !== 0) for (let j = 0; j < 2 * p; j++) M[r][j] -= f * M[c][j];
    }
  }
  const out: number[][] = [];
  for (let i = 0; i < p; i++) {
    out.push([]);
    for (let j = 0; j < p; j++) out[i].push(M[i][p + j] * d[i] * d[j]);
  }
  return out;
}

/**
 * Eigenvalues (ascending) and unit eigenvectors (columns of `vectors`, row-major p x p) of a symmetric
 * matrix by cyclic Jacobi rotations: accurate for the small, possibly very ill-conditioned curvature
 * matrices of a fit, where the smallest eigenvalues are the point.
 */
export function symmetricEigen(A: ArrayLike<number>, p: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, scale = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) (i === j ? (scale += a[i * p + i] ** 2) : (off += a[i * p + j] ** 2));
    if (!(off > 1e-30 * scale)) break;
    for (let i = 0; i < p - 1; i++) for (let j = i + 1; j < p; j++) rotate(a, v, p, i, j);
  }
  const order = Array.from({ length: p }, (_, i) => i).sort((x, y) => a[x * p + x] - a[y * p + y]);
  const values = Float64Array.from(order, (k) => a[k * p + k]);
  const vectors = new Float64Array(p * p);
  order.forEach((k, c) => { for (let r = 0; r < p; r++) vectors[r * p + c] = v[r * p + k]; });
  return { values, vectors };
}

/** One Jacobi rotation zeroing a[i][j] (a symmetric, updated in place; v accumulates the rotations). */
function rotate(a: Float64Array, v: Float64Array, p: number, i: number, j: number): void {
  const aij = a[i * p + j];
  if (aij === 0) return;
  const theta = (a[j * p + j] - a[i * p + i]) / (2 * aij);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1), s = t * c;
  for (let k = 0; k < p; k++) {
    const aki = a[k * p + i], akj = a[k * p + j];
    a[k * p + i] = c * aki - s * akj; a[k * p + j] = s * aki + c * akj;
  }
  for (let k = 0; k < p; k++) {
    const aik = a[i * p + k], ajk = a[j * p + k];
    a[i * p + k] = c * aik - s * ajk; a[j * p + k] = s * aik + c * ajk;
  }
  for (let k = 0; k < p; k++) {
    const vki = v[k * p + i], vkj = v[k * p + j];
    v[k * p + i] = c * vki - s * vkj; v[k * p + j] = s * vki + c * vkj;
  }
}
