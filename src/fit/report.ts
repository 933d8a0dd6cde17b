import { fmt } from '../util/format';
import type { DataFrame } from '../data/frame';
import { attachDisplay } from '../display-hook';
import { ScalingLabError, describeValue } from '../errors';
import { hasOwn } from '../util/own';
import { toDataFrame } from '../data/frame';
import { describeObjective, spaceOf, type ResidualSpace } from './objective';
import { designData, type Design } from './design';
import { fitDiagnostics } from './diagnostics';
import { FIT_FORMAT, FIT_FORMAT_VERSION, fitJSONReplacer } from './fitJSON';
import { levelText, normalZ, type BootstrapResult } from './inference';
import type { FitResult, Objective, ParamEstimate, Role, UniversalityTest } from './types';
import { SCALED_GRADIENT_TOL, type ConvergenceCheck } from './verify';

/**
 * The report of a fit (lmfit's split: parameters, minimizer, report): the result object with its
 * methods, the summary text, and the residual statistics.
 */

/** Everything a fit computed; `makeFitResult` adds the methods. */
export type FitParts = Omit<FitResult, 'predict' | 'evaluate' | 'table' | 'summary' | 'toJSON' | 'kind'> & {
  /** The law at one point, by law variable name, with parameter values (all parameters, by name). */
  evaluateWith: (vars: Record<string, number>, params: Record<string, number>) => number;
};

/** What a solver and its inference produced. */
export interface FitSolution {
  params: Record<string, ParamEstimate>;
  objective: number;
  converged: boolean;
  convergence: ConvergenceCheck;
  iterations: number;
  gradientNorm: number;
  /** log of the fitted law at the design's points. */
  logf: Float64Array;
  /** Free parameters, for AIC and BIC. */
  kFree: number;
  bootstrap?: BootstrapResult;
  covariance: { names: string[]; matrix: number[][] } | null;
  warnings: string[];
}

/** How the fitter describes its law and its result. */
export interface FitDescription {
  law: string;
  lawName: string | null;
  /** 'function' for a law given as a JavaScript function (default 'expression'). */
  lawKind?: FitResult['lawKind'];
  objectiveKind: Objective;
  level: number;
  /** Which solver ran (the summary says it). */
  solver: string;
  /** The parameters that are exponents, for the diagnostics (intervals wider than the value). */
  exponentParams?: string[];
  /** Universal form only. */
  coefficients?: FitResult['coefficients'];
  exponents?: FitResult['exponents'];
  universality?: UniversalityTest;
  /** The starts line of the summary (multi-start fits). */
  starts?: string;
  /** How the time variable was computed, when the fit computed it (a schedule's dynamic time). */
  time?: string;
  evaluateWith: FitParts['evaluateWith'];
}

/** The FitResult of a solution on a design. */
export function assembleFit(design: Design, s: FitSolution, d: FitDescription): FitResult {
  const stats = fitStatistics(design.logLoss, s.logf, null, s.kFree, { space: spaceOf(d.objectiveKind), weights: design.weights });
  const roles: Record<string, Role> = {};
  const columns: Record<string, string> = {};
  for (const v of design.variables) { roles[v.name] = v.role; columns[v.name] = v.column; }
  columns.loss = design.lossColumn;
  const data = designData(design);
  return makeFitResult({
    law: d.law, lawName: d.lawName, lawKind: d.lawKind ?? 'expression', roles, columns, params: s.params,
    ...(d.coefficients ? { coefficients: d.coefficients, exponents: d.exponents } : {}),
    objective: s.objective, objectiveKind: d.objectiveKind, level: d.level, solver: d.solver,
    converged: s.converged, convergence: s.convergence, iterations: s.iterations, gradientNorm: s.gradientNorm,
    n: design.n, excluded: { rows: data.included.flatMap((used, i) => (used ? [] : [i])), reason: design.exclusions },
    residuals: stats.residuals, logLik: stats.logLik, aic: stats.aic, bic: stats.bic,
    bootstrap: s.bootstrap ? { samples: s.bootstrap.samples, resamples: s.bootstrap.resamples, seed: s.bootstrap.seed, ...(s.bootstrap.groups ? { groups: s.bootstrap.groups } : {}) } : undefined,
    ...(d.universality ? { universality: d.universality } : {}),
    data, warnings: s.warnings, covariance: s.covariance,
    diagnostics: fitDiagnostics({
      params: s.params, covariance: s.covariance, exponents: d.exponentParams ?? [],
      residuals: Float64Array.from(design.logLoss, (y, i) => y - s.logf[i]),
      variables: design.variables.map((v, k) => ({ name: v.name, column: v.column, x: design.x[k] })),
    }),
    notes: {
      exclusions: design.exclusions,
      columns: [Object.entries(columns).map(([k, v]) => `${k} <- '${v}'`).join(', '), ...design.duplicates].join('; '),
      ...(d.starts !== undefined ? { starts: d.starts } : {}),
      ...(design.weightsLabel ? { weights: design.weightsLabel } : {}),
      ...(d.time !== undefined ? { time: d.time } : {}),
    },
    evaluateWith: d.evaluateWith,
  });
}

/** Builds the FitResult object: predict, evaluate, table, summary, toJSON, and notebook display. */
export function makeFitResult(parts: FitParts): FitResult {
  const { evaluateWith, ...fields } = parts;
  const variables = Object.keys(parts.roles);
  const values = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [k, p] of Object.entries(parts.params)) out[k] = p.value;
    return out;
  };
  const result: FitResult = {
    kind: 'fit',
    ...fields,
    evaluate(vars, params) {
      for (const v of variables) {
        if (typeof vars?.[v] !== 'number') {
          throw new ScalingLabError('missing-variable', `evaluate: variable '${v}' is missing or not a number.`, `pass { ${variables.map((x) => `${x}: ...`).join(', ')} }.`);
        }
      }
      if (params) for (const k of Object.keys(params)) {
        if (!hasOwn(parts.params, k)) throw new ScalingLabError('unknown-parameter', `evaluate: unknown parameter '${k}'.`, `parameters are: ${Object.keys(parts.params).join(', ')}.`);
      }
      return evaluateWith(vars, { ...values(), ...(params ?? {}) });
    },
    predict(rows) {
      if (!Array.isArray(rows)) throw new ScalingLabError('bad-data', 'predict: pass an array of rows, e.g. [{ width: 4096, depth: 48, tokens: 1e12 }].');
      const vals = values();
      return rows.map((row, i) => {
        const vars: Record<string, number> = {};
        for (const v of variables) {
          const candidates = [v, parts.columns[v], parts.roles[v]].filter((x): x is string => typeof x === 'string');
          const key = candidates.find((c) => row && typeof row === 'object' && hasOwn(row, c) && typeof row[c] === 'number');
          if (key === undefined) {
            throw new ScalingLabError('missing-variable', `predict: row ${i} has no value for law variable '${v}' (tried ${[...new Set(candidates)].join(', ')}).`,
              `give each row ${[...new Set(candidates)].map((c) => `'${c}'`).join(' or ')}.`);
          }
          vars[v] = checkedValue(row[key], i, key, v, parts.roles[v]);
        }
        const y = evaluateWith(vars, vals);
        if (!Number.isFinite(y)) throw new ScalingLabError('bad-value', `predict: the law is not finite at row ${i} (${JSON.stringify(vars)}).`, 'check that every size is positive.');
        return y;
      });
    },
    table(): DataFrame {
      const ps = Object.values(parts.params);
      return toDataFrame({
        name: ps.map((p) => p.name),
        value: ps.map((p) => p.value),
        stderr: ps.map((p) => p.stderr ?? NaN),
        ci_low: ps.map((p) => p.ci?.[0] ?? NaN),
        ci_high: ps.map((p) => p.ci?.[1] ?? NaN),
        status: ps.map(status),
      });
    },
    summary: () => summaryText(result),
    toJSON() {
      const { predict, evaluate, table, summary, toJSON, ...plain } = result as FitResult & Record<string, unknown>;
      void predict; void evaluate; void table; void summary; void toJSON;
      // fitFromJSON (serialize.ts) reads it back; non-finite numbers are tagged.
      return JSON.parse(JSON.stringify({ format: FIT_FORMAT, version: FIT_FORMAT_VERSION, ...plain }, fitJSONReplacer));
    },
  };
  return attachDisplay(result);
}

/** A predict input: finite, and positive for a size (every role but 'other'), as the fit required of its data. */
function checkedValue(x: number, row: number, key: string, variable: string, role: Role): number {
  const positive = role !== 'other';
  if (Number.isFinite(x) && (!positive || x > 0)) return x;
  throw new ScalingLabError('bad-value', `predict: row ${row} has ${key} = ${describeValue(x)} (law variable '${variable}', ${role}); it must be ${positive ? 'positive and finite, as in the fitted data' : 'finite'}.`,
    `fix row ${row}'s ${key}.`);
}

function status(p: ParamEstimate): string {
  if (p.tiedTo) return `tied = ${p.tiedTo}`;
  if (p.fixed) return 'fixed';
  return 'free';
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function summaryText(r: FitResult): string {
  const lines: string[] = [];
  lines.push(`Fit of ${r.lawName ? `the ${r.lawName} law ` : ''}L = ${r.law}`);
  lines.push(`  objective: ${describeObjective(r.objectiveKind, r.notes?.weights)} = ${r.objective.toExponential(6)}`);
  lines.push(`  solver: ${r.solver}`);
  lines.push(`  points: n = ${r.n}${r.excluded.rows.length ? `, excluded ${r.excluded.rows.length} (${r.excluded.reason})` : ', none excluded'}`);
  const roleText = Object.entries(r.roles).map(([v, role]) => `${v} = ${role} ('${r.columns[v]}')`).join(', ');
  lines.push(`  columns: ${roleText}; loss = '${r.columns.loss}'`);
  if (r.notes?.time) lines.push(`  time: ${r.notes.time}`);
  if (r.notes?.starts) lines.push(`  starts: ${r.notes.starts}`);
  lines.push(`  converged: ${r.converged ? 'yes' : 'NO'} (${r.iterations} iterations, gradient norm ${r.gradientNorm.toExponential(2)})`);
  lines.push(`  convergence check: ${convergenceText(r.convergence)}`);
  lines.push('');
  const groups = r.bootstrap?.groups;
  const ciLabel = r.bootstrap
    ? `${levelText(r.level)} CI (bootstrap, ${r.bootstrap.resamples} resamples ${groups ? `of ${groups.count} groups (${groups.column})` : 'by run'}, seed ${r.bootstrap.seed})`
    : `${levelText(r.level)} CI (value +/- ${fmt(normalZ(r.level), 4)} SE)`;
  lines.push(`  ${pad('parameter', 10)} ${pad('value', 12)} ${pad('std err', 11)} ${ciLabel}`);
  for (const p of Object.values(r.params)) {
    const ci = p.ci ? `[${fmt(p.ci[0])}, ${fmt(p.ci[1])}]` : '—';
    const tag = p.tiedTo ? `  (tied = ${p.tiedTo})` : p.fixed ? '  (fixed)' : p.bounds ? `  (bounds [${fmt(p.bounds[0])}, ${fmt(p.bounds[1])}])` : '';
    lines.push(`  ${pad(p.name, 10)} ${pad(fmt(p.value, 5), 12)} ${pad(fmt(p.stderr, 3), 11)} ${ci}${tag}`);
  }
  lines.push('');
  lines.push(`  residuals (log L): rms ${fmt(r.residuals.rmsLog, 3)}, max |r| ${fmt(r.residuals.maxAbsLog, 3)}; mean |relative error| ${(100 * r.residuals.meanAbsRelative).toFixed(2)}%`);
  const likelihood = `Gaussian on ${spaceOf(r.objectiveKind) === 'loss' ? 'L' : 'log'} residuals${r.notes?.weights ? ', weighted' : ''}`;
  lines.push(`  log-likelihood (${likelihood}) ${fmt(r.logLik, 6)}, AIC ${fmt(r.aic, 6)}, BIC ${fmt(r.bic, 6)}`);
  if (r.universality) lines.push('', ...universalityLines(r.universality));
  lines.push('', '  Diagnostics:', ...r.diagnostics.notes.map((t) => `    ${t}`));
  if (r.warnings && r.warnings.length) {
    lines.push('');
    for (const w of r.warnings) lines.push(`  WARNING: ${w}`);
  }
  return lines.join('\n');
}

/** The summary's universality-test lines: the free exponents, the test that was run, the verdict. */
function universalityLines(u: UniversalityTest): string[] {
  const lines = ['  Universality test (free vs fixed exponents, same points and objective):'];
  for (const [k, p] of Object.entries(u.exponents)) {
    const z = p.stderr ? ` (${fmt((p.value - u.universal[k]) / p.stderr, 3)} SE off)` : '';
    lines.push(`    ${pad(k, 6)} free ${fmt(p.value)} ${p.ci ? `[${fmt(p.ci[0])}, ${fmt(p.ci[1])}]` : ''} vs universal ${fmt(u.universal[k])}${z}`);
  }
  const ic = `dAIC ${fmt(u.deltaAIC)}, dBIC ${fmt(u.deltaBIC)}`;
  lines.push(u.method === 'wald'
    ? `    Wald statistic ${fmt(u.statistic)} on ${u.df} df, p = ${fmt(u.pValue, 3)} (robust covariance of the free exponents: the objective is not a likelihood, so no likelihood ratio); ${ic} (Gaussian likelihood of the residuals, positive favours free)`
    : `    LR statistic ${fmt(u.statistic)} on ${u.df} df, p = ${fmt(u.pValue, 3)}; ${ic} (positive favours free)`);
  lines.push(`    ${u.verdict}`);
  return lines;
}

/** The summary's convergence-check line: what was checked, the numbers, and the verdict. */
export function convergenceText(c: ConvergenceCheck): string {
  const restarts = c.restarts
    ? `${c.restarts} restart${c.restarts > 1 ? 's' : ''} from the reported point ${c.restartImprovement > 0 ? `improved it by ${fmt(c.restartImprovement, 2)} (relative)` : Number.isNaN(c.restartImprovement) ? 'kept improving it' : 'did not improve it'}`
    : 'no restart needed';
  const adopted = c.improvedBy > 0 ? `; the solver's end point was improved by ${fmt(c.improvedBy, 2)} (relative) by a restart first` : '';
  return `scaled gradient ${fmt(c.scaledGradient, 2)} (limit ${SCALED_GRADIENT_TOL}), ${restarts}${adopted}, condition number of the curvature ${fmt(c.conditionNumber, 2)}: `
    + (c.passed ? 'passed' : `FAILED (${c.failure ?? 'see warnings'})`);
}

/**
 * Residual statistics (on log L), and the Gaussian log-likelihood of the residuals in the objective's
 * space (log L or L) with information criteria. With weights w the residuals are read as N(0, s^2 / w).
 */
export function fitStatistics(logy: Float64Array, logf: Float64Array, rows: number[] | null, kFree: number, scoring: { space?: ResidualSpace; weights?: Float64Array | null } = {}) {
  const idx = rows ?? Array.from(logy, (_, i) => i);
  const n = idx.length;
  const w = scoring.weights;
  let ss = 0, maxAbs = 0, rel = 0, wss = 0, logW = 0;
  for (const i of idx) {
    const r = logy[i] - logf[i];
    ss += r * r;
    maxAbs = Math.max(maxAbs, Math.abs(r));
    rel += Math.abs(Math.exp(r) - 1);
    const rs = scoring.space === 'loss' ? Math.exp(logy[i]) - Math.exp(logf[i]) : r;
    wss += (w ? w[i] : 1) * rs * rs;
    if (w) logW += Math.log(w[i]);
  }
  const sigma2 = Math.max(wss / n, 1e-300);
  const logLik = -0.5 * n * (Math.log(2 * Math.PI * sigma2) + 1) + 0.5 * logW;
  const k = kFree + 1; // + the residual scale
  return {
    residuals: { rmsLog: Math.sqrt(ss / n), maxAbsLog: maxAbs, meanAbsRelative: rel / n },
    logLik, aic: 2 * k - 2 * logLik, bic: k * Math.log(n) - 2 * logLik, ssr: wss,
  };
}
