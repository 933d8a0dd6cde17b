import { ScalingLabError } from '../errors';
import { attachDisplay } from '../display-hook';
import { weightedLine } from '../fit/weightedLine';
import { fmt } from '../util/format';
import { chi2Sf, normalQuantile } from '../util/stats';
import type { SweepResult } from './sweep-types';

/** An estimate with its standard error and interval at the trend's level. */
export interface TrendEstimate { value: number; stderr: number; ci: [number, number] }

/** Does a sweep's exponent follow one of its factors? The weighted line of the exponents on the factor. */
export interface SweepTrend {
  kind: 'sweep-trend';
  /** The factor the exponents are regressed on (a numeric factor of the sweep). */
  factor: string;
  /** Rows in the line: a finite exponent with a positive standard error. */
  n: number;
  /** d exponent / d factor. */
  slope: TrendEstimate;
  /** The exponent at factor = 0. */
  intercept: TrendEstimate;
  /** The slope of the rows' expected exponents on the factor (1 for the weak regime's alpha - 1, 0 when the expectation is constant); null when they are not a line in it. */
  expectedSlope: number | null;
  /** |slope - expectedSlope| in standard errors of the slope (null without an expected slope). */
  sigmas: number | null;
  /** How well a line describes the exponents: chi2 = sum w (e - line)^2 on n - 2 degrees of freedom, and its p-value. */
  chi2: number;
  df: number;
  pValue: number;
  /** The factor the standard errors were scaled by: sqrt(chi2 / df) when the exponents scatter more than their errors say, else 1. */
  scale: number;
  level: number;
  summary(): string;
}

function trendError(message: string, hint: string): never {
  throw new ScalingLabError('bad-input', `sweepTrend: ${message}`, hint);
}

/** The rows' factor values, exponents and standard errors that can enter the line. */
function trendPoints(sweep: SweepResult, factor: string): { x: number[]; e: number[]; se: number[]; expected: number[] } {
  if (!sweep || sweep.kind !== 'sweep') trendError('the first argument must be the result of sweepToy.', "e.g. sweepTrend(await sweepToy('superposition-width', { vary: { alpha: [1.25, 1.5, 2] } }), 'alpha').");
  if (!sweep.factors.includes(factor)) trendError(`'${factor}' is not a factor of this sweep (its factors: ${sweep.factors.join(', ')}).`, 'give one of the varied options.');
  const pts = { x: [] as number[], e: [] as number[], se: [] as number[], expected: [] as number[] };
  for (const r of sweep.rows) {
    const x = r.configuration[factor];
    if (typeof x !== 'number') trendError(`factor '${factor}' has the non-numeric value ${JSON.stringify(x)}.`, 'regress on a numeric factor (alpha, lr, steps, ...).');
    if (!(Number.isFinite(r.exponent.value) && r.exponent.stderr > 0)) continue;
    pts.x.push(x);
    pts.e.push(r.exponent.value);
    pts.se.push(r.exponent.stderr);
    pts.expected.push(r.expected);
  }
  if (new Set(pts.x).size < 2) trendError(`fewer than two distinct values of '${factor}' have an exponent with a standard error.`, 'sweep the factor over at least two values (three or more to test the line).');
  return pts;
}

/** The slope of the expected exponents on the factor, when they lie on a line in it (to 1e-9). */
function expectedLine(x: number[], expected: number[]): number | null {
  if (!expected.every(Number.isFinite)) return null;
  const line = weightedLine(x, expected, x.map(() => 1));
  if (!line) return null;
  const off = Math.max(...x.map((v, i) => Math.abs(expected[i] - line.intercept - line.slope * v)));
  return off <= 1e-9 * Math.max(1, ...expected.map(Math.abs)) ? line.slope : null;
}

/**
 * The weighted least-squares line of a sweep's exponents on one numeric factor (weights 1 / stderr^2):
 * does the exponent follow the factor, with the slope the mechanism predicts? E.g. the weak regime of
 * superposition-width expects alpha - 1, a slope of 1 in alpha; a universal exponent expects 0. The
 * standard errors are scaled by sqrt(chi2 / df) when the exponents scatter about the line more than their
 * own errors allow (never scaled down); intervals are value +/- z stderr at `level`. Rows of other
 * factors are pooled: sweep one factor at a time for a clean slope.
 */
export function sweepTrend(sweep: SweepResult, factor: string, options: { level?: number } = {}): SweepTrend {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) trendError(`level must be in (0, 1), got ${String(level)}.`, 'e.g. level: 0.95.');
  const { x, e, se, expected } = trendPoints(sweep, factor);
  const line = weightedLine(x, e, se.map((s) => 1 / (s * s)))!;
  const df = x.length - 2;
  const scale = df > 0 ? Math.max(1, Math.sqrt(line.chi2 / df)) : 1;
  const v = line.variances(scale * scale);
  const z = normalQuantile(1 - (1 - level) / 2);
  const est = (value: number, variance: number): TrendEstimate => ({ value, stderr: Math.sqrt(variance), ci: [value - z * Math.sqrt(variance), value + z * Math.sqrt(variance)] });
  const slope = est(line.slope, v.slope);
  const expectedSlope = expectedLine(x, expected);
  const result = {
    kind: 'sweep-trend' as const, factor, n: x.length, slope, intercept: est(line.intercept, v.intercept), expectedSlope,
    sigmas: expectedSlope === null ? null : Math.abs(slope.value - expectedSlope) / slope.stderr,
    chi2: line.chi2, df, pValue: df > 0 ? chi2Sf(line.chi2, df) : NaN, scale, level,
    summary: () => trendSummary(result),
  };
  return attachDisplay(result);
}

function trendSummary(t: Omit<SweepTrend, 'summary'>): string {
  const pct = `${Math.round(t.level * 100)}%`;
  const lines = [
    `Trend of the exponent in ${t.factor} (weighted line over ${t.n} configurations)`,
    `  slope ${fmt(t.slope.value, 4)} +/- ${fmt(t.slope.stderr, 3)} (${pct} CI ${fmt(t.slope.ci[0], 4)} to ${fmt(t.slope.ci[1], 4)}), intercept ${fmt(t.intercept.value, 4)} +/- ${fmt(t.intercept.stderr, 3)}`,
    t.expectedSlope === null ? '  expected slope: none (the expected exponents are not a line in the factor)'
      : `  expected slope ${fmt(t.expectedSlope, 4)}: the slope is ${fmt(t.sigmas!, 3)} standard errors from it`,
    t.df > 0 ? `  line: chi2 = ${fmt(t.chi2, 4)} on ${t.df} df, p = ${fmt(t.pValue, 3)}; standard errors scaled by ${fmt(t.scale, 3)}` : '  line: two values, no degrees of freedom left to test it',
  ];
  return lines.join('\n');
}
