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

/** Ordinary least squares y = a + b x with the slope's standard error and 95% t half-width. */
export function linearFit(x: number[], y: number[]): { slope: number; intercept: number; stderr: number; half: number; r2: number } {
  const n = x.length;
  if (n < 2) return { slope: NaN, intercept: NaN, stderr: NaN, half: NaN, r2: NaN };
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
  return { slope, intercept, stderr, half, r2: syy > 0 ? 1 - sse / syy : 1 };
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

export function tCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * regIncBeta(df / 2, 0.5, x);
  return t >= 0 ? 1 - tail : tail;
}

function logGamma(z: number): number {
  // Lanczos approximation (g = 7, n = 9)
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  z -= 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
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
