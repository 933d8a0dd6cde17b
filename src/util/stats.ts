/**
 * Statistics the package needs and no dependency carries: distribution functions for tests and
 * intervals, percentiles, and the straight-line fits the toys use for their exponents.
 */

/** ln Gamma(x), Lanczos approximation (g = 7, n = 9), |error| < 1e-14 for x > 0. */
export function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised upper incomplete gamma Q(a, x) (series / continued fraction, Numerical Recipes 6.2). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) {
    let sum = 1 / a, del = sum, ap = a;
    for (let n = 0; n < 1000; n++) { ap += 1; del *= x / ap; sum += del; if (Math.abs(del) < Math.abs(sum) * 1e-15) break; }
    return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
  }
  let b = x + 1 - a, c = 1e300, d = 1 / b, h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b; if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c; if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Survival function of the chi-squared distribution: P(X > x) with k degrees of freedom. */
export function chi2Sf(x: number, k: number): number {
  return gammaQ(k / 2, x / 2);
}

/** Standard normal quantile (Acklam's rational approximation refined by one Halley step). */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  let x: number;
  if (p < 0.02425) { const q = Math.sqrt(-2 * Math.log(p)); x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1); }
  else if (p <= 1 - 0.02425) { const q = p - 0.5, r = q * q; x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1); }
  else { const q = Math.sqrt(-2 * Math.log(1 - p)); x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1); }
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

/**
 * Complementary error function as Q(1/2, x^2) (the regularised upper incomplete gamma above), accurate to
 * about 1e-15, so normalQuantile's refinement step reaches full double precision.
 */
export function erfc(x: number): number {
  const r = gammaQ(0.5, x * x);
  return x >= 0 ? r : 2 - r;
}

/** Percentile with linear interpolation (numpy's default method). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Least-squares slope of log(loss) on log(x): loss ~ c x^(-value). */
export interface SlopeFit {
  /** The exponent: minus the log-log slope. */
  value: number;
  stderr: number;
  /** t-based 95% interval. */
  ci: [number, number];
  /** log c. */
  intercept: number;
  r2: number;
  n: number;
}

export function logLogSlope(x: number[], y: number[]): SlopeFit {
  const pts: Array<[number, number]> = [];
  for (let i = 0; i < x.length; i++) {
    if (x[i] > 0 && y[i] > 0 && Number.isFinite(x[i]) && Number.isFinite(y[i])) pts.push([Math.log(x[i]), Math.log(y[i])]);
  }
  const lin = linearFit(pts.map((p) => p[0]), pts.map((p) => p[1]));
  return { value: -lin.slope, stderr: lin.stderr, ci: [-lin.slope - lin.half, -lin.slope + lin.half], intercept: lin.intercept, r2: lin.r2, n: pts.length };
}

/** What linearFit returns; the line passes through (meanX, meanY), where its error s / sqrt(n) is uncorrelated with the slope's. */
export interface LinearFit { slope: number; intercept: number; stderr: number; half: number; interceptStderr: number; r2: number; meanX: number; meanY: number; meanStderr: number }

/**
 * Ordinary least squares y = a + b x with the slope's standard error and 95% t half-width, the
 * intercept's standard error s sqrt(1/n + mean(x)^2 / Sxx), and the line's value at mean(x) (mean(y))
 * with its standard error s / sqrt(n).
 */
export function linearFit(x: number[], y: number[]): LinearFit {
  const n = x.length;
  if (n < 2) return { slope: NaN, intercept: NaN, stderr: NaN, half: NaN, interceptStderr: NaN, r2: NaN, meanX: NaN, meanY: NaN, meanStderr: NaN };
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i] - intercept - slope * x[i]) ** 2;
  const df = n - 2;
  const stderr = df > 0 ? Math.sqrt(sse / df / sxx) : NaN;
  const half = df > 0 ? tQuantile(0.975, df) * stderr : NaN;
  const interceptStderr = df > 0 ? Math.sqrt((sse / df) * (1 / n + (mx * mx) / sxx)) : NaN;
  const meanStderr = df > 0 ? Math.sqrt(sse / df / n) : NaN;
  return { slope, intercept, stderr, half, interceptStderr, r2: syy > 0 ? 1 - sse / syy : 1, meanX: mx, meanY: my, meanStderr };
}


/** Quantile of Student's t distribution (bisection on the CDF). */
export function tQuantile(p: number, df: number): number {
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** CDF of Student's t distribution. */
export function tCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * regIncBeta(df / 2, 0.5, x);
  return t >= 0 ? 1 - tail : tail;
}

/** Regularised incomplete beta I_x(a, b) by its continued fraction. */
export function regIncBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - regIncBeta(b, a, 1 - x);
  const tiny = 1e-300;
  let f = 1;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  f = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    f *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return (front * f) / a;
}

/** Central interval of a sample at `level` (0.95 gives the 2.5th and 97.5th percentiles); non-finite values dropped. */
export function interval(values: ArrayLike<number>, level = 0.95): [number, number] {
  const s = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  return [percentile(s, (1 - level) / 2), percentile(s, 1 - (1 - level) / 2)];
}
