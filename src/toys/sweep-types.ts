import type { DataFrame } from '../data/frame';
import type { ToyBackend } from './engine';
import type { ToyOptions, ToyName, ToyTypes } from './registry';
import type { ShownToyOptions } from './result';
import type { ToyPoints } from './core';
import type { ToyStability } from './stability';

/** The factors of a sweep: option name -> the values to try (the grid is their cartesian product). */
export type SweepFactors<N extends ToyName = ToyName> = { [K in keyof ToyTypes[N]['options'] | 'seed']?: unknown[] };

/** sweepToy's options: the toy's own (fixed for every configuration), the grid, and the sweep's. */
export type SweepOptions<N extends ToyName = ToyName> = ToyOptions<N> & {
  /** The options to vary, each with its list of values, e.g. { lr: [0.02, 0.04], temperature: [1e-3, 3e-3] }. */
  vary: SweepFactors<N>;
  /** Worker threads running configurations in parallel. Default os.availableParallelism(). */
  workers?: number;
  /** The exponent the verdict checks the sweep against. Default: the toy's expected value when every configuration shares it. */
  universal?: number;
  /** Level of the chi-square test of homogeneity: homogeneous when p >= significance. Default 0.05. */
  significance?: number;
  /** Consistent with the universal value when the weighted mean is within this many of its standard errors of it. Default 2. */
  withinSE?: number;
};

/** One configuration's run. */
export interface SweepRow {
  /** The varied options' values. */
  configuration: Record<string, unknown>;
  /** Canonical key: the varied options sorted by name, `name=JSON value` joined by ';' (e.g. lr=0.04;temperature=0.001). */
  key: string;
  /** The run's seed (derived from the base seed and the key unless seed is varied; docs/toys.md#sweeps). */
  seed: number;
  exponent: { value: number; stderr: number; ci: [number, number] };
  /** The exponent the toy's mechanism predicts for this configuration. */
  expected: number;
  /** c of loss ~ c x^(-exponent). */
  coefficient: number;
  stability: ToyStability | null;
  /** The points the exponent was fitted on (x and loss, e.g. final loss by width). */
  points: ToyPoints;
  /** The toy's own results, as runToy puts them on its result (e.g. overlap by width for superposition-width). */
  extra: Record<string, unknown>;
  backend: ToyBackend;
  seconds: number;
}

/** Are the exponents the same across the sweep, and the universal value? */
export interface SweepVerdict {
  /** Rows in the test: a finite exponent with a positive standard error. */
  n: number;
  /** Rows left out (no standard error, e.g. two widths only). */
  leftOut: number;
  /** Inverse-variance weighted mean of the exponents, sum(w e) / sum(w) with w = 1 / stderr^2, and its standard error 1 / sqrt(sum w). */
  weightedMean: number;
  stderr: number;
  /** Homogeneity: chi2 = sum w (e - weightedMean)^2 with n - 1 degrees of freedom, p its upper tail. */
  chi2: number;
  df: number;
  pValue: number;
  significance: number;
  /** p >= significance; null with fewer than 2 rows. */
  homogeneous: boolean | null;
  universal: number | null;
  withinSE: number;
  /** |weightedMean - universal| <= withinSE x stderr; null without a universal value or rows. */
  consistent: boolean | null;
  /** The two rules in words, for the summary. */
  rule: string;
}

/** What sweepToy returns. */
export interface SweepResult<N extends ToyName = ToyName> {
  kind: 'sweep';
  name: N;
  /** The varied options, in the order given. */
  factors: string[];
  /** One row per configuration, in grid order (the first factor varies slowest). */
  rows: SweepRow[];
  verdict: SweepVerdict;
  /** The options every configuration shares (defaults filled in; the varied ones are in the rows). */
  options: Partial<ShownToyOptions<N>>;
  workers: number;
  seconds: number;
  summary(): string;
  /** One row per configuration: the factors, seed, exponent, stderr, CI, expected, coefficient, half-budget exponent, drift, stable, seconds. */
  table(): DataFrame;
  toJSON(): object;
}
