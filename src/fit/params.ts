import { ScalingLabError, describeValue } from '../errors';
import { hasOwn } from '../util/own';
import { parseLaw, evaluateNode, type MathNode } from '../laws/expression';
import { nameRecord } from '../laws/names';

/** lmfit-style parameter specification of fitLaw. */
export interface ParamSpecOptions {
  /** Parameters held at a value, e.g. { E: 1.8 }. */
  fixed?: Record<string, number>;
  /** Bounds per parameter, e.g. { alpha: [0, 2] } (natural units). */
  bounds?: Record<string, [number, number]>;
  /** Parameters defined by an expression of other parameters, e.g. { beta: 'alpha' }. */
  tied?: Record<string, string>;
  /** Parameters fitted as logarithms (default: coefficients of power terms and an additive floor). */
  logParams?: string[];
}

export interface ResolvedParams {
  all: string[];
  free: string[];
  fixed: Record<string, number>;
  tied: Record<string, { text: string; node: MathNode }>;
  bounds: Record<string, [number, number]>;
  log: Set<string>;
  /** Bounds in the fitting parameterisation theta (log for log-params). */
  lower: Float64Array;
  upper: Float64Array;
}

export function resolveParams(fn: string, params: string[], variables: string[], spec: ParamSpecOptions, defaultLog: string[]): ResolvedParams {
  const known = (key: string, what: string) => {
    if (params.includes(key)) return;
    if (variables.includes(key)) {
      throw new ScalingLabError('unknown-parameter', `${fn}: '${key}' in ${what} is a data variable of the law, not a parameter.`, `parameters are: ${params.join(', ')}.`);
    }
    throw new ScalingLabError('unknown-parameter', `${fn}: ${what} names '${key}', which is not a parameter of the law.`, `parameters are: ${params.join(', ')}.`);
  };
  // Prototype-free records: a parameter named constructor or toString is a key like any other.
  const fixed = nameRecord<number>();
  for (const [k, v] of Object.entries(spec.fixed ?? {})) {
    known(k, 'fixed');
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ScalingLabError('bad-option', `${fn}: fixed.${k} must be a finite number, got ${describeValue(v)}.`, `e.g. fixed: { ${k}: 1.8 }, or leave ${k} out of fixed to fit it.`);
    fixed[k] = v;
  }
  const bounds = nameRecord<[number, number]>();
  for (const [k, v] of Object.entries(spec.bounds ?? {})) {
    known(k, 'bounds');
    if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'number' || Number.isNaN(v[0]) || Number.isNaN(v[1]) || !(v[0] < v[1])) {
      throw new ScalingLabError('bad-option', `${fn}: bounds.${k} must be [lower, upper] with lower < upper, got ${describeValue(v)}.`, 'use -Infinity / Infinity for an open side.');
    }
    if (hasOwn(fixed, k)) throw new ScalingLabError('bad-option', `${fn}: '${k}' is both fixed and bounded.`, 'give it one or the other.');
    bounds[k] = [v[0], v[1]];
  }
  const tied = nameRecord<{ text: string; node: MathNode }>();
  for (const [k, text] of Object.entries(spec.tied ?? {})) {
    known(k, 'tied');
    if (hasOwn(fixed, k)) throw new ScalingLabError('bad-option', `${fn}: '${k}' is both fixed and tied.`, 'give it one or the other.');
    if (typeof text !== 'string') throw new ScalingLabError('bad-option', `${fn}: tied.${k} must be an expression string, e.g. 'alpha'.`);
    const parsed = parseLaw(text, `${fn} tied.${k}`);
    for (const s of parsed.symbols) {
      if (!params.includes(s)) throw new ScalingLabError('unknown-symbol', `${fn}: tied.${k} = '${text}' uses '${s}', which is not a parameter of the law.`, `parameters are: ${params.join(', ')}.`);
      if (s === k || (spec.tied && hasOwn(spec.tied, s))) throw new ScalingLabError('bad-option', `${fn}: tied.${k} = '${text}' refers to a tied parameter ('${s}').`, 'tie parameters only to free or fixed ones.');
    }
    tied[k] = { text, node: parsed.node };
  }
  const free = params.filter((p) => !hasOwn(fixed, p) && !hasOwn(tied, p));
  if (free.length === 0) throw new ScalingLabError('bad-option', `${fn}: every parameter is fixed or tied; nothing to fit.`);
  let log: Set<string>;
  if (spec.logParams !== undefined) {
    if (!Array.isArray(spec.logParams)) throw new ScalingLabError('bad-option', `${fn}: logParams must be an array of parameter names.`);
    for (const k of spec.logParams) known(k, 'logParams');
    log = new Set(spec.logParams.filter((k) => free.includes(k)));
    for (const k of log) if (bounds[k] && bounds[k][1] <= 0) throw new ScalingLabError('bad-option', `${fn}: '${k}' is fitted as a logarithm but its bounds allow no positive value.`);
  } else {
    // A default log-parameter whose bounds allow negative values is fitted directly; a lower bound of
    // exactly 0 keeps the log (which keeps it positive).
    log = new Set(defaultLog.filter((k) => free.includes(k) && !(bounds[k] && bounds[k][0] <= 0 && bounds[k][0] !== 0)));
  }
  const lower = new Float64Array(free.length), upper = new Float64Array(free.length);
  free.forEach((k, j) => {
    const [lo, hi] = bounds[k] ?? [-Infinity, Infinity];
    if (log.has(k)) { lower[j] = lo > 0 ? Math.log(lo) : -Infinity; upper[j] = hi === Infinity ? Infinity : Math.log(hi); }
    else { lower[j] = lo; upper[j] = hi; }
  });
  return { all: params, free, fixed, tied, bounds, log, lower, upper };
}

/** theta (fitting space) -> natural value of free parameter j. */
export function naturalOf(rp: ResolvedParams, j: number, theta: number): number {
  return rp.log.has(rp.free[j]) ? Math.exp(theta) : theta;
}

/** Natural value -> theta; throws for a non-positive start of a log-parameter. */
export function thetaOf(rp: ResolvedParams, j: number, value: number, fn: string): number {
  if (!rp.log.has(rp.free[j])) return value;
  if (!(value > 0)) throw new ScalingLabError('bad-option', `${fn}: start value ${value} for '${rp.free[j]}' must be positive (it is fitted as a logarithm).`,
    `give a positive start, or list the parameters to fit as logs with logParams.`);
  return Math.log(value);
}

/** Natural values of every parameter (fixed, free and tied) at theta. */
export function naturalValues(rp: ResolvedParams, theta: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = { ...rp.fixed };
  rp.free.forEach((k, j) => { out[k] = naturalOf(rp, j, theta[j]); });
  for (const [k, t] of Object.entries(rp.tied)) out[k] = evaluateNode(t.node, out);
  return out;
}

/** The parameters a fit reports uncertainties for: the free ones, then the tied ones. */
export function reportedParams(rp: ResolvedParams): string[] {
  return [...rp.free, ...Object.keys(rp.tied)];
}

/** Relative step of the central differences through tied expressions. */
const TIE_STEP = 1e-6;

/** d natural / d theta of the reported parameters at theta (values = naturalValues there); tied ones numerically. */
export function naturalJacobian(rp: ResolvedParams, theta: Float64Array, values: Record<string, number>): number[][] {
  const p = rp.free.length;
  return reportedParams(rp).map((k) => {
    const row = new Array<number>(p).fill(0);
    const j = rp.free.indexOf(k);
    if (j >= 0) { row[j] = rp.log.has(k) ? values[k] : 1; return row; }
    for (let q = 0; q < p; q++) {
      const h = TIE_STEP * Math.max(1, Math.abs(theta[q]));
      const tp = Float64Array.from(theta); tp[q] += h;
      const tm = Float64Array.from(theta); tm[q] -= h;
      row[q] = (naturalValues(rp, tp)[k] - naturalValues(rp, tm)[k]) / (2 * h);
    }
    return row;
  });
}
