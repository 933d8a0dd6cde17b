/**
 * The straight-line solver of fitPowerLaw: weighted least squares of y on x, with x centred on its
 * weighted mean so the slope and intercept are uncorrelated and the 2x2 solve is well conditioned.
 */
export interface WeightedLine {
  slope: number;
  intercept: number;
  /** Weighted sum of squared residuals. */
  chi2: number;
  /**
   * Var(slope) and Var(intercept) with the weights taken as `scale` / variance: scale 1 when they are
   * exact inverse variances, the reduced chi-square when they are only relative.
   */
  variances(scale: number): { slope: number; intercept: number };
}

/** The weighted line; null when every x is the same (the slope is not determined). */
export function weightedLine(x: number[], y: number[], w: number[]): WeightedLine | null {
  const n = x.length;
  const sw = w.reduce((a, b) => a + b, 0);
  const mx = x.reduce((a, v, i) => a + w[i] * v, 0) / sw;
  const my = y.reduce((a, v, i) => a + w[i] * v, 0) / sw;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) { sxx += w[i] * (x[i] - mx) ** 2; sxy += w[i] * (x[i] - mx) * (y[i] - my); }
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let chi2 = 0;
  for (let i = 0; i < n; i++) chi2 += w[i] * (y[i] - intercept - slope * x[i]) ** 2;
  return {
    slope, intercept, chi2,
    variances: (scale) => { const vb = scale / sxx; return { slope: vb, intercept: scale / sw + mx * mx * vb }; },
  };
}
