import { ScalingLabError, checkOptionKeys } from '../errors';
import { toColumns, type DataInput } from '../data/columns';
import type { Columns } from '../data/frame';
import { attachDisplay } from '../display-hook';
import { progressReporter, type ProgressCallback } from '../progress';
import { Rng } from '../util/random';
import { chi2Sf, percentile } from '../util/stats';
import { fmt } from '../util/format';
import { checkAborted, inferenceSettings } from './settings';
import { fitUniversal, type UniversalOptions } from './universal';
import type { FitResult } from './types';

/**
 * The universality test's p-value without the chi-squared approximation (docs/methods.md#calibrating-the-universality-test):
 * data sets simulated under the fixed-exponent fit (its prediction times a resampled log residual) are
 * refitted with the same exponents freed, and the observed likelihood-ratio statistic is set against
 * theirs. With `groupBy`, runs that share those columns (one model shape) share an offset, as their
 * residuals do when the scatter is partly per model rather than per run.
 */

export interface CalibrationOptions {
  /** Simulated data sets (default 200). */
  resamples?: number;
  /** Seed of the residual draws (default 0). */
  seed?: number;
  /**
   * Columns whose equal values make a group (e.g. ['width', 'depth']: one model shape). Each simulated
   * group gets one offset drawn from the observed groups' mean residuals, and each run a within-group
   * residual. Default: none (every run draws one residual, independently).
   */
  groupBy?: string | string[];
  onProgress?: ProgressCallback;
  /** Stops the simulation (default: the running notebook cell's signal). */
  signal?: AbortSignal;
}

export interface UniversalityCalibration {
  kind: 'universality-calibration';
  /** The freed terms (width, depth, time). */
  freed: string[];
  /** The observed likelihood-ratio statistic and its degrees of freedom. */
  statistic: number;
  df: number;
  /** p-value from the chi-squared distribution (the fit's universality test). */
  pChiSquare: number;
  /** p-value from the simulations: (1 + #{simulated >= observed}) / (resamples + 1). */
  pValue: number;
  /** Simulated statistics under the fixed exponents, ascending. */
  nullStatistics: number[];
  /** Median and 95th percentile of the simulated statistics. */
  nullMedian: number;
  null95: number;
  /** Simulated free fits that did not pass the convergence check (their statistics are kept). */
  unconverged: number;
  groupBy: string[] | null;
  /** Number of groups (runs without groupBy). */
  groups: number;
  resamples: number;
  seed: number;
  summary(): string;
  toJSON(): Record<string, unknown>;
}

const FN = 'calibrateUniversality';
const KEYS = ['resamples', 'seed', 'groupBy', 'onProgress', 'signal'];

/**
 * E.g. calibrateUniversality(datasets.chinchilla(), { exponents: 'free', exclude: { highestLoss: 40 } }, { groupBy: ['width', 'depth'] }).
 * `fitOptions` are fitUniversal's, with at least one exponent free; the bootstrap is not run.
 */
export function calibrateUniversality(data: DataInput, fitOptions: UniversalOptions, options: CalibrationOptions = {}): UniversalityCalibration {
  checkOptionKeys(FN, options, KEYS);
  const settings = inferenceSettings(FN, { bootstrap: options.resamples ?? 200, seed: options.seed, onProgress: options.onProgress, signal: options.signal });
  if (settings.resamples < 1) throw new ScalingLabError('bad-option', `${FN}: resamples must be a positive integer, got ${String(options.resamples)}.`, 'e.g. resamples: 200 (the default).');
  const columns = toColumns(data, FN);
  const { onProgress: _p, signal: _s, bootstrap: _b, ...rest } = fitOptions ?? {};
  const observed = fitUniversal(columns, { ...rest, bootstrap: 0 });
  if (!observed.universality) {
    throw new ScalingLabError('bad-option', `${FN}: fitOptions free no exponent, so there is no universality test to calibrate.`, "pass exponents: 'free' or e.g. { time: 'free' }.");
  }
  const fixed = fitUniversal(columns, { ...rest, exponents: nullExponents(rest.exponents), bootstrap: 0 });
  const rows = fixed.data.included.flatMap((used, i) => (used ? [i] : []));
  const predicted = rows.map((i) => fixed.evaluate(variablesAt(fixed, i)));
  const residuals = rows.map((i, j) => Math.log(fixed.data.loss[i] / predicted[j]));
  const groupBy = options.groupBy === undefined ? null : [options.groupBy].flat();
  const draw = residualDraw(residuals, groupBy ? groupKeys(columns, groupBy, rows) : null);
  const simulated = subsetColumns(columns, rows);
  const lossColumn = fixed.columns.loss;
  const { exclude: _e, ...simOptions } = rest;
  const rng = new Rng(settings.seed);
  const report = progressReporter('simulations', settings.resamples, options.onProgress);
  const stats: number[] = [];
  let unconverged = 0;
  for (let b = 0; b < settings.resamples; b++) {
    checkAborted(settings.signal, FN, `simulation ${b + 1} of ${settings.resamples}`);
    const r = draw(rng);
    simulated[lossColumn] = predicted.map((f, j) => f * Math.exp(r[j]));
    const fit = fitUniversal(simulated, { ...simOptions, bootstrap: 0 });
    if (!fit.converged) unconverged++;
    stats.push(fit.universality!.statistic);
    report(b + 1);
  }
  return calibrationResult(observed, stats, unconverged, groupBy, draw.groups, settings);
}

/** The null model's exponents: every freed term back at its universal value, numbers kept. */
function nullExponents(spec: UniversalOptions['exponents']): UniversalOptions['exponents'] {
  if (spec === undefined || spec === 'free' || spec === 'fixed') return 'fixed';
  if (typeof spec !== 'object' || spec === null) return spec; // fitUniversal already rejected it
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== 'free'));
}

function variablesAt(fit: FitResult, i: number): Record<string, number> {
  return Object.fromEntries(Object.entries(fit.data.variables).map(([v, xs]) => [v, xs[i]]));
}

function subsetColumns(columns: Columns, rows: number[]): Columns {
  return Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, rows.map((i) => v[i])]));
}

function groupKeys(columns: Columns, names: string[], rows: number[]): string[] {
  for (const name of names) {
    if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(columns, name)) {
      throw new ScalingLabError('missing-column', `${FN}: groupBy names the column '${String(name)}', which is not in the data. Columns present: ${Object.keys(columns).join(', ')}.`, "e.g. groupBy: ['width', 'depth'] for one group per model shape.");
    }
  }
  return rows.map((i) => JSON.stringify(names.map((n) => columns[n][i])));
}

/** A draw of one residual per run: independent, or a group offset plus a within-group residual. */
function residualDraw(residuals: number[], keys: string[] | null): ((rng: Rng) => number[]) & { groups: number } {
  const n = residuals.length;
  if (!keys) return Object.assign((rng: Rng) => residuals.map(() => residuals[rng.int(n)]), { groups: n });
  const names = [...new Set(keys)];
  const index = keys.map((k) => names.indexOf(k));
  const sums = new Array<number>(names.length).fill(0), counts = new Array<number>(names.length).fill(0);
  index.forEach((g, j) => { sums[g] += residuals[j]; counts[g]++; });
  const means = sums.map((s, g) => s / counts[g]);
  const within = residuals.map((r, j) => r - means[index[j]]);
  const draw = (rng: Rng) => {
    const offset = names.map(() => means[rng.int(names.length)]);
    return index.map((g) => offset[g] + within[rng.int(n)]);
  };
  return Object.assign(draw, { groups: names.length });
}

function calibrationResult(observed: FitResult, stats: number[], unconverged: number, groupBy: string[] | null, groups: number,
  settings: { resamples: number; seed: number }): UniversalityCalibration {
  const u = observed.universality!;
  const sorted = [...stats].sort((a, b) => a - b);
  const above = stats.filter((s) => s >= u.statistic).length;
  const result: UniversalityCalibration = {
    kind: 'universality-calibration', freed: Object.keys(u.exponents), statistic: u.statistic, df: u.df,
    pChiSquare: chi2Sf(u.statistic, u.df), pValue: (1 + above) / (settings.resamples + 1), nullStatistics: sorted,
    nullMedian: percentile(sorted, 0.5), null95: percentile(sorted, 0.95), unconverged, groupBy, groups,
    resamples: settings.resamples, seed: settings.seed,
    summary: () => calibrationSummary(result),
    toJSON: () => { const { summary: _s, toJSON: _j, ...plain } = result; return plain; },
  };
  return attachDisplay(result);
}

function calibrationSummary(r: UniversalityCalibration): string {
  const scatter = r.groupBy ? `a per-group offset (${r.groups} groups by ${r.groupBy.join(', ')}) plus a within-group residual per run` : 'an independent residual per run';
  return [
    `Universality test calibrated by simulation (freed: ${r.freed.join(', ')})`,
    `  null: the fixed-exponent fit times exp(${scatter}), ${r.resamples} data sets, seed ${r.seed}`,
    `  observed LR statistic ${fmt(r.statistic)} on ${r.df} df: p = ${fmt(r.pValue, 3)} by simulation, ${fmt(r.pChiSquare, 3)} by chi-squared`,
    `  simulated statistics: median ${fmt(r.nullMedian)}, 95th percentile ${fmt(r.null95)} (chi-squared: ${fmt(chi2Quantile(0.5, r.df))}, ${fmt(chi2Quantile(0.95, r.df))})`,
    ...(r.unconverged ? [`  note: ${r.unconverged} simulated free fits did not pass the convergence check; their statistics are kept.`] : []),
  ].join('\n');
}

/** Chi-squared quantile by bisection on the survival function (for the summary's reference values). */
function chi2Quantile(p: number, df: number): number {
  let lo = 0, hi = Math.max(10, 10 * df);
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (1 - chi2Sf(mid, df) < p) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}
