import type { DataFrame } from '../data/frame';

/**
 * The result types shared by fitting, frontier, recipes and the notebook layer. Fits follow lmfit:
 * named parameters, each fixed, bounded or tied, with standard error and confidence interval.
 */

import type { Role } from '../data/roles';


export type { Role };

/** One fitted parameter, as lmfit reports it. */
export interface ParamEstimate {
  name: string;
  value: number;
  /** Asymptotic standard error from the curvature of the objective; null when fixed or not estimable. */
  stderr: number | null;
  /** Interval at the fit's `level` (default 95%): bootstrap percentiles when a bootstrap was run, else value +/- z stderr (1.96 at 95%). */
  ci: [number, number] | null;
  fixed: boolean;
  /** Set when the parameter is tied to an expression of other parameters. */
  tiedTo?: string;
  bounds?: [number, number];
}

/**
 * How the fit was scored, summed over points (docs/methods.md#objectives-and-weights): 'lsq' (least
 * squares on log L) or an object whose keys default to that: `huber` (Huber threshold instead of least
 * squares), `residuals` ('log': r = log L - log L_fit; 'loss': r = L - L_fit), `overestimatePenalty`
 * (rho(r) times this where the law over-estimates, r < 0: OLMo-core's overestimate_penalty; default 1).
 */
export type Objective = 'lsq' | ObjectiveSpec;

/** The object form of `Objective`. */
export interface ObjectiveSpec {
  huber?: number;
  residuals?: 'log' | 'loss';
  overestimatePenalty?: number;
}

/** The fixed-versus-free exponent comparison of `fitUniversal(..., { exponents: 'free' })`. */
export interface UniversalityTest {
  /** Free exponents with their CIs (at the fit's level). */
  exponents: Record<string, ParamEstimate>;
  /** The universal values they are tested against. */
  universal: Record<string, number>;
  /**
   * 'likelihood-ratio' for least squares (the Gaussian likelihood is what the fit maximises); 'wald' for
   * Huber or an over-estimate penalty, whose objective is not a likelihood: the free exponents' distance
   * from the universal values in their robust covariance (docs/derivations.md#fixed-versus-free-universality-test).
   */
  method: 'likelihood-ratio' | 'wald';
  /** 2 (logLik_free - logLik_fixed) on the same points and objective, or the Wald statistic d' Cov^-1 d (NaN when the covariance is undefined). */
  statistic: number;
  /** Degrees of freedom (number of freed exponents). */
  df: number;
  pValue: number;
  /** AIC_fixed - AIC_free and BIC_fixed - BIC_free: positive favours the free fit. */
  deltaAIC: number;
  deltaBIC: number;
  /** A sentence saying whether the data are consistent with the universal exponents. */
  verdict: string;
}

/** What the convergence check found; `summary()` prints it (fit/verify.ts). */
export interface ConvergenceCheck {
  /** Largest cosine between the (Huber-weighted) log residuals and a column of the log-Jacobian: 0 at a stationary point. */
  scaledGradient: number;
  /** Relative decrease of the objective that the restarts from the reported point reached (0: none did better). */
  restartImprovement: number;
  /** Restarts run from the reported point (the solver again, the Newton step, probes of poorly determined parameters). */
  restarts: number;
  /** Condition number of the curvature with every parameter scaled to unit diagonal (Infinity when singular). */
  conditionNumber: number;
  /** Relative decrease adopted from restarts before the point passed (0 when the solver's own end point passed). */
  improvedBy: number;
  passed: boolean;
  /** Why the check failed, when it did. */
  failure?: string;
}

/** The runs test of the residual signs along one law variable (fit/diagnostics.ts). */
export interface LackOfFit {
  variable: string;
  column: string;
  /** Runs of equal sign in the variable's order, and their expected number for independent signs. */
  runs: number;
  expected: number;
  /** One-sided p-value (too few runs); NaN when untested (too few points of one sign). */
  pValue: number;
  /** p below `Diagnostics.level`. */
  flagged: boolean;
}

/** What every report checks besides convergence; `summary()` prints `notes`. */
export interface Diagnostics {
  /** Free parameters at a bound. */
  atBound: Array<{ name: string; value: number; bound: number }>;
  /** Parameter pairs whose estimated correlation exceeds 0.95 in absolute value. */
  correlated: Array<{ a: string; b: string; correlation: number }>;
  /** Fitted exponents whose interval is wider than their value. */
  wideExponents: Array<{ name: string; value: number; width: number }>;
  /** The runs test along each law variable. */
  lackOfFit: LackOfFit[];
  /** Level each runs test is flagged at: 0.01 over the number of variables tested. */
  level: number;
  /** One line per check, as the summary prints them. */
  notes: string[];
}

/** What any fit (fitUniversal, fitLaw) returns. */
export interface FitResult {
  kind: 'fit';
  /** The law as an expression, e.g. 'L0 + c_m / m + c_l / l + c_D * D^(-1/3)'. */
  law: string;
  /** Built-in law name when one was used: 'universal', 'chinchilla', 'kaplan'; else null. */
  lawName: string | null;
  /** 'expression' (the law as text, which fitFromJSON can rebuild) or 'function' (a JavaScript function: `law` names it). */
  lawKind: 'expression' | 'function';
  /** Law variable -> role, e.g. { m: 'width', l: 'depth', D: 'tokens' } or { N: 'params', D: 'tokens' }. */
  roles: Record<string, Role>;
  /** Law variable -> data column used, and the loss column: { m: 'd_model', ..., loss: 'loss' }. */
  columns: Record<string, string>;
  /** Every parameter, fitted or fixed or tied. */
  params: Record<string, ParamEstimate>;
  /** Universal form only: { L0, width: c_m, depth: c_l, time: c_D } in raw units. */
  coefficients?: { L0: number; width: number; depth: number; time: number };
  /** Universal form only: the exponents used (fixed or fitted). */
  exponents?: { width: number; depth: number; time: number };
  objective: number;
  objectiveKind: Objective;
  /** Which solver ran, e.g. 'scalinglab Levenberg-Marquardt (analytic Jacobian)'. */
  solver: string;
  /** Level of every interval in `params` and `universality` (the `level` option; default 0.95). */
  level: number;
  /**
   * True only when the best run met the solver's test and the convergence check at its end point passed
   * (scaled gradient, restarts that cannot improve it): see `convergence`.
   */
  converged: boolean;
  /** The convergence check at the reported point: what was checked and what it found. */
  convergence: ConvergenceCheck;
  iterations: number;
  gradientNorm: number;
  /** Points used, and those excluded with the reason. */
  n: number;
  excluded: { rows: number[]; reason: string };
  residuals: { rmsLog: number; maxAbsLog: number; meanAbsRelative: number };
  logLik: number;
  aic: number;
  bic: number;
  /** Parameter draws from the bootstrap (resampled by run, or by group), when one was run. */
  bootstrap?: { samples: Record<string, number[]>; resamples: number; seed: number; groups?: { column: string; count: number } };
  universality?: UniversalityTest;
  /** The points as fitted: law variable values, loss, and whether each point was included. */
  data: { variables: Record<string, number[]>; loss: number[]; included: boolean[] };
  /** Things the user should know: non-convergence, parameters at a bound, estimability (also in summary()). */
  warnings?: string[];
  /** Parameters at a bound, correlated pairs, wide exponents and lack of fit (also in summary()). */
  diagnostics: Diagnostics;
  /** Human-readable exclusion description, the data column used for each role, and the weights, for reports. */
  notes?: { exclusions: string; columns: string; starts?: string; weights?: string; time?: string };
  /** Covariance of the free parameters (asymptotic), by name, when it could be estimated. */
  covariance?: { names: string[]; matrix: number[][] } | null;
  /** Loss predicted by the fitted law; rows use law variable names or data column names or roles. */
  predict(rows: Array<Record<string, number>>): number[];
  /** Evaluates the law at one point given by law variable name, with optional parameter overrides. */
  evaluate(vars: Record<string, number>, params?: Record<string, number>): number;
  table(): DataFrame;
  summary(): string;
  toJSON(): object;
}
