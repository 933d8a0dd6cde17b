import type { DataFrame } from '../data/frame';
import { attachDisplay } from '../display-hook';
import { ScalingLabError, checkOptionKeys } from '../errors';
import { toDataFrame, type Columns } from '../data/frame';
import { toColumns, type DataInput } from '../data/columns';
import { levelText, normalInterval } from './inference';
import { checkLevel } from './settings';
import { weightedLine } from './weightedLine';
import { hasOwn } from '../util/own';

/** An estimate with its standard error and interval at the fit's level (value +/- z stderr, in log space for the coefficient). */
export interface Estimate { value: number; stderr: number; ci: [number, number] }

export interface PowerLawOptions {
  /** Column of the abscissa, e.g. 'flops'. Required. */
  x: string;
  /** Column of the power-law quantity, e.g. 'n_star'. Required. */
  y: string;
  /** Column with the standard deviation of ln(y) per point; weights are 1/logStd^2. */
  logStd?: string;
  /** Column of weights (instead of logStd). Default: equal weights. */
  weights?: string;
  /**
   * Take the logStd (or 1/sqrt(weight)) values as absolute standard deviations (true), or only as
   * relative ones and rescale the covariance by the reduced chi-square (false, scipy curve_fit's default).
   * Default false.
   */
  absoluteSigma?: boolean;
  /** Level of the intervals (default 0.95). */
  level?: number;
  /**
   * Which rows form the series: column -> value (all must match), or a predicate on the row. Default: every row.
   * E.g. { recipe: 'RefinedWeb|Cosine decay' } for one of Porian et al.'s settings.
   */
  where?: Record<string, number | string> | ((row: Record<string, number | string>, index: number) => boolean);
}

export interface PowerLawFit {
  kind: 'powerlaw';
  /** b in y = a x^b. */
  exponent: Estimate;
  /** a in y = a x^b (interval from the log-space interval of ln a). */
  coefficient: Estimate;
  /** a x^b. */
  predict(x: number): number;
  n: number;
  /** Rows left out because x, y or the weight was missing (row indices of the input). */
  dropped: number[];
  /** Weighted root-mean-square of the ln(y) residuals. */
  rmsLog: number;
  /** Reduced chi-square (weighted sum of squared ln residuals / (n - 2)). */
  reducedChiSquare: number;
  /** Level of the intervals. */
  level: number;
  options: { x: string; y: string; logStd?: string; weights?: string; absoluteSigma: boolean };
  table(): DataFrame;
  summary(): string;
}

const KEYS = ['x', 'y', 'logStd', 'weights', 'absoluteSigma', 'level', 'where'];
const FN = 'fitPowerLaw';

function numberAt(col: Array<number | string>, i: number): number {
  const v = col[i];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

/** The series as fitted: ln x, ln y and weights of the usable rows, their row indices, and the rows left out. */
interface Series { lx: number[]; ly: number[]; w: number[]; kept: number[]; dropped: number[]; selected: number; rows: number }

/**
 * Weighted least squares of ln y on ln x: the exponent of an allocation series such as N*(C)
 * (Porian et al. regress ln n_star on ln flops weighted by 1/n_star_log_std^2).
 */
export function fitPowerLaw(data: DataInput, options: PowerLawOptions): PowerLawFit {
  checkOptionKeys(FN, options, KEYS);
  if (!options || typeof options.x !== 'string' || typeof options.y !== 'string') {
    throw new ScalingLabError('missing-option', `${FN}: options x and y (column names) are required.`, "e.g. fitPowerLaw(data, { x: 'flops', y: 'n_star', logStd: 'n_star_log_std' }).");
  }
  if (options.logStd !== undefined && options.weights !== undefined) {
    throw new ScalingLabError('bad-option', `${FN}: give logStd or weights, not both.`);
  }
  const level = checkLevel(FN, options.level);
  const series = readSeries(toColumns(data, FN), options);
  const { lx, ly, w } = series;
  const n = lx.length;
  if (n < 3) {
    throw new ScalingLabError('too-few-points', `${FN}: ${n} usable rows (${series.dropped.length} had missing values${options.where ? `, ${series.rows - series.selected} not selected by where` : ''}); an exponent with an error bar needs at least 3.`, 'give at least 3 rows with positive x and y (and weights), or widen where.');
  }
  const line = weightedLine(lx, ly, w);
  if (!line) throw new ScalingLabError('bad-data', `${FN}: every usable ${options.x} is the same; the exponent is not determined.`, `a power law in ${options.x} needs rows at two or more values of ${options.x}.`);
  const red = line.chi2 / (n - 2);
  const absolute = options.absoluteSigma === true && (options.logStd !== undefined || options.weights !== undefined);
  const v = line.variances(absolute ? 1 : red);
  const b = line.slope, a = line.intercept, seB = Math.sqrt(v.slope), seA = Math.sqrt(v.intercept);
  const coefficient = Math.exp(a);
  const result: PowerLawFit = {
    kind: 'powerlaw',
    exponent: { value: b, stderr: seB, ci: normalInterval(b, seB, level) },
    coefficient: { value: coefficient, stderr: coefficient * seA, ci: normalInterval(a, seA, level).map(Math.exp) as [number, number] },
    predict: (x: number) => coefficient * Math.pow(x, b),
    n,
    dropped: series.dropped,
    rmsLog: Math.sqrt(line.chi2 / w.reduce((s, x) => s + x, 0)),
    reducedChiSquare: red,
    level,
    options: { x: options.x, y: options.y, logStd: options.logStd, weights: options.weights, absoluteSigma: absolute },
    table: () => toDataFrame({
      [options.x]: lx.map(Math.exp),
      [options.y]: ly.map(Math.exp),
      fitted: lx.map((x) => Math.exp(a + b * x)),
      weight: w,
      row: series.kept,
    }),
    summary: () => powerLawSummary(result),
  };
  return attachDisplay(result);
}

function powerLawSummary(r: PowerLawFit): string {
  const f = (v: number) => Number(v.toPrecision(4)).toString();
  const { x, y, logStd, weights, absoluteSigma } = r.options;
  const ci = `${levelText(r.level)} CI`;
  const lines = [
    `Power law ${y} = a ${x}^b (weighted least squares on ln ${y}${logStd ? `, weights 1/${logStd}^2` : weights ? `, weights ${weights}` : ''})`,
    `  exponent b = ${f(r.exponent.value)} +/- ${f(r.exponent.stderr)}  ${ci} [${f(r.exponent.ci[0])}, ${f(r.exponent.ci[1])}]`,
    `  coefficient a = ${r.coefficient.value.toExponential(3)}  ${ci} [${r.coefficient.ci[0].toExponential(3)}, ${r.coefficient.ci[1].toExponential(3)}]`,
    `  n = ${r.n}, reduced chi-square = ${f(r.reducedChiSquare)} (${absoluteSigma ? 'standard errors from the given sigmas' : 'standard errors rescaled by it'})`,
  ];
  const d = r.dropped;
  if (d.length) lines.push(`  note: ${d.length} rows with missing values left out (rows ${d.slice(0, 10).join(', ')}${d.length > 10 ? ', ...' : ''}).`);
  return lines.join('\n');
}

/** The selected rows' ln x, ln y and weights; rows with a missing value are left out, bad values are errors. */
function readSeries(columns: Columns, options: PowerLawOptions): Series {
  const need = [options.x, options.y, options.logStd, options.weights].filter((c): c is string => typeof c === 'string');
  for (const c of need) {
    if (!hasOwn(columns, c)) {
      throw new ScalingLabError('missing-column', `${FN}: no column '${c}'.`, `columns are: ${Object.keys(columns).join(', ')}.`);
    }
  }
  const rows = columns[options.x].length;
  const selected = selectRows(columns, rows, options.where, FN);
  const out: Series = { lx: [], ly: [], w: [], kept: [], dropped: [], selected: selected.length, rows };
  for (const i of selected) {
    const x = numberAt(columns[options.x], i);
    const y = numberAt(columns[options.y], i);
    let weight = 1;
    if (options.logStd) weight = 1 / numberAt(columns[options.logStd], i) ** 2;
    else if (options.weights) weight = numberAt(columns[options.weights], i);
    if (Number.isNaN(x) || Number.isNaN(y) || Number.isNaN(weight)) { out.dropped.push(i); continue; }
    if (!(x > 0) || !(y > 0)) {
      throw new ScalingLabError('bad-value', `${FN}: row ${i} has ${options.x} = ${x}, ${options.y} = ${y}; a power law needs both positive and finite.`, 'remove the row or fix the value.');
    }
    if (!(weight > 0) || !Number.isFinite(weight)) {
      throw new ScalingLabError('bad-value', `${FN}: row ${i} has weight ${weight}${options.logStd ? ` (${options.logStd} = ${numberAt(columns[options.logStd], i)})` : ''}; weights must be positive and finite.`, 'remove the row or fix its standard deviation.');
    }
    out.lx.push(Math.log(x)); out.ly.push(Math.log(y)); out.w.push(weight); out.kept.push(i);
  }
  return out;
}

function selectRows(columns: Record<string, Array<number | string>>, rows: number, where: PowerLawOptions['where'], fn: string): number[] {
  const all = Array.from({ length: rows as number }, (_, i) => i);
  if (where === undefined) return all;
  if (typeof where === 'function') {
    const names = Object.keys(columns);
    return all.filter((i) => where(Object.fromEntries(names.map((c) => [c, columns[c][i]])), i));
  }
  if (!where || typeof where !== 'object') throw new ScalingLabError('bad-option', `${fn}: where must be an object { column: value } or a predicate (row, i) => boolean.`);
  for (const c of Object.keys(where)) {
    if (!hasOwn(columns, c)) throw new ScalingLabError('missing-column', `${fn}: where names a column '${c}' that is not in the data.`, `columns are: ${Object.keys(columns).join(', ')}.`);
  }
  const picked = all.filter((i) => Object.entries(where).every(([c, v]) => columns[c][i] === v || String(columns[c][i]) === String(v)));
  if (picked.length === 0) {
    const [c, v] = Object.entries(where)[0];
    const values = [...new Set(columns[c].map(String))].slice(0, 12);
    throw new ScalingLabError('empty-selection', `${fn}: no row matches where (${Object.entries(where).map(([k, x]) => `${k} = ${JSON.stringify(x)}`).join(', ')}).`, `values of '${c}' include: ${values.join(', ')}${values.length === 12 ? ', ...' : ''} (asked for ${JSON.stringify(v)}).`);
  }
  return picked;
}
