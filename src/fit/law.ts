import { checkOptionKeys } from '../errors';
import { progressReporter, type ProgressCallback } from '../progress';
import { toColumns, requireColumn, type DataInput } from '../data/columns';
import { LAWS } from '../laws/builtin';
import { checkSymbolsAgainstColumns } from '../laws/symbolCheck';
import { parseLaw, compileLaw, substitute, scaleParameters, evaluateNode, type MathNode } from '../laws/expression';
import { fmt } from '../util/format';
import { ownValue } from '../util/own';
import type { ExcludeSpec } from './exclude';
import { checkObjective, deltaOf, isPlainScoring, observations, pointScoring, type PointScoring } from './objective';
import type { PointOptions } from './weights';
import type { Design } from './design';
import { resolveParams, naturalValues, type ParamSpecOptions, type ResolvedParams } from './params';
import { assignSymbols, lawDesign, ROLE_KEYS } from './lawSymbols';
import { autoStartValues, buildStarts, type StartSpec } from './startGrid';
import { parameterKinds, type ParameterKinds } from './paramRoles';
import { lmSolve, type LMProblem, type LMResult } from './lm';
import { linearCoefficients, CoefficientProjector } from './linearCoefficients';
import { multistart, describeStarts, type MultistartResult, type Run } from './multistart';
import { checkMaxIter, inferenceSettings, type SharedOptions } from './settings';
import { checkRun, RESTART_RTOL, type ConvergenceCheck } from './verify';
import { notFiniteAtStarts } from './lawDomain';
import { assembleFit } from './report';
import { lawSolution } from './lawSolution';
import { fitLawFunction, type FunctionLawOptions, type LawFunction } from './lawFunction';
import type { FitResult, Objective } from './types';

export interface LawOptions extends ParamSpecOptions, SharedOptions, PointOptions {
  /**
   * { huber: 1e-3 } (default): Huber on log L, summed over points; 'lsq': least squares on log L; or an
   * object: { huber?, residuals?: 'log' | 'loss', overestimatePenalty? } (docs/methods.md#objectives-and-weights).
   */
  objective?: Objective;
  /** Rows to leave out: { highestLoss: k }, a predicate (row, i) => boolean, or row indices. */
  exclude?: ExcludeSpec;
  /**
   * Start points of the local solver (Levenberg-Marquardt from each; the lowest converged objective
   * wins): 'hoffmann' (Hoffmann et al.'s 4,500-point grid for E + A/N^alpha + B/D^beta), 'auto'
   * (default: a small grid whose values come from each parameter's role and the data's ranges:
   * exponents 0.2, 0.5, 1; floors below the lowest loss; offsets of log x across the range of log x;
   * scales of x across the range of x; coefficients log-spaced) or an array of { parameter: value }
   * records in natural units. From a grid, each run first sets the linear coefficients (E, A, B in the
   * Chinchilla law) to their best values for the start's other parameters when that lowers the
   * objective; starts that then coincide are run once. Given starts are used exactly as given.
   */
  starts?: StartSpec;
  /** Law variable -> data column, e.g. { N: 'model_size' } (default: exact column name, else alias by role). */
  variables?: Record<string, string>;
  /** Column names by role: loss, params, tokens, width, depth, flops, steps, time. */
  loss?: string; params?: string; tokens?: string; width?: string; depth?: string; flops?: string; steps?: string; time?: string;
  /** Bootstrap resamples by run (default 200; 0 or false for none; above 10,000 only with allowLargeBootstrap), refitted from the best solution. */
  bootstrap?: number | false;
  /** Bootstrap seed, an integer (default 0). */
  seed?: number;
  /** Level of the intervals (default 0.95): bootstrap percentiles, or value +/- z stderr without a bootstrap. */
  level?: number;
  /** Iteration cap per start, an integer from 1 to 100,000 (default 200; a start that hits it is not converged). */
  maxIter?: number;
  /** Progress of the start grid and the bootstrap. */
  onProgress?: ProgressCallback;
  /** Stops the start grid and the bootstrap (default: the running notebook cell's signal, so a kernel interrupt stops it). */
  signal?: AbortSignal;
}

const KNOWN = ['objective', 'exclude', 'starts', 'variables', 'loss', ...ROLE_KEYS,
  'bootstrap', 'seed', 'level', 'maxIter', 'onProgress', 'signal', 'allowLargeBootstrap', 'fixed', 'bounds', 'tied', 'logParams', 'weights', 'groups'];
const FN = 'fitLaw';
const SOLVER = 'scalinglab Levenberg-Marquardt (analytic Jacobian, multi-start)';
/** Largest step per iteration of a log-parameter or an exponent (in theta): without it a parameter the loss is insensitive to can run off. */
const MAX_LOG_STEP = 10;
/** Iteration cap of bootstrap refits, at least (they start at the optimum, but resamples can move it far). */
const BOOTSTRAP_MAX_ITER = 500;
/** Given starts whose values the convergence check also probes a poorly determined parameter at (besides the automatic grid's). */
const MAX_PROBES = 4;

/** A law compiled on a design, with fixed values and tied expressions substituted. */
interface LawProblem { prob: LMProblem; node: MathNode; model: LMProblem['model'] }

/** The verified best run: its point, result and convergence check. */
interface Verified { theta: Float64Array; res: LMResult; check: ConvergenceCheck }

/**
 * Fits any law written as a math expression (or a built-in name: 'chinchilla', 'universal', 'kaplan')
 * in log-loss space: r = log L - log law. Parameters are the free symbols that are not data
 * variables; coefficients of power terms (and an additive floor) are fitted as logarithms.
 */
export function fitLaw(data: DataInput, law: string, options?: LawOptions): FitResult;
/** A law as a JavaScript function (p, row) => loss, with lmfit-style params: solved by ml-levenberg-marquardt (lawFunction.ts). */
export function fitLaw(data: DataInput, law: LawFunction, options: FunctionLawOptions): FitResult;
export function fitLaw(data: DataInput, law: string | LawFunction, options: LawOptions | FunctionLawOptions = {}): FitResult {
  if (typeof law === 'function') return fitLawFunction(data, law, options as FunctionLawOptions);
  return fitExpression(data, law, options as LawOptions);
}

function fitExpression(data: DataInput, law: string, options: LawOptions): FitResult {
  checkOptionKeys(FN, options, KNOWN);
  const objective = checkObjective(FN, options.objective ?? { huber: 1e-3 });
  const delta = deltaOf(objective);
  const settings = inferenceSettings(FN, options);
  const maxIter = checkMaxIter(FN, options.maxIter, 200);
  const builtin = typeof law === 'string' ? ownValue(LAWS as Record<string, (typeof LAWS)[keyof typeof LAWS]>, law) ?? null : null;
  const parsed = parseLaw(builtin ? builtin.expression : law, FN);
  const columns = toColumns(data, FN);
  const lossColumn = requireColumn(columns, 'loss', FN, options.loss);
  const { variables, params } = assignSymbols(FN, parsed, builtin, columns, lossColumn, options);
  checkSymbolsAgainstColumns(FN, parsed, columns, { variables, params }, { loss: lossColumn, builtin: builtin?.variables, options });
  const defaultLog = builtin ? builtin.logParams : scaleParameters(parsed.node, params);
  const rp = resolveParams(FN, params, variables.map((v) => v.name), options, defaultLog);
  const design = lawDesign(FN, columns, lossColumn, variables, rp.free, options);
  const problem = lawProblem(parsed.node, rp, design, observations(objective, design), pointScoring(objective, design.weights));
  const kinds = parameterKinds(parsed.node, params, defaultLog, variables.map((v) => v.name));
  const startData = {
    minLoss: design.loss.reduce((a, b) => Math.min(a, b), Infinity),
    variables: Object.fromEntries(design.variables.map((v, k) => [v.name, design.x[k]])),
  };
  const starts = buildStarts(options.starts ?? 'auto', rp, kinds, startData, FN);
  const gridValues = autoStartValues(rp, kinds, startData, FN);
  const maxStep = Float64Array.from(rp.free, (k) => (logLike(k, rp, kinds) ? MAX_LOG_STEP : Infinity));
  // From a grid (not from starts the user gave), each local solve first projects the linear coefficients.
  const linear = linearCoefficients(problem.node, rp.free, rp.log, new Set(Object.keys(rp.bounds)));
  const projector = linear.length && !Array.isArray(options.starts) ? new CoefficientProjector(problem.model, design.loss, rp.free.length, linear) : null;
  const runs = multistart(problem.prob, starts, {
    delta, maxIter, maxStep, projector, report: progressReporter('start grid', starts.length, options.onProgress), signal: settings.signal, fn: FN,
  });
  if (!runs.best) throw notFiniteAtStarts(FN, problem.node, rp, design, starts);
  const verified = checkRun(problem.prob, runs.best, runs.lowerUnconverged, {
    delta, maxIter: Math.max(maxIter, BOOTSTRAP_MAX_ITER), maxStep, workspace: runs.workspace,
    probes: (j) => [...new Set([...gridValues[j], ...starts.slice(0, MAX_PROBES).map((s) => s[j])])],
    probeStep: (j, v) => (logLike(rp.free[j], rp, kinds) ? 1 : 0.5 * Math.max(Math.abs(v), 1e-3)),
  });
  const refitOptions = { delta, maxIter: Math.max(maxIter, BOOTSTRAP_MAX_ITER), maxStep };
  const theta = new Float64Array(rp.free.length);
  const solution = lawSolution(FN, { model: problem.model, data: problem.prob, rp, design, best: verified, delta, settings, onProgress: options.onProgress }, (weights) => {
    theta.set(verified.theta);
    const r = lmSolve(problem.prob, theta, { ...refitOptions, weights }, runs.workspace);
    return { theta, converged: r.converged };
  });
  solution.warnings.unshift(...runWarnings(runs, verified, rp, starts.length));
  const values = Object.fromEntries(Object.entries(solution.params).map(([k, e]) => [k, e.value]));
  const universal = builtin?.name === 'universal';
  return assembleFit(design, solution, {
    law: parsed.text, lawName: builtin?.name ?? null, objectiveKind: objective, level: settings.level, solver: SOLVER, exponentParams: [...kinds.exponents].filter((k) => rp.free.includes(k)),
    ...(universal ? { coefficients: { L0: values.L0, width: values.c_m, depth: values.c_l, time: values.c_D }, exponents: { width: 1, depth: 1, time: 1 / 3 } } : {}),
    starts: describeStarts(runs, starts.length, Array.isArray(options.starts) ? 'given' : options.starts ?? 'auto', linear.map((j) => rp.free[j])),
    evaluateWith: (vv, pv) => evaluateNode(parsed.node, { ...pv, ...vv }),
  });
}

/** Log-parameters and exponents move in log-like units (a step of 1 is a factor e, or a unit of exponent). */
function logLike(k: string, rp: ResolvedParams, kinds: ParameterKinds): boolean {
  return rp.log.has(k) || kinds.exponents.has(k);
}

/** What the user must know about the runs: a failed convergence check (and why), a lower run that did not converge, invalid starts. */
function runWarnings(runs: MultistartResult, v: Verified, rp: ResolvedParams, count: number): string[] {
  const out: string[] = [];
  const low: Run | null = runs.lowerUnconverged;
  // The verified point is reported (its res converged) though a run that did not converge went lower.
  if (low && v.res.converged && !v.check.passed && low.res.objective < v.res.objective * (1 - RESTART_RTOL)) {
    const there = naturalValues(rp, low.theta);
    const moved = rp.free.map((k, j) => ({ k, d: Math.abs(low.theta[j] - v.theta[j]) })).sort((a, b) => b.d - a.d).slice(0, 2).map(({ k }) => `${k} = ${fmt(there[k])}`);
    out.push(`NOT converged to the minimum: start #${low.start} reached a lower objective (${low.res.objective.toExponential(4)}, vs ${v.res.objective.toExponential(4)} reported) but did not converge (${low.res.reason}), with ${moved.join(', ')}. `
      + 'The objective may keep falling towards the edge of the parameter space (a parameter the data do not bound), or differ there only by rounding; the reported parameters are the best converged run. To fix: bound or fix those parameters, then fit again.');
  } else if (!v.check.passed) {
    out.push(`the fit did NOT converge (${v.check.failure}): the parameters are not a verified optimum. To fix: try other starts, fix or bound the parameters the data do not determine (see the condition number), or raise maxIter.`);
  }
  if (runs.invalid === count - 1 && count > 1) out.push('all but one start point gave non-positive losses.');
  return out;
}

/** The law on the design's points; `y` holds the observations in the scoring's space (log L or L). */
function lawProblem(lawNode: MathNode, rp: ResolvedParams, design: Design, y: Float64Array, scoring: PointScoring): LawProblem {
  // substitute() looks names up with `in`: objects without a prototype keep 'constructor' a plain name.
  const bare = <T>(o: Record<string, T>): Record<string, T> => Object.assign(Object.create(null) as Record<string, T>, o);
  const tiedNodes: Record<string, MathNode> = Object.fromEntries(Object.entries(rp.tied).map(([k, t]) => [k, substitute(t.node, bare(rp.fixed), bare({}))]));
  const node = substitute(lawNode, bare(rp.fixed), bare(tiedNodes));
  // The fused kernels score log residuals without a penalty; other scorings use the generic path.
  const compiled = compileLaw(node, design.variables.map((v) => v.name), rp.free, rp.log).bind(design.x, isPlainScoring(scoring) ? design.logLoss : undefined);
  const prob: LMProblem = {
    n: design.n, p: rp.free.length, logy: y, ...scoring, model: compiled.model, value: compiled.value,
    objective: compiled.objective, accumulate: compiled.accumulate, lower: rp.lower, upper: rp.upper,
  };
  return { prob, node, model: compiled.model.bind(compiled) };
}

export type { ResolvedParams };

/** The names fitLaw accepts: the %fit magic checks its options against them. */
export { KNOWN as LAW_OPTIONS };
