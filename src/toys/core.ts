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

/** What a toy's training returns; runToy adds the run's bookkeeping (backend, time, options). */
export interface ToyCore<Extra> {
  curves: CurveColumns;
  points: ToyPoints;
  exponent: ToyExponent;
  notes: string[];
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
  train(options: Options, ctx: ToyContext): Promise<ToyCore<Extra>>;
  /** The paper's statement of the exponent, for the summary. */
  readonly paper: string;
}
