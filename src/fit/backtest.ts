import { ScalingLabError, checkOptionKeys } from '../errors';
import { toColumns, findColumn, numRows, type DataInput } from '../data/columns';
import type { Columns } from '../data/frame';
import { Rng } from '../util/random';
import { interval } from '../util/stats';
import { fmt } from '../util/format';
import { attachDisplay } from '../display-hook';
import { checkLevel } from './settings';
import { fitUniversal, type UniversalOptions } from './universal';
import { fitLaw, type LawOptions } from './law';
import type { ExcludeSpec, Row } from './exclude';
import type { FitResult } from './types';
import { backtestMetrics, backtestSummary, backtestTable, type BacktestPrediction, type BacktestResult } from './backtestReport';

export type { BacktestPrediction, BacktestResult, BacktestMetrics } from './backtestReport';

/**
 * Backtesting a scaling law (docs/methods.md#backtesting): fit on the small runs, predict the large
 * ones, and say how far off the predictions are and whether the bootstrap intervals cover them.
 */

/** The fit to backtest: fitUniversal's options, or fitLaw's with the law under `law`. */
export type BacktestFit = (UniversalOptions & { law?: undefined }) | (LawOptions & { law: string });

/** Which runs are held out. Give trainBelow or leaveOut. */
export interface BacktestOptions {
  /** Hold out every run with compute C >= this budget (FLOPs); fit on the rest. */
  trainBelow?: number;
  /** 'largest': hold out the runs of the largest model size(s); fit on the rest. */
  leaveOut?: 'largest';
  /** With leaveOut: how many of the largest sizes to hold out (default 1). */
  sizes?: number;
  /**
   * Columns that place the runs: compute (default: the flops column, else 6 N D) and model size (default:
   * the params column, else N = 12 width^2 depth, the frontier's count, docs/derivations.md#optimal-shape).
   */
  flops?: string;
  params?: string;
  /** Level of the intervals (default: the fit's level, 0.95 unless fitOptions.level says otherwise). */
  level?: number;
  /** Seed of the residual draws that widen parameter intervals into prediction intervals (default 0). */
  seed?: number;
}

const FN = 'backtest';
const KEYS = ['trainBelow', 'leaveOut', 'sizes', 'flops', 'params', 'level', 'seed'];

/**
 * Fits on the runs below a budget (or without the largest model) and predicts the held-out runs.
 * E.g. backtest(datasets.chinchilla(), { exclude: { highestLoss: 40 } }, { trainBelow: 1e21 }) or
 * backtest(runs, { law: 'chinchilla', starts: 'hoffmann' }, { leaveOut: 'largest' }).
 */
export function backtest(data: DataInput, fitOptions: BacktestFit = {}, options: BacktestOptions = {}): BacktestResult {
  checkOptionKeys(FN, options, KEYS);
  if (fitOptions === null || typeof fitOptions !== 'object') throw new ScalingLabError('bad-option', `${FN}: fitOptions must be fitUniversal's or fitLaw's options (with law: '...'), got ${typeof fitOptions}.`, "pass {} for fitUniversal's defaults, or e.g. { law: 'chinchilla' } for fitLaw.");
  const columns = toColumns(data, FN);
  const { train, test, rule } = splitRuns(columns, options);
  const fit = fitOn(columns, train, fitOptions);
  const level = options.level === undefined ? fit.level : checkLevel(FN, options.level);
  const residuals = trainingResiduals(fit);
  const rng = new Rng(options.seed ?? 0);
  const predictions = test.map((row) => predictRow(fit, columns, row, level, residuals, rng));
  const result: BacktestResult = {
    kind: 'backtest', rule, fit, train, test, predictions, level, metrics: backtestMetrics(predictions),
    table: () => backtestTable(result), summary: () => backtestSummary(result),
    toJSON: () => ({ kind: 'backtest', rule, train, test, predictions, level, metrics: result.metrics, fit: fit.toJSON() }),
  };
  return attachDisplay(result);
}

/** Training and held-out rows, and the rule as a sentence. */
function splitRuns(columns: Columns, options: BacktestOptions): { train: number[]; test: number[]; rule: string } {
  const { trainBelow, leaveOut } = options;
  if ((trainBelow === undefined) === (leaveOut === undefined)) {
    throw new ScalingLabError('missing-option', `${FN}: give exactly one of trainBelow (a compute budget) and leaveOut: 'largest'.`, "e.g. backtest(runs, {}, { trainBelow: 1e21 }) or { leaveOut: 'largest' }.");
  }
  const all = Array.from({ length: numRows(columns) }, (_, i) => i);
  let held: Set<number>, rule: string;
  if (trainBelow !== undefined) {
    if (!(trainBelow > 0) || !Number.isFinite(trainBelow)) throw new ScalingLabError('bad-option', `${FN}: trainBelow must be a positive compute budget in FLOPs, got ${trainBelow}.`);
    if (options.sizes !== undefined) throw new ScalingLabError('bad-option', `${FN}: sizes goes with leaveOut, not trainBelow.`);
    const { values, label } = computeOf(columns, options);
    held = new Set(all.filter((i) => values[i] >= trainBelow));
    rule = `fit on runs with ${label} < ${fmt(trainBelow)}, predict the ${held.size} runs at or above it`;
  } else {
    if (leaveOut !== 'largest') throw new ScalingLabError('bad-option', `${FN}: leaveOut must be 'largest', got ${JSON.stringify(leaveOut)}.`, "use leaveOut: 'largest' (with sizes), or trainBelow: <FLOPs>.");
    const k = options.sizes ?? 1;
    if (!Number.isInteger(k) || k < 1) throw new ScalingLabError('bad-option', `${FN}: sizes must be a whole number >= 1, got ${k}.`);
    const { values, label } = sizeOf(columns, options);
    const distinct = [...new Set(values)].sort((a, b) => b - a);
    if (distinct.length <= k) throw new ScalingLabError('too-few-points', `${FN}: the data has ${distinct.length} model sizes; holding out ${k} leaves none to fit on.`, 'hold out fewer sizes (sizes: 1) or add runs.');
    const cut = distinct[k - 1];
    held = new Set(all.filter((i) => values[i] >= cut));
    rule = `fit without the ${k === 1 ? 'largest model' : `${k} largest models`} (${label} >= ${fmt(cut)}), predict its ${held.size} runs`;
  }
  const test = all.filter((i) => held.has(i)), train = all.filter((i) => !held.has(i));
  if (test.length === 0) throw new ScalingLabError('empty-selection', `${FN}: no run is held out (${rule}).`, 'lower trainBelow below the largest compute in the data.');
  if (train.length === 0) throw new ScalingLabError('empty-selection', `${FN}: every run is held out (${rule}), none is left to fit on.`, 'raise trainBelow above the smallest compute in the data.');
  return { train, test, rule };
}

/** Compute per run: the flops column, else 6 N D (N from params, else 12 width^2 depth). */
function computeOf(columns: Columns, options: BacktestOptions): { values: number[]; label: string } {
  const flops = findColumn(columns, 'flops', options.flops);
  if (options.flops !== undefined && !flops) throw missing('flops', options.flops, columns);
  if (flops) return { values: positiveColumn(columns, flops, 'compute'), label: `${flops}` };
  const tokens = findColumn(columns, 'tokens');
  if (!tokens) throw new ScalingLabError('missing-column', `${FN}: trainBelow needs each run's compute: no flops column, and no tokens column to form 6 N D. Columns present: ${Object.keys(columns).join(', ')}.`, "name the compute column with { flops: '<column>' }, or use leaveOut: 'largest'.");
  const size = sizeOf(columns, options);
  const D = positiveColumn(columns, tokens, 'tokens');
  return { values: size.values.map((n, i) => 6 * n * D[i]), label: `C = 6 N D (N = ${size.label}, D = ${tokens})` };
}

/** Model size per run: the params column, else 12 width^2 depth. */
function sizeOf(columns: Columns, options: BacktestOptions): { values: number[]; label: string } {
  const params = findColumn(columns, 'params', options.params);
  if (options.params !== undefined && !params) throw missing('params', options.params, columns);
  if (params) return { values: positiveColumn(columns, params, 'model size'), label: params };
  const width = findColumn(columns, 'width'), depth = findColumn(columns, 'depth');
  if (!width || !depth) throw new ScalingLabError('missing-column', `${FN}: no params column, nor width and depth columns to count parameters. Columns present: ${Object.keys(columns).join(', ')}.`, "name the size column with { params: '<column>' }.");
  const m = positiveColumn(columns, width, 'width'), l = positiveColumn(columns, depth, 'depth');
  return { values: m.map((w, i) => 12 * w * w * l[i]), label: `12 ${width}^2 ${depth}` };
}

function positiveColumn(columns: Columns, name: string, what: string): number[] {
  return columns[name].map((v, i) => {
    const x = typeof v === 'number' ? v : Number(v);
    if (!(x > 0) || !Number.isFinite(x)) throw new ScalingLabError('bad-value', `${FN}: row ${i} has ${name} = ${String(v)}; the ${what} that places a run must be a positive number.`, 'fix or remove the row.');
    return x;
  });
}

function missing(role: string, name: string, columns: Columns): ScalingLabError {
  return new ScalingLabError('missing-column', `${FN}: the ${role} column '${name}' is not in the data. Columns present: ${Object.keys(columns).join(', ')}.`, `pass { ${role}: '<one of the columns above>' }.`);
}

/** The fit on the training rows; exclusions given by row index or predicate keep meaning the data's rows. */
function fitOn(columns: Columns, train: number[], fitOptions: BacktestFit): FitResult {
  const subset: Columns = {};
  for (const [k, v] of Object.entries(columns)) subset[k] = train.map((i) => v[i]);
  const { law, ...rest } = fitOptions as BacktestFit & { exclude?: ExcludeSpec };
  if (rest.exclude !== undefined) rest.exclude = remapExclude(rest.exclude, train);
  return typeof law === 'string' ? fitLaw(subset, law, rest as LawOptions) : fitUniversal(subset, rest as UniversalOptions);
}

/** An exclusion on the data's rows, rewritten for the training subset (held-out rows drop out of it). */
function remapExclude(spec: ExcludeSpec, train: number[]): ExcludeSpec {
  const position = new Map(train.map((r, j) => [r, j]));
  const rows = (idx: number[]) => (Array.isArray(idx) ? idx.flatMap((r) => (position.has(r) ? [position.get(r)!] : [])) : idx);
  const pred = (f: (row: Row, i: number) => boolean) => (typeof f === 'function' ? (row: Row, j: number) => f(row, train[j]) : f);
  if (Array.isArray(spec)) return rows(spec);
  if (typeof spec === 'function') return pred(spec);
  if (spec && typeof spec === 'object') {
    return { ...spec, ...(spec.rows !== undefined ? { rows: rows(spec.rows) } : {}), ...(spec.where !== undefined ? { where: pred(spec.where) } : {}) };
  }
  return spec;
}

/** Log residuals of the training points the fit used: log L - log f. */
function trainingResiduals(fit: FitResult): number[] {
  const { variables, loss, included } = fit.data;
  const names = Object.keys(variables);
  const out: number[] = [];
  included.forEach((used, i) => {
    if (!used) return;
    const vars = Object.fromEntries(names.map((v) => [v, variables[v][i]]));
    out.push(Math.log(loss[i]) - Math.log(fit.evaluate(vars)));
  });
  return out;
}

/** One held-out run: the law's prediction, its bootstrap interval, and the interval widened by a resampled residual. */
function predictRow(fit: FitResult, columns: Columns, row: number, level: number, residuals: number[], rng: Rng): BacktestPrediction {
  const vars: Record<string, number> = {};
  for (const v of Object.keys(fit.roles)) {
    const x = Number(columns[fit.columns[v]][row]);
    if (!(x > 0) || !Number.isFinite(x)) throw new ScalingLabError('bad-value', `${FN}: held-out row ${row} has ${fit.columns[v]} = ${String(columns[fit.columns[v]][row])}; the law needs a positive ${fit.roles[v]} to predict it.`, 'fix or remove the row.');
    vars[v] = x;
  }
  const actual = Number(columns[fit.columns.loss][row]);
  if (!(actual > 0) || !Number.isFinite(actual)) throw new ScalingLabError('bad-value', `${FN}: held-out row ${row} has loss ${String(columns[fit.columns.loss][row])}; it must be a positive number.`, 'fix or remove the row.');
  const predicted = fit.evaluate(vars);
  let band: [number, number] | null = null, wide: [number, number] | null = null;
  const draws = fit.bootstrap?.samples;
  if (draws) {
    const names = Object.keys(draws);
    const law: number[] = [], noisy: number[] = [];
    for (let b = 0; b < fit.bootstrap!.resamples; b++) {
      const y = fit.evaluate(vars, Object.fromEntries(names.map((k) => [k, draws[k][b]])));
      if (!(y > 0) || !Number.isFinite(y)) continue;
      law.push(y);
      noisy.push(y * Math.exp(residuals[rng.int(residuals.length)]));
    }
    if (law.length) { band = interval(law, level); wide = interval(noisy, level); }
  }
  return {
    row, variables: vars, actual, predicted, relativeError: predicted / actual - 1, logError: Math.log(predicted / actual),
    interval: band, predictionInterval: wide, covered: wide ? actual >= wide[0] && actual <= wide[1] : null,
  };
}
