import { ScalingLabError } from '../errors';
import type { FrontierRow, SolvedFrontier } from './types';

/** Constants of the Chinchilla form L = E + A / N^alpha + B / D^beta. */
export interface ChinchillaConstants { E: number; A: number; B: number; alpha: number; beta: number }

/** Rejects constants for which no finite compute-optimal split exists, naming the culprit. */
export function checkChinchilla(c: ChinchillaConstants, what: string): void {
  // Coefficients first: a zero coefficient leaves its exponent undefined, and that is the real cause.
  if (!(c.A > 0) || !(c.B > 0)) {
    const sizeBad = !(c.A > 0);
    throw new ScalingLabError(
      'degenerate-law',
      `frontier: coefficient ${sizeBad ? 'A (the size term)' : 'B (the data term)'} of the ${what} law is ${sizeBad ? c.A : c.B}, so the loss does not fall with ${sizeBad ? 'model size' : 'data'} and no compute-optimal split exists.`,
      'refit with more runs along that axis, or fix the coefficient to a positive value.',
    );
  }
  for (const [name, v] of Object.entries(c)) {
    if (!Number.isFinite(v)) throw new ScalingLabError('bad-law', `frontier: ${what} constant ${name} is ${v}.`, 'check the fit or the params you passed.');
  }
  if (!(c.alpha > 0) || !(c.beta > 0)) {
    throw new ScalingLabError(
      'degenerate-law',
      `frontier: exponents of the ${what} law must be positive (alpha = ${c.alpha}, beta = ${c.beta}).`,
      'a non-positive exponent means the loss does not decrease with size or data; check the fit.',
    );
  }
}

/**
 * Closed form for L = E + A/N^alpha + B/D^beta under C = f N D (docs/derivations.md#chinchilla-form):
 * G = (alpha A / (beta B))^(1/(alpha+beta)), N* = G (C/f)^(beta/(alpha+beta)), D* = (C/f)^(alpha/(alpha+beta)) / G,
 * and L*(C) = E + K (C/f)^(-alpha beta/(alpha+beta)) with K = A G^-alpha + B G^beta.
 */
export function solveChinchilla(c: ChinchillaConstants, flopsPerParamToken: number, what = 'Chinchilla-form'): SolvedFrontier {
  checkChinchilla(c, what);
  const { E, A, B, alpha, beta } = c;
  const s = alpha + beta;
  const G = Math.pow((alpha * A) / (beta * B), 1 / s);
  const K = A * Math.pow(G, -alpha) + B * Math.pow(G, beta);
  const lossExponent = -(alpha * beta) / s;
  const at = (flops: number): FrontierRow => {
    const x = flops / flopsPerParamToken;
    const params = G * Math.pow(x, beta / s);
    const tokens = Math.pow(x, alpha / s) / G;
    return { flops, params, tokens, tokensPerParam: tokens / params, loss: E + A * Math.pow(params, -alpha) + B * Math.pow(tokens, -beta) };
  };
  // Equal exponents give a budget-independent split D* / N* = 1/G^2.
  const equal = Math.abs(alpha - beta) <= 1e-12 * Math.max(alpha, beta);
  return {
    at,
    floor: E,
    constantTokensPerParam: equal ? 1 / (G * G) : undefined,
    lossExponent,
    constants: { E, A, B, alpha, beta, G, K, flopsPerParamToken },
    notes: [],
    flopsFor: (loss: number) => (loss <= E ? Infinity : flopsPerParamToken * Math.pow((loss - E) / K, 1 / lossExponent)),
  };
}
