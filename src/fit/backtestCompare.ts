import { ScalingLabError, checkOptionKeys } from '../errors';
import { attachDisplay } from '../display-hook';
import { toDataFrame, type DataFrame } from '../data/frame';
import { Rng } from '../util/random';
import { interval } from '../util/stats';
import { fmt } from '../util/format';
import { checkLevel } from './settings';
import { levelText } from './inference';
import type { BacktestResult } from './backtestReport';

/**
 * Which law extrapolates better (docs/methods.md#comparing-backtests): the held-out errors of several
 * backtests of the same split, each model's mean |relative error| with an interval, and each model's
 * difference from a reference with a paired interval (the same held-out runs resampled for every model).
 */

export interface BacktestComparisonOptions {
  /** The model the others are compared with (default: the first). */
  reference?: string;
  /** Resamples of the held-out runs (default 2000). */
  resamples?: number;
  /** Seed of the resampling (default 0). */
  seed?: number;
  /** Level of the intervals (default 0.95). */
  level?: number;
  /**
   * One value per row of the data (e.g. the model-size column): held-out runs with equal values are
   * resampled together, as runs of one model share their errors. Default: each run alone.
   */
  cluster?: ArrayLike<unknown>;
}

/** One model's held-out error. */
export interface BacktestModelError {
  name: string;
  /** Mean |predicted / actual - 1| over the held-out runs, and its interval. */
  meanAbsRelativeError: number;
  interval: [number, number];
  maxAbsRelativeError: number;
  /** Mean ln(predicted / actual): positive over-predicts the loss. */
  bias: number;
}

/** A model against the reference: positive means larger errors than the reference. */
export interface BacktestDifference {
  name: string;
  reference: string;
  /** Mean |relative error| of the model minus the reference's, over the same runs. */
  difference: number;
  interval: [number, number];
  /** 'larger' or 'smaller' when the interval excludes 0, else 'indistinguishable'. */
  verdict: 'larger' | 'smaller' | 'indistinguishable';
}

export interface BacktestComparison {
  kind: 'backtest-comparison';
  rule: string;
  reference: string;
  models: BacktestModelError[];
  differences: BacktestDifference[];
  /** Held-out runs, and the groups resampled (runs without `cluster`). */
  heldOut: number;
  groups: number;
  resamples: number;
  seed: number;
  level: number;
  table(): DataFrame;
  summary(): string;
  toJSON(): Record<string, unknown>;
}

const FN = 'compareBacktests';
const KEYS = ['reference', 'resamples', 'seed', 'level', 'cluster'];

/** E.g. compareBacktests({ fixed: backtest(runs, {}, split), free: backtest(runs, { exponents: 'free' }, split) }). */
export function compareBacktests(results: Record<string, BacktestResult>, options: BacktestComparisonOptions = {}): BacktestComparison {
  checkOptionKeys(FN, options, KEYS);
  const names = Object.keys(results ?? {});
  if (names.length < 2 || names.some((k) => results[k]?.kind !== 'backtest')) {
    throw new ScalingLabError('bad-input', `${FN}: give an object of two or more backtest results, e.g. { fixed: backtest(...), free: backtest(...) }.`, 'backtest each law on the same data and split, then compare them by name.');
  }
  const reference = options.reference ?? names[0];
  if (!names.includes(reference)) throw new ScalingLabError('bad-option', `${FN}: reference '${reference}' is not one of ${names.join(', ')}.`, 'name one of the backtests given.');
  const test = results[reference].test;
  for (const k of names) {
    if (results[k].test.length !== test.length || results[k].test.some((row, i) => row !== test[i])) {
      throw new ScalingLabError('bad-input', `${FN}: backtest '${k}' held out other runs than '${reference}', so their errors do not pair up.`, 'use the same split (trainBelow or leaveOut) on the same data for every model.');
    }
  }
  const resamples = options.resamples ?? 2000;
  if (!Number.isInteger(resamples) || resamples < 100) throw new ScalingLabError('bad-option', `${FN}: resamples must be an integer of at least 100, got ${String(resamples)}.`, 'e.g. resamples: 2000 (the default).');
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new ScalingLabError('bad-option', `${FN}: seed must be an integer, got ${String(seed)}.`);
  const level = checkLevel(FN, options.level);
  const groups = clusters(test, options.cluster);
  const errors = names.map((k) => results[k].predictions.map((p) => Math.abs(p.relativeError)));
  const draws = resampleMeans(errors, groups, resamples, new Rng(seed));
  const ref = names.indexOf(reference);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const models = names.map((name, j): BacktestModelError => ({
    name, meanAbsRelativeError: mean(errors[j]), interval: interval(draws.map((d) => d[j]), level),
    maxAbsRelativeError: Math.max(...errors[j]), bias: results[name].metrics.bias,
  }));
  const differences = names.flatMap((name, j): BacktestDifference[] => {
    if (j === ref) return [];
    const ci = interval(draws.map((d) => d[j] - d[ref]), level);
    return [{ name, reference, difference: mean(errors[j]) - mean(errors[ref]), interval: ci, verdict: ci[0] > 0 ? 'larger' : ci[1] < 0 ? 'smaller' : 'indistinguishable' }];
  });
  const result: BacktestComparison = {
    kind: 'backtest-comparison', rule: results[reference].rule, reference, models, differences, heldOut: test.length, groups: groups.length, resamples, seed, level,
    table: () => toDataFrame({
      model: models.map((m) => m.name), meanAbsRelativeError: models.map((m) => m.meanAbsRelativeError),
      lo: models.map((m) => m.interval[0]), hi: models.map((m) => m.interval[1]),
      [`minus ${reference}`]: models.map((m) => differences.find((d) => d.name === m.name)?.difference ?? 0),
    }),
    summary: () => comparisonSummary(result),
    toJSON: () => ({ kind: result.kind, rule: result.rule, reference, models, differences, heldOut: result.heldOut, groups: result.groups, resamples, seed, level }),
  };
  return attachDisplay(result);
}

/** Held-out positions grouped by the cluster value of their row (each alone without one). */
function clusters(test: number[], cluster: ArrayLike<unknown> | undefined): number[][] {
  if (cluster === undefined) return test.map((_, i) => [i]);
  if (cluster === null || typeof cluster !== 'object' || typeof cluster.length !== 'number') {
    throw new ScalingLabError('bad-option', `${FN}: cluster must be an array with one value per row of the data, got ${typeof cluster}.`, 'e.g. cluster: the model-size column.');
  }
  const byKey = new Map<string, number[]>();
  test.forEach((row, i) => {
    if (row >= cluster.length) throw new ScalingLabError('bad-option', `${FN}: cluster has ${cluster.length} values, but held-out row ${row} is beyond them.`, 'give one value per row of the data the backtests ran on.');
    const key = JSON.stringify(cluster[row]);
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });
  return [...byKey.values()];
}

/** Per resample, each model's mean error over the resampled groups' runs. */
function resampleMeans(errors: number[][], groups: number[][], resamples: number, rng: Rng): number[][] {
  const out: number[][] = [];
  for (let b = 0; b < resamples; b++) {
    const sums = errors.map(() => 0);
    let count = 0;
    for (let g = 0; g < groups.length; g++) {
      for (const i of groups[rng.int(groups.length)]) {
        errors.forEach((e, j) => { sums[j] += e[i]; });
        count++;
      }
    }
    out.push(sums.map((s) => s / count));
  }
  return out;
}

function comparisonSummary(r: BacktestComparison): string {
  const pct = (x: number) => `${fmt(100 * x, 3)}%`;
  const band = (ci: [number, number]) => `[${pct(ci[0])}, ${pct(ci[1])}]`;
  const by = r.groups === r.heldOut ? 'held-out runs' : `${r.groups} groups of held-out runs`;
  return [
    `Backtests compared: ${r.rule}, ${r.heldOut} held-out runs; ${levelText(r.level)} intervals from ${r.resamples} resamples of the ${by} (seed ${r.seed})`,
    ...r.models.map((m) => `  ${m.name}: mean |relative error| ${pct(m.meanAbsRelativeError)} ${band(m.interval)}, max ${pct(m.maxAbsRelativeError)}, bias ${fmt(m.bias, 3)}`),
    ...r.differences.map((d) => `  ${d.name} minus ${d.reference}: ${d.difference >= 0 ? '+' : ''}${pct(d.difference)} ${band(d.interval)}: ${d.verdict === 'indistinguishable' ? 'indistinguishable' : `${d.verdict} errors than ${d.reference}`}`),
  ].join('\n');
}
