import { ScalingLabError, checkOptionKeys } from '../errors';
import { progressReporter, type ProgressCallback } from '../progress';
import { toColumns, requireColumn, findColumn, type DataInput } from '../data/columns';
import type { Columns } from '../data/frame';
import { checkObjective, deltaOf, observations, pointScoring } from './objective';
import type { ExcludeSpec } from './exclude';
import { scheduledTime, type ScheduleSpec } from './scheduleTime';
import type { PointOptions } from './weights';
import { prepareDesign, type Design } from './design';
import { LinearLogFit, type LinearSolve } from './linearLog';
import { fitFreeExponents } from './universalFree';
import { universalityTest } from './universality';
import { applyBootstrap, bootstrapByRun, estimate, reportedCovariance, standardError } from './inference';
import { inferenceSettings, type InferenceSettings, type SharedOptions } from './settings';
import { LMWorkspace } from './lm';
import { checkRun } from './verify';
import { assembleFit, fitStatistics, type FitSolution } from './report';
import { universalBridge, universalEvaluator, type UniversalFit, type UniversalTerm } from './universalFit';
import type { Objective, ParamEstimate, Role } from './types';

export type { UniversalTerm, UniversalFit };

/** The universal exponents (Liu and Gore): width 1 (superposition), depth 1 (layer ensembling), time 1/3 (softmax CE). */
export const UNIVERSAL_EXPONENTS: Record<UniversalTerm, number> = { width: 1, depth: 1, time: 1 / 3 };

export interface UniversalOptions extends SharedOptions, PointOptions {
  /**
   * 'fixed' (default: 1, 1, 1/3), 'free' (all fitted, with the fixed-vs-free universality test), or
   * per term a number (held fixed at it) or 'free', e.g. { depth: 'free' }; unlisted terms stay universal.
   */
  exponents?: 'fixed' | 'free' | Partial<Record<UniversalTerm, number | 'free'>>;
  /**
   * 'lsq' (default): least squares on log L; or an object: { huber: delta } (Huber), { residuals: 'loss' }
   * (residuals on L), { overestimatePenalty: k } (over-estimates count k times), combinable.
   */
  objective?: Objective;
  /** Rows to leave out: { highestLoss: k }, a predicate (row, i) => boolean, or row indices. */
  exclude?: ExcludeSpec;
  /** Which terms to include (default all three); left-out terms have coefficient 0. */
  terms?: UniversalTerm[];
  /** Bootstrap resamples by run (default 200; 0 or false for none; above 10,000 only with allowLargeBootstrap). */
  bootstrap?: number | false;
  /** Seed of the bootstrap, an integer (default 0). */
  seed?: number;
  /** Level of the intervals (default 0.95): bootstrap percentiles, or value +/- z stderr without a bootstrap. */
  level?: number;
  /** Column names; detected from common aliases when not given. */
  loss?: string; width?: string; depth?: string; tokens?: string; steps?: string;
  /** Dynamic time tau (sum of learning rates) column, used for the time term instead of tokens. */
  time?: string;
  /**
   * A learning-rate schedule: the time term then uses tau = dynamicTime(schedule, step) of each row's
   * steps column (`steps`, default: detected), e.g. { kind: 'cosine', peak: 3e-4, warmup: 0.01, total: 10000 }.
   * A numeric field may name a column instead, for runs with their own schedules: { peak: 'lr', total: 'total_steps' }.
   */
  schedule?: ScheduleSpec;
  /** Same names as an object: { loss: 'val_loss', width: 'd_model', ... }. */
  columns?: Partial<Record<'loss' | 'width' | 'depth' | 'tokens' | 'steps' | 'time', string>>;
  /** Progress of the bootstrap. */
  onProgress?: ProgressCallback;
  /** Stops the bootstrap (default: the running notebook cell's signal, so a kernel interrupt stops it). */
  signal?: AbortSignal;
}

const COLUMN_KEYS = ['loss', 'width', 'depth', 'tokens', 'steps', 'time'] as const;
const KNOWN = ['exponents', 'objective', 'exclude', 'terms', 'bootstrap', 'seed', 'level', ...COLUMN_KEYS, 'columns', 'schedule', 'weights', 'groups', 'onProgress', 'signal', 'allowLargeBootstrap'];
/** The solvers, as the summary names them. */
const FIXED_SOLVER = 'scalinglab projected Gauss-Newton with exact NNLS steps (fixed exponents: linear coefficients)';
const FREE_SOLVER = 'scalinglab Levenberg-Marquardt (analytic Jacobian) from the fixed-exponent solution';
const TERMS: UniversalTerm[] = ['width', 'depth', 'time'];
const FN = 'fitUniversal';

/** One term of the law: its variable, the column it reads, and its parameter names. */
interface Term { term: UniversalTerm; variable: string; role: Role; column: string; coef: string; expo: string; exponent: number | 'free' }

/**
 * Fits L = L0 + c_m / m^a_m + c_l / l^a_l + c_D / D^a_D (docs/derivations.md#universal-form) in
 * log-loss space. With the exponents fixed (default 1, 1, 1/3) the law is linear in (L0, c_m, c_l,
 * c_D) >= 0: solved by projected Gauss-Newton whose every step is an exact NNLS subproblem
 * (linearLog.ts). Free exponents start from that solution (universalFree.ts) and add the
 * universality test. Coefficients in raw units.
 */
export function fitUniversal(data: DataInput, options: UniversalOptions = {}): UniversalFit {
  checkOptionKeys(FN, options, KNOWN);
  if (options.columns !== undefined) checkOptionKeys(`${FN} columns`, options.columns, COLUMN_KEYS);
  const objective = checkObjective(FN, options.objective ?? 'lsq');
  const delta = deltaOf(objective);
  const termNames = options.terms ?? TERMS;
  if (!Array.isArray(termNames) || termNames.length === 0 || termNames.some((t) => !TERMS.includes(t))) {
    throw new ScalingLabError('bad-option', `${FN}: terms must be a non-empty subset of ${TERMS.join(', ')}, got ${JSON.stringify(termNames)}.`);
  }
  const spec = resolveExponents(options.exponents, termNames);
  const settings = inferenceSettings(FN, options);
  const given = toColumns(data, FN);
  const timed = timedColumns(given, options, termNames);
  const columns = timed?.columns ?? given;
  const { lossColumn, terms } = termColumns(columns, timed ? { ...options, time: timed.column, steps: undefined, tokens: undefined } : options, termNames, spec);
  const design = universalDesign(columns, lossColumn, terms, options);
  const exponentOf = (t: Term) => (t.exponent === 'free' ? UNIVERSAL_EXPONENTS[t.term] : t.exponent);
  const scoring = pointScoring(objective, design.weights), y = observations(objective, design);
  // The fixed-exponent fit is always run: it is the whole answer or the null model of the universality test.
  const lin = new LinearLogFit(design.x, terms.map(exponentOf), y, delta, scoring);
  const fixed = lin.solve(null, null);
  const fixedCoefs = Float64Array.from(lin.c);
  const report = progressReporter('bootstrap', settings.resamples, options.onProgress);
  const free = terms.filter((t) => t.exponent === 'free');
  const solution = free.length === 0
    ? fixedSolution(lin, fixed, fixedCoefs, terms, design, settings, report)
    : fitFreeExponents(FN, terms.map((t) => ({ coef: t.coef, expo: t.expo, exponent: exponentOf(t), free: t.exponent === 'free' })),
      design.x, y, fixedCoefs, delta, settings, report, scoring, design.groups);
  if (!solution.converged) solution.warnings.unshift(`the fit did NOT converge (${solution.convergence.failure ?? 'the solver stopped early'}): its parameters may not be the optimum.`);
  const p = solution.params;
  const stats = (logf: Float64Array, k: number) => fitStatistics(design.logLoss, logf, null, k, { space: scoring.space, weights: design.weights });
  const universality = free.length === 0 ? undefined : universalityTest({
    fixed: stats(lin.logf(fixedCoefs), 1 + terms.length), free: stats(solution.logf, solution.kFree),
    exponents: Object.fromEntries(free.map((t) => [t.term, p[t.expo]])), universal: Object.fromEntries(free.map((t) => [t.term, UNIVERSAL_EXPONENTS[t.term]])),
    method: delta === Infinity && scoring.penalty === undefined ? 'likelihood-ratio' : 'wald',
    covariance: solution.covariance, parameterOf: Object.fromEntries(free.map((t) => [t.term, t.expo])),
    converged: solution.converged, level: settings.level,
  });
  const termOf = (term: UniversalTerm) => terms.find((t) => t.term === term);
  const coefOf = (term: UniversalTerm) => { const t = termOf(term); return t ? p[t.coef].value : 0; };
  const expOf = (term: UniversalTerm) => { const t = termOf(term); return t ? p[t.expo].value : UNIVERSAL_EXPONENTS[term]; };
  const fit = assembleFit(design, solution, {
    law: lawText(terms, (t) => p[t.expo].value), lawName: 'universal', objectiveKind: objective, level: settings.level,
    solver: free.length ? FREE_SOLVER : FIXED_SOLVER, exponentParams: free.map((t) => t.expo), ...(timed ? { time: timed.note } : {}),
    coefficients: { L0: p.L0.value, width: coefOf('width'), depth: coefOf('depth'), time: coefOf('time') },
    exponents: { width: expOf('width'), depth: expOf('depth'), time: expOf('time') },
    universality,
    evaluateWith: universalEvaluator(terms),
  });
  return universalBridge(fit, Object.fromEntries(terms.map((t) => [t.term, { coef: t.coef, expo: t.expo }])));
}

/** The loss column and each term's column: explicit names first, then aliases; time from tau, steps or tokens. */
function termColumns(columns: Columns, options: UniversalOptions, termNames: UniversalTerm[], spec: Record<UniversalTerm, number | 'free'>): { lossColumn: string; terms: Term[] } {
  const names: Partial<Record<(typeof COLUMN_KEYS)[number], string>> = { ...(options.columns ?? {}) };
  for (const k of COLUMN_KEYS) if (options[k] !== undefined) names[k] = options[k];
  const lossColumn = requireColumn(columns, 'loss', FN, names.loss);
  const time = termNames.includes('time') ? timeColumn(columns, names, lossColumn) : null;
  const variable: Record<UniversalTerm, string> = { width: 'm', depth: 'l', time: time?.role === 'steps' ? 'S' : time?.role === 'time' ? 'tau' : 'D' };
  const terms = termNames.map((term): Term => {
    const v = variable[term];
    const role: Role = term === 'time' ? time!.role : term;
    const column = term === 'time' ? time!.column : requireColumn(columns, term as 'width' | 'depth', FN, names[term as 'width' | 'depth']);
    return { term, variable: v, role, column, coef: `c_${v}`, expo: `a_${v}`, exponent: spec[term] };
  });
  return { lossColumn, terms };
}

/** Time: explicit tau, explicit steps, explicit tokens, else detected tokens, steps, tau. */
function timeColumn(columns: Columns, names: Partial<Record<string, string>>, lossColumn: string): { role: 'tokens' | 'steps' | 'time'; column: string } {
  for (const role of ['time', 'steps', 'tokens'] as const) {
    if (names[role] !== undefined) return { role, column: requireColumn(columns, role, FN, names[role]) };
  }
  for (const role of ['tokens', 'steps', 'time'] as const) {
    const c = findColumn(columns, role, undefined, FN);
    if (c && c !== lossColumn) return { role, column: c };
  }
  return { role: 'tokens', column: requireColumn(columns, 'tokens', FN) }; // throws the standard missing-column message
}

/** With a schedule: the data with a tau column from the steps column (the time term then reads it); null without one. */
function timedColumns(columns: Columns, options: UniversalOptions, termNames: UniversalTerm[]): ReturnType<typeof scheduledTime> | null {
  if (options.schedule === undefined) return null;
  if (!termNames.includes('time')) throw new ScalingLabError('bad-option', `${FN}: schedule is given but the time term is not fitted (terms: ${termNames.join(', ')}).`, "add 'time' to terms, or leave schedule out.");
  const clash = (['time', 'tokens'] as const).find((k) => options[k] !== undefined || options.columns?.[k] !== undefined);
  if (clash) {
    throw new ScalingLabError('bad-option', `${FN}: schedule computes the time variable from the steps column, so the ${clash} column option has no use with it.`,
      `leave ${clash} out (name the steps column with steps: '<column>'), or leave schedule out to fit on the ${clash} column.`);
  }
  const stepsName = options.steps ?? options.columns?.steps;
  const steps = requireColumn(columns, 'steps', FN, stepsName);
  return scheduledTime(FN, columns, options.schedule, steps);
}

function universalDesign(columns: Columns, lossColumn: string, terms: Term[], options: UniversalOptions): Design {
  const others = (t: Term) => terms.filter((x) => x !== t).map((x) => `'${x.term}'`).join(', ');
  return prepareDesign(columns, {
    fn: FN, lossColumn, exclude: options.exclude, points: { weights: options.weights, groups: options.groups },
    variables: terms.map((t) => ({
      name: t.variable, column: t.column, role: t.role, positive: true, what: t.role,
      noVariation: { subject: `the ${t.term} term is requested but ${t.role} ('${t.column}')`, hint: `leave the term out (terms: [${others(t)}]) or add runs with different ${t.role}.` },
    })),
    free: { count: 1 + terms.length + terms.filter((t) => t.exponent === 'free').length, hint: 'add runs, fix the exponents, drop terms, or exclude fewer rows.' },
  });
}

/** Every exponent fixed: the linear solution (checked), its curvature standard errors and the bootstrap of the same solver. */
function fixedSolution(lin: LinearLogFit, solved: LinearSolve, start: Float64Array, terms: Term[], design: Design, settings: InferenceSettings, report: (done: number) => void): FitSolution {
  const prob = lin.lmProblem();
  const asRun = { objective: solved.objective, iterations: solved.iterations, converged: solved.converged, gradientNorm: solved.gradientNorm, reason: solved.converged ? 'converged' as const : 'max-iterations' as const };
  const v = checkRun(prob, { theta: start, res: asRun }, null, {
    delta: lin.delta, maxIter: 200, workspace: new LMWorkspace(prob.n, prob.p),
    probeStep: (k, value) => 0.5 * Math.max(value, lin.coefficientScale(k)),
  });
  const coefs = v.theta, fixed = v.res;
  const names = ['L0', ...terms.map((t) => t.coef)];
  const { active, model } = lin.activeModel(coefs);
  // Only coefficients off their zero bound are estimated: G selects them.
  const cov = reportedCovariance(model, coefs, lin.lmProblem(), active.length, lin.delta, () => names.map((_, k) => active.map((j) => (j === k ? 1 : 0))));
  const warnings: string[] = [];
  const params: Record<string, ParamEstimate> = {};
  names.forEach((nm, k) => {
    const se = cov.matrix && active.includes(k) ? standardError(cov.matrix, k) : null;
    params[nm] = estimate(nm, coefs[k], se, settings.level, { fixed: false, bounds: [0, Infinity] });
    if (coefs[k] === 0) warnings.push(`${nm} is at its bound 0 (the data do not support a positive ${nm}); its standard error is not estimated.`);
  });
  for (const t of terms) params[t.expo] = estimate(t.expo, t.exponent as number, null, settings.level, { fixed: true });
  let bootstrap;
  if (settings.resamples > 0) {
    bootstrap = bootstrapByRun(FN, design.n, names, settings, (weights) => ({ converged: lin.solve(weights, coefs).converged, values: lin.c }), report, design.groups);
    warnings.push(...applyBootstrap(params, bootstrap, settings.level));
  }
  return {
    params, objective: fixed.objective, converged: fixed.converged && v.check.passed, convergence: v.check, iterations: fixed.iterations, gradientNorm: fixed.gradientNorm,
    logf: lin.logf(coefs), kFree: names.length, bootstrap, covariance: cov.matrix ? { names, matrix: cov.matrix } : null, warnings,
  };
}

/** The law as text: fixed exponents written out, free ones by name. */
function lawText(terms: Term[], exponentValue: (t: Term) => number): string {
  return 'L0' + terms.map((t) => {
    if (t.exponent === 'free') return ` + ${t.coef} / ${t.variable}^${t.expo}`;
    const e = exponentValue(t);
    if (e === 1) return ` + ${t.coef} / ${t.variable}`;
    if (Math.abs(e - 1 / 3) < 1e-15) return ` + ${t.coef} * ${t.variable}^(-1/3)`;
    return ` + ${t.coef} * ${t.variable}^(-${e})`;
  }).join('');
}

function resolveExponents(spec: UniversalOptions['exponents'], terms: UniversalTerm[]): Record<UniversalTerm, number | 'free'> {
  const out: Record<UniversalTerm, number | 'free'> = { ...UNIVERSAL_EXPONENTS };
  if (spec === undefined || spec === 'fixed') return out;
  if (spec === 'free') { for (const t of terms) out[t] = 'free'; return out; }
  if (typeof spec !== 'object' || spec === null) {
    throw new ScalingLabError('bad-option', `${FN}: exponents must be 'fixed', 'free' or an object like { depth: 'free' }, got ${JSON.stringify(spec)}.`,
      "leave it out (or 'fixed') for the universal exponents, 'free' to fit all of them, or e.g. { depth: 'free' } to free one.");
  }
  for (const [k, v] of Object.entries(spec)) {
    if (!TERMS.includes(k as UniversalTerm)) throw new ScalingLabError('unknown-option', `${FN}: unknown exponent '${k}'.`, `exponents are: ${TERMS.join(', ')}.`);
    if (!terms.includes(k as UniversalTerm)) throw new ScalingLabError('bad-option', `${FN}: exponent '${k}' given but the ${k} term is not fitted (terms: ${terms.join(', ')}).`);
    if (v !== 'free' && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
      throw new ScalingLabError('bad-option', `${FN}: exponents.${k} must be a positive number or 'free', got ${JSON.stringify(v)}.`);
    }
    out[k as UniversalTerm] = v as number | 'free';
  }
  return out;
}

/** The names fitUniversal accepts, and those of its `columns` option: the %fit magic checks its options against them. */
export { KNOWN as UNIVERSAL_OPTIONS, COLUMN_KEYS as UNIVERSAL_COLUMN_KEYS };
