import type { DataFrame } from '../data/frame';

/** One point of the compute-optimal frontier: the best model at one budget. */
export interface FrontierRow {
  /** Training compute C in FLOPs. */
  flops: number;
  /** Optimal parameter count N*. */
  params: number;
  /** Optimal training tokens D* = C / (flopsPerParamToken N*). */
  tokens: number;
  /** Optimal width m* (laws with width and depth terms only). */
  width?: number;
  /** Optimal depth l* (laws with width and depth terms only). */
  depth?: number;
  /** D* / N*. */
  tokensPerParam: number;
  /** Frontier loss L*(C). */
  loss: number;
}

/** 95% intervals per row, one array per row field (width/depth only when the law has them). */
export type FrontierBands = Record<'flops' | 'params' | 'tokens' | 'tokensPerParam' | 'loss', Array<[number, number]>> & {
  width?: Array<[number, number]>;
  depth?: Array<[number, number]>;
};

/** Which way the frontier was derived. */
export type FrontierForm = 'universal' | 'chinchilla' | 'numeric';

export interface FrontierResult {
  kind: 'frontier';
  form: FrontierForm;
  /** The law the frontier was derived from, as an expression, with held variables after it: 'E + ... (U = 2.500e+10)'. */
  law: string;
  /** The same for summaries: a built-in law by its name ('dataConstrained (U = 2.500e+10)'), else the expression. */
  lawLabel: string;
  /** One row per budget, ascending flops. */
  rows: FrontierRow[];
  /** 95% intervals per row from the fit's bootstrap samples, when it has them. */
  bands?: FrontierBands;
  /** 95% intervals of the scalar quantities (aspectRatio, tokensPerParam, constants) from the bootstrap. */
  intervals?: Record<string, [number, number]>;
  /** Bootstrap draws used for bands and intervals (0 without a bootstrap). */
  bootstrapSamples: number;
  /**
   * The rows of each bootstrap draw of the fit, by draw index (null where a draw gave no finite
   * frontier); empty without a bootstrap. Draw j of two fits of the same points with the same seed
   * comes from the same resample of the runs, so their frontiers pair up (compareFrontiers).
   */
  draws(): Array<FrontierRow[] | null>;
  /** m* / l*: c_m/(2 c_l) with the universal exponents; at the first budget when it varies with N. */
  aspectRatio?: number;
  /** D* / N*: (c_D/c_N)^3 with equal size and data exponents; at the first budget otherwise. */
  tokensPerParam: number;
  /** Loss floor as compute grows without bound: L0 (universal), E (Chinchilla form), the law's limit (numeric). */
  floor: number;
  /** Slope of log(L* - L0) against log C: -1/6 universal, -alpha beta/(alpha+beta) Chinchilla form. */
  lossExponent: number;
  /** Closed-form constants: L0 (or E), c_m, c_l, c_N, c_D, A, B, alpha, beta, G, K, k, flopsPerParamToken. */
  constants: Record<string, number>;
  options: { paramsPerShape: number; flopsPerParamToken: number };
  /** Notes on how the frontier was derived (e.g. a numeric minimisation hit a search bound). */
  notes: string[];
  /** Why the closed form the law's structure allows was replaced by the numeric minimisation (it was not the optimum at some budget); absent when it was not. */
  closedFormRejected?: string;
  /** The optimum at any budget (not only the listed ones). */
  at(flops: number): FrontierRow;
  /** L*(C). */
  loss(flops: number): number;
  /** The smallest compute whose frontier loss is `loss`; Infinity when the frontier never gets that low. */
  flopsFor(loss: number): number;
  /** Columns flops, params, tokens, width, depth, tokensPerParam, loss (+ _lo/_hi with bands). */
  table(): DataFrame;
  summary(): string;
}

/** What a solved law gives for one set of parameter values. */
export interface SolvedFrontier {
  at(flops: number): FrontierRow;
  /** Asymptote of the loss as compute grows without bound (L0 or E). */
  floor: number;
  aspectRatio?: number;
  /** D* / N* when it does not depend on C (equal exponents); otherwise undefined. */
  constantTokensPerParam?: number;
  lossExponent: number;
  constants: Record<string, number>;
  notes: string[];
  /** Smallest compute whose frontier loss is `loss` (Infinity at or below the floor). */
  flopsFor(loss: number): number;
}
