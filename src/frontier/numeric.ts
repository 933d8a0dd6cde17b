import { ScalingLabError } from '../errors';
import type { Role } from '../data/roles';
import type { FrontierRow, SolvedFrontier } from './types';

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * Minimises fn on [lo, hi]: a grid finds the basin (the loss need not be unimodal far from the
 * optimum), then golden-section search refines it. Non-finite values count as +Infinity.
 */
export function minimise1D(fn: (u: number) => number, lo: number, hi: number, grid: number, tol = 1e-10): { u: number; value: number; atBound: boolean } {
  const f = (u: number) => {
    const v = fn(u);
    return Number.isFinite(v) ? v : Infinity;
  };
  if (!(hi > lo)) return { u: lo, value: f(lo), atBound: true };
  let best = 0;
  let bestV = Infinity;
  const step = (hi - lo) / (grid - 1);
  for (let i = 0; i < grid; i++) {
    const v = f(lo + i * step);
    if (v < bestV) { bestV = v; best = i; }
  }
  let a = lo + Math.max(0, best - 1) * step;
  let b = lo + Math.min(grid - 1, best + 1) * step;
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let it = 0; it < 200 && b - a > tol * (1 + Math.abs(a)); it++) {
    if (fc < fd) { b = d; d = c; fd = fc; c = b - GOLDEN * (b - a); fc = f(c); }
    else { a = c; c = d; fc = fd; d = a + GOLDEN * (b - a); fd = f(d); }
  }
  let u = (a + b) / 2;
  let value = f(u);
  if (bestV < value) { u = lo + best * step; value = bestV; }
  // The grid's best point on an end means the minimum may lie beyond the search range.
  return { u, value, atBound: best === 0 || best === grid - 1 };
}

/**
 * minimise1D inside a window [centre - halfWidth, centre + halfWidth] (clipped to [lo, hi]) when a centre
 * is known, e.g. the point estimate's optimum for a bootstrap draw; falls back to the full range when
 * the minimum sits on a window edge that is not a true bound.
 */
export function minimiseNear(fn: (u: number) => number, lo: number, hi: number, centre: number | undefined, halfWidth: number, grid: number, tol: number): { u: number; value: number; atBound: boolean } {
  if (centre === undefined || !Number.isFinite(centre)) return minimise1D(fn, lo, hi, grid, tol);
  const a = Math.max(lo, centre - halfWidth);
  const b = Math.min(hi, centre + halfWidth);
  if (!(b > a)) return minimise1D(fn, lo, hi, grid, tol);
  const windowGrid = 9;
  const r = minimise1D(fn, a, b, windowGrid, tol);
  if (!r.atBound) return r;
  const cell = (b - a) / (windowGrid - 1);
  const nearA = r.u - a <= cell;
  if ((nearA && a > lo) || (!nearA && b < hi)) return minimise1D(fn, lo, hi, grid, tol);
  return r;
}

/**
 * Numeric compute-optimal frontier for any law in (N, D) or (m, l, D): minimise L under
 * C = f N D over log N (D = C / (f N)) and, with width and depth, over log m at fixed N
 * (l = N / (k m^2)). Searches N and D in [1, C/f] and m, l >= 1.
 */
export function solveNumeric(
  loss: (vars: Record<string, number>) => number,
  byRole: Partial<Record<Role, string>>,
  paramsPerShape: number,
  flopsPerParamToken: number,
  floor: number,
  /** The optimum of nearby parameter values (the point estimate, for bootstrap draws): searched around first. */
  hint?: (flops: number) => FrontierRow,
): SolvedFrontier {
  const k = paramsPerShape;
  const D = byRole.tokens;
  if (!D) throw new ScalingLabError('missing-roles', 'frontier: the law has no variable with the role tokens.', 'give the tokens variable its role (roles: { D: \'tokens\' }).');
  const N = byRole.params;
  const m = byRole.width;
  const l = byRole.depth;
  const shape = !N && m !== undefined && l !== undefined;
  if (!N && !shape) {
    throw new ScalingLabError('missing-roles', 'frontier: the law needs a params variable, or both a width and a depth variable, besides tokens.', "set roles, e.g. { N: 'params', D: 'tokens' } or { m: 'width', l: 'depth', D: 'tokens' }.");
  }
  const notes: string[] = [];
  const warned = new Set<number>();
  // Best loss at fixed N (and the shape achieving it).
  // Draws near a known optimum need less precision than the point estimate.
  const tol = hint ? 1e-7 : 1e-10;
  const atParams = (logN: number, tokens: number, near?: FrontierRow): { loss: number; width?: number; depth?: number; edge: boolean } => {
    if (!shape) return { loss: loss({ [N as string]: Math.exp(logN), [D]: tokens }), edge: false };
    const maxLogM = (logN - Math.log(k)) / 2; // l >= 1
    if (maxLogM < 0) return { loss: Infinity, edge: true };
    // Near a known optimum the width scales about as N^(1/3) (equal width and depth exponents).
    const centre = near?.width !== undefined ? Math.log(near.width) + (logN - Math.log(near.params)) / 3 : undefined;
    const r = minimiseNear((lm) => loss({ [m as string]: Math.exp(lm), [l as string]: Math.exp(logN - Math.log(k) - 2 * lm), [D]: tokens }), 0, maxLogM, centre, 1.5, 41, tol);
    const width = Math.exp(r.u);
    return { loss: r.value, width, depth: Math.exp(logN) / (k * width * width), edge: r.atBound };
  };
  const at = (flops: number): FrontierRow => {
    const x = flops / flopsPerParamToken;
    const maxLogN = Math.log(x);
    const near = hint?.(flops);
    const r = minimiseNear((u) => atParams(u, x / Math.exp(u), near).loss, 0, maxLogN, near ? Math.log(near.params) : undefined, 2, 121, tol);
    const params = Math.exp(r.u);
    const tokens = x / params;
    const best = atParams(r.u, tokens, near);
    if ((r.atBound || best.edge) && !warned.has(flops)) {
      warned.add(flops);
      notes.push(`numeric optimum at ${flops.toExponential(3)} FLOPs lies on a search bound (N, D, m, l >= 1): the law may have no interior optimum there.`);
    }
    const row: FrontierRow = { flops, params, tokens, tokensPerParam: tokens / params, loss: best.loss };
    if (shape) { row.width = best.width; row.depth = best.depth; }
    return row;
  };
  const flopsFor = (target: number): number => {
    if (target <= floor) return Infinity;
    // L*(C) falls with C: bisect on log C between one token on one parameter and 1e60 FLOPs.
    let lo = Math.log(flopsPerParamToken);
    let hi = Math.log(1e60);
    if (at(Math.exp(hi)).loss > target) return Infinity;
    if (at(Math.exp(lo)).loss <= target) return Math.exp(lo);
    for (let i = 0; i < 100 && hi - lo > 1e-12; i++) {
      const mid = (lo + hi) / 2;
      if (at(Math.exp(mid)).loss > target) lo = mid; else hi = mid;
    }
    return Math.exp((lo + hi) / 2);
  };
  // Slope of log(L* - floor) against log C, measured across a decade around 1e21 FLOPs.
  const c1 = 1e20;
  const c2 = 1e22;
  const lossExponent = Math.log((at(c2).loss - floor) / (at(c1).loss - floor)) / Math.log(c2 / c1);
  notes.push('lossExponent of a numeric frontier is the slope of log(L* - floor) between 1e20 and 1e22 FLOPs.');
  return { at, floor, lossExponent, constants: { floor, k, flopsPerParamToken }, notes, flopsFor };
}
