import type { DataFrame } from '../data/frame';
import { toDataFrame } from '../data/frame';
import { attachDisplay } from '../display-hook';
import { ScalingLabError, checkOptionKeys } from '../errors';
import { fmt } from '../util/format';
import type { SweepResult, SweepVerdict } from './sweep-types';
import { exponentVerdict } from './sweep-verdict';

/** poolSweeps' options. */
export interface PoolOptions {
  /**
   * A standard deviation added in quadrature to every row's standard error, e.g. the spread of one
   * run's exponent over seeds (a toy's fit error treats correlated points as independent). Default 0.
   */
  systematic?: number;
  /** The exponent the pool is checked against. Default: the rows' expected value when they all share it. */
  universal?: number;
  /** Level of the homogeneity test. Default 0.05. */
  significance?: number;
  /** Consistent when the weighted mean is within this many of its (scaled) standard errors of the universal value. Default 2. */
  withinSE?: number;
}

/** One row of the pool: the sweep it comes from, its configuration and its exponent with the error used. */
export interface PooledRow {
  sweep: string;
  configuration: Record<string, unknown>;
  exponent: number;
  /** The fit's standard error. */
  fitStderr: number;
  /** sqrt(fitStderr^2 + systematic^2): the error the pool weighs the row with. */
  stderr: number;
  coefficient: number;
}

/** The verdict over the pooled rows, with the weighted mean's error scaled by the Birge ratio. */
export interface PooledVerdict extends SweepVerdict {
  systematic: number;
  /** sqrt(chi2 / df): how much more the rows scatter than their errors allow (1 when they do not). */
  birgeRatio: number;
  /** The weighted mean's standard error times max(1, birgeRatio): an error that covers the spread of the rows. */
  scaledStderr: number;
  /** |weightedMean - universal| <= withinSE x scaledStderr; null without a universal value. */
  consistentScaled: boolean | null;
}

export interface PooledSweeps {
  kind: 'pooled-sweeps';
  rows: PooledRow[];
  verdict: PooledVerdict;
  summary(): string;
  /** One row per configuration: sweep, configuration, exponent, fit error, pooled error, coefficient. */
  table(): DataFrame;
}

const KEYS = ['systematic', 'universal', 'significance', 'withinSE'];

function configurationText(values: Record<string, unknown>): string {
  return Object.entries(values).map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : JSON.stringify(v)}`).join(', ');
}

function pooledSummary(rows: PooledRow[], v: PooledVerdict): string {
  const lines = [`${rows.length} configurations from ${new Set(rows.map((r) => r.sweep)).size} sweeps, each exponent's error ${v.systematic ? `sqrt(fit error^2 + ${fmt(v.systematic, 3)}^2)` : 'its fit error'}`];
  for (const r of rows) lines.push(`  ${r.sweep}: ${configurationText(r.configuration)}: exponent ${fmt(r.exponent, 3)} +/- ${fmt(r.stderr, 2)}`);
  lines.push(`  weighted mean ${fmt(v.weightedMean, 4)} +/- ${fmt(v.stderr, 2)} (scaled by the Birge ratio ${fmt(v.birgeRatio, 3)}: +/- ${fmt(v.scaledStderr, 2)})`);
  lines.push(`  homogeneity: chi2 = ${fmt(v.chi2, 4)} on ${v.df} df, p = ${fmt(v.pValue, 3)}: ${v.homogeneous === null ? 'not tested' : v.homogeneous ? 'homogeneous' : 'NOT homogeneous: the exponent changes across the pool'}`);
  if (v.universal !== null) {
    const off = Math.abs(v.weightedMean - v.universal) / v.scaledStderr;
    lines.push(`  universal value ${fmt(v.universal, 4)}: ${v.consistentScaled ? 'consistent' : 'NOT consistent'} with the weighted mean (${fmt(off, 3)} scaled standard errors away; limit ${v.withinSE})`);
  }
  return lines.join('\n');
}

/**
 * Pools the rows of several sweeps of one toy (e.g. one factor at a time around a base configuration)
 * into one verdict: the inverse-variance weighted mean of the exponents, the chi-square test of their
 * homogeneity, and consistency with the universal value. Each row's error is its fit error combined
 * with `systematic`; when the rows scatter more than their errors (chi2 / df > 1), the mean's error is
 * scaled by the Birge ratio sqrt(chi2 / df), as the Particle Data Group does for inconsistent measurements.
 *   poolSweeps({ lr: lrSweep, temperature: tSweep }, { systematic: seedSpread })
 */
export function poolSweeps(sweeps: Record<string, SweepResult>, options: PoolOptions = {}): PooledSweeps {
  checkOptionKeys('poolSweeps', options, KEYS);
  const { systematic = 0, significance = 0.05, withinSE = 2 } = options;
  if (!(systematic >= 0) || !Number.isFinite(systematic)) throw new ScalingLabError('bad-option', `poolSweeps: systematic must be a finite number >= 0, got ${systematic}.`, 'pass e.g. systematic: 0.01 (the spread over seeds).');
  const entries = Object.entries(sweeps ?? {});
  if (!entries.length || entries.some(([, s]) => s?.kind !== 'sweep')) {
    throw new ScalingLabError('bad-input', 'poolSweeps: give an object of sweepToy results, e.g. { lr: lrSweep, temperature: tSweep }.');
  }
  const names = new Set(entries.map(([, s]) => s.name));
  if (names.size > 1) throw new ScalingLabError('bad-input', `poolSweeps: the sweeps are of different toys (${[...names].join(', ')}).`, 'pool sweeps of one toy.');
  const rows: PooledRow[] = entries.flatMap(([sweep, s]) => s.rows.map((r) => ({
    sweep, configuration: r.configuration, exponent: r.exponent.value, fitStderr: r.exponent.stderr,
    stderr: Math.hypot(r.exponent.stderr, systematic), coefficient: r.coefficient,
  })));
  const expected = [...new Set(entries.flatMap(([, s]) => s.rows.map((r) => r.expected)))];
  const universal = options.universal ?? (expected.length === 1 && Number.isFinite(expected[0]) ? expected[0] : null);
  const base = exponentVerdict(rows.map((r) => r.exponent), rows.map((r) => r.stderr), { universal, significance, withinSE });
  const birgeRatio = base.df > 0 ? Math.sqrt(base.chi2 / base.df) : NaN;
  const scaledStderr = base.stderr * (birgeRatio > 1 ? birgeRatio : 1);
  const verdict: PooledVerdict = {
    ...base, systematic, birgeRatio, scaledStderr,
    consistentScaled: universal === null || !base.n ? null : Math.abs(base.weightedMean - universal) <= withinSE * scaledStderr,
  };
  return attachDisplay({
    kind: 'pooled-sweeps' as const, rows, verdict,
    summary: () => pooledSummary(rows, verdict),
    table: () => toDataFrame({
      sweep: rows.map((r) => r.sweep), configuration: rows.map((r) => configurationText(r.configuration)),
      exponent: rows.map((r) => r.exponent), fit_stderr: rows.map((r) => r.fitStderr), stderr: rows.map((r) => r.stderr), coefficient: rows.map((r) => r.coefficient),
    }),
  });
}
