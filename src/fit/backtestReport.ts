import type { DataFrame } from '../data/frame';
import { toDataFrame } from '../data/frame';
import { fmt } from '../util/format';
import { levelText } from './inference';
import type { FitResult } from './types';

/** The result types of backtest, its error metrics, table and summary. */

/** One held-out run. */
export interface BacktestPrediction {
  /** Row of the input data. */
  row: number;
  /** The law's variables at this run, e.g. { m: 4096, l: 48, D: 1e12 }. */
  variables: Record<string, number>;
  actual: number;
  predicted: number;
  /** predicted / actual - 1. */
  relativeError: number;
  /** ln(predicted / actual). */
  logError: number;
  /** Interval of the law's prediction over the bootstrap draws of the parameters (null without a bootstrap). */
  interval: [number, number] | null;
  /** The same draws each times a resampled training residual exp(r): where a new run's loss should fall. */
  predictionInterval: [number, number] | null;
  /** Whether the actual loss lies in the prediction interval (null without a bootstrap). */
  covered: boolean | null;
}

export interface BacktestMetrics {
  n: number;
  /** Mean of |predicted / actual - 1|. */
  meanAbsRelativeError: number;
  maxAbsRelativeError: number;
  /** Root mean square of ln(predicted / actual). */
  rmsLogError: number;
  /** Mean of ln(predicted / actual): positive means the law over-predicts the loss. */
  bias: number;
  /** Share of held-out runs inside their prediction interval (null without a bootstrap). */
  coverage: number | null;
  /** Share inside the parameter-only interval (null without a bootstrap). */
  intervalCoverage: number | null;
}

export interface BacktestResult {
  kind: 'backtest';
  /** The split as a sentence. */
  rule: string;
  /** The fit on the training runs. */
  fit: FitResult;
  /** Row indices (of the input data) fitted on, and held out. */
  train: number[];
  test: number[];
  /** One per held-out run, in data order. */
  predictions: BacktestPrediction[];
  metrics: BacktestMetrics;
  /** Level of the intervals. */
  level: number;
  /** One row per held-out run: row, the law's variables, actual, predicted, errors, intervals, covered. */
  table(): DataFrame;
  summary(): string;
  toJSON(): object;
}

export function backtestMetrics(p: BacktestPrediction[]): BacktestMetrics {
  const n = p.length;
  const mean = (f: (x: BacktestPrediction) => number) => p.reduce((s, x) => s + f(x), 0) / n;
  const withBand = p.filter((x) => x.predictionInterval);
  const inside = (x: BacktestPrediction, band: [number, number] | null) => !!band && x.actual >= band[0] && x.actual <= band[1];
  return {
    n,
    meanAbsRelativeError: mean((x) => Math.abs(x.relativeError)),
    maxAbsRelativeError: Math.max(...p.map((x) => Math.abs(x.relativeError))),
    rmsLogError: Math.sqrt(mean((x) => x.logError ** 2)),
    bias: mean((x) => x.logError),
    coverage: withBand.length ? withBand.filter((x) => inside(x, x.predictionInterval)).length / withBand.length : null,
    intervalCoverage: withBand.length ? withBand.filter((x) => inside(x, x.interval)).length / withBand.length : null,
  };
}

export function backtestTable(r: BacktestResult): DataFrame {
  const p = r.predictions;
  const vars = p.length ? Object.keys(p[0].variables) : [];
  const band = (f: (x: BacktestPrediction) => number | undefined) => p.map((x) => f(x) ?? NaN);
  return toDataFrame({
    row: p.map((x) => x.row),
    ...Object.fromEntries(vars.map((v) => [r.fit.columns[v] ?? v, p.map((x) => x.variables[v])])),
    actual: p.map((x) => x.actual),
    predicted: p.map((x) => x.predicted),
    relativeError: p.map((x) => x.relativeError),
    lo: band((x) => x.interval?.[0]), hi: band((x) => x.interval?.[1]),
    predictionLo: band((x) => x.predictionInterval?.[0]), predictionHi: band((x) => x.predictionInterval?.[1]),
    covered: p.map((x) => (x.covered === null ? 'n/a' : x.covered ? 'yes' : 'no')),
  });
}

export function backtestSummary(r: BacktestResult): string {
  const m = r.metrics;
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const lines = [
    `Backtest of ${r.fit.lawName ? `the ${r.fit.lawName} law ` : ''}L = ${r.fit.law}`,
    `  ${r.rule}: ${r.train.length} runs fitted (${r.fit.n} used after exclusions), ${r.test.length} held out`,
    `  held-out error: mean |relative| ${pct(m.meanAbsRelativeError)}, max ${pct(m.maxAbsRelativeError)}, rms log ${fmt(m.rmsLogError, 3)}, bias ${fmt(m.bias, 3)} (${m.bias > 0 ? 'over' : 'under'}-predicts the loss)`,
  ];
  if (m.coverage === null) lines.push('  no bootstrap in the fit: run it with bootstrap > 0 for intervals and coverage.');
  else {
    lines.push(`  coverage at ${levelText(r.level)}: ${pct(m.coverage)} of held-out runs inside the prediction interval (bootstrap draws x resampled residual), ${pct(m.intervalCoverage!)} inside the law's own interval`);
  }
  const worst = [...r.predictions].sort((a, b) => Math.abs(b.relativeError) - Math.abs(a.relativeError)).slice(0, 3);
  for (const w of worst) {
    const band = w.predictionInterval ? ` [${fmt(w.predictionInterval[0])}, ${fmt(w.predictionInterval[1])}]` : '';
    lines.push(`    row ${w.row}: actual ${fmt(w.actual)}, predicted ${fmt(w.predicted)}${band} (${w.relativeError >= 0 ? '+' : ''}${pct(w.relativeError)})`);
  }
  if (r.fit.warnings?.length) lines.push(...r.fit.warnings.map((w) => `  WARNING (fit): ${w}`));
  return lines.join('\n');
}
