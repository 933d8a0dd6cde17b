import { ScalingLabError } from '../errors';
import { solveChinchilla } from './chinchilla';
import type { FrontierRow, SolvedFrontier } from './types';

/**
 * Constants of the universal form L = L0 + c_m / m^a_m + c_l / l^a_l + c_D / D^a_D
 * (a_m = a_l = 1, a_D = 1/3 for the universal exponents; other exponents are allowed for free fits).
 */
export interface UniversalConstants {
  L0: number;
  c_m: number; a_m: number;
  c_l: number; a_l: number;
  c_D: number; a_D: number;
}

/**
 * Optimal shape at fixed N = k m^2 l: the Lagrange condition a_m c_m m^-a_m = 2 a_l c_l l^-a_l
 * (with the universal exponents c_m/m = 2 c_l/l, so m* / l* = c_m/(2 c_l)). The size terms then
 * add up to c_N N^(-alpha_N) with alpha_N = a_m a_l/(a_m + 2 a_l) (1/3 universal), which turns
 * the problem into the Chinchilla form with A = c_N, alpha = alpha_N, B = c_D, beta = a_D
 * (docs/derivations.md#optimal-shape).
 */
export function universalSizeTerm(c: UniversalConstants, k: number): { c_N: number; alpha_N: number; depthAt(N: number): number } {
  const { c_m, a_m, c_l, a_l } = c;
  if (!(c_m > 0) || !(c_l > 0)) {
    // Checked before the exponents: a zero coefficient leaves its exponent undefined.
    const which = c_m > 0 ? `depth coefficient c_l = ${c_l}` : `width coefficient c_m = ${c_m}`;
    throw new ScalingLabError(
      'degenerate-law',
      `frontier: the ${which}, so the loss does not fall with ${c_m > 0 ? 'depth' : 'width'} and the optimal shape is unbounded.`,
      'refit with runs that vary that dimension, or fix the coefficient to a positive value.',
    );
  }
  if (!(a_m > 0) || !(a_l > 0)) {
    throw new ScalingLabError('degenerate-law', `frontier: width and depth exponents must be positive (got ${a_m}, ${a_l}).`, 'check the fit.');
  }
  const h = a_m / 2 + a_l;
  // l*^(a_m/2 + a_l) = (2 a_l c_l / (a_m c_m)) (N/k)^(a_m/2)
  const r = (2 * a_l * c_l) / (a_m * c_m);
  const depthAt = (N: number) => Math.pow(r * Math.pow(N / k, a_m / 2), 1 / h);
  // At the optimum the width term is (2 a_l/a_m) times the depth term: total = (1 + 2 a_l/a_m) c_l l*^-a_l.
  const alpha_N = (a_m * a_l) / (a_m + 2 * a_l);
  const c_N = (1 + (2 * a_l) / a_m) * c_l * Math.pow(r * Math.pow(k, -a_m / 2), -a_l / h);
  return { c_N, alpha_N, depthAt };
}

/** Closed-form frontier of the universal form (docs/derivations.md#frontier-closed-forms). */
export function solveUniversal(c: UniversalConstants, paramsPerShape: number, flopsPerParamToken: number): SolvedFrontier {
  const k = paramsPerShape;
  const size = universalSizeTerm(c, k);
  for (const [name, v] of Object.entries(c)) {
    if (!Number.isFinite(v) && name !== 'a_D') throw new ScalingLabError('bad-law', `frontier: universal-form constant ${name} is ${v}.`, 'check the fit or the params you passed.');
  }
  const inner = solveChinchilla({ E: c.L0, A: size.c_N, alpha: size.alpha_N, B: c.c_D, beta: c.a_D }, flopsPerParamToken, 'universal-form');
  const at = (flops: number): FrontierRow => {
    const row = inner.at(flops);
    const depth = size.depthAt(row.params);
    const width = Math.sqrt(row.params / (k * depth));
    // Loss from the full law at the optimal shape (equal to the reduced form, but this is the law itself).
    const loss = c.L0 + c.c_m * Math.pow(width, -c.a_m) + c.c_l * Math.pow(depth, -c.a_l) + c.c_D * Math.pow(row.tokens, -c.a_D);
    return { flops, params: row.params, tokens: row.tokens, width, depth, tokensPerParam: row.tokensPerParam, loss };
  };
  // With equal width and depth exponents the aspect ratio is budget-independent: (a c_m / (2 a c_l))^(1/a).
  const equalShape = Math.abs(c.a_m - c.a_l) <= 1e-12 * Math.max(c.a_m, c.a_l);
  const aspectRatio = equalShape ? Math.pow(c.c_m / (2 * c.c_l), 1 / c.a_m) : undefined;
  const ic = inner.constants;
  return {
    at,
    floor: c.L0,
    aspectRatio,
    constantTokensPerParam: inner.constantTokensPerParam,
    lossExponent: inner.lossExponent,
    constants: {
      L0: c.L0, c_m: c.c_m, c_l: c.c_l, c_D: c.c_D, a_m: c.a_m, a_l: c.a_l, a_D: c.a_D,
      c_N: size.c_N, alpha_N: size.alpha_N, G: ic.G, K: ic.K, k, flopsPerParamToken,
    },
    notes: [],
    flopsFor: inner.flopsFor,
  };
}
