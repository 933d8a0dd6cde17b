import { Rng } from '../util/random';
import { interval, percentile } from '../util/stats';
import { akimaInterpolant } from './akima';

/**
 * The optimum of one isoFLOP curve (docs/methods.md#isoflop-analysis): a parabola in ln N fitted to L
 * (Hoffmann et al.'s approach 2), or Porian et al.'s Akima interpolation of ln L in ln N on a fine grid;
 * and its uncertainty by refitting with seed-like noise added to the losses (Porian et al.'s bootstrap).
 */

export type IsoflopMethod = 'parabola' | 'akima';

/** Why a budget has no optimum: too few model sizes, a curve with no minimum, a minimum outside the sizes tried, or one that half the noisy refits lose. */
export type BudgetStatus = 'ok' | 'too-few' | 'no-minimum' | 'on-edge' | 'unstable';

/** The points of one budget: one loss per model size (the lowest when a size appears twice). */
export interface BudgetPoints { params: number[]; tokens: number[] | null; loss: number[] }

export interface CurveSettings {
  method: IsoflopMethod;
  resamples: number;
  level: number;
  /** Standard deviation of the noise added to each loss, or 'residual' for the parabola's residual SD. */
  noise: number | 'residual';
  estimate: 'fit' | 'median';
  rng: Rng;
}

/** The optimum of one budget, its interval and its log standard deviation (for weights). */
export interface BudgetOptimum {
  status: BudgetStatus;
  /** N*, D*, L* (null unless status is 'ok'). */
  params: number | null;
  tokens: number | null;
  loss: number | null;
  intervals: { params: [number, number]; tokens: [number, number]; loss: [number, number] } | null;
  logStd: { params: number | null; tokens: number | null; loss: number | null };
  /** Noise SD used by the bootstrap (NaN when it could not be set: 'residual' with 3 points). */
  noise: number;
  /** Bootstrap refits with an interior minimum. */
  valid: number;
  /** The parabola L = a u^2 + b u + c in u = ln N - center (parabola method). */
  parabola?: { a: number; b: number; c: number; center: number };
}

/** A minimum at ln x = at with loss L, or why there is none. */
type Optimum = { at: number; loss: number } | { fail: 'no-minimum' | 'on-edge' };

/** An axis of the curve: ln x ascending and the permutation that sorts the points by it. */
interface Axis { lx: Float64Array; order: number[] }

function axisOf(values: number[]): Axis {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  return { lx: Float64Array.from(order, (i) => Math.log(values[i])), order };
}

/** Least-squares parabola of L in u = ln x - mean: coefficients and residual SD (NaN with 3 points). */
export function fitParabola(lx: ArrayLike<number>, loss: ArrayLike<number>): { a: number; b: number; c: number; center: number; residualSd: number } {
  const n = lx.length;
  let center = 0;
  for (let i = 0; i < n; i++) center += lx[i] / n;
  // normal equations of [u^2, u, 1]
  const S = [0, 0, 0, 0, 0], T = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const u = lx[i] - center;
    let p = 1;
    for (let k = 0; k < 5; k++) { S[k] += p; if (k < 3) T[k] += p * loss[i]; p *= u; }
  }
  const M = [[S[4], S[3], S[2]], [S[3], S[2], S[1]], [S[2], S[1], S[0]]], r = [T[2], T[1], T[0]];
  const [a, b, c] = solve3(M, r);
  let ssr = 0;
  for (let i = 0; i < n; i++) { const u = lx[i] - center; ssr += (loss[i] - (a * u * u + b * u + c)) ** 2; }
  return { a, b, c, center, residualSd: n > 3 ? Math.sqrt(ssr / (n - 3)) : NaN };
}

/** Cramer's rule for the 3 x 3 normal equations (well conditioned once u is centred). */
function solve3(M: number[][], r: number[]): [number, number, number] {
  const det = (A: number[][]) => A[0][0] * (A[1][1] * A[2][2] - A[1][2] * A[2][1]) - A[0][1] * (A[1][0] * A[2][2] - A[1][2] * A[2][0]) + A[0][2] * (A[1][0] * A[2][1] - A[1][1] * A[2][0]);
  const d = det(M);
  const col = (k: number) => det(M.map((row, i) => row.map((v, j) => (j === k ? r[i] : v))));
  return [col(0) / d, col(1) / d, col(2) / d];
}

function parabolaOptimum(lx: Float64Array, loss: ArrayLike<number>): Optimum {
  const { a, b, c, center } = fitParabola(lx, loss);
  if (!(a > 0)) return { fail: 'no-minimum' };
  const u = -b / (2 * a);
  if (u + center < lx[0] || u + center > lx[lx.length - 1]) return { fail: 'on-edge' };
  return { at: u + center, loss: c - (b * b) / (4 * a) };
}

/** Porian et al.: Akima through (ln x, ln L), evaluated on (n - 1) x 25 log-spaced points; the grid's argmin. */
function akimaOptimum(lx: Float64Array, loss: ArrayLike<number>): Optimum {
  const f = akimaInterpolant(lx, Float64Array.from(loss, Math.log));
  const num = (lx.length - 1) * 25, lo = lx[0], step = (lx[lx.length - 1] - lo) / (num - 1);
  let best = 0, bestValue = Infinity;
  for (let j = 0; j < num; j++) {
    const v = f(j === num - 1 ? lx[lx.length - 1] : lo + j * step);
    if (v < bestValue) { bestValue = v; best = j; }
  }
  if (best === 0 || best === num - 1) return { fail: 'on-edge' };
  return { at: lo + best * step, loss: Math.exp(bestValue) };
}

function optimumOn(axis: Axis, loss: number[], method: IsoflopMethod): Optimum {
  const sorted = axis.order.map((i) => loss[i]);
  return method === 'akima' ? akimaOptimum(axis.lx, sorted) : parabolaOptimum(axis.lx, sorted);
}

/** Porian et al.'s floor on the log SD of an Akima optimum: 0.33 of the mean spacing of the sizes tried (8.25 grid steps). */
function gridFloor(axis: Axis): number {
  const n = axis.lx.length, span = axis.lx[n - 1] - axis.lx[0];
  return 0.33 * 25 * span / ((n - 1) * 25 - 1);
}

/**
 * N*, D*, L* of one budget with intervals from `resamples` noisy refits. D* comes from the tokens axis when
 * the points have tokens, else D* = C / (6 N*).
 */
export function budgetOptimum(flops: number, pts: BudgetPoints, s: CurveSettings): BudgetOptimum {
  const none = (status: BudgetStatus, noise = NaN): BudgetOptimum => ({ status, params: null, tokens: null, loss: null, intervals: null, logStd: { params: null, tokens: null, loss: null }, noise, valid: 0 });
  if (pts.params.length < 3) return none('too-few');
  const nAxis = axisOf(pts.params), dAxis = pts.tokens ? axisOf(pts.tokens) : null;
  const curve = fitParabola(nAxis.lx, nAxis.order.map((i) => pts.loss[i]));
  const parabola = s.method === 'parabola' ? { a: curve.a, b: curve.b, c: curve.c, center: curve.center } : undefined;
  const noise = s.noise === 'residual' ? curve.residualSd : s.noise;
  const tokensAt = (lnN: number) => flops / (6 * Math.exp(lnN));
  const fitN = optimumOn(nAxis, pts.loss, s.method);
  if ('fail' in fitN) return { ...none(fitN.fail, noise), parabola };
  // D* from its own curve when the points have tokens (C / (6 N*) when that curve has no interior minimum)
  const onD = dAxis ? optimumOn(dAxis, pts.loss, s.method) : null;
  const fitD = onD && !('fail' in onD) ? onD.at : Math.log(tokensAt(fitN.at));
  const draws = { n: [] as number[], d: [] as number[], l: [] as number[] };
  const runs = Number.isFinite(noise) ? s.resamples : 0;
  for (let b = 0; b < runs; b++) {
    const noisy = pts.loss.map((L) => L + noise * s.rng.normal());
    if (noisy.some((L) => !(L > 0))) continue;
    const on = optimumOn(nAxis, noisy, s.method);
    if ('fail' in on) continue;
    draws.n.push(on.at); draws.l.push(on.loss);
    const od = dAxis ? optimumOn(dAxis, noisy, s.method) : { at: Math.log(tokensAt(on.at)) };
    if (!('fail' in od)) draws.d.push(od.at);
  }
  const valid = draws.n.length;
  if (runs > 0 && valid < runs / 2) return { ...none('unstable', noise), valid, parabola };
  const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 0.5);
  const useMedian = s.estimate === 'median' && valid > 0 && draws.d.length > 0;
  const lnN = useMedian ? median(draws.n) : fitN.at, lnD = useMedian ? median(draws.d) : fitD;
  const L = useMedian ? median(draws.l) : fitN.loss;
  const inflate = valid > 0 ? runs / valid : NaN;
  const sd = (xs: number[], floor: number) => (xs.length > 1 ? Math.max(stdev(xs), floor) * inflate : null);
  const floorN = s.method === 'akima' ? gridFloor(nAxis) : 0, floorD = s.method === 'akima' && dAxis ? gridFloor(dAxis) : 0;
  return {
    status: 'ok', params: Math.exp(lnN), tokens: Math.exp(lnD), loss: L, noise, valid, parabola,
    intervals: valid > 1 && draws.d.length > 1 ? {
      params: interval(draws.n.map(Math.exp), s.level), tokens: interval(draws.d.map(Math.exp), s.level), loss: interval(draws.l, s.level),
    } : null,
    logStd: { params: sd(draws.n, floorN), tokens: sd(draws.d, floorD), loss: draws.l.length > 1 ? stdev(draws.l.map(Math.log)) : null },
  };
}

/** Population standard deviation (numpy's default, as Porian et al. use it). */
function stdev(xs: number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
}
