import { ScalingLabError, checkOptionKeys, describeValue } from '../errors';
import { requireColumn, toColumns, type DataInput } from '../data/columns';
import type { Columns } from '../data/frame';
import { fmt } from '../util/format';
import { hasOwn } from '../util/own';
import type { Design } from './design';
import { lawDesign, splitSymbols, ROLE_KEYS, type LawVariable, type SymbolOptions } from './lawSymbols';
import { lawSolution } from './lawSolution';
import { LMWorkspace, type LMProblem, type LMResult } from './lm';
import { MLJS_SOLVER, DIFFERENCE_STEP, mljsSolve } from './mljs';
import { checkObjective, deltaOf, observations, pointScoring } from './objective';
import { naturalValues, resolveParams, type ResolvedParams } from './params';
import { assembleFit } from './report';
import { checkMaxIter, inferenceSettings, type SharedOptions } from './settings';
import { buildStarts } from './startGrid';
import type { ExcludeSpec } from './exclude';
import type { FitResult, Objective } from './types';
import { checkRun, type Point } from './verify';
import type { PointOptions } from './weights';

/**
 * fitLaw for a law written as a JavaScript function (docs/methods.md#laws-as-javascript-functions):
 * `fitLaw(data, (p, row) => p.E + p.A / row.N ** p.alpha + p.B / row.D ** p.beta, { params: {...} })`,
 * for laws that do not fit in an expression (branches, loops, a numerical inner solve). Solved by
 * ml-levenberg-marquardt (mljs.ts); the result, report, convergence check and bootstrap are the
 * pipeline's.
 */

/** A law as a function: the parameters by name and one row's law variables by name, to the predicted loss. */
export type LawFunction = (params: Record<string, number>, row: Record<string, number>) => number;

/** One parameter of a function law, lmfit-style. */
export interface FunctionParam {
  /** Start value (required). */
  start: number;
  /** Bounds (default none): the solver keeps the parameter inside. */
  min?: number;
  max?: number;
  /** Held at `start` (default false). */
  fixed?: boolean;
  /** Fitted as its logarithm (default false): for coefficients that are positive and span decades; `start` must be positive. */
  log?: boolean;
}

export interface FunctionLawOptions extends SharedOptions, PointOptions {
  /** The parameters, e.g. { E: { start: 1.8, min: 0 }, A: { start: 400, log: true }, alpha: { start: 0.3, min: 0, max: 2 } }. */
  params: Record<string, FunctionParam>;
  /** As fitLaw's: { huber: 1e-3 } (default), 'lsq', or { huber?, residuals?, overestimatePenalty? }. */
  objective?: Objective;
  exclude?: ExcludeSpec;
  /**
   * The row's names: law variable -> column (e.g. { N: 'model_size' }) or a list of names read as in
   * expressions (N, D, m, l, C, role names, column names). Default: the names the law reads from a row.
   */
  variables?: Record<string, string> | string[];
  /** More start points, as { parameter: value } records in natural units (default: the params' starts). */
  starts?: Array<Record<string, number>>;
  /** Parameters defined by an expression of other parameters, e.g. { beta: 'alpha' }. */
  tied?: Record<string, string>;
  /** Total mljs iterations per start, from 1 to 100,000 (default 1000, in rounds of 10). */
  maxIter?: number;
  /** Column names by role, as fitLaw's (the params column: variables: { N: '<column>' }, since params names the parameters here). */
  loss?: string;
  tokens?: string; width?: string; depth?: string; flops?: string; steps?: string; time?: string;
}

const FN = 'fitLaw';
const KNOWN = ['params', 'objective', 'exclude', 'variables', 'starts', 'tied', 'maxIter', 'loss', ...ROLE_KEYS.filter((k) => k !== 'params'),
  'bootstrap', 'seed', 'level', 'onProgress', 'signal', 'allowLargeBootstrap', 'weights', 'groups'];
const PARAM_KEYS = ['start', 'min', 'max', 'fixed', 'log'];
const DEFAULT_MAX_ITER = 1000;

export function fitLawFunction(data: DataInput, law: LawFunction, options: FunctionLawOptions): FitResult {
  checkFunctionOptions(options);
  const objective = checkObjective(FN, options.objective ?? { huber: 1e-3 });
  const delta = deltaOf(objective);
  const settings = inferenceSettings(FN, options);
  const maxIter = checkMaxIter(FN, options.maxIter, DEFAULT_MAX_ITER);
  const names = Object.keys(options.params);
  const columns = toColumns(data, FN);
  const lossColumn = requireColumn(columns, 'loss', FN, options.loss);
  const startValues = Object.fromEntries(names.map((k) => [k, options.params[k].start]));
  const variables = lawVariables(law, startValues, columns, lossColumn, options);
  const rp = functionParams(names, variables, options);
  const design = lawDesign(FN, columns, lossColumn, variables, rp.free, options);
  const prob = functionProblem(law, rp, design, observations(objective, design), pointScoring(objective, design.weights));
  const starts = buildStarts(options.starts ?? [startValues], rp, NO_KINDS, { minLoss: 0, variables: {} }, FN);
  checkStart(law, design, naturalValues(rp, starts[0]));
  const best = bestStart(prob, starts, delta, maxIter);
  const verified = checkRun(prob, best, null, { delta, maxIter: 500, workspace: new LMWorkspace(prob.n, prob.p) });
  const solution = lawSolution(FN, { model: prob.model, data: prob, rp, design, best: verified, delta, settings, onProgress: options.onProgress }, (counts) => {
    const theta = Float64Array.from(verified.theta);
    return { theta, converged: mljsSolve(prob, theta, { delta, maxIter, counts }).converged };
  });
  if (!verified.check.passed) solution.warnings.unshift(`the fit did NOT converge (${verified.check.failure}): the parameters are not a verified optimum. To fix: give other starts, bound or fix the parameters the data do not determine, or raise maxIter.`);
  return assembleFit(design, solution, {
    law: `function ${law.name || 'law'}(p, row)`, lawName: null, lawKind: 'function', objectiveKind: objective, level: settings.level, solver: MLJS_SOLVER,
    starts: `${starts.length} start${starts.length > 1 ? 's' : ''} (given), best #${best.start}`,
    evaluateWith: (vars, pv) => law(pv, vars),
  });
}

const NO_KINDS = { exponents: new Set<string>(), floors: new Set<string>(), offsets: new Map(), scales: new Map(), rates: new Map() };

function checkFunctionOptions(options: FunctionLawOptions): void {
  if (!options || typeof options !== 'object') {
    throw new ScalingLabError('missing-option', `${FN}: a law given as a function needs options with params, e.g. { params: { E: { start: 1.8 }, A: { start: 400, log: true }, alpha: { start: 0.3 } } }.`);
  }
  for (const k of ['fixed', 'bounds', 'logParams'] as const) {
    if (hasOwn(options, k)) {
      throw new ScalingLabError('bad-option', `${FN}: for a law given as a function, '${k}' is set per parameter in params.`,
        `e.g. params: { alpha: { start: 0.3, min: 0, max: 2, fixed: false, log: false } }.`);
    }
  }
  checkOptionKeys(FN, options, KNOWN);
  const params = options.params;
  if (!params || typeof params !== 'object' || Array.isArray(params) || Object.keys(params).length === 0) {
    throw new ScalingLabError('missing-option', `${FN}: a law given as a function needs params: one entry per parameter with its start value, got ${describeValue(params)}.`,
      'e.g. params: { E: { start: 1.8, min: 0 }, A: { start: 400, log: true }, alpha: { start: 0.3, min: 0, max: 2 } }.');
  }
  for (const [k, spec] of Object.entries(params)) {
    if (!spec || typeof spec !== 'object') throw new ScalingLabError('bad-option', `${FN}: params.${k} must be an object like { start: 1, min: 0 }, got ${describeValue(spec)}.`);
    checkOptionKeys(`${FN} params.${k}`, spec, PARAM_KEYS);
    const { start, min = -Infinity, max = Infinity } = spec;
    if (typeof start !== 'number' || !Number.isFinite(start)) throw new ScalingLabError('bad-option', `${FN}: params.${k}.start must be a finite number, got ${describeValue(start)}.`, `e.g. params: { ${k}: { start: 1 } }.`);
    if (typeof min !== 'number' || typeof max !== 'number' || Number.isNaN(min) || Number.isNaN(max) || !(min < max)) {
      throw new ScalingLabError('bad-option', `${FN}: params.${k} needs min < max, got min ${describeValue(spec.min)}, max ${describeValue(spec.max)}.`, 'leave either out for an open side.');
    }
    if (start < min || start > max) throw new ScalingLabError('bad-option', `${FN}: params.${k}.start = ${start} is outside [${min}, ${max}].`, 'start inside the bounds.');
    for (const b of ['fixed', 'log'] as const) {
      if (spec[b] !== undefined && typeof spec[b] !== 'boolean') throw new ScalingLabError('bad-option', `${FN}: params.${k}.${b} must be true or false, got ${describeValue(spec[b])}.`);
    }
    if (spec.log && !(start > 0 && min >= 0)) throw new ScalingLabError('bad-option', `${FN}: params.${k} is fitted as a logarithm (log: true), so its start must be positive and min at least 0.`, `give a positive start, or log: false.`);
  }
}

/** lmfit-style params to the pipeline's parameters: fixed at their start, bounds, log, ties. */
function functionParams(names: string[], variables: LawVariable[], options: FunctionLawOptions): ResolvedParams {
  const spec = options.params;
  const fixed = Object.fromEntries(names.filter((k) => spec[k].fixed).map((k) => [k, spec[k].start]));
  const bounds = Object.fromEntries(names.filter((k) => !spec[k].fixed && (spec[k].min !== undefined || spec[k].max !== undefined))
    .map((k) => [k, [spec[k].min ?? -Infinity, spec[k].max ?? Infinity] as [number, number]]));
  const logParams = names.filter((k) => spec[k].log && !spec[k].fixed);
  return resolveParams(FN, names, variables.map((v) => v.name), { fixed, bounds, tied: options.tied, logParams }, []);
}

/**
 * The law's variables: as given by `variables`, or the names the law reads from its rows, found by
 * calling it on every row with a row that records what is read (each name resolved as in expressions).
 */
function lawVariables(law: LawFunction, start: Record<string, number>, columns: Columns, lossColumn: string, options: FunctionLawOptions): LawVariable[] {
  const label = `function ${law.name || 'law'}(p, row)`;
  const roleOptions: SymbolOptions = Object.fromEntries(ROLE_KEYS.filter((k) => k !== 'params' && options[k as keyof FunctionLawOptions] !== undefined).map((k) => [k, options[k as keyof FunctionLawOptions]]));
  const split = (symbols: string[], variables?: Record<string, string>) => splitSymbols(FN, { text: label, symbols }, null, columns, lossColumn, { ...roleOptions, ...(variables ? { variables } : {}) });
  const given = options.variables;
  let names: string[];
  if (given !== undefined) {
    names = Array.isArray(given) ? given : Object.keys(given);
    const { variables, params } = split(names, Array.isArray(given) ? undefined : given);
    if (params.length) throw unknownNames(params, columns, label);
    return variables;
  }
  names = [];
  const unknown: string[] = [];
  const resolved = new Map<string, string | null>();
  const rows = Object.values(columns)[0]?.length ?? 0;
  for (let r = 0; r < rows; r++) {
    const row = new Proxy({} as Record<string, number>, {
      get: (_t, key) => {
        if (typeof key !== 'string') return undefined;
        if (!resolved.has(key)) {
          const v = split([key]).variables[0];
          resolved.set(key, v ? v.column : null);
          (v ? names : unknown).push(key);
        }
        const column = resolved.get(key);
        return column ? Number(columns[column][r]) : undefined;
      },
    });
    try { law(start, row); } catch (err) { if (err instanceof ScalingLabError) throw err; }
  }
  if (unknown.length) throw unknownNames(unknown, columns, label);
  if (!names.length) {
    throw new ScalingLabError('bad-expression', `${FN}: the law ${label} reads no variable from its row.`, 'read the data through the row argument, e.g. (p, row) => p.E + p.A / row.N ** p.alpha, or name them with variables: [\'N\', \'D\'].');
  }
  return split(names).variables;
}

function unknownNames(names: string[], columns: Columns, label: string): ScalingLabError {
  return new ScalingLabError('unknown-symbol', `${FN}: the law ${label} reads row.${names.join(', row.')}, which ${names.length > 1 ? 'are' : 'is'} no column and no role symbol (N, D, m, l, C, ...). Columns present: ${Object.keys(columns).join(', ')}.`,
    `use a column name or a role symbol, or map the name to a column: variables: { ${names[0]}: '<column>' }.`);
}

/** The law at the start values must be a positive finite loss in every row used: say where it is not. */
function checkStart(law: LawFunction, design: Design, params: Record<string, number>): void {
  const bad: string[] = [];
  for (let j = 0; j < design.n && bad.length < 5; j++) {
    const row = Object.fromEntries(design.variables.map((v, k) => [v.name, design.x[k][j]]));
    let value: unknown;
    try { value = law(params, row); } catch (err) {
      throw new ScalingLabError('bad-law', `${FN}: the law threw at row ${design.rows[j]} (${JSON.stringify(row)}) with the (first) start values: ${(err as Error).message}`, 'fix the law, or start it where it is defined.');
    }
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) bad.push(`row ${design.rows[j]} (${Object.entries(row).map(([k, v]) => `${k} = ${fmt(v)}`).join(', ')}): ${describeValue(value)}`);
  }
  if (bad.length) {
    throw new ScalingLabError('bad-law', `${FN}: the law must return a positive finite loss, but at the (first) start values it returns ${bad.join('; ')}.`, 'check the law (it must return a number) and the start values in params.');
  }
}

/** The law on the design's points, its Jacobian by central differences (one-sided at a bound). */
function functionProblem(law: LawFunction, rp: ResolvedParams, design: Design, y: Float64Array, scoring: ReturnType<typeof pointScoring>): LMProblem {
  const n = design.n, p = rp.free.length;
  const rows = Array.from({ length: n }, (_, j) => Object.freeze(Object.fromEntries(design.variables.map((v, k) => [v.name, design.x[k][j]]))));
  const value = (theta: Float64Array, f: Float64Array): boolean => {
    const params = naturalValues(rp, theta);
    try {
      for (let i = 0; i < n; i++) { const v = law(params, rows[i]); f[i] = v; if (!(v > 0) || v === Infinity) return false; }
    } catch { return false; }
    return true;
  };
  const up = new Float64Array(n), down = new Float64Array(n), t = new Float64Array(p);
  const model = (theta: Float64Array, f: Float64Array, J: Float64Array): boolean => {
    if (!value(theta, f)) return false;
    for (let a = 0; a < p; a++) {
      const h = DIFFERENCE_STEP * Math.max(1, Math.abs(theta[a]));
      const hp = Math.min(h, rp.upper[a] - theta[a]), hm = Math.min(h, theta[a] - rp.lower[a]);
      t.set(theta); t[a] = theta[a] + hp;
      if (!(hp > 0 ? value(t, up) : (up.set(f), true))) return false;
      t[a] = theta[a] - hm;
      if (!(hm > 0 ? value(t, down) : (down.set(f), true))) return false;
      for (let i = 0; i < n; i++) J[i * p + a] = (up[i] - down[i]) / (hp + hm);
    }
    return true;
  };
  return { n, p, logy: y, ...scoring, model, value, lower: rp.lower, upper: rp.upper };
}

/** mljs from every start; the lowest converged objective wins (else the lowest). */
function bestStart(prob: LMProblem, starts: Float64Array[], delta: number, maxIter: number): Point & { start: number } {
  let best: (Point & { start: number }) | null = null;
  starts.forEach((s, k) => {
    const theta = Float64Array.from(s);
    const res: LMResult = mljsSolve(prob, theta, { delta, maxIter });
    if (res.reason === 'invalid-start') return;
    const better = !best || (res.converged && !best.res.converged) || (res.converged === best.res.converged && res.objective < best.res.objective);
    if (better) best = { theta, res, start: k };
  });
  if (!best) throw new ScalingLabError('fit-failed', `${FN}: the law is not a positive finite loss at any start.`, 'check the start values in params (and starts).');
  return best;
}
