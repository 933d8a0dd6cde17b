import { ScalingLabError, checkOptionKeys } from '../errors';
import { progressReporter, type ProgressCallback } from '../progress';
import { toColumns, requireColumn, findColumn, numericColumn, numRows, type DataInput } from '../data/columns';
import { applyExclusions, excludeHighestLoss, type ExcludeSpec } from './exclude';
import { nnlsNormal } from './nnls';
import { invertSymmetric } from './linalg';
import { deltaOf, irlsWeight, psi, rho } from './huber';
import { lmSolve, LMWorkspace, type LMProblem } from './lm';
import { chi2Sf, percentile } from '../util/stats';
import { Rng } from '../util/random';
import { huberCovFactor, logResidualCurvature } from './curvature';
import { makeFitResult, fitStatistics, fmt } from './report';
import type { FitResult, Objective, ParamEstimate, Role, UniversalityTest } from './types';

/** The three terms of the universal form, in the paper's vocabulary. */
export type UniversalTerm = 'width' | 'depth' | 'time';

/** The universal exponents (Liu and Gore): width 1 (superposition), depth 1 (layer ensembling), time 1/3 (softmax CE). */
export const UNIVERSAL_EXPONENTS: Record<UniversalTerm, number> = { width: 1, depth: 1, time: 1 / 3 };

export interface UniversalOptions {
  /**
   * 'fixed' (default: 1, 1, 1/3), 'free' (all fitted, with the fixed-vs-free universality test), or
   * per term a number (held fixed at it) or 'free', e.g. { depth: 'free' }; unlisted terms stay universal.
   */
  exponents?: 'fixed' | 'free' | Partial<Record<UniversalTerm, number | 'free'>>;
  /** 'lsq' (default): least squares on log L; or { huber: delta }: Huber on log L, summed over points. */
  objective?: Objective;
  /** Rows to leave out: { highestLoss: k }, a predicate (row, i) => boolean, or row indices. */
  exclude?: ExcludeSpec;
  /** Which terms to include (default all three); left-out terms have coefficient 0. */
  terms?: UniversalTerm[];
  /** Bootstrap resamples by run (default 200; 0 or false for none). */
  bootstrap?: number | false;
  /** Seed of the bootstrap (default 0). */
  seed?: number;
  /** Column names; detected from common aliases when not given. */
  loss?: string; width?: string; depth?: string; tokens?: string; steps?: string;
  /** Dynamic time tau (sum of learning rates) column, used for the time term instead of tokens. */
  time?: string;
  /** Same names as an object: { loss: 'val_loss', width: 'd_model', ... }. */
  columns?: Partial<Record<'loss' | 'width' | 'depth' | 'tokens' | 'steps' | 'time', string>>;
  /** Progress of the bootstrap. */
  onProgress?: ProgressCallback;
}

const KNOWN = ['exponents', 'objective', 'exclude', 'terms', 'bootstrap', 'seed', 'loss', 'width', 'depth', 'tokens', 'steps', 'time', 'columns', 'onProgress'];
const TERMS: UniversalTerm[] = ['width', 'depth', 'time'];
const FN = 'fitUniversal';

interface TermInfo { term: UniversalTerm; variable: string; role: Role; column: string; coef: string; expo: string; x: Float64Array; all: number[] }

export function checkObjective(fn: string, objective: unknown): Objective {
  if (objective === 'lsq') return 'lsq';
  if (objective && typeof objective === 'object' && Object.keys(objective).length === 1 && 'huber' in objective) {
    const d = (objective as { huber: unknown }).huber;
    if (typeof d === 'number' && d > 0 && Number.isFinite(d)) return { huber: d };
  }
  throw new ScalingLabError('bad-option', `${fn}: objective must be 'lsq' or { huber: delta } with delta > 0, got ${JSON.stringify(objective)}.`,
    `use objective: 'lsq' (least squares on log L) or objective: { huber: 1e-3 }.`);
}

/**
 * Fits L = L0 + c_m / m^a_m + c_l / l^a_l + c_D / D^a_D in log-loss space. With the exponents
 * fixed (default 1, 1, 1/3) the law is linear in (L0, c_m, c_l, c_D) >= 0: solved by projected
 * Gauss-Newton whose every step is an exact NNLS subproblem, started from the NNLS solution of the
 * relative-error linear problem. Coefficients in raw units (c_m per unit width etc.).
 */
export function fitUniversal(data: DataInput, options: UniversalOptions = {}): FitResult {
  checkOptionKeys(FN, options, KNOWN);
  if (options.columns !== undefined) checkOptionKeys(`${FN} columns`, options.columns, ['loss', 'width', 'depth', 'tokens', 'steps', 'time']);
  const objective = checkObjective(FN, options.objective ?? 'lsq');
  const delta = deltaOf(objective);
  const terms = options.terms ?? TERMS;
  if (!Array.isArray(terms) || terms.length === 0 || terms.some((t) => !TERMS.includes(t))) {
    throw new ScalingLabError('bad-option', `${FN}: terms must be a non-empty subset of ${TERMS.join(', ')}, got ${JSON.stringify(terms)}.`);
  }
  const expSpec = resolveExponents(options.exponents, terms);
  const B = options.bootstrap === false ? 0 : options.bootstrap ?? 200;
  if (!Number.isInteger(B) || B < 0) throw new ScalingLabError('bad-option', `${FN}: bootstrap must be a non-negative integer (resamples) or false, got ${options.bootstrap}.`);
  const seed = options.seed ?? 0;

  const columns = toColumns(data, FN);
  const names = { ...(options.columns ?? {}) } as Record<string, string | undefined>;
  for (const k of ['loss', 'width', 'depth', 'tokens', 'steps', 'time'] as const) if (options[k] !== undefined) names[k] = options[k];
  const lossCol = requireColumn(columns, 'loss', FN, names.loss);
  // Time: explicit tau, explicit steps, explicit tokens, else detected tokens, steps, tau.
  let timeRole: Role = 'tokens', timeCol: string | null = null;
  if (terms.includes('time')) {
    if (names.time !== undefined) { timeRole = 'time'; timeCol = requireColumn(columns, 'time', FN, names.time); }
    else if (names.steps !== undefined) { timeRole = 'steps'; timeCol = requireColumn(columns, 'steps', FN, names.steps); }
    else if (names.tokens !== undefined) { timeRole = 'tokens'; timeCol = requireColumn(columns, 'tokens', FN, names.tokens); }
    else {
      for (const role of ['tokens', 'steps', 'time'] as const) {
        const c = findColumn(columns, role);
        if (c && c !== lossCol) { timeRole = role; timeCol = c; break; }
      }
      if (!timeCol) requireColumn(columns, 'tokens', FN); // throws the standard missing-column message
    }
  }
  const { excluded, reasons, highestLoss } = applyExclusions(columns, options.exclude, FN);
  let rows: number[] = [];
  for (let i = 0; i < numRows(columns); i++) if (!excluded.has(i)) rows.push(i);
  let y = numericColumn(columns, lossCol, FN, 'loss', true, rows);
  const termInfo: TermInfo[] = [];
  const varName: Record<UniversalTerm, string> = { width: 'm', depth: 'l', time: timeRole === 'tokens' ? 'D' : timeRole === 'steps' ? 'S' : 'tau' };
  for (const term of terms) {
    const role: Role = term === 'time' ? timeRole : term;
    const column = term === 'time' ? timeCol! : requireColumn(columns, term, FN, names[term]);
    const v = varName[term];
    termInfo.push({ term, variable: v, role, column, coef: `c_${v}`, expo: `a_${v}`, x: numericColumn(columns, column, FN, role, true, rows), all: [] });
  }
  if (highestLoss !== undefined) {
    const kept = excludeHighestLoss(y, rows, highestLoss, excluded, reasons);
    const keep = new Set(kept);
    const pos = rows.map((r, j) => (keep.has(r) ? j : -1)).filter((j) => j >= 0);
    y = Float64Array.from(pos, (j) => y[j]);
    for (const t of termInfo) t.x = Float64Array.from(pos, (j) => t.x[j]);
    rows = kept;
  }
  const n = rows.length;
  for (const t of termInfo) {
    let lo = Infinity, hi = -Infinity;
    for (const v of t.x) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!(hi > lo * (1 + 1e-9))) {
      throw new ScalingLabError('no-variation', `${FN}: the ${t.term} term is requested but ${t.role} ('${t.column}') does not vary over the ${n} points used (all ${fmt(lo)}).`,
        `leave the term out (terms: [${terms.filter((x) => x !== t.term).map((x) => `'${x}'`).join(', ')}]) or add runs with different ${t.role}.`);
    }
  }
  const nFreeExp = termInfo.filter((t) => expSpec[t.term] === 'free').length;
  const pFree = 1 + termInfo.length + nFreeExp;
  if (n < pFree + 1) {
    throw new ScalingLabError('too-few-points', `${FN}: ${n} points for ${pFree} free parameters; need at least ${pFree + 1}.`,
      'add runs, fix the exponents, drop terms, or exclude fewer rows.');
  }
  for (const t of termInfo) for (const r of rowsAll(columns)) {
    const raw = columns[t.column][r];
    t.all.push(typeof raw === 'number' ? raw : Number(raw));
  }
  const logy = Float64Array.from(y, Math.log);
  const fixedExps: Record<UniversalTerm, number> = { ...UNIVERSAL_EXPONENTS };
  for (const t of termInfo) if (typeof expSpec[t.term] === 'number') fixedExps[t.term] = expSpec[t.term] as number;
  const warnings: string[] = [];

  // Fixed-exponent fit (always: it is the whole answer or the null model of the universality test).
  const lin = new LinearLogFit(termInfo.map((t) => t.x), termInfo.map((t) => fixedExps[t.term]), logy, delta);
  const fixedSol = lin.solve(null, null);
  const fixedCoefs = Float64Array.from(lin.c);
  const fixedStats = fitStatistics(logy, lin.logf(fixedCoefs), null, 1 + termInfo.length - 0);

  let result: {
    params: Record<string, ParamEstimate>; objective: number; converged: boolean; iterations: number; gradientNorm: number;
    logf: Float64Array; kFree: number; samples?: Record<string, number[]>; covariance: FitResult['covariance'];
  };
  const report = progressReporter('bootstrap', B, options.onProgress);
  if (nFreeExp === 0) {
    const params: Record<string, ParamEstimate> = {};
    const cov = lin.covariance(fixedCoefs, n);
    const pnames = ['L0', ...termInfo.map((t) => t.coef)];
    pnames.forEach((nm, k) => {
      const se = cov?.se[k] ?? null;
      params[nm] = { name: nm, value: fixedCoefs[k], stderr: se, ci: se === null ? null : [fixedCoefs[k] - 1.96 * se, fixedCoefs[k] + 1.96 * se], fixed: false, bounds: [0, Infinity] };
      if (fixedCoefs[k] === 0) warnings.push(`${nm} is at its bound 0 (the data do not support a positive ${nm}); its standard error is not estimated.`);
    });
    for (const t of termInfo) params[t.expo] = { name: t.expo, value: fixedExps[t.term], stderr: null, ci: null, fixed: true };
    let samples: Record<string, number[]> | undefined;
    if (B > 0) {
      samples = Object.fromEntries(pnames.map((k) => [k, [] as number[]]));
      const rng = new Rng(seed);
      const w = new Float64Array(n);
      let failed = 0;
      for (let b = 0; b < B; b++) {
        w.fill(0);
        for (let i = 0; i < n; i++) w[rng.int(n)]++;
        const s = lin.solve(w, fixedCoefs);
        if (!s.converged) failed++;
        pnames.forEach((k, j) => samples![k].push(lin.c[j]));
        report(b + 1);
      }
      if (failed) warnings.push(`${failed} of ${B} bootstrap fits did not meet the convergence test.`);
      for (const k of pnames) params[k].ci = percentileCI(samples[k]);
    }
    result = {
      params, objective: fixedSol.objective, converged: fixedSol.converged, iterations: fixedSol.iterations, gradientNorm: fixedSol.gradientNorm,
      logf: lin.logf(fixedCoefs), kFree: pnames.length, samples, covariance: cov ? { names: pnames, matrix: cov.matrix } : null,
    };
  } else {
    result = fitFreeExponents(termInfo, expSpec, fixedExps, fixedCoefs, logy, delta, B, seed, report, warnings);
  }
  if (!result.converged) warnings.unshift('the fit did NOT converge: its parameters are the last iterate, not an optimum.');

  const stats = fitStatistics(logy, result.logf, null, result.kFree);
  const includedSet = new Set(rows);
  const all = rowsAll(columns);
  const variables: Record<string, number[]> = {};
  const roles: Record<string, Role> = {};
  const colMap: Record<string, string> = {};
  for (const t of termInfo) { variables[t.variable] = t.all; roles[t.variable] = t.role; colMap[t.variable] = t.column; }
  colMap.loss = lossCol;
  const p = result.params;
  const coefOf = (term: UniversalTerm) => { const t = termInfo.find((x) => x.term === term); return t ? p[t.coef].value : 0; };
  const expOf = (term: UniversalTerm) => { const t = termInfo.find((x) => x.term === term); return t ? p[t.expo].value : fixedExps[term]; };
  let universality: UniversalityTest | undefined;
  if (nFreeExp > 0) {
    const fixedObjStats = fixedStats;
    const statistic = Math.max(0, 2 * (stats.logLik - fixedObjStats.logLik));
    const exps: Record<string, ParamEstimate> = {};
    const universal: Record<string, number> = {};
    for (const t of termInfo) if (expSpec[t.term] === 'free') { exps[t.term] = p[t.expo]; universal[t.term] = UNIVERSAL_EXPONENTS[t.term]; }
    const pValue = chi2Sf(statistic, nFreeExp);
    const inside = Object.entries(exps).filter(([k, e]) => e.ci && e.ci[0] <= universal[k] && universal[k] <= e.ci[1]).map(([k]) => k);
    const outside = Object.keys(exps).filter((k) => !inside.includes(k));
    const verdict = pValue >= 0.05
      ? `Consistent with the universal exponents: freeing ${nFreeExp} exponent${nFreeExp > 1 ? 's' : ''} does not improve the fit significantly (p = ${fmt(pValue, 2)}).`
      : `Freeing the exponents improves the fit significantly (p = ${fmt(pValue, 2)})${outside.length ? `; the universal value lies outside the 95% CI for ${outside.join(', ')}` : ', though every universal value lies inside its 95% CI'}.`;
    // A free fit that stopped early gives no trustworthy comparison: say so first.
    const verdictText = result.converged ? verdict
      : `The free-exponent fit did not converge, so this comparison is not reliable (as computed: ${verdict.charAt(0).toLowerCase()}${verdict.slice(1)})`;
    universality = {
      exponents: exps, universal, statistic, df: nFreeExp, pValue,
      deltaAIC: fixedObjStats.aic - stats.aic, deltaBIC: fixedObjStats.bic - stats.bic, verdict: verdictText,
    };
  }
  const law = 'L0' + termInfo.map((t) => {
    const e = expOf(t.term);
    const fixedE = expSpec[t.term] !== 'free';
    if (fixedE && e === 1) return ` + ${t.coef} / ${t.variable}`;
    if (fixedE && Math.abs(e - 1 / 3) < 1e-15) return ` + ${t.coef} * ${t.variable}^(-1/3)`;
    return fixedE ? ` + ${t.coef} * ${t.variable}^(-${e})` : ` + ${t.coef} / ${t.variable}^${t.expo}`;
  }).join('');
  const exclusionText = reasons.length ? reasons.join('; ') : 'none';
  const fit = makeFitResult({
    law, lawName: 'universal', roles, columns: colMap, params: p,
    coefficients: { L0: p.L0.value, width: coefOf('width'), depth: coefOf('depth'), time: coefOf('time') },
    exponents: { width: expOf('width'), depth: expOf('depth'), time: expOf('time') },
    objective: result.objective, objectiveKind: objective, converged: result.converged, iterations: result.iterations, gradientNorm: result.gradientNorm,
    n, excluded: { rows: all.filter((i) => !includedSet.has(i)), reason: exclusionText },
    residuals: stats.residuals, logLik: stats.logLik, aic: stats.aic, bic: stats.bic,
    bootstrap: result.samples ? { samples: result.samples, resamples: B, seed } : undefined,
    universality,
    data: { variables, loss: all.map((i) => Number(columns[lossCol][i])), included: all.map((i) => includedSet.has(i)) },
    warnings, covariance: result.covariance,
    notes: { exclusions: exclusionText, columns: Object.entries(colMap).map(([k, v]) => `${k} <- '${v}'`).join(', ') },
    evaluateWith: (vars, pv) => {
      let s = pv.L0;
      for (const t of termInfo) s += pv[t.coef] * Math.pow(vars[t.variable], -pv[t.expo]);
      return s;
    },
  });
  // The paper's names for the coefficients: params.width / depth / time are c_m, c_l, c_D (not
  // enumerable, so tables and reports list each parameter once).
  for (const t of termInfo) {
    if (fit.params[t.coef] && !(t.term in fit.params)) Object.defineProperty(fit.params, t.term, { value: fit.params[t.coef], enumerable: false });
  }
  return fit;
}

function rowsAll(columns: Record<string, unknown[]>): number[] {
  return Array.from({ length: numRows(columns as never) }, (_, i) => i);
}

function resolveExponents(spec: UniversalOptions['exponents'], terms: UniversalTerm[]): Record<UniversalTerm, number | 'free'> {
  const out: Record<UniversalTerm, number | 'free'> = { ...UNIVERSAL_EXPONENTS };
  if (spec === undefined || spec === 'fixed') return out;
  if (spec === 'free') { for (const t of terms) out[t] = 'free'; return out; }
  if (typeof spec !== 'object' || spec === null) {
    throw new ScalingLabError('bad-option', `${FN}: exponents must be 'fixed', 'free' or an object like { depth: 'free' }, got ${JSON.stringify(spec)}.`);
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

export function percentileCI(samples: number[]): [number, number] {
  const s = samples.filter(Number.isFinite).sort((a, b) => a - b);
  return [percentile(s, 0.025), percentile(s, 0.975)];
}

/**
 * L = L0 + sum_k c_k x_k^(-a_k) with fixed a_k, fitted on log L with all coefficients >= 0.
 * Each Gauss-Newton step solves the linearised problem exactly under the constraints (an NNLS in
 * the new coefficients), followed by a backtracking line search on the true objective.
 */
export class LinearLogFit {
  readonly n: number; readonly p: number;
  readonly X: Float64Array; // n x p: [1, x_1^-a_1, ...]
  readonly c: Float64Array;
  private f: Float64Array; private ct: Float64Array; private M: Float64Array; private v: Float64Array; private cn: Float64Array;
  private scale: Float64Array;
  constructor(xs: Float64Array[], exps: number[], readonly logy: Float64Array, readonly delta: number) {
    this.n = logy.length; this.p = xs.length + 1;
    const { n, p } = this;
    this.X = new Float64Array(n * p);
    this.scale = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      this.X[i * p] = 1;
      for (let k = 1; k < p; k++) this.X[i * p + k] = Math.pow(xs[k - 1][i], -exps[k - 1]);
    }
    for (let k = 0; k < p; k++) { let s = 0; for (let i = 0; i < n; i++) s += this.X[i * p + k]; this.scale[k] = s / n; }
    this.c = new Float64Array(p); this.ct = new Float64Array(p); this.cn = new Float64Array(p);
    this.f = new Float64Array(n); this.M = new Float64Array(p * p); this.v = new Float64Array(p);
  }

  private model(c: Float64Array, f: Float64Array): void {
    const { n, p, X } = this;
    for (let i = 0; i < n; i++) { let s = 0; for (let k = 0; k < p; k++) s += X[i * p + k] * c[k]; f[i] = s; }
  }

  private objective(c: Float64Array, w: Float64Array | null): number {
    this.model(c, this.f);
    let s = 0;
    for (let i = 0; i < this.n; i++) {
      const wi = w ? w[i] : 1;
      if (wi === 0) continue;
      if (!(this.f[i] > 0)) return Infinity;
      s += wi * rho(this.logy[i] - Math.log(this.f[i]), this.delta);
    }
    return s;
  }

  logf(c: Float64Array): Float64Array {
    const f = new Float64Array(this.n);
    this.model(c, f);
    return f.map(Math.log);
  }

  /** Solves with optional weights (bootstrap counts) from `start` or the NNLS start; result in this.c. */
  solve(w: Float64Array | null, start: Float64Array | null) {
    const { n, p, X, M, v, c, f, scale } = this;
    if (start) c.set(start);
    else {
      // Relative-error linear problem: (y - Xc)/y ~ log y - log Xc near the fit.
      M.fill(0); v.fill(0);
      for (let i = 0; i < n; i++) {
        const wi = w ? w[i] : 1;
        if (wi === 0) continue;
        const iy = Math.exp(-this.logy[i]);
        for (let a = 0; a < p; a++) {
          const xa = X[i * p + a] * iy;
          v[a] += wi * xa;
          for (let b = 0; b < p; b++) M[a * p + b] += wi * xa * X[i * p + b] * iy;
        }
      }
      nnlsNormal(M, v, p, c);
      if (c.every((x) => x === 0)) c[0] = Math.exp(this.logy.reduce((a, b) => a + b, 0) / n);
    }
    let obj = this.objective(c, w);
    let iterations = 0, converged = false, gradientNorm = NaN;
    for (; iterations < 100; iterations++) {
      this.model(c, f);
      M.fill(0); v.fill(0);
      const g = this.ct; g.fill(0);
      for (let i = 0; i < n; i++) {
        const wi = w ? w[i] : 1;
        if (wi === 0) continue;
        const r = this.logy[i] - Math.log(f[i]);
        const u = wi * irlsWeight(r, this.delta), inv = 1 / f[i];
        // r(c') ~ r + J c - J c' with J = X/f: target b = r + J c
        let jc = 0;
        for (let a = 0; a < p; a++) jc += X[i * p + a] * inv * c[a];
        const bi = r + jc, ps = wi * psi(r, this.delta);
        for (let a = 0; a < p; a++) {
          const ja = X[i * p + a] * inv;
          v[a] += u * ja * bi;
          g[a] -= ps * ja;
          for (let b = 0; b <= a; b++) M[a * p + b] += u * ja * X[i * p + b] * inv;
        }
      }
      for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) M[b * p + a] = M[a * p + b];
      gradientNorm = 0;
      for (let a = 0; a < p; a++) if (!(c[a] === 0 && g[a] > 0)) gradientNorm = Math.max(gradientNorm, Math.abs(g[a]) / scale[a]);
      nnlsNormal(M, v, p, this.cn);
      // Converged when the exact constrained Gauss-Newton step changes every term by < 1e-10 of the loss.
      let change = 0;
      for (let a = 0; a < p; a++) change = Math.max(change, Math.abs(this.cn[a] - c[a]) * scale[a]);
      if (change <= 1e-10 * Math.exp(this.logy[0]) ) { converged = true; break; }
      let t = 1, accepted = false;
      const ct = new Float64Array(p);
      for (let ls = 0; ls < 40; ls++) {
        for (let a = 0; a < p; a++) ct[a] = c[a] + t * (this.cn[a] - c[a]);
        const o = this.objective(ct, w);
        if (o <= obj) { accepted = o < obj || t === 1; c.set(ct); const dec = obj - o; obj = o; if (dec <= 1e-15 * obj) { converged = change * t <= 1e-7 * Math.exp(this.logy[0]); } break; }
        t /= 2;
      }
      if (!accepted) { converged = change <= 1e-7 * Math.exp(this.logy[0]); break; }
      if (converged) break;
    }
    return { objective: this.objective(c, w), iterations, converged, gradientNorm };
  }

  /**
   * Asymptotic covariance of the coefficients not at their zero bound. Least squares: s^2 (J'J)^-1
   * with s^2 = SSR/(n - p). Huber: Huber's (1981) M-estimator formula
   * K^2 [sum psi^2/(n-p)] / [mean psi']^2 (J'J)^-1.
   */
  covariance(c: Float64Array, nPoints: number): { se: Array<number | null>; matrix: number[][] } | null {
    const { n, p, X } = this;
    const f = new Float64Array(n);
    this.model(c, f);
    const active = Array.from(c, (x) => x > 0);
    const idx = active.map((a, k) => (a ? k : -1)).filter((k) => k >= 0);
    const q = idx.length;
    const JtJ = new Float64Array(q * q);
    let sumPsi2 = 0, sumDpsi = 0;
    for (let i = 0; i < n; i++) {
      const r = this.logy[i] - Math.log(f[i]);
      const ps = psi(r, this.delta);
      sumPsi2 += ps * ps;
      sumDpsi += Math.abs(r) <= this.delta ? 1 : 0;
      for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) JtJ[a * q + b] += (X[i * p + idx[a]] / f[i]) * (X[i * p + idx[b]] / f[i]);
    }
    const inv = invertSymmetric(JtJ, q);
    if (!inv || nPoints <= q) return null;
    const factor = huberCovFactor(sumPsi2, sumDpsi, nPoints, q, this.delta);
    if (factor === null) return null;
    const matrix: number[][] = Array.from({ length: p }, () => new Array(p).fill(0));
    for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) matrix[idx[a]][idx[b]] = factor * inv[a][b];
    const se = Array.from({ length: p }, (_, k) => (active[k] ? Math.sqrt(matrix[k][k]) : null));
    return { se, matrix };
  }
}


/**
 * Free exponents: theta = [L0, log c~_k, a_k (free ones)] with c~_k the coefficient of the variable
 * scaled by its geometric mean (D ~ 1e9..1e12 makes raw units badly conditioned); reported in raw
 * units c_k = c~_k s_k^a_k with the covariance mapped by the delta method.
 */
function fitFreeExponents(
  terms: TermInfo[], spec: Record<UniversalTerm, number | 'free'>, fixedExps: Record<UniversalTerm, number>, fixedCoefs: Float64Array,
  logy: Float64Array, delta: number, B: number, seed: number, report: (d: number) => void, warnings: string[],
) {
  const n = logy.length, K = terms.length;
  const freeIdx = terms.map((t) => spec[t.term] === 'free');
  const pIdxExp: number[] = [];
  let p = 1 + K;
  for (let k = 0; k < K; k++) pIdxExp.push(freeIdx[k] ? p++ : -1);
  const scales = terms.map((t) => Math.exp(t.x.reduce((s, v) => s + Math.log(v), 0) / n));
  const lnxs = terms.map((t, k) => Float64Array.from(t.x, (v) => Math.log(v / scales[k])));
  const prob: LMProblem = {
    n, p, logy,
    model(theta, f, J) {
      for (let i = 0; i < n; i++) {
        let s = theta[0];
        const row = i * p;
        J[row] = 1;
        for (let k = 0; k < K; k++) {
          const a = pIdxExp[k] >= 0 ? theta[pIdxExp[k]] : fixedExps[terms[k].term];
          const term = Math.exp(theta[1 + k] - a * lnxs[k][i]);
          s += term;
          J[row + 1 + k] = term;
          if (pIdxExp[k] >= 0) J[row + pIdxExp[k]] = -term * lnxs[k][i];
        }
        f[i] = s;
        if (!(s > 0) || !Number.isFinite(s)) return false;
      }
      return true;
    },
    lower: Float64Array.from({ length: p }, (_, j) => (j === 0 ? 0 : j > K ? 1e-6 : -Infinity)),
    upper: Float64Array.from({ length: p }, (_, j) => (j > K ? 10 : Infinity)),
  };
  const ws = new LMWorkspace(n, p);
  const meanY = Math.exp(logy.reduce((a, b) => a + b, 0) / n);
  const startFrom = (mult: number) => {
    const th = new Float64Array(p);
    th[0] = fixedCoefs[0];
    for (let k = 0; k < K; k++) {
      const a0 = fixedExps[terms[k].term];
      const c = fixedCoefs[1 + k] > 0 ? fixedCoefs[1 + k] : 1e-3 * meanY;
      th[1 + k] = Math.log(c) - a0 * Math.log(scales[k]);
      if (pIdxExp[k] >= 0) th[pIdxExp[k]] = a0 * mult;
    }
    return th;
  };
  let best: { theta: Float64Array; res: ReturnType<typeof lmSolve> } | null = null;
  for (const mult of [1, 0.6, 1.5]) {
    const th = startFrom(mult);
    const res = lmSolve(prob, th, { delta, maxIter: 500 }, ws);
    if (!best || res.objective < best.res.objective) best = { theta: th, res };
  }
  const theta = best!.theta, res = best!.res;
  // Raw-unit parameters and the Jacobian G of the map theta -> raw.
  const rawNames = ['L0', ...terms.map((t) => t.coef), ...terms.filter((_, k) => freeIdx[k]).map((t) => t.expo)];
  const toRaw = (th: Float64Array): number[] => {
    const out = [th[0]];
    for (let k = 0; k < K; k++) {
      const a = pIdxExp[k] >= 0 ? th[pIdxExp[k]] : fixedExps[terms[k].term];
      out.push(Math.exp(th[1 + k] + a * Math.log(scales[k])));
    }
    for (let k = 0; k < K; k++) if (pIdxExp[k] >= 0) out.push(th[pIdxExp[k]]);
    return out;
  };
  const raw = toRaw(theta);
  const G: number[][] = rawNames.map(() => new Array(p).fill(0));
  G[0][0] = 1;
  for (let k = 0; k < K; k++) {
    G[1 + k][1 + k] = raw[1 + k];
    if (pIdxExp[k] >= 0) { G[1 + k][pIdxExp[k]] = raw[1 + k] * Math.log(scales[k]); G[pIdxExp[k]][pIdxExp[k]] = 1; }
  }
  // Covariance in theta from the log-residual Jacobian.
  const { inv, factor, f } = logResidualCurvature(prob.model.bind(prob), theta, logy, p, delta);
  let covRaw: number[][] | null = null;
  if (inv && factor !== null) {
    covRaw = rawNames.map((_, a) => rawNames.map((__, b) => {
      let s = 0;
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) s += G[a][i] * factor * inv[i][j] * G[b][j];
      return s;
    }));
  } else warnings.push('the parameter covariance could not be estimated (singular curvature): standard errors are missing.');
  if (theta[0] === 0) warnings.push('L0 is at its bound 0.');
  const params: Record<string, ParamEstimate> = {};
  rawNames.forEach((nm, a) => {
    const se = covRaw && !(a === 0 && theta[0] === 0) ? Math.sqrt(covRaw[a][a]) : null;
    params[nm] = { name: nm, value: raw[a], stderr: se, ci: se === null ? null : [raw[a] - 1.96 * se, raw[a] + 1.96 * se], fixed: false, bounds: a === 0 || a <= K ? [0, Infinity] : undefined };
  });
  // Order: L0, coefficients, then every exponent (free or fixed).
  const ordered: Record<string, ParamEstimate> = { L0: params.L0 };
  for (const t of terms) ordered[t.coef] = params[t.coef];
  for (const t of terms) ordered[t.expo] = params[t.expo] ?? { name: t.expo, value: fixedExps[t.term], stderr: null, ci: null, fixed: true };
  let samples: Record<string, number[]> | undefined;
  if (B > 0) {
    samples = Object.fromEntries(rawNames.map((k) => [k, [] as number[]]));
    const rng = new Rng(seed);
    const w = new Float64Array(n), th = new Float64Array(p);
    let failed = 0;
    for (let b = 0; b < B; b++) {
      w.fill(0);
      for (let i = 0; i < n; i++) w[rng.int(n)]++;
      th.set(theta);
      const r = lmSolve(prob, th, { delta, weights: w, maxIter: 500 }, ws);
      if (!r.converged) failed++;
      toRaw(th).forEach((v, j) => samples![rawNames[j]].push(v));
      report(b + 1);
    }
    if (failed) warnings.push(`${failed} of ${B} bootstrap fits did not meet the convergence test.`);
    for (const k of rawNames) ordered[k].ci = percentileCI(samples[k]);
  }
  const logf = Float64Array.from(f, Math.log);
  return {
    params: ordered, objective: res.objective, converged: res.converged, iterations: res.iterations, gradientNorm: res.gradientNorm,
    logf, kFree: p, samples, covariance: covRaw ? { names: rawNames, matrix: covRaw } : null,
  };
}
