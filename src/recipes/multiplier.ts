import type { FrontierResult } from '../frontier/types';

/** How recipe A's compute compares with recipe B's for B's frontier loss at a budget. */
export interface ComputeComparison {
  /** Budget C given to recipe B. */
  flops: number;
  /** L*_B(C): the loss recipe A has to reach. */
  loss: number;
  /** Compute recipe A needs for that loss: the C' with L*_A(C') = L*_B(C); Infinity when A never gets there. */
  flopsA: number;
  /** C / C': how many times less compute A needs (above 1: A is better; below 1: A needs more; 0: never). */
  multiplier: number;
  reached: boolean;
  note?: string;
}

/**
 * Solves L*_A(C') = L*_B(C) for C' (docs/derivations.md#compute-multipliers). With equal L0 and the
 * universal exponents this is (K_B/K_A)^6 at every budget; with different L0 it depends on the budget,
 * and a recipe whose floor L0 lies at or above B's frontier loss never reaches it.
 */
export function compareCompute(a: FrontierResult, b: FrontierResult, flops: number, names: [string, string] = ['A', 'B']): ComputeComparison {
  const loss = b.loss(flops);
  const flopsA = a.flopsFor(loss);
  if (!Number.isFinite(flopsA)) {
    return {
      flops, loss, flopsA: Infinity, multiplier: 0, reached: false,
      note: `recipe '${names[0]}' never reaches recipe '${names[1]}'s frontier loss ${loss.toPrecision(4)} at ${flops.toExponential(2)} FLOPs: its loss floor is ${a.floor.toPrecision(4)}.`,
    };
  }
  return { flops, loss, flopsA, multiplier: flops / flopsA, reached: true };
}
