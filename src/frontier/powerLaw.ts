import type { DataFrame } from 'danfojs-node';
import { attachDisplay } from '../display-hook';
import { ScalingLabError, checkOptionKeys } from '../errors';
import { toDataFrame } from '../data/frame';
import type { DataInput } from '../data/columns';
import { readData } from './input';

/** An estimate with its standard error and 95% interval (value +/- 1.96 stderr, in log space for the coefficient). */
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
  options: { x: string; y: string; logStd?: string; weights?: string; absoluteSigma: boolean };
  table(): DataFrame;
  summary(): string;
}

const KEYS = ['x', 'y', 'logStd', 'weights', 'absoluteSigma', 'where'];
const Z95 = 1.959963984540054;

function numberAt(col: Array<number | string>, i: number): number {
  const v = col[i];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

/**
 * Weighted least squares of ln y on ln x: the exponent of an allocation series such as N*(C)
 * (Porian et al. regress ln n_star on ln flops weighted by 1/n_star_log_std^2).
 */
export function fitPowerLaw(data: DataInput, options: PowerLawOptions): PowerLawFit {
  const fn = 'fitPowerLaw';
  checkOptionKeys(fn, options, KEYS);
  if (!options || typeof options.x !== 'string' || typeof options.y !== 'string') {
    throw new ScalingLabError('missing-option', `${fn}: options x and y (column names) are required.`, "e.g. fitPowerLaw(data, { x: 'flops', y: 'n_star', logStd: 'n_star_log_std' }).");
  }
  if (options.logStd !== undefined && options.weights !== undefined) {
    throw new ScalingLabError('bad-option', `${fn}: give logStd or weights, not both.`);
  }
  const columns = readData(data, fn);
  const need = [options.x, options.y, options.logStd, options.weights].filter((c): c is string => typeof c === 'string');
  for (const c of need) {
    if (!(c in columns)) {
      throw new ScalingLabError('missing-column', `${fn}: no column '${c}'.`, `columns are: ${Object.keys(columns).join(', ')}.`);
    }
  }
  const rows = columns[options.x].length;
  const selected = selectRows(columns, rows, options.where, fn);
  const lx: number[] = [];
  const ly: number[] = [];
  const w: number[] = [];
  const kept: number[] = [];
  const dropped: number[] = [];
  for (const i of selected) {
    const x = numberAt(columns[options.x], i);
    const y = numberAt(columns[options.y], i);
    let weight = 1;
    if (options.logStd) weight = 1 / numberAt(columns[options.logStd], i) ** 2;
    else if (options.weights) weight = numberAt(columns[options.weights], i);
    if (Number.isNaN(x) || Number.isNaN(y) || Number.isNaN(weight)) { dropped.push(i); continue; }
    if (!(x > 0) || !(y > 0)) {
      throw new ScalingLabError('bad-value', `${fn}: row ${i} has ${options.x} = ${x}, ${options.y} = ${y}; a power law needs both positive and finite.`, 'remove the row or fix the value.');
    }
    if (!(weight > 0) || !Number.isFinite(weight)) {
      throw new ScalingLabError('bad-value', `${fn}: row ${i} has weight ${weight}${options.logStd ? ` (${options.logStd} = ${numberAt(columns[options.logStd], i)})` : ''}; weights must be positive and finite.`, 'remove the row or fix its standard deviation.');
    }
    lx.push(Math.log(x)); ly.push(Math.log(y)); w.push(weight); kept.push(i);
  }
  const n = lx.length;
  if (n < 3) {
    throw new ScalingLabError('too-few-points', `${fn}: ${n} usable rows (${dropped.length} had missing values${options.where ? `, ${rows - selected.length} not selected by where` : ''}); an exponent with an error bar needs at least 3.`);
  }
  // Centre ln x so the slope and intercept are uncorrelated and the 2x2 solve is well conditioned.
  const sw = w.reduce((a, b) => a + b, 0);
  const mx = lx.reduce((a, v, i) => a + w[i] * v, 0) / sw;
  const my = ly.reduce((a, v, i) => a + w[i] * v, 0) / sw;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) { sxx += w[i] * (lx[i] - mx) ** 2; sxy += w[i] * (lx[i] - mx) * (ly[i] - my); }
  if (!(sxx > 0)) throw new ScalingLabError('bad-data', `${fn}: every usable ${options.x} is the same; the exponent is not determined.`);
  const b = sxy / sxx;
  const a = my - b * mx;
  let chi2 = 0;
  for (let i = 0; i < n; i++) chi2 += w[i] * (ly[i] - a - b * lx[i]) ** 2;
  const red = chi2 / (n - 2);
  const absolute = options.absoluteSigma === true && (options.logStd !== undefined || options.weights !== undefined);
  const scale = absolute ? 1 : red;
  const varB = scale / sxx;
  const varA = scale / sw + mx * mx * varB;
  const seB = Math.sqrt(varB);
  const seA = Math.sqrt(varA);
  const coefficient = Math.exp(a);
  const result: PowerLawFit = {
    kind: 'powerlaw',
    exponent: { value: b, stderr: seB, ci: [b - Z95 * seB, b + Z95 * seB] },
    coefficient: { value: coefficient, stderr: coefficient * seA, ci: [Math.exp(a - Z95 * seA), Math.exp(a + Z95 * seA)] },
    predict: (x: number) => coefficient * Math.pow(x, b),
    n,
    dropped,
    rmsLog: Math.sqrt(chi2 / sw),
    reducedChiSquare: red,
    options: { x: options.x, y: options.y, logStd: options.logStd, weights: options.weights, absoluteSigma: absolute },
    table: () => toDataFrame({
      [options.x]: lx.map(Math.exp),
      [options.y]: ly.map(Math.exp),
      fitted: lx.map((v) => Math.exp(a + b * v)),
      weight: w,
      row: kept,
    }),
    summary: () => {
      const f = (v: number) => Number(v.toPrecision(4)).toString();
      const lines = [
        `Power law ${options.y} = a ${options.x}^b (weighted least squares on ln ${options.y}${options.logStd ? `, weights 1/${options.logStd}^2` : options.weights ? `, weights ${options.weights}` : ''})`,
        `  exponent b = ${f(b)} +/- ${f(seB)}  95% CI [${f(b - Z95 * seB)}, ${f(b + Z95 * seB)}]`,
        `  coefficient a = ${coefficient.toExponential(3)}  95% CI [${Math.exp(a - Z95 * seA).toExponential(3)}, ${Math.exp(a + Z95 * seA).toExponential(3)}]`,
        `  n = ${n}, reduced chi-square = ${f(red)} (${absolute ? 'standard errors from the given sigmas' : 'standard errors rescaled by it'})`,
      ];
      if (dropped.length) lines.push(`  note: ${dropped.length} rows with missing values left out (rows ${dropped.slice(0, 10).join(', ')}${dropped.length > 10 ? ', ...' : ''}).`);
      return lines.join('\n');
    },
  };
  return attachDisplay(result);
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
    if (!(c in columns)) throw new ScalingLabError('missing-column', `${fn}: where names a column '${c}' that is not in the data.`, `columns are: ${Object.keys(columns).join(', ')}.`);
  }
  const picked = all.filter((i) => Object.entries(where).every(([c, v]) => columns[c][i] === v || String(columns[c][i]) === String(v)));
  if (picked.length === 0) {
    const [c, v] = Object.entries(where)[0];
    const values = [...new Set(columns[c].map(String))].slice(0, 12);
    throw new ScalingLabError('empty-selection', `${fn}: no row matches where (${Object.entries(where).map(([k, x]) => `${k} = ${JSON.stringify(x)}`).join(', ')}).`, `values of '${c}' include: ${values.join(', ')}${values.length === 12 ? ', ...' : ''} (asked for ${JSON.stringify(v)}).`);
  }
  return picked;
}
