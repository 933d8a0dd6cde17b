/**
 * Akima's piecewise-cubic interpolation (Akima 1970), as scipy.interpolate.Akima1DInterpolator
 * computes it (method 'akima'): end slopes extended by two points on each side, the weighted slope
 * formula with scipy's cutoff 1e-9 x max(f1 + f2), and the average of the neighbouring slopes where
 * the weights vanish. Porian et al. interpolate isoFLOP curves with it (docs/methods.md#isoflop-analysis).
 */

/** Interpolant through (x, y), x strictly increasing, n >= 2; evaluates inside [x0, x_{n-1}] only. */
export function akimaInterpolant(x: ArrayLike<number>, y: ArrayLike<number>): (at: number) => number {
  const n = x.length;
  const t = akimaSlopes(x, y);
  return (at: number) => {
    // the interval holding `at` (binary search); the last knot belongs to the last interval
    let lo = 0, hi = n - 1;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (x[mid] <= at) lo = mid; else hi = mid; }
    const h = x[lo + 1] - x[lo], s = (y[lo + 1] - y[lo]) / h, d = at - x[lo];
    const c2 = (3 * s - 2 * t[lo] - t[lo + 1]) / h, c3 = (t[lo] + t[lo + 1] - 2 * s) / (h * h);
    return y[lo] + d * (t[lo] + d * (c2 + d * c3));
  };
}

/** The derivative at each knot. */
function akimaSlopes(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const n = x.length;
  const t = new Float64Array(n);
  if (n === 2) { t.fill((y[1] - y[0]) / (x[1] - x[0])); return t; } // two points: a straight line
  // m[2 .. n] are the n - 1 secant slopes; two extrapolated slopes on each side
  const m = new Float64Array(n + 3);
  for (let i = 0; i < n - 1; i++) m[i + 2] = (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
  m[1] = 2 * m[2] - m[3];
  m[0] = 2 * m[1] - m[2];
  m[n + 1] = 2 * m[n] - m[n - 1];
  m[n + 2] = 2 * m[n + 1] - m[n];
  const f1 = new Float64Array(n), f2 = new Float64Array(n);
  let fmax = -Infinity;
  for (let i = 0; i < n; i++) {
    f1[i] = Math.abs(m[i + 3] - m[i + 2]);
    f2[i] = Math.abs(m[i + 1] - m[i]);
    fmax = Math.max(fmax, f1[i] + f2[i]);
  }
  for (let i = 0; i < n; i++) {
    const f12 = f1[i] + f2[i];
    t[i] = f12 > 1e-9 * fmax ? m[i + 1] + (f2[i] / f12) * (m[i + 2] - m[i + 1]) : 0.5 * (m[i + 3] + m[i]);
  }
  return t;
}
