import type { ToyContext } from './context';

/** Columns of the curves table (step, tau, loss, and width or depth where swept), filled as the toy trains. */
export type CurveColumns<K extends string = string> = Record<K, number[]>;

/** The points the exponent was fitted on. */
export interface ToyPoints {
  x: number[];
  loss: number[];
  xLabel: string;
}

/** The fitted exponent (the log-log slope, sign flipped), what the paper expects, and the x range of the fit. */
export interface ToyExponent {
  value: number;
  stderr: number;
  ci: [number, number];
  expected: number;
  range: [number, number];
}

/** The exponent fitted on the first half of the training budget (see ToySpec.halfBudget), for the stability check. */
export interface HalfBudgetExponent {
  value: number;
  stderr: number;
}

/** What a toy's training returns; runToy adds the run's bookkeeping (backend, time, options). */
export interface ToyCore<Extra> {
  curves: CurveColumns;
  points: ToyPoints;
  exponent: ToyExponent;
  /** The same exponent from half the budget, as ToySpec.halfBudget describes. */
  halfBudget?: HalfBudgetExponent;
  notes: string[];
  /**
   * Numbers of the run that a sweep row carries next to the exponent (sweepToy's `measures` column
   * per key), e.g. superposition-time's time to its target loss; null where a run has none.
   */
  measures?: Record<string, number | null>;
  /** The toy's own results, typed per toy; runToy puts them on the result next to the common fields. */
  extra: Extra;
}

/** One toy as runToy sees it: its options (names, defaults, checks) and its training. */
export interface ToySpec<Options, Extra> {
  /** The toy's own option names, in the order the result lists them (the common ones come first). */
  readonly optionNames: readonly string[];
  /**
   * Fills in the defaults and checks the toy's own options, throwing a ScalingLabError that names the
   * option. `given` holds the caller's options without the undefined ones.
   */
  resolve(given: Record<string, unknown>): Options;
  /** Steps over the whole run, for progress. */
  totalSteps(options: Options): number;
  /**
   * The memory the run will allocate, in bytes per part (parameters, optimizer state, data, work
   * buffers, tfjs operands), estimated from the options alone: runToy refuses a run above maxMemoryMB
   * before anything is allocated. Every toy gives one (test/unit/toys.test.ts checks it).
   */
  memory?(options: Options): Record<string, number>;
  /** True when the training loop honours the common option stopAfter (ToyContext.stepsToTrain). */
  readonly stopsAfter?: boolean;
  /** How the toy's halfBudget exponent is measured, in one sentence for the result and docs/toys.md. */
  readonly halfBudget?: string;
  train(options: Options, ctx: ToyContext): Promise<ToyCore<Extra>>;
  /** The paper's statement of the exponent, for the summary. */
  readonly paper: string;
}
