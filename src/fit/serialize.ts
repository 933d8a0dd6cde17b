import { ScalingLabError, checkOptionKeys, describeValue } from '../errors';
import { evaluateNode, parseLaw } from '../laws/expression';
import { hasOwn } from '../util/own';
import type { LawFunction } from './lawFunction';
import { FIT_FORMAT, FIT_FORMAT_VERSION, reviveNumbers } from './fitJSON';
import { makeFitResult, type FitParts } from './report';
import type { FitResult } from './types';
import { universalBridge, universalEvaluator, type TermParams, type UniversalTerm } from './universalFit';

/**
 * A fit as JSON and back (docs/methods.md#export-and-reload): `fit.toJSON()` in a notebook,
 * `fitFromJSON(text)` in a script. The reloaded fit has the same parameters, intervals, bootstrap
 * draws, diagnostics and summary, predicts the same values and gives the same frontier. Numbers JSON
 * cannot hold (Infinity bounds, NaN p-values) travel as { $number: 'Infinity' }.
 */

/** What fitFromJSON needs besides the JSON. */
export interface FitFromJSONOptions {
  /** The law, for a fit of a law given as a JavaScript function (JSON cannot hold a function). */
  law?: LawFunction;
}

/** The fields every fit's JSON has, with their types: a missing or mistyped one is named in the error. */
const REQUIRED: Array<[string, 'string' | 'number' | 'boolean' | 'object']> = [
  ['law', 'string'], ['lawKind', 'string'], ['roles', 'object'], ['columns', 'object'], ['params', 'object'], ['objective', 'number'],
  ['level', 'number'], ['solver', 'string'], ['converged', 'boolean'], ['convergence', 'object'], ['n', 'number'], ['excluded', 'object'],
  ['residuals', 'object'], ['logLik', 'number'], ['data', 'object'], ['diagnostics', 'object'],
];

/**
 * Rebuilds a fit from `fit.toJSON()` (the object, or its JSON text). A law given as a function must be
 * passed again: fitFromJSON(text, { law: myLaw }).
 */
export function fitFromJSON(json: string | object, options: FitFromJSONOptions = {}): FitResult {
  checkOptionKeys('fitFromJSON', options, ['law']);
  const o = parse(json);
  const law = lawEvaluator(o, options);
  const { format, version, kind, paramNames, ...fields } = o as Record<string, unknown>;
  void format; void version; void kind;
  const fit = makeFitResult({ ...(fields as unknown as Omit<FitParts, 'evaluateWith'>), evaluateWith: law });
  if (o.lawName !== 'universal') return fit;
  const names = Object.fromEntries(Object.entries(paramNames as Record<UniversalTerm, TermParams>).map(([t, n]) => [t, { coef: n.coefficient, expo: n.exponent }]));
  return universalBridge(fit, names);
}

function parse(json: string | object): Record<string, unknown> {
  let o: unknown = json;
  if (typeof json === 'string') {
    try { o = JSON.parse(json, reviveNumbers); } catch (err) {
      throw new ScalingLabError('bad-value', `fitFromJSON: the text is not JSON (${(err as Error).message}).`, 'pass what JSON.stringify(fit) or fit.toJSON() gave, unchanged.');
    }
  } else if (json && typeof json === 'object') {
    o = JSON.parse(JSON.stringify(json), reviveNumbers);
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new ScalingLabError('bad-value', `fitFromJSON: expected a fit's JSON (an object), got ${describeValue(json)}.`, 'pass fit.toJSON() or its JSON text.');
  const rec = o as Record<string, unknown>;
  if (rec.format !== FIT_FORMAT || rec.kind !== 'fit') {
    throw new ScalingLabError('bad-value', `fitFromJSON: this is not a fit's JSON (format ${describeValue(rec.format)}, kind ${describeValue(rec.kind)}; a fit's has format '${FIT_FORMAT}' and kind 'fit').`,
      'pass the JSON of fitUniversal or fitLaw results (fit.toJSON()).');
  }
  if (rec.version !== FIT_FORMAT_VERSION) {
    throw new ScalingLabError('bad-value', `fitFromJSON: the JSON has format version ${describeValue(rec.version)}; this scalinglab reads version ${FIT_FORMAT_VERSION}.`, 'refit with this version of scalinglab, or load it with the version that wrote it.');
  }
  const wrong = REQUIRED.filter(([k, t]) => typeof rec[k] !== t || rec[k] === null).map(([k, t]) => `${k} (${t})`);
  if (wrong.length) throw new ScalingLabError('bad-value', `fitFromJSON: the fit's JSON lacks ${wrong.join(', ')}.`, 'pass the JSON unchanged, as fit.toJSON() wrote it.');
  return rec;
}

/** The law at a point: the universal sum, the parsed expression, or the function given again. */
function lawEvaluator(o: Record<string, unknown>, options: FitFromJSONOptions): FitParts['evaluateWith'] {
  if (o.lawKind === 'function') {
    if (typeof options.law !== 'function') {
      throw new ScalingLabError('missing-option', `fitFromJSON: this fit's law is a JavaScript function (${o.law}), which JSON cannot hold.`, 'pass it again: fitFromJSON(json, { law: theSameFunction }).');
    }
    const law = options.law;
    return (vars, pv) => law(pv, vars);
  }
  if (o.lawName === 'universal') {
    const names = o.paramNames as Record<string, TermParams> | undefined;
    if (!names || typeof names !== 'object') throw new ScalingLabError('bad-value', 'fitFromJSON: a universal fit\'s JSON lacks paramNames.', 'pass the JSON unchanged, as fit.toJSON() wrote it.');
    const roles = o.roles as Record<string, string>;
    return universalEvaluator(Object.values(names).map((n) => {
      const variable = Object.keys(roles).find((v) => `c_${v}` === n.coefficient);
      if (variable === undefined || !hasOwn(roles, variable)) throw new ScalingLabError('bad-value', `fitFromJSON: no law variable for the coefficient ${n.coefficient}.`, 'pass the JSON unchanged.');
      return { variable, coef: n.coefficient, expo: n.exponent };
    }));
  }
  const node = parseLaw(o.law as string, 'fitFromJSON').node;
  return (vars, pv) => evaluateNode(node, { ...pv, ...vars });
}
