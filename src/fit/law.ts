import { ScalingLabError, checkOptionKeys } from '../errors';
import { progressReporter, type ProgressCallback } from '../progress';
import { toColumns, findColumn, requireColumn, numericColumn, numRows, ROLE_ALIASES, type DataInput } from '../data/columns';
import { LAWS, SYMBOL_ROLES } from '../laws/builtin';
import { additiveTerms } from '../laws/tree';
import { parseLaw, compileLaw, substitute, scaleParameters, evaluateNode, type MathNode } from '../laws/expression';
import { applyExclusions, excludeHighestLoss, type ExcludeSpec } from './exclude';
import { resolveParams, naturalOf, type ParamSpecOptions, type ResolvedParams } from './params';
import { buildStarts, type StartSpec } from './startGrid';
import { lmSolve, LMWorkspace, type LMProblem, type LMResult } from './lm';
import { linearCoefficients, CoefficientProjector } from './linearCoefficients';
import { deltaOf } from './huber';
import { Rng } from '../util/random';
import { checkObjective, percentileCI } from './universal';
import { logResidualCurvature } from './curvature';
import { makeFitResult, fitStatistics, fmt } from './report';
import type { FitResult, Objective, ParamEstimate, Role } from './types';

export interface LawOptions extends ParamSpecOptions {
  /** { huber: 1e-3 } (default): Huber on log L, summed over points; or 'lsq': least squares on log L. */
  objective?: Objective;
  /** Rows to leave out: { highestLoss: k }, a predicate (row, i) => boolean, or row indices. */
  exclude?: ExcludeSpec;
  /**
   * Start points of the local solver (Levenberg-Marquardt from each; the lowest objective wins):
   * 'hoffmann' (Hoffmann et al.'s 4,500-point grid for E + A/N^alpha + B/D^beta), 'auto' (default: a
   * small log-spaced grid) or an array of { parameter: value } records in natural units. From a grid,
   * each run first sets the linear coefficients (E, A, B in the Chinchilla law) to their best values for
   * the start's exponents when that lowers the objective; starts that then coincide are run once.
   * Given starts are used exactly as given.
   */
  starts?: StartSpec;
  /** Law variable -> data column, e.g. { N: 'model_size' } (default: exact column name, else alias by role). */
  variables?: Record<string, string>;
  /** Column names by role: loss, params, tokens, width, depth, flops, steps, time. */
  loss?: string; params?: string; tokens?: string; width?: string; depth?: string; flops?: string; steps?: string; time?: string;
  /** Bootstrap resamples by run (default 200; 0 or false for none), refitted from the best solution. */
  bootstrap?: number | false;
  /** Bootstrap seed (default 0). */
  seed?: number;
  /** Iteration cap per start (default 200; a start that hits it is not converged). */
  maxIter?: number;
  /** Progress of the start grid and the bootstrap. */
  onProgress?: ProgressCallback;
}

const KNOWN = ['objective', 'exclude', 'starts', 'variables', 'loss', 'params', 'tokens', 'width', 'depth', 'flops', 'steps', 'time',
  'bootstrap', 'seed', 'maxIter', 'onProgress', 'fixed', 'bounds', 'tied', 'logParams'];
const FN = 'fitLaw';
const ROLE_KEYS = ['params', 'tokens', 'width', 'depth', 'flops', 'steps', 'time'] as const;

/**
 * Fits any law written as a math expression (or a built-in name: 'chinchilla', 'universal', 'kaplan')
 * in log-loss space: r = log L - log law. Parameters are the free symbols that are not data
 * variables; coefficients of power terms (and an additive floor) are fitted as logarithms.
 */
export function fitLaw(data: DataInput, law: string, options: LawOptions = {}): FitResult {
  checkOptionKeys(FN, options, KNOWN);
  const objective = checkObjective(FN, options.objective ?? { huber: 1e-3 });
  const delta = deltaOf(objective);
  const B = options.bootstrap === false ? 0 : options.bootstrap ?? 200;
  if (!Number.isInteger(B) || B < 0) throw new ScalingLabError('bad-option', `${FN}: bootstrap must be a non-negative integer or false, got ${options.bootstrap}.`);
  const seed = options.seed ?? 0;
  const maxIter = options.maxIter ?? 200;
  const builtin = typeof law === 'string' && law in LAWS ? LAWS[law as keyof typeof LAWS] : null;
  const parsed = parseLaw(builtin ? builtin.expression : law, FN);
  const columns = toColumns(data, FN);
  const names = Object.keys(columns);
  const lossCol = requireColumn(columns, 'loss', FN, options.loss);
  if (options.variables !== undefined && (typeof options.variables !== 'object' || options.variables === null)) {
    throw new ScalingLabError('bad-option', `${FN}: variables must be an object like { N: 'model_size' }.`);
  }
  for (const k of Object.keys(options.variables ?? {})) {
    if (!parsed.symbols.includes(k)) throw new ScalingLabError('unknown-symbol', `${FN}: variables names '${k}', which is not a symbol of the law '${parsed.text}'.`, `symbols are: ${parsed.symbols.join(', ')}.`);
  }
  // Symbols -> data variables (with column and role) or parameters.
  const vars: string[] = [], roles: Record<string, Role> = {}, colMap: Record<string, string> = {};
  const params: string[] = [];
  const roleOfColumn = (c: string): Role => (Object.entries(ROLE_ALIASES).find(([, al]) => al.includes(c))?.[0] as Role) ?? 'other';
  for (const s of parsed.symbols) {
    const explicit = options.variables?.[s];
    if (explicit !== undefined) {
      if (!names.includes(explicit)) throw new ScalingLabError('missing-column', `${FN}: variables.${s} = '${explicit}' is not a column. Columns present: ${names.join(', ')}.`);
      vars.push(s); colMap[s] = explicit; roles[s] = builtin?.variables[s] ?? SYMBOL_ROLES[s] ?? roleOfColumn(explicit);
      continue;
    }
    const role: Role | undefined = builtin?.variables[s] ?? SYMBOL_ROLES[s] ?? ((ROLE_KEYS as readonly string[]).includes(s) ? (s as Role) : undefined);
    if (role && role !== 'other' && role !== 'loss') {
      const given = options[role as (typeof ROLE_KEYS)[number]];
      const c = given !== undefined ? requireColumn(columns, role, FN, given) : names.includes(s) ? s : findColumn(columns, role);
      if (!c) {
        throw new ScalingLabError('missing-column',
          `${FN}: law variable '${s}' stands for ${role}, but no ${role} column was found. Columns present: ${names.join(', ')}. Aliases tried: ${ROLE_ALIASES[role].join(', ')}.`,
          `name the column with { ${role}: '<column>' } or { variables: { ${s}: '<column>' } }.`);
      }
      vars.push(s); colMap[s] = c; roles[s] = role;
      continue;
    }
    if (names.includes(s) && s !== lossCol) { vars.push(s); colMap[s] = s; roles[s] = roleOfColumn(s); continue; }
    params.push(s);
  }
  if (vars.length === 0) {
    throw new ScalingLabError('bad-expression', `${FN}: the law '${parsed.text}' uses no data variable (symbols: ${parsed.symbols.join(', ')}; columns: ${names.join(', ')}).`,
      'use column names or N (params), D (tokens), m (width), l (depth), C (flops) in the law, or map symbols with { variables: { ... } }.');
  }
  if (params.length === 0) throw new ScalingLabError('bad-expression', `${FN}: the law '${parsed.text}' has no parameters to fit.`);
  const defaultLog = builtin ? builtin.logParams : scaleParameters(parsed.node, params);
  const rp = resolveParams(FN, params, vars, options, defaultLog);
  if (rp.free.some((k) => k in (options.variables ?? {}))) throw new Error('unreachable');

  // Rows: exclusions, validation, highest-loss rule.
  const { excluded, reasons, highestLoss } = applyExclusions(columns, options.exclude, FN);
  let rows: number[] = [];
  for (let i = 0; i < numRows(columns); i++) if (!excluded.has(i)) rows.push(i);
  let y = numericColumn(columns, lossCol, FN, 'loss', true, rows);
  let xs = vars.map((v) => numericColumn(columns, colMap[v], FN, `${roles[v]} (law variable ${v})`, roles[v] !== 'other', rows));
  if (highestLoss !== undefined) {
    const kept = new Set(excludeHighestLoss(y, rows, highestLoss, excluded, reasons));
    const pos = rows.map((r, j) => (kept.has(r) ? j : -1)).filter((j) => j >= 0);
    y = Float64Array.from(pos, (j) => y[j]);
    xs = xs.map((x) => Float64Array.from(pos, (j) => x[j]));
    rows = rows.filter((r) => kept.has(r));
  }
  const n = rows.length;
  vars.forEach((v, k) => {
    let lo = Infinity, hi = -Infinity;
    for (const x of xs[k]) { lo = Math.min(lo, x); hi = Math.max(hi, x); }
    if (!(hi > lo + 1e-12 * Math.abs(lo))) {
      throw new ScalingLabError('no-variation', `${FN}: law variable '${v}' (${roles[v]}, column '${colMap[v]}') does not vary over the ${n} points used (all ${fmt(lo)}), so its term cannot be fitted.`,
        `drop the term from the law or fix its parameters (fixed: { ... }), or add runs with different ${roles[v]}.`);
    }
  });
  const p = rp.free.length;
  if (n < p + 1) throw new ScalingLabError('too-few-points', `${FN}: ${n} points for ${p} free parameters (${rp.free.join(', ')}); need at least ${p + 1}.`, 'add runs, fix or tie parameters, or exclude fewer rows.');

  // Compile with fixed values and tied expressions substituted.
  const tiedNodes: Record<string, MathNode> = Object.fromEntries(Object.entries(rp.tied).map(([k, t]) => [k, substitute(t.node, rp.fixed, {})]));
  const node = substitute(parsed.node, rp.fixed, tiedNodes);
  const logy = Float64Array.from(y, Math.log);
  const compiled = compileLaw(node, vars, rp.free, rp.log).bind(xs, logy);
  const prob: LMProblem = { n, p, logy, model: compiled.model, value: compiled.value, objective: compiled.objective, accumulate: compiled.accumulate, lower: rp.lower, upper: rp.upper };

  const exponentParams = new Set<string>();
  parsed.node.traverse((nd) => {
    if (nd.type === 'OperatorNode' && nd.fn === 'pow') nd.args![1].traverse((q) => { if (q.type === 'SymbolNode' && params.includes(q.name!)) exponentParams.add(q.name!); });
  });
  const floorParams = new Set(defaultLog.filter((k) => !exponentParams.has(k) && scaleParameters(parsed.node, params).includes(k) && isTopLevelTerm(parsed.node, k)));
  let minY = Infinity; for (const v of y) minY = Math.min(minY, v);
  const starts = buildStarts(options.starts ?? 'auto', rp, exponentParams, 0, minY, FN, floorParams);

  // Levenberg-Marquardt from every start; the lowest objective wins.
  const ws = new LMWorkspace(n, p);
  const theta = new Float64Array(p);
  let best: { theta: Float64Array; res: LMResult; start: number } | null = null;
  const report = progressReporter('start grid', starts.length, options.onProgress);
  let invalid = 0;
  // Multi-start acceleration (as in MLSL, Rinnooy Kan and Timmer 1987): a run that comes within a tight
  // box of a converged minimum already found, with an objective within 1e-6 of it, is in that basin and
  // is stopped; only runs that converge on their own can be the reported best.
  const minima: Array<{ theta: Float64Array; obj: number }> = [];
  const scaleTh = (j: number, v: number) => 1e-3 * Math.max(1, Math.abs(v));
  const joined = (th: Float64Array, obj: number): boolean => {
    for (const m of minima) {
      if (obj > m.obj * (1 + 1e-5) + 1e-300) continue;
      let close = true;
      for (let j = 0; j < p; j++) if (Math.abs(th[j] - m.theta[j]) > scaleTh(j, m.theta[j])) { close = false; break; }
      if (close) return true;
    }
    return false;
  };
  let joinedRuns = 0;
  // Per-step cap: 10 in log space for log-parameters and exponents, none for others.
  const maxStep = Float64Array.from(rp.free, (k) => (rp.log.has(k) || exponentParams.has(k) ? 10 : Infinity));
  // From a grid (not from starts the user gave), each local solve first projects the linear coefficients
  // (linearCoefficients.ts), kept only when it lowers the objective. LM is deterministic, so a start at
  // the very point (bitwise) of an earlier one would repeat that run exactly: it is counted, not re-run.
  const linear = linearCoefficients(node, rp.free, rp.log, new Set(Object.keys(rp.bounds)));
  const projector = linear.length && !Array.isArray(options.starts) ? new CoefficientProjector(compiled.model, y, p, linear) : null;
  const seen = new Set<string>();
  let projectedRuns = 0, repeatRuns = 0;
  const objectiveAt = (th: Float64Array) => prob.objective!(th, null, delta);
  // The projection depends only on the nonlinear parameters: computed once per distinct set of them.
  const projections = new Map<string, { theta: Float64Array; obj: number } | null>();
  const nonlinear = rp.free.map((_, j) => j).filter((j) => !linear.includes(j));
  const projectionOf = (th: Float64Array) => {
    const key = nonlinear.map((j) => th[j]).join(',');
    let pr = projections.get(key);
    if (pr === undefined) {
      const out = new Float64Array(p);
      pr = projector!.project(th, out) ? { theta: out, obj: objectiveAt(out) } : null;
      projections.set(key, pr);
    }
    return pr;
  };
  for (let s = 0; s < starts.length; s++) {
    theta.set(starts[s]);
    const pr = projector ? projectionOf(theta) : null;
    if (pr && pr.obj < objectiveAt(theta)) {
      theta.set(pr.theta);
      projectedRuns++;
    }
    const key = theta.join(',');
    if (seen.has(key)) { repeatRuns++; report(s + 1, best?.res.objective); continue; }
    seen.add(key);
    const res = lmSolve(prob, theta, { delta, maxIter, maxStep, joined: minima.length ? joined : undefined }, ws);
    if (res.reason === 'invalid-start') invalid++;
    else if (res.reason === 'joined') joinedRuns++;
    else {
      if (res.converged && !joined(theta, res.objective)) minima.push({ theta: Float64Array.from(theta), obj: res.objective });
      if (!best || res.objective < best.res.objective) best = { theta: Float64Array.from(theta), res, start: s };
    }
    report(s + 1, best?.res.objective);
  }
  if (!best) {
    throw new ScalingLabError('fit-failed', `${FN}: the law is not positive and finite at any of the ${starts.length} start points.`,
      'give start values where the law predicts positive losses (starts: [{ ... }]), or check the expression.');
  }
  const warnings: string[] = [];
  if (!best.res.converged) warnings.push(`the fit did NOT converge (best start stopped: ${best.res.reason} after ${best.res.iterations} iterations): the parameters are the last iterate, not an optimum.`);
  const thBest = best.theta;

  // Natural values of every parameter.
  const naturalAll = (th: ArrayLike<number>): Record<string, number> => {
    const out: Record<string, number> = { ...rp.fixed };
    rp.free.forEach((k, j) => { out[k] = naturalOf(rp, j, th[j]); });
    for (const [k, t] of Object.entries(rp.tied)) out[k] = evaluateNode(t.node, out);
    return out;
  };
  const values = naturalAll(thBest);

  // Asymptotic covariance in theta, mapped to natural units (delta method, ties included).
  const { inv, factor, f } = logResidualCurvature(compiled.model.bind(compiled), thBest, logy, p, delta);
  const atBound = rp.free.map((_, j) => thBest[j] <= rp.lower[j] || thBest[j] >= rp.upper[j]);
  const reported = [...rp.free, ...Object.keys(rp.tied)];
  let cov: number[][] | null = null;
  if (inv && factor !== null) {
    // G = d natural / d theta, numerically for tied parameters.
    const G = reported.map((k) => {
      const row = new Array(p).fill(0);
      const j = rp.free.indexOf(k);
      if (j >= 0) { row[j] = rp.log.has(k) ? values[k] : 1; return row; }
      for (let q = 0; q < p; q++) {
        const h = 1e-6 * Math.max(1, Math.abs(thBest[q]));
        const tp = Float64Array.from(thBest); tp[q] += h;
        const tm = Float64Array.from(thBest); tm[q] -= h;
        row[q] = (naturalAll(tp)[k] - naturalAll(tm)[k]) / (2 * h);
      }
      return row;
    });
    cov = reported.map((_, a) => reported.map((__, b) => {
      let s = 0;
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) s += G[a][i] * factor * inv[i][j] * G[b][j];
      return s;
    }));
  } else {
    warnings.push(factor === null
      ? `no point lies inside the Huber zone (|r| <= ${delta}), so asymptotic standard errors are undefined; use the bootstrap intervals.`
      : 'the curvature matrix is singular (some parameter is not determined by the data): standard errors are missing.');
  }
  rp.free.forEach((k, j) => { if (atBound[j]) warnings.push(`${k} is at a bound (${fmt(values[k])}); its standard error is not estimated.`); });

  const out: Record<string, ParamEstimate> = {};
  for (const k of rp.all) {
    const a = reported.indexOf(k);
    const fixed = k in rp.fixed;
    const bound = rp.bounds[k];
    let se: number | null = null;
    if (!fixed && cov && a >= 0 && !(rp.free.includes(k) && atBound[rp.free.indexOf(k)])) se = Math.sqrt(Math.max(cov[a][a], 0));
    out[k] = {
      name: k, value: values[k], stderr: se, ci: se === null ? null : [values[k] - 1.96 * se, values[k] + 1.96 * se], fixed,
      ...(k in rp.tied ? { tiedTo: rp.tied[k].text } : {}), ...(bound ? { bounds: bound } : {}),
    };
  }

  // Bootstrap by run from the best solution.
  let samples: Record<string, number[]> | undefined;
  if (B > 0) {
    samples = Object.fromEntries(reported.map((k) => [k, [] as number[]]));
    const rng = new Rng(seed);
    const w = new Float64Array(n);
    const rep = progressReporter('bootstrap', B, options.onProgress);
    let failed = 0;
    for (let b = 0; b < B; b++) {
      w.fill(0);
      for (let i = 0; i < n; i++) w[rng.int(n)]++;
      theta.set(best.theta);
      const r = lmSolve(prob, theta, { delta, weights: w, maxIter: Math.max(maxIter, 500), maxStep }, ws);
      if (!r.converged) failed++;
      const nat = naturalAll(theta);
      for (const k of reported) samples[k].push(nat[k]);
      rep(b + 1);
    }
    if (failed) warnings.push(`${failed} of ${B} bootstrap refits did not meet the convergence test.`);
    for (const k of reported) out[k].ci = percentileCI(samples[k]);
  }
  if (invalid === starts.length - 1 && starts.length > 1) warnings.push('all but one start point gave non-positive losses.');

  const logf = Float64Array.from(f, Math.log);
  const stats = fitStatistics(logy, logf, null, p);
  const included = new Set(rows);
  const all = Array.from({ length: numRows(columns) }, (_, i) => i);
  const variables: Record<string, number[]> = {};
  for (const v of vars) variables[v] = all.map((i) => Number(columns[colMap[v]][i]));
  colMap.loss = lossCol;
  const isUniversal = builtin?.name === 'universal';
  const exclusionText = reasons.length ? reasons.join('; ') : 'none';
  const lawNode = parsed.node;
  return makeFitResult({
    law: parsed.text, lawName: builtin?.name ?? null, roles, columns: colMap, params: out,
    ...(isUniversal ? {
      coefficients: { L0: values.L0, width: values.c_m, depth: values.c_l, time: values.c_D },
      exponents: { width: 1, depth: 1, time: 1 / 3 },
    } : {}),
    objective: best.res.objective, objectiveKind: objective, converged: best.res.converged, iterations: best.res.iterations, gradientNorm: best.res.gradientNorm,
    n, excluded: { rows: all.filter((i) => !included.has(i)), reason: exclusionText },
    residuals: stats.residuals, logLik: stats.logLik, aic: stats.aic, bic: stats.bic,
    bootstrap: samples ? { samples, resamples: B, seed } : undefined,
    data: { variables, loss: all.map((i) => Number(columns[lossCol][i])), included: all.map((i) => included.has(i)) },
    warnings, covariance: cov ? { names: reported, matrix: cov } : null,
    notes: {
      exclusions: exclusionText,
      columns: Object.entries(colMap).map(([k, v]) => `${k} <- '${v}'`).join(', '),
      starts: `${starts.length} start${starts.length > 1 ? 's' : ''} (${Array.isArray(options.starts) ? 'given' : options.starts ?? 'auto'}), best #${best.start}${projectedRuns ? `; ${projectedRuns} started from projected coefficients (${linear.map((j) => rp.free[j]).join(', ')}), ${repeatRuns} of them the same point as an earlier start (run once)` : ''}${joinedRuns ? `; ${joinedRuns} runs stopped on entering a known minimum's basin` : ''}`,
    },
    evaluateWith: (vv, pv) => evaluateNode(lawNode, { ...pv, ...vv }),
  });
}

function isTopLevelTerm(node: MathNode, name: string): boolean {
  return additiveTerms(node).some((t) => t.type === 'SymbolNode' && t.name === name);
}

export type { ResolvedParams };
