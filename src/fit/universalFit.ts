import { ScalingLabError } from '../errors';
import { hasOwn } from '../util/own';
import type { FitResult, ParamEstimate } from './types';

/** The three terms of the universal form, in the paper's vocabulary. */
export type UniversalTerm = 'width' | 'depth' | 'time';

/** A term's parameters: its coefficient and its exponent, by parameter name. */
export interface TermParams { coefficient: string; exponent: string }

/**
 * What fitUniversal returns: a FitResult whose `coefficients` and `exponents` are always present, with
 * the bridge between the paper's names (width, depth, time) and the parameter names of `params`
 * (c_m, c_l, c_D and a_m, a_l, a_D; c_S or c_tau when time is steps or tau).
 */
export interface UniversalFit extends FitResult {
  lawName: 'universal';
  /** { L0, width: c_m, depth: c_l, time: c_D } in raw units; a term left out has coefficient 0. */
  coefficients: { L0: number; width: number; depth: number; time: number };
  /** The exponents used (fixed or fitted); a term left out keeps its universal value. */
  exponents: { width: number; depth: number; time: number };
  /** Term -> its parameter names, for the terms fitted, e.g. { width: { coefficient: 'c_m', exponent: 'a_m' } }. */
  paramNames: Partial<Record<UniversalTerm, TermParams>>;
  /**
   * A parameter with its standard error and interval, by the paper's name or its own: 'width', 'depth'
   * and 'time' give the coefficients (fit.param('width') is fit.params.c_m), 'L0' the floor, and any
   * name in `params` (c_m, a_D, ...) itself. Throws for a term that was not fitted.
   */
  param(name: 'L0' | UniversalTerm | string): ParamEstimate;
}

/**
 * Adds the bridge to a universal fit: `paramNames`, `param(name)`, and params.width / depth / time as
 * non-enumerable aliases of the coefficients (so tables and reports list each parameter once).
 */
export function universalBridge(fit: FitResult, names: Partial<Record<UniversalTerm, { coef: string; expo: string }>>): UniversalFit {
  const paramNames: Partial<Record<UniversalTerm, TermParams>> = {};
  for (const [term, n] of Object.entries(names) as Array<[UniversalTerm, { coef: string; expo: string }]>) {
    paramNames[term] = { coefficient: n.coef, exponent: n.expo };
    if (hasOwn(fit.params, n.coef) && !hasOwn(fit.params, term)) Object.defineProperty(fit.params, term, { value: fit.params[n.coef], enumerable: false });
  }
  const param = (name: string): ParamEstimate => {
    if (typeof name === 'string' && hasOwn(paramNames, name)) return fit.params[paramNames[name as UniversalTerm]!.coefficient];
    if (typeof name === 'string' && hasOwn(fit.params, name)) return fit.params[name];
    const term = (['width', 'depth', 'time'] as const).find((t) => t === name);
    throw new ScalingLabError('unknown-parameter', term ? `param: the ${term} term was not fitted (terms: ${Object.keys(paramNames).join(', ')}).` : `param: no parameter '${String(name)}'.`,
      `use 'L0', ${Object.keys(paramNames).map((t) => `'${t}'`).join(', ')} or a parameter name: ${Object.keys(fit.params).join(', ')}.`);
  };
  return Object.assign(fit, { lawName: 'universal' as const, paramNames, param }) as UniversalFit;
}

/** The universal law at a point: L0 + sum over terms of coefficient x variable^(-exponent), by parameter names. */
export function universalEvaluator(terms: Array<{ variable: string; coef: string; expo: string }>): (vars: Record<string, number>, pv: Record<string, number>) => number {
  return (vars, pv) => {
    let s = pv.L0;
    for (const t of terms) s += pv[t.coef] * Math.pow(vars[t.variable], -pv[t.expo]);
    return s;
  };
}
