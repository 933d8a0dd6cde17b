import type { DataFrame } from '../data/frame';
import type { RowFilter } from '../data/select';
import type { FitResult, Objective } from '../fit/types';

/** The options and result of testSharedExponents, apart from the function so that its report can share them. */

export interface SharedExponentOptions {
  /** Column naming each run's group: a data set, a hyperparameter setting (required). */
  group: string;
  /** Which groups, in this order (values of the group column). Default: every value, in order of first appearance. */
  groups?: Array<string | number>;
  /** Rows to use: { column: value } (all must match) or a predicate. Default: every row. */
  where?: RowFilter;
  /**
   * The law, with free exponents (an expression or a built-in name). Default: the universal form with free
   * exponents, L0 + c_m/m^a_m + c_l/l^a_l + c_D/D^a_D, when every group has width and depth columns, else
   * L0 + c_N/N^a_N + c_D/D^a_D.
   */
  law?: string;
  /** Parameters shared across groups in the joint fit. Default: the law's free exponents. */
  shared?: string[];
  /** Parameters held at a value in every fit, e.g. { a_m: 1, a_l: 1 } to test the time exponent alone. */
  fixed?: Record<string, number>;
  /** IsoFLOP selection per group and budget, as compareRecipes' nearOptimum. Default 'auto' (0.05 for isoFLOP sweeps, else off). */
  nearOptimum?: number | false | 'auto';
  /** Fewest runs a group may have. Default 8. */
  minPoints?: number;
  /** Objective of every fit. Default 'lsq' (least squares on log L), so the likelihood-ratio statistic is exact. */
  objective?: Objective;
  /** Level of the intervals (default 0.95; value ± z stderr, no bootstrap). */
  level?: number;
  /** Column names by role when they are not found by alias. */
  columns?: Partial<Record<'loss' | 'params' | 'tokens' | 'width' | 'depth' | 'flops', string>>;
}

/** A parameter of one group in the joint fit, and its shift from the first group's. */
export interface CoefficientShift { value: number; stderr: number | null; shift: number; shiftStderr: number | null }

export interface SharedExponentTest {
  kind: 'shared-exponents';
  group: string;
  law: string;
  /** The parameters shared in the joint fit. */
  shared: string[];
  /** The groups, in order (the first is the reference of the coefficient shifts). */
  groups: string[];
  /** Each group's own fit (every parameter free, apart from `fixed`). */
  perGroup: Record<string, FitResult>;
  /** The joint fit with shared exponents, and each group's parameter names in it (c_N -> c_N_0, ...). */
  joint: { fit: FitResult; renames: Record<string, Record<string, string>> };
  /** Likelihood-ratio statistic n ln(SSR_shared / SSR_per-group), its degrees of freedom and p-value. */
  statistic: number;
  df: number;
  pValue: number;
  /** AIC and BIC of shared minus per-group exponents: positive favours exponents per group. */
  deltaAIC: number;
  deltaBIC: number;
  /** Points in all groups. */
  n: number;
  /** False when a fit did not converge or an exponent of a group is not determined (its interval includes 0). */
  determined: boolean;
  /** Why the data cannot tell, when they cannot. */
  undetermined: string[];
  /** Group -> parameter (not shared) -> its value in the joint fit and its shift from the first group. */
  coefficients: Record<string, Record<string, CoefficientShift>>;
  verdict: string;
  notes: string[];
  /** One row per group (and one for the joint fit): n, the exponents with intervals, the joint fit's coefficients. */
  table(): DataFrame;
  summary(): string;
  toJSON(): object;
}
